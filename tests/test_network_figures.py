"""Tests of utils.network_figures, the diagrams of chapter 4."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from utils.network_figures import draw_block_diagram, draw_unrolled_rnn  # noqa: E402


def test_unrolled_rnn_draws_one_cell_per_step_on_the_given_axes():
    _, ax = plt.subplots()
    assert draw_unrolled_rnn(3, ax=ax, title="t") is ax
    texts = [text.get_text() for text in ax.texts]
    assert "$x_3$" in texts
    assert "$x_4$" not in texts
    assert ax.get_title() == "t"
    plt.close("all")


def test_block_diagram_draws_each_box_once_and_an_arrow_per_pair():
    blocks = {"in": (0, 0, "input"), "mid": (1, 1, "middle"), "out": (2, 0, "output")}
    ax = draw_block_diagram(
        blocks, [("in", "mid"), ("mid", "out")], title="t", colours={"mid": "red"}
    )
    assert ax.get_title() == "t"
    labels = [text.get_text() for text in ax.texts if text.get_text()]
    assert labels == ["input", "middle", "output"]
    arrows = [text for text in ax.texts if not text.get_text()]
    assert len(arrows) == 2
    plt.close("all")
