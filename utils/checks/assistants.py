"""Exercise checks for chapter 13, "Applications: personal assistants"."""

from __future__ import annotations

from collections import Counter

import numpy as np

from utils.checks import (
    Feedback,
    as_words,
    correct,
    exercise_check,
    not_yet,
    one_number,
    whole_pair,
)
from utils.intents import intent_corpus

__all__ = [
    "LIGHT_WORDS",
    "check_new_intent",
    "check_pooling_experiment",
    "check_spectrogram_shape",
]

#: The hint of an answer that is not one number.
_FRACTION = "compute a single fraction, for example 3 / 4."

#: Least number of requests for the new intent; least number that must avoid
#: the most common content word; least share the keyword vote must route to it.
MIN_REQUESTS = 8
MIN_WITHOUT_COMMON_WORD = 2
MIN_ROUTED = 0.5

#: Words that make a request about light: every request for the new intent
#: needs one of them (so that off-topic or nonsense requests are refused).
LIGHT_WORDS = frozenset(
    "light lights lighting lit lamp lamps bulb bulbs dim dimmer dimmed dimming "
    "bright brighter brighten brightness dark darker darkness glow illuminate "
    "lantern lanterns torch".split()
)


#: Everyday words of requests about light, beside the corpus's own words: most
#: words of every request must be known, so that nonsense is refused.
EVERYDAY_WORDS = frozenset(
    "turn switch on off please all room bedroom kitchen living hallway hall "
    "bathroom lounge garden porch garage stairs landing study here there too it "
    "its s more less low high half full up down night reading could would "
    "you can will please thanks thank low lower level percent bit little "
    "hey ok okay just right now again back".split()
)


def _keyword_vote(train_texts, train_labels, test_texts) -> np.ndarray:
    """Chapter 13's keyword vote: each training word votes for its intents."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(binary=True, token_pattern=r"(?u)\b\w+\b")
    words = vectorizer.fit_transform(train_texts)
    labels = np.asarray(train_labels)
    counts = words.T @ np.eye(labels.max() + 1)[labels]
    votes = counts / counts.sum(axis=1, keepdims=True)
    return np.asarray(vectorizer.transform(test_texts) @ votes).argmax(axis=1)


def _routed_to_new_intent(requests: list[str]) -> np.ndarray:
    """For each request, whether the keyword vote trained on the corpus and the
    other requests (as a ninth intent) routes it to that intent."""
    texts, labels, *_ = intent_corpus()
    new = len(set(labels.tolist()))
    routed = []
    for i, request in enumerate(requests):
        others = requests[:i] + requests[i + 1 :]
        train_texts = [*texts, *others]
        train_labels = np.concatenate([labels, np.full(len(others), new)])
        routed.append(_keyword_vote(train_texts, train_labels, [request])[0] == new)
    return np.array(routed)


@exercise_check
def check_new_intent(requests) -> Feedback:
    """At least eight varied, new requests about light that the keyword vote
    recognises as one intent."""
    if isinstance(requests, str) or not isinstance(requests, list | tuple):
        return not_yet(
            f"give a list of requests, not {type(requests).__name__}.",
            'write them as ["turn the lights on", "dim the lamp", ...].',
        )
    not_text = [item for item in requests if not isinstance(item, str)]
    if not_text:
        return not_yet(
            f"every request must be a string, but {not_text[0]!r} is not.",
            "put each request in quotes.",
        )
    requests = list(requests)
    words = [tuple((as_words(request) or "").split()) for request in requests]
    short = [r for r, w in zip(requests, words, strict=True) if len(w) < 2]
    if short:
        return not_yet(
            f"{short[0]!r} has fewer than two words.",
            "write requests the way a person would type them.",
        )
    if len(set(words)) < len(words):
        repeated = next(
            r for r, w in zip(requests, words, strict=True) if words.count(w) > 1
        )
        return not_yet(
            f"{repeated!r} appears more than once (ignoring case and punctuation).",
            "every request should be a different way of asking.",
        )
    if len(words) < MIN_REQUESTS:
        return not_yet(
            f"you wrote {len(words)} requests; write at least {MIN_REQUESTS}.",
            "think of how different people would ask: short, polite, indirect.",
        )
    corpus = {tuple((as_words(text) or "").split()) for text in intent_corpus()[0]}
    copied = [r for r, w in zip(requests, words, strict=True) if w in corpus]
    if copied:
        return not_yet(
            f"{copied[0]!r} is already in the corpus, under another intent.",
            "write requests about lights.",
        )
    off_topic = [
        r for r, w in zip(requests, words, strict=True) if not LIGHT_WORDS & set(w)
    ]
    if off_topic:
        return not_yet(
            f"{off_topic[0]!r} does not mention a light, a lamp, brightness or "
            "darkness, so the check cannot tell that it is about lights.",
            'every request should say what it is about, e.g. "dim the lamp" '
            'or "it\'s too dark in here".',
        )
    known = set().union(*(w for w in corpus), LIGHT_WORDS, EVERYDAY_WORDS)
    nonsense = [
        r
        for r, w in zip(requests, words, strict=True)
        if sum(x in known for x in w) * 2 <= len(w)
    ]
    if nonsense:
        return not_yet(
            f"most words of {nonsense[0]!r} are not words the check knows.",
            "write requests in plain English, the way a person would type them.",
        )
    word_counts = Counter(word for tokens in words for word in set(tokens))
    # Short function words ("the", "a") may appear everywhere; content words may not.
    content = {word: n for word, n in word_counts.items() if len(word) > 3}
    if content:
        common_word, count = max(content.items(), key=lambda item: (item[1], item[0]))
        if len(words) - count < MIN_WITHOUT_COMMON_WORD:
            return not_yet(
                f"{count} of your {len(words)} requests contain the word "
                f"{common_word!r}; a model would learn that one word and nothing else.",
                f"write at least {MIN_WITHOUT_COMMON_WORD} requests without it, such as "
                '"it\'s too dark in here".',
            )
    routed = _routed_to_new_intent(requests)
    if routed.mean() < MIN_ROUTED:
        missed = [r for r, ok in zip(requests, routed, strict=True) if not ok]
        return not_yet(
            f"trained on the corpus and your other requests, the keyword vote "
            f"recognises only {routed.sum()} of your {len(requests)} requests as the "
            f"new intent; for example {missed[0]!r} goes to another intent.",
            "share some words between your requests (light, lamp, dim, bright, "
            "dark), and avoid words that belong to other intents.",
        )
    vocabulary = set().union(*words)
    return correct(
        f"{len(words)} different requests using {len(vocabulary)} different words; "
        f"the keyword vote recognises {routed.sum()} of them as the new intent."
    )


# --- The keyword spotter's pooling experiment ----------------------------------------

#: How far a learner's measured accuracy may be from the check's, measured with
#: the same model on 400 fresh clips: the accuracies of one model on 300 and on
#: 400 random clips differ by at most about 0.04 for one standard deviation,
#: so 0.12 wrongly refuses a right measurement about once in a thousand.
ACCURACY_TOLERANCE = 0.12
#: Fewer correct than this on fresh fixed clips: the model has not learned yet.
MIN_FIXED_ACCURACY = 0.7


def _keyword_clips(count: int, max_shift: float, seed) -> tuple[np.ndarray, np.ndarray]:
    """Chapter 13's keyword clips: the same recipe as ``keyword_clips`` there."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(count) % 4)
    kind = labels[:, None]
    sample_rate = 1000
    time = np.arange(sample_rate) / sample_rate
    duration = rng.uniform(0.24, 0.375, (count, 1))
    pitch = rng.uniform(0.85, 1.2, (count, 1))
    middle = 0.5 + rng.uniform(-max_shift, max_shift, (count, 1))
    progress = (time - middle) / duration + 0.5
    during = (progress >= 0) & (progress <= 1)
    progress = np.clip(progress, 0, 1)
    frequency = pitch * np.select(
        [kind == 0, kind == 1, kind == 2],
        [150 + 150 * progress, 300 - 150 * progress, 300 - 300 * abs(progress - 0.5)],
        260.0,
    )
    smooth = np.sqrt(np.sin(np.pi * progress))
    first_or_second = np.where(progress < 0.5, progress, progress - 0.6) / 0.4
    beeps = np.sin(np.pi * np.clip(first_or_second, 0, 1))
    envelope = np.where(kind == 3, beeps, smooth) * during
    phase = 2 * np.pi * np.cumsum(frequency, axis=1) / sample_rate
    phase += rng.uniform(0, 2 * np.pi, (count, 1))
    loudness = rng.uniform(0.5, 1.0, (count, 1))
    noise = rng.uniform(0.2, 0.6, (count, 1)) * rng.standard_normal(
        (count, sample_rate)
    )
    return loudness * envelope * np.sin(phase) + noise, labels


def _keyword_features(max_shift: float, seed) -> tuple[np.ndarray, np.ndarray]:
    """400 fresh clips' log spectrograms (clips, 30 moments, 33 bands), labels."""
    from scipy.signal import spectrogram

    clips, labels = _keyword_clips(400, max_shift, seed)
    _, _, power = spectrogram(clips, fs=1000, window="hann", nperseg=64, noverlap=32)
    return np.log(power + 1e-4).transpose(0, 2, 1).astype("float32"), labels


def _accuracy(model, features: np.ndarray, labels: np.ndarray) -> float:
    probabilities = np.asarray(model(features, training=False))
    return float(np.mean(probabilities.argmax(axis=-1) == labels))


@exercise_check
def check_pooling_experiment(model, fixed_accuracy, shifted_accuracy) -> Feedback:
    """The keyword ConvNet without global pooling, and the two accuracies the
    learner measured with it; the check measures the model on fresh clips."""
    layers = getattr(model, "layers", None)
    if not callable(model) or not isinstance(layers, list):
        return not_yet(
            f"pass the Keras model you trained, not {type(model).__name__}.",
            "check_pooling_experiment(flat_convnet, fixed_accuracy, shifted_accuracy)",
        )
    kinds = [type(layer).__name__ for layer in layers]
    pooling = [kind for kind in kinds if kind.startswith("Global")]
    if pooling:
        return not_yet(
            f"your model still has a {pooling[0]} layer.",
            "replace it with keras.layers.Flatten() and train the model again.",
        )
    if "Conv1D" not in kinds:
        return not_yet(
            "your model has no Conv1D layer; the experiment changes only the pooling.",
            "start from the section's ConvNet and swap GlobalMaxPooling1D for Flatten.",
        )
    given = {}
    for name, value in (
        ("fixed_accuracy", fixed_accuracy),
        ("shifted_accuracy", shifted_accuracy),
    ):
        number = one_number(value, name, _FRACTION)
        if isinstance(number, Feedback):
            return number
        if 1 < number <= 100:
            return not_yet(
                f"{name} is {number:g}: give accuracies as fractions between 0 and 1."
            )
        if not 0 <= number <= 1:
            return not_yet(
                f"{name} is {number:g}, but an accuracy lies between 0 and 1."
            )
        given[name] = number
    measured = {
        "fixed_accuracy": _accuracy(model, *_keyword_features(0.0, (2026, 0))),
        "shifted_accuracy": _accuracy(model, *_keyword_features(0.3, (2026, 1))),
    }
    if measured["fixed_accuracy"] < MIN_FIXED_ACCURACY:
        return not_yet(
            f"on 400 fresh clips with the keyword in the middle, your model gets "
            f"{measured['fixed_accuracy']:.2f} right: it has not learned the keywords.",
            "adapt the normalisation layer to X_train, compile the model and fit it "
            "on X_train, y_train for 10 epochs, as the section does.",
        )
    agree = {
        name: abs(given[name] - measured[name]) <= ACCURACY_TOLERANCE for name in given
    }
    names = list(given)
    swapped = all(
        abs(given[a] - measured[b]) <= ACCURACY_TOLERANCE
        for a, b in zip(names, names[::-1], strict=True)
    )
    if not all(agree.values()) and swapped:
        return not_yet(
            "your two accuracies look swapped: fixed_accuracy is measured on the "
            "clips with the keyword in the middle (X_fixed), shifted_accuracy on "
            "X_shifted."
        )
    for name, ok in agree.items():
        if not ok:
            part = name.removesuffix("_accuracy")
            return not_yet(
                f"your {name} is {given[name]:.2f}, but the same model gets "
                f"{measured[name]:.2f} on 400 fresh clips of the same kind.",
                f"measure it as the fraction of X_{part}, y_{part} whose most probable "
                "keyword is the true one, with the model you pass here.",
            )
    if measured["shifted_accuracy"] < measured["fixed_accuracy"] - 0.2:
        return correct(
            "Your measurements agree with the check's on fresh clips. Without global "
            "pooling the network does well where the keywords sat in training and "
            "much worse when they move: the dense layer has its own weight for every "
            "moment, so the pooling was what made the ConvNet tolerate the shift."
        )
    return correct(
        "Your measurements agree with the check's on fresh clips. This model kept "
        "most of its accuracy when the keywords moved; compare with the section's "
        "ConvNet and the linear model, and look at what it was trained on."
    )


# --- The size of a spectrogram ----------------------------------------------------

_SAMPLES = 2000  # two seconds at 1,000 samples per second
_WINDOW, _STEP = 64, 32
_MOMENTS = (_SAMPLES - _WINDOW) // _STEP + 1  # 61
_BANDS = _WINDOW // 2 + 1  # 33


@exercise_check
def check_spectrogram_shape(moments, bands) -> Feedback:
    """Exercise "The size of a spectrogram": 61 moments of 33 bands."""
    answers = whole_pair(
        (moments, bands),
        ("moments", "bands"),
        "write them as Python expressions, such as (1000 - 64) // 32 + 1.",
    )
    if isinstance(answers, Feedback):
        return answers
    counted, width = answers
    if counted != _MOMENTS:
        known = {
            _SAMPLES // _STEP: "that lets the last windows run past the end of the "
            "clip; every window must fit inside it.",
            _SAMPLES // _STEP + 1: "that lets the last windows run past the end of "
            "the clip; every window must fit inside it.",
            _MOMENTS - 1: "that is one window short: count the window that starts "
            "at sample 0 too.",
            _SAMPLES // _WINDOW: "that counts windows that do not overlap; a new "
            "window starts every 32 samples.",
            (1000 - _WINDOW) // _STEP + 1: "that is the one-second clip's count.",
        }
        problem = known.get(counted, "that is not the number of windows.")
        return not_yet(
            f"moments = {counted}: {problem}",
            "windows start at samples 0, 32, 64, ...; the last must end by sample "
            "2,000.",
        )
    if width != _BANDS:
        known = {
            _WINDOW: "that counts the negative frequencies too, which SciPy folds "
            "onto the positive ones.",
            _WINDOW // 2: "that leaves out one end: 0 Hz and 500 Hz both count.",
            _SAMPLES // 2 + 1: "that is the count for one window of the whole clip.",
        }
        problem = known.get(width, "that is not the number of frequencies.")
        return not_yet(
            f"bands = {width}: {problem}",
            "a window of 64 samples gives 64 / 2 + 1 frequencies, from 0 to 500 Hz.",
        )
    return correct(
        f"{_MOMENTS} moments of {_BANDS} bands: twice the clip gives about twice "
        "the moments, and the bands depend on the window alone."
    )
