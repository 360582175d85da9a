"""Cells an extractor printed in halves above and below their row's line, rejoined (``segment.*-halves`` rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from budgetkit.model import rules
from budgetkit.model.cells import Cell
from budgetkit.segment.token_stream import BLANK, LINE, SAME, Tok, join_text
from budgetkit.vocab.vocabulary import lookup, match_key

HALVES_REASON = "cell wrapped above and below its row, joined"


def join_vertical_halves(toks: Sequence[Tok]) -> list[Tok]:
    """Rejoin cells that an extractor printed in halves above and below their row's line.

    Text extracted line by line from a PDF (pdfplumber's ``extract_text``) prints a
    wrapped cell's first half on the line above its row and the rest on the line
    below, the row's other cells on the middle line::

        兰溪路-真南路下立交工 阶段性项
        项目名称 项目性质 项目类别 特定目标类
        程 目

    Two shapes are rejoined, both on the vocabulary's evidence:

    * a line of labels where ``k`` labels have no value, between two lines of ``k``
      pieces with no label: each label takes its halves (``项目名称 兰溪路-真南路下立交工程``);
    * a piece alone on a line that starts a label, a row, and a piece alone on the
      next line that ends it (``可持续影`` / row / ``响指标``): the label is put before the row.

    Examples:
        >>> lines = ["兰溪路-真南路下立交工 阶段性项", "项目名称 项目性质 项目类别 特定目标类", "程 目"]
        >>> ts = [Tok(t, (Cell(t, i),), LINE, whole_line=True) for i, t in enumerate(lines, 1)]
        >>> [t.text for t in join_vertical_halves(ts)]
        ['项目名称 兰溪路-真南路下立交工程 项目性质 阶段性项目 项目类别 特定目标类']
        >>> lines = ["可持续影", "长效管理制度健全性 健全", "响指标"]
        >>> ts = [Tok(t, (Cell(t, i),), LINE, whole_line=True) for i, t in enumerate(lines, 1)]
        >>> [t.text for t in join_vertical_halves(ts)]
        ['可持续影响指标', '长效管理制度健全性 健全']
    """
    out = list(toks)
    frags = [_fragment(t) for t in out]  # kept in step with ``out``

    def splice(a: int, b: int, joined: list[Tok]) -> None:
        out[a:b] = joined
        frags[a:b] = [_fragment(t) for t in joined]

    i = 1
    while i < len(out) - 1:
        if frags[i - 1] and frags[i + 1] and (stacked := _stacked_labels(out, i, frags)) is not None \
                and rules.enabled("segment.stacked-level-fragments"):
            first, last, joined = stacked
            splice(first, last, joined)
            i = first + len(joined)
            continue
        above, mid, below = out[i - 1], out[i], out[i + 1]
        lines_ok = (mid.whole_line and below.whole_line and above.whole_line and mid.gap in (LINE, BLANK)
                    and below.gap in (LINE, BLANK) and not mid.cells[0].delimited
                    and not below.cells[0].delimited and not above.cells[0].delimited)
        if lines_ok and (joined := _label_halves(above, mid, below)) is not None \
                and rules.enabled("segment.label-halves"):
            splice(i - 1, i + 2, joined)
            i += 1
            continue
        if lines_ok and (joined := _value_halves(above, mid, below)) is not None \
                and rules.enabled("segment.value-halves"):
            splice(i - 1, i + 2, [joined])
            continue
        i += 1
    return out


#: Most lines of label fragments looked at above and below a row, and the longest fragment.
_STACK_DEPTH, _FRAGMENT_CHARS = 3, 8


def _fragment(tok: Tok) -> bool:
    """A short piece alone on its line that is no term by itself: possibly part of a label printed around a row."""
    text = tok.text.strip()
    return (tok.whole_line and not tok.cell.delimited and bool(text) and " " not in text
            and len(text) <= _FRAGMENT_CHARS and lookup(text) is None)


def _stacked_labels(out: Sequence[Tok], i: int, frags: Sequence[bool]) -> tuple[int, int, list[Tok]] | None:
    """Level labels printed as fragments stacked around row ``out[i]`` (two merged cells wrapped side by side).

    An extractor that prints merged cells at the middle of their block prints two
    wrapped level cells beside one row as interleaved fragments above it, at its
    start and below it::

        服务对象
        满意度指
        满意度指 居民群众满意度 ≥90.00(%)
        标
        标

    The fragments are shared out between a level-1 and a level-2 label so that each
    joins to a term of the vocabulary and is centred on the row (as far above as
    below); only one way of doing that may exist. Returns the slice of ``out`` to
    replace and its replacement (the labels, then the row without its fragment), or
    ``None``. Three fragments at least: one above and one below is
    :func:`_label_halves`' simpler case. ``frags`` tells which tokens of ``out`` are fragments (:func:`_fragment`).
    """
    span = _stack_span(out, i, frags)
    if span is None:
        return None
    first, last = span
    mid = out[i]
    pieces = [(t.line - mid.line, t.text.strip(), t) for t in out[first:i]]
    lead, _, rest = mid.text.strip().partition(" ")
    inline = bool(rest) and len(lead) <= _FRAGMENT_CHARS and lookup(lead) is None
    if inline:
        pieces.append((0, lead, mid))
    pieces += [(t.line - mid.line, t.text.strip(), t) for t in out[i + 1:last]]
    if len(pieces) < 3 or len(pieces) > 8:
        return None
    readings = {r for mask in range(1, 2 ** len(pieces) - 1) if (r := _stack_reading(pieces, mask)) is not None}
    if len({tuple((role, text) for role, text, _ in r) for r in readings}) != 1:
        return None
    by_id = {id(t): t for _, _, t in pieces}
    joined = []
    for _role, text, ids in sorted(readings)[0]:
        toks = [by_id[k] for k in ids]
        joined.append(Tok(text, _halves_cells(*toks), out[first].gap if not joined else LINE, match=lookup(text),
                          whole_line=True))
    row = mid if not inline else _part_of(mid, rest)
    return first, last, [*joined, replace(row, gap=LINE)]


def _stack_span(out: Sequence[Tok], i: int, frags: Sequence[bool]) -> tuple[int, int] | None:
    """The slice ``out[first:last]`` of the fragments stacked around row ``out[i]``, or ``None``.

    Decides whether the row may have labels stacked around it at all: a line of one undelimited cell, no
    fragment itself, with at least one fragment line above and one below (up to :data:`_STACK_DEPTH` each).
    """
    mid = out[i]
    if not (mid.whole_line and not mid.cell.delimited) or frags[i]:
        return None
    first = i
    while first > 0 and i - first < _STACK_DEPTH and frags[first - 1] and out[first].gap in (LINE, BLANK):
        first -= 1
    last = i + 1
    while last < len(out) and last - i <= _STACK_DEPTH and frags[last] and out[last].gap in (LINE, BLANK):
        last += 1
    if first == i or last == i + 1:
        return None
    return first, last


def _stack_reading(pieces: Sequence[tuple[int, str, Tok]], mask: int) -> tuple | None:
    """One way of sharing the stacked ``pieces`` between two labels (bit ``k`` of ``mask``: piece ``k``'s label).

    It is a reading when each side is a centred level label (:func:`_centred_label`) and the two are of
    different levels: the labels sorted, each as (role, text, ids of its tokens); else ``None``.
    """
    labels = []
    for side in (0, 1):
        label = _centred_label([f for k, f in enumerate(pieces) if (mask >> k) & 1 == side])
        if label is None:
            return None
        labels.append(label)
    return tuple(sorted(labels)) if labels[0][0] != labels[1][0] else None


def _centred_label(part: Sequence[tuple[int, str, Tok]]) -> tuple[str, str, tuple[int, ...]] | None:
    """Whether the pieces ``part`` (line offset from the row, text, token) join to a level label centred on the row.

    Centred: its first piece as far above the row as its last is below.
    """
    text = "".join(t for _, t, _ in part)
    m = lookup(text)
    term = m.role("level1", "level2") if m is not None else None
    if term is None or part[0][0] + part[-1][0] != 0:
        return None
    return term.role, text, tuple(id(t) for _, _, t in part)


def _part_of(tok: Tok, text: str) -> Tok:
    """``tok`` (a line of one cell) cut down to the part ``text`` of it, its cell too."""
    return replace(tok, text=text, cells=(replace(tok.cell, text=text),))


def _halves_cells(*toks: Tok) -> tuple[Cell, ...]:
    return tuple(c.doubted(HALVES_REASON) for t in toks for c in t.cells)


def _label_halves(above: Tok, mid: Tok, below: Tok) -> list[Tok] | None:
    head, tail = above.text.strip(), below.text.strip()
    if " " in head or " " in tail or not head or not tail:
        return None
    if lookup(tail) is not None and lookup(head) is not None:
        return None  # two labels, one above and one below
    whole = lookup(head + tail)
    if whole is None or whole.role("level1", "level2", "block", "field", "goal") is None:
        return None
    if lookup(head) is not None and not whole.qualifiers and len(match_key(tail)) > 2:
        return None  # a whole label above, and a word below that only looks like its end
    if lookup(mid.text) is not None:
        return None
    label = Tok(head + tail, _halves_cells(above, below), above.gap, match=whole, whole_line=True)
    lead, _, rest = mid.text.strip().partition(" ")
    first = lookup(lead) if rest else None
    if first is not None and first.role("level1") is not None and whole.role("level2") is not None:
        # the row's own level-1 label stands first: the level 2 goes after it (产出指标 [数量指标] 名称 …)
        lead_tok = replace(_part_of(mid, lead), match=first)
        rest_tok = replace(_part_of(mid, rest), gap=SAME, match=lookup(rest))
        return [replace(lead_tok, gap=above.gap), replace(label, gap=SAME), rest_tok]
    return [label, replace(mid, gap=LINE)]


def _value_halves(above: Tok, mid: Tok, below: Tok) -> Tok | None:
    pieces = mid.text.split()
    if len(pieces) < 2:
        return None
    labelled = [(m := lookup(p)) is not None and m.role("field", "extra", "block") is not None for p in pieces]
    if not any(labelled):
        return None
    empty = [k for k, lab in enumerate(labelled) if lab and (k + 1 == len(pieces) or labelled[k + 1])]
    ups, downs = above.text.split(), below.text.split()
    if not empty or len(ups) != len(empty) or not (1 <= len(downs) <= len(empty)):
        return None
    if any(lookup(p) is not None for p in ups + downs):
        return None
    downs = downs + [""] * (len(empty) - len(downs))
    filled = list(pieces)
    for k, up, down in reversed(list(zip(empty, ups, downs, strict=True))):
        filled.insert(k + 1, join_text([up, down]))
    return Tok(" ".join(filled), _halves_cells(mid, above, below), above.gap, whole_line=True)
