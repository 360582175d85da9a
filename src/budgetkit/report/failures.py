"""Failures in plain words for readers: what failed, where (relative paths only), and the offending text.

budgetkit's own errors already name the file, line and text
(``data/raw/2025/x.txt:3: no 项目名称 line: '单位：万元'``); these helpers take
machine paths out of them and say when an error is not one of budgetkit's (a
bug), so a page never shows a traceback or an absolute path.

Examples:
    >>> relativise("/srv/bk/data/raw/2025/x.txt:3: no line", [Path("/srv/bk")])
    'data/raw/2025/x.txt:3: no line'
    >>> relativise("see /usr/lib/python3/site.py:12 and 3250元/户", [])
    'see site.py:12 and 3250元/户'
    >>> describe_error("InputError", "/srv/bk/data/raw/2025/x.txt:1: no 项目名称 line: '这'", ["/srv/bk"])
    "InputError: data/raw/2025/x.txt:1: no 项目名称 line: '这'"
    >>> describe_error("KeyError", "'total_wan'", [])  # doctest: +ELLIPSIS
    "KeyError: 'total_wan' (an unexpected error inside budgetkit: the executed notebook (.ipynb) holds ...)"
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from budgetkit import errors
from budgetkit.project import stage
from budgetkit.report.codes import code_words

__all__ = [
    "DUPLICATE",
    "NO_TABLE",
    "describe_error",
    "describe_exception",
    "is_information",
    "reader_reason",
    "relativise",
    "split_skipped",
]

#: The error kind of a file that was read and holds no performance-target table: an information, not a failure.
NO_TABLE = "NoTableError"

#: The kind of a file not read because it is another format of a document read (same name): an information.
DUPLICATE = "DuplicateFile"

# An absolute POSIX path (not a unit such as 元/户: the slash must follow a space, quote or line start);
# the folders are dropped and the file name kept.
_ABSOLUTE = re.compile(r"(?<![\w.~:/])/(?:[^\s'\"/:()（）]+/)+")
_WINDOWS = re.compile(r"\b[A-Za-z]:\\(?:[^\s'\"\\:]+\\)+")


def relativise(text: str, roots: Iterable[Path]) -> str:
    """``text`` with each root (and the folders of any other absolute path) taken out."""
    for root in sorted({str(Path(r)) for r in roots}, key=len, reverse=True):
        text = text.replace(root.rstrip("/") + "/", "")
        text = text.replace(root, ".")
    return _WINDOWS.sub("", _ABSOLUTE.sub("", text))


def _is_budgetkit_error(ename: str) -> bool:

    cls = getattr(errors, ename, None)
    if cls is None:

        cls = getattr(stage, ename, None)
    return isinstance(cls, type) and issubclass(cls, errors.BudgetkitError)


def describe_error(ename: str, evalue: str, roots: Iterable[Path]) -> str:
    """One line for a reader: the error's kind and message, paths relative, bugs said to be bugs."""
    message = f"{ename}: {relativise(str(evalue), roots)}"
    if not _is_budgetkit_error(ename):
        message += (
            " (an unexpected error inside budgetkit: the executed notebook (.ipynb) holds the traceback)"
        )
    return message


def describe_exception(exc: BaseException, roots: Iterable[Path]) -> str:
    """:func:`describe_error` of a caught exception.

    Examples:
        >>> from budgetkit.errors import InputError
        >>> err = InputError("empty file", path="/srv/bk/data/raw/2025/a.txt")
        >>> describe_exception(err, [Path("/srv/bk")])
        'InputError: data/raw/2025/a.txt: empty file'
    """
    return describe_error(type(exc).__name__, str(exc), roots)


def is_information(kind: str) -> bool:
    """Whether a skipped file's error ``kind`` is an information (it holds no table, or is a duplicate).

    Examples:
        >>> is_information("NoTableError"), is_information("DuplicateFile"), is_information("InputError")
        (True, True, False)
    """
    return kind in (NO_TABLE, DUPLICATE)


def split_skipped(skipped: Iterable[dict]) -> tuple[list[dict], list[dict]]:
    """``(files holding no target table, files that could not be read)`` of a year's ``skipped`` rows.

    Examples:
        >>> split_skipped([{"error": "NoTableError"}, {"error": "InputError"}])
        ([{'error': 'NoTableError'}], [{'error': 'InputError'}])
    """
    rows = list(skipped)
    return ([r for r in rows if is_information(r.get("error", ""))],
            [r for r in rows if not is_information(r.get("error", ""))])


_READ = re.compile(r"\((\d+) (pages|lines|sheets|tables) read")


def reader_reason(kind: str, reason: str) -> str:
    """A skipped file's reason for a reader: for a file holding no table, in Chinese and without advice.

    Other reasons are kept as given (they name the file, line and text).

    Examples:
        >>> reader_reason("NoTableError", "a.pdf: no performance-target table found (33 pages read; "
        ...               "nearest anchors: '项目'); to read a new template, add its labels to vocabulary.csv")
        '已读取 33 页，不含项目支出绩效目标表'
        >>> reader_reason("NoTableError", "a.txt: no table")
        '已读取，不含项目支出绩效目标表'
        >>> reader_reason("InputError", "a.txt: empty file")
        'a.txt: empty file'
    """
    if kind != NO_TABLE:
        return reason
    read = _READ.search(reason)
    done = f"已读取 {read.group(1)} {code_words('documents', 'unit_name', read.group(2))[0]}" if read else "已读取"
    return f"{done}，不含项目支出绩效目标表"
