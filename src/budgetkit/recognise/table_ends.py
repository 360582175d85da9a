"""Where a table's indicator rows end, and what follows them.

The rows of a table end at the first thing that is no row of it; :func:`rows_and_after` decides, in this order:

1. :func:`cut_glued_end`: on a page flattened to one line, a signature block, a note (注:…), an attachment line
   (附件:…) or the next table's title glued to the last row (``…≥90%填报人:``) is cut off it and set apart with
   all after it (rule ``table.end-at-signature``);
2. :func:`rows_end`: the rows end at the first line of a signature block, a note, an attachment line, the site
   around the page or the next title that is no level label (``table.end-at-boilerplate``); or earlier, at a
   question of the form printed after the rows (:func:`form_question`: ``优秀□ 良好□ 合格□``); and a covering
   notice printed before an attachment line goes with it, back to the page break after the last level label
   (``table.end-notice-at-page-break``);
3. :func:`cut_glued_title`: the first words of the next title glued to the last target (``…=99百分比省级部门…``)
   go with what follows (``table.title-glued-to-target``).

Where the document ends in the last table, the file may have been cut inside its last row:
:func:`cut_by_file_end` says whether (the row's last cell is cut out of a flattened page, or not closed where
the section's cells are), and :func:`cut_label` whether the last token is a fragment of a label the cut fell
inside (``…90%时`` for 时效指标).

Reading the targets of a cell's text is the rows' job: the two decisions that look for the last target of a row
are given a :class:`Targets` by their caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from budgetkit.model import rules
from budgetkit.model.settings import setting
from budgetkit.recognise.align import Row
from budgetkit.recognise.tick_boxes import box_count
from budgetkit.segment.tokens import BLANK, LINE, PIECE, SAME, Tok
from budgetkit.vocab.vocabulary import find_terms, is_prefix, lookup, match_key, scan

#: What ends a table: text of a signature block or of the site around the page.
END_ROLES = ("boilerplate", "furniture")
#: A cell this long holding this many structural terms is a page flattened to one line.
RUN_TOGETHER = (80, 3)
#: Blank lines that part a page from the next: a longer break than any between the rows of a table.
_PAGE_BREAK_LINES = setting("tables.page-break-lines")
#: Boxes a form question prints at least (``优秀□ 良好□ 合格□``): no target prints so many.
_FORM_OPTIONS = setting("tables.form-options")
#: Blocks that may be glued to the last row of a flattened page: signature, note (注:), attachment (附件:), the
#: next table's title.
_GLUED_ENDS = ("boilerplate:signature", "boilerplate:note", "boilerplate:attachment", "title")
#: A section whose cells are this many, and this share of them closed by a delimiter, closes every cell.
_CLOSED_CELLS = (8, 0.9)

#: Why the row a file ends in is reported: the file was cut at the end of a cell it did not close.
CUT_AT_FILE_END = "the file ends inside this row: its last cell may go on past the cut"
#: Why the fragment a file ends on is reported: the cut fell inside a label.
CUT_LABEL_AT_FILE_END = "the file ends inside this label"


@dataclass(frozen=True)
class Targets:
    """How the rows read the targets in a cell's text (given by :mod:`budgetkit.recognise.tables`).

    Attributes:
        ends: ``ends(text, stop)``, where each run of targets (with a digit) in ``text[:stop]`` ends.
        word_value: ``word_value(text)``, where a value of words ending ``text`` starts (``有所改善``), or None.
    """

    ends: Callable[[str, int], list[int]]
    word_value: Callable[[str], int | None]


def rows_and_after(section: Sequence[Tok], targets: Targets) -> tuple[list[Tok], list[Tok]]:
    """A table's indicator section cut where its rows end: the rows, and what follows them (see the module).

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.recognise.tables import targets
        >>> toks = [Tok("师生满意度≥90%填报人:张三", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in rows_and_after(toks, targets())]
        [['师生满意度≥90%'], ['填报人:张三']]
    """
    body, glued = cut_glued_end(list(section), targets)
    end = rows_end(body)
    return cut_glued_title(body[:end], body[end:] + glued, targets)


def rows_end(body: Sequence[Tok]) -> int:
    """Where a table's rows end: at a signature block, a note, an attachment line, the site or the next title.

    The next table's title stands for the rest of a table cut before its rows; a note is 注:…, an attachment
    line 附件:….

    A covering notice of the next document (its title and paragraphs) printed before the attachment line is set
    apart with it, back to the page break (two blank lines or more) after the last level label.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def tok(text, line):
        ...     return Tok(text, (Cell(text, line),), 3, match=lookup(text))
        >>> body = [tok("满意度指标", 1), tok("服务对象满意度", 2), tok("学员满意度", 3), tok("≥90%", 4),
        ...         tok("某单位2025年部门预算绩效目标", 8), tok("根据有关要求,现予以公开。", 10),
        ...         tok("附件:2025年绩效目标表", 12)]
        >>> [t.text for t in body[rows_end(body):]]
        ['某单位2025年部门预算绩效目标', '根据有关要求,现予以公开。', '附件:2025年绩效目标表']
    """
    end = next((i for i, t in enumerate(body) if i > 0 and t.role("level1", "level2", "column") is None
                and (scan(t.text, *END_ROLES) is not None or t.role("title") is not None)), len(body))
    if end < len(body) and not rules.enabled("table.end-at-boilerplate"):
        end = len(body)
    end = min(end, form_question(body))
    if end == len(body) or getattr(scan(body[end].text, "boilerplate"), "field", None) != "attachment":
        return end
    last_label = max((i for i, t in enumerate(body[:end]) if t.role("level1", "level2") is not None), default=0)
    breaks = [i for i in range(last_label + 2, end)
              if body[i].gap >= BLANK and body[i].line - body[i - 1].last_line > _PAGE_BREAK_LINES]
    return breaks[0] if breaks and rules.enabled("table.end-notice-at-page-break") else end


def form_question(body: Sequence[Tok]) -> int:
    """Where a form question after the rows starts (``最近年度绩效评价情况 | 优秀□ 良好□ 合格□ …``), else the end.

    A cell of tick-box options is a question of the form the table sits in, not a target: its row (the label
    printed before it on its line) and what follows are no part of the indicator rows.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def tok(text, line, gap):
        ...     return Tok(text, (Cell(text, line),), gap, match=lookup(text))
        >>> body = [tok("满意度指标", 1, 2), tok("满意率", 1, 1), tok("≥95%", 1, 1), tok("最近年度绩效评价情况", 2, 2),
        ...         tok("优秀□ 良好□ 合格□ 不合格□", 2, 1)]
        >>> form_question(body)
        3
        >>> form_question(body[:3] + [tok("是否定量 ☑是 □否", 2, 2)])
        4
    """
    at = next((i for i, t in enumerate(body) if i > 0 and t.match is None
               and box_count(t.text) >= _FORM_OPTIONS), None)
    if at is None:
        return len(body)
    if body[at].whole_line and body[at - 1].whole_line and body[at - 1].match is None:
        return at - 1  # one cell a line: the question is the cell before its options
    while at > 0 and body[at].gap in (PIECE, SAME) and body[at - 1].match is None \
            and body[at - 1].line == body[at].line:
        at -= 1
    return at


def cut_glued_end(body: list[Tok], targets: Targets) -> tuple[list[Tok], list[Tok]]:
    """The section's tokens and a signature block glued to its last row on a flattened page (``…≥90%填报人:``).

    The block starts at its label, or, where only a word inside it is known (``盖章``), after the last target
    before that word.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.recognise.tables import targets
        >>> toks = [Tok("师生满意度≥90%填报人:张三", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in cut_glued_end(toks, targets())]
        [['师生满意度≥90%'], ['填报人:张三']]
        >>> toks = [Tok("学员满意度≥95%财政资金管理科室(盖章) 年 月 日", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in cut_glued_end(toks, targets())]
        [['学员满意度≥95%'], ['财政资金管理科室(盖章) 年 月 日']]
        >>> toks = [Tok("满意度%=99百分比省级部门预算项目支出绩效目标表2023年度", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in cut_glued_end(toks, targets())]
        [['满意度%=99百分比'], ['省级部门预算项目支出绩效目标表2023年度']]
        >>> toks = [Tok("师生满意度≥90%注:本表由项目单位填报", (Cell("", 1),), 2, inferred=True)]
        >>> [[t.text for t in part] for part in cut_glued_end(toks, targets())]
        [['师生满意度≥90%'], ['注:本表由项目单位填报']]
    """
    for i, tok in enumerate(body):
        if not tok.inferred or tok.match is not None:
            continue
        at = _glued_at(tok.text, targets)
        if at and rules.enabled("table.end-at-signature"):
            rest = tok.text[at:]
            return ([*body[:i], replace(tok, text=tok.text[:at])],
                    [Tok(rest, tok.cells, LINE, inferred=True, match=lookup(rest)), *body[i + 1 :]])
    return body, []


def _glued_at(text: str, targets: Targets) -> int | None:
    """Where a block of :data:`_GLUED_ENDS` glued to a row starts in ``text``, else None.

    At its label (a signature label, or a note, attachment or title after a target); where only a word inside
    a block is known (``盖章``), after the last target before it.
    """
    found = [f for f in find_terms(text, _GLUED_ENDS) if f.start > 0]
    labels = [f.start for f in found if f.end - f.start >= 3 and f.match.term.field == "signature"
              or f.match.term.field != "signature" and _after_target(text[: f.start], targets)]
    words = [f.start for f in found if f.match.term.match == "contains"
             and (f.end - f.start < 3 or f.match.term.role == "title")]
    if labels:
        return min(labels)
    if words:
        ends = targets.ends(text, min(words))
        return ends[-1] if ends else None
    return None


def _after_target(text: str, targets: Targets) -> bool:
    """Whether ``text`` ends with a target (``≥90%``, ``100篇``, ``持续改善``): a note glued there starts after it.

    Examples:
        >>> from budgetkit.recognise.tables import targets
        >>> [_after_target(t, targets()) for t in ("师生满意度≥90%", "办学条件持续改善", "办学条件")]
        [True, True, False]
    """
    return len(text) in targets.ends(text, len(text)) or targets.word_value(text) is not None


def cut_glued_title(body: list[Tok], trailing: list[Tok], targets: Targets) -> tuple[list[Tok], list[Tok]]:
    """The rows and what follows them, the first words of the next title glued to the last target moved after.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> from budgetkit.recognise.tables import targets
        >>> row = Tok("满意度%=99百分比省级", (Cell("", 1),), 2, inferred=True)
        >>> title = Tok("部门预算项目支出绩效目标表", (Cell("", 1),), 0, inferred=True,
        ...             match=lookup("绩效目标表"))
        >>> [[t.text for t in part] for part in cut_glued_title([row], [title], targets())]
        [['满意度%=99百分比'], ['省级', '部门预算项目支出绩效目标表']]
    """
    if trailing and trailing[0].role("title") is not None and trailing[0].inferred and body \
            and body[-1].inferred and rules.enabled("table.title-glued-to-target"):
        # the title's first words glued to the last target (…=99百分比省级部门…)
        at = targets.ends(body[-1].text, len(body[-1].text))
        if at and at[-1] < len(body[-1].text):
            last = body.pop()
            body.append(replace(last, text=last.text[: at[-1]]))
            trailing.insert(0, Tok(last.text[at[-1] :], last.cells, PIECE, inferred=True))
    return body, trailing


def cut_by_file_end(tok: Tok, rows: Sequence[Row] = ()) -> bool:
    """Whether a file ending on ``tok`` may have been cut inside its row.

    So where ``tok`` was cut out of a page flattened to one line: neither a cell's edge nor a line's end
    closes it; and where the section's cells are closed by their delimiters (``>=80人 |``) and ``tok``, the
    file's last, is not (``>=9``): the file was cut before the cell's end.
    """
    if tok.inferred and not tok.cell.delimited and len(tok.cell.text) >= RUN_TOGETHER[0]:
        return True
    cells = [u.tok.cell for row in rows for u, _, _ in row.units if u.tok.cell.text]
    return not tok.cell.delimited and len(cells) >= _CLOSED_CELLS[0] \
        and sum(c.delimited for c in cells) >= _CLOSED_CELLS[1] * len(cells)


def cut_label(tok: Tok) -> bool:
    """Whether ``tok``, the last of a flattened page, is the start of a label the cut fell inside (时, 满意度指).

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> text = "x" * 90
        >>> [cut_label(Tok(t, (Cell(text, 1),), 2, inferred=True)) for t in ("时", "满意度指", "按期完成")]
        [True, True, False]
    """
    return (tok.match is None and cut_by_file_end(tok) and len(tok.text) <= 4
            and is_prefix(match_key(tok.text)))
