"""Tests of utils.feature_maps: the figures of chapter 7 (and 7)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.feature_maps import (
    SIGNED_CMAP,
    as_feature_map,
    plot_feature_maps,
    plot_kernel,
    plot_kernel_row,
    plot_map_grid,
    show_map,
    symmetric_limit,
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
    # Signed weights: a diverging map centred on 0, light text on the strong
    # centre, dark text on the pale surround.
    assert ax.images[0].get_clim() == (-8.0, 8.0)
    assert ax.images[0].get_cmap().name == SIGNED_CMAP
    colours = {text.get_text(): text.get_color() for text in ax.texts}
    assert colours == {"8": "white", "-1": "black"}


def test_plot_kernel_writes_short_numbers():
    kernel = [[1 / 9, -0.0011, 0.999999], [2.5, -3.0, 0.0]]
    texts = [text.get_text() for text in plot_kernel(kernel).texts]
    assert texts == ["0.11", "0", "1", "2.5", "-3", "0"]


def test_plot_kernel_accepts_tensorflow_layout_and_a_constant_kernel():
    ax = plot_kernel(np.full((3, 3, 1, 1), 1 / 9))
    assert len(ax.texts) == 9


# --- plot_kernel_row, symmetric_limit, show_map, plot_map_grid ----------


def test_plot_kernel_row_draws_every_kernel():
    fig = plot_kernel_row(HAND_MADE_KERNELS, suptitle="kernels")
    assert [ax.get_title() for ax in fig.axes] == list(HAND_MADE_KERNELS)
    assert fig._suptitle.get_text() == "kernels"


def test_symmetric_limit_is_a_percentile_of_the_sizes():
    values = np.concatenate([np.linspace(-1, 1, 199), [50.0]])
    assert symmetric_limit(values, percentile=99) < 2
    assert symmetric_limit(values, percentile=100) == 50
    assert symmetric_limit(np.zeros((2, 4, 4, 3))) == 0  # several maps at once


def test_show_map_centres_signed_data_on_zero():
    fig, ax = plt.subplots()
    values = np.linspace(-1, 3, 100).reshape(10, 10)
    shown = show_map(ax, values)
    low, high = shown.get_clim()
    assert low == -high and shown.get_cmap().name == SIGNED_CMAP
    assert shown.colorbar.extend == "max"  # only 3 is beyond the 99.5th percentile


def test_show_map_starts_non_negative_data_at_zero():
    fig, ax = plt.subplots()
    shown = show_map(ax, np.linspace(0.5, 1, 16).reshape(4, 4), label="response")
    assert shown.get_clim()[0] == 0 and shown.get_cmap().name == "magma"
    assert shown.colorbar.ax.get_ylabel() == "response"


def test_plot_map_grid_shares_the_given_scales_and_draws_boxes():
    maps = {"signed": np.eye(6) - 0.5, "relu": np.eye(6), "pooled": np.eye(3)}
    fig = plot_map_grid(
        maps,
        limits={"signed": (-2, 2), "relu": (0, 2), "pooled": (0, 2)},
        cmaps={"pooled": "gray"},
        labels="response",
        boxes={"relu": [(1, 2, 3, 3)]},
        suptitle="grid",
    )
    panels = [ax for ax in fig.axes if ax.images and ax.get_title()]
    assert [ax.get_title() for ax in panels] == list(maps)
    assert [ax.images[0].get_clim() for ax in panels] == [(-2, 2), (0, 2), (0, 2)]
    assert panels[2].images[0].get_cmap().name == "gray"
    assert len(panels[1].patches) == 1 and not panels[0].patches
    hidden = [ax for ax in fig.axes if not ax.get_visible()]
    assert len(hidden) == 1  # three maps in a 2 x 2 grid leave one empty panel
