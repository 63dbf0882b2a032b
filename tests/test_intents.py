"""utils.intents: the book's intent corpus, with and without its slot values."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from utils.intents import INTENT_NAMES, INTENT_TEMPLATES, SLOT_VALUES, intent_corpus


def test_intent_corpus_shape():
    texts, labels, templates, slot_texts = intent_corpus()
    assert len(texts) == len(labels) == len(templates) == len(slot_texts) == 192
    assert np.bincount(labels).tolist() == [24] * len(INTENT_NAMES)
    assert len(np.unique(templates)) == sum(map(len, INTENT_TEMPLATES.values()))
    assert not any("{" in text or "}" in text for text in texts)
    for template in np.unique(templates):
        phrasings = [t for t, g in zip(texts, templates, strict=True) if g == template]
        assert len(set(phrasings)) == 3, phrasings
    with pytest.raises(ValueError, match="phrasings_per_template must be at least 1"):
        intent_corpus(0)
    with pytest.raises(TypeError, match="mask must be a word"):
        intent_corpus(mask=1)


def test_slot_texts_are_the_values_in_each_request():
    texts, _, _, slot_texts = intent_corpus()
    values = {value for options in SLOT_VALUES.values() for value in options}
    assert any(slots in values for slots in slot_texts)
    for text, slots in zip(texts, slot_texts, strict=True):
        assert slots, text  # every template has a slot
        assert all(word in text for word in slots.split()), (text, slots)


def test_masked_corpus_is_the_same_requests_without_slot_values():
    texts, labels, templates, slot_texts = intent_corpus()
    masked, masked_labels, masked_templates, masked_slots = intent_corpus(mask="slot")
    np.testing.assert_array_equal(labels, masked_labels)
    np.testing.assert_array_equal(templates, masked_templates)
    assert masked_slots == slot_texts
    assert masked[0] == "set an alarm for slot"
    for text, masked_text in zip(texts, masked, strict=True):
        assert "slot" in masked_text
        # The words around the slots are unchanged.
        assert masked_text.split("slot")[0] == text[: len(masked_text.split("slot")[0])]


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
            cwd=str(Path(__file__).resolve().parents[1]),
        ).stdout
        for seed in (1, 2, 3)
    }
    assert len(outputs) == 1
    assert outputs.pop().strip() == str(intent_corpus()[0])
