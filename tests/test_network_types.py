"""Tests of utils.network_types (chapter 3, "Types of neural networks")."""

import os

from utils.environment import TENSORFLOW_ENVIRONMENT

# Quiet, deterministic TensorFlow, as utils.setup() sets it in the notebooks.
os.environ.update(TENSORFLOW_ENVIRONMENT)

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from utils.network_types import (  # noqa: E402
    RBFLayer,
    draw_block_diagram,
    draw_unrolled_rnn,
    forecast_errors,
    kmeans_centres,
    make_two_sensor_task,
    make_windows,
    rbf_activations,
    widths_from_centres,
)

# ---------------------------------------------------------------- rbf_activations


def test_rbf_activation_is_one_at_the_centre_and_matches_the_formula():
    centres = np.array([[0.0, 0.5], [1.0, 2.0]])
    X = np.array([[1.0, 2.0], [0.0, 0.5], [3.0, -1.0]])
    widths = np.array([1.5, 0.5])
    result = rbf_activations(X, centres, widths)
    assert result.shape == (3, 2)
    assert result[0, 1] == pytest.approx(1.0)
    assert result[1, 0] == pytest.approx(1.0)
    # ||(1, 2) - (0, 0.5)||^2 = 3.25, 2 * 1.5^2 = 4.5
    assert result[0, 0] == pytest.approx(np.exp(-3.25 / 4.5))
    # far from every centre, the output is tiny but positive
    assert 0 < result[2, 1] < 1e-10


def test_rbf_activation_of_a_single_input_and_a_shared_width():
    centres = np.array([[0.0], [2.0]])
    single = rbf_activations(np.array([1.0]), centres, 1.0)
    assert single.shape == (2,)
    np.testing.assert_allclose(single, np.exp(-0.5) * np.ones(2))


@pytest.mark.parametrize(
    ("X", "centres", "widths", "error", "words"),
    [
        (np.zeros((4, 3)), np.zeros((2, 2)), 1.0, ValueError, "same space"),
        (np.zeros((4, 2)), np.zeros((2, 2)), [1.0, 1.0, 1.0], ValueError, "one width"),
        (np.zeros((4, 2)), np.zeros((2, 2)), [1.0, 0.0], ValueError, "positive"),
        (np.zeros((4, 2)), np.zeros((2, 2)), -1.0, ValueError, "positive"),
        (np.zeros((4, 2)), np.zeros((0, 2)), 1.0, ValueError, "at least one"),
        (np.zeros((4, 2)), np.zeros(2), 1.0, ValueError, "dimension"),
        (np.full((4, 2), np.nan), np.zeros((2, 2)), 1.0, ValueError, "NaN"),
        ("abc", np.zeros((2, 2)), 1.0, TypeError, "numbers"),
    ],
)
def test_rbf_activation_rejects_bad_inputs(X, centres, widths, error, words):
    with pytest.raises(error, match=words):
        rbf_activations(X, centres, widths)


# ---------------------------------------------------------------- RBFLayer


@pytest.mark.slow
@pytest.mark.parametrize(("num_features", "num_units"), [(1, 3), (2, 5), (7, 4)])
def test_rbf_layer_matches_numpy_on_random_shapes(num_features, num_units):
    rng = np.random.default_rng(num_features * 10 + num_units)
    centres = rng.normal(size=(num_units, num_features))
    widths = rng.uniform(0.5, 2.0, size=num_units)
    X = rng.normal(size=(11, num_features)).astype(np.float32)
    layer = RBFLayer(centres, widths)
    ours = keras.ops.convert_to_numpy(layer(X))
    assert ours.shape == (11, num_units)
    np.testing.assert_allclose(
        ours, rbf_activations(X, centres, widths), rtol=1e-5, atol=1e-6
    )
    assert layer.compute_output_shape((None, num_features)) == (None, num_units)


@pytest.mark.slow
def test_rbf_layer_trains_only_what_it_is_told_to():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 2)).astype(np.float32)
    y = rng.normal(size=(32, 1)).astype(np.float32)
    centres = rng.normal(size=(4, 2))
    for trainable_centres in (False, True):
        layer = RBFLayer(centres, 1.0, trainable_centres=trainable_centres)
        model = keras.Sequential([keras.Input((2,)), layer, keras.layers.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
        model.fit(X, y, epochs=2, batch_size=32, verbose=0)
        moved = not np.allclose(keras.ops.convert_to_numpy(layer.centres), centres)
        assert moved == trainable_centres
        widths = keras.ops.convert_to_numpy(layer.widths)
        np.testing.assert_allclose(widths, np.ones(4))
        assert len(layer.trainable_weights) == (1 if trainable_centres else 0)


@pytest.mark.slow
def test_rbf_layer_round_trips_through_its_config():
    layer = RBFLayer([[0.0, 1.0], [2.0, 3.0]], [0.5, 1.5], trainable_widths=True)
    copy = RBFLayer.from_config(layer.get_config())
    X = np.array([[1.0, 1.0], [0.0, 0.0]], dtype=np.float32)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(copy(X)), keras.ops.convert_to_numpy(layer(X))
    )
    assert copy.trainable_widths and not copy.trainable_centres


@pytest.mark.slow
def test_rbf_layer_rejects_bad_arguments():
    with pytest.raises(ValueError, match="same space"):
        RBFLayer(np.zeros((3, 2)), 1.0)(np.zeros((4, 5), dtype=np.float32))
    with pytest.raises(TypeError, match="True or False"):
        RBFLayer(np.zeros((3, 2)), 1.0, trainable_centres="yes")
    with pytest.raises(ValueError, match="positive"):
        RBFLayer(np.zeros((3, 2)), [1.0, 1.0, 0.0])


# ---------------------------------------------------------------- centres and widths


def test_kmeans_finds_separated_clusters_sorted_and_reproducibly():
    rng = np.random.default_rng(1)
    true_centres = np.array([[5.0, 0.0], [-5.0, 0.0], [0.0, 5.0]])
    X = np.concatenate([c + 0.1 * rng.normal(size=(30, 2)) for c in true_centres])
    centres = kmeans_centres(X, 3)
    np.testing.assert_allclose(centres, true_centres[[1, 2, 0]], atol=0.1)
    np.testing.assert_array_equal(centres, kmeans_centres(X, 3))


def test_kmeans_accepts_a_one_dimensional_array():
    centres = kmeans_centres(np.r_[np.zeros(10), np.ones(10) * 4], 2)
    np.testing.assert_allclose(centres, [[0.0], [4.0]])


@pytest.mark.parametrize(
    ("num_centres", "error", "words"),
    [
        (5, ValueError, "distinct"),
        (0, ValueError, "at least 1"),
        (2.0, TypeError, "whole"),
    ],
)
def test_kmeans_rejects_bad_numbers_of_centres(num_centres, error, words):
    X = np.array([[0.0], [1.0], [2.0], [2.0]])
    with pytest.raises(error, match=words):
        kmeans_centres(X, num_centres)


def test_widths_from_evenly_spaced_centres():
    centres = np.array([0.0, 2.0, 4.0, 6.0])
    np.testing.assert_allclose(
        widths_from_centres(centres, num_neighbours=1), [2.0, 2.0, 2.0, 2.0]
    )
    # two neighbours: the end centres' second neighbour is 4 away
    np.testing.assert_allclose(
        widths_from_centres(centres), [np.sqrt(10), 2.0, 2.0, np.sqrt(10)]
    )
    np.testing.assert_allclose(
        widths_from_centres(centres, num_neighbours=1, scale=0.5), np.ones(4)
    )


@pytest.mark.parametrize(
    ("centres", "kwargs", "error", "words"),
    [
        (np.array([[1.0, 2.0]]), {}, ValueError, "at least two"),
        (np.array([0.0, 1.0, 2.0]), {"num_neighbours": 3}, ValueError, "at most 2"),
        (np.array([0.0, 1.0, 2.0]), {"scale": 0.0}, ValueError, "positive"),
        (np.array([0.0, 0.0, 2.0]), {"num_neighbours": 1}, ValueError, "coincide"),
        (np.array([0.0, 1.0]), {"num_neighbours": 1.5}, TypeError, "whole"),
    ],
)
def test_widths_reject_bad_inputs(centres, kwargs, error, words):
    with pytest.raises(error, match=words):
        widths_from_centres(centres, **kwargs)


# ---------------------------------------------------------------- modular task


def test_two_sensor_task_has_the_promised_structure():
    data = make_two_sensor_task(2000, seed=3)
    assert data["sensor_a"].shape == data["sensor_b"].shape == (2000, 2)
    assert data["context"].shape == (2000, 1)
    assert data["sensor_a"].dtype == np.float32
    context = data["context"][:, 0]
    assert set(np.unique(context)) == {0.0, 1.0}
    np.testing.assert_array_equal(data["y"][context == 0], data["y_a"][context == 0])
    np.testing.assert_array_equal(data["y"][context == 1], data["y_b"][context == 1])
    # each sub-task is balanced, by construction: half the square on each side
    assert 0.45 < data["y_a"].mean() < 0.55
    assert 0.45 < data["y_b"].mean() < 0.55
    inside = (data["sensor_a"] ** 2).sum(axis=1) < 2 / np.pi
    np.testing.assert_array_equal(inside, data["y_a"] == 1)


def test_two_sensor_task_is_reproducible():
    first, again = make_two_sensor_task(50, seed=7), make_two_sensor_task(50, seed=7)
    other = make_two_sensor_task(50, seed=8)
    np.testing.assert_array_equal(first["sensor_a"], again["sensor_a"])
    assert not np.array_equal(first["sensor_a"], other["sensor_a"])
    with pytest.raises(ValueError, match="at least 1"):
        make_two_sensor_task(0)


# ---------------------------------------------------------------- forecasting


def test_windows_pair_each_past_with_the_next_value():
    X, y = make_windows(np.arange(6.0), 2)
    assert X.shape == (4, 2, 1)
    assert X.dtype == y.dtype == np.float32
    np.testing.assert_array_equal(X[:, :, 0], [[0, 1], [1, 2], [2, 3], [3, 4]])
    np.testing.assert_array_equal(y, [2, 3, 4, 5])


@pytest.mark.parametrize(
    ("series", "window", "error", "words"),
    [
        (np.arange(5.0), 5, ValueError, "shorter"),
        (np.arange(5.0), 0, ValueError, "at least 1"),
        (np.zeros((5, 2)), 2, ValueError, "dimension"),
        (np.arange(5.0), 2.5, TypeError, "whole"),
    ],
)
def test_windows_reject_bad_inputs(series, window, error, words):
    with pytest.raises(error, match=words):
        make_windows(series, window)


def test_forecast_errors_by_hand():
    errors = forecast_errors([1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 8.0])
    assert errors["MAE"] == pytest.approx(1.0)
    assert errors["RMSE"] == pytest.approx(2.0)
    assert errors["RMSE"] >= errors["MAE"]
    with pytest.raises(ValueError, match="one prediction per"):
        forecast_errors([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="one prediction per"):
        forecast_errors([], [])


# ---------------------------------------------------------------- diagrams


def test_diagrams_draw_on_the_given_axes():
    _, ax = plt.subplots()
    assert draw_unrolled_rnn(3, ax=ax) is ax
    assert "$x_3$" in [text.get_text() for text in ax.texts]
    blocks = {"in": (0, 0, "input"), "out": (2, 0, "output")}
    ax = draw_block_diagram(blocks, [("in", "out")], title="t")
    assert ax.get_title() == "t"
    labels = [text.get_text() for text in ax.texts if text.get_text()]
    assert labels == ["input", "output"]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: draw_unrolled_rnn(0), ValueError, "at least 1"),
        (lambda: draw_block_diagram({}, []), TypeError, "non-empty"),
        (
            lambda: draw_block_diagram({"a": (0, 0, "a")}, [("a", "b")]),
            ValueError,
            "not a block",
        ),
        (lambda: draw_block_diagram({"a": (0, 0)}, []), ValueError, r"\(x, y, text\)"),
    ],
)
def test_diagrams_reject_bad_inputs(call, error, words):
    with pytest.raises(error, match=words):
        call()
