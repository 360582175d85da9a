"""Per-file limits: how much work one file may ask for before it is skipped, the limit it passed named.

A small file can ask for a great deal: a 113-byte page whose cell spans 65,534 rows and
1,000 columns, a 5 KB workbook merging a million cells, a 3 MB workbook that unzips to a
gigabyte, a page nested deeper than the HTML parser follows. Every reader keeps to
:data:`LIMITS`, one frozen, validated :class:`Limits`:

- spans never reach more than ``span_overhang`` rows or columns past the table's real
  extent (the last row and column a cell starts in, see
  :func:`budgetkit.read.grid.cap_spans`), so a span costs little more than the table;
- a file whose tables expand to more than ``max_cells`` positions, whose zip archive
  (XLSX, DOCX) unzips to more than ``max_unzipped_bytes`` or holds more than
  ``max_zip_entries`` members, a cell or line longer than ``max_cell_chars``, or a page
  nested deeper than ``max_html_depth`` raises :class:`~budgetkit.errors.LimitError`:
  the batch lists the file in ``skipped`` with the limit's name and value;
- a file still being read after ``seconds_per_file`` seconds is stopped and skipped the same way
  (:mod:`budgetkit.scale.budget`), whatever made it slow, and the batch goes on.

These are settings, not knowledge of the documents: the defaults are well above any real
disclosure (the largest real volume: 2,000 pages, about 60,000 cells) and well below
what exhausts a small machine.

Examples:
    >>> LIMITS.max_cells >= 1_000_000
    True
    >>> Limits(max_cells=0)
    Traceback (most recent call last):
    ...
    budgetkit.errors.ParameterError: limit max_cells must be a positive int, not 0
    >>> Limits(seconds_per_file=0.5).seconds_per_file, LIMITS.seconds_per_file
    (0.5, 600.0)
    >>> Limits(seconds_per_file=-1)
    Traceback (most recent call last):
    ...
    budgetkit.errors.ParameterError: limit seconds_per_file must be a positive number of seconds, not -1
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from budgetkit.errors import ParameterError

__all__ = ["LIBXML2_DEPTH", "LIMITS", "Limits"]

#: The nesting depth past which libxml2 (lxml's HTML parser) stops reading a page without XML_PARSE_HUGE.
LIBXML2_DEPTH = 256


@dataclass(frozen=True)
class Limits:
    """The per-file limits (see the module docstring).

    Attributes:
        max_cells: grid positions one file's tables may expand to (cells times their spans).
        max_unzipped_bytes: bytes an XLSX or DOCX archive may unzip to.
        max_zip_entries: members an XLSX or DOCX archive may hold.
        max_cell_chars: characters one cell (or one line of a text file) may hold.
        max_html_depth: how deeply a web page's elements may nest (at most libxml2's 256).
        span_overhang: rows or columns a span may reach past the last row or column a cell starts in.
        seconds_per_file: seconds one file may take to read (a float; the largest real volume, 2,000 pages,
            takes about 100 s).
    """

    max_cells: int = 2_000_000
    max_unzipped_bytes: int = 256 * 1024 * 1024
    max_zip_entries: int = 10_000
    max_cell_chars: int = 200_000
    max_html_depth: int = LIBXML2_DEPTH - 6
    span_overhang: int = 64
    seconds_per_file: float = 600.0

    def __post_init__(self) -> None:
        seconds = self.seconds_per_file
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds < math.inf:
            raise ParameterError(f"limit seconds_per_file must be a positive number of seconds, not {seconds!r}")
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "seconds_per_file":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParameterError(f"limit {f.name} must be a positive int, not {value!r}")
        if self.max_html_depth >= LIBXML2_DEPTH:
            raise ParameterError(f"limit max_html_depth must be below libxml2's {LIBXML2_DEPTH}, "
                                 f"not {self.max_html_depth}")


#: The limits every reader keeps to.
LIMITS = Limits()
