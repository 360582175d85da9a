"""The one exception hierarchy of budgetkit.

Every error the package raises on purpose is a :class:`BudgetkitError`, so a
caller can catch them all in one ``except``. Errors about an input file name
the file, the line and the offending text, so a researcher can open the file
and see what went wrong without reading a traceback.

Examples:
    >>> from budgetkit.errors import InputError
    >>> err = InputError("no 项目名称 line", path="x.txt", line=3, text="单位：万元")
    >>> str(err)
    "x.txt:3: no 项目名称 line: '单位：万元'"
    >>> isinstance(err, BudgetkitError)
    True
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BudgetkitError",
    "InputError",
    "LimitError",
    "NoTableError",
    "NotebookError",
    "ParameterError",
    "ParseError",
    "ReconciliationError",
]


class BudgetkitError(Exception):
    """Base class of every error budgetkit raises on purpose.

    Args:
        message: what went wrong, in plain words.
        path: the file it went wrong in, if any.
        line: the 1-based line number in that file, if known.
        text: the offending text, quoted in the message.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        text: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.text = text
        super().__init__(self._format())

    def _format(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
            where += ": "
        what = f": {self.text!r}" if self.text is not None else ""
        return f"{where}{self.message}{what}"


class InputError(BudgetkitError):
    """A file cannot be read at all: missing, empty, undecodable, not a disclosure."""


class NoTableError(InputError):
    """A readable file that holds no performance-target table (a budget volume without one, a notice)."""


class ParseError(BudgetkitError):
    """A single value (an amount, a 指标值) cannot be parsed."""


class ParameterError(BudgetkitError):
    """A notebook or command parameter is unknown or has the wrong type or value."""


class ReconciliationError(BudgetkitError):
    """Cost reconciliation was asked something it cannot answer."""


class NotebookError(BudgetkitError):
    """A notebook failed while the runner executed it; its executed copy shows the error."""


class LimitError(InputError):
    """A file passes one of the per-file limits (:mod:`budgetkit.read.limits`): it is skipped, the limit named.

    Examples:
        >>> str(LimitError("the table expands to 65534000 cells", limit="max_cells", value=2_000_000, path="x.html"))
        'x.html: the table expands to 65534000 cells (past the limit max_cells = 2000000)'
    """

    def __init__(self, message: str, *, limit: str, value: int, path: str | Path | None = None,
                 text: str | None = None) -> None:
        self.limit = limit
        self.value = value
        super().__init__(f"{message} (past the limit {limit} = {value})", path=path, text=text)

    def at(self, path: str | Path) -> LimitError:
        """The same error naming ``path`` (a reader's helper raises it without the file)."""
        message = self.message.rsplit(" (past the limit", 1)[0]
        return LimitError(message, limit=self.limit, value=self.value, path=path, text=self.text)
