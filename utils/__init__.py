"""Helpers for the course book *Neural networks, from neurons to ConvNets*.

Every notebook starts with ``utils.setup()``. The rest of the package is split
by topic, one module per idea the book teaches:

- :mod:`utils.activations`: activation functions, a single neuron, the perceptron
  (chapter 1);
- :mod:`utils.data`: data sets that load with no network;
- :mod:`utils.plotting`: figures used by more than one chapter;
- :mod:`utils.checks`: self-checking exercises, one module per chapter.

Nothing here imports TensorFlow at import time: ``import utils`` is fast, and
:func:`setup` configures TensorFlow before its first import.
"""

from utils.environment import setup

__all__ = ["setup"]
__version__ = "0.1.0"
