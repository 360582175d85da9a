r"""Pick the reader of a file by its content first, then by its suffix.

Publishers' files are not always what their names say: sites serve HTML pages
and tab-separated text as ``.xls``, and a download may lose its suffix. The
first bytes decide:

==========================  ==========================================================
content                     reader
==========================  ==========================================================
``%PDF-``                   :func:`~budgetkit.read.pdf.read_pdf`
zip with ``word/``          :func:`~budgetkit.read.docx.read_docx`
zip with ``xl/``            :func:`~budgetkit.read.xlsx.read_xlsx`
OLE with a ``Workbook``     :func:`~budgetkit.read.xlsx.read_xls` (Excel 97–2003)
OLE with ``WordDocument``   none: a clear error saying how to convert it (``.doc``)
``<html``, ``<table`` …     :func:`~budgetkit.read.html.read_html`
other text                  :func:`~budgetkit.read.text.read_text`
==========================  ==========================================================

Only where the content says nothing (an empty or unknown binary file) does the
suffix decide, and a file no reader takes fails with one line naming it.

Examples:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "served.xls").write_text("<html><body><table><tr><td>项目名称</td></tr></table>")
    >>> _ = (d / "notes.txt").write_text("项目名称 测试")
    >>> file_kind(d / "served.xls"), file_kind(d / "notes.txt")
    ('html', 'text')
    >>> _ = (d / "old.doc").write_bytes(OLE_MAGIC + b"\0" * 64 + "WordDocument".encode("utf-16-le"))
    >>> try:
    ...     read_document(d / "old.doc")
    ... except InputError as err:
    ...     print(str(err).split(": ", 1)[1])
    a legacy Word file (.doc) cannot be read; convert it first: soffice --headless --convert-to docx old.doc
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

from budgetkit.errors import InputError, LimitError
from budgetkit.model.cells import Document
from budgetkit.read.limits import LIMITS

__all__ = ["OLE_MAGIC", "SUFFIXES", "file_kind", "read_document"]

logger = logging.getLogger(__name__)

#: The signature of an OLE compound file (legacy Office: .xls, .doc, .ppt).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Reader kind of each suffix, for files whose content says nothing.
SUFFIXES: dict[str, str] = {".txt": "text", ".pdf": "pdf", ".html": "html", ".htm": "html", ".xhtml": "html",
                            ".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xls", ".docx": "docx", ".doc": "doc"}
#: How the start of a page (lowercased) shows it is HTML.
_HTML_MARKS = (b"<!doctype html", b"<html", b"<table", b"<body", b"<head", b"<meta", b"<?xml", b"<div",
               b"<p>", b"<!--")
_CONVERT = "convert it first: soffice --headless --convert-to {fmt} {name}"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as z:
            members = z.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise InputError(f"damaged zip archive (an Office file?): {err}", path=path) from err
    names = [m.filename for m in members]
    _check_zip(path, members)
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    return "zip"


def _check_zip(path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse an archive that would unzip past the limits (a zip bomb, or a sheet of a billion cells).

    zipfile stops a member at the size its header declares, so the sum of those sizes bounds what is read.
    """
    if len(members) > LIMITS.max_zip_entries:
        raise LimitError(f"the archive holds {len(members)} members", limit="max_zip_entries",
                         value=LIMITS.max_zip_entries, path=path)
    size = sum(m.file_size for m in members)
    if size > LIMITS.max_unzipped_bytes:
        raise LimitError(f"the archive unzips to {size} bytes", limit="max_unzipped_bytes",
                         value=LIMITS.max_unzipped_bytes, path=path)


def _ole_kind(path: Path) -> str:
    data = path.read_bytes()
    if "WordDocument".encode("utf-16-le") in data:
        return "doc"
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return "xls"
    return "ole"


def file_kind(path: str | Path) -> str:
    """The kind of file ``path`` holds: ``pdf``, ``docx``, ``xlsx``, ``xls``, ``doc``, ``html``, ``text`` ….

    Raises:
        InputError: when the file is missing or cannot be read.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(4096)
    except OSError as err:
        raise InputError(f"cannot read file ({err.strerror})", path=p) from err
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(p)
    if head.startswith(OLE_MAGIC):
        return _ole_kind(p)
    start = head.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n").lower()
    if start.startswith(_HTML_MARKS) or b"<table" in head.lower() or b"<html" in head.lower():
        return "html"
    if not head:
        return SUFFIXES.get(p.suffix.lower(), "empty")
    if b"\0" in head.replace(b"\0\0", b"") or head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "html" if b"<\0h\0t\0m\0l" in head.lower() else "binary"
    return "text"


def read_document(path: str | Path) -> Document:
    """Read ``path`` with the reader its content (then its suffix) calls for.

    Raises:
        InputError: naming the file, for a file no reader takes (saying how to convert it), or the reader's.
    """
    p = Path(path)
    try:
        return _read(p)
    except LimitError as err:  # a reader's grid helper does not know the file
        if err.path is None:
            raise err.at(p) from None
        raise


def _read(p: Path) -> Document:
    kind = file_kind(p)
    suffix = p.suffix.lower()
    expected = SUFFIXES.get(suffix)
    if expected is not None and expected != kind and kind not in ("empty",):
        logger.info("%s: its content is %s, not %s as its suffix says; read as %s", p.name, kind, expected,
                    kind)
    if kind == "pdf":
        from budgetkit.read.pdf import read_pdf  # lazy: a reader and its library load only for a file of its format

        return read_pdf(p)
    if kind == "html":
        from budgetkit.read.html import read_html  # lazy: a reader and its library load only for a file of its format

        return read_html(p)
    if kind == "xlsx":
        from budgetkit.read.xlsx import read_xlsx  # lazy: a reader and its library load only for a file of its format

        return read_xlsx(p)
    if kind == "xls":
        from budgetkit.read.xlsx import read_xls  # lazy: a reader and its library load only for a file of its format

        return read_xls(p)
    if kind == "docx":
        from budgetkit.read.docx import read_docx  # lazy: a reader and its library load only for a file of its format

        return read_docx(p)
    if kind == "doc":
        raise InputError("a legacy Word file (.doc) cannot be read; "
                         + _CONVERT.format(fmt="docx", name=p.name), path=p)
    if kind in ("text", "empty") or kind == "binary" and expected == "text":  # its error names the bytes
        from budgetkit.read.text import read_text  # lazy: a reader and its library load only for a file of its format

        return read_text(p)
    what = {"pptx": "a PowerPoint file", "zip": "a zip archive that is not an Excel or Word file",
            "ole": "a legacy Office file that is not an Excel workbook", "binary": "a binary file"}[kind]
    raise InputError(f"{what} cannot be read; budgetkit reads PDF, HTML, XLSX, XLS, DOCX and text files: "
                     + _CONVERT.format(fmt="pdf", name=p.name), path=p)
