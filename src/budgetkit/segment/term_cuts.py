"""Tokens cut at the vocabulary terms they run together with (:func:`cut`), and header labels glued together."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from budgetkit.model.normalize import is_wide
from budgetkit.model.settings import setting
from budgetkit.segment.token_stream import LINE, PIECE, SAME, Tok
from budgetkit.vocab.vocabulary import Found, Match, find_terms, lookup

#: The start of a target value: a comparator or a digit (a level label is followed by a label or a name, never this).
_VALUE_STARTS = r">=|<=|[≥≤><=≧≦═±]|\d"
VALUE_START_RE = re.compile(rf"\s*(?:{_VALUE_STARTS})")
#: Words an indicator's explanation (指标解释) opens with; the first ones (:data:`EXPLANATION_CUTS`) are never
#: inside a name, so a run-together row is cut before them
#: (:func:`budgetkit.recognise.run_together.split_run_together_rows`).
EXPLANATION_OPENINGS = ("反映", "考察", "该指标", "用于", "指", "主要考察", "衡量")
#: Of :data:`EXPLANATION_OPENINGS`, those a run-together row is cut before.
EXPLANATION_CUTS = EXPLANATION_OPENINGS[:3]
#: What follows a name and never a label: a value, or an explanation.
_AFTER_NAME_RE = re.compile(rf"\s*(?:{_VALUE_STARTS}|{'|'.join(EXPLANATION_CUTS)})")
#: A value after a name, a percent sign printed between them (服务对象满意度%=99百分比).
_UNIT_THEN_VALUE_RE = re.compile(rf"[%‰]?\s*(?:{_VALUE_STARTS})")
#: Roles of the labels a cell may run together with its value at its start (项目名称学校校舍建设项目).
_GLUE_ROLES = ("field", "goal", "level1", "level2", "column", "section", "title", "unit_label", "list")


def _labels_stand_apart(text: str, found: Sequence[Found]) -> bool:
    """Whether the spaces of ``text`` part its cells.

    So where its labels stand apart by spaces at least as often as they are glued to a cell; with fewer
    than three labels to tell, where it has a space in every 40 characters or so.

    Examples:
        >>> from budgetkit.vocab.vocabulary import find_terms
        >>> roles = ["field", "column", "title"]
        >>> [_labels_stand_apart(t, find_terms(t, roles)) for t in (
        ...     "项目名称 学校建设 主管部门 某局 实施单位 某校", "标 题:项目名称学校建设主管部门某局实施单位某校",
        ...     "某县预算部门项目支出绩效目标申报表 (2023年度)")]
        [True, False, True]
    """
    apart = glued = 0
    for f in found:
        if f.start > 0 and f.end - f.start >= 3 and f.match.role("title") is None:
            if text[f.start - 1].isspace():
                apart += 1
            else:
                glued += 1
    if apart + glued < 3:
        return text.count(" ") * _CHARS_A_SPACE >= len(text)
    return apart >= glued


#: Required-field marks printed right before a label.
_MARKS = "*＊★☆"
_MARKS_BEFORE_RE = re.compile(f"[{_MARKS}]+$")
#: Where it has too few labels to tell, a cell with a space in this many characters is parted by its spaces.
_CHARS_A_SPACE = setting("segment.chars-a-space")


#: The roles of the labels a header line may be made of.
_HEADER_LINE_ROLES = ("title", "unit_label", "field", "extra", "block", "subtable", "row", "goal", "column",
                      "section")


def glued_labels(text: str) -> bool:
    """Whether ``text`` is nothing but three or more header labels glued together (a header row printed run together).

    Examples:
        >>> glued_labels("单位代码单位(专项)名称资金总额实施期绩效目标绩效指标")
        True
        >>> glued_labels("一级指标二级指标三级指标指标值指标值内容评(扣分标准) 度量单位指标值类型备注")
        True
        >>> glued_labels("项目名称学校建设主管部门某局"), glued_labels("单位代码")
        (False, False)
    """
    found = find_terms(text, _HEADER_LINE_ROLES)
    if len(found) < 3:
        return False
    covered = sum(f.end - f.start for f in found)
    return covered == len(text) - sum(ch.isspace() for ch in text) and all(
        not text[a.end:b.start].strip() for a, b in zip(found, found[1:], strict=False))


def cut(toks: Sequence[Tok], roles: Iterable[str], *, spaces: bool = True, run_together: bool = True,
        min_run: int = 2) -> list[Tok]:
    """Split tokens at the vocabulary terms of ``roles`` inside them.

    A token is cut at a term that stands apart inside it (at a space or colon, or
    at its start or end) when ``spaces``; and, when ``run_together``, at every term
    of a token holding ``min_run`` terms or more with nothing between to part them
    (a page flattened to one line). Pieces cut where nothing was printed are
    ``inferred``.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> t = Tok("主管部门 自治区总工会 实施单位 宁夏回族自治区总工会", (Cell("", 1),), LINE)
        >>> [p.text for p in cut([t], ["field"])]
        ['主管部门', '自治区总工会', '实施单位', '宁夏回族自治区总工会']
        >>> t = Tok("项目名称福建专项资金主管部门(单位)名称武夷山市委宣传部", (Cell("", 1),), LINE)
        >>> [(p.text, p.inferred) for p in cut([t], ["field"])]
        [('项目名称', False), ('福建专项资金', True), ('主管部门(单位)名称', True), ('武夷山市委宣传部', True)]
    """
    roles = tuple(roles)
    out: list[Tok] = []
    for tok in toks:
        out.extend(_cut_token(tok, roles, out[-1] if out else None, spaces=spaces, run_together=run_together,
                              min_run=min_run))
    return out


def _cut_token(tok: Tok, roles: tuple[str, ...], prev: Tok | None, *, spaces: bool, run_together: bool,
               min_run: int) -> list[Tok]:
    """The pieces :func:`cut` makes of one token (``prev``, the piece cut before it): the token alone if uncut.

    Decides whether the token is cut at all: not when it is empty or already a term of ``roles``, nor
    when no term is found in it or none of them is kept as a label.
    """
    text = tok.text
    if not text or tok.match is not None and tok.match.role(*roles):
        return [tok]
    glued = glued_labels(text)  # a header line of labels glued one to the next (单位代码单位(专项)名称…)
    found = find_terms(text, _HEADER_LINE_ROLES if glued else roles)
    if not found:
        return [tok]
    run_ok = _run_together_ok(tok, found, run_together=run_together, min_run=min_run) or glued
    # spaces part its cells where its labels stand apart by them: a page flattened to one line keeps the
    # spaces inside its cells (索 引 号, 绩 效 指 标) while its labels are glued to the cells around them
    spaced = run_ok and " " in text and _labels_stand_apart(text, found)
    keep = list(found) if glued else _kept_terms(tok, found, prev, spaces=spaces, run_ok=run_ok, spaced=spaced)
    if not keep:
        return [tok]
    return _piece_toks(tok, _pieces(text, _with_marks(text, keep)), glued=glued)


def _run_together_ok(tok: Tok, found: Sequence[Found], *, run_together: bool, min_run: int) -> bool:
    """Whether the terms found in a token are a run to cut at every term (a page flattened to one line).

    A run of terms inside words is a flattened page only if it holds labels, not just the level words a
    narrative mentions (经济效益, 满意度).
    """
    return run_together and len(found) >= (1 if tok.inferred else min_run) and any(
        f.match.role("field", "column", "title", "extra") is not None for f in found)


def _kept_terms(tok: Tok, found: Sequence[Found], prev: Tok | None, *, spaces: bool, run_ok: bool,
                spaced: bool) -> list[Found]:
    """The terms found in a token that :func:`cut` cuts it at (a title's widened to its whole word).

    A term is kept where it is no word of a name or sentence, and it chains on from the start of the cell
    (项目名称学校校舍建设项目), or stands apart by spaces or colons, or is part of a run of terms.
    """
    text = tok.text
    keep = []
    chain_end = 0  # terms glued one after another from the start of the cell (项目名称学校校舍建设项目)
    ends = {g.end for g in found if g.end - g.start >= 3}  # (a two-character term inside a word: 培训效果)
    level2_ends = {g.end for g in found if g.match.role("level2") is not None}
    if tok.inferred and prev is not None and prev.role("level2") is not None:
        level2_ends.add(0)  # the piece cut right after a level-2 label
    for f in found:
        if _not_a_label(text, f, ends, level2_ends):
            continue
        f = _title_word(text, f)
        if _chains_on(tok, f, chain_end):
            chain_end = f.end
            keep.append(f)
        elif _cut_where_found(text, f, spaces=spaces, run_ok=run_ok, spaced=spaced):
            keep.append(f)
    return keep


def _not_a_label(text: str, f: Found, ends: set[int], level2_ends: set[int]) -> bool:
    """Whether a term found in ``text`` is a word of what is written there, not a label to cut at.

    ``ends``: where the terms of three characters or more end; ``level2_ends``: where level-2 labels end.
    """
    if f.start > 0 and f.start not in ends and not text[f.start - 1].isspace() \
            and f.match.role("level1", "level2") is not None and _AFTER_NAME_RE.match(text, f.end):
        return True  # a level word ending a name, its value or explanation next (…职工满意度≥90%): no label
    if f.start in level2_ends and f.match.role("level2") is not None and _UNIT_THEN_VALUE_RE.match(text, f.end):
        return True  # a name spelt as the level-2 label before it (服务对象满意度指标服务对象满意度≥95%)
    # a column's name in a sentence about it (该指标值数据合理): no label
    return f.start > 0 and text[f.start - 1] in "该此" and f.match.role("column") is not None


def _title_word(text: str, f: Found) -> Found:
    """A title term widened to its whole word, what it names before its term (项目支出|绩效目标表)."""
    if f.start > 0 and not text[f.start - 1].isspace() and " " in text[: f.start] \
            and f.match.role("title") is not None:
        return replace(f, start=text.rindex(" ", 0, f.start) + 1)
    return f


def _chains_on(tok: Tok, f: Found, chain_end: int) -> bool:
    """Whether a term goes on the chain of labels glued one after another from the start of the cell.

    A term of the words that are as often words as labels (项目资金…, 立项依据…) never does; in a cell whose
    edges were printed, a label glued to more text is a longer word (项目期限), unless a colon or a number
    follows it.
    """
    text = tok.text
    rest = text[f.end : f.end + 1]
    word_like = f.match.role(*_GLUE_ROLES) is None
    glued_ok = not tok.cell.delimited or rest in (":", "") or rest.isdigit()
    return f.start == chain_end and (f.end < len(text) or chain_end > 0) and glued_ok and not word_like


def _cut_where_found(text: str, f: Found, *, spaces: bool, run_ok: bool, spaced: bool) -> bool:
    """Whether a term off the chain is cut at: it stands apart (``spaces``), or is one of a run (``run_ok``).

    In a run, a term of two characters is too common inside words to cut at (单位, 备注); where spaces part
    the cells (``spaced``), a term inside a word is part of it (居民群众满意度 ≥90%, 社区居民满意度、幸福感).
    """
    before = text[f.start - 1] if f.start > 0 else " "
    if spaces and _stands_apart(text, f):
        return True
    return run_ok and f.end - f.start >= 3 and (not spaced or before.isspace())


def _stands_apart(text: str, f: Found) -> bool:
    """Whether a term stands apart in ``text``: spaces or colons either side, or it meets the cell's edge.

    At its end, a colon in the term or a narrow character after it parts it as well.
    """
    before = text[f.start - 1] if f.start > 0 else " "
    after = text[f.end] if f.end < len(text) else " "
    apart = (before.isspace() or before in ":") and (after.isspace() or after in ":")
    edge_ok = (f.start == 0 or before.isspace()) and (f.end == len(text) or after.isspace()
                                                     or after in ":" or text[f.end - 1] == ":"
                                                     or not is_wide(after))
    return apart or edge_ok


def _with_marks(text: str, keep: list[Found]) -> list[Found]:
    """The kept terms, each taking a required-field mark printed before it (…鉴定中心*部门(单位)职责)."""
    if any(f.start > 0 and text[f.start - 1] in _MARKS for f in keep):
        keep = [replace(f, start=f.start - len(m.group(0)))
                if f.start > 0 and text[f.start - 1] in _MARKS and (m := _MARKS_BEFORE_RE.search(text, 0, f.start))
                and m.start() > (keep[k - 1].end if k else 0) else f
                for k, f in enumerate(keep)]
    return keep


def _pieces(text: str, keep: Sequence[Found]) -> list[tuple[str, bool, Match | None]]:
    """``text`` cut at the kept terms: each piece, whether it was cut where nothing was printed, its term."""
    pos = 0
    pieces: list[tuple[str, bool, Match | None]] = []
    for f in keep:
        if f.start > pos:
            pieces.append((text[pos:f.start], pos > 0, None))
        pieces.append((text[f.start:f.end], f.start > 0 and not text[f.start - 1].isspace()
                       and text[f.start - 1] != ":", f.match))
        pos = f.end
    if pos < len(text):
        pieces.append((text[pos:], not text[pos].isspace() and text[pos - 1] != ":", None))
    return pieces


def _piece_toks(tok: Tok, pieces: Sequence[tuple[str, bool, Match | None]], *, glued: bool) -> list[Tok]:
    """The tokens of a token's pieces: the gap before each, and whether it was cut where nothing was printed.

    A piece cut where nothing was printed may start a row as a line would; one cut at a space may not. The
    labels of a glued header line are cells of one printed row (never joined into one label).
    """
    out: list[Tok] = []
    first = True
    for piece, inferred, match in pieces:
        stripped = piece.strip().lstrip(":").strip()
        if not stripped:
            continue
        gap = tok.gap if first else SAME if glued else (LINE if inferred else PIECE)
        out.append(Tok(stripped, tok.cells, gap, inferred=(inferred and not first) or tok.inferred,
                       match=match if match is not None else lookup(stripped),
                       whole_line=tok.whole_line and len(pieces) == 1))
        first = False
    return out
