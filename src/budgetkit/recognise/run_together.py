"""The rows of a flattened page cut apart: a name, its explanation and its targets run together in one token.

A page flattened onto one line (a copied page, OCR) or one row a line runs a row's cells together:
``项目资金使用合规性反映项目资金使用合规情况>=95%>=95%项目完成率`` is a name, its explanation, two area
targets and the next row's name. :func:`split_run_together_rows` cuts such tokens at the runs of targets
(:mod:`budgetkit.segment.target_runs`), before an explanation's opening word, around targets of words and
before a row's value of words (:mod:`budgetkit.segment.word_values`), and at the cells the section's columns
say stand between them (绩效标准, 单位, 指标值类型, 指标方向, 权重).

Why in ``recognise/`` and not ``segment/``: the cuts read the section's columns, and the words of two of them
are recognition's (``STANDARDS`` and ``VALUE_TYPES`` of :mod:`budgetkit.recognise.align`), as are the cuts of a
choice direction and of a restated explanation (:mod:`budgetkit.recognise.choices`).

Examples:
    >>> from budgetkit.model.cells import Cell
    >>> t = Tok("项目资金使用合规性反映项目资金使用合规情况>=95%>=90%>=85%村民满意度", (Cell("", 1),), 0, inferred=True)
    >>> [p.text for p in split_run_together_rows([t], areas=3)]
    ['项目资金使用合规性', '反映项目资金使用合规情况', '>=95%', '>=90%', '>=85%', '村民满意度']
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from budgetkit.model import rules
from budgetkit.model.normalize import is_wide
from budgetkit.recognise.align import STANDARDS, VALUE_TYPES
from budgetkit.recognise.choices import choice_tail, restated_cut
from budgetkit.segment.target_runs import (
    TARGET_THEN_NUMBERS_RE,
    VALUE_TOKEN_RE,
    one_target_re,
    target_run_re,
    target_runs,
    target_then_weight_re,
)
from budgetkit.segment.tokens import EXPLANATION_CUTS, LINE, PIECE, SAME, Tok
from budgetkit.segment.word_values import cut_word_targets, word_value_tail
from budgetkit.vocab.values import is_measurable
from budgetkit.vocab.vocabulary import lookup, simplified

__all__ = ["BESIDE_GUESS", "EXPLANATION_CUT", "WORD_VALUE_CUT", "split_run_together_rows"]

#: The reason a number glued to a row's target carries: which of the row's columns it stands in is a guess.
BESIDE_GUESS = "number glued to the target: its column is a guess"
#: The reason an explanation cut off a run-together row carries: the section reads it in a column of its own.
EXPLANATION_CUT = "explanation cut off a run-together row"
#: The reason a run-together row's value cut before a word value carries (the cut is a guess).
WORD_VALUE_CUT = "value cut off before a word value"

#: A 绩效标准 word inside a run-together row, kept as a piece of its own.
_STANDARD_CUT_RE = re.compile("(" + "|".join(STANDARDS) + ")")
#: Where an indicator's explanation (指标解释) starts inside a run-together row.
_EXPLANATION_START_RE = re.compile("|".join(EXPLANATION_CUTS))


@dataclass(frozen=True)
class _Section:
    """The columns of a run-together row's section: what cells lie between its name and its targets.

    See :func:`split_run_together_rows` for what each column cuts.
    """

    areas: int = 0
    standards: bool = False
    units: bool = False
    value_types: bool = False
    directions: bool = False
    explanations: bool = False
    weights: bool = False


def split_run_together_rows(toks: Sequence[Tok], areas: int = 0, standards: bool = False,
                            units: bool = False, value_types: bool = False, directions: bool = False,
                            explanations: bool = False, weights: bool = False) -> list[Tok]:
    """Cut the rows of a flattened page: a name, its explanation and its targets run together.

    Only tokens already cut out of a flattened line (``inferred``) are split: at
    each run of targets (``…数量情况2312222``, ``>=95%>=95%…``) and before an
    explanation's opening word (``反映…``). Where the section has ``areas`` target
    columns, a run of exactly that many targets is cut into one per area; where it has a
    绩效标准 column (``standards``), at its words (``≥80M计划标准雾炮车…``), which end a row; where it
    has a 单位 column (``units``), before a percent sign between a name and its target; where it has a
    指标值类型 column (``value_types``), at its words between a name and its target (``…金额定量28.8万元``);
    where it has a 指标方向 column (``directions``) and area columns, before a choice direction and its answers
    (``…质量问题是/否否否``, :func:`~budgetkit.recognise.choices.choice_tail`); where it has an explanation
    column (``explanations``), before an explanation that restates the name's closing words.
    Where it has a 权重 column (``weights``), before a percent glued to a target with its unit (``≥280亿元30%``).

    Examples:
        >>> from budgetkit.model.cells import Cell
        >>> t = Tok("项目资金使用合规性反映项目资金使用合规情况>=95%>=95%项目完成率", (Cell("", 1),), 0, inferred=True)
        >>> [p.text for p in split_run_together_rows([t])]
        ['项目资金使用合规性', '反映项目资金使用合规情况', '>=95%>=95%', '项目完成率']
    """
    section = _Section(areas, standards, units, value_types, directions, explanations, weights)
    flattened = _a_row_a_line(toks)
    out: list[Tok] = []
    for tok in toks:
        out += _split_row(tok, section) if _may_run_together(tok, flattened) else [tok]
    return out


def _a_row_a_line(toks: Sequence[Tok]) -> bool:
    """Whether ``toks`` are a page flattened one row a line.

    There the lines the vocabulary cut nothing from (no level label opens them) are rows run together as well.
    """
    return sum(t.inferred for t in toks) >= 2 and not any(t.gap == SAME for t in toks) \
        and rules.enabled("run-together.row-a-line")


def _may_run_together(tok: Tok, flattened: bool) -> bool:
    """Whether ``tok`` may hold a row's cells run together.

    It is cut out of a flattened line (or is a line of a page flattened a row a line), no term of the
    vocabulary, with no space in it, eight characters or more.
    """
    return (tok.inferred or flattened and tok.gap >= LINE) and tok.match is None and " " not in tok.text \
        and len(tok.text) >= 8


def _split_row(tok: Tok, section: _Section) -> list[Tok]:
    """The cells of the run-together row ``tok``, by the first cut that applies.

    Before a choice direction and its answers, else before its one value (a measurable tail, or a value of
    words), else at its runs of targets.
    """
    for cut in (_choice_cut, _tail_cut):
        cells = cut(tok, section)
        if cells is not None:
            return cells
    return _target_cut(tok, section)


def _choice_cut(tok: Tok, section: _Section) -> list[Tok] | None:
    """The row cut before a choice direction and one answer per area, else None.

    Where the section has a 指标方向 column and area columns: ``…质量问题是/否否否`` is the name, its
    explanation, the direction and the answers.
    """
    chosen = choice_tail(tok.text, section.areas) if section.directions and section.areas > 1 else None
    if chosen is None or not rules.enabled("run-together.choice-answers"):
        return None
    before, word, answers = chosen
    return [*_named(before, tok, section.explanations),
            *(Tok(p, tok.cells, SAME, inferred=True, match=lookup(p)) for p in (word, *answers))]


def _tail_cut(tok: Tok, section: _Section) -> list[Tok] | None:
    """The row cut before its one value (:func:`_measurable_tail`), else None.

    Its name, the cells between (explanation, 指标值类型 or 单位), then the value, doubted where the cut is a
    guess. None where rows run together in it, or it has no such value.
    """
    text = tok.text
    tail, sure = _measurable_tail(text) if not _rows_run_together(text) else (None, False)
    if tail is None or not rules.enabled("run-together.measurable-tail"):
        return None
    cells = tok.cells if sure else tuple(c.doubted(WORD_VALUE_CUT) for c in tok.cells)
    name, *explained = _cut_explanation(text[:tail])
    name, *typed = _cells_before_target(name, section.value_types, section.units) if not explained else [name]
    return [replace(tok, text=name), *(Tok(p, tok.cells, PIECE, inferred=True, match=lookup(p)) for p in typed),
            *(_explanation(p, tok) for p in explained),
            Tok(text[tail:], cells, PIECE, inferred=True, match=lookup(text[tail:]))]


def _target_cut(tok: Tok, section: _Section) -> list[Tok]:
    """The row cut at its runs of targets, before its explanations, and after a target glued to numbers.

    ``[tok]`` itself where nothing cuts it.
    """
    split = [(piece, i > 0) for part in _parts_at_targets(tok.text, section) if part
             for i, piece in enumerate(_cut_explanation(part))]
    beside: set[int] = set()  # numbers printed after a row's target in its other columns (权重, 得分)
    weighed: set[int] = set()  # of them, a percent after a target with its unit: the row's weight, a cell
    if section.areas > 1:
        split = _one_per_area(split, section.areas)
    else:
        split, beside, weighed = _glued_numbers(split, section.weights)
    if len(split) == 1:
        return [tok]
    return _row_cells(tok, split, beside, weighed)


def _parts_at_targets(text: str, section: _Section) -> list[str]:
    """``text`` cut at each run of targets, around targets of words and at 绩效标准 words.

    Before a target, the cells the section has between a name and its target are cut off the name; the
    绩效标准 words are cut where the section has that column.

    Examples:
        >>> _parts_at_targets("成本控制率不超预算人均培训费≤500元计划标准", _Section(standards=True))
        ['成本控制率', '不超预算', '人均培训费', '≤500元', '', '计划标准', '']
    """
    parts: list[str] = []
    pos = 0
    for m in target_runs(text):
        if m.start() == 0 or not m.group(0) or m.start() < pos or not any(ch.isdigit() for ch in m.group(0)):
            continue
        parts += _cells_before_target(text[pos : m.start()], section.value_types, section.units)
        parts.append(m.group(0))
        pos = m.end()
    parts.append(text[pos:])
    parts = [piece for part in parts for piece in cut_word_targets(part)]
    if section.standards and rules.enabled("run-together.standard-words"):
        parts = [piece for part in parts for piece in _STANDARD_CUT_RE.split(part)]
    return parts


def _one_per_area(split: list[tuple[str, bool]], areas: int) -> list[tuple[str, bool]]:
    """The pieces of a row, a run of exactly ``areas`` targets cut into one target per area column.

    Examples:
        >>> _one_per_area([("村民满意度", False), (">=90%>=85%", False)], 2)
        [('村民满意度', False), ('>=90%', False), ('>=85%', False)]
    """
    spread: list[tuple[str, bool]] = []
    for part, explains in split:
        found = one_target_re().findall(part) if target_run_re().fullmatch(part) else []
        spread += ([(f, False) for f in found] if len(found) == areas and "".join(found) == part
                   and rules.enabled("run-together.areas-cut")
                   else [(part, explains)])
    return spread


def _glued_numbers(split: list[tuple[str, bool]], weights: bool
                   ) -> tuple[list[tuple[str, bool]], set[int], set[int]]:
    """The pieces of a row, numbers glued after a target cut off it; with the indexes of those numbers.

    Bare numbers after a target (``=100%60``), or a percent after a target with its unit where the section has
    a 权重 column (``≥280亿元30%``). Returns the pieces, the indexes of the numbers cut off (``beside``) and, of
    them, those of the weights (``weighed``).

    Examples:
        >>> _glued_numbers([("完成率", False), ("=100%60", False)], False)
        ([('完成率', False), ('=100%', False), ('60', False)], {2}, set())
    """
    cells: list[tuple[str, bool]] = []
    beside: set[int] = set()
    weighed: set[int] = set()
    for part, explains in split:
        m = TARGET_THEN_NUMBERS_RE.fullmatch(part) if target_run_re().fullmatch(part) else None
        if m is None and weights and target_run_re().fullmatch(part):
            m = target_then_weight_re().fullmatch(part)
            if m is not None and rules.enabled("run-together.target-then-numbers"):
                weighed.add(len(cells) + 1)
        if m is not None and rules.enabled("run-together.target-then-numbers"):
            cells.append((m["target"], False))
            beside.add(len(cells))
            cells.append((m["rest"], False))
        else:
            cells.append((part, explains))
    return cells, beside, weighed


def _row_cells(tok: Tok, split: list[tuple[str, bool]], beside: set[int], weighed: set[int]) -> list[Tok]:
    """The tokens of the pieces ``split`` of ``tok``.

    An explanation is a cell of its own; after a target comes a new line (the next row); a weight is the next
    cell of its row; a number glued to a target is doubted (:data:`BESIDE_GUESS`).
    """
    out: list[Tok] = []
    for k, (part, explains) in enumerate(split):
        if explains:
            out.append(_explanation(part, tok))
            continue
        after_target = k > 0 and k not in beside and (target_run_re().fullmatch(split[k - 1][0]) is not None
                                                      or split[k - 1][0] in STANDARDS)
        gap = tok.gap if k == 0 else (LINE if after_target else SAME if {k, k + 1} & weighed else PIECE)
        cells = tok.cells if k not in beside else tuple(c.doubted(BESIDE_GUESS) for c in tok.cells)
        out.append(Tok(part, cells, gap, inferred=True, match=lookup(part)))
    return out


def _explanation(text: str, tok: Tok) -> Tok:
    """The explanation cut off the run-together row ``tok``: a cell of its own (never joined to the name)."""
    return Tok(text, tuple(c.doubted(EXPLANATION_CUT) for c in tok.cells), SAME, inferred=True, match=lookup(text))



def _named(text: str, tok: Tok, explanations: bool) -> list[Tok]:
    """The name cell of ``tok`` cut from ``text`` and the explanation after it, where one is found."""
    name, *explained = _cut_explanation(text)
    if not explained and explanations and (at := restated_cut(text)) is not None \
            and rules.enabled("run-together.restated-explanation"):
        name, explained = text[:at], [text[at:]]
    return [replace(tok, text=name), *(_explanation(p, tok) for p in explained)]


def _cells_before_target(before: str, value_types: bool, units: bool) -> list[str]:
    """The name before a target, and the 指标值类型 or 单位 cell glued between them where the section has one.

    Examples:
        >>> _cells_before_target("工作支出安排金额定量", True, False), _cells_before_target("稳定率%", False, True)
        (['工作支出安排金额', '定量'], ['稳定率', '%'])
    """
    if value_types and len(before) > 2 and before.endswith(VALUE_TYPES) \
            and rules.enabled("run-together.value-type-cell"):
        return [before[:-2], before[-2:]]
    if units and len(before) > 1 and before[-1] in "%‰" and rules.enabled("run-together.unit-cell"):
        return [before[:-1], before[-1]]
    return [before]


def _cut_explanation(part: str) -> list[str]:
    """Cut ``part`` before its explanation (an opening word four characters in, or a repeat of the name).

    Examples:
        >>> _cut_explanation("补助县(市、区)数量反映补助县数量情况")
        ['补助县(市、区)数量', '反映补助县数量情况']
        >>> _cut_explanation("反映群众满意程度")
        ['反映群众满意程度']
        >>> _cut_explanation("组织赴外地考察学习人次")
        ['组织赴外地考察学习人次']
        >>> _cut_explanation(">=95%>=95%")
        ['>=95%>=95%']

    A name printed again as its own explanation is two cells:

        >>> _cut_explanation("涉及国家数量涉及国家数量")
        ['涉及国家数量', '涉及国家数量']
    """
    if target_run_re().fullmatch(part):
        return [part]  # targets run together (>=95%>=95%) are the areas' values
    half = len(part) // 2
    if half >= 4 and part[:half] == part[half:] and rules.enabled("run-together.name-repeated"):
        return [part[:half], part[half:]]
    m = _EXPLANATION_START_RE.search(simplified(part))  # (該指標 on a page in traditional script)
    if m is not None and m.start() >= 4 and _shared_words(part[: m.start()], part[m.end() :]) \
            and rules.enabled("run-together.explanation-cut"):
        return [part[: m.start()], part[m.start() :]]
    return [part]


#: Characters too common to show that an explanation speaks of its name.
_FUNCTION_CHARS = frozenset("的和及与或等之各项目情况")


def _shared_words(name: str, explanation: str) -> bool:
    """Whether an explanation speaks of its name: a character of the name (not a function word's) in it.

    ``群众诉求反映渠道畅通率`` is one name (反映 inside it), ``…合规性反映项目资金使用合规情况`` a name and its
    explanation, and so is ``受益群众人数反映项目惠及的人口数量`` (its words paraphrased).

    Examples:
        >>> _shared_words("项目资金使用合规性", "项目资金使用合规情况"), _shared_words("群众诉求", "渠道畅通率")
        (True, False)
        >>> _shared_words("受益群众人数", "项目惠及的人口数量")
        True
    """
    return any(is_wide(ch) and ch not in _FUNCTION_CHARS and ch in explanation for ch in name)


def _rows_run_together(text: str) -> bool:
    """Whether ``text`` holds rows run together: a target, then a name (four characters or more), then a target.

    Examples:
        >>> [_rows_run_together(t) for t in ["职工困难医疗救助200户职工困难保障性住房179户", "补助款结算误差率±3%以内",
        ...                                  "饲料库120平米490元/平米"]]
        [True, False, False]
    """
    runs = [m for m in target_runs(text) if m.group(0) and any(ch.isdigit() for ch in m.group(0))]
    return any(a.start() > 0 and b.start() - a.end() >= 4 for a, b in itertools.pairwise(runs))


def _measurable_tail(text: str) -> tuple[int | None, bool]:
    """Where the value of a run-together row starts, and whether the cut is sure.

    The earliest measurable tail (sure), else a short value of words (a guess).

    Examples:
        >>> [_measurable_tail(t) for t in ["新建校舍面积≥3000平方米", "职工家庭生活有所改善", "办学条件改善",
        ...                                  "为当地提供就业增加岗位", "对文物保护、文化传承影响长远"]]
        [(6, True), (6, False), (None, False), (7, False), (12, False)]
    """
    if any(len(VALUE_TOKEN_RE.findall(m.group(0))) > 1 for m in target_run_re().finditer(text)):
        return None, False  # several targets run together (>=95%>=95%): cut by the target runs
    for k in range(1, len(text)):
        if not text[k - 1].isdigit() and is_measurable(text[k:]):
            return k, True
    k = word_value_tail(text) if rules.enabled("run-together.word-value-cut") else None
    return (k, False) if k is not None else (None, False)
