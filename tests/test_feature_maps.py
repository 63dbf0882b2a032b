"""Tests of utils.feature_maps: the figures of chapter 7 (and 7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.feature_maps import (
    as_feature_map,
    plot_feature_maps,
    plot_kernel,
    plot_kernels_and_maps,
)
from utils.kernels import HAND_MADE_KERNELS, edge_kernel


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- as_feature_map ------------------------------------------------------


@pytest.mark.parametrize(
    "shape", [(5, 7), (5, 7, 1), (1, 5, 7, 1)], ids=["2-D", "HW1", "1HW1"]
)
def test_as_feature_map_drops_the_axes_of_length_one(shape):
    values = np.arange(35.0).reshape(5, 7)
    assert np.array_equal(as_feature_map(values.reshape(shape)), values)


def test_as_feature_map_reads_tensors():
    from utils import setup

    setup()
    import tensorflow as tf

    values = np.arange(6.0).reshape(1, 2, 3, 1)
    assert np.array_equal(as_feature_map(tf.constant(values)), values[0, :, :, 0])


@pytest.mark.parametrize("shape", [(2, 5, 7, 1), (1, 5, 7, 3), (5, 7, 2), (5,)])
def test_as_feature_map_refuses_more_than_one_map(shape):
    with pytest.raises(ValueError, match="must be one 2-D map"):
        as_feature_map(np.zeros(shape))


# --- plot_feature_maps ---------------------------------------------------


def test_plot_feature_maps_titles_and_shapes():
    maps = {"input": np.zeros((6, 6)), "pooled": np.ones((1, 3, 3, 1))}
    fig = plot_feature_maps(maps)
    image_axes = [ax for ax in fig.axes if ax.images and ax.get_title()]
    assert [ax.get_title() for ax in image_axes] == ["input\n6 x 6", "pooled\n3 x 3"]
    # two panels, each with a colour bar
    assert len(fig.axes) == 4


def test_plot_feature_maps_list_without_colour_bars():
    fig = plot_feature_maps(
        [np.zeros((4, 4)), np.zeros((2, 2))],
        titles=["a", "b"],
        colorbar=False,
        show_shape=False,
        suptitle="stages",
    )
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert fig._suptitle.get_text() == "stages"


def test_plot_feature_maps_uses_the_colour_map():
    fig = plot_feature_maps([np.eye(3)], cmap="viridis")
    assert fig.axes[0].images[0].get_cmap().name == "viridis"


def test_plot_feature_maps_robust_clips_the_extremes():
    values = np.zeros((20, 20))
    values[5:15, 5:15] = np.linspace(0.0, 1.0, 100).reshape(10, 10)
    values[0, 0] = 100.0  # one extreme pixel, like the padded border
    plain = plot_feature_maps([values]).axes[0].images[0].get_clim()
    assert plain == (0.0, 100.0)
    fig = plot_feature_maps([values], robust=True)
    low, high = fig.axes[0].images[0].get_clim()
    assert (low, high) == tuple(np.percentile(values, [1, 99]))
    assert high < 2.0
    assert fig.axes[0].images[0].colorbar.extend == "max"


def test_plot_feature_maps_robust_on_a_constant_map():
    shown = plot_feature_maps([np.ones((4, 4))], robust=True).axes[0].images[0]
    low, high = shown.get_clim()
    assert low <= 1.0 <= high
    assert shown.colorbar.extend == "neither"


def test_plot_feature_maps_refuses_a_batch_of_maps():
    with pytest.raises(ValueError, match="must be one 2-D map"):
        plot_feature_maps([np.zeros((2, 3, 3, 1))])


# --- plot_kernel ---------------------------------------------------------


def test_plot_kernel_writes_every_weight():
    ax = plot_kernel(edge_kernel(), title="edge")
    texts = sorted(text.get_text() for text in ax.texts)
    assert texts == sorted(["-1"] * 8 + ["8"])
    assert ax.get_title() == "edge"
    # The bright centre gets dark text, the dark surround light text.
    colours = {text.get_text(): text.get_color() for text in ax.texts}
    assert colours == {"8": "black", "-1": "white"}


def test_plot_kernel_writes_short_numbers():
    kernel = [[1 / 9, -0.0011, 0.999999], [2.5, -3.0, 0.0]]
    texts = [text.get_text() for text in plot_kernel(kernel).texts]
    assert texts == ["0.11", "0", "1", "2.5", "-3", "0"]


def test_plot_kernel_accepts_tensorflow_layout_and_a_constant_kernel():
    ax = plot_kernel(np.full((3, 3, 1, 1), 1 / 9))
    assert len(ax.texts) == 9


# --- plot_kernels_and_maps -----------------------------------------------


def test_plot_kernels_and_maps_gallery():
    maps = [np.random.default_rng(0).random((8, 8)) for _ in HAND_MADE_KERNELS]
    fig = plot_kernels_and_maps(
        HAND_MADE_KERNELS, maps, robust=True, suptitle="gallery"
    )
    titles = [ax.get_title() for ax in fig.axes if ax.texts]
    assert titles == list(HAND_MADE_KERNELS)
    # one kernel panel, one map panel and one colour bar per kernel
    assert len(fig.axes) == 3 * len(HAND_MADE_KERNELS)
