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
    check_conv_layer_cost,
    check_invariance_statements,
    check_vertical_shift_experiment,
)
from utils.checks.training_cnns import chapter_digits

# ---------------------------------------------------------------- layer cost


def test_cost_accepts_the_solution_in_several_spellings(capsys):
    assert check_conv_layer_cost((3 * 3 * 16 + 1) * 32, 10 * 10 * 32 * 144).passed
    assert check_conv_layer_cost(4640.0, np.int64(460_800)).passed
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("parameters", "multiply_adds"),
    [
        (np.float64(4640.0), 460_800.0),
        (np.array(4640), np.array([460_800.0])),
        (np.array([4640.0]), np.int32(460_800)),
    ],
)
def test_cost_reads_floats_and_arrays_as_numbers(parameters, multiply_adds):
    assert check_conv_layer_cost(parameters, multiply_adds).passed


def test_cost_rejects_wrong_floats_and_arrays():
    assert check_conv_layer_cost(4608.0, 460_800.0).passed is False
    assert (
        check_conv_layer_cost(np.array([4640.0]), np.array(294_912.0)).passed is False
    )
    assert check_conv_layer_cost(np.array([4640, 4640]), 460_800).passed is False


@pytest.mark.parametrize(
    ("parameters", "multiply_adds", "phrase"),
    [
        (4608, 460_800, "not the biases"),
        (320, 460_800, "3 x 3 x 16"),
        (288, 460_800, "as deep as its input"),
        (145, 460_800, "32 kernels"),
        (464_000, 460_800, "shared"),
        (1234, 460_800, "not right"),
        (4640, 294_912, "'valid' padding"),
        (4640, 115_200, "5 x 5"),
        (4640, 14_400, "one kernel"),
        (4640, 28_800, "3 x 3 x 16"),
        (4640, 464_000, "bias"),
        (4640, 4640, "number of parameters"),
        (4640, 1, "not right"),
        ("4640", 460_800, "whole numbers"),
        ([4640], 460_800, "whole numbers"),
        (4640, 460_800.5, "whole numbers"),
        (True, 460_800, "whole numbers"),
    ],
)
def test_cost_rejects_typical_mistakes(parameters, multiply_adds, phrase, capsys):
    feedback = check_conv_layer_cost(parameters, multiply_adds)
    assert feedback.passed is False
    assert phrase in feedback.message
    assert "❌" in capsys.readouterr().out


def test_cost_reports_a_placeholder_as_not_attempted():
    assert check_conv_layer_cost(..., ...).passed is None
    assert check_conv_layer_cost(4640, ...).passed is None


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
