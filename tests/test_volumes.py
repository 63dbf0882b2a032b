"""The volume diagrams draw what the model says: one block per shape-changing
layer with the shapes read from the model, windows where the layer has one,
and a readable error for anything that is not a model or a list of shapes."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import pytest

from utils.volumes import draw_volumes, volume_steps


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def walkthrough_model(filters=12):
    return keras.Sequential(
        [
            keras.Input(shape=(32, 32, 3)),
            keras.layers.Conv2D(filters, 3, padding="same", name="conv"),
            keras.layers.ReLU(name="conv_relu"),
            keras.layers.MaxPooling2D(2, name="pool"),
            keras.layers.Flatten(name="flatten"),
            keras.layers.Dropout(0.3),
            keras.layers.Dense(10, activation="softmax", name="scores"),
        ]
    )


def test_shapes_are_read_from_the_model():
    steps = volume_steps(walkthrough_model(filters=7))
    assert [step["shape"] for step in steps] == [
        (32, 32, 3),
        (32, 32, 7),
        (16, 16, 7),
        (16 * 16 * 7,),
        (10,),
    ]


def test_windows_labels_and_shape_keeping_layers():
    steps = volume_steps(walkthrough_model())
    conv, pool, flatten, scores = steps[1:]
    assert conv["window"] == (3, 3) and conv["window_depth"] == 3
    assert pool["window"] == (2, 2) and pool["window_depth"] == 1
    assert flatten["window"] is None and scores["window"] is None
    assert "12" in conv["label"] and "relu" in conv["label"].lower()
    assert "pool" in pool["label"] and "2×2" in pool["label"]
    assert "dropout" in flatten["label"]  # dropout keeps the shape: named, not drawn
    assert "dense 10" in scores["label"] and "softmax" in scores["label"]


def test_the_figure_labels_every_shape_and_every_step():
    figure = draw_volumes(walkthrough_model(), per_row=2)
    texts = {text.get_text() for text in figure.axes[0].texts}
    for shape in ("32×32×3", "32×32×12", "16×16×12", "3072", "10"):
        assert shape in texts
    assert any("conv 3×3, 12" in text for text in texts)
    assert figure.get_size_inches()[0] == pytest.approx(6.0)
    wide = draw_volumes(walkthrough_model(), per_row=5)
    assert wide.get_size_inches()[1] < figure.get_size_inches()[1]  # fewer rows


def test_a_list_of_shapes_with_labels():
    steps = volume_steps([(8, 8, 1), (4, 4, 6), (96,)], labels=["a", "b"])
    assert [step["kind"] for step in steps] == ["input", "conv", "vector"]
    assert [step["label"] for step in steps[1:]] == ["a", "b"]
    figure = draw_volumes([(8, 8, 1), (4, 4, 6)], labels=["conv 5×5, 6"])
    assert "conv 5×5, 6" in {text.get_text() for text in figure.axes[0].texts}


@pytest.mark.parametrize(
    ("value", "error", "words"),
    [
        ("32x32x3", TypeError, "list of shapes"),
        (42, TypeError, "list of shapes"),
        ([], ValueError, "at least one"),
        ([(32, 32)], ValueError, "(height, width, channels)"),
        ([(32, 32, 0)], ValueError, "positive whole"),
        ([(32, 32, 3.5)], ValueError, "positive whole"),
    ],
)
def test_bad_shapes_are_refused_with_a_clear_message(value, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        draw_volumes(value)


def test_bad_labels_and_rows_are_refused():
    with pytest.raises(ValueError, match="one string each"):
        draw_volumes([(8, 8, 1), (4, 4, 6)], labels=["a", "b"])
    with pytest.raises(ValueError, match="read from the model"):
        draw_volumes(walkthrough_model(), labels=["a"])
    with pytest.raises(ValueError, match="per_row"):
        draw_volumes([(8, 8, 1)], per_row=0)


def test_a_model_without_an_input_shape_is_refused():
    unbuilt = keras.Sequential([keras.layers.Conv2D(4, 3), keras.layers.Flatten()])
    with pytest.raises(ValueError, match="keras.Input"):
        draw_volumes(unbuilt)


def test_a_one_dimensional_convnet_is_refused():
    model = keras.Sequential([keras.Input(shape=(100, 2)), keras.layers.Conv1D(4, 3)])
    with pytest.raises(ValueError, match="height, width, channels"):
        draw_volumes(model)
