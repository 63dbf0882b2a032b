"""utils.applications: the pieces of chapter 8 do what their docstrings say."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import recall_score

from utils.applications import (
    PAIR_FEATURE_NAMES,
    adamic_adar_index,
    attendance_matrix,
    common_neighbours,
    hit_rate_at_k,
    hold_out_edges,
    hold_out_one_per_row,
    jaccard_coefficient,
    link_prediction_examples,
    nearest_neighbours,
    pair_features,
    positive_predictive_value,
    precision_at_k,
    rank_items,
    sensitivity_specificity,
    shuffled_batches,
    unconnected_pairs,
)


@pytest.fixture
def karate():
    return nx.karate_club_graph()


# --- neighbourhood scores -----------------------------------------------------


def test_scores_match_networkx(karate):
    pairs = unconnected_pairs(karate)[::7] + list(karate.edges)[::9]
    ours = pair_features(karate, pairs)
    assert ours.shape == (len(pairs), len(PAIR_FEATURE_NAMES))
    np.testing.assert_array_equal(
        ours[:, 0], [len(list(nx.common_neighbors(karate, u, v))) for u, v in pairs]
    )
    np.testing.assert_allclose(
        ours[:, 1], [j for *_, j in nx.jaccard_coefficient(karate, pairs)], rtol=1e-6
    )
    np.testing.assert_allclose(
        ours[:, 2], [a for *_, a in nx.adamic_adar_index(karate, pairs)], rtol=1e-6
    )
    degrees = np.array([sorted((karate.degree(u), karate.degree(v))) for u, v in pairs])
    np.testing.assert_array_equal(ours[:, 3:], degrees)


def test_single_scores_of_the_two_leaders(karate):
    assert common_neighbours(karate, 0, 33) == 4
    assert jaccard_coefficient(karate, 0, 33) == pytest.approx(4 / 29)
    expected = sum(1 / np.log(karate.degree(w)) for w in (8, 13, 19, 31))
    assert adamic_adar_index(karate, 0, 33) == pytest.approx(expected)


def test_jaccard_of_two_people_with_no_friends():
    graph = nx.Graph()
    graph.add_nodes_from(["a", "b"])
    assert jaccard_coefficient(graph, "a", "b") == 0.0
    assert adamic_adar_index(graph, "a", "b") == 0.0


def test_scores_reject_bad_graphs_and_pairs(karate):
    with pytest.raises(TypeError, match="undirected networkx graph"):
        common_neighbours(nx.DiGraph(karate), 0, 1)
    with pytest.raises(TypeError, match="undirected networkx graph"):
        jaccard_coefficient([[0, 1]], 0, 1)
    with pytest.raises(ValueError, match="node 99 is not in the graph"):
        adamic_adar_index(karate, 0, 99)
    with pytest.raises(ValueError, match="two different people"):
        jaccard_coefficient(karate, 5, 5)
    with pytest.raises(TypeError, match="list of \\(u, v\\) tuples"):
        pair_features(karate, 5)
    with pytest.raises(ValueError, match="tuple of two nodes"):
        pair_features(karate, [(0, 1, 2)])


def test_pair_features_of_no_pairs(karate):
    assert pair_features(karate, []).shape == (0, len(PAIR_FEATURE_NAMES))


def test_unconnected_pairs(karate):
    pairs = unconnected_pairs(karate)
    n, m = karate.number_of_nodes(), karate.number_of_edges()
    assert len(pairs) == n * (n - 1) // 2 - m
    assert len(set(pairs)) == len(pairs)
    assert not any(karate.has_edge(u, v) for u, v in pairs)
    assert all(u < v for u, v in pairs)


# --- holding friendships out ----------------------------------------------------


def test_hold_out_edges(karate):
    edges_before = set(karate.edges)
    remaining, held_out = hold_out_edges(karate, 12, seed=0)
    assert set(karate.edges) == edges_before, "the input graph must not change"
    assert len(held_out) == len(set(held_out)) == 12
    assert remaining.number_of_edges() == karate.number_of_edges() - 12
    assert all(
        karate.has_edge(u, v) and not remaining.has_edge(u, v) for u, v in held_out
    )
    assert min(dict(remaining.degree).values()) >= 1
    assert list(remaining.nodes) == list(karate.nodes)
    assert hold_out_edges(karate, 12, seed=0)[1] == held_out
    assert hold_out_edges(karate, 12, seed=1)[1] != held_out


def test_hold_out_edges_refuses_what_it_cannot_do(karate):
    with pytest.raises(ValueError, match="could hide only"):
        hold_out_edges(nx.path_graph(4), 3)
    with pytest.raises(ValueError, match="count must be at least 1"):
        hold_out_edges(karate, 0)
    with pytest.raises(TypeError, match="count must be a whole number"):
        hold_out_edges(karate, 2.5)


def test_link_prediction_examples_shape_and_labels(karate):
    X, y = link_prediction_examples(
        karate, rounds=3, positives_per_round=4, negatives_per_round=6, seed=1
    )
    assert X.shape == (30, len(PAIR_FEATURE_NAMES))
    assert y.tolist() == ([1] * 4 + [0] * 6) * 3
    again, _ = link_prediction_examples(
        karate, rounds=3, positives_per_round=4, negatives_per_round=6, seed=1
    )
    np.testing.assert_array_equal(X, again)


def test_link_prediction_examples_hide_positives_before_scoring():
    # In the complete graph on 5 nodes every node has degree 4 and every pair
    # 3 common neighbours. A hidden edge must be scored without itself:
    # degrees 3 and 3. Features computed on the full graph would say 4 and 4.
    X, y = link_prediction_examples(
        nx.complete_graph(5), rounds=4, positives_per_round=1, negatives_per_round=0
    )
    assert y.tolist() == [1, 1, 1, 1]
    np.testing.assert_array_equal(X[:, 0], 3)
    np.testing.assert_array_equal(X[:, 3:], 3)


def test_link_prediction_examples_bad_input(karate):
    with pytest.raises(ValueError, match="only 0 unconnected pairs"):
        link_prediction_examples(nx.complete_graph(5), negatives_per_round=1)
    with pytest.raises(ValueError, match="rounds must be at least 1"):
        link_prediction_examples(karate, rounds=0)


# --- recommendations ---------------------------------------------------------------


def test_attendance_matrix_of_the_southern_women():
    matrix, women, events = attendance_matrix(nx.davis_southern_women_graph())
    assert matrix.shape == (18, 14)
    assert matrix.sum() == 89
    assert women[0] == "Evelyn Jefferson" and events[0] == "E1"
    with pytest.raises(ValueError, match="'top' and 'bottom'"):
        attendance_matrix(nx.karate_club_graph())


def test_hold_out_one_per_row():
    matrix, _, _ = attendance_matrix(nx.davis_southern_women_graph())
    train, held_out = hold_out_one_per_row(matrix, seed=0)
    rows = np.arange(len(matrix))
    np.testing.assert_array_equal(matrix[rows, held_out], 1)
    np.testing.assert_array_equal(train[rows, held_out], 0)
    np.testing.assert_array_equal(train.sum(axis=1), matrix.sum(axis=1) - 1)
    np.testing.assert_array_equal(hold_out_one_per_row(matrix, seed=0)[1], held_out)
    assert matrix.sum() == 89, "the input must not change"


def test_hold_out_one_per_row_bad_input():
    with pytest.raises(ValueError, match="rows \\[1\\] have fewer than two 1s"):
        hold_out_one_per_row([[1, 1, 0], [0, 1, 0]])
    with pytest.raises(ValueError, match="only 0s and 1s"):
        hold_out_one_per_row([[1, 2], [1, 1]])
    with pytest.raises(ValueError, match="2 dimension"):
        hold_out_one_per_row([1, 1, 0])


def test_nearest_neighbours():
    vectors = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [-1.0, 0.0]])
    indices, similarity = nearest_neighbours(vectors, 0, k=2)
    assert indices.tolist() == [1, 2]
    assert similarity[0] == pytest.approx(0.9 / np.hypot(0.9, 0.1))
    assert nearest_neighbours(vectors, 0, k=3)[0].tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="all zeros"):
        nearest_neighbours([[1.0, 0.0], [0.0, 0.0]], 0, k=1)
    with pytest.raises(ValueError, match="index must be at most 3"):
        nearest_neighbours(vectors, 4)


# --- ranking metrics ------------------------------------------------------------------


def test_rank_items_breaks_ties_by_index_and_excludes():
    scores = np.array([0.2, 0.9, 0.5, 0.9, 0.1])
    assert rank_items(scores, 3).tolist() == [1, 3, 2]
    exclude = np.array([False, True, False, False, False])
    assert rank_items(scores, 3, exclude=exclude).tolist() == [3, 2, 0]
    with pytest.raises(ValueError, match="only 4 items can be ranked"):
        rank_items(scores, 5, exclude=exclude)
    with pytest.raises(ValueError, match="boolean mask"):
        rank_items(scores, 2, exclude=[0, 1, 0, 0, 0])


def test_precision_at_k():
    ranked = [(0, 1), (2, 3), (4, 5), (6, 7)]
    relevant = [(2, 3), (6, 7), (8, 9)]
    assert precision_at_k(ranked, relevant, 1) == 0.0
    assert precision_at_k(ranked, relevant, 2) == 0.5
    assert precision_at_k(ranked, relevant, 4) == 0.5
    assert precision_at_k(np.array([3, 1, 2]), [np.int64(1)], 2) == 0.5
    assert precision_at_k([[0, 1], [2, 3]], [(2, 3)], 2) == 0.5
    with pytest.raises(ValueError, match="at least 5 ranked suggestions"):
        precision_at_k(ranked, relevant, 5)
    with pytest.raises(TypeError, match="list of suggestions"):
        precision_at_k("abc", ["a"], 1)
    with pytest.raises(ValueError, match="k must be at least 1"):
        precision_at_k(ranked, relevant, 0)


def _hit_rate_by_brute_force(scores, held_out, k, seen):
    hits = 0
    for person, target in enumerate(held_out):
        allowed = [i for i in range(scores.shape[1]) if not seen[person, i]]
        better = [
            i
            for i in allowed
            if scores[person, i] > scores[person, target]
            or (scores[person, i] == scores[person, target] and i < target)
        ]
        hits += len(better) < k
    return hits / len(held_out)


def test_hit_rate_against_brute_force():
    rng = np.random.default_rng(0)
    scores = rng.integers(0, 4, size=(30, 9)).astype(float)  # many ties
    held_out = rng.integers(0, 9, size=30)
    seen = rng.random((30, 9)) < 0.3
    seen[np.arange(30), held_out] = False
    for k in (1, 3, 5):
        assert hit_rate_at_k(scores, held_out, k, seen=seen) == pytest.approx(
            _hit_rate_by_brute_force(scores, held_out, k, seen)
        )


def test_hit_rate_never_suggests_what_was_seen():
    scores = np.array([[0.9, 0.8, 0.1]])
    assert hit_rate_at_k(scores, np.array([1]), 1) == 0.0
    assert hit_rate_at_k(scores, np.array([1]), 1, seen=[[1, 0, 0]]) == 1.0


def test_hit_rate_bad_input():
    scores = np.zeros((2, 3))
    with pytest.raises(ValueError, match="held-out item is marked as seen"):
        hit_rate_at_k(scores, np.array([0, 1]), 1, seen=[[1, 0, 0], [0, 0, 0]])
    with pytest.raises(ValueError, match="one item index"):
        hit_rate_at_k(scores, np.array([0.0, 1.0]), 1)
    with pytest.raises(ValueError, match="between 0 and 2"):
        hit_rate_at_k(scores, np.array([0, 3]), 1)
    with pytest.raises(ValueError, match="seen has shape"):
        hit_rate_at_k(scores, np.array([0, 1]), 1, seen=np.zeros((3, 3)))


# --- screening metrics -----------------------------------------------------------------


def test_sensitivity_specificity_match_scikit_learn():
    rng = np.random.default_rng(1)
    y_true = rng.integers(0, 2, 200)
    y_pred = np.where(rng.random(200) < 0.8, y_true, 1 - y_true)
    sensitivity, specificity = sensitivity_specificity(y_true, y_pred)
    assert sensitivity == pytest.approx(recall_score(y_true, y_pred, pos_label=1))
    assert specificity == pytest.approx(recall_score(y_true, y_pred, pos_label=0))
    assert sensitivity_specificity([1, 1, 0, 0], [1, 0, 0, 0]) == (0.5, 1.0)


def test_sensitivity_specificity_bad_input():
    with pytest.raises(ValueError, match="only 0 and 1"):
        sensitivity_specificity([1, 0], [0.7, 0.2])
    with pytest.raises(ValueError, match="3 labels but y_pred has 2"):
        sensitivity_specificity([1, 0, 1], [1, 0])
    with pytest.raises(ValueError, match="both positives and negatives"):
        sensitivity_specificity([0, 0], [0, 1])


def test_positive_predictive_value():
    assert positive_predictive_value(0.9, 0.9, 0.5) == pytest.approx(0.9)
    # 1% prevalence: 9 true positives against 99 false ones per 1,000 people.
    assert positive_predictive_value(0.9, 0.9, 0.01) == pytest.approx(9 / (9 + 99))
    with pytest.raises(ValueError, match="prevalence is a fraction"):
        positive_predictive_value(0.9, 0.9, 37)
    with pytest.raises(ValueError, match="never says positive"):
        positive_predictive_value(0.0, 1.0, 0.3)
    with pytest.raises(TypeError, match="sensitivity must be a number"):
        positive_predictive_value("high", 0.9, 0.3)


# --- training input ---------------------------------------------------------------------------


@pytest.mark.slow
def test_shuffled_batches():
    X = np.arange(10.0).reshape(5, 2)
    y = np.arange(5)
    batches = list(shuffled_batches(X, y, batch_size=2, seed=0))
    assert [len(labels) for _, labels in batches] == [2, 2, 1]
    seen = np.concatenate([labels.numpy() for _, labels in batches])
    assert sorted(seen.tolist()) == [0, 1, 2, 3, 4]
    for features, labels in batches:
        np.testing.assert_array_equal(features.numpy()[:, 0], 2 * labels.numpy())
    again = [labels.numpy().tolist() for _, labels in shuffled_batches(X, y, seed=0)]
    assert again == [seen.tolist()]
    (people, items), labels = next(iter(shuffled_batches((y, y + 10), y, batch_size=5)))
    np.testing.assert_array_equal(items.numpy() - people.numpy(), 10)
    with pytest.raises(ValueError, match="one row per example"):
        shuffled_batches(X, y[:4])
