"""Family tests of the grid passes' reading rules (issue 22): each rule's family rendered from answer keys.

Each test renders hand answer keys (``../shared``'s ``*.expected.json``, the achievement keys) in the shape of
the family the rule serves and checks the reading against the key: the expected values are the key's, never
the parser's. Each param id names the family. With the rule switched off (``rules.switched_off`` or
``BUDGETKIT_RULES_OFF``; ``benchmarks/rules_switch_off.py``) the family's test fails.

- ``grid.pipe-table-as-grid`` (one-grid-many-projects, incoming 07): a unit's projects in one grid, the project
  in a column merged down its rows, flattened to pipe rows whose merged cells print once;
- ``serialized.rows-by-order`` (columns-printed-in-runs, incoming A16): a self-evaluation whose text layer
  writes the values of every row in one run, then the names;
- ``serialized.names-only-when-cut`` (columns-printed-in-runs): that section cut before its values (the value
  column labels after the names, no value printed): its names are reported, never read with other names as values;
- ``packed.numbered-items`` (packed-cells, the 广州 2026 volume): one row a project, its indicators numbered and
  coded in one cell;
- ``grid.head-text-lines`` (project-names, the 泉州 2026 volumes): the name printed only in the title above the
  grid;
- ``grid.title-wrapped`` (project-names): that title wrapped over two lines;
- ``grid.head-form-in-two-grids`` (project-names): the header fields drawn as one table, the indicators as another
  just below;
- ``grid.header-two-rows`` (split-values): 性质 | 值 | 单位 printed in a second header row under 指标值;
- ``grid.short-level-words`` (short-level-labels, 深圳 二级项目 workbooks): level-2 cells print 数量 for 数量指标.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from pathlib import Path

import pytest

from budgetkit.model.tables import write_tables
from budgetkit.parse import parse_file, parse_lines
from grid_families import (
    guangzhou_packed,
    quanzhou_title,
    shenzhen_workbook,
    split_value,
    township_grid,
    write_html,
    write_pipe_text,
)
from render import SHARED, Box, load_tool, table_keys

INCOMING = SHARED / "incoming"
CORPUS = SHARED / "corpus"
VOLUMES = SHARED / "realfiles" / "volumes"
SCORER = SHARED / "tools" / "score_corpus.py"
_SKIP = pytest.mark.skipif(not VOLUMES.is_dir(), reason=f"{SHARED} not found: the answer keys are not here")


def _norm(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def _usable(key: dict) -> dict | None:
    """The key with its projects that have indicators, where names are unique and no target is an area's."""
    projects = [p for p in key.get("projects", []) if p.get("indicators") and p.get("name")]
    names = [_norm(p["name"]) for p in projects]
    if not projects or len(set(names)) != len(names) or any(i.get("area") for p in projects for i in p["indicators"]):
        return None
    return dict(key, projects=projects)


def _keys(family: str, folder: Path, *starts: str) -> list:
    """``pytest.param(key)`` of the usable keys under ``folder`` whose names start with one of ``starts``."""
    out = []
    for name, key in table_keys([folder]):
        if any(name.startswith(s) for s in starts) and (key := _usable(key)) is not None:
            out.append(pytest.param(key, id=f"{family}-{name.split('__')[-1][:28]}"))
    return out


def _read(path: Path):
    return parse_file(path)


def _pairs(tables) -> list[tuple[str, str, str]]:
    """``(project, indicator, value)`` of the reading, normalised."""
    names = dict(zip(tables.projects["project_id"], tables.projects["project"], strict=True))
    return sorted((_norm(names.get(r.project_id)), _norm(r.indicator), _norm(r.value))
                  for r in tables.indicators.itertuples())


def _key_pairs(key: dict) -> list[tuple[str, str, str]]:
    return sorted((_norm(p["name"]), _norm(i["name"]), _norm(i["value"])) for p in key["projects"]
                  for i in p["indicators"])


# --- grid.pipe-table-as-grid --------------------------------------------------------------------------------


_PIPE_CODE = re.compile(r"^\d{6,}")


def _one_grid(key: dict) -> bool:
    return not any(_PIPE_CODE.match(_norm(p["name"])) for p in key["projects"])


@_SKIP
@pytest.mark.parametrize("key", [k for k in _keys("one-grid-many-projects", INCOMING, "07_", "A1", "01_", "03_")
                                 if _one_grid(k.values[0])][:4])
def test_one_grid_many_projects_as_pipe_text(key, tmp_path):
    """Every project of the key in one grid, the project a column, as pipe rows: each project as the key has it."""
    path = write_pipe_text(township_grid(key), tmp_path / "page.txt")
    write_tables(_read(path), tmp_path / "out")
    score, _, findings = load_tool(SCORER).score_doc(key, tmp_path / "out")
    assert score == 1.0, "\n".join(findings[:20])


# --- serialized.rows-by-order -------------------------------------------------------------------------------


def _serialized_params() -> list:
    from test_serialized_selfeval import _projects  # lazy: a test module's key loader, read only when collected

    return [pytest.param(p.values[0], id=f"columns-printed-in-runs-{p.id}") for p in _projects()[:3]]


@pytest.mark.parametrize("rows", _serialized_params())
def test_self_evaluation_printed_column_by_column(rows):
    """The i-th name takes the i-th group of the value run: each key row's name, target and actual."""
    from test_serialized_selfeval import _read as read_serialized  # lazy: see _serialized_params

    tables = read_serialized(rows)
    got = [(_norm(r.indicator), _norm(r.value), _norm(r.value_actual)) for r in tables.indicators.itertuples()]
    assert got == [(_norm(r["name"]), _norm(r["target"]), _norm(r["actual"])) for r in rows]


@pytest.mark.parametrize("rows", _serialized_params())
def test_self_evaluation_cut_before_its_values(rows):
    """The names of the key's rows, then the value column labels and nothing more: no indicator row, every
    name reported as a name whose values the file does not hold."""
    from test_serialized_selfeval import LEVEL2, NO_VALUES  # lazy: see _serialized_params

    names = [r["name"] for r in rows if not re.search(r"\d", r["name"])]
    line = ["财政项目支出绩效自评表 (2022 年度) 项目名称 某某帮扶经费 主管部门 某某局",
            "年初预算数 全年预算数 全年执行数 分值 执行率 得分 20000.00 20000.00 4.52 项目资金 (元)",
            "一级指标 二级指标 三级指标 数量指标 产出指标 绩 效 指 标",
            *[f"{LEVEL2[k % len(LEVEL2)]} {n}" for k, n in enumerate(names)], "总分 -2- 年度 指标值"]
    tables = parse_lines(["x.pdf", " ".join(line)], "cut.txt", year=2022)
    assert tables.indicators.empty, tables.indicators[["indicator", "value"]].to_string()
    reported = _norm(" ".join(tables.unparsed.loc[tables.unparsed["reason"] == NO_VALUES, "text"]))
    assert names and all(_norm(n) in reported for n in names), reported


# --- packed.numbered-items ----------------------------------------------------------------------------------


@_SKIP
@pytest.mark.parametrize("key", _keys("packed-cells", VOLUMES, "calinchow-del__renwu__政务服务和数据管理局_广州")
                         + _keys("packed-cells", INCOMING, "07_", "01_")[:2])
def test_packed_cells_are_cut_by_their_numbering(key, tmp_path):
    """One row a project, its indicators numbered and coded in one 绩效指标 cell: each project's as the key has them."""
    tables = _read(write_html(guangzhou_packed(key), tmp_path / "packed.html"))
    assert _pairs(tables) == _key_pairs(key)


# --- grid.head-text-lines, grid.title-wrapped ---------------------------------------------------------------


_TITLE_KEYS = (_keys("project-names", VOLUMES, "calinchow-del__renwu__021_泉州")
               + _keys("project-names", INCOMING, "07_", "01_", "03_"))


@_SKIP
@pytest.mark.parametrize("key", _TITLE_KEYS[:4])
def test_name_only_in_the_title_above_the_grid(key, tmp_path):
    """No 项目名称 row: the title above the grid names the project (the key's name)."""
    tables = _read(write_html(quanzhou_title(key), tmp_path / "titled.html"))
    assert _pairs(tables) == _key_pairs(key)


def _wrapped(tables: list[tuple[list[str], list[Box]]]) -> list[tuple[list[str], list[Box]]]:
    """Each title line wrapped into two: its name's first part, then the rest of the name and 项目绩效目标表."""
    out = []
    for lines, boxes in tables:
        title = lines[0]
        cut = max(4, len(title) - len("项目绩效目标表") - 3)
        out.append(([title[:cut], title[cut:], *lines[1:]], boxes))
    return out


def _wrappable(key: dict) -> bool:
    return all(re.fullmatch(r"[^\s。;:!?]{7,}", _norm(p["name"])) for p in key["projects"])


@_SKIP
@pytest.mark.parametrize("key", [k for k in _TITLE_KEYS if _wrappable(k.values[0])][:4])
def test_title_wrapped_over_two_lines(key, tmp_path):
    """The title above the grid wrapped over two lines: the two make the name (the key's)."""
    tables = _read(write_html(_wrapped(quanzhou_title(key)), tmp_path / "wrapped.html"))
    assert _pairs(tables) == _key_pairs(key)


def two_grids(key: dict) -> list[tuple[list[str], list[Box]]]:
    """Each project's form drawn as two tables: its header fields (项目名称 …), then its indicator section."""
    out = []
    for p in key["projects"]:
        head = [Box(0, 0, "项目名称"), Box(0, 1, p["name"]), Box(1, 0, "主管部门"), Box(1, 1, p.get("department") or ""),
                Box(2, 0, "实施单位"), Box(2, 1, p.get("implementing_unit") or "")]
        body = [Box(0, c, t, th=True) for c, t in enumerate(["一级指标", "二级指标", "三级指标", "指标值"])]
        body += [Box(k, c, t) for k, i in enumerate(p["indicators"], 1)
                 for c, t in enumerate([i.get("level1") or "", i.get("level2") or "", i["name"], i["value"]])]
        out += [([f"{key.get('year') or 2024}年项目支出绩效目标表"], head), ([], body)]
    return out


@_SKIP
@pytest.mark.parametrize("key", _TITLE_KEYS[:4])
def test_header_fields_in_a_table_of_their_own(key, tmp_path):
    """The header fields one table, the indicators the next: the project is the key's, with its indicators."""
    tables = _read(write_html(two_grids(key), tmp_path / "two-grids.html"))
    assert _pairs(tables) == _key_pairs(key)


# --- grid.header-two-rows -----------------------------------------------------------------------------------


def two_row_header(key: dict) -> list[tuple[list[str], list[Box]]]:
    """Each project's form: 项目名称, then 一级指标 | 二级指标 | 三级指标 | 指标值 over 性质 | 值 | 单位, the value split."""
    out = []
    for p in key["projects"]:
        b = [Box(0, 0, "项目名称"), Box(0, 1, p["name"], cs=5),
             Box(1, 0, "一级指标", rs=2, th=True), Box(1, 1, "二级指标", rs=2, th=True),
             Box(1, 2, "三级指标", rs=2, th=True), Box(1, 3, "指标值", cs=3, th=True),
             Box(2, 3, "性质", th=True), Box(2, 4, "值", th=True), Box(2, 5, "单位", th=True)]
        for k, ind in enumerate(p["indicators"], 3):
            b += [Box(k, 0, ind.get("level1") or ""), Box(k, 1, ind.get("level2") or ""), Box(k, 2, ind["name"])]
            b += [Box(k, 3 + n, t) for n, t in enumerate(split_value(ind["value"]))]
        out.append(([f"{key.get('year') or 2024}年项目支出绩效目标表"], b))
    return out


@_SKIP
@pytest.mark.parametrize("key", (_keys("split-values", VOLUMES, "calinchow-del__renwu__021_泉州")
                                 + _keys("split-values", INCOMING, "07_", "01_"))[:3])
def test_split_value_under_a_second_header_row(key, tmp_path):
    """性质 | 值 | 单位 under 指标值: the value as the key prints it, its unit cell the row's unit."""
    tables = _read(write_html(two_row_header(key), tmp_path / "two-rows.html"))
    assert _pairs(tables) == _key_pairs(key)
    got = sorted((_norm(r.indicator), _norm(r.measure_unit) if isinstance(r.measure_unit, str) else "")
                 for r in tables.indicators.itertuples())
    want = sorted((_norm(i["name"]), _norm(split_value(i["value"])[2])) for p in key["projects"]
                  for i in p["indicators"])
    assert got == want


# --- grid.short-level-words ---------------------------------------------------------------------------------

#: The short level-2 words of 深圳's 二级项目 workbooks, by the key's level 2 (as ``metadata/grid_words.csv``'s).
_SHORT = {"数量指标": "数量", "质量指标": "质量", "时效指标": "时效", "成本指标": "成本"}


def _short_levels(tables: list[tuple[list[str], list[Box]]]) -> list[tuple[list[str], list[Box]]]:
    return [(lines, [dataclasses.replace(b, text=_SHORT.get(b.text, b.text)) if b.c == 1 else b for b in boxes])
            for lines, boxes in tables]


def _has_short(key: dict) -> bool:
    return any(i.get("level2") in _SHORT for p in key["projects"] for i in p["indicators"])


@_SKIP
@pytest.mark.parametrize("key", [k for k in _keys("short-level-labels", INCOMING, "07_", "01_", "03_", "A1")
                                 if _has_short(k.values[0])][:3])
def test_short_level_words_in_the_level_column(key, tmp_path):
    """深圳's workbook printing 数量 | 质量 | 时效 | 成本 in its level-2 column: the key's level 2 (数量指标 …)."""
    tables = _read(write_html(_short_levels(shenzhen_workbook(key)), tmp_path / "short.html"))
    want = sorted((_norm(i["name"]), i["level2"]) for p in key["projects"] for i in p["indicators"]
                  if i.get("level2") in _SHORT)
    names = {n for n, _ in want}
    got = sorted((_norm(r.indicator), r.level2) for r in tables.indicators.itertuples() if _norm(r.indicator) in names)
    assert got == want
