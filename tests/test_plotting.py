"""utils.plotting, utils.diagrams and utils.kernels: figures draw and inputs are checked."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.diagrams import draw_network, draw_neuron_comparison
from utils.kernels import (
    HAND_MADE_KERNELS,
    blur_kernel,
    edge_kernel,
    sobel_x_kernel,
    sobel_y_kernel,
)
from utils.plotting import (
    plot_confusion_matrix,
    plot_decision_boundary,
    plot_image_grid,
    plot_loss_curves,
)

X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
Y = np.array([0, 1, 1, 1], dtype=float)


def test_decision_boundary_is_drawn_where_the_score_crosses_one_half():
    ax = plot_decision_boundary(
        lambda points: points.sum(axis=1) - 0.0, X, Y, title="OR"
    )
    assert ax.get_title() == "OR"
    assert len(ax.collections) >= 3  # filled regions, boundary line, two scatter sets


def test_decision_boundary_validates_inputs():
    with pytest.raises(TypeError, match="predict must be a function"):
        plot_decision_boundary("not a function", X, Y)
    with pytest.raises(ValueError, match="two columns"):
        plot_decision_boundary(lambda p: p[:, 0], np.ones((4, 3)), Y)
    with pytest.raises(ValueError, match="4 rows but y has 3"):
        plot_decision_boundary(lambda p: p[:, 0], X, Y[:3])


def test_image_grid_shapes_and_titles():
    fig = plot_image_grid(
        np.random.default_rng(0).random((5, 8, 8)), titles=list("abcde"), ncols=3
    )
    assert len(fig.axes) == 6
    with pytest.raises(ValueError, match="5 images but 2 titles"):
        plot_image_grid(np.zeros((5, 8, 8)), titles=["a", "b"])


def test_loss_curves_and_confusion_matrix():
    ax = plot_loss_curves({"train": [3, 2, 1], "validation": [3, 2.5, 2]})
    assert len(ax.lines) == 2
    with pytest.raises(TypeError, match="non-empty dict"):
        plot_loss_curves([1, 2, 3])
    ax = plot_confusion_matrix(np.array([[5, 1], [2, 7]]), class_names=["no", "yes"])
    assert [t.get_text() for t in ax.texts] == ["5", "1", "2", "7"]
    with pytest.raises(ValueError, match="square"):
        plot_confusion_matrix(np.ones((2, 3)))


def test_diagrams_draw():
    assert len(draw_neuron_comparison().axes) == 2
    ax = draw_network([3, 20, 2])
    assert any("20 units" in text.get_text() for text in ax.texts)
    with pytest.raises(ValueError, match="at least two layer sizes"):
        draw_network([3])
    plt.close("all")


def test_hand_made_kernels():
    assert edge_kernel().sum() == 0 and edge_kernel()[1, 1] == 8
    assert blur_kernel(5).sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(sobel_y_kernel(), sobel_x_kernel().T)
    assert all(kernel.ndim == 2 for kernel in HAND_MADE_KERNELS.values())
    with pytest.raises(ValueError, match="size must be at least 1"):
        blur_kernel(0)


def test_network_columns_spread_out_for_tall_layers():
    ax = draw_network([30, 8, 1])
    captions = sorted(text.get_position()[0] for text in ax.texts)
    assert min(b - a for a, b in zip(captions, captions[1:], strict=False)) >= 1.9
    with pytest.raises(ValueError, match="column_spacing must be positive"):
        draw_network([3, 2], column_spacing=0)
