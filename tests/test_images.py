"""read_rgb converts what it can (gray, RGBA, palette, 16-bit) and names the file it cannot read."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from grnet.data.images import BadImageError, read_rgb, write_rgb

RNG = np.random.default_rng(0)
RGB = RNG.integers(0, 256, size=(12, 10, 3), dtype=np.uint8)
BLOCKS = np.repeat(np.repeat(RGB, 8, 0), 8, 1)  # 8x8 flat blocks: JPEG keeps them close


def test_rgb_png_and_jpeg_read_as_hwc_uint8(tmp_path):
    Image.fromarray(RGB).save(tmp_path / "a.png")
    (tmp_path / "a.jpg").write_bytes(_jpeg_bytes())
    assert np.array_equal(read_rgb(tmp_path / "a.png"), RGB)
    jpeg = read_rgb(tmp_path / "a.jpg")
    assert jpeg.shape == (96, 80, 3) and jpeg.dtype == np.uint8
    assert np.abs(jpeg.astype(int) - BLOCKS).mean() < 10


def test_grayscale_is_replicated_to_three_channels(tmp_path):
    gray = RGB[..., 0]
    Image.fromarray(gray, mode="L").save(tmp_path / "g.png")
    out = read_rgb(tmp_path / "g.png")
    assert out.shape == (12, 10, 3)
    for c in range(3):
        assert np.array_equal(out[..., c], gray)


def test_rgba_is_composited_over_black_by_default_or_the_given_background(tmp_path):
    rgba = np.zeros((2, 2, 4), dtype=np.uint8)
    rgba[..., :3] = (200, 100, 50)
    rgba[..., 3] = [[255, 0], [128, 128]]
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "t.png")
    black = read_rgb(tmp_path / "t.png")
    assert black[0, 0].tolist() == [200, 100, 50]
    assert black[0, 1].tolist() == [0, 0, 0]
    assert np.abs(black[1, 0].astype(int) - [100, 50, 25]).max() <= 1
    white = read_rgb(tmp_path / "t.png", background=(255, 255, 255))
    assert white[0, 1].tolist() == [255, 255, 255]
    assert np.abs(white[1, 1].astype(int) - [228, 178, 152]).max() <= 1


def test_palette_images_are_expanded_with_their_transparency(tmp_path):
    img = Image.fromarray(RGB).quantize(colors=8)
    img.save(tmp_path / "p.png")
    expected = np.asarray(img.convert("RGB"))
    assert np.array_equal(read_rgb(tmp_path / "p.png"), expected)
    img.info["transparency"] = 0
    img.save(tmp_path / "pt.png", transparency=0)
    out = read_rgb(tmp_path / "pt.png")
    index = np.asarray(img)
    assert (out[index == 0] == 0).all()
    assert np.array_equal(out[index != 0], expected[index != 0])


def test_16_bit_gray_and_colour_are_scaled_to_8_bit(tmp_path):
    gray16 = np.array([[0, 257 * 100], [65535, 257 * 7]], dtype=np.uint16)
    Image.fromarray(gray16).save(tmp_path / "g16.png")
    assert read_rgb(tmp_path / "g16.png")[..., 1].tolist() == [[0, 100], [255, 7]]
    rgb16 = np.zeros((3, 4, 3), dtype=np.uint16)
    rgb16[..., 0], rgb16[..., 1] = 65535, 257 * 100
    assert cv2.imwrite(str(tmp_path / "c16.png"), rgb16[..., ::-1])
    out = read_rgb(tmp_path / "c16.png")
    assert out.dtype == np.uint8 and out[0, 0].tolist() == [255, 100, 0]


def _png_bytes() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(RGB).save(buf, format="PNG")
    return buf.getvalue()


def _jpeg_bytes() -> bytes:
    buf = io.BytesIO()
    Image.fromarray(BLOCKS).save(buf, format="JPEG", quality=95)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.png", b"", "empty"),
        ("cut.png", _png_bytes()[:-40], "truncated"),
        ("cut.jpg", _jpeg_bytes()[: len(_jpeg_bytes()) // 2], "truncated"),
        ("notes.jpg", b"this is a text file, not a JPEG\n" * 20, "not an image"),
    ],
)
def test_bad_files_raise_bad_image_error_naming_the_file(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BadImageError, match=reason) as err:
        read_rgb(path)
    assert str(path) in str(err.value)


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.png"):
        read_rgb(tmp_path / "nothere.png")


def test_write_rgb_round_trips_and_leaves_no_temporary_file(tmp_path):
    path = write_rgb(tmp_path / "sub" / "x.png", RGB)
    assert np.array_equal(read_rgb(path), RGB)
    assert [p.name for p in path.parent.iterdir()] == ["x.png"]
    with pytest.raises(ValueError, match="uint8"):
        write_rgb(tmp_path / "y.png", RGB.astype(np.float32))


def test_float_tiff_in_0_1_is_scaled_by_255_not_read_as_black(tmp_path):
    # The example: mode F, values in [0, 1], used to come out as pixel values 0-1 of 255.
    values = np.array([[0.0, 0.25], [0.5, 1.0]], dtype=np.float32)
    Image.fromarray(values, mode="F").save(tmp_path / "f.tif")
    out = read_rgb(tmp_path / "f.tif")
    assert out.dtype == np.uint8 and out.shape == (2, 2, 3)
    assert out[..., 0].tolist() == [[0, 64], [128, 255]]
    assert (out[..., 0] == out[..., 2]).all()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            np.array([[0.0, 254.0]], dtype=np.float32),
            r"float pixel values must lie in \[0, 1\], found \[0, 254\]",
        ),
        (
            np.array([[np.nan, 0.5]], dtype=np.float32),
            r"float pixel values must lie in \[0, 1\], found \[nan",
        ),
        (np.array([[0, 1_000_000]], dtype=np.int32), r"16-bit integer pixel values must lie in \[0, 65535\]"),
    ],
)
def test_values_outside_their_type_range_are_refused_naming_the_range(tmp_path, values, expected):
    path = tmp_path / "out_of_range.tif"
    Image.fromarray(values).save(path)
    with pytest.raises(BadImageError, match=expected) as err:
        read_rgb(path)
    assert str(err.value).startswith(f"{path}: ")
