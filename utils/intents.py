"""The intent-classification application of chapter 8, "Applications".

The book's own small corpus of typed requests to a personal assistant
(:data:`INTENT_TEMPLATES`, filled from :data:`SLOT_VALUES` by
:func:`intent_corpus`), folds that keep every phrasing template on one side of
a split (:func:`group_folds`), the tokeniser Keras's ``TextVectorization``
uses by default (:func:`tokenize`), and a keyword baseline
(:class:`KeywordIntentBaseline`). The corpus is written for this book and
licensed CC BY 4.0 with its text.
"""

from __future__ import annotations

import numbers
import re
import string
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from utils.validation import describe, require_int

__all__ = [
    "INTENT_NAMES",
    "INTENT_TEMPLATES",
    "SLOT_VALUES",
    "KeywordIntentBaseline",
    "group_folds",
    "intent_corpus",
    "tokenize",
]


# ---------------------------------------------------------------------------
# Intent classification: the book's own corpus of typed requests
# ---------------------------------------------------------------------------

#: Ways of asking for each intent, written for this book (CC BY 4.0, with the
#: book's text). Each ``{slot}`` is filled from :data:`SLOT_VALUES`.
INTENT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "alarm": (
        "set an alarm for {time}",
        "wake me up at {time}",
        "alarm at {time} please",
        "I need to get up at {time} {day}",
        "can you set my alarm to {time}",
        "make sure I'm awake by {time}",
        "change my alarm to {time}",
        "I want an alarm {day} at {time}",
    ),
    "timer": (
        "set a timer for {duration}",
        "start a timer of {duration}",
        "count down {duration}",
        "time {duration} for the pasta",
        "tell me when {duration} have passed",
        "timer {duration}",
        "give me {duration} on the clock",
        "I need a countdown of {duration}",
    ),
    "reminder": (
        "remind me to {task}",
        "remind me {day} to {task}",
        "don't let me forget to {task}",
        "I have to {task} {day}, remind me",
        "make a note to {task}",
        "nudge me to {task} at {time}",
        "set a reminder to {task}",
        "remember that I need to {task}",
    ),
    "weather": (
        "what's the weather in {city}",
        "will it rain {day}",
        "do I need an umbrella {day}",
        "how hot is it in {city} right now",
        "what's the forecast {day}",
        "is it going to snow in {city}",
        "how cold will it be {day}",
        "any sunshine in {city} {day}",
    ),
    "music": (
        "play some {genre}",
        "put on {artist}",
        "I want to listen to {artist}",
        "play the new album by {artist}",
        "shuffle my {genre} playlist",
        "something {mood} to listen to please",
        "can you play {genre} in the kitchen",
        "turn on a bit of {genre}",
    ),
    "call": (
        "call {person}",
        "phone {person}",
        "ring {person} on speaker",
        "can you dial {person}",
        "I need to talk to {person}",
        "start a video call with {person}",
        "get {person} on the line",
        "give {person} a call",
    ),
    "shopping": (
        "add {item} to my shopping list",
        "put {item} on the list",
        "we're out of {item}",
        "remember to buy {item}",
        "I need more {item}",
        "shopping list {item}",
        "we should pick up {item} at the shop",
        "note down {item} for the groceries",
    ),
    "directions": (
        "how do I get to {place}",
        "directions to {place}",
        "navigate to {place}",
        "what's the quickest way to {place}",
        "take me to {place}",
        "how far is {place} from here",
        "which bus goes to {place}",
        "show me the route to {place} avoiding tolls",
    ),
}

#: Values the slots of :data:`INTENT_TEMPLATES` are filled with.
SLOT_VALUES: dict[str, tuple[str, ...]] = {
    "time": ("7", "6:30", "half past six", "7 am", "noon", "quarter to eight"),
    "day": ("tomorrow", "today", "on Friday", "this weekend", "on Monday"),
    "duration": ("ten minutes", "5 minutes", "an hour", "90 seconds", "half an hour"),
    "task": (
        "take my pills",
        "water the plants",
        "pay the rent",
        "book the dentist",
        "email Priya",
    ),
    "city": ("Paris", "Leeds", "Nairobi", "Osaka", "Lima"),
    "genre": ("jazz", "reggae", "classical music", "hip hop", "folk"),
    "artist": ("Miriam Makeba", "the Beatles", "Bach", "Fela Kuti", "Taylor Swift"),
    "mood": ("calm", "upbeat", "relaxing", "cheerful"),
    "person": ("mum", "Dr Okafor", "Sam", "the office", "my brother"),
    "item": ("milk", "eggs", "rice", "two lemons", "washing-up liquid"),
    "place": (
        "the station",
        "the nearest pharmacy",
        "Kings Cross",
        "work",
        "the city museum",
    ),
}

#: The intents, in the order of their integer labels.
INTENT_NAMES: tuple[str, ...] = tuple(INTENT_TEMPLATES)

_SLOT = re.compile(r"\{(\w+)\}")


def intent_corpus(
    phrasings_per_template: int = 3, *, seed: int = 0
) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The book's own labelled corpus of short typed requests.

    Every template of :data:`INTENT_TEMPLATES` is filled ``phrasings_per_template``
    times with different slot values (chosen with ``seed``). With the defaults:
    8 intents x 8 templates x 3 = 192 phrasings.

    Returns
    -------
    texts : list of str
    labels : ndarray of int
        Index into :data:`INTENT_NAMES`.
    templates : ndarray of int
        Which template each phrasing came from (0, 1, ... over the whole
        corpus), for splitting by template with :func:`group_folds`.

    Licence: written for this book, CC BY 4.0 like its text. Chapter 8,
    section "Personal assistants".
    """
    phrasings_per_template = require_int(
        phrasings_per_template, "phrasings_per_template", minimum=1, maximum=4
    )
    seed = require_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    texts, labels, templates = [], [], []
    template_id = 0
    for label, name in enumerate(INTENT_NAMES):
        for template in INTENT_TEMPLATES[name]:
            slots = _SLOT.findall(template)
            # A separate shuffled order per slot, so the fillings differ. Slots
            # in order of appearance (not a set, whose order changes between
            # Python processes), so that the corpus is the same every time.
            orders = {
                slot: rng.permutation(len(SLOT_VALUES[slot]))
                for slot in dict.fromkeys(slots)
            }
            for i in range(phrasings_per_template):
                filled = {
                    slot: SLOT_VALUES[slot][order[i % len(order)]]
                    for slot, order in orders.items()
                }
                texts.append(template.format(**filled))
                labels.append(label)
                templates.append(template_id)
            template_id += 1
    return texts, np.array(labels), np.array(templates)


def group_folds(labels, groups, *, n_folds: int = 4, seed: int = 0) -> np.ndarray:
    """Cross-validation folds that keep whole groups (templates) together.

    Within each class, the groups are shuffled and dealt out to the folds in
    turn, so every fold tests a few groups of every class. Use
    ``folds == f`` as the test mask of fold ``f``. A test phrasing then never
    differs from a training phrasing only by its slot value, so the test
    measures how well a model handles *new ways of asking*.

    Parameters
    ----------
    labels, groups:
        One class label and one group id (for example the template) per row.
    n_folds:
        Number of folds; each class needs at least this many groups.
    seed:
        Seed of the shuffle.

    Returns
    -------
    ndarray of int
        The fold (0 to ``n_folds - 1``) of each row.

    Chapter 8, section "Personal assistants".
    """
    labels = np.asarray(labels)
    groups = np.asarray(groups)
    if labels.ndim != 1 or labels.shape != groups.shape:
        raise ValueError(
            f"labels and groups must be 1-D and of the same length, but have shapes "
            f"{labels.shape} and {groups.shape}."
        )
    n_folds = require_int(n_folds, "n_folds", minimum=2)
    seed = require_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    folds = np.full(len(labels), -1)
    for label in np.unique(labels):
        class_groups = np.unique(groups[labels == label])
        if len(class_groups) < n_folds:
            raise ValueError(
                f"class {label} has only {len(class_groups)} groups, fewer than "
                f"n_folds={n_folds}; every fold needs a group of every class."
            )
        for position, group in enumerate(rng.permutation(class_groups)):
            in_group = (groups == group) & (labels == label)
            if (groups == group).sum() != in_group.sum():
                raise ValueError(
                    f"group {group} holds rows of more than one class; "
                    "give every group a single class."
                )
            folds[in_group] = position % n_folds
    return folds


_PUNCTUATION = re.compile(f"[{re.escape(string.punctuation)}]")


def tokenize(text: str) -> list[str]:
    """Lower-case, strip ASCII punctuation, split on white space.

    The same standardisation as ``keras.layers.TextVectorization``'s default
    (``"lower_and_strip_punctuation"`` then ``"whitespace"``): "What's the
    weather?" becomes ``["whats", "the", "weather"]``. Chapter 8, section
    "Personal assistants".
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, but got {describe(text)}.")
    return _PUNCTUATION.sub("", text.lower()).split()


class KeywordIntentBaseline:
    """Guess an intent by letting each known word vote for the intents it came with.

    A word seen ``n`` times in training, ``c`` of them in intent ``i``, gives
    intent ``i`` a vote of ``c / n``; the intent with most votes wins (a tie
    goes to the intent listed first; a sentence with no known word goes to the
    most frequent training intent).
    No neural network, no word order: the simple baseline of chapter 8,
    section "Personal assistants".
    """

    def __init__(self) -> None:
        self.word_votes: dict[str, np.ndarray] = {}
        self.majority: int | None = None
        self.n_classes = 0

    def fit(self, texts: Sequence[str], labels) -> KeywordIntentBaseline:
        """Count which intents each word of ``texts`` appears with."""
        texts = _as_texts(texts)
        labels = np.asarray(labels)
        if labels.shape != (len(texts),) or not all(
            isinstance(label, numbers.Integral) for label in labels.tolist()
        ):
            raise ValueError(
                f"labels must be one whole number per text ({len(texts)}), but got "
                f"{describe(labels)}."
            )
        self.n_classes = int(labels.max()) + 1
        counts: defaultdict[str, np.ndarray] = defaultdict(
            lambda: np.zeros(self.n_classes)
        )
        for text, label in zip(texts, labels, strict=True):
            for word in dict.fromkeys(tokenize(text)):
                counts[word][label] += 1
        self.word_votes = {word: row / row.sum() for word, row in counts.items()}
        self.majority = Counter(labels.tolist()).most_common(1)[0][0]
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The intent with the most votes for each text."""
        if self.majority is None:
            raise RuntimeError("call fit(texts, labels) before predict(texts).")
        predictions = []
        for text in _as_texts(texts):
            votes = np.zeros(self.n_classes)
            for word in dict.fromkeys(tokenize(text)):  # each word once, in order
                votes += self.word_votes.get(word, 0.0)
            predictions.append(
                self.majority if votes.max() == 0 else int(np.argmax(votes))
            )
        return np.array(predictions)


def _as_texts(texts: Any) -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Sequence | np.ndarray):
        raise TypeError(
            f"texts must be a list of strings, but got {describe(texts)}; "
            "wrap a single sentence in a list: ['play some jazz']."
        )
    texts = list(texts)
    if not texts:
        raise ValueError("texts is empty; give at least one sentence.")
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"every text must be a string, but got {describe(text)}.")
    return texts
