"""Label pieces wrapped over lines joined into the longest vocabulary term they make (:func:`assemble_labels`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import lru_cache

from budgetkit.model import rules
from budgetkit.model.settings import setting
from budgetkit.segment.token_stream import BLANK, LINE, OPEN_BRACKET_RE, PIECE, SAME, Tok, join_text
from budgetkit.vocab.part_words import part_prefix_re
from budgetkit.vocab.vocabulary import Match, is_prefix, lookup, match_key

#: No piece longer than this starts a label wrapped over lines (the longest terms, with a qualifier).
_LONGEST_LABEL = setting("segment.longest-label")


def split_wrapped_tails(toks: Sequence[Tok]) -> list[Tok]:
    """Part the last space-separated piece of a token when it is the start of a label the next token ends.

    ``其中:财政拨款 30  其中:中央资`` / ``金``: the tail ``其中:中央资`` and ``金`` make
    ``其中:中央资金``, so the tail is cut off for :func:`assemble_labels` to join.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> ts = [Tok(t, (Cell(t, i),), LINE) for i, t in enumerate(["财政拨款 30  其中:中央资", "金"], 1)]
        >>> [t.text for t in assemble_labels(split_wrapped_tails(ts))]
        ['财政拨款 30', '其中:中央资金']
    """
    out: list[Tok] = []
    for i, tok in enumerate(toks):
        parts = tok.text.rsplit(None, 1)
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if len(parts) == 2 and nxt is not None and nxt.gap in (LINE, BLANK) and tok.match is None:
            tail = parts[1]
            key = part_prefix_re().sub("", match_key(tail))
            if key and is_prefix(key) and lookup(tail) is None and lookup(tail + nxt.text.split()[0]) is not None \
                    and rules.enabled("segment.wrapped-tail-cut"):
                out.append(replace(tok, text=parts[0], match=lookup(parts[0])))
                out.append(Tok(tail, tok.cells, PIECE, match=None))
                continue
        out.append(tok)
    return out


@lru_cache(maxsize=65536)
def _prefix_key(key: str) -> str:
    """The key a piece of a wrapped label is checked against.

    No leading 其中, and no bracket left open at the wrap (pinyin ``產(ch`` / ``ǎn)``, a
    qualifier ``成本指标(0`` / ``-20)分``): the label goes on on the next piece.
    """
    return OPEN_BRACKET_RE.sub("", part_prefix_re().sub("", key))


def _joinable(tok: Tok) -> bool:
    return bool(tok.text) and tok.gap != SAME


@lru_cache(maxsize=65536)
def _may_go_on(text: str) -> bool:
    """Whether a label may go on after ``text``, its pieces joined so far.

    It may where its key starts some term, is a leading 其中 alone, or is empty once 其中 and a bracket left
    open are set aside.
    """
    key = match_key(text)
    key_np = _prefix_key(key)
    return is_prefix(key_np) or part_prefix_re(whole=True).match(key) is not None or not key_np


def assemble_labels(toks: Sequence[Tok], roles: Iterable[str] | None = None, max_parts: int = 5) -> list[Tok]:
    """Join label pieces wrapped over lines (or cut at spaces) into the longest vocabulary term they make.

    Pieces are joined while their joined key starts some term (``满意度指`` …
    ``满意度指标``); the longest joint that is a whole term wins, so ``经济效益`` /
    ``指标`` gives ``经济效益指标``, not ``经济效益`` and an orphan ``指标``. A
    qualifier printed on the next line (``产出指标`` / ``(40-50)分``) joins the term.
    Cells of one printed row (gap ``SAME``) are never joined.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> ts = [Tok(t, (Cell(t, i),), LINE) for i, t in enumerate(["经济效益", "指标", "(选填)"], 1)]
        >>> [(t.text, t.match.term.field) for t in assemble_labels(ts)]
        [('经济效益指标(选填)', '经济效益')]
    """
    allowed = tuple(roles) if roles is not None else None
    out: list[Tok] = []
    i = 0
    n = len(toks)
    while i < n:
        tok = toks[i]
        if _starts_label(tok, allowed):
            best_j, best = _longest_label(toks, i, allowed, max_parts)
            if best is not None and best_j > i and rules.enabled("segment.wrapped-labels-joined"):
                # a qualifier alone on the next piece belongs to the label
                span = toks[i:best_j + 1]
                out.append(replace(tok, text=join_text([t.text for t in span]),
                                   cells=tuple(c for t in span for c in t.cells), match=best,
                                   whole_line=all(t.whole_line for t in span)))
                i = best_j + 1
                continue
        out.append(tok)
        i += 1
    return out


def _starts_label(tok: Tok, allowed: tuple[str, ...] | None) -> bool:
    """Whether ``tok`` may start a wrapped label: short enough, and no term of another role."""
    return bool(tok.text) and len(tok.text) <= _LONGEST_LABEL and (
        tok.match is None or allowed is None or bool(tok.role(*allowed)))


def _longest_label(toks: Sequence[Tok], i: int, allowed: tuple[str, ...] | None,
                   max_parts: int) -> tuple[int, Match | None]:
    """The last piece and the match of the longest term of ``allowed`` that ``toks[i:]`` joined make.

    ``(i, toks[i].match)`` when no joint makes one; pieces are joined while their key may go on, or while a
    qualifier's end (``分``, four characters at most) follows the term found last.
    """
    n = len(toks)
    best_j, best = i, toks[i].match
    joined = toks[i].text
    goes_on = _may_go_on(joined)
    j = i
    while j + 1 < n and j - i + 1 < max_parts:
        nxt = toks[j + 1]
        tail = best is not None and best_j == j and len(nxt.text) <= 4  # a qualifier's end: 分
        if not (goes_on or tail) or not _joinable(nxt):
            break
        joined += nxt.text
        goes_on = _may_go_on(joined)
        j += 1
        m = lookup(joined)
        if m is not None and (allowed is None or m.role(*allowed)):
            best_j, best = j, m
    return best_j, best
