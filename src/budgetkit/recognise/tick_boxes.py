"""Tick boxes a form prints beside its options (``新增项目□延续项目√``): the option ticked, how many boxes.

A header value printed as a list of boxes gives the one option ticked (:func:`ticked_option`); a cell of
several boxes after the indicator rows is a question of the form around the table, not a target
(:func:`box_count`, read by :func:`budgetkit.recognise.table_ends.form_question`).
"""

from __future__ import annotations

import re

#: Boxes of a form's options: left empty, and ticked.
_UNTICKED, _TICKED = "□☐", "√✓✔☑■☒"
_OPTION_RE = re.compile(rf"[{_UNTICKED}{_TICKED}]")


def box_count(text: str) -> int:
    """How many option boxes, empty or ticked, ``text`` prints.

    Examples:
        >>> box_count("优秀□ 良好□ 合格□ 不合格□"), box_count("是否定量 ☑是 □否"), box_count("≥95%")
        (4, 2, 0)
    """
    return len(_OPTION_RE.findall(text))


def ticked_option(text: str) -> str | None:
    """The one option ticked in a printed list of boxes (``新增项目□延续项目√``), else ``None``.

    A box follows its option, or precedes it where the text starts with one.

    Examples:
        >>> ticked_option("新增项目□延续项目√"), ticked_option("√新增项目 □延续项目"), ticked_option("经常性项目")
        ('延续项目', '新增项目', None)
        >>> ticked_option("新增项目√延续项目√") is None  # two ticked: no one option
        True
    """
    marks = list(_OPTION_RE.finditer(text))
    if not marks:
        return None
    before = marks[0].start() == 0  # boxes before their options
    bounds = [0, *(m.end() for m in marks)] if not before else [*(m.start() for m in marks), len(text)]
    options = []
    for k, m in enumerate(marks):
        label = text[bounds[k] : m.start()] if not before else text[m.end() : bounds[k + 1]]
        options.append((label.strip(" ,、;"), m.group(0) in _TICKED))
    ticked = [label for label, on in options if on and label]
    return ticked[0] if len(ticked) == 1 else None
