"""Parse many disclosures at once: on every core of this machine, or on a Dask cluster.

:func:`parse_files` parses a list of files with
:func:`budgetkit.parse.parse_file`, each in its own task, and stacks the tables
in the order of the list, so the result is the one a loop over the files gives
(the tables of the parts, built once for the batch) whatever order the tasks finish in. Where
the work runs:

- ``jobs`` worker processes of a :class:`~concurrent.futures.ProcessPoolExecutor`
  (default: one per core; ``jobs=1``, or a single file, runs in this process);
- a Dask cluster, with ``scheduler`` a ``distributed.Client`` or the address of
  a scheduler (``tcp://host:8786``). Dask is an optional extra:
  ``pip install -e ".[dask]"``.

Every failure of one file is that file's failure: whatever its parse raises (a
:class:`~budgetkit.errors.BudgetkitError` naming the file, line and text, an
``OSError``, or anything else: an ``IndexError`` from a PDF with scrambled cross
references, a ``MemoryError``), the file is listed in ``skipped`` with the
error's type and message and logged as a warning, and the batch goes on. Only
an interruption (Ctrl-C) stops it. A file still being read after
:attr:`~budgetkit.read.limits.Limits.seconds_per_file` seconds is stopped and skipped the same way
(:mod:`budgetkit.scale.budget`), in a worker process as in this one.

``jobs=None`` (the default) starts a pool only for :data:`POOL_MIN_FILES` files
or more: starting the workers costs about a second, more than a few files take
to parse.

Progress is reported per file as files finish: by default a log line
``parsed 3/120 <file> (11 projects)``; pass ``progress=`` a function of
``(done, total, path, error)`` to show it otherwise. What the parser logs in a
worker process is sent back with the result and logged here, so a parallel run
logs what a serial run logs.

:func:`map_files` is the engine underneath, for any per-file task (the Parquet
dataset writer of :mod:`budgetkit.scale.dataset` uses it so that workers write their
partitions themselves).

Examples:
    >>> from pathlib import Path
    >>> seed = sorted((Path(__file__).resolve().parents[3] / "data/raw/2025").glob("*.txt"))
    >>> tables = parse_files(seed + [Path("missing.txt")], year=2025, jobs=1, progress=None)
    >>> tables.counts()["projects"], [s.path.name for s in tables.skipped]
    (11, ['missing.txt'])
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from budgetkit import parse
from budgetkit.errors import BudgetkitError, InputError, ParameterError
from budgetkit.model.tables import TABLE_NAMES, Tables
from budgetkit.read import limits
from budgetkit.scale.budget import within_budget

if TYPE_CHECKING:
    from budgetkit.project.paths import ProjectPaths

__all__ = [
    "FILE_ERRORS",
    "POOL_MIN_FILES",
    "FileResult",
    "ParsedTables",
    "SkippedFile",
    "file_failure",
    "file_progress",
    "file_task",
    "log_progress",
    "map_files",
    "parse_files",
    "parse_year",
]

logger = logging.getLogger(__name__)

#: Errors that make one file unreadable without stopping the batch.
FILE_ERRORS: tuple[type[BaseException], ...] = (BudgetkitError, OSError)

#: With ``jobs=None``, fewer files than this are parsed in this process (a pool costs about a second to start).
POOL_MIN_FILES = 8

#: Loggers whose records a worker sends back (at the level they have here).
FORWARDED_LOGGERS: tuple[str, ...] = ("budgetkit", "pdfminer")

R = TypeVar("R")

#: ``progress(done, total, path, error)``: called in this process as each file finishes.
Progress = Callable[[int, int, Path, "str | None"], None]


class SkippedFile(NamedTuple):
    """A file the batch could not parse, and why (the error names the file, line and text).

    Attributes:
        path: the file.
        error: the error's message.
        kind: the error's class name (``InputError``, ``NoTableError``, ``PermissionError`` …).
    """

    path: Path
    error: str
    kind: str = ""


class ParsedTables(Tables):
    """The stacked tables of a batch, and the files it skipped (:attr:`skipped`, in input order)."""

    skipped: list[SkippedFile]

    @classmethod
    def of(cls, tables: Tables, skipped: Sequence[SkippedFile] = ()) -> ParsedTables:
        """Wrap ``tables`` with the list of skipped files."""
        out = cls(**{name: getattr(tables, name) for name in TABLE_NAMES})
        out.skipped = list(skipped)
        return out


def log_progress(done: int, total: int, path: Path, error: str | None) -> None:
    """The default progress report: one log line per finished file (a warning for a skipped one)."""
    if error is None:
        logger.info("parsed %d/%d %s", done, total, path.name)
    else:
        logger.warning("skipped %d/%d %s: %s", done, total, path.name, error)


def parse_files(
    paths: Sequence[str | Path],
    year: int | None = None,
    *,
    jobs: int | None = None,
    scheduler: Any = None,
    progress: Progress | None = log_progress,
) -> ParsedTables:
    """Parse every file with :func:`budgetkit.parse.parse_file`, in parallel, and stack the tables.

    Args:
        paths: the disclosures (``.txt`` or ``.pdf``), in the order their tables are stacked.
        year: passed to ``parse_file`` (the budget year where a table prints none).
        jobs: worker processes (default: ``os.cpu_count()``, and this process alone for fewer than
            :data:`POOL_MIN_FILES` files); 1 parses in this process.
        scheduler: a ``distributed.Client``, or a Dask scheduler address, to parse on Dask
            instead of local processes.
        progress: called as each file finishes (see :data:`Progress`); ``None`` for silence.

    Returns:
        The tables of all files parsed, equal to a loop of ``parse_file`` over them, with
        :attr:`ParsedTables.skipped` listing the files that raised a ``BudgetkitError`` or ``OSError``.

    Raises:
        ParameterError: ``jobs`` is below 1.
        BudgetkitError: Dask was asked for but is not installed.
    """
    files = [Path(p) for p in paths]
    seconds = limits.LIMITS.seconds_per_file  # read here: a worker process has the defaults
    results = map_files(partial(_parse_one, year=year, seconds=seconds), files, jobs=jobs, scheduler=scheduler,
                        progress=file_progress(progress))

    parts = [r.tables for r in results if r.tables is not None]
    skipped = [SkippedFile(p, r.error, r.kind) for p, r in zip(files, results, strict=True) if r.error is not None]
    tables = ParsedTables.of(parse.tables_of(parts), skipped)  # frames built once for the batch
    logger.info(
        "parsed %d file(s): %s%s", len(parts), ", ".join(f"{k} {v}" for k, v in tables.counts().items()),
        f"; {len(skipped)} skipped" if skipped else "",
    )
    return tables


@dataclass
class FileResult:
    """What a per-file task returns: its value (tables or anything else) or the error that stopped it."""

    tables: Any = None
    error: str | None = None
    kind: str = ""


def _parse_one(path: Path, year: int | None, seconds: float) -> FileResult:

    return file_task(path, partial(parse.file_records, year=year), seconds)  # looked up per call (tests patch it)


def file_task(path: Path, work: Callable[[Path], Any], seconds: float) -> FileResult:
    """``work(path)`` at the file boundary: within ``seconds`` (:mod:`budgetkit.scale.budget`), any failure this file's.

    Examples:
        >>> file_task(Path("a.txt"), lambda p: p.name.upper(), 5.0)
        FileResult(tables='A.TXT', error=None, kind='')
        >>> file_task(Path("a.txt"), lambda p: [][0], 5.0).kind
        'IndexError'
    """
    try:
        return FileResult(within_budget(seconds, path, partial(work, path)))
    except Exception as exc:  # noqa: BLE001 -- the file boundary: any failure is this file's (module docstring)
        return file_failure(path, exc)


def file_failure(path: Path, exc: Exception) -> FileResult:
    """The :class:`FileResult` of a file whose reading raised ``exc``: its type and a message naming the file.

    An error budgetkit raises names the file itself; any other (a bug, or a library's on a damaged
    file) is named here, and its traceback logged at debug level.

    Examples:
        >>> file_failure(Path("x.pdf"), IndexError("list index out of range"))
        FileResult(tables=None, error='x.pdf: IndexError: list index out of range', kind='IndexError')
    """
    kind = type(exc).__name__
    if isinstance(exc, FILE_ERRORS) and str(path.name) in str(exc):
        return FileResult(error=str(exc), kind=kind)
    if not isinstance(exc, FILE_ERRORS):
        logger.debug("%s: %s while reading", path, kind, exc_info=exc)
    return FileResult(error=f"{path}: {kind}: {exc}" if str(exc) else f"{path}: {kind}", kind=kind)


def file_progress(progress: Progress | None) -> Callable[[int, int, Path, FileResult], None] | None:
    """A :data:`Progress` as :func:`map_files` calls it for tasks that return a :class:`FileResult`."""
    return None if progress is None else partial(_report, progress)


def _report(progress: Progress, done: int, total: int, path: Path, result: FileResult) -> None:
    progress(done, total, path, result.error)


# --- the engine ------------------------------------------------------------------------------------------


def map_files(
    task: Callable[[Path], R],
    paths: Sequence[Path],
    *,
    jobs: int | None = None,
    scheduler: Any = None,
    progress: Callable[[int, int, Path, R], None] | None = None,
) -> list[R]:
    """Run ``task(path)`` for every path, in parallel, and return the results in the order of ``paths``.

    ``task`` must be picklable (a module-level function, or a :func:`functools.partial`
    of one). In worker processes and on Dask workers the records of
    :data:`FORWARDED_LOGGERS` are collected and logged again here.

    Args:
        task: the work for one file.
        paths: the files.
        jobs: local worker processes (default: one per core, none below :data:`POOL_MIN_FILES` files);
            ignored with ``scheduler``.
        scheduler: a ``distributed.Client`` or a scheduler address: run on Dask.
        progress: called here as each result arrives with ``(done, total, path, result)``.

    Examples:
        >>> map_files(str, [Path("b"), Path("a")], jobs=1)
        ['b', 'a']
    """
    paths = list(paths)
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise ParameterError(f"jobs must be a positive int, not {jobs!r}")
    if scheduler is not None:
        return _map_dask(task, paths, scheduler, progress)
    if jobs is None and len(paths) < POOL_MIN_FILES:
        jobs = 1
    jobs = min(jobs or os.cpu_count() or 1, len(paths))
    if jobs <= 1:
        results = []
        for done, path in enumerate(paths, 1):
            results.append(task(path))
            if progress is not None:
                progress(done, len(paths), path, results[-1])
        return results
    return _map_pool(task, paths, jobs, progress)


def _map_pool(task: Callable[[Path], R], paths: list[Path], jobs: int, progress) -> list[R]:
    """``task`` over ``paths`` on ``jobs`` worker processes, results in the order of ``paths``.

    A worker starts by moving what it imported (the fork server's preload) to the garbage collector's
    permanent generation (:func:`gc.freeze`): those objects live as long as the worker, and every full
    collection while parsing would walk them again.
    """
    results: list[Any] = [None] * len(paths)
    levels = _levels()
    logger.debug("%d file(s) on %d worker processes", len(paths), jobs)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_start_worker,
                               initargs=(os.getpid(),))
    try:
        caller = os.getpid()
        futures = {pool.submit(_forwarding, task, path, levels, caller): n for n, path in enumerate(paths)}
        for done, future in enumerate(as_completed(futures), 1):
            n = futures[future]
            results[n] = _replay(*future.result())
            if progress is not None:
                progress(done, len(paths), paths[n], results[n])
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def _start_worker(caller: int) -> None:
    """In a new worker: freeze the preloaded imports (see :func:`_map_pool`) and die with the caller.

    A worker is a child of the fork server, not of the caller, so it outlives a caller killed with
    ``kill -9`` unless it watches: a daemon thread checks each second that the caller still runs.
    """
    gc.freeze()
    threading.Thread(target=_watch, args=(caller,), daemon=True, name="budgetkit-watch-caller").start()


def _watch(caller: int) -> None:
    while True:
        time.sleep(1.0)
        try:
            os.kill(caller, 0)
        except ProcessLookupError:
            os._exit(1)  # the caller is gone: nobody will read this worker's results
        except OSError:  # pragma: no cover - the caller runs as another user: it is alive
            pass


def _map_dask(task: Callable[[Path], R], paths: list[Path], scheduler: Any, progress) -> list[R]:
    try:
        from distributed import Client  # lazy: Dask is optional: it loads only when asked for
        from distributed import as_completed as dask_completed  # lazy: Dask is optional: it loads only when asked for
    except ImportError as exc:
        raise BudgetkitError('the Dask scheduler needs dask.distributed: pip install -e ".[dask]"') from exc
    client, owned = (Client(scheduler), True) if isinstance(scheduler, str) else (scheduler, False)
    try:
        logger.info("%d file(s) on Dask at %s", len(paths), client.scheduler.address)
        futures = client.map(_forwarding, [task] * len(paths), paths, levels=_levels(), caller=os.getpid(),
                             pure=False)
        index = {future.key: n for n, future in enumerate(futures)}
        results: list[Any] = [None] * len(paths)
        for done, future in enumerate(dask_completed(futures), 1):
            n = index[future.key]
            results[n] = _replay(*future.result())
            future.release()
            if progress is not None:
                progress(done, len(paths), paths[n], results[n])
        return results
    finally:
        if owned:
            client.close()


def _context() -> multiprocessing.context.BaseContext:
    """Worker processes started from a fork server that has imported the parser (POSIX), else spawned.

    Forking the caller itself is unsafe once it runs threads (a Jupyter kernel does);
    the fork server is a fresh process, and its preloaded import makes each worker cheap.
    """
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["budgetkit.parse"])
        return context
    return multiprocessing.get_context("spawn")


# --- logs from workers -------------------------------------------------------------------------------------


def _levels() -> dict[str, int]:
    return {name: logging.getLogger(name).getEffectiveLevel() for name in FORWARDED_LOGGERS}


class _Collect(logging.Handler):
    """Keeps the records of the task running in this thread (a Dask worker may run several at once)."""

    local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        records = getattr(self.local, "records", None)
        if records is None:
            return
        record.msg, record.args = record.getMessage(), None  # picklable whatever the arguments were
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        records.append(record)


_COLLECT = _Collect()
_INSTALL = threading.Lock()


def _forwarding(task: Callable[[Path], R], path: Path, levels: dict[str, int], caller: int) -> tuple[R, list]:
    """Run ``task(path)``; in another process than the caller's, collect the log records it would see."""
    if os.getpid() == caller:  # in the caller's process (Dask with threads): its handlers log directly
        return task(path), []
    with _INSTALL:
        for name, level in levels.items():
            log = logging.getLogger(name)
            log.setLevel(level)
            log.propagate = False
            if _COLLECT not in log.handlers:
                log.addHandler(_COLLECT)
    _COLLECT.local.records = []
    try:
        return task(path), _COLLECT.local.records
    finally:
        _COLLECT.local.records = None


def _replay(result: R, records: list[logging.LogRecord]) -> R:
    for record in records:
        log = logging.getLogger(record.name)
        if log.isEnabledFor(record.levelno):
            log.handle(record)
    return result


def parse_year(year: int, paths: ProjectPaths, *, jobs: int | None = None, scheduler=None,
               progress=None) -> ParsedTables:
    """Parse every disclosure of ``data/raw/<year>/`` (on every core) and stack the tables in file order.

    The files are :meth:`ProjectPaths.disclosures` (one document in several formats, same name, is read
    once; the others, :meth:`ProjectPaths.duplicates`, are named in a log line), parsed by
    :func:`budgetkit.scale.batch.parse_files`: a process pool for more than a few files, or Dask with
    ``scheduler``. The result equals a loop of
    :func:`~budgetkit.parse.parse_file` over the files. A file that cannot be read does not stop the
    year: it is logged and listed in the result's ``skipped``.

    Args:
        year: the budget year (and folder).
        paths: the project.
        jobs: worker processes (see :func:`budgetkit.scale.batch.parse_files`).
        scheduler: a Dask client or scheduler address.
        progress: called as each file finishes (default: a log line per file).

    Raises:
        InputError: when the year has no file, or no file could be read (the reasons listed).
    """
    files = paths.disclosures(year)
    for copy, kept in sorted(paths.duplicates(year).items()):
        logger.info("[%s] %s: skipped, the same document as %s (same name) is read instead", year, copy.name,
                    kept.name)
    tables = parse_files(files, year, jobs=jobs, scheduler=scheduler, progress=progress or log_progress)
    if len(tables.skipped) == len(files):
        raise InputError(
            f"no file of year {year} could be read: " + "; ".join(s.error for s in tables.skipped),
            path=paths.raw_year(year),
        )
    return tables
