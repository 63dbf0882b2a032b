"""Helpers for the course book *Neural networks, from neurons to ConvNets*.

Every notebook starts with ``utils.setup()``. The rest of the package is split
by topic, one module per idea the book teaches:

- :mod:`utils.environment`: :func:`setup` (chapter 1's first cell, and every other's);
- :mod:`utils.activations`: activation functions, one neuron, the perceptron (chapter 1);
- :mod:`utils.biology`: a leaky integrate-and-fire neuron (chapter 1);
- :mod:`utils.diagrams`: drawings of neurons and layered networks (chapter 1);
- :mod:`utils.learning`: a multilayer network with backpropagation in NumPy (chapter 2);
- :mod:`utils.network_types`: the RBF layer and sequence helpers (chapter 3);
- :mod:`utils.conv`: convolution and pooling in NumPy, exact against TensorFlow
  (chapters 4 to 6);
- :mod:`utils.conv_figures`: arrays with numbers, sliding-kernel animations (chapter 4);
- :mod:`utils.kernels`: hand-made kernels (chapters 6 and 7);
- :mod:`utils.feature_maps`: plotting kernels and feature maps (chapters 6 and 7);
- :mod:`utils.cnn_experiments`: transforms, saliency and cost counting (chapter 7);
- :mod:`utils.applications`: link prediction, recommendation, ranking and screening
  metrics (chapter 8);
- :mod:`utils.intents`: the book's intent corpus and a keyword baseline (chapter 8);
- :mod:`utils.data`: data sets that load with no network;
- :mod:`utils.plotting`: figures used by more than one chapter;
- :mod:`utils.validation`: the input checks behind the clear error messages;
- :mod:`utils.checks`: self-checking exercises, one module per chapter.

Nothing here imports TensorFlow at import time: ``import utils`` is fast, and
:func:`setup` configures TensorFlow before its first import.
"""

from utils.environment import glue, setup

__all__ = ["glue", "setup"]
__version__ = "0.2.0"
