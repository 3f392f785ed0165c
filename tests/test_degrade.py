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


def _random_images():
    rng = np.random.default_rng(3)
    noise = rng.integers(0, 256, (24, 20, 3), dtype=np.uint8)
    saturated = noise.copy()
    saturated[:10] = 255
    saturated[:, :6] = 0
    checker = np.zeros((16, 16, 3), np.uint8)
    checker[::2, ::2] = checker[1::2, 1::2] = 255  # bicubic overshoots everywhere: clipped blocks
    return [noise, saturated, checker]


@pytest.mark.parametrize("scale", [1, 2, 3, 4, 5, 8])
def test_an_upsampled_source_reduces_to_the_image_byte_for_byte(image, scale):
    thin = np.random.default_rng(4).integers(0, 256, (1, 7, 3), dtype=np.uint8)  # one row
    flat = [np.zeros((3, 5, 3), np.uint8), np.full((2, 2, 3), 255, np.uint8)]
    for x in [image, *_random_images(), thin, *flat]:
        source = degrade.upsample(x, scale)
        assert source.shape == (x.shape[0] * scale, x.shape[1] * scale, 3) and source.dtype == np.uint8
        assert np.array_equal(degrade.downsample(source, scale), x)


def test_the_source_is_smooth_not_blocky(image):
    # A bicubic source, not pixel replication: neighbours inside a block differ.
    source = degrade.upsample(image, 4).astype(int)
    replicated = np.repeat(np.repeat(image, 4, 0), 4, 1).astype(int)
    step = lambda im: np.abs(np.diff(im, axis=1)).max()  # noqa: E731
    assert step(source) < step(replicated)
    assert np.abs(np.diff(source, axis=1)[:, 0::4]).mean() > 0  # within-block variation


def test_downsample_is_the_block_mean():
    x = np.arange(2 * 4 * 3, dtype=np.uint8).reshape(2, 4, 3) * 10
    expected = np.rint(x.reshape(1, 2, 2, 2, 3).astype(float).mean(axis=(1, 3)) + 1e-9)
    assert np.array_equal(degrade.downsample(x, 2), expected.astype(np.uint8))


@pytest.mark.parametrize("spec", ["mean:1", "gauss:1"])
def test_nothing_to_do_returns_the_image_at_every_scale(image, spec):
    for scale in (1, 2, 4, 5):
        assert np.array_equal(degrade.apply(image, spec, scale), image)


def test_a_degradation_at_a_larger_source_changes_the_image_less(image):
    def change(spec, scale):
        return np.abs(degrade.apply(image, spec, scale).astype(int) - image).mean()

    for spec in ("mean:5", "jpeg:60"):
        assert change(spec, 1) > change(spec, 2) > change(spec, 4) > 0, spec


def test_a_degradation_at_scale_is_that_degradation_of_the_source(image):
    source = degrade.upsample(image, 2)
    expected = degrade.downsample(cv2.blur(source, (5, 5)), 2)
    assert np.array_equal(degrade.apply(image, "mean:5", 2), expected)


@pytest.mark.parametrize("scale", [0, -1, 1.5, True, "2"])
def test_bad_scales_raise(image, scale):
    with pytest.raises(ValueError, match="scale must be an integer >= 1"):
        degrade.apply(image, "mean:3", scale)
    with pytest.raises(ValueError, match="scale must be an integer >= 1"):
        degrade.upsample(image, scale)


def test_downsample_needs_sides_that_the_scale_divides(image):
    with pytest.raises(ValueError, match="not multiples of the scale 3"):
        degrade.downsample(image, 3)
