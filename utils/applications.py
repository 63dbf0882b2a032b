"""Reusable pieces of the four applications of chapter 8, "Applications".

- Friend suggestion (link prediction) on a social graph: neighbourhood scores
  of a pair of people, held-out friendships, training examples built from the
  training graph only (:func:`pair_features`, :func:`hold_out_edges`,
  :func:`link_prediction_examples`).
- Recommendations: a who-attended-what matrix, one held-out interaction per
  person, and nearest items in embedding space (:func:`attendance_matrix`,
  :func:`hold_out_one_per_row`, :func:`nearest_neighbours`).
- Ranking and screening metrics: :func:`precision_at_k`, :func:`hit_rate_at_k`,
  :func:`sensitivity_specificity`, :func:`positive_predictive_value`.
- Intent classification: the book's own small corpus of typed requests
  (:data:`INTENT_TEMPLATES`, :func:`intent_corpus`), a split by template, the
  tokeniser Keras uses by default, and a keyword baseline.
- Training: :func:`shuffled_batches`, the tf.data input every model here uses.

NetworkX is imported inside the functions that need it, so ``import utils``
stays fast.
"""

from __future__ import annotations

import numbers
import re
import string
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from utils.validation import as_float_array, describe, require_int, require_number

if TYPE_CHECKING:
    import networkx as nx
    import tensorflow as tf

__all__ = [
    "INTENT_NAMES",
    "INTENT_TEMPLATES",
    "PAIR_FEATURE_NAMES",
    "SLOT_VALUES",
    "KeywordIntentBaseline",
    "adamic_adar_index",
    "attendance_matrix",
    "common_neighbours",
    "group_folds",
    "hit_rate_at_k",
    "hold_out_edges",
    "hold_out_one_per_row",
    "intent_corpus",
    "jaccard_coefficient",
    "link_prediction_examples",
    "nearest_neighbours",
    "pair_features",
    "positive_predictive_value",
    "precision_at_k",
    "rank_items",
    "sensitivity_specificity",
    "shuffled_batches",
    "tokenize",
    "unconnected_pairs",
]

# ---------------------------------------------------------------------------
# Friend suggestion: scores of a pair of nodes in a graph
# ---------------------------------------------------------------------------

#: Columns of :func:`pair_features`, in order.
PAIR_FEATURE_NAMES = (
    "common neighbours",
    "Jaccard",
    "Adamic-Adar",
    "smaller degree",
    "larger degree",
)


def _require_graph(graph: Any) -> None:
    import networkx as nx

    if not isinstance(graph, nx.Graph) or graph.is_directed():
        raise TypeError(
            "graph must be an undirected networkx graph (for example "
            f"nx.karate_club_graph()), but got {describe(graph)}."
        )


def _require_pair(graph: Any, u: Hashable, v: Hashable) -> None:
    for node in (u, v):
        if node not in graph:
            raise ValueError(
                f"node {node!r} is not in the graph; its nodes are "
                f"{sorted(graph.nodes)[:10]}..."
            )
    if u == v:
        raise ValueError(
            f"a pair needs two different people, but both are {u!r}; "
            "nobody is suggested as their own friend."
        )


def common_neighbours(graph: nx.Graph, u: Hashable, v: Hashable) -> int:
    """How many friends ``u`` and ``v`` have in common: ``|N(u) & N(v)|``.

    Chapter 8, section "People you may know".
    """
    _require_graph(graph)
    _require_pair(graph, u, v)
    return len(set(graph[u]) & set(graph[v]))


def jaccard_coefficient(graph: nx.Graph, u: Hashable, v: Hashable) -> float:
    """Common friends as a fraction of all their friends: ``|N(u) & N(v)| / |N(u) | N(v)|``.

    Returns 0 when neither has any friend. Chapter 8, section "People you may know".
    """
    _require_graph(graph)
    _require_pair(graph, u, v)
    union = set(graph[u]) | set(graph[v])
    if not union:
        return 0.0
    return len(set(graph[u]) & set(graph[v])) / len(union)


def adamic_adar_index(graph: nx.Graph, u: Hashable, v: Hashable) -> float:
    """Common friends weighted by rarity: the sum of ``1 / log(degree(w))`` over them.

    A common friend who knows few people says more than one who knows everybody.
    Every common neighbour has degree at least 2, so the logarithm is positive.
    Chapter 8, section "People you may know".
    """
    _require_graph(graph)
    _require_pair(graph, u, v)
    # In the order of u's neighbours, so the sum is the same in every process.
    shared = [w for w in graph[u] if w in graph[v]]
    return float(sum(1.0 / np.log(graph.degree(w)) for w in shared))


def _as_pairs(graph: nx.Graph, pairs: Iterable) -> list[tuple[Hashable, Hashable]]:
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise TypeError(
            f"pairs must be a list of (u, v) tuples, but got {describe(pairs)}."
        )
    checked = []
    for pair in pairs:
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise ValueError(
                f"each pair must be a tuple of two nodes (u, v), but got {pair!r}."
            )
        u, v = pair
        _require_pair(graph, u, v)
        checked.append((u, v))
    return checked


def pair_features(graph: nx.Graph, pairs: Iterable) -> np.ndarray:
    """Five neighbourhood scores for each pair of nodes, one row per pair.

    Parameters
    ----------
    graph:
        An undirected networkx graph. Compute the features on the graph the
        model is allowed to see (the training graph), never on one that still
        holds the friendships being predicted.
    pairs:
        A list of ``(u, v)`` tuples of different nodes.

    Returns
    -------
    ndarray of shape (len(pairs), 5)
        The columns named in :data:`PAIR_FEATURE_NAMES`: common neighbours,
        Jaccard coefficient, Adamic-Adar index, the smaller and the larger of
        the two degrees.

    Chapter 8, section "People you may know".
    """
    _require_graph(graph)
    rows = []
    for u, v in _as_pairs(graph, pairs):
        degrees = sorted((graph.degree(u), graph.degree(v)))
        rows.append(
            [
                common_neighbours(graph, u, v),
                jaccard_coefficient(graph, u, v),
                adamic_adar_index(graph, u, v),
                *degrees,
            ]
        )
    return np.array(rows, dtype=np.float32).reshape(-1, len(PAIR_FEATURE_NAMES))


def unconnected_pairs(graph: nx.Graph) -> list[tuple[Hashable, Hashable]]:
    """Every pair of different nodes with no edge between them, in node order.

    These are the candidate friendships a suggestion system ranks. Each pair
    appears once, as ``(u, v)`` with ``u`` listed before ``v`` in the graph.
    Chapter 8, section "People you may know".
    """
    _require_graph(graph)
    nodes = list(graph.nodes)
    return [
        (u, v)
        for i, u in enumerate(nodes)
        for v in nodes[i + 1 :]
        if not graph.has_edge(u, v)
    ]


def hold_out_edges(
    graph: nx.Graph, count: int, *, seed: int = 0
) -> tuple[nx.Graph, list[tuple[Hashable, Hashable]]]:
    """Hide ``count`` random edges, without leaving anybody with no friend.

    Parameters
    ----------
    graph:
        An undirected networkx graph; it is not changed.
    count:
        How many edges to hide.
    seed:
        Seed of the random order in which edges are tried.

    Returns
    -------
    remaining : networkx.Graph
        A copy of ``graph`` without the hidden edges (edge attributes dropped).
    held_out : list of tuple
        The hidden edges, each as ``(u, v)`` with ``u`` before ``v`` in node order.

    Raises
    ------
    ValueError
        If ``count`` edges cannot be hidden while every node keeps an edge.

    Chapter 8, section "People you may know".
    """
    import networkx as nx

    _require_graph(graph)
    count = require_int(count, "count", minimum=1)
    seed = require_int(seed, "seed", minimum=0)
    position = {node: i for i, node in enumerate(graph.nodes)}
    edges = [tuple(sorted(edge, key=position.get)) for edge in graph.edges]
    remaining = nx.Graph()
    remaining.add_nodes_from(graph.nodes)
    remaining.add_edges_from(edges)
    held_out = []
    for index in np.random.default_rng(seed).permutation(len(edges)):
        if len(held_out) == count:
            break
        u, v = edges[index]
        if remaining.degree(u) > 1 and remaining.degree(v) > 1:
            remaining.remove_edge(u, v)
            held_out.append((u, v))
    if len(held_out) < count:
        raise ValueError(
            f"could hide only {len(held_out)} of the {count} edges asked for without "
            "leaving a node with no edge; ask for fewer."
        )
    return remaining, held_out


def link_prediction_examples(
    graph: nx.Graph,
    *,
    rounds: int = 20,
    positives_per_round: int = 10,
    negatives_per_round: int = 30,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Labelled pairs for training a friend-suggestion model on ``graph`` alone.

    Each round hides ``positives_per_round`` edges of ``graph`` (label 1) and
    draws ``negatives_per_round`` unconnected pairs of ``graph`` (label 0); the
    features of both are computed on ``graph`` without the hidden edges. The
    model thus learns from exactly the situation it meets at test time: a
    friendship that exists but that the features cannot see.

    Pass the *training* graph: friendships held out for testing must not be
    in it, or they leak into the training examples.

    Returns
    -------
    X : ndarray of shape (rounds * (positives_per_round + negatives_per_round), 5)
        :func:`pair_features` of each pair.
    y : ndarray of the same length
        1 for a hidden edge, 0 for an unconnected pair.

    Chapter 8, section "People you may know".
    """
    _require_graph(graph)
    rounds = require_int(rounds, "rounds", minimum=1)
    positives_per_round = require_int(
        positives_per_round, "positives_per_round", minimum=1
    )
    negatives_per_round = require_int(
        negatives_per_round, "negatives_per_round", minimum=0
    )
    seed = require_int(seed, "seed", minimum=0)
    candidates = unconnected_pairs(graph)
    if negatives_per_round > len(candidates):
        raise ValueError(
            f"the graph has only {len(candidates)} unconnected pairs, fewer than "
            f"negatives_per_round={negatives_per_round}."
        )
    rng = np.random.default_rng(seed)
    features, labels = [], []
    for _ in range(rounds):
        round_seed = int(rng.integers(2**31))
        visible, hidden = hold_out_edges(graph, positives_per_round, seed=round_seed)
        chosen = rng.choice(len(candidates), negatives_per_round, replace=False)
        negatives = [candidates[i] for i in chosen]
        features.append(pair_features(visible, hidden + negatives))
        labels.extend([1] * len(hidden) + [0] * len(negatives))
    return np.vstack(features), np.array(labels, dtype=np.float32)


# ---------------------------------------------------------------------------
# Recommendations: who attended what
# ---------------------------------------------------------------------------


def attendance_matrix(graph: nx.Graph) -> tuple[np.ndarray, list[str], list[str]]:
    """A two-mode (bipartite) graph as a 0/1 matrix, people as rows, items as columns.

    Made for networkx's ``davis_southern_women_graph()``, whose
    ``graph.graph["top"]`` lists the 18 women and ``graph.graph["bottom"]``
    the 14 events.

    Returns
    -------
    matrix : ndarray of shape (len(top), len(bottom))
        1.0 where the person attended the event.
    people, items : list of str
        Row and column names.

    Chapter 8, section "Recommendations".
    """
    _require_graph(graph)
    people = graph.graph.get("top")
    items = graph.graph.get("bottom")
    if not people or not items:
        raise ValueError(
            "graph.graph must list the two kinds of node under 'top' and 'bottom', "
            "as nx.davis_southern_women_graph() does."
        )
    matrix = np.array(
        [[float(graph.has_edge(person, item)) for item in items] for person in people]
    )
    return matrix, list(people), list(items)


def hold_out_one_per_row(matrix, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Hide one random 1 of every row: the held-out interaction of each person.

    Parameters
    ----------
    matrix:
        A 0/1 matrix, people as rows; every row needs at least two 1s, so that
        something is left to learn from.
    seed:
        Seed of the random choice.

    Returns
    -------
    train : ndarray
        A copy of ``matrix`` with the held-out entries set to 0.
    held_out : ndarray of int, shape (n_rows,)
        The column hidden in each row.

    Chapter 8, section "Recommendations".
    """
    matrix = as_float_array(matrix, "matrix", ndim=2)
    seed = require_int(seed, "seed", minimum=0)
    if not np.isin(matrix, (0.0, 1.0)).all():
        raise ValueError("matrix must hold only 0s and 1s (did not / did interact).")
    too_few = np.flatnonzero(matrix.sum(axis=1) < 2)
    if too_few.size:
        raise ValueError(
            f"rows {too_few.tolist()} have fewer than two 1s; holding one out would "
            "leave nothing to learn from for them."
        )
    rng = np.random.default_rng(seed)
    train = matrix.copy()
    held_out = np.array([rng.choice(np.flatnonzero(row)) for row in matrix])
    train[np.arange(len(matrix)), held_out] = 0.0
    return train, held_out


def nearest_neighbours(
    vectors, index: int, k: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` rows most similar to row ``index`` by cosine similarity.

    Returns ``(indices, similarities)``, most similar first, leaving out
    ``index`` itself. Chapter 8, section "Recommendations" (nearest events in
    embedding space).
    """
    vectors = as_float_array(vectors, "vectors", ndim=2)
    n = len(vectors)
    index = require_int(index, "index", minimum=0, maximum=n - 1)
    k = require_int(k, "k", minimum=1, maximum=max(n - 1, 1))
    norms = np.linalg.norm(vectors, axis=1)
    if np.any(norms == 0):
        raise ValueError("a row of vectors is all zeros; its direction is undefined.")
    unit = vectors / norms[:, None]
    similarity = unit @ unit[index]
    similarity[index] = -np.inf
    order = np.argsort(-similarity, kind="stable")[:k]
    return order, similarity[order]


# ---------------------------------------------------------------------------
# Ranking and screening metrics
# ---------------------------------------------------------------------------


def rank_items(scores, k: int, *, exclude=None) -> np.ndarray:
    """Indices of the ``k`` highest scores, best first; ties go to the lower index.

    Parameters
    ----------
    scores:
        One score per item (1-D).
    k:
        How many to return.
    exclude:
        Optional boolean mask (same length): items never to recommend, such as
        those the person already has.

    Chapter 8, sections "People you may know" and "Recommendations".
    """
    scores = as_float_array(scores, "scores", ndim=1)
    k = require_int(k, "k", minimum=1)
    allowed = np.ones(len(scores), dtype=bool)
    if exclude is not None:
        exclude = np.asarray(exclude)
        if exclude.shape != scores.shape or exclude.dtype != bool:
            raise ValueError(
                f"exclude must be a boolean mask of shape {scores.shape}, but got "
                f"{describe(exclude)}."
            )
        allowed = ~exclude
    if k > allowed.sum():
        raise ValueError(
            f"k={k} but only {int(allowed.sum())} items can be ranked; use a smaller k."
        )
    candidates = np.flatnonzero(allowed)
    order = np.argsort(-scores[candidates], kind="stable")
    return candidates[order[:k]]


def precision_at_k(ranked: Sequence, relevant: Iterable, k: int) -> float:
    """Of the first ``k`` suggestions, the fraction that are relevant.

    Parameters
    ----------
    ranked:
        Suggestions, best first (node pairs, item indices, ...).
    relevant:
        The items that count as hits (for example the held-out friendships).
        Pairs are compared as given: write both in the same order.
    k:
        How many suggestions are shown.

    Chapter 8, section "People you may know".
    """
    k = require_int(k, "k", minimum=1)
    if isinstance(ranked, str | bytes) or not isinstance(ranked, Sequence | np.ndarray):
        raise TypeError(
            f"ranked must be a list of suggestions, best first, but got {describe(ranked)}."
        )
    if len(ranked) < k:
        raise ValueError(
            f"precision at k={k} needs at least {k} ranked suggestions, "
            f"but got {len(ranked)}."
        )
    relevant = {_hashable(item) for item in relevant}
    top = [_hashable(item) for item in ranked[:k]]
    return sum(item in relevant for item in top) / k


def _hashable(item: Any) -> Hashable:
    if isinstance(item, np.ndarray):
        return tuple(item.tolist())
    if isinstance(item, list):
        return tuple(item)
    if isinstance(item, np.generic):
        return item.item()
    return item


def hit_rate_at_k(scores, held_out, k: int, *, seen=None) -> float:
    """Fraction of people whose held-out item is among their top ``k`` suggestions.

    Parameters
    ----------
    scores:
        Shape ``(n_people, n_items)``: a recommender's score of every item for
        every person (higher is better).
    held_out:
        Shape ``(n_people,)``: the index of each person's held-out item.
    k:
        Length of each person's list of suggestions.
    seen:
        Optional 0/1 matrix like ``scores``: items a person already has. They
        are never suggested (ranked with :func:`rank_items`).

    Chapter 8, section "Recommendations".
    """
    scores = as_float_array(scores, "scores", ndim=2)
    n_people, n_items = scores.shape
    held_out = np.asarray(held_out)
    if held_out.shape != (n_people,) or not np.issubdtype(held_out.dtype, np.integer):
        raise ValueError(
            f"held_out must hold one item index (a whole number) per person, "
            f"shape ({n_people},), but got {describe(held_out)}."
        )
    if held_out.min() < 0 or held_out.max() >= n_items:
        raise ValueError(f"held_out indices must be between 0 and {n_items - 1}.")
    if seen is None:
        seen_mask = np.zeros_like(scores, dtype=bool)
    else:
        seen_mask = as_float_array(seen, "seen", ndim=2) > 0
        if seen_mask.shape != scores.shape:
            raise ValueError(
                f"seen has shape {seen_mask.shape} but scores has {scores.shape}."
            )
        if seen_mask[np.arange(n_people), held_out].any():
            raise ValueError(
                "a held-out item is marked as seen: hide it from the training "
                "matrix before evaluating."
            )
    hits = [
        held_out[person] in rank_items(scores[person], k, exclude=seen_mask[person])
        for person in range(n_people)
    ]
    return float(np.mean(hits))


def _as_binary(values, name: str) -> np.ndarray:
    array = as_float_array(values, name, ndim=1)
    if not np.isin(array, (0.0, 1.0)).all():
        raise ValueError(
            f"{name} must hold only 0 and 1 (1 = positive); threshold "
            "probabilities first, for example (probabilities >= 0.5).astype(int)."
        )
    return array.astype(int)


def sensitivity_specificity(y_true, y_pred) -> tuple[float, float]:
    """Sensitivity (true positive rate) and specificity (true negative rate).

    Sensitivity = TP / (TP + FN): of the people who have the condition, the
    fraction the test finds. Specificity = TN / (TN + FP): of those who do not,
    the fraction it clears.

    Parameters
    ----------
    y_true, y_pred:
        0/1 labels and 0/1 predictions of the same length (1 = positive).

    Chapter 8, section "Healthcare".
    """
    y_true = _as_binary(y_true, "y_true")
    y_pred = _as_binary(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_true has {len(y_true)} labels but y_pred has {len(y_pred)} predictions."
        )
    positives, negatives = y_true == 1, y_true == 0
    if not positives.any() or not negatives.any():
        raise ValueError(
            "y_true needs both positives and negatives: sensitivity is undefined "
            "with no positives, specificity with no negatives."
        )
    sensitivity = float(np.mean(y_pred[positives] == 1))
    specificity = float(np.mean(y_pred[negatives] == 0))
    return sensitivity, specificity


def positive_predictive_value(
    sensitivity: float, specificity: float, prevalence: float
) -> float:
    """Probability that a positive result is a true positive (Bayes' rule).

    ``sens * prev / (sens * prev + (1 - spec) * (1 - prev))``: the same test
    gives far more false alarms where the condition is rare. Chapter 8,
    section "Healthcare".
    """
    values = {
        "sensitivity": require_number(sensitivity, "sensitivity"),
        "specificity": require_number(specificity, "specificity"),
        "prevalence": require_number(prevalence, "prevalence"),
    }
    for name, value in values.items():
        if not 0 <= value <= 1:
            raise ValueError(f"{name} is a fraction between 0 and 1, but got {value}.")
    sens, spec, prev = (
        values["sensitivity"],
        values["specificity"],
        values["prevalence"],
    )
    true_positives = sens * prev
    false_positives = (1 - spec) * (1 - prev)
    if true_positives + false_positives == 0:
        raise ValueError("the test never says positive, so its PPV is undefined.")
    return true_positives / (true_positives + false_positives)


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


# ---------------------------------------------------------------------------
# Training input
# ---------------------------------------------------------------------------


def shuffled_batches(
    inputs, labels, *, batch_size: int = 32, seed: int = 0
) -> tf.data.Dataset:
    """A ``tf.data.Dataset`` of shuffled mini-batches, reshuffled every epoch.

    ``model.fit`` accepts NumPy arrays directly, but then rebuilds its input
    pipeline at the start of every epoch; for the tiny models of chapter 8
    that overhead costs more than the training itself. A ``Dataset`` built
    once avoids it. Because the dataset shuffles itself, call
    ``model.fit(dataset, epochs=..., shuffle=False)`` (Keras warns otherwise).

    Parameters
    ----------
    inputs:
        An array with one row per example, or a tuple of such arrays for a
        model with several inputs (a person id and an item id, say).
    labels:
        One label per example.
    batch_size, seed:
        Mini-batch size, and the seed of the shuffle (same seed, same batches).

    Chapter 8, "Applications".
    """
    import tensorflow as tf

    batch_size = require_int(batch_size, "batch_size", minimum=1)
    seed = require_int(seed, "seed", minimum=0)
    parts = inputs if isinstance(inputs, tuple) else (inputs,)
    arrays = [np.asarray(part) for part in parts]
    labels = np.asarray(labels)
    lengths = {len(array) for array in arrays} | {len(labels)}
    if len(lengths) != 1:
        raise ValueError(
            "inputs and labels must have one row per example, but their lengths "
            f"are {[len(array) for array in arrays]} and {len(labels)}."
        )
    features = tuple(arrays) if isinstance(inputs, tuple) else arrays[0]
    dataset = tf.data.Dataset.from_tensor_slices((features, labels))
    return dataset.shuffle(len(labels), seed=seed).batch(batch_size)
