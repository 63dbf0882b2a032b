"""How fast is utils.conv.conv2d next to tf.nn.conv2d and the loop version?

The loop version is chapter 5's ``conv2d_loops``, read from the chapter's cell
tagged ``conv2d-loops`` (it lives on the page, not in ``utils``).

Run it from the repository's root (not a test; it takes about half a minute):

    .venv/bin/python benchmarks/bench_conv.py

Two sizes: chapter 7's worked example (one 300 x 300 grey image, one 3 x 3
kernel, stride 1, 'same') and a small batch (32 colour images of 32 x 32,
16 filters of 3 x 3, 'same'). Each time is the best of several repeats
(timeit), in float32 for every implementation. The machine's other load
inflates every number, so read the ratios, not the milliseconds.
"""

from __future__ import annotations

import os
import sys
import timeit
from pathlib import Path

os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from utils.conv import conv2d, padding_amounts  # noqa: E402

CHAPTER = Path(__file__).resolve().parent.parent / "chapters" / "05_convolution.ipynb"


def chapter_conv2d_loops():
    """``conv2d_loops`` as chapter 5 defines it in its cell tagged conv2d-loops."""
    notebook = nbformat.read(CHAPTER, as_version=4)
    (source,) = [
        cell.source
        for cell in notebook.cells
        if "conv2d-loops" in cell.metadata.get("tags", [])
    ]
    namespace = {"np": np, "padding_amounts": padding_amounts}
    exec(compile(source, str(CHAPTER), "exec"), namespace)  # noqa: S102
    return namespace["conv2d_loops"]


conv2d_loops = chapter_conv2d_loops()


def best_time(function, repeat: int, number: int) -> float:
    """The fastest of ``repeat`` runs of ``number`` calls, in seconds per call."""
    return min(timeit.repeat(function, repeat=repeat, number=number)) / number


def compare(name: str, images, kernels, loop_repeat: int) -> None:
    images_tf = tf.constant(images)
    kernels_tf = tf.constant(kernels)
    expected = tf.nn.conv2d(images_tf, kernels_tf, 1, "SAME").numpy()
    np.testing.assert_allclose(
        conv2d(images, kernels, padding="same"), expected, atol=1e-4
    )

    t_tf = best_time(
        lambda: tf.nn.conv2d(images_tf, kernels_tf, 1, "SAME").numpy(), 7, 20
    )
    t_numpy = best_time(lambda: conv2d(images, kernels, padding="same"), 7, 20)
    t_loops = best_time(
        lambda: conv2d_loops(images, kernels, padding="same"), loop_repeat, 1
    )
    print(f"\n{name}: images {images.shape}, kernels {kernels.shape}, 'same'")
    print(f"  tf.nn.conv2d          {t_tf * 1e3:9.2f} ms")
    print(f"  utils.conv.conv2d     {t_numpy * 1e3:9.2f} ms")
    print(f"  chapter 5 conv2d_loops {t_loops * 1e3:8.0f} ms")
    print(f"  conv2d / tf.nn.conv2d  = {t_numpy / t_tf:6.2f}x (aim: within 3x)")
    print(f"  conv2d_loops / conv2d  = {t_loops / t_numpy:6.0f}x")


def main() -> None:
    rng = np.random.default_rng(0)
    image = rng.random((1, 300, 300, 1), dtype=np.float32)
    edge = -np.ones((3, 3, 1, 1), dtype=np.float32)
    edge[1, 1] = 8.0
    compare("Worked example (chapter 7)", image, edge, loop_repeat=2)

    batch = rng.random((32, 32, 32, 3), dtype=np.float32)
    kernels = rng.normal(size=(3, 3, 3, 16)).astype(np.float32)
    compare("Small batch", batch, kernels, loop_repeat=1)


if __name__ == "__main__":
    main()
