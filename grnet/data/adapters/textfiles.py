"""Label and metadata files as other tools and platforms write them, read in one place.

Every adapter reads its label lists (HFF's ``train.txt``, Celeb-DF's test list) and metadata
(DFDC's ``metadata.json``, FF++'s split files) through these functions, so each trap is handled
once for all of them:

- encodings: UTF-8 with or without a byte-order mark, UTF-16 and UTF-32 with one (Windows
  Notepad's "Unicode"); any other bytes are refused with the file, the line and what was expected;
- line endings: ``\\n``, ``\\r\\n`` (Windows) and ``\\r`` alike;
- paths: POSIX (``train/fake/a.png``) or Windows (``D:\\dataset\\train\\fake\\a.png``,
  ``train\\fake\\a.png``, UNC ``\\\\server\\share\\...``) read as the same path parts;
- label conventions: a file's 0/1 column is checked against the labels its paths' folders give,
  and read in the convention most of its lines follow (a tie is refused), so a list written in
  the other convention is detected instead of emptying a split.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath, PureWindowsPath

from grnet.data.adapters import LayoutError

# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


def read_text(path: Path, expected: str) -> str:
    """The text of ``path`` decoded by its byte-order mark, UTF-8 without one.

    Raises :class:`LayoutError` naming the file, the line of the first undecodable byte and
    ``expected`` (what the file should hold) when the bytes are not valid in that encoding.
    """
    data = Path(path).read_bytes()
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), "utf-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = len(_LINE_BREAK.findall(data[: err.start].decode(encoding, errors="replace"))) + 1
        raise LayoutError(
            f"{path}:{line}: byte 0x{data[err.start]:02x} is not {encoding.upper()} text. Expected "
            f"{expected}, encoded as UTF-8 (with or without a byte-order mark) or UTF-16/32 with one; "
            f"re-save the file as UTF-8"
        ) from None


def text_lines(path: Path, expected: str) -> list[tuple[int, str]]:
    """``(line number, text)`` of every non-blank line of ``path``, stripped, whatever its line
    endings (see :func:`read_text` for encodings and errors)."""
    lines = _LINE_BREAK.split(read_text(path, expected))
    return [(number, line.strip()) for number, line in enumerate(lines, start=1) if line.strip()]


def listed_path(text: str) -> PurePosixPath:
    """A path as a label file lists it, from any platform, as POSIX path parts.

    A path with a backslash or a drive letter is read as a Windows path; its drive or UNC share
    becomes the root ``/`` (absolute, so callers re-root it), e.g. ``D:\\data\\train\\a.png`` ->
    ``/data/train/a.png`` and ``train\\a.png`` -> ``train/a.png``.
    """
    if "\\" in text or _WINDOWS_DRIVE.match(text):
        windows = PureWindowsPath(text)
        if windows.anchor:
            return PurePosixPath("/", *windows.parts[1:])
        return PurePosixPath(*windows.parts)
    return PurePosixPath(text)


def fake_value(path: Path, votes: Sequence[tuple[int, int]], documented: int) -> int:
    """Which listed value (0 or 1) means *fake* in the label file ``path``.

    ``votes`` pairs each line's listed value with the label its folder gives (1 = fake, 0 = real);
    ``documented`` is the value the dataset's documentation gives fakes. The documented convention
    holds unless more lines follow the other one; the lines that contradict the convention chosen
    are then the caller's to skip. Raises :class:`LayoutError` when as many lines follow each.
    """
    as_documented = sum((value == documented) == bool(label) for value, label in votes)
    other = len(votes) - as_documented
    if other > as_documented:
        return 1 - documented
    if votes and other == as_documented:
        raise LayoutError(
            f"{path}: {as_documented} line(s) agree with their folders when {documented} = fake and "
            f"{other} when {1 - documented} = fake; expected one label convention for the whole file "
            f"(documented: {documented} = fake)"
        )
    return documented


def convention_note(path: Path, fake: int, documented: int, votes: int) -> str:
    """The sentence recorded (and printed) when a file's convention is not the documented one."""
    return (
        f"{path}: labels read as {fake} = fake, {1 - fake} = real, the reverse of the documented "
        f"{documented} = fake: most of its {votes} line(s) only agree with their folders that way"
    )
