r"""Read a text disclosure into normalised :class:`~budgetkit.model.lines.SourceLine` objects.

Text extracted from PDFs comes as UTF-8, but files saved on Chinese Windows
systems are often GB18030 (a superset of GBK and GB2312): both are tried, in that
order, before giving up with an error that names the file, line and bytes.

Examples:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
    >>> _ = p.write_bytes("项目名称 测试\n单位：万元\n".encode("gb18030"))
    >>> [(l.lineno, l.text) for l in read_text_lines(p)]
    [(1, '项目名称 测试'), (2, '单位:万元')]
"""

from __future__ import annotations

import logging
from pathlib import Path

from budgetkit.errors import InputError
from budgetkit.model.cells import Document
from budgetkit.model.lines import SourceLine
from budgetkit.model.normalize import normalize_text
from budgetkit.segment.text import segment_lines

__all__ = ["ENCODINGS", "decode_bytes", "read_text", "read_text_lines"]

logger = logging.getLogger(__name__)

#: Encodings tried in order. ``utf-8-sig`` also reads plain UTF-8 and drops a BOM.
ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")


def decode_bytes(data: bytes, path: str | Path = "<bytes>") -> tuple[str, str]:
    r"""Decode ``data`` with the first encoding of :data:`ENCODINGS` that fits.

    Returns:
        ``(text, encoding)``.

    Raises:
        InputError: when no encoding fits; names the line and the bytes UTF-8 failed on.

    Examples:
        >>> decode_bytes("指标值".encode("utf-8"))
        ('指标值', 'utf-8-sig')
        >>> decode_bytes(b"\xff\xfe\xfd\n")
        Traceback (most recent call last):
        ...
        budgetkit.errors.InputError: <bytes>:1: not UTF-8 nor GB18030 text (bytes 0-1): "b'\\xff\\xfe'"
    """
    first_error: UnicodeDecodeError | None = None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as err:
            first_error = first_error or err
    assert first_error is not None
    start = first_error.start
    line = data[:start].count(b"\n") + 1
    raise InputError(
        f"not UTF-8 nor GB18030 text (bytes {start}-{first_error.end})",
        path=path,
        line=line,
        text=repr(data[start : first_error.end + 1]),
    )


def read_decoded(path: Path, decode, empty: str) -> tuple[str, str]:
    """The text of ``path`` decoded by ``decode(data, path)``, and its encoding.

    Raises:
        InputError: naming the file when it cannot be read, is not decoded, or holds only white space
            (``empty`` says what was missing).
    """
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read file ({err.strerror})", path=path) from err
    text, encoding = decode(data, path)
    if not text.strip():
        raise InputError(empty, path=path)
    return text, encoding


def read_text_lines(path: str | Path) -> list[SourceLine]:
    """Read ``path`` and return its lines, normalised with :func:`~budgetkit.model.normalize.normalize_text`.

    Trailing white space and line ends are removed; leading spaces are kept.

    Raises:
        InputError: when the file is missing, empty (or white space only) or undecodable.
    """
    return [SourceLine(text, i) for i, text in enumerate(_normalised_lines(path), start=1)]


def _normalised_lines(path: str | Path) -> list[str]:
    """The texts of :func:`read_text_lines` (without making a :class:`SourceLine` of each)."""
    p = Path(path)
    text, encoding = read_decoded(p, decode_bytes, "empty file: no text to parse")
    if encoding != ENCODINGS[0]:
        logger.info("%s: read as %s", p.name, encoding)
    # normalised whole: NFKC composes nothing across a line end, so this is each line normalised; a line of
    # white space only stays one space (a page copied cell by cell prints an empty cell so)
    return [line.rstrip() or (" " if line else "") for line in normalize_text(text).splitlines()]


def read_text(path: str | Path) -> Document:
    """Read a text disclosure into a :class:`~budgetkit.model.cells.Document`, its lines cut into cells.

    Raises:
        InputError: when the file is missing, empty or undecodable.
    """
    lines = _normalised_lines(path)
    return Document(Path(path), segment_lines(lines), kind="text", units=len(lines), unit_name="lines")
