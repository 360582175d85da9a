"""Make PDFs of 项目支出预算绩效目标表 for the tests, with real Chinese text.

The PDFs are drawn with matplotlib's PDF backend (``pdf.fonttype: 42``) in Noto
Sans SC (``pylopdf_fonts_zh_cn.sans_path()``): every glyph carries its Unicode
value, so pdfplumber extracts real text, not ``(cid:NNN)``. A tiny layout engine
draws each table from a structured description (:class:`Project`, literal data
copied from three of the seed's projects): bordered cells, merged level-1 /
level-2 cells spanning several rows, text wrapped inside narrow cells
(``满意度指`` / ``标``, ``年度总体`` / ``绩效目标``, long level-3 names and values),
the covering notice on page 1, and page breaks:

* every project starts on a new page;
* a row that does not fit at the foot of a page is **split** when it has more
  than one line (browser style: the cells stay *open* at the break, no rule under
  the first part and none over the second), otherwise moved to the next page;
  merged cells running over a break are open there too;
* ``Project.break_in = (cell text, k)`` forces such a split after ``k`` lines of
  the row holding that cell, so a test can rely on one.

:func:`make_pdf` returns a :class:`MadePdf` with the lines a correct reader
must produce (normalised, one per table row or text line, blank lines left
out) and the rows it split. ``make_pdf(..., radicals=True)`` draws every
ideograph that has a look-alike radical as that radical (``⼯会``, ``200⼾``,
``部⻔``: the font has the glyphs, and the PDF's ``ToUnicode`` maps them to the
radical code points, as in browsers' PDFs); ``unreadable=(cell text, ...)`` draws
those cells in a font whose Unicode maps are then removed, so pdfminer gives
``(cid:NNN)`` for them. :func:`make_cid_pdf`, :func:`make_encrypted_pdf` and
:func:`make_blank_pdf` give the PDFs of the error paths.

Examples:
    >>> import tempfile, pathlib
    >>> made = make_pdf(pathlib.Path(tempfile.mkdtemp()) / "t.pdf", SEED_PROJECTS[:1], notice=None)
    >>> made.pages, made.lines[3]
    (1, ExpectedLine(text='项目名称 职工困难帮扶资金项目', page=1))
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from budgetkit.model.normalize import normalize_text

__all__ = [
    "NOTICE",
    "SEED_PROJECTS",
    "ExpectedLine",
    "Indicator",
    "MadePdf",
    "Notice",
    "Project",
    "make_blank_pdf",
    "make_cid_pdf",
    "make_encrypted_pdf",
    "make_pdf",
    "projects_from_tables",
    "radical_substitutes",
]

# --- the data: three projects of the seed, as printed ------------------------------------------------------


@dataclass(frozen=True)
class Indicator:
    """One row of the indicator section."""

    level1: str
    level2: str
    name: str
    value: str
    #: The cells under the project's ``columns`` when it has more than 指标值 ("" for a blank cell).
    cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    """One 项目支出预算绩效目标表, the cells as printed (amounts in 万元)."""

    name: str
    department: str
    unit: str
    attribute: str
    period: str
    total: str
    goal: str
    indicators: tuple[Indicator, ...]
    #: Force a page break inside the row holding a cell with this text, after this many lines.
    break_in: tuple[str, int] | None = None
    #: The indicator columns after 三级指标 (at most three): 指标值, or e.g. 中长期指标值 / 年度指标值 / 备注.
    columns: tuple[str, ...] = ("指标值",)


def _indicators(rows: str) -> tuple[Indicator, ...]:
    """Rows ``level1|level2|name|value``, one a line."""
    return tuple(Indicator(*line.strip().split("|")) for line in rows.strip().splitlines())


SEED_PROJECTS: tuple[Project, ...] = (
    Project(
        name="职工困难帮扶资金项目",
        department="自治区总工会",
        unit="宁夏回族自治区总工会",
        attribute="02-经常性项目",
        period="99年",
        total="886.8",
        goal="职工困难帮扶资金项目2025年度安排资金886.8万元，主要为支持巩固城市困难职工解困脱困成果，"
        "持续提升职工生活品质，在职工遇到各类临时性、突发性、特殊性困难时开展前置性、补充性、开发性帮扶"
        "和送温暖服务，充分体现党中央、国务院对职工群众的关爱，促进企业和社会的和谐稳定发展。",
        indicators=_indicators(
            """
            产出指标|数量指标|职工困难医疗救助|200户
            产出指标|数量指标|职工困难保障性住房|179户
            产出指标|数量指标|帮扶职工困难子女助学|450户
            产出指标|数量指标|职工困难帮扶|2225户
            产出指标|质量指标|帮扶资金发放合格率|100%
            产出指标|质量指标|帮扶救助对象条件符合率|100%
            产出指标|时效指标|帮扶资金发放及时率|100%
            产出指标|成本指标|职工困难帮扶标准|平均3250元/户
            产出指标|成本指标|职工困难保障性住房|平均900元/户
            产出指标|成本指标|职工困难子女助学|平均1725元/户
            产出指标|成本指标|职工困难医疗救助|平均3500元/户
            效益指标|社会效益|职工家庭困难程度|有所缓解
            效益指标|社会效益|职工家庭生活|有所改善
            效益指标|可持续影响|职工对工会的认同感|得到提高
            满意度指标|服务对象满意度|受帮扶救助困难职工满意度|≥90％
            """
        ),
    ),
    Project(
        name="党委政府慰问经费",
        department="自治区总工会",
        unit="宁夏回族自治区总工会",
        attribute="02-经常性项目",
        period="99年",
        total="500",
        goal="根据《自治区人民政府关于进一步做好劳动模范先进工作者困难帮扶和社会保障工作的通知》"
        "《工会送温暖资金使用管理办法》文件精神，开展劳模及困难职工慰问项目。2025年党委政府慰问资金500万元，"
        "结合自治区“两节”慰问，春节前向劳模发放节日慰问金，对年老体弱、因患重病等造成家庭困难的职工发放慰问金。",
        indicators=_indicators(
            """
            产出指标|数量指标|慰问困难职工人数|2600人
            产出指标|数量指标|慰问劳模人数|2400人
            产出指标|质量指标|困难职工慰问受众条件合格率|≥95%
            产出指标|质量指标|慰问金发放合规率|≥98%
            产出指标|时效指标|慰问金发放及时率|100%
            产出指标|成本指标|劳模慰问标准|1000元/人
            产出指标|成本指标|困难职工慰问标准|1000元/人
            效益指标|经济效益|改善困难职工生活|逐步改善
            效益指标|社会效益|对劳模群体的影响力|提高劳模荣誉感和获得感
            效益指标|社会效益|困难职工生活质量|逐步提高
            效益指标|可持续影响|劳模及困难职工对工会的认同感|逐步改善
            效益指标|可持续影响|劳模及困难职工生活状况得到改善|逐步改善
            满意度指标|服务对象满意度|困难职工满意度|≥90％
            满意度指标|服务对象满意度|劳模满意度|≥90％
            """
        ),
    ),
    Project(
        name="宁夏工人文化宫公益文体服务活动补助",
        department="自治区总工会",
        unit="宁夏工人文化宫",
        attribute="02-经常性项目",
        period="99年",
        total="50",
        goal="项目2025年度安排资金50万元。主要用于面向全区各级基层工会职工开展公益培训。项目实施目标是：通过开展"
        "公益文体活动，丰富公益培训课程种类、形式，继续做实“工”字特色服务品牌，让工人文化宫“建起来、用起来、"
        "活起来”，成为广大职工群众思想引领的新课堂、技能提升的新学校、文化生活的新乐园。不断满足职工群众日益增长"
        "的美好生活需要，扩大公益服务的影响力，提升公益文体活动品牌效力。",
        indicators=_indicators(
            """
            产出指标|数量指标|开展艺术团活动|4次
            产出指标|数量指标|购买教学用具种类|10类
            产出指标|数量指标|线上公益培训课时数|340课时
            产出指标|数量指标|线下公益培训课时数|2500课时
            产出指标|质量指标|教师出勤率|100%
            产出指标|质量指标|学员结业率|≥85%
            产出指标|质量指标|公益培训课程质量|优等
            产出指标|时效指标|全年课程结束时间|12月初
            产出指标|时效指标|公益课程开展频率|≥4次/周
            产出指标|成本指标|开展艺术团活动费用|13500元/次
            产出指标|成本指标|公益培训教师课时费|150元/课时
            产出指标|成本指标|线下公益培训教师课时费|150元/课时
            产出指标|成本指标|购买教学用具费用|2000元/类
            效益指标|社会效益|营造浓厚的文化氛围|打造4处以上文化展示区域
            效益指标|社会效益|提高服务职工群众的能力|通过问卷调查、座谈会等方式了解职工意见建议，每年不少于2次
            效益指标|可持续影响|提升公共文化服务水平|在基层社区开设不少于20门公益课程，让职工群众在家门口享受丰富的文化服务
            效益指标|可持续影响|满足职工群众对工会工作的新期待、新要求|全年开设60门以上职工群众喜闻乐见的公益课程
            满意度指标|服务对象满意度|参与学员满意度|≥90%
            """
        ),
        break_in=("在基层社区开设不少于20门公益课程，让职工群众在家门口享受丰富的文化服务", 1),
    ),
)


@dataclass(frozen=True)
class Notice:
    """The covering notice on page 1 (text outside any table)."""

    title: tuple[str, ...]
    body: str
    attachment: str
    publisher: str
    date: str


NOTICE = Notice(
    title=("宁夏回族自治区总工会2025年自治区", "本级部门项目支出预算绩效目标"),
    body="根据《中华人民共和国预算法》《自治区党委 人民政府关于全面实施预算绩效管理的实施意见》（宁党发〔2019〕9号）"
    "有关要求，现将2025年自治区本级部门项目支出预算绩效目标予以公开。",
    attachment="附件：2025年自治区本级部门项目支出预算绩效目标表",
    publisher="宁夏回族自治区总工会",
    date="2025年2月21日",
)

TABLE_TITLE = "2025年自治区本级部门项目支出预算绩效目标表"
TABLE_YEAR = "（2025年度）"
TABLE_UNIT = "单位：万元"

# --- geometry (PDF points, y grows downwards) ----------------------------------------------------------------

PAGE_W, PAGE_H = 595.28, 841.89
LEFT, TOP, BOTTOM = 47.64, 56.0, 800.0
#: Column widths of the table grid: label / level-1, level-2, then level-3 over three columns, value.
COLUMNS = (46.0, 72.0, 50.0, 46.0, 62.0, 224.0)
SIZE = 9.0  # table text
LEADING = 12.0  # line pitch inside a cell
PAD = 3.0  # cell padding


@cache
def _font() -> tuple[FontProperties, dict[int, int], float]:
    """Noto Sans SC: matplotlib font properties, code point → advance width, units per em."""
    from fontTools.ttLib import TTFont
    from pylopdf_fonts_zh_cn import sans_path

    path = str(sans_path())
    ttf = TTFont(path, lazy=True)
    hmtx = ttf["hmtx"]
    advances = {cp: hmtx[name][0] for cp, name in ttf.getBestCmap().items()}
    return FontProperties(fname=path), advances, float(ttf["head"].unitsPerEm)


def text_width(text: str, size: float) -> float:
    """Width of ``text`` in points at ``size``.

    Examples:
        >>> text_width("工会", 10)
        20.0
    """
    _, advances, upem = _font()
    return sum(advances.get(ord(c), upem) for c in text) * size / upem


def wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    """Break ``text`` into lines no wider than ``width``, character by character (no hyphenation).

    Examples:
        >>> wrap("满意度指标", COLUMNS[0] - 2 * PAD)
        ['满意度指', '标']
    """
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for char in para:
            if line and text_width(line + char, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def radical_substitutes() -> dict[str, str]:
    """Ideograph → radical that looks like it, as a browser's ``ToUnicode`` table can have it.

    Every Kangxi radical, and the C-simplified radicals of the supplement block
    (``门`` → ``⻔``), keyed by what :func:`~budgetkit.model.normalize.normalize_text`
    makes of them, so normalising undoes the substitution exactly.

    Examples:
        >>> subs = radical_substitutes()
        >>> subs["工"], subs["户"], subs["门"]
        ('⼯', '⼾', '⻔')
    """
    import unicodedata

    subs: dict[str, str] = {}
    for cp in range(0x2F00, 0x2FD6):
        subs.setdefault(normalize_text(chr(cp)), chr(cp))
    for cp in range(0x2E80, 0x2F00):
        name = unicodedata.name(chr(cp), "")
        if "C-SIMPLIFIED" in name or name.endswith(" SIMPLIFIED YELLOW") or name.endswith(" RADICAL BLUE"):
            subs[normalize_text(chr(cp))] = chr(cp)
    return subs


# --- tables as cells -------------------------------------------------------------------------------------------


@dataclass
class _Cell:
    text: str
    c0: int
    c1: int  # last column, inclusive
    rowspan: int = 1


def _table_rows(p: Project) -> list[list[_Cell]]:
    """The rows of one table: each row lists the cells that start in it."""
    rows: list[list[_Cell]] = [
        [_Cell("项目名称", 0, 0), _Cell(p.name, 1, 5)],
        [_Cell("主管部门", 0, 0), _Cell(p.department, 1, 2), _Cell("实施单位", 3, 4), _Cell(p.unit, 5, 5)],
        [_Cell("项目属性", 0, 0), _Cell(p.attribute, 1, 2), _Cell("项目期", 3, 4), _Cell(p.period, 5, 5)],
        [_Cell("项目总额", 0, 0), _Cell(p.total, 1, 1), _Cell("其中：年度资金总额", 2, 3), _Cell("", 4, 5)],
        [
            _Cell("其中：本级资金", 0, 0, rowspan=4),
            _Cell("资金总额", 1, 1),
            _Cell(p.total, 2, 2),
            _Cell("其中：转移市县（区）资金", 3, 3, rowspan=4),
            _Cell("资金总额", 4, 4),
            _Cell("", 5, 5),
        ],
        [_Cell("其中：财政拨款", 1, 1), _Cell(p.total, 2, 2), _Cell("其中：中央资金", 4, 4), _Cell("", 5, 5)],
        [_Cell("其他资金", 1, 1), _Cell("", 2, 2), _Cell("自治区资金", 4, 4), _Cell("", 5, 5)],
        [_Cell("结余结转资金", 1, 1), _Cell("", 2, 2), _Cell("", 4, 4), _Cell("", 5, 5)],
        [_Cell("年度总体绩效目标", 0, 0), _Cell(p.goal, 1, 5)],
        [_Cell("一级指标", 0, 0), _Cell("二级指标", 1, 1), _Cell("三级指标", 2, 5 - len(p.columns)),
         *[_Cell(label, 6 - len(p.columns) + k, 6 - len(p.columns) + k) for k, label in enumerate(p.columns)]],
    ]
    inds = p.indicators
    for n, ind in enumerate(inds):
        row = []
        if n == 0 or inds[n - 1].level1 != ind.level1:
            span = next((m for m in range(n, len(inds)) if inds[m].level1 != ind.level1), len(inds)) - n
            row.append(_Cell(ind.level1, 0, 0, rowspan=span))
        if n == 0 or (inds[n - 1].level1, inds[n - 1].level2) != (ind.level1, ind.level2):
            key = (ind.level1, ind.level2)
            span = next((m for m in range(n, len(inds)) if (inds[m].level1, inds[m].level2) != key), len(inds))
            row.append(_Cell(ind.level2, 1, 1, rowspan=span - n))
        trailing = ind.cells if len(p.columns) > 1 else (ind.value,)
        first = 6 - len(trailing)
        row += [_Cell(ind.name, 2, first - 1), *[_Cell(t, first + k, first + k) for k, t in enumerate(trailing)]]
        rows.append(row)
    return rows


def projects_from_tables(tables) -> tuple[Project, ...]:
    """The project tables of parsed :class:`~budgetkit.model.tables.Tables` as :class:`Project` s to draw.

    Used to draw a PDF of a whole parsed document (all 11 tables of the seed):
    the cells are the ones the text parser read, so reading the PDF back must
    give the same tables.
    """
    out = []
    for _, p in tables.projects.iterrows():
        rows = tables.indicators[tables.indicators["project_id"] == p["project_id"]]
        out.append(
            Project(
                name=p["project"],
                department=p["department"],
                unit=p["implementing_unit"],
                attribute=p["attribute"],
                period=p["period"],
                total=f"{p['total_wan']:g}",
                goal=p["goal"],
                indicators=tuple(
                    Indicator(r["level1_printed"], r["level2_printed"], r["indicator"], r["value"])
                    for _, r in rows.iterrows()
                ),
            )
        )
    return tuple(out)


# --- layout ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedLine:
    """A line a correct reader gives: the text (normalised) and its page."""

    text: str
    page: int


@dataclass
class MadePdf:
    """A PDF made by :func:`make_pdf` and what reading it must give.

    Attributes:
        path: the file.
        pages: its number of pages.
        lines: the non-blank lines, in order.
        splits: ``(line text, page)`` of every row split by a page break (``page``: where it starts).
    """

    path: Path
    pages: int
    lines: list[ExpectedLine] = field(default_factory=list)
    splits: list[tuple[str, int]] = field(default_factory=list)


#: A row's part on one page: row, page, top, bottom, open top, open bottom, first line, lines (None: all).
_Slice = tuple[int, int, float, float, bool, bool, int, "int | None"]


@dataclass
class _Page:
    #: x, baseline, text, size, broken (drawn in the font whose Unicode maps are removed)
    texts: list[tuple[float, float, str, float, bool]] = field(default_factory=list)
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # x0, y0, x1, y1


class _Writer:
    """Places text lines and tables on pages, top to bottom."""

    def __init__(self, substitute: dict[str, str] | None, broken: Sequence[str] = ()) -> None:
        self.pages: list[_Page] = []
        self.broken = set(broken)
        self.y = TOP
        self.sub = substitute or {}
        self.made: list[ExpectedLine] = []
        self.splits: list[tuple[str, int]] = []

    @property
    def page(self) -> int:
        return len(self.pages)

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = TOP

    def _draw(
        self, x: float, top: float, text: str, size: float, page: int | None = None, broken: bool = False
    ) -> None:
        """Draw one line whose line box (``LEADING`` scaled to ``size``) starts at ``top``, on ``page`` (1-based)."""
        baseline = top + size * (LEADING / SIZE) / 2 + size * 0.36
        canvas = self.pages[-1 if page is None else page - 1]
        canvas.texts.append((x, baseline, "".join(self.sub.get(c, c) for c in text), size, broken))

    def text(self, lines: Sequence[str], size: float, align: str = "left", indent: float = 0.0) -> None:
        """A paragraph outside tables (lines already broken), then a paragraph gap."""
        for line in lines:
            width = text_width(line, size)
            x = {"left": LEFT + indent, "center": (PAGE_W - width) / 2, "right": LEFT + sum(COLUMNS) - width}[align]
            self._draw(x, self.y, line, size, broken=line in self.broken)
            self.made.append(ExpectedLine(normalize_text(line), self.page))
            self.y += size * LEADING / SIZE
        self.y += size

    def rule(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.pages[-1].rules.append((x0, y0, x1, y1))

    def table(self, rows: list[list[_Cell]], break_in: tuple[str, int] | None = None) -> None:
        """Lay out ``rows`` from the current position, splitting or moving rows at page ends."""
        xs = [LEFT]
        for w in COLUMNS:
            xs.append(xs[-1] + w)
        lines = [[wrap(c.text, xs[c.c1 + 1] - xs[c.c0] - 2 * PAD) for c in row] for row in rows]
        heights = [
            max([len(ls) for c, ls in zip(row, row_lines, strict=True) if c.rowspan == 1] or [1]) * LEADING
            + 2 * PAD
            for row, row_lines in zip(rows, lines, strict=True)
        ]
        for i, row in enumerate(rows):  # a merged cell needs room for its lines
            for c, ls in zip(row, lines[i], strict=True):
                need = len(ls) * LEADING + 2 * PAD
                have = sum(heights[i : i + c.rowspan])
                if need > have:
                    heights[i + c.rowspan - 1] += need - have
        slices: list[_Slice] = []
        for i, row in enumerate(rows):
            h = heights[i]
            nlines = max([len(ls) for c, ls in zip(row, lines[i], strict=True) if c.rowspan == 1] or [1])
            forced = break_in is not None and any(c.text == break_in[0] for c in row)
            room = BOTTOM - self.y
            if forced or h > room:
                k = break_in[1] if forced and break_in else int((room - PAD) // LEADING)
                if 1 <= k < nlines:
                    first = PAD + k * LEADING
                    slices.append((i, self.page, self.y, self.y + first, False, True, 0, k))
                    self.new_page()
                    rest = (nlines - k) * LEADING + 2 * PAD
                    slices.append((i, self.page, self.y, self.y + rest, True, False, k, None))
                    self.y += rest
                    text = " ".join(normalize_text(c.text) for c in row if c.text)
                    self.splits.append((text, slices[-2][1]))
                    continue
                if h > room:
                    self.new_page()
            slices.append((i, self.page, self.y, self.y + h, False, False, 0, None))
            self.y += h
        first_page = {}
        for s in slices:
            first_page.setdefault(s[0], s[1])
        for i, row in enumerate(rows):
            text = " ".join(normalize_text(c.text) for c in row if c.text)
            if text:
                self.made.append(ExpectedLine(text, first_page[i]))
        self._draw_cells(rows, lines, slices, xs)

    def _draw_cells(
        self, rows: list[list[_Cell]], lines: list[list[list[str]]], slices: list[_Slice], xs: list[float]
    ) -> None:
        by_row: dict[int, list[_Slice]] = {}
        for s in slices:
            by_row.setdefault(s[0], []).append(s)
        for i, row in enumerate(rows):
            for c, ls in zip(row, lines[i], strict=True):
                x0, x1 = xs[c.c0], xs[c.c1 + 1]
                covered = [s for r in range(i, i + c.rowspan) for s in by_row[r]]
                pages = sorted({s[1] for s in covered})
                for n, page in enumerate(pages):
                    part = [s for s in covered if s[1] == page]
                    top, bottom = part[0][2], part[-1][3]
                    open_top = part[0][4] or n > 0
                    open_bottom = part[-1][5] or n < len(pages) - 1
                    canvas = self.pages[page - 1]
                    canvas.rules += [(x0, top, x0, bottom), (x1, top, x1, bottom)]
                    if not open_top:
                        canvas.rules.append((x0, top, x1, top))
                    if not open_bottom:
                        canvas.rules.append((x0, bottom, x1, bottom))
                    if c.rowspan == 1 and len(covered) > 1:  # a split row: top-aligned, lines shared out
                        s = part[0]
                        shown = ls[s[6] : None if s[7] is None else s[6] + s[7]]
                        y = top + PAD
                    elif n == 0:
                        shown = ls
                        y = top + (bottom - top - len(ls) * LEADING) / 2
                    else:
                        continue
                    for k, line in enumerate(shown):
                        self._draw(x0 + PAD, y + k * LEADING, line, SIZE, page, c.text in self.broken)


def _render(pages: list[_Page], path: Path) -> None:
    """Draw the pages; text marked broken is drawn in Noto Serif SC, whose Unicode maps are then removed."""
    from pylopdf_fonts_zh_cn import serif_path

    fonts, _, _ = _font()
    serif = FontProperties(fname=str(serif_path()))
    buf = io.BytesIO()
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(buf, metadata={"CreationDate": None}) as pdf:
        for page in pages:
            fig = Figure(figsize=(PAGE_W / 72, PAGE_H / 72))
            ax = fig.add_axes((0, 0, 1, 1))
            ax.set_xlim(0, PAGE_W)
            ax.set_ylim(PAGE_H, 0)
            ax.axis("off")
            for x0, y0, x1, y1 in page.rules:
                ax.add_line(Line2D([x0, x1], [y0, y1], color="black", linewidth=0.6, solid_capstyle="projecting"))
            for x, baseline, text, size, broken in page.texts:
                props = serif if broken else fonts
                ax.text(x, baseline, text, fontproperties=props, fontsize=size, va="baseline", ha="left")
            pdf.savefig(fig)
    path.write_bytes(_strip_unicode_maps(buf.getvalue(), b"NotoSerifSC"))


def _strip_unicode_maps(data: bytes, font: bytes) -> bytes:
    """Make the ``/ToUnicode`` map and the embedded program of ``font`` unreachable (keys renamed, same length).

    pdfminer then has no way to map the font's glyphs to Unicode and prints ``(cid:NNN)``.
    """

    def strip(m: re.Match[bytes]) -> bytes:
        obj = m.group(0)
        if font in obj:
            obj = obj.replace(b"/ToUnicode", b"/ToUnicodX").replace(b"/FontFile2", b"/FontFileX")
        return obj

    dictionary = rb"\d+ 0 obj\s*<<(?:(?!stream|endobj).)*?>>\s*endobj"  # an object without a stream
    return re.sub(dictionary, strip, data, flags=re.S)


def make_pdf(
    path: str | Path,
    projects: Sequence[Project] = SEED_PROJECTS,
    *,
    notice: Notice | None = NOTICE,
    radicals: bool = False,
    unreadable: Sequence[str] = (),
) -> MadePdf:
    """Write a disclosure PDF: the notice on page 1, then one table per project, each on a new page.

    Args:
        path: the file to write.
        projects: the tables.
        notice: the covering notice, or ``None`` for none.
        radicals: draw ideographs that have a look-alike radical as that radical
            (:func:`radical_substitutes`), as browsers' PDFs do; the expected lines
            stay normalised, so reading must undo it.
        unreadable: cell texts (or text lines) to draw in a font without Unicode
            maps: pdfminer gives ``(cid:NNN)`` for them, and the expected lines still
            hold the text as drawn.

    Returns:
        What a correct reader must give for this PDF.
    """
    out = Path(path)
    w = _Writer(radical_substitutes() if radicals else None, unreadable)
    if notice is not None:
        w.new_page()
        w.y = TOP + 30
        w.text(notice.title, 16, "center")
        body = wrap(notice.body, sum(COLUMNS) - 22, 11)
        w.text(body, 11)
        w.text([notice.attachment], 11, indent=22)
        w.y += 20
        w.text([notice.publisher, notice.date], 11, "right")
    for project in projects:
        w.new_page()
        w.text([TABLE_TITLE], 13, "center")
        w.text([TABLE_YEAR], 10, "center")
        w.text([TABLE_UNIT], 9, "right")
        w.table(_table_rows(project), project.break_in)
    _render(w.pages, out)
    return MadePdf(out, len(w.pages), w.made, w.splits)


# --- PDFs for the error paths -----------------------------------------------------------------------------------


def make_cid_pdf(path: str | Path) -> Path:
    """A PDF whose Chinese text has lost its Unicode maps: pdfminer gives ``(cid:NNN)`` for all of it.

    One line ``Budget 2025`` stays readable; the one-row table
    ``项目名称 | 职工困难帮扶资金项目`` is drawn in a font without Unicode maps.
    """
    out = Path(path)
    w = _Writer(None, broken=("项目名称", "职工困难帮扶资金项目"))
    w.new_page()
    w.text(["Budget 2025"], 11)
    w.table([[_Cell("项目名称", 0, 0), _Cell("职工困难帮扶资金项目", 1, 5)]])
    _render(w.pages, out)
    return out


def make_encrypted_pdf(path: str | Path) -> Path:
    """A one-page PDF encrypted with an unknown user password (Standard handler, RC4 40-bit).

    Hand-written: the ``/O`` and ``/U`` entries match no password, so the empty
    password every reader tries first fails.
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>",
    ]
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    file_id = b"<" + b"ab" * 16 + b">"
    data += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [%s %s] >>\n" % (
        len(objects) + 1,
        file_id,
        file_id,
    )
    data += b"startxref\n%d\n%%%%EOF\n" % xref
    out = Path(path)
    out.write_bytes(bytes(data))
    return out


def make_blank_pdf(path: str | Path, pages: int = 2) -> Path:
    """A PDF with ruled boxes and no text at all (like a scan without OCR)."""
    out = Path(path)
    w = _Writer(None)
    for _ in range(pages):
        w.new_page()
        w.rule(LEFT, TOP, LEFT + 200, TOP)
        w.rule(LEFT, TOP, LEFT, TOP + 100)
    _render(w.pages, out)
    return out
