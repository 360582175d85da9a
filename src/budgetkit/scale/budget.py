"""A time budget per file: a file still being read after ``seconds_per_file`` is stopped and skipped.

The per-file limits of :mod:`budgetkit.read.limits` bound what a file may ask for that can be counted
(cells, spans, bytes, depth); :func:`within_budget` bounds what cannot: a file is given
:attr:`~budgetkit.read.limits.Limits.seconds_per_file` seconds, and reading it past them raises
:class:`~budgetkit.errors.LimitError` naming the file and the limit, which the batch lists in
``skipped`` (one line) before going on with the next file.

How the time is kept:

- in the main thread of a POSIX process (a worker of the process pool, or the caller when files are
  read in turn) a real-time timer (:func:`signal.setitimer`) interrupts the reading when the budget is
  spent. The interruption is a :class:`BaseException` (so a reader's ``except Exception`` cannot keep
  it), raised again every :data:`REPEAT` seconds until the reading stops, and turned into the
  :class:`~budgetkit.errors.LimitError` at the file boundary. Python runs the interruption between
  bytecodes: a single long call into C (a regular expression, a parser) ends before it is seen;
- elsewhere (another thread, such as a Dask worker's; Windows) nothing can interrupt the reading: a
  file that took longer than its budget is still skipped when it ends, so the result does not depend on
  where it ran.

Examples:
    >>> import time
    >>> within_budget(5.0, "a.txt", lambda: "read in time")
    'read in time'
    >>> try:
    ...     within_budget(0.05, "slow.pdf", lambda: time.sleep(2))
    ... except LimitError as exc:
    ...     print(exc)
    slow.pdf: reading took more than 0.05 s (past the limit seconds_per_file = 0.05)
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from budgetkit.errors import LimitError

__all__ = ["REPEAT", "within_budget"]

R = TypeVar("R")

logger = logging.getLogger(__name__)

#: Seconds between the interruptions after the first, while the reading does not stop.
REPEAT = 0.05


class _OutOfTime(BaseException):
    """The timer rang: the file's budget is spent (a BaseException, so that no ``except Exception`` keeps it)."""


class _Budget:
    armed = False


def _ring(signum, frame) -> None:
    if _Budget.armed:
        raise _OutOfTime


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _spent(seconds: float, path: str | Path) -> LimitError:
    shown = int(seconds) if float(seconds).is_integer() else seconds  # 1, not 1.0
    return LimitError(f"reading took more than {seconds:g} s", limit="seconds_per_file", value=shown, path=path)


def within_budget(seconds: float, path: str | Path, work: Callable[[], R]) -> R:
    """``work()`` (the reading of ``path``) within ``seconds``; past them :class:`~budgetkit.errors.LimitError`.

    Raises:
        LimitError: the reading took more than ``seconds`` (limit ``seconds_per_file``); anything ``work``
            raises before is raised as it is.
    """
    if not _can_interrupt() or _Budget.armed:  # nested budgets: the outer one keeps the time
        started = time.monotonic()
        result = work()
        if time.monotonic() - started > seconds:
            raise _spent(seconds, path)
        return result
    before = signal.signal(signal.SIGALRM, _ring)
    try:
        try:
            _Budget.armed = True
            signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
            return work()
        finally:
            _Budget.armed = False  # first: a ring from here on raises nothing
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _OutOfTime:  # from the reading, or from a ring just as it ended: either way past the budget
        _Budget.armed = False
        logger.debug("%s: stopped after %g s", path, seconds)
        raise _spent(seconds, path) from None
    finally:
        signal.signal(signal.SIGALRM, before)
