"""Render answer keys in the grid shapes of real form families, as XLSX workbooks and HTML pages.

Each family is a layout of the cells real publishers print (see ``../shared/realfiles/volumes/README.md``);
the strings are the key's own. A layout gives, per table, the text lines above the grid and the grid's
:class:`render.Box` cells. The families:

* ``shenzhen_workbook``: 二级项目支出绩效目标申报表 sheets: label|value pairs in two column groups,
  一级指标 | 二级指标 | 三级指标 | 目标值 | 指标解释, level cells merged down their blocks, a 不适用
  placeholder row in every level-1 block;
* ``beijing_grid``: every project in ONE grid, the project in a column (code line above a numbered
  name), its total and goal in columns, the value split over 绩效指标性质 | 本年绩效指标值 | 绩效度量单位
  (定性 rows print the words in the value cell), the two-row header repeated every ten rows (a new page);
* ``quanzhou_title``: no 项目名称 row, the name only in the title above the grid, a 目标值 column;
* ``central_vertical``: the block label 绩效指标 printed one character a line down its merged cell,
  a 分值 column after the value;
* ``block_every_row``: the block label 绩效指标 in the first column of every row, levels on every row;
* ``township_grid``: a unit's projects in ONE grid (部门预算项目绩效目标申报表, 井研县 2023): 单位名称 | 项目名称 |
  预算数 | 年度目标 merged down their projects' rows (the unit over all its projects), levels on every row, the
  value split over 指标性质 | 指标值 | 度量单位, then 权重 | 指标方向性; amounts in 元 with thousands separators;
  a department-total row above the projects. As text (:func:`write_pipe_text`) a merged cell prints once, so a
  project's later rows lack their first cells.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from render import Box

#: A target as three cells: comparator, number, unit.
_SPLIT_RE = re.compile(r"^(≥|≤|>=|<=|=|＝|>|<)?(\d+(?:\.\d+)?)(%|[^\d\s]{1,6})?$")


def _blocks(values: list) -> list[tuple[int, int]]:
    """``(start, length)`` of the runs of equal consecutive values."""
    out: list[tuple[int, int]] = []
    for k, v in enumerate(values):
        if out and values[out[-1][0]] == v:
            out[-1] = (out[-1][0], out[-1][1] + 1)
        else:
            out.append((k, 1))
    return out


def _levels(boxes: list[Box], rows: list[dict], top: int, cols: tuple[int, int], merged: bool = True) -> None:
    """Level-1 and level-2 cells of ``rows`` from grid row ``top``: merged down their blocks, or on every row."""
    l1 = [r.get("level1") or "" for r in rows]
    l2 = [(r.get("level1") or "", r.get("level2") or "") for r in rows]
    for col, labels, text in ((cols[0], l1, lambda v: v), (cols[1], l2, lambda v: v[1])):
        if merged:
            for start, n in _blocks(labels):
                boxes.append(Box(top + start, col, text(labels[start]), rs=n))
        else:
            for k, v in enumerate(labels):
                boxes.append(Box(top + k, col, text(v)))


def shenzhen_workbook(key: dict) -> list[tuple[list[str], list[Box]]]:
    out = []
    for p in key["projects"]:
        b = [Box(0, 0, "二级项目支出绩效目标申报表", cs=5),
             Box(1, 0, "项目编码:"), Box(1, 1, "440306231390302000056", cs=2), Box(1, 3, "项目名称:"),
             Box(1, 4, p["name"]),
             Box(2, 0, "申请单位:"), Box(2, 1, p.get("implementing_unit") or "", cs=2), Box(2, 3, "一级预算单位:"),
             Box(2, 4, p.get("department") or ""),
             Box(3, 0, "项目总金额(中期规划,万元):"), Box(3, 1, "" if p.get("total_wan") is None else
                                                      f"{p['total_wan']:,.2f}", cs=2),
             Box(3, 3, "本年度项目金额(万元):"), Box(3, 4, ""),
             Box(4, 0, "年度目标:"), Box(4, 1, p.get("goal") or "完成年度任务。", cs=4),
             Box(5, 0, "一级指标", th=True), Box(5, 1, "二级指标", th=True), Box(5, 2, "三级指标", th=True),
             Box(5, 3, "目标值", th=True), Box(5, 4, "指标解释", th=True)]
        rows: list[dict] = []
        for k, ind in enumerate(p["indicators"]):
            rows.append(ind)
            last_of_block = k + 1 == len(p["indicators"]) or p["indicators"][k + 1].get("level1") != ind.get("level1")
            if last_of_block:  # the template's unused slot of the block
                rows.append({"level1": ind.get("level1"), "level2": "其他", "name": "不适用", "value": "不适用"})
        _levels(b, rows, 6, (0, 1))
        for k, r in enumerate(rows):
            b += [Box(6 + k, 2, r["name"]), Box(6 + k, 3, r["value"]),
                  Box(6 + k, 4, r["value"] if r["name"] == "不适用" else f"{r['name']}{r['value']}")]
        b.append(Box(6 + len(rows), 0, "备注:作为导入模板,置灰信息无需录入。", cs=5))
        out.append(([], b))
    return out


def split_value(value: str) -> tuple[str, str, str]:
    """A target as the three cells 性质 | 值 | 单位 (``定性`` and the words where it is no number)."""
    m = _SPLIT_RE.match(value)
    if m is None:
        return "定性", value, ""
    return m.group(1) or "", m.group(2), m.group(3) or ""


def beijing_grid(key: dict) -> list[tuple[list[str], list[Box]]]:
    head = ["项目名称", "项目总额", "绩效目标", "一级指标", "二级指标", "三级指标", "绩效指标性质", "本年绩效指标值",
            "绩效度量单位"]
    b: list[Box] = []
    r = 0

    def header() -> None:
        nonlocal r
        for c, t in enumerate(head):
            b.append(Box(r, c, t, th=True))
        r += 1

    header()
    since = 0
    for n, p in enumerate(key["projects"], 1):
        if since >= 10:
            header()
            since = 0
        start = r
        for ind in p["indicators"]:
            b += [Box(r, 3, ind.get("level1") or ""), Box(r, 4, ind.get("level2") or ""), Box(r, 5, ind["name"])]
            b += [Box(r, 6 + k, t) for k, t in enumerate(split_value(ind["value"]))]
            r += 1
            since += 1
        rs = r - start
        b += [Box(start, 0, f"11000021T00000011{n:02d}\n{p['name']}", rs=rs),
              Box(start, 1, "" if p.get("total_wan") is None else f"{p['total_wan']:.6f}", rs=rs),
              Box(start, 2, p.get("goal") or "完成年度任务。", rs=rs)]
    return [(["预算表12 项目支出绩效目标表", "金额单位:万元"], b)]


def quanzhou_title(key: dict) -> list[tuple[list[str], list[Box]]]:
    out = []
    for p in key["projects"]:
        n = len(p["indicators"])
        b = [Box(0, 0, "专项资金情况(万元)", rs=3), Box(0, 1, "资金总额:"),
             Box(0, 2, "" if p.get("total_wan") is None else f"{p['total_wan']:.2f}", cs=3),
             Box(1, 1, "财政拨款:"), Box(1, 2, "", cs=3), Box(2, 1, "其他资金:"), Box(2, 2, "0.00", cs=3),
             Box(3, 0, "项目实施期目标"), Box(3, 1, p.get("goal") or "完成年度任务。", cs=4),
             Box(4, 0, "绩效目标指标", rs=n + 1), Box(4, 1, "一级指标"), Box(4, 2, "二级指标"), Box(4, 3, "三级指标"),
             Box(4, 4, "目标值")]
        _levels(b, p["indicators"], 5, (1, 2))
        b += [Box(5 + k, c, t) for k, ind in enumerate(p["indicators"]) for c, t in ((3, ind["name"]), (4, ind["value"]))]
        out.append(([f"{p['name']}项目绩效目标表"], b))
    return out


def central_vertical(key: dict) -> list[tuple[list[str], list[Box]]]:
    out = []
    for p in key["projects"]:
        n = len(p["indicators"])
        b = [Box(0, 0, "项目名称"), Box(0, 1, p["name"], cs=5),
             Box(1, 0, "主管部门"), Box(1, 1, p.get("department") or "", cs=2), Box(1, 3, "实施单位"),
             Box(1, 4, p.get("implementing_unit") or "", cs=2),
             Box(2, 0, "年度资金总额"), Box(2, 1, "" if p.get("total_wan") is None else f"{p['total_wan']:,.2f}", cs=5),
             Box(3, 0, "年\n度\n总\n体\n目\n标"), Box(3, 1, p.get("goal") or "完成年度任务。", cs=5),
             Box(4, 0, "绩\n效\n指\n标", rs=n + 1), Box(4, 1, "一级指标"), Box(4, 2, "二级指标"), Box(4, 3, "三级指标"),
             Box(4, 4, "指标值"), Box(4, 5, "分值")]
        _levels(b, p["indicators"], 5, (1, 2))
        b += [Box(5 + k, c, t) for k, ind in enumerate(p["indicators"])
              for c, t in ((3, ind["name"]), (4, ind["value"]), (5, "10"))]
        out.append(([f"{p['name']}项目绩效目标表"], b))
    return out


def block_every_row(key: dict) -> list[tuple[list[str], list[Box]]]:
    out = []
    for p in key["projects"]:
        b = [Box(0, 0, "项目名称"), Box(0, 1, p["name"], cs=4),
             Box(1, 0, "项目总额"), Box(1, 1, "" if p.get("total_wan") is None else f"{p['total_wan']:.2f}", cs=4),
             Box(2, 0, "年度绩效目标"), Box(2, 1, p.get("goal") or "完成年度任务。", cs=4),
             Box(3, 0, "绩效指标"), Box(3, 1, "一级指标"), Box(3, 2, "二级指标"), Box(3, 3, "三级指标"),
             Box(3, 4, "指标值")]
        _levels(b, p["indicators"], 4, (1, 2), merged=False)
        b += [Box(4 + k, c, t) for k, ind in enumerate(p["indicators"])
              for c, t in ((0, "绩效指标"), (3, ind["name"]), (4, ind["value"]))]
        out.append(([f"{p['name']}政策和项目预算绩效目标表"], b))
    return out


def _coded(level: str | None, codes: dict[str, int], base: int) -> str:
    """A level label with its numeric code (1-产出指标, 11-数量指标), codes given in order of appearance."""
    level = level or ""
    if level not in codes:
        codes[level] = base + len(codes) + 1
    return f"{codes[level]}-{level}"


def guangzhou_packed(key: dict) -> list[tuple[list[str], list[Box]]]:
    """One row a project, all its indicators numbered and coded in ONE 绩效指标 cell, under a unit group row."""
    b = [Box(0, c, t) for c, t in enumerate(["项目名称(资金使用单位)", "总计", "财政拨款", "财政专户拨款", "其他资金",
                                             "绩效目标", "绩效指标"])]
    b += [Box(1, 0, "合计"), Box(1, 1, "1.00")]
    r = 2
    unit = None
    for p in key["projects"]:
        if p.get("implementing_unit") != unit:
            unit = p.get("implementing_unit")
            b += [Box(r, 0, unit or "单位"), Box(r, 1, "1.00")]
            r += 1
        l1: dict[str, int] = {}
        items = []
        for n, ind in enumerate(p["indicators"], 1):
            a = _coded(ind.get("level1"), l1, 0)
            c = f"{a.split('-')[0]}{len([k for k in l1 if k]) + n}-{ind.get('level2') or ''}"
            items.append(f"{n}、{a};{c};{ind['name']};实施周期指标值:{ind['value']};年度指标值:{ind['value']}。")
        b += [Box(r, 0, p["name"]), Box(r, 1, "" if p.get("total_wan") is None else f"{p['total_wan']:,.2f}"),
              Box(r, 5, p.get("goal") or "完成年度任务。"), Box(r, 6, "".join(items))]
        r += 1
    taken = {(x.r, x.c) for x in b}
    b += [Box(row, c, "") for row in range(r) for c in range(7) if (row, c) not in taken]  # HTML prints every cell
    return [(["项目支出绩效目标表(含转移支付项目)", "部门名称:某局 单位:万元"], b)]


def _yuan(total_wan: float | None) -> str:
    return "" if total_wan is None else f"{total_wan * 10000:,.2f}"


def township_grid(key: dict) -> list[tuple[list[str], list[Box]]]:
    """A unit's projects in one grid, the project in a column, merged down its rows (see the module docstring)."""
    head = ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值",
            "度量单位", "权重", "指标方向性"]
    b = [Box(0, c, t, th=True) for c, t in enumerate(head)]
    department = key["projects"][0].get("department") or "820-某镇部门"
    b += [Box(1, 0, department, cs=2), Box(1, 2, _yuan(sum(p.get("total_wan") or 0 for p in key["projects"])))]
    r = 2
    units: list[tuple[int, str]] = []  # (first row, unit) of each run of projects of one unit
    for p in key["projects"]:
        unit = p.get("implementing_unit") or "820001-某镇人民政府"
        if not units or units[-1][1] != unit:
            units.append((r, unit))
        start = r
        for ind in p["indicators"]:
            b += [Box(r, 4, ind.get("level1") or ""), Box(r, 5, ind.get("level2") or ""), Box(r, 6, ind["name"])]
            b += [Box(r, 7 + k, t) for k, t in enumerate(split_value(ind["value"]))]
            b += [Box(r, 10, "10"), Box(r, 11, "正向指标")]
            r += 1
        b += [Box(start, 1, p["name"], rs=r - start), Box(start, 2, _yuan(p.get("total_wan")), rs=r - start),
              Box(start, 3, p.get("goal") or "完成年度任务。", rs=r - start)]
    ends = [s for s, _ in units[1:]] + [r]
    b += [Box(s, 0, u, rs=e - s) for (s, u), e in zip(units, ends, strict=True)]
    return [(["部门预算项目绩效目标申报表(2023年度)", "金额单位:元"], b)]


FAMILIES = {f.__name__: f for f in (shenzhen_workbook, beijing_grid, quanzhou_title, central_vertical,
                                     block_every_row, guangzhou_packed, township_grid)}


def write_pipe_text(tables: list[tuple[list[str], list[Box]]], path: Path) -> Path:
    """The grids as a web page flattened to text: a row a line, its cells between pipes, padded at its end;
    a merged cell prints once, in the row it starts (the rows it spans down lack it, as do the columns it spans
    across); a cell's lines joined."""
    lines = []
    for above, boxes in tables:
        lines += [f"| {t} | ||||||||||||" for t in above]
        for r in sorted({x.r for x in boxes}):
            cells = [x.text.replace("\n", "") for x in sorted((x for x in boxes if x.r == r), key=lambda x: x.c)]
            lines.append("| " + " | ".join(cells) + " | |||||")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(tables: list[tuple[list[str], list[Box]]], path: Path) -> Path:
    """One sheet per table: its text lines, then its grid with merged ranges."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k, (lines, boxes) in enumerate(tables, 1):
        ws = wb.create_sheet(f"{k}")
        for r, text in enumerate(lines, 1):
            ws.cell(row=r, column=1, value=text)
        top = len(lines) + 1
        for b in boxes:
            cell = ws.cell(row=top + b.r, column=1 + b.c, value=b.text or None)
            cell.data_type = "s"
            if b.rs > 1 or b.cs > 1:
                ws.merge_cells(start_row=top + b.r, start_column=1 + b.c, end_row=top + b.r + b.rs - 1,
                               end_column=b.c + b.cs)
    wb.save(path)
    return path


def write_html(tables: list[tuple[list[str], list[Box]]], path: Path) -> Path:
    """One page: each table's text lines as paragraphs, then its grid."""
    parts = []
    for lines, boxes in tables:
        parts += [f"<p>{html.escape(t)}</p>" for t in lines]
        parts.append('<table border="1">')
        for r in sorted({b.r for b in boxes}):
            cells = []
            for b in sorted((b for b in boxes if b.r == r), key=lambda b: b.c):
                attrs = (f' rowspan="{b.rs}"' if b.rs > 1 else "") + (f' colspan="{b.cs}"' if b.cs > 1 else "")
                text = "<br>".join(html.escape(t) for t in b.text.split("\n")) if b.text else "&nbsp;"
                cells.append(f"<td{attrs}>{text}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    page = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>绩效目标表</title></head><body>" + \
        "\n".join(parts) + "</body></html>"
    path.write_text(page, encoding="utf-8")
    return path
