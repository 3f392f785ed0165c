"""Label and metadata files from any platform: encodings, line endings, paths, label conventions."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from grnet.data.adapters import LayoutError
from grnet.data.adapters.textfiles import fake_value, listed_path, read_text, text_lines

TEXT = "train/a.png 0\ntrain/é.png 1\n"


@pytest.mark.parametrize(
    "encoded",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),  # UTF-8 with a byte-order mark (Windows Notepad)
        TEXT.encode("utf-16"),  # Notepad's "Unicode": UTF-16 LE with its mark
        b"\xfe\xff" + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-32"),
    ],
)
def test_encodings_with_their_byte_order_marks_read_the_same(tmp_path, encoded):
    path = tmp_path / "labels.txt"
    path.write_bytes(encoded)
    assert read_text(path, "lines") == TEXT


def test_other_bytes_are_refused_naming_the_file_the_line_and_what_was_expected(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_bytes("a.png 0\r\nb.png 1\r\ncafé.png 1\r\n".encode("cp1252"))
    with pytest.raises(LayoutError, match=r"labels\.txt:3: byte 0xe9 .*Expected '<path> <0\|1>' lines"):
        read_text(path, "'<path> <0|1>' lines")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_of_every_platform_give_the_same_numbered_lines(tmp_path, newline):
    path = tmp_path / "labels.txt"
    path.write_bytes(newline.join(["a.png 0", "", "  b.png 1  ", ""]).encode())
    assert text_lines(path, "lines") == [(1, "a.png 0"), (3, "b.png 1")]


@pytest.mark.parametrize(
    ("written", "parts"),
    [
        ("train/fake/a.png", "train/fake/a.png"),
        ("/home/authors/HFF/train/a.png", "/home/authors/HFF/train/a.png"),
        ("D:\\dataset\\train\\fake\\PGGAN\\00000.png", "/dataset/train/fake/PGGAN/00000.png"),
        ("d:/dataset/train/a.png", "/dataset/train/a.png"),
        ("train\\fake\\a.png", "train/fake/a.png"),
        ("\\\\server\\share\\train\\a.png", "/train/a.png"),
    ],
)
def test_paths_of_every_platform_read_as_the_same_parts(written, parts):
    assert listed_path(written) == PurePosixPath(parts)


def test_label_convention_follows_most_lines_and_refuses_a_tie(tmp_path):
    path = tmp_path / "list.txt"
    # (listed value, label from the folder: 1 fake); documented: 0 = fake
    assert fake_value(path, [(0, 1), (1, 0), (1, 1)], documented=0) == 0  # 2 of 3 as documented
    assert fake_value(path, [(1, 1), (0, 0), (0, 0)], documented=0) == 1  # all reversed
    assert fake_value(path, [], documented=0) == 0
    with pytest.raises(LayoutError, match=r"list\.txt: 1 line\(s\) agree .* expected one label convention"):
        fake_value(path, [(0, 1), (1, 1)], documented=0)
