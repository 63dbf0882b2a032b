"""Helpers for the course book *Neural networks, from neurons to ConvNets*.

Every notebook starts with ``utils.setup()``. What a chapter teaches (an
algorithm, a metric, a training loop, a layer) is written in that chapter's
cells, where the reader sees it; this package holds only what several chapters
share, figures that are not the lesson, data, set-up and the exercise checks:

- :mod:`utils.environment`: :func:`setup` (every chapter's first cell) and
  :func:`glue`, which puts a computed number into the prose;
- :mod:`utils.activations`: the five activation functions (chapter 1; used by
  chapters 2, 4, 6, 7 and 11);
- :mod:`utils.conv`: convolution and pooling in NumPy, exact against TensorFlow;
  ``conv2d`` is the code chapter 5 derives on its page (chapters 5 to 10);
- :mod:`utils.kernels`: hand-made kernels (chapters 5, 7 and 8);
- :mod:`utils.data`: data sets that load with no network;
- :mod:`utils.intents`: the book's corpus of typed requests to an assistant
  (chapter 13);
- figures that are not the lesson: :mod:`utils.plotting` (shared by several
  chapters), :mod:`utils.diagrams` (neurons and layered networks, chapters 1
  and 4), :mod:`utils.network_figures` (chapter 4's block diagram and unrolled
  RNN), :mod:`utils.conv_figures` (arrays with numbers and kernel positions,
  chapter 5), :mod:`utils.conv_animation` (the sliding-kernel animation and
  its offline players, chapter 5), :mod:`utils.volumes` (a ConvNet drawn as
  blocks of its layers' shapes, chapters 6 and 8), :mod:`utils.feature_maps`
  (kernels and feature maps, chapter 7);
- :mod:`utils.validation`: the input checks behind the clear error messages;
- :mod:`utils.checks`: self-checking exercises, one module per chapter
  (``neurons``, ``learning``, ``training``, ``network_types``, ``convolution``,
  ``convnet_layers``, ``worked_example``, ``training_cnns``, ``cnn_limits``,
  ``cnn_costs``, ``modern_convnets``, ``applications``,
  ``assistants``), the grader's recording of
  verdicts and assessment mode's hidden inputs.

Nothing here imports TensorFlow at import time: ``import utils`` is fast, and
:func:`setup` configures TensorFlow before its first import.
"""

from utils.environment import glue, setup

__all__ = ["glue", "setup"]
__version__ = "0.3.0"
