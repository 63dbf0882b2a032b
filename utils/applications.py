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
- Intent classification lives in :mod:`utils.intents`.
- Training: :func:`shuffled_batches`, the tf.data input every model here uses.

NetworkX is imported inside the functions that need it, so ``import utils``
stays fast.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from utils.validation import as_float_array, describe, require_int, require_number

if TYPE_CHECKING:
    import networkx as nx
    import tensorflow as tf

__all__ = [
    "PAIR_FEATURE_NAMES",
    "adamic_adar_index",
    "attendance_matrix",
    "common_neighbours",
    "hit_rate_at_k",
    "hold_out_edges",
    "hold_out_one_per_row",
    "jaccard_coefficient",
    "link_prediction_examples",
    "nearest_neighbours",
    "pair_features",
    "positive_predictive_value",
    "precision_at_k",
    "rank_items",
    "sensitivity_specificity",
    "shuffled_batches",
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
