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

__all__ = ["describe_error", "describe_exception", "relativise"]

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
    from budgetkit import errors

    cls = getattr(errors, ename, None)
    if cls is None:
        from budgetkit import stage

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
