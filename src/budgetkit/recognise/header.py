"""Read a table's header: label/value pairs in any order, amounts with their units, the goal.

The header is the part of a table above its indicator section: the title, the
year, the unit line, and labels (项目名称, 主管部门, 项目资金总额 …) each followed by
its value. Labels come from the vocabulary (:mod:`budgetkit.vocab.vocabulary`); a
label followed directly by another label has an empty value (``项目主管部门 |
实施单位``), never the next label. A cell that looks like a label the vocabulary
does not know (``项目负责人及电话:``) goes with its value into ``header_extras``,
never into the field before it. Amounts are read with their units (元, 万元, 万,
thousands separators); the unit comes from the amount itself, else its label's
``(万元)``, else its block's, else the table's unit line; ``total_wan`` is always 万元.

Which cells are labels and where a label's value ends is :mod:`budgetkit.recognise.header_labels`; the money
(amounts, money sub-tables, heads over amounts) :mod:`budgetkit.recognise.header_money`; the goals
:mod:`budgetkit.recognise.header_goals`. This module reads a header run by run into a :class:`Header`.

Examples:
    >>> from budgetkit.model.cells import Cell
    >>> from budgetkit.segment.tokens import SAME, Tok
    >>> from budgetkit.vocab.vocabulary import lookup
    >>> cells = ["项目名称", "主体班", "项目负责人", "项目金额", "164万元", "项目主管部门", "实施单位", "党校"]
    >>> toks = [Tok(t, (Cell(t, 1),), SAME, match=lookup(t)) for t in cells]
    >>> h = read_header(toks)
    >>> h.record["project"], h.record["total_wan"], h.record.get("department"), h.record["implementing_unit"]
    ('主体班', 164.0, None, '党校')
    >>> [(e["label"], e["value"]) for e in h.extras]
    [('项目负责人', None), ('项目主管部门', None)]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from budgetkit.recognise.header_goals import read_goals
from budgetkit.recognise.header_labels import is_unknown_label, label_term, label_then_value, value_run
from budgetkit.recognise.header_money import (
    MONEY_FIELDS,
    first_row_amount,
    heads_over_amounts,
    split_by_ratio,
    sub_col_name,
)
from budgetkit.recognise.regions import YEAR_RE
from budgetkit.segment.tokens import Tok, join_text
from budgetkit.vocab.amounts import money_scale, parse_amount
from budgetkit.vocab.vocabulary import Term, match_key, scan, terms

#: ``MONEY_FIELDS`` kept here for its importers: it lives in :mod:`budgetkit.recognise.header_money`.
__all__ = ["MONEY_FIELDS", "Header", "name_after_title", "parse_amount", "read_header"]

logger = logging.getLogger(__name__)

_UNIT_WORD_RE = re.compile(r"^(?:万元|元|万)$")
_TITLE_YEAR_RE = re.compile(r"(\d{4})\s*年")
_TEXT = {"project", "department", "implementing_unit", "attribute", "period"}


@dataclass
class Header:
    """What a table's header holds.

    Attributes:
        record: the project fields (project, department, amounts in 万元, goal …).
        extras: ``{label, field, value, tok}`` of every label not mapped to a field (known
            extras such as 项目负责人, labels the vocabulary does not know, second printings).
        used: ids of the tokens read into a field or an extra.
        leftovers: ``(tok, reason)`` of tokens read into nothing.
        areas: names of the areas the table's 补助区域 lists.
        scale: the table's unit to 万元 (from its unit line or a money block), if printed.
    """

    record: dict = field(default_factory=dict)
    extras: list[dict] = field(default_factory=list)
    used: set[int] = field(default_factory=set)
    leftovers: list[tuple[Tok, str]] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    scale: float | None = None


@cache
def _department_rank() -> dict[str, int]:
    """Order of department and unit labels in the vocabulary: the first printed one with a value wins."""
    order: dict[str, int] = {}
    for key, ts in terms().items():
        for t in ts:
            if t.role == "field" and t.field in ("department", "implementing_unit"):
                order.setdefault(key, len(order))
    return order


def read_header(toks: Sequence[Tok], default_scale: float | None = None, entry: bool = False) -> Header:
    """Read the header tokens of one table (title to the indicator section).

    With ``entry``, the table is a row of a list-form disclosure: the cells before
    its first heading are its code, name and amount (see :func:`_read_entry`).
    """
    reading = _HeaderReading(toks, default_scale)
    h = reading.h
    lead, runs = _label_runs(toks)
    if entry:
        lead = _read_entry(lead, h)
    for tok in lead:
        if not reading.note_title(tok):
            h.leftovers.append((tok, "text before the first header label"))
    for labels, values in runs:
        reading.read_run(labels, values)
    reading.finish(toks)
    return h


def _label_runs(toks: Sequence[Tok]) -> tuple[list[Tok], list[tuple[list[tuple[Tok, Term]], list[Tok]]]]:
    """Group header tokens into runs: labels, and the values after them; the tokens before the first label lead."""
    runs: list[tuple[list[tuple[Tok, Term]], list[Tok]]] = []
    lead: list[Tok] = []
    for tok in toks:
        term = label_term(tok)
        if term is not None:
            if not runs or runs[-1][1]:
                runs.append(([], []))
            runs[-1][0].append((tok, term))
        elif runs:
            runs[-1][1].append(tok)
        else:
            lead.append(tok)
    return lead, runs


class _HeaderReading:
    """The state of reading one header; one method per role of label.

    It holds the block and unit in force, a money sub-table's columns, and the department and unit
    printings waiting for their tier.
    """

    def __init__(self, toks: Sequence[Tok], default_scale: float | None) -> None:
        self.h = Header()
        self.rec = self.h.record
        self.default_scale = default_scale
        self.block_scale = next((t.match.scale for t in toks if t.role("block") is not None and t.match.scale),
                                None)
        self.unit_scale: float | None = None
        self.block: str | None = None
        self.cur_block_scale: float | None = None
        self.sub_cols: list[Term] = []
        self.rank = _department_rank()
        self.candidates: dict[str, list[tuple[int, str, Tok]]] = {"department": [], "implementing_unit": []}

    def note_title(self, tok: Tok) -> bool:
        """Read a title or year cell into the record; whether it was one."""
        rec, text = self.rec, tok.text
        if YEAR_RE.match(text):
            rec.setdefault("year", int(YEAR_RE.match(text)[1]))
            self.h.used.add(id(tok))
            return True
        if len(text) <= 80 and scan(text, "title") is not None:
            rec.setdefault("table_title", text)
            kind = scan(text, "title").field
            if rec.get("kind") in (None, "project"):
                rec["kind"] = kind
            m = _TITLE_YEAR_RE.search(text)
            if m and 2000 < int(m[1]) < 2100:
                rec.setdefault("title_year", int(m[1]))
            self.h.used.add(id(tok))
            return True
        return False

    def extra(self, label: Tok | None, fieldname: str, value: str | None, toks_: Sequence[Tok] = ()) -> None:
        """Keep a label and its value in ``header_extras``."""
        h = self.h
        h.extras.append({"label": label.text if label is not None else "", "field": fieldname,
                         "value": value or None, "tok": label if label is not None else (toks_[0] if toks_
                                                                                           else None)})
        if label is not None:
            h.used.add(id(label))
        h.used.update(id(t) for t in toks_)

    def scale_for(self, term_tok: Tok, own: float | None) -> float:
        """The unit of an amount: its own, else its label's, its block's, the table's, the default."""
        if own is not None:
            return own
        if term_tok.match is not None and term_tok.match.scale is not None:
            return term_tok.match.scale
        for s in (self.cur_block_scale, self.block_scale, self.unit_scale, self.default_scale):
            if s is not None:
                return s
        return 1.0

    def enter_block(self, tok: Tok, term: Term) -> None:
        """A money block label (本级资金, 转移支付 …): the block and its unit in force from here."""
        self.block = term.field or self.block
        self.cur_block_scale = tok.match.scale if tok.match.scale is not None else self.cur_block_scale

    def set_money(self, label: Tok, term: Term, value_toks: list[Tok]) -> list[Tok]:
        """Set an amount; return the value tokens not used."""
        if not value_toks:
            return []
        if self.sub_cols and (term.role == "row" or term.field in MONEY_FIELDS):
            return self.sub_table_money_row(label, term, value_toks)
        rec, first, rest = self.rec, value_toks[0], list(value_toks[1:])
        amt = parse_amount(first.text)
        if amt is None:
            self.h.leftovers.append((first, f"{term.field}_wan: not an amount"))
            rec.setdefault(f"_{term.field}_unreadable", True)
            return list(value_toks[1:])
        field_name = term.field
        if field_name == "fund_total":
            field_name = {"own_level": "own_level", "transfer": "transfer"}.get(self.block or "", "annual_total")
        key = f"{field_name}_wan"
        value = round(amt[0] * self.scale_for(label, amt[1]), 6)
        if key in rec and rec[key] is not None:
            self.extra(label, field_name, first.text, [first])
        else:
            rec[key] = value
            self.h.used.add(id(first))
        return rest

    def sub_table_money_row(self, label: Tok, term: Term, value_toks: list[Tok]) -> list[Tok]:
        """A self-evaluation money row: values under the sub-table's columns; all of them used."""
        rec, sub_cols = self.rec, self.sub_cols
        vals = [t for t in value_toks if t.text]
        texts = [t.text for t in vals]
        seen_zero: set[str] = set()  # the rows whose first budget column printed 0 in this row
        if len(vals) == 1 and len(sub_cols) == 3:
            texts = split_by_ratio(vals[0].text, 3) or texts
        for col, text in zip(sub_cols, texts, strict=False):
            amt = parse_amount(text)
            name = sub_col_name(term, col)
            if amt is not None and name:
                key = f"{name}_wan"
                # 年初预算数 first; printed 0 (all of the year's budget came during it), 全年预算数
                if key not in rec or rec[key] == 0 and amt[0] and name in seen_zero:
                    rec[key] = round(amt[0] * self.scale_for(label, amt[1]), 6)
                if rec[key] == 0:
                    seen_zero.add(name)
            self.extra(None, f"{term.field}:{col.field}", text)
        self.h.used.update(id(t) for t in value_toks)
        return []

    def empty_label(self, tok: Tok, term: Term) -> None:
        """A label followed directly by another label: its value is empty."""
        self.h.used.add(id(tok))
        if term.role in ("subtable", "goal", "unit_label"):
            return
        if term.role == "block":
            self.enter_block(tok, term)
        elif term.role in ("field",) and term.field in MONEY_FIELDS:
            self.rec.setdefault(f"{term.field if term.field != 'fund_total' else 'annual_total'}_wan", None)
        elif term.role == "field" and term.field in _TEXT:
            self.extra(tok, term.field, None)
        else:
            self.extra(tok, term.field or term.role, None)

    def read_run(self, labels: list[tuple[Tok, Term]], values: list[Tok]) -> None:
        """Read one run: labels followed directly by labels are empty, the last one takes the values."""
        for tok, term in labels[:-1]:
            self.empty_label(tok, term)
        subs = [term for _, term in labels if term.role == "subtable"]
        if len(subs) >= 2:  # the columns of a money sub-table, in the order printed (分值, 得分 among them)
            self.sub_cols = [term for _, term in labels if term.role in ("subtable", "column", "extra")]
        goal_run = [(t, term) for t, term in labels if term.role == "goal"]
        tok, term = labels[-1]
        self.h.used.add(id(tok))
        leftover_vals = self.read_last_label(tok, term, list(values), len(subs) >= 2, goal_run)
        _read_leftovers(leftover_vals, self.h, self.extra, self.note_title)

    def read_last_label(self, tok: Tok, term: Term, vals: list[Tok], sub_table: bool,
                        goal_run: list[tuple[Tok, Term]]) -> list[Tok]:
        """Read the values after a run's last label by the label's role; return the values not used."""
        if term.role == "block":
            self.enter_block(tok, term)
            return vals
        if term.role == "unit_label":
            return self.unit_line(vals)
        if term.role == "goal" or goal_run:
            runs_goals = goal_run if goal_run and goal_run[-1][0] is tok else [(tok, term)]
            return read_goals(runs_goals, vals, self.rec, self.h)
        if term.role in ("subtable", "column", "extra") and sub_table and vals \
                and self.rec.get("annual_total_wan") is None and first_row_amount(self.sub_cols, vals) is not None:
            return self.sub_table_first_row(tok, term, vals)
        if term.role in ("subtable", "column", "section"):
            return self.heading(tok, term, vals)
        if term.role in ("field", "row") and (term.field in MONEY_FIELDS or term.role == "row"):
            return self.set_money(tok, term, vals)
        if term.role == "field" and term.field in _TEXT:
            return self.text_field(tok, term, vals)
        return self.known_extra(tok, term, vals)

    def unit_line(self, vals: list[Tok]) -> list[Tok]:
        """The table's unit (单位: 万元)."""
        if vals and _UNIT_WORD_RE.match(vals[0].text):
            self.unit_scale = money_scale()[vals[0].text]
            self.rec.setdefault("unit_label", "万元" if vals[0].text in ("万元", "万") else vals[0].text)
            self.h.scale = self.unit_scale
            self.h.used.add(id(vals[0]))
            return vals[1:]
        return vals

    def sub_table_first_row(self, tok: Tok, term: Term, vals: list[Tok]) -> list[Tok]:
        """A money row printed right after the sub-table's columns: the block's first row, the year's total.

        Its row label is written elsewhere (a text layer written column by column).
        """
        text, pieces = first_row_amount(self.sub_cols, vals)
        amt = parse_amount(text)
        self.rec["annual_total_wan"] = round(amt[0] * self.scale_for(tok, amt[1]), 6)
        self.extra(tok, term.field or term.role, " ".join(pieces), vals)
        return []

    def heading(self, tok: Tok, term: Term, vals: list[Tok]) -> list[Tok]:
        """A sub-table, column or section heading."""
        if term.role == "section" and not vals:
            return []  # 绩效指标 heading the indicator block: structure, not a value
        if term.role != "subtable":
            self.extra(tok, term.field or term.role, join_text(v.text for v in vals) or None, vals)
            return []
        return vals

    def text_field(self, tok: Tok, term: Term, vals: list[Tok]) -> list[Tok]:
        """A name, department, unit, attribute or period; department and unit wait for their tier."""
        value_toks, leftover_vals = value_run(vals)
        if value_toks and _AMOUNT_ONLY_RE.match(join_text(v.text for v in value_toks)):
            # a bare amount is no name, department or unit (an amount of a block printed beside the label)
            value_toks, leftover_vals = [], vals
        text = join_text(v.text for v in value_toks) if value_toks else ""
        self.h.used.update(id(v) for v in value_toks)
        if term.field in self.candidates:
            self.candidates[term.field].append((self.rank.get(match_key(term.term), 99), text, tok))
            self.h.used.add(id(tok))
        elif text and not self.rec.get(term.field):
            self.rec[term.field] = text
        else:
            self.extra(tok, term.field, text or None)
        return leftover_vals

    def known_extra(self, tok: Tok, term: Term, vals: list[Tok]) -> list[Tok]:
        """A known extra (项目负责人, 补助区域 …)."""
        value_toks, leftover_vals = value_run(vals)
        text = join_text(v.text for v in value_toks) if value_toks else ""
        self.extra(tok, term.field, text or None, value_toks)
        if term.field == "areas" and text:
            self.h.areas = [a for a in re.split(r"[、,，/\s]+", text) if a]
        return leftover_vals

    def choose_tiers(self) -> None:
        """Choose the department and unit among their printings; the others go to ``header_extras``."""
        rec = self.rec
        for name, cands in self.candidates.items():
            filled = sorted((r, i, text) for i, (r, text, _) in enumerate(cands) if text)
            chosen = filled[0][1] if filled else None
            if filled:
                rec[name] = filled[0][2]
            for i, (_, text, tok) in enumerate(cands):
                if i != chosen:  # the other tiers (中央主管部门, 省级主管部门 …) and empty printings
                    self.extra(tok, name, text or None)

    def finish(self, toks: Sequence[Tok]) -> None:
        """Choose the department and unit among their printings; the name, year and scale left to fill."""
        h, rec = self.h, self.rec
        self.choose_tiers()
        if not rec.get("project") and any(e["field"] == "project" and not e["value"] for e in h.extras):
            # the name label printed with no value after it, the name printed after the title instead
            name = name_after_title(rec.get("table_title") or "")
            if name:
                rec["project"] = name
        if "year" not in rec and "title_year" in rec:
            rec["year"] = rec["title_year"]
        rec.pop("title_year", None)
        if self.block_scale is not None and self.unit_scale is None:
            h.scale = self.block_scale
            rec.setdefault("unit_label", "万元" if self.block_scale == 1.0 else "元")
        heads_over_amounts(toks, h, h.scale if h.scale is not None else self.default_scale)


_CODE_RE = re.compile(r"^0\d{3,}$")
#: A cell that holds only an amount (``9,034``, ``250000.00``).
_AMOUNT_ONLY_RE = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
#: A bracketed year after a title (``(2022 年度)``).
_BRACKETED_YEAR_RE = re.compile(r"^[(]\s*\d{4}[^)]{0,4}[)]")


def name_after_title(title: str) -> str | None:
    """The text a title line prints after the title and its bracketed year (a name emitted before its label).

    A column-by-column text layer writes the name cell before the 项目名称 label, on the title's line.

    Examples:
        >>> name_after_title("财政项目支出绩效自评表 (2022 年度) 某中心与运营方结 算费用")
        '某中心与运营方结算费用'
        >>> name_after_title("2022年度项目支出绩效自评表") is None
        True
        >>> name_after_title("项目支出绩效自评表 (2022年度)") is None
        True
    """
    term = scan(title, "title")
    at = title.find(term.term) if term is not None else -1
    if at < 0:
        return None
    rest = _BRACKETED_YEAR_RE.sub("", title[at + len(term.term) :].strip()).strip()
    rest = join_text(rest.split())
    return rest if len(rest) >= 2 and not YEAR_RE.match(rest) else None


def _read_entry(lead: list[Tok], h: Header) -> list[Tok]:
    """The code, name and amount of a list row (``037001 | 某项目 | 1681680``); return what is left.

    A list prints no unit: the amount is kept as printed in ``list_amount`` for the
    caller to scale once the document shows its unit.
    """
    rest = []
    for tok in lead:
        text = tok.text.strip()
        if not text:
            h.used.add(id(tok))
        elif _CODE_RE.match(text):
            h.extras.append({"label": "", "field": "unit_code", "value": text, "tok": tok})
            h.used.add(id(tok))
        elif (amt := parse_amount(text)) is not None and "list_amount" not in h.record:
            h.record["list_amount"] = amt
            h.used.add(id(tok))
        elif "project" not in h.record:
            h.record["project"] = text
            h.used.add(id(tok))
        else:
            rest.append(tok)
    return rest


def _read_leftovers(vals: Sequence[Tok], h: Header, extra, note_title) -> None:
    """Values after a label that its field did not take: unknown labels with their values, titles, the rest."""
    k = 0
    vals = list(vals)
    while k < len(vals):
        v = vals[k]
        if not v.text:
            h.used.add(id(v))
            k += 1
            continue
        if note_title(v):
            k += 1
            continue
        if is_unknown_label(v.text):
            value_toks, _ = value_run(vals[k + 1 :])
            text = join_text(t.text for t in value_toks)
            extra(v, "", text or None, value_toks)
            k += 1 + len(value_toks)
            continue
        if (pair := label_then_value(v.text)) is not None:
            h.extras.append({"label": pair[0], "field": "", "value": pair[1], "tok": v})
            h.used.add(id(v))
            k += 1
            continue
        h.leftovers.append((v, "text after a header value"))
        k += 1


