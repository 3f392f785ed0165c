import cv2
import numpy as np
import pytest
from skimage import data

from grnet.data import degrade


@pytest.fixture(scope="module")
def image() -> np.ndarray:
    return np.ascontiguousarray(data.astronaut()[100:164, 180:244])


def test_none_returns_an_equal_copy(image):
    out = degrade.apply(image, "none")
    assert np.array_equal(out, image) and out is not image


def test_jpeg_changes_the_image_more_at_lower_quality(image):
    q60, q90 = degrade.apply(image, "jpeg:60"), degrade.apply(image, "jpeg:90")
    assert q60.shape == image.shape and q60.dtype == np.uint8
    err60 = np.abs(q60.astype(int) - image).mean()
    err90 = np.abs(q90.astype(int) - image).mean()
    assert err60 > err90 > 0
    assert not np.array_equal(q60, q90)


def test_jpeg_is_deterministic(image):
    assert np.array_equal(degrade.apply(image, "jpeg:60"), degrade.apply(image, "jpeg:60"))


def test_mean_filter_equals_cv2_blur(image):
    out = degrade.apply(image, "mean:5")
    assert np.array_equal(out, cv2.blur(image, (5, 5)))
    assert not np.array_equal(out, image)


def test_gaussian_blur_takes_sigma_from_the_kernel_size(image):
    out = degrade.apply(image, "gauss:5")
    assert np.array_equal(out, cv2.GaussianBlur(image, (5, 5), 1.1))  # 0.3 * ((5 - 1) / 2 - 1) + 0.8


def test_larger_kernels_blur_more(image):
    def detail(im):
        return np.abs(np.diff(im.astype(int), axis=1)).mean()

    assert detail(image) > detail(degrade.apply(image, "gauss:3")) > detail(degrade.apply(image, "gauss:9"))
    assert detail(degrade.apply(image, "mean:3")) > detail(degrade.apply(image, "mean:7"))


def test_paper_conditions_are_valid_specs():
    assert {degrade.parse(s)[0] for s in degrade.PAPER_CONDITIONS.values()} == {"none", "jpeg", "mean"}


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "jpeg",
        "jpeg:",
        "jpeg:0",
        "jpeg:101",
        "jpeg:6o",
        "mean:0",
        "mean:-3",
        "gauss:4",
        "blur:3",
        "none:1",
    ],
)
def test_bad_specs_raise_naming_the_spec(image, spec):
    with pytest.raises(ValueError, match="degradation spec"):
        degrade.apply(image, spec)


@pytest.mark.parametrize(
    "bad", [np.zeros((8, 8), np.uint8), np.zeros((8, 8, 3), np.float32), np.zeros((8, 8, 4), np.uint8)]
)
def test_bad_images_raise(bad):
    with pytest.raises(ValueError, match="HxWx3 uint8"):
        degrade.apply(bad, "mean:3")
