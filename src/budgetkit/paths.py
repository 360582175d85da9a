"""Where budgetkit reads and writes: the project folders, resolved from the repository root.

papermill runs the kernel in the directory it was started from, not the
notebook's folder, so notebooks never use relative paths: they ask this module.
The root is ``$BUDGETKIT_ROOT`` when set, else the nearest folder above the
current directory (or above this file) that holds ``pyproject.toml`` and
``data/``.

Examples:
    >>> from pathlib import Path
    >>> p = ProjectPaths(Path("/tmp/bk"))
    >>> p.raw_year(2025).as_posix(), p.processed_year(2025).as_posix()
    ('/tmp/bk/data/raw/2025', '/tmp/bk/data/processed/2025')
    >>> p.figures_year(2025).as_posix(), p.reports_year(2025).as_posix()
    ('/tmp/bk/figures/2025', '/tmp/bk/reports/2025')
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from budgetkit.errors import InputError

__all__ = ["ProjectPaths", "find_root", "project_paths"]

#: Input file kinds the readers understand, by suffix.
RAW_SUFFIXES: tuple[str, ...] = (".txt", ".pdf")


def find_root(start: Path | None = None) -> Path:
    """Return the repository root (see the module docstring for the rule).

    Args:
        start: folder to search upwards from; the current directory by default.

    Raises:
        InputError: when no folder above holds ``pyproject.toml`` and ``data/``.
    """
    env = os.environ.get("BUDGETKIT_ROOT")
    if env:
        return Path(env).resolve()
    for base in (Path(start or Path.cwd()).resolve(), Path(__file__).resolve()):
        for folder in (base, *base.parents):
            if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
                return folder
    raise InputError("no budgetkit project root (pyproject.toml and data/) above", path=start or Path.cwd())


@dataclass(frozen=True)
class ProjectPaths:
    """The folders of one budgetkit project.

    The four data folders default to the repository layout and may be moved
    (relative paths are taken from ``root``; absolute paths are used as given).

    Attributes:
        root: the repository root.
        raw_dir: disclosures as published, one folder per year.
        processed_dir: tidy tables, one folder per year.
        figures_dir: PNG figures, one folder per year.
        reports_dir: executed notebooks and HTML, one folder per year.

    Examples:
        >>> ProjectPaths(Path("/tmp/bk"), figures_dir="/srv/fig").figures_year(2025).as_posix()
        '/srv/fig/2025'
    """

    root: Path
    raw_dir: str | Path = "data/raw"
    processed_dir: str | Path = "data/processed"
    figures_dir: str | Path = "figures"
    reports_dir: str | Path = "reports"

    @property
    def raw(self) -> Path:
        """``data/raw``: one folder per budget year, holding the disclosures as published."""
        return self.root / self.raw_dir

    @property
    def processed(self) -> Path:
        """``data/processed``: the tidy tables, one folder per year."""
        return self.root / self.processed_dir

    @property
    def figures(self) -> Path:
        """``figures``: PNG figures, one folder per year."""
        return self.root / self.figures_dir

    @property
    def reports(self) -> Path:
        """``reports``: executed notebooks and their HTML, one folder per year."""
        return self.root / self.reports_dir

    @property
    def notebooks(self) -> Path:
        """``notebooks``: the papermill templates."""
        return self.root / "notebooks"

    def raw_year(self, year: int) -> Path:
        """Folder of the raw disclosures of ``year``."""
        return self.raw / str(year)

    def processed_year(self, year: int) -> Path:
        """Folder of the tidy tables of ``year``."""
        return self.processed / str(year)

    def figures_year(self, year: int) -> Path:
        """Folder of the figures of ``year``."""
        return self.figures / str(year)

    def reports_year(self, year: int) -> Path:
        """Folder of the executed notebooks and HTML of ``year``."""
        return self.reports / str(year)

    def raw_files(self, year: int) -> list[Path]:
        """The readable disclosures of ``year``, sorted by name.

        Raises:
            InputError: when the year folder is missing or holds no readable file.
        """
        folder = self.raw_year(year)
        if not folder.is_dir():
            raise InputError(f"no folder for year {year}", path=folder)
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in RAW_SUFFIXES and p.is_file())
        if not files:
            raise InputError(f"no {'/'.join(RAW_SUFFIXES)} file for year {year}", path=folder)
        return files

    def input_files(self, year: int) -> list[Path]:
        """The disclosures of ``year`` to read: :meth:`raw_files`, less a PDF whose ``.txt`` twin is there.

        A PDF beside a ``.txt`` of the same name is the same document, and its text
        (which may have been corrected by hand) is what is read.

        Raises:
            InputError: as :meth:`raw_files`.

        Examples:
            >>> import tempfile
            >>> root = Path(tempfile.mkdtemp())
            >>> (root / "data/raw/2025").mkdir(parents=True)
            >>> for name in ("a.txt", "a.pdf", "b.pdf"):
            ...     _ = (root / "data/raw/2025" / name).write_bytes(b"")
            >>> [p.name for p in ProjectPaths(root).input_files(2025)]
            ['a.txt', 'b.pdf']
        """
        files = self.raw_files(year)
        texts = {f.stem for f in files if f.suffix.lower() == ".txt"}
        return [f for f in files if f.suffix.lower() != ".pdf" or f.stem not in texts]

    def processed_years(self) -> list[int]:
        """Budget years that have tidy tables under ``data/processed`` (a ``projects.parquet``), ascending."""
        if not self.processed.is_dir():
            return []
        return sorted(
            int(p.name)
            for p in self.processed.iterdir()
            if p.is_dir() and p.name.isdigit() and (p / "projects.parquet").is_file()
        )

    def years(self) -> list[int]:
        """Budget years found under ``data/raw`` (folders named by a 4-digit year), ascending."""
        if not self.raw.is_dir():
            return []
        return sorted(int(p.name) for p in self.raw.iterdir() if p.is_dir() and p.name.isdigit())


def project_paths(root: Path | str | None = None, **dirs: str | Path) -> ProjectPaths:
    """Return the :class:`ProjectPaths` of ``root`` (found with :func:`find_root` when omitted or empty).

    Args:
        root: the repository root.
        **dirs: ``raw_dir``, ``processed_dir``, ``figures_dir`` or ``reports_dir`` to move a folder.
    """
    return ProjectPaths(Path(root).resolve() if root else find_root(), **dirs)
