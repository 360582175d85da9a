r"""Build a year where a crash cannot corrupt it: a lock, a staging root, and a journalled swap.

A build writes nothing in place. Each year (and the comparison) runs in a
*staging root* under ``.budgetkit/`` that looks like a project to the notebooks
(``data/raw`` points at the real one, ``data/processed``, ``figures`` and
``reports`` are new and empty), so the executed notebooks carry the usual
relative paths. When everything of the year is in place, :meth:`Stage.swap`
moves the staged folders over the live ones:

1. a journal (``.budgetkit/swap-<name>.json``) lists the moves;
2. the live ``run_manifest.json`` is rewritten with ``status: running``;
3. the live folders are moved aside and the staged ones moved in, ``reports``
   (holding the new manifest, ``ok`` or ``failed``) last;
4. the journal and the old folders are removed.

A process killed at any moment leaves either the old outputs with their old
manifest, or the journal; the next build takes the :func:`build_lock` and then
:func:`recover`, which finishes an interrupted swap and removes stale staging
folders (those of the build, and the ``.<year>-*`` folders that
:func:`budgetkit.model.tables.write_frames` leaves when killed).

Examples:
    >>> import tempfile
    >>> from budgetkit.project.paths import ProjectPaths
    >>> paths = ProjectPaths(Path(tempfile.mkdtemp()))
    >>> (paths.root / "data/raw/2025").mkdir(parents=True)
    >>> with build_lock(paths):
    ...     stage = Stage.create(paths, "2025")
    ...     _ = (stage.paths.processed_year(2025)).mkdir(parents=True)
    ...     _ = (stage.paths.processed_year(2025) / "projects.csv").write_text("project\n")
    ...     moved = stage.swap(["processed"], "2025")
    ...     stage.remove()
    >>> [p.relative_to(paths.root).as_posix() for p in moved]
    ['data/processed/2025']
    >>> (paths.processed_year(2025) / "projects.csv").is_file()
    True
    >>> sorted(p.name for p in paths.state.iterdir())
    ['build.lock']
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from budgetkit.errors import BudgetkitError
from budgetkit.project.paths import ProjectPaths

__all__ = ["BuildLockedError", "Stage", "SwapError", "build_lock", "recover", "write_atomic"]

logger = logging.getLogger(__name__)

#: The output folders of a year, by the :class:`ProjectPaths` property that holds them, in swap order.
OUTPUT_FOLDERS: tuple[str, ...] = ("processed", "figures", "reports")

_MANIFEST = "run_manifest.json"
_WRITE_FRAMES_STAGING = re.compile(r"^\.(\d{4}|compare)-")


class SwapError(BudgetkitError):
    """The new outputs of a year could not be swapped in (a folder not writable, a full disk): nothing moved."""


class BuildLockedError(BudgetkitError):
    """Another build of the same tree holds the lock."""


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename, so readers see old or new.

    Examples:
        >>> import tempfile
        >>> out = write_atomic(Path(tempfile.mkdtemp()) / "a" / "x.txt", "新")
        >>> out.read_text(encoding="utf-8"), oct(out.stat().st_mode & 0o044)
        ('新', '0o44')
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; pages are for readers
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def build_lock(paths: ProjectPaths) -> Iterator[Path]:
    """Hold ``.budgetkit/build.lock`` for the duration of a build (released by the OS if the process dies).

    Raises:
        BuildLockedError: when another process holds it; the message names that process.
    """
    paths.state.mkdir(parents=True, exist_ok=True)
    lock = paths.state / "build.lock"
    fh = lock.open("a+", encoding="utf-8")
    try:
        try:
            import fcntl  # lazy: fcntl exists on POSIX only
        except ImportError:  # pragma: no cover - Windows: no advisory lock, builds must not overlap
            fcntl = None
        if fcntl is not None:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                raise BuildLockedError(
                    f"another build of this tree is running ({holder}); wait for it to finish", path=lock
                ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}\n")
        fh.flush()
        yield lock
    finally:
        fh.close()


def _journal(paths: ProjectPaths, name: str) -> Path:
    return paths.state / f"swap-{name}.json"


def _move_in(staged: Path, live: Path, trash: Path) -> tuple[Path, Path, Path | None] | None:
    """Put ``staged`` where ``live`` is, the old ``live`` moved into ``trash``; return what moved where."""
    if not staged.exists():
        return None  # moved by an earlier, interrupted run of the same journal
    live.parent.mkdir(parents=True, exist_ok=True)
    old = None
    if live.exists():
        trash.mkdir(parents=True, exist_ok=True)
        old = trash / f"{len(list(trash.iterdir()))}-{live.name}"
        os.replace(live, old)
    try:
        os.replace(staged, live)
    except OSError:
        if old is not None:
            os.replace(old, live)
        raise
    return staged, live, old


def _finish(paths: ProjectPaths, journal: Path, *, undo_on_error: bool = False) -> list[Path]:
    """Do the journal's moves; with ``undo_on_error``, an ``OSError`` puts back what was moved, then is raised."""
    entry = json.loads(journal.read_text(encoding="utf-8"))
    trash = paths.root / entry["trash"]
    moved, done = [], []
    try:
        for staged, live in entry["moves"]:
            done.append(_move_in(paths.root / staged, paths.root / live, trash))
            moved.append(paths.root / live)
    except OSError:
        if not undo_on_error:
            raise
        for step in reversed([d for d in done if d is not None]):
            staged_path, live_path, old = step
            os.replace(live_path, staged_path)
            if old is not None:
                os.replace(old, live_path)
        journal.unlink()
        raise
    journal.unlink()
    shutil.rmtree(trash, ignore_errors=True)
    return moved


def _writable(folder: Path) -> bool:
    """Whether entries can be renamed in and out of ``folder`` (or it can be made)."""
    while not folder.exists():
        folder = folder.parent
    return os.access(folder, os.W_OK | os.X_OK)


def recover(paths: ProjectPaths) -> list[str]:
    """Finish every interrupted swap, then remove stale staging folders; call it holding :func:`build_lock`.

    Returns:
        What was done, one line each (also logged).
    """
    done = []
    if paths.state.is_dir():
        for journal in sorted(paths.state.glob("swap-*.json")):
            moved = _finish(paths, journal)
            done.append(f"finished an interrupted swap: {', '.join(paths.relative(p) for p in moved)}")
        for stale in sorted(paths.state.iterdir()):
            if stale.is_dir() and stale.name.startswith(("stage-", "trash-")):
                shutil.rmtree(stale, ignore_errors=True)
                done.append(f"removed stale staging folder {paths.relative(stale)}")
    for parent in (paths.processed, paths.figures, paths.reports):
        if parent.is_dir():
            for stale in sorted(parent.iterdir()):
                if stale.is_dir() and _WRITE_FRAMES_STAGING.match(stale.name):
                    shutil.rmtree(stale, ignore_errors=True)
                    done.append(f"removed stale staging folder {paths.relative(stale)}")
    for line in done:
        logger.warning("%s", line)
    return done


@dataclass(frozen=True)
class Stage:
    """A staging root for one part of a build (a year, or ``compare``).

    Attributes:
        live: the project's folders.
        paths: the same folders inside the staging root; the notebooks run with it as their root.
        name: the part it stages (``2025``, ``compare``).
    """

    live: ProjectPaths
    paths: ProjectPaths
    name: str

    @classmethod
    def create(cls, live: ProjectPaths, name: str, *, share_processed: bool = False) -> Stage:
        """Make ``.budgetkit/stage-<name>-<pid>/``: a project root reading the live ``data/raw``.

        Args:
            live: the project's folders.
            name: the part staged.
            share_processed: read the live ``data/processed`` too (the comparison reads every year).
        """
        root = live.state / f"stage-{name}-{os.getpid()}"
        shutil.rmtree(root, ignore_errors=True)
        (root / "data").mkdir(parents=True)
        (root / "pyproject.toml").write_text("# staging root of a budgetkit build\n", encoding="utf-8")
        links = [("raw", live.raw)] + ([("processed", live.processed)] if share_processed else [])
        for folder, target in links:
            try:
                (root / "data" / folder).symlink_to(target.resolve(), target_is_directory=True)
            except OSError:  # pragma: no cover - file systems without symlinks: copy the inputs
                if target.is_dir():
                    shutil.copytree(target, root / "data" / folder)
        return cls(live=live, paths=ProjectPaths(root), name=name)

    @property
    def root(self) -> Path:
        """The staging root."""
        return self.paths.root

    def folder(self, kind: str, part: str, *, staged: bool) -> Path:
        """``<kind folder>/<part>`` (kind: processed, figures or reports) in the stage or the live tree."""
        base = self.paths if staged else self.live
        return getattr(base, kind) / part

    def swap(self, kinds: Sequence[str], part: str) -> list[Path]:
        """Move the staged ``<kind>/<part>`` folders over the live ones, ``reports`` last (see the module).

        Returns:
            The live folders now holding the new outputs.
        """
        order = sorted(kinds, key=lambda k: (k == "reports", OUTPUT_FOLDERS.index(k)))
        moves = [
            (
                self.live.relative(self.folder(k, part, staged=True)),
                self.live.relative(self.folder(k, part, staged=False)),
            )
            for k in order
            if self.folder(k, part, staged=True).exists()
        ]
        trash = self.live.state / f"trash-{self.name}-{os.getpid()}"
        for _, live in moves:  # every folder must be replaceable before any is replaced
            target = self.live.root / live
            if not _writable(target.parent) or target.is_dir() and not _writable(target):
                raise SwapError(f"cannot replace {live}: no permission to write there; the old outputs of "
                                f"{self.name} are kept whole", path=target)
        journal = _journal(self.live, self.name)
        write_atomic(
            journal, json.dumps({"moves": moves, "trash": self.live.relative(trash)}, ensure_ascii=False)
        )
        live_manifest = self.folder("reports", part, staged=False) / _MANIFEST
        before = live_manifest.read_text(encoding="utf-8") if live_manifest.is_file() else None
        if before is not None:
            manifest = json.loads(before)
            manifest["status"] = "running"
            manifest["error"] = "a build is replacing these outputs"
            write_atomic(live_manifest, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
        try:
            moved = _finish(self.live, journal, undo_on_error=True)
        except OSError as err:  # every move was put back: the old year is whole again, its manifest too
            if before is not None:
                write_atomic(live_manifest, before)
            raise SwapError(f"cannot swap in the new outputs ({type(err).__name__}: {err.strerror or err}); "
                            f"the old outputs of {self.name} are kept whole", path=err.filename) from err
        logger.info("[%s] swapped in %s", self.name, ", ".join(self.live.relative(p) for p in moved))
        return moved

    def remove(self) -> None:
        """Delete the staging root (after a swap, or when the build gives up on this part)."""
        shutil.rmtree(self.root, ignore_errors=True)
