"""Metamorphic tests: the same tables, printed another way, must read the same.

Every answer key of ``../shared/corpus`` and the seed's checked tables are laid
out as the common form (:func:`render.form`) and printed as text; then the text
is varied the ways real publishers and extractors vary it, with the variants
drawn from the vocabulary itself (never from one document's words):

* separators: pipe rows (``a | b | |||``), one cell per line closed by a pipe,
  one cell per paragraph (blank lines between), the same with each empty cell
  printed as a line of white space (as a page's ``&nbsp;`` cells copy), tab-separated rows;
* every label (header fields, indicator columns, level 1 and 2) swapped for each
  of its synonyms in ``metadata/vocabulary.csv``;
* every label wrapped at each of its characters, on the next line or over a blank line;
* the header fields in reverse order;
* site furniture (breadcrumb, metadata block, footer) before and after;
* printed as a PDF's line-by-line text extraction prints it: cells parted by one
  space, a merged level cell at the vertical middle of its block (on its middle
  row's line, or on a line of its own between the two middle rows), and long
  level-2 labels wrapped in halves above and below that row;
* laid out in columns of spaces as ``pdftotext -layout`` prints a PDF: each
  column as wide as its widest cell up to a limit, longer cells wrapped onto the
  next lines in their column;
* flattened onto one line, cells parted by one space, as a web page's text often is
  (a space inside a cell could not be told from the separator, so cells have none).

The reading (projects and totals; each indicator's canonical level 1 and 2,
name, value and area) must equal the reading of the plain pipe rendering.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from budgetkit.model.normalize import display_width
from budgetkit.parse import parse_file
from budgetkit.vocab.vocabulary import lookup, terms
from render import _heading, corpus_keys, form, seed_key

KEYS = [("seed", seed_key()), *corpus_keys()]
IDS = [name[:28] for name, _ in KEYS]

#: Site furniture a web page puts around a table (breadcrumb, metadata block, footer).
FURNITURE_BEFORE = ["您所在的位置 > 首页 > 信息公开 > 预决算", "索 引 号 | 000000/2025-001 | 主题分类 | 财政 |",
                    "发布机构 | 某局 | 发布日期 | 2025-02-21 |"]
FURNITURE_AFTER = ["扫一扫在手机打开当前页", "相关解读", "主办:某县人民政府  承办:某县人民政府办公室",
                   "网站标识码:3714240016  鲁ICP备06032897号"]


def grid(project: dict, key: dict) -> tuple[list[list[str]], int]:
    """The printed rows of one project's form (cells a merged cell covers print nothing) and the header's height."""
    boxes, nrows, _ = form(project, key)
    rows: list[list[str]] = [[] for _ in range(nrows)]
    for box in sorted(boxes, key=lambda b: (b.r, b.c)):
        rows[box.r].append(box.text)
    header = next(i for i, row in enumerate(rows) if row[:1] == ["一级指标"])
    return rows, header


def tables_of(key: dict) -> list[tuple[list[list[str]], int]]:
    return [grid(p, key) for p in key["projects"]]


def print_rows(rows: list[list[str]], sep: str) -> list[str]:
    """Lines of ``rows`` printed with separator style ``sep``."""
    out: list[str] = []
    for row in rows:
        if sep == "paragraphs":  # a page copied one cell per paragraph, an empty cell a line of white space
            for c in row:
                out += [c or " ", ""]
            continue
        cells = [c for c in row if c]
        if sep == "pipe":
            out.append(" | ".join(cells) + " | |||")
        elif sep == "lines":
            out += [f"{c} |" for c in cells] + ["|||"]
        elif sep == "blank":
            for c in cells:
                out += [c, ""]
        elif sep == "tab":
            out.append("\t".join(cells))
    return out


def render_text(key: dict, sep: str = "pipe", furniture: bool = False, reverse_header: bool = False,
                rename: dict[str, str] | None = None) -> list[str]:
    lines = list(FURNITURE_BEFORE) if furniture else []
    for rows, header in tables_of(key):
        rows = [[(rename or {}).get(c, c) for c in row] for row in rows]
        if reverse_header:
            rows = rows[:header][::-1] + rows[header:]
        lines += _heading(key) + print_rows(rows, sep)
    if furniture:
        lines += FURNITURE_AFTER
    return lines


def _squeeze(v):
    """A cell without its white space: whether a space inside a cell was printed, text cannot always tell."""
    return None if pd.isna(v) else "".join(str(v).split())


def reading(path: Path) -> tuple[list, list]:
    tables = parse_file(path)
    projects = [(_squeeze(p.project), None if pd.isna(p.total_wan) else round(p.total_wan, 6))
                for p in tables.projects.itertuples()]
    cols = ["level1", "level2", "indicator", "value", "area"]
    inds = [tuple(_squeeze(v) for v in row) for row in tables.indicators[cols].values.tolist()]
    return projects, inds


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / f"{name}.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def labels_of(key: dict) -> set[str]:
    """Every printed label of the rendering: the vocabulary's terms among the cells (not names or values)."""
    out = set()
    for rows, header in tables_of(key):
        for r, row in enumerate(rows):
            for k, c in enumerate(row):
                m = lookup(c) if c else None
                if m is None:
                    continue
                if r < header and k % 2 == 0 or r == header or r > header and k < 2 and c not in (row[-1],):
                    out.add(c)
    return out


def synonyms(label: str) -> list[str]:
    """The other terms of the vocabulary with the same role and field as ``label``."""
    m = lookup(label)
    if m is None:
        return []
    term = m.term
    if m.qualifiers or term.role not in ("field", "goal", "column", "level1", "level2"):
        return []
    if len({t.role for t in m.terms}) > 1:  # 成本指标 is a level 1 and a level 2: a synonym of one role is not of both
        return []
    same = []
    for ts in terms().values():
        for t in ts:
            if (t.role, t.field) == (term.role, term.field) and t.term != term.term and t.match == "exact":
                same.append(t.term)
    return sorted(set(same))


@pytest.fixture(scope="module")
def base_readings(tmp_path_factory) -> dict[str, tuple]:
    folder = tmp_path_factory.mktemp("base")
    return {name: reading(write(folder, f"k{n}", render_text(key))) for n, (name, key) in enumerate(KEYS)}


def same_reading(got: tuple, want: tuple) -> None:
    assert got[0] == want[0], "projects differ"
    assert got[1] == want[1], "indicators differ"


@pytest.mark.parametrize("sep", ["lines", "blank", "paragraphs", "tab"])
@pytest.mark.parametrize(("name", "key"), KEYS, ids=IDS)
def test_separators_do_not_change_the_reading(tmp_path, base_readings, name, key, sep):
    same_reading(reading(write(tmp_path, "t", render_text(key, sep=sep))), base_readings[name])


@pytest.mark.parametrize(("name", "key"), KEYS, ids=IDS)
def test_site_furniture_and_header_order_do_not_change_the_reading(tmp_path, base_readings, name, key):
    same_reading(reading(write(tmp_path, "f", render_text(key, furniture=True))), base_readings[name])
    same_reading(reading(write(tmp_path, "r", render_text(key, reverse_header=True))), base_readings[name])


@pytest.mark.parametrize(("name", "key"), KEYS, ids=IDS)
def test_every_label_swapped_for_each_synonym_reads_the_same(tmp_path, base_readings, name, key):
    labels = sorted(labels_of(key))
    groups = {label: synonyms(label) for label in labels}
    width = max((len(s) for s in groups.values()), default=0)
    assert width > 0, "the vocabulary has synonyms for the common form's labels"
    for k in range(width):  # variant k uses the k-th synonym of every label that has one
        rename = {label: syns[k % len(syns)] for label, syns in groups.items() if syns}
        got = reading(write(tmp_path, f"s{k}", render_text(key, rename=rename)))
        same_reading(got, base_readings[name])


@pytest.mark.parametrize("blank", [False, True], ids=["next-line", "over-a-blank-line"])
@pytest.mark.parametrize(("name", "key"), KEYS, ids=IDS)
def test_labels_wrapped_at_every_character_read_the_same(tmp_path, base_readings, name, key, blank):
    labels = [label for label in labels_of(key) if len(label) > 1]
    longest = max((len(label) for label in labels), default=1)
    for at in range(1, longest):  # variant: every label longer than `at` wrapped after its `at`-th character
        lines = []
        for line in render_text(key, sep="lines"):
            text = line.removesuffix(" |")
            if text in labels and len(text) > at:
                lines += [text[:at], *([""] if blank else []), text[at:] + " |"]
            else:
                lines.append(line)
        got = reading(write(tmp_path, f"w{at}", lines))
        same_reading(got, base_readings[name])


#: The characters of a wrapped level-2 cell printed above its row (the rest below), as a narrow column wraps them.
WRAP_AT = 4
#: One printed character: a Chinese one with the pinyin a mirror site inserted after it (``標(biāo)``) counts as one.
_CHAR_RE = re.compile(r"[\u3400-\u9fff](?:\([a-zà-ǜ]{1,7}\))?|.")


def render_centred(key: dict, halves: bool = False) -> list[str]:
    """The key as text extracted line by line from its PDF: merged level cells printed at their block's middle."""
    lines = []
    for project in key["projects"]:
        boxes, nrows, _ = form(project, key)
        header = next(b.r for b in boxes if b.text == "一级指标")
        body_top = max(b.r + b.rs for b in boxes if b.th and b.r >= header)
        inline: dict[int, list[str]] = {}  # labels printed at the start of a row's line
        between: dict[int, list[str]] = {}  # labels on a line of their own before row r's line
        above: dict[int, list[str]] = {}
        below: dict[int, list[str]] = {}
        for b in sorted(boxes, key=lambda b: (b.r, b.c)):
            if b.r < body_top or b.c > 1 or not b.text:
                continue
            middle = b.r + b.rs // 2
            if b.rs % 2 == 0:
                between.setdefault(middle, []).append(b.text)
            elif halves and b.c == 1 and len(chars := _CHAR_RE.findall(b.text)) > WRAP_AT:
                above.setdefault(middle, []).append("".join(chars[:WRAP_AT]))
                below.setdefault(middle, []).append("".join(chars[WRAP_AT:]))
            else:
                inline.setdefault(middle, []).append(b.text)
        lines += _heading(key)
        for r in range(nrows):
            cells = [b.text for b in sorted(boxes, key=lambda b: b.c) if b.r == r and (r < body_top or b.c > 1)]
            for part in (between.get(r), above.get(r)):
                if part:
                    lines.append(" ".join(part))
            lines.append(" ".join([*inline.get(r, []), *[c for c in cells if c]]))
            if below.get(r):
                lines.append(" ".join(below[r]))
    return lines


#: The widest a column is laid out (display columns; a Chinese character takes two), and the gap between columns.
COLUMN_CAP, COLUMN_GAP = 24, 3


def _wrapped(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` display columns (a character with its pinyin is not split)."""
    out, line = [], ""
    for ch in _CHAR_RE.findall(text):
        if line and display_width(line + ch) > width:
            out.append(line)
            line = ch
        else:
            line += ch
    return [*out, line]


def render_layout(key: dict) -> list[str]:
    """The key as ``pdftotext -layout`` prints its PDF: columns of spaces, long cells wrapped within their column."""
    lines = []
    for project in key["projects"]:
        boxes, nrows, ncols = form(project, key)
        boxes = [replace(b, text="".join(b.text.split())) for b in boxes]  # spaces inside a cell are not kept
        width = [min(COLUMN_CAP, max([display_width(b.text) for b in boxes if b.c == c and b.cs == 1] + [4]))
                 for c in range(ncols)]
        start = [sum(width[:c]) + COLUMN_GAP * c for c in range(ncols)]
        lines += _heading(key)
        for r in range(nrows):
            cells = [(b.c, _wrapped(b.text, sum(width[b.c:b.c + b.cs]) + COLUMN_GAP * (b.cs - 1)))
                     for b in sorted(boxes, key=lambda b: b.c) if b.r == r and b.text]
            for k in range(max((len(parts) for _, parts in cells), default=0)):
                line = ""
                for c, parts in cells:
                    if k < len(parts):
                        line += " " * max(COLUMN_GAP if line else 0, start[c] - display_width(line)) + parts[k]
                lines.append(line)
    return lines


def render_flat(key: dict) -> list[str]:
    """The key's tables, headings and all, on one line, cells parted by one space."""
    cells = []
    for rows, _header in tables_of(key):
        cells += _heading(key) + ["".join(c.split()) for row in rows for c in row if c]
    return [" ".join(cells)]


@pytest.mark.parametrize(("name", "key"), KEYS, ids=IDS)
def test_tables_flattened_onto_one_line_read_the_same(tmp_path, base_readings, name, key):
    same_reading(reading(write(tmp_path, "o", render_flat(key))), base_readings[name])


@pytest.mark.parametrize(("name", "key"), KEYS, ids=IDS)
def test_a_table_laid_out_in_columns_with_wrapped_cells_reads_the_same(tmp_path, base_readings, name, key):
    same_reading(reading(write(tmp_path, "l", render_layout(key))), base_readings[name])


@pytest.mark.parametrize("halves", [False, True], ids=["one-line-labels", "labels-in-halves"])
@pytest.mark.parametrize(("name", "key"), KEYS, ids=IDS)
def test_level_labels_printed_at_the_middle_of_their_block_read_the_same(tmp_path, base_readings, name, key,
                                                                         halves):
    same_reading(reading(write(tmp_path, "c", render_centred(key, halves=halves))), base_readings[name])


def test_the_variants_are_real_variants():
    """The generators change the text: a synonym exists for each kind of label, and wraps split labels."""
    assert {"项目支出名称", "资金名称"} <= set(synonyms("项目名称"))
    assert "项目完成指标" in synonyms("产出指标")
    lines = render_text(seed_key(), sep="lines")
    assert "产出指标 |" in lines and len(list(itertools.islice(lines, 3))) == 3
    centred = render_centred(seed_key(), halves=True)
    first_row = centred[centred.index("一级指标 二级指标 三级指标 指标值") + 1]
    assert not first_row.startswith("产出指标"), "a level-1 block of several rows prints its label mid-block"
    assert "服务对象" in centred and "满意度" in centred, "a long level-2 label prints in halves around its row"
    assert len(render_flat(seed_key())) == 1
    laid_out = render_layout(seed_key())
    assert any(line.startswith(" " * COLUMN_CAP) for line in laid_out), "cells wrap within their column"
