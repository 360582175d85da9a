"""The token stream recognition reads: the pieces of a document's cells, with the gaps between them.

Recognition (:mod:`budgetkit.recognise.tables`) never looks at rows directly: it reads a
stream of :class:`Tok`, each a cell or a piece of one, with the **gap** before it,
the evidence of how it is separated from the token before:

=========  =======================================================================
``PIECE``  a piece of the same cell (cut at a space or by the vocabulary)
``SAME``   the next cell of the same printed row (a pipe, a rule, a tab)
``LINE``   the next line, nothing says whether the row goes on
``BLANK``  after a blank line
``BREAK``  after a row the reader saw end (a grid row, a pipe row closed by padding)
=========  =======================================================================

:func:`cut` splits tokens at the vocabulary terms they run together with, and
:func:`assemble_labels` joins the pieces of a label wrapped over lines or cells
(``满意度`` / ``指标``), longest term first.

Each job has a module of its own: :mod:`~budgetkit.segment.token_stream` (:class:`Tok`, the gaps,
:func:`stream`, :func:`join_text`, headings), :mod:`~budgetkit.segment.halves` (cells an extractor printed in
halves around their row), :mod:`~budgetkit.segment.term_cuts` (:func:`cut`) and
:mod:`~budgetkit.segment.wrapped_labels` (:func:`assemble_labels`); this module gathers their public names.

Examples:
    >>> from budgetkit.segment.text import segment_lines
    >>> toks = stream(segment_lines(["满意度", "指标", "项目名称 | 主体班 | |||"]))
    >>> [(t.text, t.gap) for t in toks]
    [('满意度', 4), ('指标', 2), ('项目名称', 2), ('主体班', 1)]
    >>> [(t.text, t.match.term.role) for t in assemble_labels(toks)[:1]]
    [('满意度指标', 'level1')]
"""

from __future__ import annotations

from budgetkit.segment.halves import HALVES_REASON, join_vertical_halves
from budgetkit.segment.term_cuts import EXPLANATION_CUTS, EXPLANATION_OPENINGS, cut, glued_labels
from budgetkit.segment.token_stream import (
    BLANK,
    BREAK,
    LINE,
    PIECE,
    SAME,
    Tok,
    join_text,
    kept_alive,
    split_headings,
    stream,
)
from budgetkit.segment.wrapped_labels import assemble_labels, split_wrapped_tails

__all__ = ["EXPLANATION_CUTS", "EXPLANATION_OPENINGS", "HALVES_REASON", "BLANK", "BREAK", "LINE", "PIECE", "SAME",
           "Tok", "assemble_labels", "cut", "glued_labels", "join_text", "join_vertical_halves", "kept_alive",
           "split_headings", "split_wrapped_tails", "stream"]
