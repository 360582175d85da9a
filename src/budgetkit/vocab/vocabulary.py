"""The one vocabulary of printed terms, and how a printed cell is matched against it.

Every term a performance-target table prints as a label lives in
``metadata/vocabulary.csv`` with its **role** (``title``, ``unit_label``, ``field``,
``extra``, ``block``, ``subtable``, ``row``, ``goal``, ``column``, ``section``,
``level1``, ``level2``, ``boilerplate``, ``furniture``), the **field** or
canonical form it stands for, its parent (for level-2 labels) and the template
it comes from (the seed's, 财预〔2021〕101号, older ones). Qualifiers that
templates add to labels (``(必填)``, ``(0-20)分``, ``(万元)``, ``★``) are in
``metadata/qualifiers.csv``. A new synonym is a new row there, nowhere else.

Matching works on a **key** of the printed text: NFKC, white space and
required-field marks removed, pinyin that mirror sites insert after characters
(``學(xué)``) removed, and traditional characters converted to simplified (OpenCC
``t2s``). The printed text is kept by the caller; the key is only for matching.

Examples:
    >>> match_key("產(chǎn)出指標(biāo)")
    '产出指标'
    >>> m = lookup("数量指标 (必填硬性指标)")
    >>> m.term.role, m.term.field, m.qualifiers, m.reasons
    ('level2', '数量指标', ('(必填硬性指标)',), ('label matched through a qualifier',))
    >>> lookup("项目资金 (元)").scale
    0.0001
    >>> [t.role for t in lookup("成本指标").terms]
    ['level1', 'level2']
    >>> lookup("职工困难医疗救助") is None
    True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

from budgetkit.model.fields import read_metadata
from budgetkit.vocab.part_words import part_prefix_re, part_words

__all__ = [
    "PINYIN_RE",
    "simplified",
    "Match",
    "Term",
    "find_terms",
    "is_prefix",
    "lookup",
    "match_key",
    "scan",
    "terms",
]

#: Pinyin a mirror site inserts after a character: ``學(xué)``; also a cut one at the end (``生態(t``).
PINYIN_RE = re.compile(r"(?<=[\u3400-\u9fff])\((?:[a-zàáâãäāăǎèéêěēíìîïīǐòóôõöōǒùúûüūǔǖǘǚǜńňǹḿ]{1,7})(?:\)|$)")
_SPACE_RE = re.compile(r"[\s\u3000]+")
_MARKS = str.maketrans("", "", "*★☆\"'“”")
# (?<!\d): a score is looked for from the start of a run of digits only, so a long run is read once
_QUALIFIER_CANDIDATE_RE = re.compile(r"\([^()]*\)分?|(?<!\d)\d+(?:\.\d+)?分$|[★☆*]+")
_YEAR_IN_LABEL_RE = re.compile(r"\d{4}年度?")
#: A label printing an alternative word in brackets inside it (``专项(项目)名称``, ``项目(资金)名称``).
_INNER_ALTERNATIVE_RE = re.compile(r"^(?P<before>[^()]{1,8})\((?P<alternative>[^()]{1,6})\)(?P<after>[^()]{1,8})$")


@dataclass(frozen=True, slots=True)
class Term:
    """One row of ``metadata/vocabulary.csv``."""

    term: str
    role: str
    field: str
    level: int | None
    parent: str | None
    match: str
    template: str


@dataclass(frozen=True, slots=True)
class Match:
    """A printed cell matched to the vocabulary.

    Attributes:
        terms: every vocabulary row of the matched term (a term may have several roles).
        printed: the cell as printed.
        qualifiers: qualifiers stripped before matching, as they appear in the key.
        scale: factor to 万元 a unit qualifier gives (``(元)`` → 0.0001), else ``None``.
        reasons: why the match is less than exact (qualifier stripped, script converted, prefix).
    """

    terms: tuple[Term, ...]
    printed: str
    qualifiers: tuple[str, ...] = ()
    scale: float | None = None
    reasons: tuple[str, ...] = ()

    @property
    def term(self) -> Term:
        """The first vocabulary row of the match."""
        return self.terms[0]

    def role(self, *roles: str) -> Term | None:
        """The vocabulary row of the match with the first of ``roles`` it has, else ``None``."""
        if len(self.terms) == 1:  # most terms have one role
            term = self.terms[0]
            return term if term.role in roles else None
        for role in roles:
            for t in self.terms:
                if t.role == role:
                    return t
        return None


@cache
def _t2s():
    import opencc  # lazy: only documents in traditional script need it

    return opencc.OpenCC("t2s")


def _simplify_char(char: str) -> str:
    if char.isascii() or not ("\u3400" <= char <= "\u9fff"):
        return char
    out = _t2s().convert(char)
    return out if len(out) == 1 else char


class _Simplified(dict):
    """A :meth:`str.translate` table of each character's simplified form, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        out = self[code] = _simplify_char(chr(code))
        return out


_SIMPLIFIED = _Simplified()


@cache
def _s2t():
    import opencc  # lazy: only documents in traditional script need it

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    """``text`` in traditional script (OpenCC ``s2t``): how a page in traditional script prints a term.

    Examples:
        >>> traditional("万元"), traditional("户")
        ('萬元', '戶')
    """
    return _s2t().convert(text)


def simplified(text: str) -> str:
    """``text`` in simplified script, character by character (OpenCC ``t2s``): the one home of script conversion.

    Examples:
        >>> simplified("28.8萬元"), simplified("元/戶"), simplified("万元")
        ('28.8万元', '元/户', '万元')
    """
    return text.translate(_SIMPLIFIED)
#: Marks a key leaves out (required-field stars, quotes), with white space.
_KEY_MARKS = "*★☆\"“”"
_SQUEEZE_RE = re.compile(r"[\s" + re.escape(_KEY_MARKS) + "]+")


def _base_key(text: str) -> str:
    """The key of ``text``: NFKC, white space and marks out, then inserted pinyin out, then simplified script.

    White space and marks go first, so that pinyin wrapped over a line (``產(c`` / ``hǎn)``) is still seen.
    """
    squeezed = _SQUEEZE_RE.sub("", unicodedata.normalize("NFKC", text))
    return PINYIN_RE.sub("", squeezed).translate(_SIMPLIFIED)


def _key_origin(text: str) -> list[int]:
    """For each character of :func:`_base_key`'s key, the index of the printed character it came from."""
    text = unicodedata.normalize("NFKC", text)
    kept = [i for i, ch in enumerate(text) if not ch.isspace() and ch not in _KEY_MARKS]
    squeezed = "".join(text[i] for i in kept)
    dropped = {i for m in PINYIN_RE.finditer(squeezed) for i in range(m.start(), m.end())}
    return [i for k, i in enumerate(kept) if k not in dropped]


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """The matching key of ``text``: NFKC, no white space, marks or inserted pinyin, simplified script.

    Examples:
        >>> match_key(" 一级 指标 ")
        '一级指标'
        >>> match_key("*年度總體績效目標(biāo)")
        '年度总体绩效目标'
    """
    return _base_key(text)


@cache
def terms() -> dict[str, tuple[Term, ...]]:
    """Every vocabulary term by its key (a key may carry several roles, in file order)."""
    out: dict[str, list[Term]] = {}
    for row in read_metadata("vocabulary"):
        term = Term(row["term"], row["role"], row["field"], int(row["level"]) if row["level"] else None,
                    row["parent"] or None, row["match"], row["template"])
        out.setdefault(match_key(row["term"]), []).append(term)
    return {k: tuple(v) for k, v in out.items()}


@cache
def _qualifiers() -> tuple[tuple[re.Pattern[str], str, float | None], ...]:
    return tuple(
        (re.compile(row["pattern"]), row["kind"], float(row["scale"]) if row["scale"] else None)
        for row in read_metadata("qualifiers")
    )


def _qualifier(text: str) -> tuple[str, float | None] | None:
    """``(kind, scale)`` when ``text`` (a key fragment) is a qualifier, else ``None``."""
    for pattern, kind, scale in _qualifiers():
        if pattern.match(text):
            return kind, scale
    return None


def qualifier_kind(text: str) -> str | None:
    """The kind of qualifier ``text`` is (``unit``, ``fill``, ``score`` … of ``metadata/qualifiers.csv``), or None.

    Examples:
        >>> qualifier_kind("(万元)"), qualifier_kind("(必填)"), qualifier_kind("(具体项目)")
        ('unit', 'fill', None)
    """
    found = _qualifier(match_key(text))
    return found[0] if found is not None else None


@cache
def _prefixes() -> frozenset[str]:
    return frozenset(k[:i] for k in terms() for i in range(1, len(k) + 1))


def is_prefix(key: str) -> bool:
    """Whether ``key`` (a matching key) starts some vocabulary term.

    Examples:
        >>> is_prefix("满意度指"), is_prefix("职工")
        (True, False)
    """
    return key in _prefixes()


def _strip_qualifiers(key: str) -> tuple[str, tuple[str, ...], float | None]:
    stripped: list[str] = []
    scale = None
    out = key
    for m in reversed(list(_QUALIFIER_CANDIDATE_RE.finditer(key))):
        q = _qualifier(m.group(0))
        if q is None:
            continue
        stripped.append(m.group(0))
        if q[1] is not None:
            scale = q[1]
        out = out[: m.start()] + out[m.end() :]
    return out, tuple(reversed(stripped)), scale


@cache
def _term_chars() -> frozenset[str]:
    """Every character of the vocabulary's keys."""
    return frozenset("".join(terms()))


#: What :func:`lookup` may strip of a key besides its bracketed qualifiers: a leading 其中/含, a year, a
#: score (``10分``), colons. Whatever else a key holds stands in every candidate it tries.


@lru_cache(maxsize=65536)
def lookup(text: str) -> Match | None:
    """Match a whole printed cell to a vocabulary term, or ``None``.

    Tries the key as it is, then without qualifiers, then without a leading
    ``其中:``, then without a trailing ``:``; the first hit wins.

    Examples:
        >>> lookup("其中：财政拨款").term.field
        'fiscal'
        >>> lookup("成本指标(0-20)分").qualifiers
        ('(0-20)分',)
        >>> lookup("年度金额(万元):").scale
        1.0
        >>> m = lookup("专项(项目)名称")
        >>> m.term.field, m.reasons
        ('project', ('label matched through a bracketed alternative',))
    """
    key = match_key(text)
    if not key or not _term_chars().issuperset(_strippable_re().sub("", _QUALIFIER_CANDIDATE_RE.sub("", key))):
        return None  # a character no term holds is left whatever is stripped: no candidate can match
    table = terms()
    # a key with no trailing colon tries the same candidates twice: once is enough
    for k in (key, key.rstrip(":")) if key.endswith(":") else (key,):
        candidates = [(k, (), None, ())]
        stripped, quals, scale = _strip_qualifiers(k)
        if quals:
            candidates.append((stripped.rstrip(":"), quals, scale, ("label matched through a qualifier",)))
        unprefixed = part_prefix_re().sub("", stripped)
        if unprefixed != stripped:
            candidates.append((unprefixed.rstrip(":"), quals, scale, ("label matched through a qualifier",)
                               if quals else ()))
        yearless = _YEAR_IN_LABEL_RE.sub("", unprefixed)
        if yearless != unprefixed and yearless:
            candidates.append((yearless.rstrip(":"), quals, scale, ("label matched without its year",)))
        if (alt := _INNER_ALTERNATIVE_RE.match(yearless)) is not None:  # 专项(项目)名称: either word names it
            for cand in (alt["before"] + alt["after"], alt["alternative"] + alt["after"]):
                candidates.append((cand.rstrip(":"), quals, scale, ("label matched through a bracketed alternative",)))
        for cand, cand_quals, cand_scale, reasons in candidates:
            hit = table.get(cand)
            if hit is not None:
                script = key != _SPACE_RE.sub("", unicodedata.normalize("NFKC", text)).translate(_MARKS)
                base_reasons = ("label matched through script conversion",) if script else ()
                exact = tuple(t for t in hit if t.match == "exact") or hit
                return Match(exact, text, cand_quals, cand_scale, base_reasons + reasons)
    return None


@dataclass(frozen=True, slots=True)
class Found:
    """A vocabulary term found inside a longer printed text (run-together cells)."""

    start: int
    end: int
    match: Match


def _wanted(term: Term, roles: frozenset[str]) -> bool:
    return term.role in roles or f"{term.role}:{term.field}" in roles


@cache
def _term_regex(roles: frozenset[str]) -> re.Pattern[str] | None:
    keys = sorted({k for k, ts in terms().items() if any(_wanted(t, roles) for t in ts) and len(k) >= 2},
                  key=len, reverse=True)
    return re.compile("|".join(map(re.escape, keys))) if keys else None


_TRAILING_QUALIFIER_RE = re.compile(r"\([^()]{0,12}\)分?|:")


def find_terms(text: str, roles: Iterable[str]) -> tuple[Found, ...]:
    """Find the vocabulary terms of ``roles`` (``role`` or ``role:field``) inside ``text``, longest first.

    Cached by text and roles (a document's cells are looked at by several steps): the tuple is shared.

    Examples:
        >>> [(f.start, f.end, f.match.term.field) for f in find_terms("资金总额:15其中:财政拨款15", ["field"])]
        [(0, 5, 'fund_total'), (7, 14, 'fiscal')]
        >>> [f.match.term.term for f in find_terms("建设项目主管部门及代码某局", ["field"])]  # the longer of two
        ['主管部门及代码']
        >>> [f.match.term.term for f in find_terms("均等化。绩效 指标一级 指标二级指标", ["section", "column"])]
        ['绩效指标', '一级指标', '二级指标']
        >>> [f.match.term.term for f in find_terms("提高收入。社会效益 指标受益人数132生态效益 指标", ["level2"])]
        ['社会效益指标', '生态效益指标']
        >>> [f.match.term.term for f in find_terms("产出 数量目标 目标1 受益", ["level1", "level2"])]  # two cells
        ['产出', '数量目标']
    """
    return _find_terms(text, roles if type(roles) is tuple else tuple(roles))


def _spaced_label_ok(key: str, roles: tuple[str, ...], before: str) -> bool:
    """Whether a term glued to the text before it (its last character ``before``) may run over a space.

    So a heading or a field label wrapped in its cell: no word ends with one (绩效 指标一级 指标二级指标,
    …运输局项目 名称…), and a level label after a sentence's end or a number starts a cell (…收入。社会效益 指标,
    …132生态效益 指标).
    """
    hit = terms().get(key)
    if hit is None or len(key) < 4:
        return False
    levels = before.isdigit() or before in _CELL_ENDS
    return any(t.role in roles and (t.role in ("column", "section", "field")
                                    or levels and t.role in ("level1", "level2")) for t in hit)


#: Characters that end a cell's text (a sentence, a bracket, a percentage).
_CELL_ENDS = frozenset("。;;,，)）%")


def _cut_at_space(pattern: re.Pattern[str], key: str, text: str, origin: list[int], m: re.Match[str]):
    """The term before a printed space inside match ``m``, where a term after the space reaches further.

    Two labels parted by a space are two cells, not one term run over the space: ``产出 数量目标`` is 产出 and
    数量目标, not 产出数量 and 目标. ``None`` where ``m`` holds no such space.
    """
    for b in range(m.start() + 1, m.end()):
        if any(ch.isspace() for ch in text[origin[b - 1] + 1 : origin[b]]):
            after = pattern.match(key, b)
            if after is not None and after.end() > m.end():
                return pattern.fullmatch(key, m.start(), b)
    return None


@lru_cache(maxsize=65536)
def _find_terms(text: str, roles: tuple[str, ...]) -> tuple[Found, ...]:
    pattern = _term_regex(frozenset(roles))
    if pattern is None:
        return ()
    key = match_key(text)
    if pattern.search(key) is None:
        return ()
    origin = _key_origin(text)
    found: list[Found] = []
    pos = 0
    while (m := pattern.search(key, pos)) is not None:
        m = _cut_at_space(pattern, key, text, origin, m) or m
        longer = _longer_overlap(pattern, key, m)
        if longer is not None:
            pos = longer.start()
            continue
        pos = m.end()
        if _runs_over_space(text, origin, m, roles):
            pos = m.start() + 1  # it would start inside a word and run over a space: look for a later term
            continue
        start_printed, end_printed = _printed_span(text, key, origin, m)
        hit = lookup(text[start_printed:end_printed]) or lookup(text[origin[m.start()] : end_printed])
        if hit is not None:
            found.append(Found(start_printed, end_printed, hit))
    return tuple(found)


def _longer_overlap(pattern: re.Pattern[str], key: str, m: re.Match[str]) -> re.Match[str] | None:
    """A longer term overlapping ``m``'s end: 建设项目主管部门及代码 is 主管部门及代码, not 项目主管部门."""
    return next((o for q in range(m.start() + 1, m.end()) if (o := pattern.match(key, q)) is not None
                 and o.end() > m.end() and o.end() - o.start() > m.end() - m.start()), None)


def _runs_over_space(text: str, origin: list[int], m: re.Match[str], roles: tuple[str, ...]) -> bool:
    """Whether term ``m`` would start inside a printed word and run over a space (and is no spaced label)."""
    start_printed = origin[m.start()]
    return (start_printed > 0 and not text[start_printed - 1].isspace()
            and any(ch.isspace() for ch in text[start_printed : origin[m.end() - 1]])
            and not _spaced_label_ok(m.group(0), roles, text[start_printed - 1]))


def _printed_span(text: str, key: str, origin: list[int], m: re.Match[str]) -> tuple[int, int]:
    """Where term ``m`` of the key stands in ``text``, with its qualifiers, its pinyin and a 其中 before it."""
    start_printed, end = origin[m.start()], m.end()
    while (q := _TRAILING_QUALIFIER_RE.match(key, end)) is not None:
        frag = q.group(0)
        if frag != ":" and _qualifier(frag) is None:
            break
        end = q.end()
    end_printed = origin[end - 1] + 1
    if (pinyin := PINYIN_RE.match(text, end_printed)) is not None:
        end_printed = pinyin.end()  # the pinyin inserted after the term's last character is the term's
    head = text[max(0, start_printed - 3) : start_printed]  # a "其中:" right before the term belongs to it
    if (part := part_prefix_re(at_end=True).search(head)) is not None:
        start_printed -= len(part.group(0))
    return start_printed, end_printed


@cache
def _strippable_re() -> re.Pattern[str]:
    """Characters a label may carry besides its term's: digits, a year, a score, a part word."""
    return re.compile(rf"[\d.年度分:{re.escape(''.join(dict.fromkeys(''.join(part_words()))))}]")


@cache
def _scanned(roles: frozenset[str]) -> tuple[tuple[str, Term], ...]:
    out = [(k, t) for k, ts in terms().items() for t in ts if t.role in roles and t.match in ("start", "contains")]
    return tuple(sorted(out, key=lambda kt: -len(kt[0])))


@cache
def _scanned_regex(roles: frozenset[str]) -> re.Pattern[str] | None:
    """Any of the scanned terms of ``roles`` anywhere in a key (a cell holding none is no furniture)."""
    keys = [k for k, _ in _scanned(roles)]
    return re.compile("|".join(map(re.escape, keys))) if keys else None


@lru_cache(maxsize=65536)
def scan(text: str, *roles: str) -> Term | None:
    """The term of ``roles`` a cell starts with or contains (titles, site furniture, signature blocks).

    Terms marked ``start`` in the vocabulary must open the cell, ``contains`` ones may stand anywhere.

    Examples:
        >>> scan("2025年自治区本级部门项目支出预算绩效目标表", "title").field
        'project'
        >>> scan("鲁ICP备06032897号  鲁公网安备37142402000014", "furniture").term
        'ICP备'
        >>> scan("财政资金管理科室(盖章) 年 月 日", "boilerplate").term
        '盖章'
        >>> scan("中央主管部门", "furniture") is None
        True
    """
    key = match_key(text)
    if not key:
        return None
    anywhere = _scanned_regex(frozenset(roles))
    if anywhere is None or anywhere.search(key) is None:
        return None  # no term of ``roles`` stands anywhere in the key, at its start or inside
    for k, term in _scanned(frozenset(roles)):
        if term.match == "start" and key.startswith(k) or term.match == "contains" and k in key:
            return term
    return None
