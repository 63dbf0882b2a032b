"""The book's own corpus of typed requests to a personal assistant (chapter 13).

Eight intents, eight phrasing templates each (:data:`INTENT_TEMPLATES`), whose
slots are filled from :data:`SLOT_VALUES` by :func:`intent_corpus`. Written
for this book and licensed CC BY 4.0 with its text. The classifiers, the
keyword baseline and the splits are on the page of chapter 13, section
"The intent of a typed request".
"""

from __future__ import annotations

import re

import numpy as np

from utils.validation import require_int

__all__ = ["INTENT_NAMES", "INTENT_TEMPLATES", "SLOT_VALUES", "intent_corpus"]


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
    phrasings_per_template: int = 3, *, seed: int = 0, mask: str | None = None
) -> tuple[list[str], np.ndarray, np.ndarray, list[str]]:
    """The book's own labelled corpus of short typed requests.

    Every template of :data:`INTENT_TEMPLATES` is filled ``phrasings_per_template``
    times with different slot values (chosen with ``seed``). With the defaults:
    8 intents x 8 templates x 3 = 192 requests.

    Parameters
    ----------
    phrasings_per_template:
        How many times each template is filled (1 to 4).
    seed:
        Seed of the choice of slot values.
    mask:
        If given, every slot is filled with this word instead of its value
        (``"slot"`` turns "call mum" into "call slot"), the same requests
        otherwise: what is left is the phrasing alone.

    Returns
    -------
    texts : list of str
    labels : ndarray of int
        Index into :data:`INTENT_NAMES`.
    templates : ndarray of int
        Which template each request came from (0 to 63), for splitting by template.
    slot_texts : list of str
        The slot values of each request, joined by spaces ("" if it has none).
    """
    phrasings_per_template = require_int(
        phrasings_per_template, "phrasings_per_template", minimum=1, maximum=4
    )
    seed = require_int(seed, "seed", minimum=0)
    if mask is not None and not isinstance(mask, str):
        raise TypeError(f"mask must be a word (a string) or None, not {mask!r}.")
    rng = np.random.default_rng(seed)
    texts, labels, templates, slot_texts = [], [], [], []
    template_id = 0
    for label, name in enumerate(INTENT_NAMES):
        for template in INTENT_TEMPLATES[name]:
            # Slots in order of appearance (not a set, whose order changes
            # between processes), each with its own shuffled order of values.
            orders = {
                slot: rng.permutation(len(SLOT_VALUES[slot]))
                for slot in dict.fromkeys(_SLOT.findall(template))
            }
            for i in range(phrasings_per_template):
                filled = {
                    slot: SLOT_VALUES[slot][order[i % len(order)]]
                    for slot, order in orders.items()
                }
                shown = filled if mask is None else dict.fromkeys(filled, mask)
                texts.append(template.format(**shown))
                slot_texts.append(" ".join(filled.values()))
                labels.append(label)
                templates.append(template_id)
            template_id += 1
    return texts, np.array(labels), np.array(templates), slot_texts
