"""utils.data: every loader works offline and returns what its docstring says."""

from __future__ import annotations

import numpy as np
import pytest

from utils.data import (
    CAT_IMAGE_CREDIT,
    load_breast_cancer_data,
    load_cat_image,
    load_digit_images,
    load_logic_gate,
    load_sunspots,
)


def test_logic_gates():
    X, y = load_logic_gate("XOR")
    assert X.shape == (4, 2)
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    with pytest.raises(ValueError, match="unknown logic gate 'nor'"):
        load_logic_gate("nor")


def test_cat_image_grey_and_colour():
    grey = load_cat_image(300)
    assert grey.shape == (300, 300)
    assert 0.0 <= grey.min() < grey.max() <= 1.0
    colour = load_cat_image(64, grey=False)
    assert colour.shape == (64, 64, 3)
    assert load_cat_image(None).shape == (300, 451)
    assert "CC0" in CAT_IMAGE_CREDIT
    with pytest.raises(ValueError, match="size must be at least 4"):
        load_cat_image(2)


def test_digit_images_and_upsampling():
    images, labels = load_digit_images()
    assert images.shape == (1797, 8, 8)
    assert images.max() == 1.0
    assert set(labels) == set(range(10))
    big, _ = load_digit_images(upsample=2)
    assert big.shape == (1797, 16, 16)
    np.testing.assert_array_equal(big[:, ::2, ::2], images)
    with pytest.raises(TypeError, match="upsample must be a whole number"):
        load_digit_images(upsample=1.5)


def test_breast_cancer_marks_malignant_as_one():
    X, y, names = load_breast_cancer_data()
    assert X.shape == (569, 30)
    assert len(names) == 30
    assert y.sum() == 212  # 212 malignant, 357 benign


def test_sunspots():
    years, counts = load_sunspots()
    assert years[0] == 1700
    assert len(years) == len(counts) == 309
    assert counts.min() >= 0
