"""Render answer keys as the files publishers release: HTML pages, XLSX workbooks and DOCX documents.

An answer key (``*.expected.json`` of ``../shared/corpus``, or the seed's checked
golden tables) lists each project's name, department, implementing unit,
total and indicators (level 1, level 2, name, value as printed). Each project is
laid out as the common performance-target form: a title, its year and unit line,
a header block of label/value cells (项目名称, 主管部门/实施单位, 项目总额, the goal),
then the indicator section under 一级指标/二级指标/三级指标/指标值, level-1 and
level-2 labels merged down their blocks (rowspan), the header values merged
across the columns they fill (colspan). A key with one target per area gets one
column per area under a 区域目标值 header spanning them; a self-evaluation an
实际完成值 column; a department-wide key a 部门名称 label.

Strings are the key's own; the labels are the common form's, not any one
document's. The renderers write:

* :func:`render_html`: the tables inside a page with site furniture (breadcrumb,
  publishing line, notice, footer), wrapped in a layout table, ``&nbsp;`` in
  empty cells, and (``encoding="gbk"``) a GBK page that says so in ``<meta charset>``;
* :func:`render_xlsx` (and :func:`render_xls`, Excel 97–2003 through xlwt): one sheet
  per project, merged ranges, the total a number with a number format;
* :func:`render_docx`: one table per project with merged cells, paragraphs between.
"""

from __future__ import annotations

import csv
import html
import importlib.util
import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The shared material (real corpus, real files): ``$BUDGETKIT_SHARED`` (set by ``.ci/run`` where it found it),
#: else ``../shared`` beside the repository.
SHARED = Path(os.environ.get("BUDGETKIT_SHARED") or ROOT.parent / "shared")
SEED_GOLDEN = ROOT / "tests" / "golden" / "2025-nx-federation-of-trade-unions"


@dataclass(frozen=True)
class Box:
    """One cell of the rendered form: position, spans, text, whether it is a header cell."""

    r: int
    c: int
    text: str
    rs: int = 1
    cs: int = 1
    th: bool = False
    number: float | None = None  # the cell's value as a number (XLSX writes it with a number format)


# --- the keys ----------------------------------------------------------------------------------------------


def load_tool(path: Path):
    """The Python file ``path`` (a scorer of ``../shared/tools``) imported as a module of its own name."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_keys() -> list[tuple[str, dict]]:
    """``(name, key)`` of every answer key under ``../shared/corpus`` (empty when it is absent)."""
    folder = SHARED / "corpus"
    out = []
    for path in sorted(folder.rglob("*.expected.json")):
        out.append((path.name.removesuffix(".expected.json"), json.loads(path.read_text(encoding="utf-8"))))
    return out


def table_keys(folders) -> list[tuple[str, dict]]:
    """``(name, key)`` of every answer key under ``folders`` that keys a table (not ``no_table``, with projects)."""
    out = []
    for folder in folders:
        if folder.is_dir():
            out += [(p.name.removesuffix(".expected.json"), json.loads(p.read_text(encoding="utf-8")))
                    for p in sorted(folder.rglob("*.expected.json"))]
    return [(n, k) for n, k in out if not k.get("no_table") and k.get("projects")]


def sample(cases: list, n: int) -> list:
    """At most ``n`` cases spread over the list (the machine is small; every family keeps several keys)."""
    step = max(1, len(cases) // n)
    return cases[::step][:n]


def block_labels(indicators):
    """``(level1, level2, row)`` of each row of a key, each label printed once, on the first row of its block."""
    last = (None, None)
    for r in indicators:
        l1 = r["level1"] if r["level1"] != last[0] else ""
        l2 = r["level2"] if (r["level1"], r["level2"]) != last else ""
        last = (r["level1"], r["level2"])
        yield l1, l2, r


#: The keys of real self-evaluations (自评表) under ``../shared``.
SELF_EVALUATIONS = (
    "corpus/text/A17_guangxi-feiyi-ziping-2021.expected.json",
    "corpus/text/B15_qingshen-fagai-gongzi-zipingbiao-2023.expected.json",
    "incoming/text/A16_putuo-tiyu-ziping-2022.expected.json",
    "incoming/text/A18_bayannaoer-ziranziyuan-ziping-2024.expected.json",
    "incoming/text/B14_yongde-minglang-yingyang-zipingbiao-2022.expected.json",
    "incoming/text/B16_suixi-minzheng-linshijiuzhu-zipingbiao-2019.expected.json",
    "realfiles/volumes/calinchow-del__renwu__政府办公厅_2026年部门预算.pdf.expected.json",
    "realfiles/volumes/calinchow-del__renwu__017_福州__信访局_国家信访局2024年度部门决算公开.pdf.expected.json",
)


def seed_key() -> dict:
    """The seed's tables as a key, from its golden files (checked against the source by hand)."""
    def rows(name: str) -> list[dict]:
        with open(SEED_GOLDEN / name, encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))

    indicators = rows("indicators.csv")
    projects = []
    for p in rows("projects.csv"):
        projects.append({
            "name": p["project"], "department": p["department"] or None,
            "implementing_unit": p["implementing_unit"] or None,
            "total_wan": float(p["total_wan"]) if p["total_wan"] else None, "goal": p["goal"] or None,
            "indicators": [{"level1": i["level1_printed"] or None, "level2": i["level2_printed"] or None,
                            "name": i["indicator"], "value": i["value"]}
                           for i in indicators if i["project_id"] == p["project_id"]],
        })
    return {"source": "seed", "year": 2025, "kind": "项目支出绩效目标表", "projects": projects}


# --- the form ----------------------------------------------------------------------------------------------


def _amount(v: float) -> str:
    text = format(Decimal(str(v)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _kind(key: dict) -> str:
    kind = key.get("kind") or ""
    if "自评" in kind:
        return "self_evaluation"
    if "部门整体" in kind:
        return "department"
    return "project"


def _title(key: dict) -> str:
    return {"self_evaluation": "项目支出绩效自评表", "department": "部门整体支出绩效目标表"}.get(
        _kind(key), "项目支出绩效目标表")


def _rows_of(project: dict) -> tuple[list[str], list[tuple[str | None, str | None, str, list[str]]]]:
    """Value column labels and the indicator rows ``(level1, level2, name, [values])``."""
    inds = project.get("indicators", [])
    areas = list(dict.fromkeys(i["area"] for i in inds if i.get("area")))
    if areas:
        rows: dict[tuple, dict[str, str]] = {}
        for i in inds:
            rows.setdefault((i.get("level1"), i.get("level2"), i["name"]), {})[i["area"]] = i["value"]
        return areas, [(l1, l2, n, [vals.get(a, "") for a in areas]) for (l1, l2, n), vals in rows.items()]
    if any("actual" in i for i in inds):
        return ["年度指标值", "实际完成值"], [(i.get("level1"), i.get("level2"), i["name"],
                                         [i["value"], i.get("actual") or ""]) for i in inds]
    return ["指标值"], [(i.get("level1"), i.get("level2"), i["name"], [i["value"]]) for i in inds]


def _blocks(labels: list) -> list[int]:
    """Rowspan of each row's label cell: a block of equal, non-empty labels merges; 0 for covered rows."""
    spans = [0] * len(labels)
    i = 0
    while i < len(labels):
        j = i + 1
        if labels[i] is not None:
            while j < len(labels) and labels[j] == labels[i]:
                j += 1
        spans[i] = j - i
        i = j
    return spans


def form(project: dict, key: dict) -> tuple[list[Box], int, int]:
    """The boxes of one project's form, its number of rows and of columns."""
    value_labels, rows = _rows_of(project)
    areas = value_labels if value_labels not in (["指标值"], ["年度指标值", "实际完成值"]) else None
    ncols = 3 + len(value_labels)
    boxes: list[Box] = []
    r = 0

    def line(*cells: tuple) -> None:
        nonlocal r
        c = 0
        for cell in cells:
            text, cs = cell[0], cell[1]
            boxes.append(Box(r, c, text or "", cs=cs, th=len(cell) > 2 and cell[2],
                             number=cell[3] if len(cell) > 3 else None))
            c += cs
        assert c == ncols, (cells, ncols)
        r += 1

    rest = ncols - 1
    name_label = "部门名称" if _kind(key) == "department" else "项目名称"
    line((name_label, 1, True), (project["name"], rest))
    dept, unit = project.get("department"), project.get("implementing_unit")
    if ncols >= 4:
        left = (ncols - 2) // 2 + 1
        line(("主管部门", 1, True), (dept, left - 1), ("实施单位", 1, True), (unit, ncols - left - 1))
    else:
        line(("主管部门", 1, True), (dept, rest))
        line(("实施单位", 1, True), (unit, rest))
    if project.get("total_wan") is not None:
        total = project["total_wan"]
        line(("项目总额", 1, True), (_amount(total), rest, False, total))
    goal = project.get("goal") or f"完成{project['name']}的年度任务。"
    line(("年度总体目标", 1, True), (goal, rest))
    if areas:
        boxes.extend([Box(r, 0, "一级指标", rs=2, th=True), Box(r, 1, "二级指标", rs=2, th=True),
                      Box(r, 2, "三级指标", rs=2, th=True), Box(r, 3, "区域目标值", cs=len(areas), th=True)])
        boxes.extend(Box(r + 1, 3 + k, a, th=True) for k, a in enumerate(areas))
        r += 2
    else:
        line(("一级指标", 1, True), ("二级指标", 1, True), ("三级指标", 1, True), *((v, 1, True) for v in value_labels))
    l1_spans = _blocks([l1 for l1, _, _, _ in rows])
    l2_spans = _blocks([(l1, l2) if l2 is not None else None for l1, l2, _, _ in rows])
    for k, (l1, l2, name, values) in enumerate(rows):
        if l1_spans[k]:
            boxes.append(Box(r, 0, l1 or "", rs=l1_spans[k]))
        if l2_spans[k]:
            boxes.append(Box(r, 1, l2 or "", rs=l2_spans[k]))
        boxes.append(Box(r, 2, name))
        boxes.extend(Box(r, 3 + j, v) for j, v in enumerate(values))
        r += 1
    return boxes, r, ncols


def _heading(key: dict) -> list[str]:
    lines = [_title(key)]
    if key.get("year"):
        lines.append(f"({key['year']}年度)")
    lines.append("单位：万元")
    return lines


# --- HTML ----------------------------------------------------------------------------------------------


def _html_table(boxes: list[Box]) -> str:
    out = ['<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" style="width:100%">', "<tbody>"]
    for r in sorted({b.r for b in boxes}):
        out.append("<tr>")
        for b in sorted((b for b in boxes if b.r == r), key=lambda b: b.c):
            tag = "th" if b.th else "td"
            attrs = (f' rowspan="{b.rs}"' if b.rs > 1 else "") + (f' colspan="{b.cs}"' if b.cs > 1 else "")
            text = html.escape(b.text) if b.text else "&nbsp;"
            out.append(f'<{tag}{attrs}><p style="text-align:center"><span>{text}</span></p></{tag}>')
        out.append("</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def render_html(key: dict, path: Path, encoding: str = "utf-8") -> Path:
    """Write the key's tables as one web page (see the module docstring)."""
    parts = []
    for project in key["projects"]:
        boxes, _, _ = form(project, key)
        heading = "".join(f"<p align=\"center\"><strong>{html.escape(t)}</strong></p>\n" for t in _heading(key))
        parts.append(heading + _html_table(boxes))
    tables = "\n<p>&nbsp;</p>\n".join(parts)
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}">' if encoding != "gbk" else (
        '<meta charset="gbk">')
    page = f"""<!DOCTYPE html>
<html><head>{meta}<title>{html.escape(_title(key))}</title>
<style>td {{ border: 1px solid #000; }}</style><script>var _hmt = _hmt || [];</script></head>
<body>
<div class="header"><a href="/">首页</a> | <a href="/xxgk/">政务公开</a> | <a href="/hdjl/">互动交流</a></div>
<table width="100%" border="0"><tr><td class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a>
&gt; 预算公开</td></tr>
<tr><td>
<div class="info">发布时间：2024-01-15 09:30&nbsp;&nbsp;信息来源：本站&nbsp;&nbsp;浏览次数：128</div>
<div class="content">
<p>根据预算公开有关规定，现将项目支出绩效目标予以公开。</p>
<p>附件：绩效目标表</p>
{tables}
</div>
<div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</td></tr></table>
<div class="footer"><p>主办单位：人民政府办公室&nbsp;&nbsp;版权所有</p><p>网站标识码：1000000000&nbsp;&nbsp;ICP备12345678号</p></div>
</body></html>
"""
    path.write_bytes(page.encode(encoding, errors="xmlcharrefreplace"))
    return path


# --- XLSX ----------------------------------------------------------------------------------------------


def _number_format(v: float) -> str:
    decimals = len(_amount(v).partition(".")[2])
    return "#,##0." + "0" * max(decimals, 2)


def render_xlsx(key: dict, path: Path) -> Path:
    """Write the key's tables as a workbook, one sheet per project (see the module docstring)."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for k, project in enumerate(key["projects"], 1):
        ws = wb.create_sheet(f"表{k}")
        boxes, _, ncols = form(project, key)
        heading = _heading(key)
        for r, text in enumerate(heading, 1):
            ws.cell(row=r, column=1, value=text)
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncols)
        top = len(heading) + 1
        for b in boxes:
            cell = ws.cell(row=top + b.r, column=1 + b.c, value=b.number if b.number is not None else (b.text or None))
            if b.number is not None:
                cell.number_format = _number_format(b.number)
            elif b.text.startswith("="):
                cell.data_type = "s"  # a target value such as =100%, not a formula
            if b.rs > 1 or b.cs > 1:
                ws.merge_cells(start_row=top + b.r, start_column=1 + b.c, end_row=top + b.r + b.rs - 1,
                               end_column=b.c + b.cs)
    wb.save(path)
    return path


def render_xls(key: dict, path: Path) -> Path:
    """Write the key's tables as a legacy ``.xls`` workbook (xlwt), one sheet per project."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for k, project in enumerate(key["projects"], 1):
        ws = wb.add_sheet(f"表{k}")
        boxes, _, ncols = form(project, key)
        heading = _heading(key)
        for r, text in enumerate(heading):
            ws.write_merge(r, r, 0, ncols - 1, text)
        top = len(heading)
        for b in boxes:
            value = b.number if b.number is not None else b.text
            style = xlwt.easyxf(num_format_str=_number_format(b.number)) if b.number is not None else xlwt.Style.default_style
            if b.rs > 1 or b.cs > 1:
                ws.write_merge(top + b.r, top + b.r + b.rs - 1, b.c, b.c + b.cs - 1, value, style)
            else:
                ws.write(top + b.r, b.c, value, style)
    wb.save(str(path))
    return path


# --- DOCX ----------------------------------------------------------------------------------------------


def render_docx(key: dict, path: Path) -> Path:
    """Write the key's tables as a Word document, one table per project (see the module docstring)."""
    import docx

    d = docx.Document()
    d.add_paragraph("根据预算公开有关规定，现将项目支出绩效目标予以公开。")
    for project in key["projects"]:
        boxes, nrows, ncols = form(project, key)
        for text in _heading(key):
            d.add_paragraph(text)
        table = d.add_table(rows=nrows, cols=ncols)
        table.style = "Table Grid"
        for b in boxes:
            table.cell(b.r, b.c).text = b.text
        for b in boxes:
            if b.rs > 1 or b.cs > 1:
                table.cell(b.r, b.c).merge(table.cell(b.r + b.rs - 1, b.c + b.cs - 1))
        d.add_paragraph("")
    d.save(path)
    return path


RENDERERS = {
    "html": render_html,
    "html-gbk": lambda key, path: render_html(key, path, encoding="gbk"),
    "xlsx": render_xlsx,
    "xls": render_xls,
    "docx": render_docx,
}
SUFFIX = {"html": ".html", "html-gbk": ".htm", "xlsx": ".xlsx", "xls": ".xls", "docx": ".docx"}
