"""A line view of a document: one :class:`SourceLine` per text line or PDF table row.

Reading works on cells (:mod:`budgetkit.model.cells`); this view is what
:func:`budgetkit.read.text.read_text_lines` and :func:`budgetkit.read.pdf.read_pdf_lines`
give for looking at a file line by line (a PDF row's cells joined by a space).

Examples:
    >>> line = SourceLine("项目名称 职工困难帮扶资金项目", lineno=22)
    >>> line.text.split()[0], line.lineno, line.page
    ('项目名称', 22, None)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SourceLine"]


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One line of a disclosure, normalised, with where it came from.

    Attributes:
        text: the line's text after :func:`budgetkit.model.normalize.normalize_text`
            (no trailing newline; leading spaces kept).
        lineno: 1-based line number in the text file, or the row number of the
            table row in a PDF (counted over the whole document).
        page: 1-based PDF page, or ``None`` for text input.
        lineno_end: the last source line this line covers (a PDF row wrapped over several), or ``None``
            when it is one line.
        confidence: ``medium`` or ``low`` where the reader had to guess where the line's cells part,
            ``None`` where they were printed apart.
        cells: the row's own cells, blank ones included, where the reader knows
            them (a PDF table row); ``None`` for text, where blank cells print nothing.
    """

    text: str
    lineno: int
    page: int | None = None
    lineno_end: int | None = None
    confidence: str | None = None
    cells: tuple[str, ...] | None = None

    @property
    def last_lineno(self) -> int:
        """The last source line this line covers."""
        return self.lineno_end if self.lineno_end is not None else self.lineno
