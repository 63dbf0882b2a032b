"""Chapter 9's checks accept the solutions and reject typical wrong answers."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from scipy import ndimage

# The untrained nearest-class-mean network chapter 8's experiment tests use.
from test_checks_training_cnns import centroid_network

from utils.checks import as_words
from utils.checks.cnn_limits import (
    _STATEMENT_HINTS,
    check_invariance_statements,
    check_two_block_shift,
    check_vertical_shift_experiment,
)
from utils.checks.training_cnns import chapter_digits

# ---------------------------------------------------------------- invariance


@pytest.mark.parametrize(
    "answer",
    [
        {"a", "d"},
        ["A", "d"],
        ("d", "a."),
        "a, d",
        "ad",
        "A and D",
        " d;a ",
        {" a ", "D"},
    ],
)
def test_invariance_accepts_the_answer_in_several_spellings(answer):
    assert check_invariance_statements(answer).passed


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ({"a"}, "statement d is true"),
        ({"d"}, "statement a is true"),
        ({"a", "b", "d"}, "statement b is false"),
        ({"a", "c", "d"}, "statement c is false"),
        ({"a", "d", "e"}, "statement e is false"),
        (set(), "statement a is true"),
        ({"a", "z"}, "no statement z"),
        (42, "set of strings"),
        ({1, 2}, "set of strings"),
    ],
)
def test_invariance_rejects_wrong_sets(answer, phrase):
    feedback = check_invariance_statements(answer)
    assert feedback.passed is False
    assert phrase in feedback.message


#: Words that would say, or lean towards, a statement's verdict.
VERDICT_WORDS = {
    *("true", "false", "right", "wrong", "correct", "incorrect", "yes", "no"),
    *("not", "nothing", "never", "only", "always", "cannot", "fails", "works"),
    *("keep", "keeps", "lose", "loses", "learn", "learns", "robust", "robustness"),
    *("equivariant", "equivariance", "invariant", "invariance"),
}


def _chapter_9():
    """The exercise's statements by letter, and the chapter's section titles."""
    path = Path(__file__).resolve().parents[1] / "chapters" / "09_cnn_limits.ipynb"
    text = "\n".join(
        cell.source
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "markdown"
    )
    statements = dict(
        re.findall(r"^- \*\*([a-e])\.\*\* (.+?)(?=\n- |\n```)", text, re.M | re.S)
    )
    sections = set(re.findall(r"^##+ (.+)$", text, re.M))
    return statements, sections


def _four_word_runs(text: str) -> set[tuple[str, ...]]:
    words = (as_words(text) or "").split()
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}


def test_no_statement_hint_gives_its_verdict_away():
    """Each hint sends the learner to a section of chapter 9 (named in quotes)
    and says what to look at there, never what it shows: outside the quoted
    names it uses no verdict word and repeats no four words of its statement."""
    statements, sections = _chapter_9()
    assert sorted(statements) == sorted(_STATEMENT_HINTS) == list("abcde")
    for letter, hint in _STATEMENT_HINTS.items():
        quoted = re.findall(r'"([^"]+)"', hint)
        assert set(quoted) & sections, f"hint {letter} names no section"
        own_words = re.sub(r'"[^"]+"', " ", hint)
        assert not set((as_words(own_words) or "").split()) & VERDICT_WORDS, letter
        assert not _four_word_runs(own_words) & _four_word_runs(statements[letter])


def test_invariance_placeholder_is_not_attempted():
    assert check_invariance_statements(...).passed is None


# ---------------------------------------------------------------- experiment


def accuracy(network, rows=0, columns=0):
    """The network's accuracy on the test digits moved down and right."""
    X_test, y_test = chapter_digits()["test"]
    X = ndimage.shift(X_test, (0, rows, columns, 0), order=0)
    return np.mean(np.asarray(network(X, training=False)).argmax(axis=1) == y_test)


ROWS = np.arange(-4, 5)


@pytest.fixture(scope="module")
def network():
    return centroid_network()


@pytest.fixture(scope="module")
def vertical(network):
    return np.array([accuracy(network, rows=r) for r in ROWS])


def test_vertical_experiment_accepts_the_measurement(network, vertical, capsys):
    assert vertical[4] > 0.8 and vertical[0] < vertical[4]  # trained, not invariant
    assert check_vertical_shift_experiment(network, ROWS, vertical).passed
    assert check_vertical_shift_experiment(
        network, list(ROWS), [float(v) for v in vertical]
    ).passed
    assert check_vertical_shift_experiment(
        network, [2, 0, 1], vertical[[6, 4, 5]]
    ).passed
    assert "✅" in capsys.readouterr().out


def test_vertical_experiment_rejects_wrong_measurements(network, vertical):
    horizontal = np.array([accuracy(network, columns=c) for c in ROWS])
    cases = [
        ((ROWS, horizontal), "horizontal shifts"),
        ((ROWS, vertical[::-1]), "opposite shifts"),
        ((ROWS, 100 * vertical), "percentages"),
        ((ROWS, vertical + 0.01), "do not match"),
        ((ROWS, vertical[:-1]), "one number per shift"),
        ((ROWS, "high"), "one number per shift"),
        (([0, 1], vertical[4:6]), "at least three"),
        (([0, 0.5, 1], vertical[4:7]), "whole numbers"),
        (([0, 1, 20], vertical[4:7]), "at most 8"),
    ]
    for (rows, given), phrase in cases:
        feedback = check_vertical_shift_experiment(network, rows, given)
        assert feedback.passed is False, phrase
        assert phrase in feedback.message, (phrase, feedback.message)


def test_vertical_experiment_rejects_the_wrong_network(network, vertical):
    untrained = centroid_network()
    untrained.layers[-1].set_weights([np.zeros((400, 10)), np.arange(10.0)])
    for candidate, phrase in [
        (untrained, "does not look trained"),
        (centroid_network(input_shape=(16, 16, 1)), "(20, 20, 1)"),
        ([1, 2], "Keras model"),
    ]:
        feedback = check_vertical_shift_experiment(candidate, ROWS, vertical)
        assert feedback.passed is False
        assert phrase in feedback.message


def test_vertical_experiment_placeholder_is_not_attempted(network):
    assert check_vertical_shift_experiment(..., ROWS, ...).passed is None
    assert check_vertical_shift_experiment(network, ROWS, ...).passed is None


# ---------------------------------------------------------------- two blocks


@pytest.mark.parametrize("answer", [4, 4.0, np.int64(4), np.array([4])])
def test_two_blocks_accepts_four_pixels(answer, capsys):
    assert check_two_block_shift(answer).passed
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        (2, "odd shift for the second"),
        (6, "odd shift for the second"),
        (1, "odd shift: already the first"),
        (3, "odd shift: already the first"),
        (8, "not the smallest"),
        (0, "moves nothing"),
        (-4, "moves nothing"),
        (4.5, "one whole number"),
        ("4", "one whole number"),
    ],
)
def test_two_blocks_rejects_wrong_shifts(answer, phrase):
    feedback = check_two_block_shift(answer)
    assert feedback.passed is False
    assert phrase in feedback.message


def test_two_blocks_reports_a_placeholder_as_not_attempted():
    assert check_two_block_shift(...).passed is None
