"""utils.setup(): quiet, seeded, deterministic."""

from __future__ import annotations

import os
import random

import numpy as np
import pytest

import utils


def test_setup_sets_tensorflow_environment_and_returns_nothing():
    assert utils.setup(seed=0, tensorflow=False) is None
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert os.environ["TF_ENABLE_ONEDNN_OPTS"] == "0"


def test_setup_seeds_python_and_numpy():
    utils.setup(seed=7, tensorflow=False)
    first = (random.random(), np.random.rand(3))  # noqa: NPY002 - the legacy generator is what setup seeds
    utils.setup(seed=7, tensorflow=False)
    second = (random.random(), np.random.rand(3))  # noqa: NPY002
    assert first[0] == second[0]
    np.testing.assert_array_equal(first[1], second[1])


def test_setup_makes_keras_weights_and_training_reproducible():
    import keras

    def train_once():
        utils.setup(seed=3)
        X = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
        y = (X[:, 0] > 0).astype("float32")
        model = keras.Sequential(
            [
                keras.Input((4,)),
                keras.layers.Dense(8, activation="relu"),
                keras.layers.Dense(1),
            ]
        )
        model.compile(optimizer="adam", loss="mse")
        model.fit(X, y, epochs=2, batch_size=16, verbose=0, shuffle=True)
        return [w.copy() for w in model.get_weights()]

    for a, b in zip(train_once(), train_once(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_setup_applies_the_book_style():
    import matplotlib as mpl

    utils.setup(tensorflow=False)
    assert mpl.rcParams["image.cmap"] == "magma"
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] == "#0072B2"


@pytest.mark.parametrize("seed", [1.5, "0", None])
def test_setup_rejects_a_seed_that_is_not_a_whole_number(seed):
    with pytest.raises(TypeError, match="seed must be a whole number"):
        utils.setup(seed=seed, tensorflow=False)


def test_setup_rejects_a_negative_seed():
    with pytest.raises(ValueError, match="seed must be at least 0"):
        utils.setup(seed=-1, tensorflow=False)


def test_setup_runs_numpy_linear_algebra_on_one_thread():
    from threadpoolctl import threadpool_info

    utils.setup(tensorflow=False)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas, "NumPy's BLAS was not found"
    assert all(pool["num_threads"] == 1 for pool in blas)
