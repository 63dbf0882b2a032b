"""Hand-made convolution kernels, shaped ``(height, width)``.

Chapter 7 runs them over a photo; chapter 8 puts the kernels a ConvNet learns
next to them. To use one with :func:`utils.conv.conv2d` or ``tf.nn.conv2d``,
reshape it to ``(height, width, 1, 1)``: ``kernel[:, :, None, None]``.
"""

from __future__ import annotations

import numpy as np

from utils.validation import require_int

__all__ = [
    "HAND_MADE_KERNELS",
    "blur_kernel",
    "edge_kernel",
    "sharpen_kernel",
    "sobel_x_kernel",
    "sobel_y_kernel",
]


def edge_kernel():
    """The 3 x 3 edge detector: 8 at the centre, -1 everywhere else.

    Its weights sum to zero, so it answers 0 on any flat patch and strongly
    where the centre differs from its neighbours. Chapter 7.
    """
    kernel = -np.ones((3, 3))
    kernel[1, 1] = 8.0
    return kernel


def sobel_x_kernel():
    """Sobel kernel that responds to changes from left to right (vertical edges)."""
    return np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def sobel_y_kernel():
    """Sobel kernel that responds to changes from top to bottom (horizontal edges)."""
    return sobel_x_kernel().T.copy()


def blur_kernel(size: int = 3):
    """A ``size`` x ``size`` box blur: every weight ``1 / size**2``."""
    size = require_int(size, "size", minimum=1, maximum=99)
    return np.full((size, size), 1.0 / size**2)


def sharpen_kernel():
    """Sharpen: the pixel counted five times minus its four direct neighbours."""
    return np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]])


#: Name -> kernel, for galleries.
HAND_MADE_KERNELS = {
    "edge (8 at centre)": edge_kernel(),
    "Sobel x": sobel_x_kernel(),
    "Sobel y": sobel_y_kernel(),
    "box blur 3x3": blur_kernel(3),
    "sharpen": sharpen_kernel(),
}
