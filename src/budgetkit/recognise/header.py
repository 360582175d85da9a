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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from budgetkit.model import rules
from budgetkit.recognise.regions import YEAR_RE
from budgetkit.segment.tokens import BLANK, BREAK, LINE, PIECE, Tok, join_text
from budgetkit.vocab.amounts import money_scale, parse_amount
from budgetkit.vocab.vocabulary import Term, scan, terms

__all__ = ["Header", "parse_amount", "read_header"]

#: Roles of labels read in a header.
LABEL_ROLES = ("field", "extra", "block", "subtable", "row", "goal", "unit_label", "column", "section")
_UNIT_WORD_RE = re.compile(r"^(?:万元|元|万)$")
_PERCENT_RE = re.compile(r"^\d+(?:\.\d+)?%$")
_TITLE_YEAR_RE = re.compile(r"(\d{4})\s*年")
#: A cell shaped like a label the vocabulary does not know: it ends with a colon, or is marked required,
#: or is short and ends the way labels end.
_UNKNOWN_LABEL_RE = re.compile(
    r"^\*|[:]$|^.{0,12}(?:名称|部门|单位|负责人|电话|编码|代码|类别|分类|属性|概况|日期|时间|周期|期限|区域|方式|依据|地址|邮箱)$"
)
#: A cell opened by a word shaped like a label the vocabulary does not know, its value after a space or colon
#: (``概况 台胞扶贫济困生活补贴包括:…``).
_LABEL_THEN_VALUE_RE = re.compile(r"^(?P<label>\S{2,12}?)(?:[:]\s*|\s+)(?P<value>\S.*)$")
#: Money fields that take the first amount printed (another is kept in ``header_extras``).
_MONEY = {"total", "annual_total", "fund_total", "fiscal", "central", "regional", "local", "other", "carryover",
          "medium_term", "adjusted", "executed"}
MONEY_FIELDS = frozenset(_MONEY)
_TEXT = {"project", "department", "implementing_unit", "attribute", "period"}
_GOALS = {"goal", "goal_long_term", "goal_actual"}
_SENTENCE_END = ("。", ";", ";", "!")


def _split_by_ratio(text: str, n: int) -> list[str] | None:
    """Cut numbers run together in a self-evaluation money row (budget, spent, rate) by their ratio.

    ``21182118100%`` under 全年预算数(A) 全年执行数(B) 预算执行率(B/A) is 2118, 2118 and
    100%: the cut is the one where B / A equals the printed rate.

    Examples:
        >>> _split_by_ratio("21182118100%", 3)
        ['2118', '2118', '100%']
        >>> _split_by_ratio("1000500", 3) is None
        True
    """
    m = re.match(r"^(\d+(?:\.\d+)?)(\d{1,3}(?:\.\d+)?%)$", text)
    if m is None or n != 3:
        return None
    digits, rate = m[1], m[2]
    best = None
    for r in re.finditer(r"\d{1,3}(?:\.\d+)?%$", text):
        rate = r.group(0)
        digits = text[: r.start()]
        want = float(rate[:-1]) / 100
        for cut in range(1, len(digits)):
            a, b = digits[:cut], digits[cut:]
            if a.startswith("0") or b.startswith("0") and len(b) > 1:
                continue
            try:
                fa, fb = float(a), float(b)
            except ValueError:
                continue
            if fa > 0 and abs(fb / fa - want) <= 0.005:
                best = [a, b, rate]
                break
        if best:
            break
    return best


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


def _label_term(tok: Tok) -> Term | None:
    if tok.match is None:
        return None
    return tok.role(*LABEL_ROLES)


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
    from budgetkit.vocab.vocabulary import match_key

    h = Header()
    rec = h.record
    block_scale = next((t.match.scale for t in toks if t.role("block") is not None and t.match.scale), None)
    unit_scale = None
    block: str | None = None
    sub_cols: list[Term] = []
    rank = _department_rank()
    candidates: dict[str, list[tuple[int, str]]] = {"department": [], "implementing_unit": []}

    # group into runs: labels, and the values after them
    runs: list[tuple[list[tuple[Tok, Term]], list[Tok]]] = []
    lead: list[Tok] = []
    for tok in toks:
        term = _label_term(tok)
        if term is not None:
            if not runs or runs[-1][1]:
                runs.append(([], []))
            runs[-1][0].append((tok, term))
        elif runs:
            runs[-1][1].append(tok)
        else:
            lead.append(tok)

    def note_title(tok: Tok) -> bool:
        text = tok.text
        if YEAR_RE.match(text):
            rec.setdefault("year", int(YEAR_RE.match(text)[1]))
            h.used.add(id(tok))
            return True
        if len(text) <= 80 and scan(text, "title") is not None:
            rec.setdefault("table_title", text)
            kind = scan(text, "title").field
            if rec.get("kind") in (None, "project"):
                rec["kind"] = kind
            m = _TITLE_YEAR_RE.search(text)
            if m and 2000 < int(m[1]) < 2100:
                rec.setdefault("title_year", int(m[1]))
            h.used.add(id(tok))
            return True
        return False

    def extra(label: Tok | None, fieldname: str, value: str | None, toks_: Sequence[Tok] = ()) -> None:
        h.extras.append({"label": label.text if label is not None else "", "field": fieldname,
                         "value": value or None, "tok": label if label is not None else (toks_[0] if toks_
                                                                                           else None)})
        if label is not None:
            h.used.add(id(label))
        h.used.update(id(t) for t in toks_)

    if entry:
        lead = _read_entry(lead, h)
    for tok in lead:
        if not note_title(tok):
            h.leftovers.append((tok, "text before the first header label"))

    def scale_for(term_tok: Tok, own: float | None) -> float:
        if own is not None:
            return own
        if term_tok.match is not None and term_tok.match.scale is not None:
            return term_tok.match.scale
        for s in (cur_block_scale, block_scale, unit_scale, default_scale):
            if s is not None:
                return s
        return 1.0

    def set_money(label: Tok, term: Term, value_toks: list[Tok]) -> list[Tok]:
        """Set an amount; return the value tokens not used."""
        nonlocal block
        if not value_toks:
            return []
        first, rest = value_toks[0], list(value_toks[1:])
        # a self-evaluation money row: values under the sub-table's columns
        if sub_cols and (term.role == "row" or term.field in _MONEY):
            vals = [t for t in value_toks if t.text]
            texts = [t.text for t in vals]
            seen_zero: set[str] = set()  # the rows whose first budget column printed 0 in this row
            if len(vals) == 1 and len(sub_cols) == 3:
                texts = _split_by_ratio(vals[0].text, 3) or texts
            for col, text in zip(sub_cols, texts, strict=False):
                amt = parse_amount(text)
                name = term.field if col.field == "annual_total" and term.role != "row" else col.field
                if term.role == "row" and col.field == "annual_total":
                    name = "annual_total"
                elif col.field != "annual_total":
                    name = None
                if amt is not None and name:
                    key = f"{name}_wan"
                    # 年初预算数 first; printed 0 (all of the year's budget came during it), 全年预算数
                    if key not in rec or rec[key] == 0 and amt[0] and name in seen_zero:
                        rec[key] = round(amt[0] * scale_for(label, amt[1]), 6)
                    if rec[key] == 0:
                        seen_zero.add(name)
                extra(None, f"{term.field}:{col.field}", text)
            h.used.update(id(t) for t in value_toks)
            return []
        amt = parse_amount(first.text)
        if amt is None:
            h.leftovers.append((first, f"{term.field}_wan: not an amount"))
            rec.setdefault(f"_{term.field}_unreadable", True)
            return list(value_toks[1:])
        field_name = term.field
        if field_name == "fund_total":
            field_name = {"own_level": "own_level", "transfer": "transfer"}.get(block or "", "annual_total")
        key = f"{field_name}_wan"
        value = round(amt[0] * scale_for(label, amt[1]), 6)
        if key in rec and rec[key] is not None:
            extra(label, field_name, first.text, [first])
        else:
            rec[key] = value
            h.used.add(id(first))
        return rest

    cur_block_scale: float | None = None
    for labels, values in runs:
        # labels followed directly by labels have empty values
        for tok, term in labels[:-1]:
            h.used.add(id(tok))
            if term.role == "subtable":
                continue
            if term.role == "block":
                block = term.field or block
                cur_block_scale = tok.match.scale if tok.match.scale is not None else cur_block_scale
                continue
            if term.role == "goal":
                continue
            if term.role == "unit_label":
                continue
            if term.role in ("field",) and term.field in _MONEY:
                rec.setdefault(f"{term.field if term.field != 'fund_total' else 'annual_total'}_wan", None)
                continue
            if term.role == "field" and term.field in _TEXT:
                extra(tok, term.field, None)
                continue
            extra(tok, term.field or term.role, None)
        subs = [term for _, term in labels if term.role == "subtable"]
        if len(subs) >= 2:  # the columns of a money sub-table, in the order printed (分值, 得分 among them)
            sub_cols = [term for _, term in labels if term.role in ("subtable", "column", "extra")]
        goal_run = [(t, term) for t, term in labels if term.role == "goal"]
        tok, term = labels[-1]
        h.used.add(id(tok))
        vals = list(values)
        # a value that is itself shaped like an unknown label starts an extra of its own
        if term.role == "block":
            block = term.field or block
            cur_block_scale = tok.match.scale if tok.match.scale is not None else cur_block_scale
            leftover_vals = vals
        elif term.role == "unit_label":
            leftover_vals = vals
            if vals and _UNIT_WORD_RE.match(vals[0].text):
                unit_scale = money_scale()[vals[0].text]
                rec.setdefault("unit_label", "万元" if vals[0].text in ("万元", "万") else vals[0].text)
                h.scale = unit_scale
                h.used.add(id(vals[0]))
                leftover_vals = vals[1:]
        elif term.role == "goal" or goal_run:
            runs_goals = goal_run if goal_run and goal_run[-1][0] is tok else [(tok, term)]
            leftover_vals = _read_goals(runs_goals, vals, rec, h)
        elif term.role in ("subtable", "column", "extra") and len(subs) >= 2 and vals \
                and rec.get("annual_total_wan") is None and _first_row_amount(sub_cols, vals) is not None:
            # a money row printed right after the sub-table's columns, its row label written elsewhere (a text
            # layer written column by column): the block's first row, the year's total
            text, pieces = _first_row_amount(sub_cols, vals)
            amt = parse_amount(text)
            rec["annual_total_wan"] = round(amt[0] * scale_for(tok, amt[1]), 6)
            extra(tok, term.field or term.role, " ".join(pieces), vals)
            leftover_vals = []
        elif term.role in ("subtable", "column", "section"):
            if term.role == "section" and not vals:
                leftover_vals = []  # 绩效指标 heading the indicator block: structure, not a value
            elif term.role != "subtable":
                extra(tok, term.field or term.role, join_text(v.text for v in vals) or None, vals)
                vals = []
                leftover_vals = vals
            else:
                leftover_vals = vals
        elif term.role in ("field", "row") and (term.field in _MONEY or term.role == "row"):
            leftover_vals = set_money(tok, term, vals)
        elif term.role == "field" and term.field in _TEXT:
            value_toks, leftover_vals = _value_run(vals)
            if value_toks and _AMOUNT_ONLY_RE.match(join_text(v.text for v in value_toks)):
                # a bare amount is no name, department or unit (an amount of a block printed beside the label)
                value_toks, leftover_vals = [], vals
            text = join_text(v.text for v in value_toks) if value_toks else ""
            h.used.update(id(v) for v in value_toks)
            if term.field in candidates:
                candidates[term.field].append((rank.get(match_key(term.term), 99), text, tok))
                h.used.add(id(tok))
            elif text and not rec.get(term.field):
                rec[term.field] = text
            else:
                extra(tok, term.field, text or None)
        else:  # a known extra (项目负责人, 补助区域 …)
            value_toks, leftover_vals = _value_run(vals)
            text = join_text(v.text for v in value_toks) if value_toks else ""
            extra(tok, term.field, text or None, value_toks)
            if term.field == "areas" and text:
                h.areas = [a for a in re.split(r"[、,，/\s]+", text) if a]
        _read_leftovers(leftover_vals, h, extra, note_title)

    for name, cands in candidates.items():
        filled = sorted((r, i, text) for i, (r, text, _) in enumerate(cands) if text)
        chosen = filled[0][1] if filled else None
        if filled:
            rec[name] = filled[0][2]
        for i, (_, text, tok) in enumerate(cands):
            if i != chosen:  # the other tiers (中央主管部门, 省级主管部门 …) and empty printings
                extra(tok, name, text or None)
    if not rec.get("project") and any(e["field"] == "project" and not e["value"] for e in h.extras):
        # the name label printed with no value after it, the name printed after the title instead
        name = name_after_title(rec.get("table_title") or "")
        if name:
            rec["project"] = name
    if "year" not in rec and "title_year" in rec:
        rec["year"] = rec["title_year"]
    rec.pop("title_year", None)
    if block_scale is not None and unit_scale is None:
        h.scale = block_scale
        rec.setdefault("unit_label", "万元" if block_scale == 1.0 else "元")
    return h


_CODE_RE = re.compile(r"^0\d{3,}$")
#: A cell that holds only an amount (``9,034``, ``250000.00``).
_AMOUNT_ONLY_RE = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
#: A bracketed year after a title (``(2022 年度)``).
_BRACKETED_YEAR_RE = re.compile(r"^[(]\s*\d{4}[^)]{0,4}[)]")


def _first_row_amount(sub_cols: Sequence[Term], vals: Sequence[Tok]) -> tuple[str, list[str]] | None:
    """The amount under the first annual-total column of a money row printed as ``vals``, and the row's pieces.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> cols = [terms()[k][0] for k in ("年初预算数", "全年预算数", "全年执行数")]
        >>> _first_row_amount(cols, [Tok("20000.00 20000.00 4.52", (Cell("", 1),), 2)])
        ('20000.00', ['20000.00', '20000.00', '4.52'])
        >>> _first_row_amount(cols, [Tok("已完成", (Cell("", 1),), 2)]) is None
        True
    """
    pieces = [p for v in vals for p in v.text.split()]
    at = next((i for i, c in enumerate(sub_cols) if c.field == "annual_total"), None)
    if at is None or len(pieces) <= at or parse_amount(pieces[at]) is None:
        return None
    return pieces[at], pieces


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


def _value_run(vals: list[Tok]) -> tuple[list[Tok], list[Tok]]:
    """The value tokens of a label: up to the end of its row, or a cell shaped like an unknown label.

    The row ends where the reader saw it end; a cell shaped like a label the vocabulary does not know stands
    alone or opens its line before its value.

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> def tok(text, gap):
        ...     return Tok(text, (Cell(text, 1),), gap)
        >>> [t.text for t in _value_run([tok("某某专项资金", 2), tok("下达地方或单位", 4), tok("某区政府", 2)])[0]]
        ['某某专项资金']
        >>> [t.text for t in _value_run([tok("某某补贴、涉台联络", 0), tok("经费", 2), tok("概况 补贴包括:…", 2)])[0]]
        ['某某补贴、涉台联络', '经费']
    """
    for k, v in enumerate(vals):
        if k > 0 and (v.gap >= BREAK or (_is_unknown_label(v.text)
                                         or v.gap >= LINE and _label_then_value(v.text) is not None)
                      and rules.enabled("name.stops-at-unknown-label")):
            return vals[:k], vals[k:]
    return vals, []


def _is_unknown_label(text: str) -> bool:
    return len(text) <= 16 and _UNKNOWN_LABEL_RE.search(text) is not None


def _label_then_value(text: str) -> tuple[str, str] | None:
    """``(label, value)`` of a cell opened by a word shaped like an unknown label, else ``None``."""
    m = _LABEL_THEN_VALUE_RE.match(text)
    if m is None or not _UNKNOWN_LABEL_RE.search(m["label"]):
        return None
    return m["label"], m["value"]


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
        if _is_unknown_label(v.text):
            value_toks, _ = _value_run(vals[k + 1 :])
            text = join_text(t.text for t in value_toks)
            extra(v, "", text or None, value_toks)
            k += 1 + len(value_toks)
            continue
        if (pair := _label_then_value(v.text)) is not None:
            h.extras.append({"label": pair[0], "field": "", "value": pair[1], "tok": v})
            h.used.add(id(v))
            k += 1
            continue
        h.leftovers.append((v, "text after a header value"))
        k += 1


def _read_goals(labels: Sequence[tuple[Tok, Term]], vals: list[Tok], rec: dict, h: Header) -> list[Tok]:
    """Goal labels printed side by side take the texts after them in order; the last label takes the rest."""
    texts = [v for v in vals if v.text]
    numbers = [v for v in texts if _NUMBERS_ONLY_RE.match(v.text)]
    for v in numbers:  # a cell of numbers is no goal: another cell's value written here (a layer written by column)
        h.leftovers.append((v, NUMBERS_IN_GOAL))
    texts = [v for v in texts if v not in numbers]
    if not texts:
        return []
    labels = list(labels)
    if len(labels) > len(texts) + 1 and labels[-1][0].gap >= LINE and labels[-2][0].line < labels[-1][0].line:
        # goal columns printed on one row (预期目标 | 实际完成情况), a row label under them (总体目标): the
        # row's texts go to the columns
        labels = labels[:-1]
    if len(labels) > 1 and len(texts) > len(labels):
        groups = _sentences(texts, len(labels))
    elif len(labels) > 1:
        groups = [[t] for t in texts]
    else:
        groups = [texts]
    labels = list(labels)[-len(groups):] if len(groups) <= len(labels) else list(labels)
    for (tok, term), group in zip(labels, groups, strict=False):
        text = _join_goal(group)
        key = term.field
        if text and not rec.get(key):
            rec[key] = text
        elif text:
            h.extras.append({"label": tok.text, "field": key, "value": text, "tok": tok})
        h.used.update(id(t) for t in group)
    return []


#: Numbers (amounts, shares) alone in a cell: no goal says only that.
_NUMBERS_ONLY_RE = re.compile(r"^[\d\s.,%]+$")
#: Why numbers after a goal label are reported.
NUMBERS_IN_GOAL = "numbers where a goal is printed: another cell's value, not a goal"


def _sentences(texts: list[Tok], n: int) -> list[list[Tok]]:
    """Group wrapped goal lines into ``n`` cells at sentence ends (two goals printed one after the other)."""
    groups: list[list[Tok]] = [[]]
    for t in texts:
        groups[-1].append(t)
        if t.text.endswith(_SENTENCE_END) and len(groups) < n:
            groups.append([])
    groups = [g for g in groups if g]
    if len(groups) != n:
        return [texts]
    return groups


def _join_goal(group: Sequence[Tok]) -> str:
    out = ""
    for t in group:
        text = t.text.strip()
        if out and t.gap == PIECE and out[-1].isascii() and text[:1].isascii():
            out += " "
        out += text
    return out if group and group[0].gap != BLANK or out else out
