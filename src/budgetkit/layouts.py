"""Layouts of the extracted text: detected from the lines, described as data, rewritten to one shape.

The same 项目支出预算绩效目标表 comes out of different publishers and
extraction tools in different text shapes. Each shape is one row of
``metadata/layouts.csv``: its name, a regular expression that recognises its
lines, the share of non-blank lines that must match, and the name of the
rewrite (in :data:`REWRITES`) that turns its lines into the seed's shape (cells
separated by spaces), keeping every line number. A layout whose ``scope`` is
``text`` is recognised by one match of its expression in the whole text
(for shapes that only show across lines, such as blank lines between cells). The first layout whose share
is reached wins; the last row (``seed``) matches everything. A new layout is a
new row, a rewrite when no existing one fits, and a fixture.

Examples:
    >>> from budgetkit.lines import SourceLine
    >>> lines = [SourceLine("|产出指标|数量指标|新建校舍|≥3000平方米|", 1), SourceLine("||||", 2)]
    >>> layout, rewritten = detect_layout(lines)
    >>> layout.name, [ln.text for ln in rewritten]
    ('pipe', ['产出指标 数量指标 新建校舍 ≥3000平方米', ''])
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from budgetkit.columns import load_columns
from budgetkit.fields import read_metadata
from budgetkit.lines import SourceLine, join_wrapped

__all__ = ["REWRITES", "Layout", "detect_layout", "fix_ocr", "load_layouts"]

logger = logging.getLogger(__name__)


def _none(lines: list[SourceLine]) -> list[SourceLine]:
    return lines


def _cells(text: str) -> list[str] | None:
    stripped = text.strip()
    if len(stripped) < 2 or not (stripped.startswith("|") and stripped.endswith("|")):
        return None
    return [cell.strip() for cell in stripped[1:-1].split("|")]


def _pipe_cells(lines: list[SourceLine]) -> list[SourceLine]:
    """Pipe rows to space-separated cells; a row holding only a last cell continues the value above.

    ``|a|b||c|`` becomes ``a b c``; a filler row of empty cells (``||||``) becomes a
    blank line; ``||||得到提升|`` (only the value column filled, under an indicator
    row) is the value cell wrapped onto a second row, so it is joined to the row
    above, which then covers both line numbers. Lines without pipes stay.

    Examples:
        >>> rows = [SourceLine("|效益指标|社会效益|居住环境|明显改善,|", 5), SourceLine("||||得到提升|", 6)]
        >>> [(ln.text, ln.lineno, ln.last_lineno) for ln in _pipe_cells(rows)]
        [('效益指标 社会效益 居住环境 明显改善,得到提升', 5, 6), ('', 6, 6)]
    """
    out: list[SourceLine] = []
    last_row: int | None = None  # index in ``out`` of the last row with a value cell
    for line in lines:
        cells = _cells(line.text)
        if cells is None:
            out.append(line)
            continue
        filled = [c for c in cells if c]
        continues = len(cells) >= 4 and len(filled) == 1 and cells[-1] and last_row is not None
        if continues:
            prev = out[last_row]
            joined = prev.text + cells[-1]
            out[last_row] = SourceLine(joined, prev.lineno, prev.page, line.last_lineno, "medium")
            out.append(SourceLine("", line.lineno, line.page))
            continue
        out.append(SourceLine(" ".join(filled), line.lineno, line.page, line.lineno_end))
        if len(cells) >= 4 and cells[-1] and len(filled) >= 2:
            last_row = len(out) - 1
        elif filled:
            last_row = None
    return out


_NAME_LABEL_RE = re.compile(r"^(\s*项目名称)(?=\S)")
_INDICATOR_HEADER_RE = re.compile(r"^\s*一级指标\s*二级指标\s*三级指标\s*指标值")


def _split_value(text: str) -> tuple[str, str | None]:
    """Cut the value off a run-together row; return the row and how sure the cut is.

    First at the earliest point whose tail is a measurable value
    (``新建校舍面积≥3000平方米`` → ``新建校舍面积 ≥3000平方米``, ``medium``); else before a
    short tail that starts with a word values of words start with
    (``农村人居环境明显改善`` → ``农村人居环境 明显改善``, ``low``); else the row stays whole
    (``None``), and reads as a name without a value.

    Examples:
        >>> _split_value("2025年监测费用3600元/年")
        ('2025年监测费用 3600元/年', 'medium')
        >>> _split_value("职工家庭生活有所改善")
        ('职工家庭生活 有所改善', 'low')
        >>> _split_value("办学条件改善")
        ('办学条件改善', None)
    """
    from budgetkit.parse_value import MEASURABLE_KINDS, parse_indicator_value

    for k in range(1, len(text)):
        if parse_indicator_value(text[k:]).kind in MEASURABLE_KINDS and not text[k - 1].isdigit():
            return f"{text[:k]} {text[k:]}", "medium"
    for k in range(2, len(text) - 1):
        tail = text[k:]
        if len(tail) <= _WORD_VALUE_MAX and tail.startswith(_WORD_VALUE_STARTS):
            return f"{text[:k]} {tail}", "low"
    return text, None


#: Words a value of words starts with (明显改善, 有所提高), where a run-together row may be cut.
_WORD_VALUE_STARTS = ("有所", "逐步", "稳步", "显著", "明显", "进一步", "不断", "持续", "大幅", "得到")
#: The longest value of words cut off a run-together row.
_WORD_VALUE_MAX = 8


@cache
def _level_labels() -> tuple[str, ...]:
    """The printed level-1/2 labels of ``metadata/labels.csv``, longest first."""
    return tuple(sorted((row["label"] for row in read_metadata("labels")), key=len, reverse=True))


def _peel_labels(text: str) -> list[str]:
    labels = _level_labels()
    parts = []
    while True:
        hit = next((lb for lb in labels if text.startswith(lb) and len(text) > len(lb)), None)
        if hit is None:
            break
        parts.append(hit)
        text = text[len(hit):]
    return [*parts, text]


def _run_together(lines: list[SourceLine]) -> list[SourceLine]:
    """Cells printed without separators: peel level labels off the front and cut the value off the end.

    Applies inside the indicator section only (after 一级指标二级指标三级指标指标值, until the next
    项目名称); a space is also put after a 项目名称 label glued to the name.

    Examples:
        >>> rows = [SourceLine("一级指标二级指标三级指标指标值", 1),
        ...         SourceLine("产出指标数量指标新建校舍面积≥3000平方米", 2),
        ...         SourceLine("2025年监测费用3600元/年", 3)]
        >>> [ln.text for ln in _run_together(rows)][1:]
        ['产出指标 数量指标 新建校舍面积 ≥3000平方米', '2025年监测费用 3600元/年']
    """
    out, in_indicators = [], False
    for line in lines:
        text = line.text
        if _NAME_LABEL_RE.match(text):
            in_indicators = False
            text = _NAME_LABEL_RE.sub(r"\1 ", text, count=1)
        elif _INDICATOR_HEADER_RE.match(text):
            in_indicators = True
        elif in_indicators and text.strip() and len(text.split()) == 1:
            *labels, rest = _peel_labels(text.strip())
            row, sure = _split_value(rest)
            out.append(SourceLine(" ".join([*labels, row]), line.lineno, line.page, line.lineno_end, sure))
            continue
        out.append(SourceLine(text, line.lineno, line.page, line.lineno_end))
    return out


def _one_cell(lines: list[SourceLine]) -> list[SourceLine]:
    """One cell per paragraph (cells separated by blank lines): rebuild the indicator rows.

    The lines of one paragraph are one cell wrapped over lines, so they are joined.
    Inside the indicator section a level label may also be wrapped over a blank
    line (``数量指`` / ``标``), so cells that together spell a label are joined;
    the other cells come in pairs, the level-3 name and its value, and each pair
    becomes one row ``name value`` covering the lines of both. Every input line
    keeps its place: the lines folded into a row become blank.

    Examples:
        >>> texts = ["一级指标", "", "二级指标", "", "三级指标", "", "指标值", "", "产出指标", "", "数量指",
        ...          "", "标", "", "维修供水工程", "数量", "", "12处"]
        >>> rows = _one_cell([SourceLine(t, i) for i, t in enumerate(texts, 1)])
        >>> [(ln.text, ln.lineno, ln.last_lineno) for ln in rows if ln.text][4:]
        [('产出指标', 9, 9), ('数量指标', 11, 13), ('维修供水工程数量 12处', 15, 18)]
    """
    cells: list[list[SourceLine]] = []
    for line, before in zip(lines, [None, *lines[:-1]], strict=False):
        if line.text.strip():
            if before is not None and before.text.strip() and cells:
                cells[-1].append(line)
            else:
                cells.append([line])
    labels = _level_labels()
    out = [SourceLine("", ln.lineno, ln.page) for ln in lines]
    where = {ln.lineno: n for n, ln in enumerate(lines)}

    def put(group: list[SourceLine], text: str, wrapped: bool = False) -> None:
        first, last = group[0], group[-1]
        end = last.last_lineno if last.last_lineno != first.lineno else first.lineno_end
        sure = "medium" if wrapped else None
        out[where[first.lineno]] = SourceLine(text, first.lineno, first.page, end, sure)

    in_indicators, name = False, None
    k = 0
    while k < len(cells):
        group = cells[k]
        text = join_wrapped([ln.text.strip() for ln in group])
        k += 1
        if text.startswith("项目名称") or _TABLE_TOP_RE.search(text):
            in_indicators = False  # the next table's title, unit line or name
            if name is not None:  # a name whose value cell is blank
                put(*name)
                name = None
        elif text == "一级指标" or _INDICATOR_HEADER_RE.match(text):
            in_indicators = True
        elif in_indicators and text not in load_columns():  # a header word in a cell of its own
            joined, m = text, k
            while joined not in labels and m < len(cells) and any(lb.startswith(joined) for lb in labels):
                joined += join_wrapped([ln.text.strip() for ln in cells[m]])
                m += 1
            if joined in labels:
                group = [ln for c in cells[k - 1 : m] for ln in c]
                k, text = m, joined
                if name is not None:  # a name whose value cell is blank, before the next label
                    put(*name)
                    name = None
            elif name is None:
                name = (group, text)
                continue
            elif _blank_value_before(text, cells[k] if k < len(cells) else None):
                put(*name)  # its value cell is blank: this cell is the next name
                name = (group, text)
                continue
            else:
                # a cell wrapped over lines was joined: as sure as a lexical join in the seed layout
                wrapped = len(name[0]) > 1 or len(group) > 1
                group, text = name[0] + group, f"{name[1]} {text}"
                name = None
                put(group, text, wrapped)
                continue
        put(group, text)
    if name is not None:
        put(*name)
    return out


#: Header labels OCR misreadings are matched against (with the level and column labels).
_HEADER_WORDS = (
    "项目名称", "主管部门", "实施单位", "项目属性", "项目总额", "年度资金总额", "财政拨款", "其他资金",
    "年度总体绩效目标", "绩效目标表",
)


@cache
def _ocr_digits() -> dict[str, str]:
    """Letters OCR reads for digits (``metadata/ocr.csv``)."""
    return {row["wrong"]: row["right"] for row in read_metadata("ocr")}


@cache
def _ocr_vocabulary() -> tuple[str, ...]:
    """Labels of four characters or more that a one-character OCR misreading is corrected to."""
    words = {*_level_labels(), *load_columns(), *_HEADER_WORDS}
    return tuple(sorted((w for w in words if len(w) >= 4), key=len, reverse=True))


def fix_ocr(text: str) -> tuple[str, list[str]]:
    """Correct the misreadings OCR is known for; return the text and what was changed.

    In a run of Latin letters and digits made only of digits and the letters of
    ``metadata/ocr.csv``, the letters are read as their digits (``5O`` → ``50``,
    but ``USB3O`` stays). A run of characters one character away
    from exactly one label (``项日名称``, ``质量指际``) is read as that label.

    Examples:
        >>> fix_ocr("项日名称农村环境整治")
        ('项目名称农村环境整治', ['项日名称 → 项目名称'])
        >>> fix_ocr("质量指际合格率≥9O%")
        ('质量指标合格率≥90%', ['质量指际 → 质量指标', '9O → 90'])
        >>> fix_ocr("Wi-Fi 6 覆盖")
        ('Wi-Fi 6 覆盖', [])
    """
    fixes: list[str] = []
    vocabulary = _ocr_vocabulary()
    exact = set(vocabulary)
    chars = list(text)
    i = 0
    while i < len(chars):
        hit = None
        for word in vocabulary:
            window = "".join(chars[i : i + len(word)])
            if len(window) < len(word):
                continue
            if window in exact:
                hit = None
                i += len(window) - 1
                break
            if sum(a != b for a, b in zip(window, word, strict=True)) == 1:
                if hit is not None and hit != word:
                    hit = None  # one character away from two labels: leave it
                    break
                hit = word
        if hit is not None:
            fixes.append(f"{''.join(chars[i : i + len(hit)])} → {hit}")
            chars[i : i + len(hit)] = list(hit)
            i += len(hit)
        else:
            i += 1
    digits = _ocr_digits()
    out = "".join(chars)

    def number(m: re.Match[str]) -> str:
        run = m.group(0)
        if not any(c.isdigit() for c in run) or not all(c.isdigit() or c in digits for c in run):
            return run  # a Latin word (USB3O) or no digit at all
        read = "".join(digits.get(c, c) for c in run)
        if read != run:
            fixes.append(f"{run} → {read}")
        return read

    return _ASCII_RUN_RE.sub(number, out), fixes


_ASCII_RUN_RE = re.compile(r"[A-Za-z0-9]+")


def _ocr(lines: list[SourceLine]) -> list[SourceLine]:
    """OCR text: correct known misreadings, then read the cells as run together; every line is ``low``.

    OCR can misread any character, and only some misreadings can be seen, so
    every line of an OCR document is marked ``low``; the corrections are logged.
    """
    fixed = []
    for line in lines:
        text, fixes = fix_ocr(line.text)
        for fix in fixes:
            logger.info("line %d: OCR correction %s", line.lineno, fix)
        fixed.append(replace(line, text=text))
    return [replace(ln, confidence="low" if ln.text.strip() else None) for ln in _run_together(fixed)]


def _blank_value_before(cell: str, following: list[SourceLine] | None) -> bool:
    """Whether ``cell``, coming after a name, is rather the next name, its own value being ``following``.

    So when ``cell`` reads as words without a number and the cell after it as a
    measurable value: ``养护质量`` followed by ``≥95%`` is a name and its value,
    and the name before ``养护质量`` has a blank value cell.

    Examples:
        >>> _blank_value_before("养护质量", [SourceLine("≥95%", 9)])
        True
        >>> _blank_value_before("85公里", [SourceLine("养护质量", 9)])
        False
        >>> _blank_value_before("明显改善", None)
        False
    """
    from budgetkit.parse_value import MEASURABLE_KINDS, parse_indicator_value

    if following is None:
        return False
    after = join_wrapped([ln.text.strip() for ln in following])
    words = parse_indicator_value(cell)
    return (
        words.kind not in MEASURABLE_KINDS
        and words.num is None
        and parse_indicator_value(after).kind in MEASURABLE_KINDS
        and after not in _level_labels()
    )


#: A title (…绩效目标表) or unit line (单位:万元) above a table ends the indicator section before it.
_TABLE_TOP_RE = re.compile(r"绩效目标表$|^(?:金额)?单位[:]")


#: Rewrites named in ``layouts.csv``: the document's lines in, the same lines in the seed's shape out.
REWRITES: dict[str, Callable[[list[SourceLine]], list[SourceLine]]] = {
    "none": _none,
    "pipe_cells": _pipe_cells,
    "run_together": _run_together,
    "one_cell": _one_cell,
    "ocr": _ocr,
}


@dataclass(frozen=True)
class Layout:
    """One text layout (a row of ``metadata/layouts.csv``)."""

    name: str
    rewrite: str
    detect: re.Pattern[str] | None
    min_share: float
    description: str
    scope: str = "line"  # "line": share of lines matching; "text": one match in the whole text


@cache
def load_layouts() -> tuple[Layout, ...]:
    """Return the layouts in detection order.

    Examples:
        >>> [layout.name for layout in load_layouts()]
        ['pipe', 'ocr', 'run_together', 'one_cell', 'seed']
    """
    rows = read_metadata("layouts")
    layouts = []
    for row in rows:
        if row["rewrite"] not in REWRITES:
            raise ValueError(f"layouts.csv: layout {row['name']!r} names unknown rewrite {row['rewrite']!r}")
        layouts.append(
            Layout(
                name=row["name"],
                rewrite=row["rewrite"],
                detect=re.compile(row["detect"]) if row["detect"] else None,
                min_share=float(row["min_share"]),
                description=row["description"],
                scope=row["scope"] or "line",
            )
        )
    return tuple(layouts)


def detect_layout(lines: Sequence[SourceLine]) -> tuple[Layout, list[SourceLine]]:
    """Detect the layout of ``lines`` and return it with the lines rewritten to the seed's shape."""
    texts = [ln.text for ln in lines if ln.text.strip()]
    whole = "\n".join(ln.text for ln in lines)
    for layout in load_layouts():
        if layout.detect is None:
            share = 1.0
        elif layout.scope == "text":
            share = 1.0 if layout.detect.search(whole) else 0.0
        else:
            share = sum(bool(layout.detect.search(t)) for t in texts) / max(len(texts), 1)
        if share >= layout.min_share and (layout.detect is None or share > 0):
            logger.info("layout %s (%.0f%% of %d lines match): %s", layout.name, share * 100, len(texts),
                        layout.description)
            return layout, REWRITES[layout.rewrite](list(lines))
    raise AssertionError("layouts.csv must end with a layout that matches everything")  # pragma: no cover
