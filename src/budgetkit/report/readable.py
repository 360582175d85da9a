"""Text from the documents as a reader sees it: the printed form, less what mirror sites and codes add.

The tables keep every value as printed (NFKC). For display only:

* the pinyin that mirror sites insert after characters (``岳陽樓區(qū)價(jià)格``) is taken out
  (:data:`budgetkit.vocab.vocabulary.PINYIN_RE`, the same pattern the vocabulary strips for matching);
  the script is kept as printed;
* in a Chinese explanation, the code of a pricing method (``测算方法 quantity×unit_cost``) is given
  its Chinese name (:mod:`budgetkit.report.codes`).

Examples:
    >>> reader_text("岳陽樓區(qū)價(jià)格認(rèn)證鑒定中心")
    '岳陽樓區價格認證鑒定中心'
    >>> reader_text("…吻合；测算方法 meeting+quantity×unit_cost；上下限", "costs", "explanation_zh")
    '…吻合；测算方法 会议费：人数×天数×标准 + 数量×单位成本；上下限'
    >>> reader_text("ABC(def) 2024(年)")
    'ABC(def) 2024(年)'
"""

from __future__ import annotations

import re

from budgetkit.report.codes import code_words
from budgetkit.vocab.vocabulary import PINYIN_RE

__all__ = ["reader_text"]

def reader_text(text: str, table: str | None = None, column: str | None = None) -> str:
    """``text`` for display (see the module docstring); the data keep the printed form."""
    if "(" in text:
        text = PINYIN_RE.sub("", text)
    method = "测算方法"  # how reconcile's Chinese explanation names its method (reconcile.explain)
    if column == "explanation_zh" and method in text:
        text = re.sub(rf"({method} )([^\s；;，,]+)", lambda m: m.group(1) + code_words("costs", "method",
                                                                                        m.group(2))[0], text)
    return text
