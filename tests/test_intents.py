"""utils.intents: the book's intent corpus, folds by template, tokeniser and baseline."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from utils.intents import (
    INTENT_NAMES,
    INTENT_TEMPLATES,
    KeywordIntentBaseline,
    group_folds,
    intent_corpus,
    tokenize,
)


def test_intent_corpus_shape():
    texts, labels, templates = intent_corpus()
    assert len(texts) == len(labels) == len(templates) == 192
    assert np.bincount(labels).tolist() == [24] * len(INTENT_NAMES)
    assert len(np.unique(templates)) == sum(map(len, INTENT_TEMPLATES.values()))
    assert not any("{" in text or "}" in text for text in texts)
    for template in np.unique(templates):
        phrasings = [t for t, g in zip(texts, templates, strict=True) if g == template]
        assert len(set(phrasings)) == 3, phrasings
    with pytest.raises(ValueError, match="phrasings_per_template must be at least 1"):
        intent_corpus(0)


def test_intent_corpus_is_the_same_in_every_process():
    # Python randomises the order of sets of strings per process; the corpus
    # must not depend on it.
    code = "from utils.intents import intent_corpus; print(intent_corpus()[0])"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
            cwd=str(_root()),
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(outputs) == 1
    assert outputs.pop().strip() == str(intent_corpus()[0])


def _root():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]


def test_group_folds_keep_templates_together():
    _, labels, templates = intent_corpus()
    folds = group_folds(labels, templates, n_folds=4, seed=0)
    assert np.bincount(folds).tolist() == [48] * 4
    for template in np.unique(templates):
        assert len(set(folds[templates == template])) == 1
    for fold in range(4):
        per_class = np.bincount(labels[folds == fold], minlength=len(INTENT_NAMES))
        assert per_class.tolist() == [6] * len(INTENT_NAMES)
    assert not np.array_equal(folds, group_folds(labels, templates, seed=1))


def test_group_folds_bad_input():
    with pytest.raises(ValueError, match="same length"):
        group_folds([0, 1], [0])
    with pytest.raises(ValueError, match="only 2 groups, fewer than n_folds=3"):
        group_folds([0, 0, 0], [0, 1, 1], n_folds=3)
    with pytest.raises(ValueError, match="more than one class"):
        group_folds([0, 0, 1, 1], [0, 1, 1, 2], n_folds=2)


def test_tokenize():
    assert tokenize("What's the weather in Lima?") == [
        "whats",
        "the",
        "weather",
        "in",
        "lima",
    ]
    assert tokenize("wake me up at 6:30") == ["wake", "me", "up", "at", "630"]
    with pytest.raises(TypeError, match="text must be a string"):
        tokenize(["play jazz"])


@pytest.mark.slow
def test_tokenize_matches_keras_text_vectorization():
    import keras

    texts = intent_corpus()[0] + ["Don't STOP!", "e-mail: a.b@c, (now)"]
    vectorizer = keras.layers.TextVectorization()
    vectorizer.adapt(texts)
    vocabulary = vectorizer.get_vocabulary()
    for text, ids in zip(texts, vectorizer(texts).numpy(), strict=True):
        assert [vocabulary[i] for i in ids if i != 0] == tokenize(text)


def test_keyword_baseline():
    texts = ["play some jazz", "play folk", "call mum", "phone my brother"]
    baseline = KeywordIntentBaseline().fit(texts, [0, 0, 1, 1])
    assert baseline.predict(["play reggae", "call the office"]).tolist() == [0, 1]
    # No known word: the most frequent training intent (here a tie, so the first).
    assert baseline.predict(["hello there"]).tolist() == [0]
    assert KeywordIntentBaseline().fit(texts, [1, 1, 1, 0]).predict(
        ["xyz"]
    ).tolist() == [1]


def test_keyword_baseline_bad_input():
    with pytest.raises(RuntimeError, match="call fit"):
        KeywordIntentBaseline().predict(["play jazz"])
    with pytest.raises(TypeError, match="wrap a single sentence in a list"):
        KeywordIntentBaseline().fit("play jazz", [0])
    with pytest.raises(ValueError, match="one whole number per text"):
        KeywordIntentBaseline().fit(["play jazz", "call mum"], [0])
    with pytest.raises(ValueError, match="one whole number per text"):
        KeywordIntentBaseline().fit(["play jazz"], [0.5])
    with pytest.raises(TypeError, match="every text must be a string"):
        KeywordIntentBaseline().fit(["play jazz", 3], [0, 1])
    with pytest.raises(ValueError, match="texts is empty"):
        KeywordIntentBaseline().fit([], [])
