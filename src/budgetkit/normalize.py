"""Normalise text extracted from PDFs: NFKC plus the fixes NFKC gets wrong.

PDF text can carry Kangxi radicals (U+2F00–U+2FD5) and CJK radicals
supplement characters (U+2E80–U+2EFF) in place of the ideographs they look
like: ``⼯`` for ``工``, ``⼾`` for ``户``. They look the same but do not
compare equal, so a parser never matches ``⼯会`` against ``工会``. NFKC maps
the Kangxi block to ideographs (and folds full-width ``％``, digits, ``（``
and the ideographic space), but it maps some to the traditional form, such as
``⼾`` to ``戶``, and leaves most of the supplement block alone; the table
:data:`RADICAL_FIXES` corrects those.

Never normalise by dropping non-ASCII: the Chinese text *is* the data.

Examples:
    >>> normalize_text("⼯会经费 ≥90％")
    '工会经费 ≥90%'
    >>> normalize_text("帮扶 200⼾")
    '帮扶 200户'
    >>> normalize_text("（区）　资金")
    '(区) 资金'
"""

from __future__ import annotations

import unicodedata

__all__ = ["RADICAL_FIXES", "normalize_text"]

#: Characters whose NFKC image is wrong (or absent) for simplified-Chinese text,
#: mapped to the ideograph a simplified-Chinese PDF means by them.
RADICAL_FIXES: dict[str, str] = {
    "\u2f3e": "户",  # KANGXI RADICAL DOOR: NFKC gives 戶 (U+6236)
    "\u2fad": "青",  # KANGXI RADICAL BLUE: NFKC gives 靑 (U+9751)
}

_TABLE = str.maketrans(RADICAL_FIXES)


def normalize_text(text: str) -> str:
    """Return ``text`` in NFKC with radicals mapped to simplified ideographs.

    The radical fixes are applied first, then NFKC, so a fix is never undone.

    Args:
        text: any string, as extracted.

    Returns:
        The normalised string; nothing is removed.

    Examples:
        >>> normalize_text("平均３２５０元／户")
        '平均3250元/户'
    """
    return unicodedata.normalize("NFKC", text.translate(_TABLE))
