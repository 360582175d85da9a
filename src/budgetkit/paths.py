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

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from budgetkit.errors import InputError
from budgetkit.readers import SUFFIXES

__all__ = ["ProjectPaths", "find_root", "project_paths"]

#: Input file kinds the readers understand, by suffix (``.doc`` too: reading it says how to convert it).
RAW_SUFFIXES: tuple[str, ...] = tuple(SUFFIXES)
#: Which of several files of one name (one document in several formats) is read: the text (perhaps
#: corrected by hand), then the formats that hold the table's cells, the PDF last.
READ_FIRST: tuple[str, ...] = (".txt", ".xlsx", ".xlsm", ".xls", ".docx", ".html", ".htm", ".xhtml", ".pdf", ".doc")

logger = logging.getLogger(__name__)


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
        files = sorted(p for p in folder.iterdir() if p.suffix.lower() in RAW_SUFFIXES and p.is_file()
                       and self._inside(p))
        if not files:
            raise InputError(f"no {'/'.join(RAW_SUFFIXES)} file for year {year}", path=folder)
        return files

    def disclosures(self, year: int) -> list[Path]:
        """The documents of ``year``: :meth:`raw_files`, less a PDF that has a ``.txt`` of the same name.

        A PDF beside a ``.txt`` of the same stem is the same document, and its text
        (perhaps corrected by hand) is what is read.

        Raises:
            InputError: when the year folder is missing or holds no readable file.

        Examples:
            >>> import tempfile
            >>> p = ProjectPaths(Path(tempfile.mkdtemp()))
            >>> p.raw_year(2025).mkdir(parents=True)
            >>> for name in ("a.txt", "a.pdf", "b.pdf"):
            ...     _ = (p.raw_year(2025) / name).write_bytes(b"")
            >>> [f.name for f in p.disclosures(2025)]
            ['a.txt', 'b.pdf']
        """
        files = self.raw_files(year)
        return [f for f in files if f not in self._copies(files)]

    def duplicates(self, year: int) -> dict[Path, Path]:
        """``{file: the file read instead}``: the other formats of a document of ``year`` (same name).

        One document published in several formats (``a.xlsx`` and ``a.docx``, ``a.pdf`` and its
        ``a.txt``) is read once, from the first of :data:`READ_FIRST`; the others are listed here.

        Examples:
            >>> import tempfile
            >>> p = ProjectPaths(Path(tempfile.mkdtemp()))
            >>> p.raw_year(2025).mkdir(parents=True)
            >>> for name in ("a.docx", "a.xlsx", "b.pdf"):
            ...     _ = (p.raw_year(2025) / name).write_bytes(b"")
            >>> {k.name: v.name for k, v in p.duplicates(2025).items()}, [f.name for f in p.disclosures(2025)]
            ({'a.docx': 'a.xlsx'}, ['a.xlsx', 'b.pdf'])
        """
        return self._copies(self.raw_files(year))

    @staticmethod
    def _copies(files: list[Path]) -> dict[Path, Path]:
        rank = {suffix: n for n, suffix in enumerate(READ_FIRST)}
        by_stem: dict[str, list[Path]] = {}
        for f in files:
            by_stem.setdefault(f.stem, []).append(f)
        out = {}
        for same in by_stem.values():
            kept, *others = sorted(same, key=lambda f: (rank.get(f.suffix.lower(), len(rank)), f.name))
            out.update(dict.fromkeys(others, kept))
        return out

    def _inside(self, path: Path) -> bool:
        """Whether ``path`` is no link, or a link to a file inside ``data/raw`` (a warning says it is not)."""
        if not path.is_symlink():
            return True
        target = path.resolve()
        if target.is_relative_to(self.raw.resolve()):
            return True
        logger.warning("%s: a link to %s, outside %s: not read", self.relative(path), target,
                       self.relative(self.raw))
        return False

    @property
    def state(self) -> Path:
        """``.budgetkit``: the build's lock, staging folders and swap journals (never committed)."""
        return self.root / ".budgetkit"

    def relative(self, path: str | Path) -> str:
        """``path`` relative to the root when it lies under it, else as given (POSIX form).

        Examples:
            >>> p = ProjectPaths(Path("/tmp/bk"))
            >>> p.relative("/tmp/bk/data/raw/2025/x.txt"), p.relative("/elsewhere/y.txt")
            ('data/raw/2025/x.txt', '/elsewhere/y.txt')
        """
        path = Path(path)
        return path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else path.as_posix()

    def report_years(self) -> list[int]:
        """Budget years that have a ``reports/<year>/run_manifest.json``, ascending."""
        if not self.reports.is_dir():
            return []
        return sorted(
            int(p.name)
            for p in self.reports.iterdir()
            if p.is_dir() and p.name.isdigit() and (p / "run_manifest.json").is_file()
        )

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
        """Budget years found under ``data/raw`` (folders named by a plausible budget year), ascending.

        A folder named by a number outside :data:`budgetkit.params.YEAR_RANGE` (``data/raw/1800``) is no
        budget year: it is left out, with a warning.
        """
        from budgetkit.params import YEAR_RANGE

        if not self.raw.is_dir():
            return []
        years = []
        for p in self.raw.iterdir():
            if p.is_dir() and p.name.isdigit():
                if YEAR_RANGE[0] <= int(p.name) <= YEAR_RANGE[1]:
                    years.append(int(p.name))
                else:
                    logger.warning("%s: no budget year (not in %d–%d): not read", self.relative(p), *YEAR_RANGE)
        return sorted(years)


def file_name(path: str | Path) -> str:
    """The name of ``path`` as its owner wrote it, whatever the locale decoded its bytes as.

    Under a GB18030 locale Python decodes a UTF-8 file name as GB18030 (mojibake, and lone
    surrogates where the bytes are no GB18030), which no UTF-8 table or JSON can hold; the bytes
    are read back and decoded as UTF-8, else GB18030, else with replacement characters.

    Examples:
        >>> file_name("/x/宁夏.txt")
        '宁夏.txt'
        >>> file_name(os.fsdecode("宁夏.txt".encode("gb18030")))  # a GB18030 name, whatever the locale
        '宁夏.txt'
    """
    raw = os.fsencode(Path(path).name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")  # pragma: no cover - GB18030 decodes any byte string


def project_paths(root: Path | str | None = None, **dirs: str | Path) -> ProjectPaths:
    """Return the :class:`ProjectPaths` of ``root`` (found with :func:`find_root` when omitted or empty).

    Args:
        root: the repository root.
        **dirs: ``raw_dir``, ``processed_dir``, ``figures_dir`` or ``reports_dir`` to move a folder.
    """
    return ProjectPaths(Path(root).resolve() if root else find_root(), **dirs)
