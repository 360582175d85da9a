"""The reference pages (``reports/fields.html``, ``reports/rules.html``): the field dictionary and the rules."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from budgetkit.model.fields import load_fields, read_metadata
from budgetkit.project.paths import ProjectPaths
from budgetkit.report.display import ReadingTable
from budgetkit.report.render import Markup, Run, render_page
from budgetkit.report.site_parts import site_nav, write_page
from budgetkit.report.sitemap import SiteMap


def _reference_page(paths: ProjectPaths, site: SiteMap, name: str, title: str, body: str) -> Path:
    page = render_page(title=title, subtitle="", body=Markup(body), nav=site_nav(site, None, name, 0, set()),
                       run=Run(), banners=[])
    return write_page(paths.reports / f"{name}.html", page)


def write_reference_pages(paths: ProjectPaths, site: SiteMap) -> list[Path]:
    """Write ``reports/fields.html`` and ``reports/rules.html``: the field dictionary and the rules.

    ``fields.html`` holds every column of every table and the words of its codes; ``rules.html`` the
    audit rules, the pricing methods, and how projects are linked across years. Both come from the
    package's metadata and code, so they say what this budgetkit does.
    """
    from budgetkit.analyse.audit import list_rules  # lazy: the analyses, for the rules page alone
    from budgetkit.analyse.reconcile import list_strategies  # lazy: the analyses, for the rules page alone

    fields = load_fields()
    parts = ["<p>每张表的每一列：中文名、英文名、类型、单位与说明（<code>metadata/fields.csv</code>）。"
             "表头的提示文字也来自这里。 Every column of every table, from the field dictionary.</p>"
             "<p>CSV 文件中以 = + - @ 开头的文字（电子表格会当作公式执行）前加一个制表符；Parquet 保留原值。 "
             "In the CSV files a text starting with = + - @ (a formula to a spreadsheet) is written after a tab "
             "(<code>metadata/csv_formula.csv</code>); Parquet keeps it as printed.</p>"]
    for table, group in fields.groupby("table", sort=False):
        parts.append(f'<h2 id="{html.escape(table)}">{html.escape(table)}</h2>')
        frame = group[["name", "zh", "en", "dtype", "unit", "description"]].reset_index(drop=True)
        frame["description"] = frame["description"].str.replace("…", "...")  # a list going on, not text cut
        parts.append(ReadingTable(frame, caption="", name=f"fields-{table}", labels={
            "name": ("列名", "column"), "zh": ("中文名", "Chinese"), "en": ("英文名", "English"),
            "dtype": ("类型", "type"), "unit": ("单位", "unit"), "description": ("说明", "description")}).to_html())
    codes = pd.DataFrame(read_metadata("codes"))
    parts.append('<h2 id="codes">代码的中文 Words for codes</h2>')
    parts.append(ReadingTable(codes, caption="", name="codes", labels={
        "table": ("表", "table"), "column": ("列", "column"), "code": ("代码", "code"),
        "zh": ("中文", "Chinese"), "en": ("英文", "English")}).to_html())
    written = [_reference_page(paths, site, "fields", "字段说明 Field dictionary", "".join(parts))]
    rules = list_rules().replace("…", "...", regex=True)
    strategies = list_strategies().replace("…", "...", regex=True)
    words = pd.DataFrame(read_metadata("compare_words"))
    from budgetkit.analyse.links import MIN_SCORE  # lazy: the analyses, for the rules page alone

    body = "".join([
        '<h2 id="audit">目标质量审查规则 Audit rules</h2>',
        ReadingTable(rules, "audit", caption="", name="rules", labels={
            "rule": ("规则", "rule"), "zh": ("中文名", "Chinese"), "en": ("英文名", "English"),
            "description": ("说明", "description")}).to_html(),
        '<h2 id="costs">成本测算方法 Pricing methods</h2>'
        "<p>按顺序尝试，第一个能给项目定价的方法被采用。 Tried in order; the first that prices a project is used.</p>",
        ReadingTable(strategies, caption="", name="strategies", labels={
            "order": ("顺序", "order"), "code": ("代码", "code"), "zh": ("中文名", "Chinese"),
            "en": ("英文名", "English"), "description": ("说明", "description")}).to_html(),
        '<h2 id="links">跨年度项目对应 Linking projects across years</h2>',
        "<p>同一主管部门相邻两年的项目，按名称（去掉年份、下列同义词视为相同、改动越少越好）的相似度打分，"
        "实施单位相同加分、不同减分，预算相近加分；得分不低于 "
        f"{MIN_SCORE} 的一对一对应，得分高者优先。每个对应都列出得分和理由。研究者在 <code>data/links.csv</code> "
        "中把 decision 填为 confirm（确认）或 break（拆开）即可更正。 Projects of one publisher in consecutive "
        f"years are scored by name similarity, unit and budget; pairs scoring {MIN_SCORE} or more are linked one to "
        "one, best first; <code>data/links.csv</code> confirms or breaks a link.</p>",
        ReadingTable(words, caption="", name="compare-words", labels={
            "word": ("词", "word"), "same_as": ("视为相同", "same as"), "why": ("说明", "why")}).to_html(),
    ])
    written.append(_reference_page(paths, site, "rules", "规则 Rules", body))
    return written
