"""Normalise text extracted from PDFs: NFKC plus the fixes NFKC gets wrong.

PDF text can carry Kangxi radicals (U+2F00–U+2FD5) and CJK radicals
supplement characters (U+2E80–U+2EFF) in place of the ideographs they look
like: ``⼯`` for ``工``, ``⼾`` for ``户``, ``⻔`` for ``门``. They look the same
but do not compare equal, so a parser never matches ``⼯会`` against ``工会``.
They get there because a font maps a radical's code point and an ideograph's
code point to one glyph, and the PDF's ``ToUnicode`` table, built backwards
from glyphs, picks the radical (browsers printing to PDF do this).

NFKC maps the whole Kangxi block to ideographs (and folds full-width ``％``,
digits, ``（`` and the ideographic space), but of the supplement block it maps
only ``⺟`` and ``⻳``. The table :data:`RADICAL_FIXES` closes both gaps, so no
character of either block survives :func:`normalize_text`:

* **Supplement block** (all 115 assigned code points): the ideograph of
  Unicode's ``EquivalentUnifiedIdeograph.txt`` (UCD 14.0, by Ken Lunde), the
  ideograph or component ideograph whose glyph is identical or nearly so:
  ``⺅`` → ``亻``, ``⻔`` → ``门``, ``⻓`` → ``长``. Thirteen of them are
  components encoded only in CJK Extension B (``⺮`` → ``𥫗`` U+25AD7). The
  one code point that file leaves without an equivalent, ``⺀`` (CJK RADICAL
  REPEAT, two stacked dots, the bottom of ``冬``), is mapped to the ice
  radical ``冫`` it is drawn as.
* **Kangxi block**: NFKC, except three radicals whose NFKC image is an
  *old glyph form* (旧字形) that Unicode encodes apart from the mainland form
  of the same character: ``⼾`` → ``户`` (NFKC ``戶``; Noto Sans SC even draws
  ``⼾`` and ``户`` with one glyph), ``⾭`` → ``青`` (NFKC ``靑``) and ``⿈`` →
  ``黄`` (NFKC ``黃``). Radicals whose NFKC image is a *traditional* character
  with a different simplified character (``⾨`` 門/门, ``⾒`` 見/见, ``⾞``,
  ``⾧``, ``⾺``, ``⿂``, ``⿃``, ``⿓``, ``⾾`` 鬥/斗 …) keep the NFKC image: the
  radical's glyph is the traditional shape (in simplified-Chinese fonts too), so
  that is what the reader of the PDF saw, and a simplified ``门`` comes out of
  a PDF as ``⻔`` (supplement block), not as ``⾨``. Converting traditional to
  simplified characters is a conversion, not normalisation.

``(cid:NNN)`` is what pdfminer prints for a glyph it cannot map to Unicode.
:func:`normalize_text` keeps such artefacts (they are not text, but dropping
them would hide the loss); :func:`find_cid_artefacts` finds them so a reader
can report them.

Never normalise by dropping non-ASCII: the Chinese text *is* the data.

Examples:
    >>> normalize_text("⼯会经费 ≥90％")
    '工会经费 ≥90%'
    >>> normalize_text("帮扶 200⼾")
    '帮扶 200户'
    >>> normalize_text("（区）　资金")
    '(区) 资金'
    >>> normalize_text("⻔诊 ⻓期 ⻢车")
    '门诊 长期 马车'
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

__all__ = ["CID_RE", "RADICAL_BLOCKS", "RADICAL_FIXES", "display_width", "file_name", "find_cid_artefacts",
           "is_wide", "normalize_text"]

#: The two radical blocks (inclusive code point ranges) no character of which survives :func:`normalize_text`.
RADICAL_BLOCKS: tuple[tuple[int, int], ...] = ((0x2E80, 0x2EFF), (0x2F00, 0x2FD5))

#: Radicals whose NFKC image is wrong (or absent) for simplified-Chinese text,
#: mapped to the ideograph a simplified-Chinese PDF means by them (see the module
#: docstring for the rules). Keys are escaped: they look like the values.
RADICAL_FIXES: dict[str, str] = {
    # --- Kangxi Radicals: NFKC gives an old form (旧字形) encoded apart from the mainland form ---
    "\u2f3e": "户",  # KANGXI RADICAL DOOR: NFKC 戶 U+6236
    "\u2fad": "青",  # KANGXI RADICAL BLUE: NFKC 靑 U+9751
    "\u2fc8": "黄",  # KANGXI RADICAL YELLOW: NFKC 黃 U+9EC3
    # --- CJK Radicals Supplement: EquivalentUnifiedIdeograph.txt (UCD 14.0) ---
    "\u2e80": "冫",  # CJK RADICAL REPEAT: none in the UCD file; drawn as the ice radical U+51AB
    "\u2e81": "厂",  # CJK RADICAL CLIFF U+5382
    "\u2e82": "乛",  # CJK RADICAL SECOND ONE U+4E5B
    "\u2e83": "乚",  # CJK RADICAL SECOND TWO U+4E5A
    "\u2e84": "乙",  # CJK RADICAL SECOND THREE U+4E59
    "\u2e85": "亻",  # CJK RADICAL PERSON U+4EBB
    "\u2e86": "冂",  # CJK RADICAL BOX U+5182
    "\u2e87": "𠘨",  # CJK RADICAL TABLE U+20628 (Ext B)
    "\u2e88": "刀",  # CJK RADICAL KNIFE ONE U+5200
    "\u2e89": "刂",  # CJK RADICAL KNIFE TWO U+5202
    "\u2e8a": "卜",  # CJK RADICAL DIVINATION U+535C
    "\u2e8b": "㔾",  # CJK RADICAL SEAL U+353E (Ext A)
    "\u2e8c": "小",  # CJK RADICAL SMALL ONE U+5C0F
    "\u2e8d": "小",  # CJK RADICAL SMALL TWO U+5C0F
    "\u2e8e": "兀",  # CJK RADICAL LAME ONE U+5140
    "\u2e8f": "尣",  # CJK RADICAL LAME TWO U+5C23
    "\u2e90": "尢",  # CJK RADICAL LAME THREE U+5C22
    "\u2e91": "𡯂",  # CJK RADICAL LAME FOUR U+21BC2 (Ext B)
    "\u2e92": "巳",  # CJK RADICAL SNAKE U+5DF3
    "\u2e93": "幺",  # CJK RADICAL THREAD U+5E7A
    "\u2e94": "彑",  # CJK RADICAL SNOUT ONE U+5F51
    "\u2e95": "彐",  # CJK RADICAL SNOUT TWO U+5F50
    "\u2e96": "忄",  # CJK RADICAL HEART ONE U+5FC4
    "\u2e97": "心",  # CJK RADICAL HEART TWO U+5FC3
    "\u2e98": "扌",  # CJK RADICAL HAND U+624C
    "\u2e99": "攵",  # CJK RADICAL RAP U+6535
    "\u2e9b": "旡",  # CJK RADICAL CHOKE U+65E1
    "\u2e9c": "日",  # CJK RADICAL SUN U+65E5
    "\u2e9d": "月",  # CJK RADICAL MOON U+6708
    "\u2e9e": "歺",  # CJK RADICAL DEATH U+6B7A
    "\u2e9f": "母",  # CJK RADICAL MOTHER U+6BCD (NFKC agrees)
    "\u2ea0": "民",  # CJK RADICAL CIVILIAN U+6C11
    "\u2ea1": "氵",  # CJK RADICAL WATER ONE U+6C35
    "\u2ea2": "氺",  # CJK RADICAL WATER TWO U+6C3A
    "\u2ea3": "灬",  # CJK RADICAL FIRE U+706C
    "\u2ea4": "爫",  # CJK RADICAL PAW ONE U+722B
    "\u2ea5": "爫",  # CJK RADICAL PAW TWO U+722B
    "\u2ea6": "丬",  # CJK RADICAL SIMPLIFIED HALF TREE TRUNK U+4E2C
    "\u2ea7": "牛",  # CJK RADICAL COW U+725B
    "\u2ea8": "犭",  # CJK RADICAL DOG U+72AD
    "\u2ea9": "王",  # CJK RADICAL JADE U+738B
    "\u2eaa": "𤴔",  # CJK RADICAL BOLT OF CLOTH U+24D14 (Ext B)
    "\u2eab": "目",  # CJK RADICAL EYE U+76EE
    "\u2eac": "示",  # CJK RADICAL SPIRIT ONE U+793A
    "\u2ead": "礻",  # CJK RADICAL SPIRIT TWO U+793B
    "\u2eae": "𥫗",  # CJK RADICAL BAMBOO U+25AD7 (Ext B)
    "\u2eaf": "糹",  # CJK RADICAL SILK U+7CF9
    "\u2eb0": "纟",  # CJK RADICAL C-SIMPLIFIED SILK U+7E9F
    "\u2eb1": "罓",  # CJK RADICAL NET ONE U+7F53
    "\u2eb2": "罒",  # CJK RADICAL NET TWO U+7F52
    "\u2eb3": "㓁",  # CJK RADICAL NET THREE U+34C1 (Ext A)
    "\u2eb4": "冗",  # CJK RADICAL NET FOUR U+5197
    "\u2eb5": "𦉫",  # CJK RADICAL MESH U+2626B (Ext B)
    "\u2eb6": "羊",  # CJK RADICAL SHEEP U+7F8A
    "\u2eb7": "𦍌",  # CJK RADICAL RAM U+2634C (Ext B)
    "\u2eb8": "𦍋",  # CJK RADICAL EWE U+2634B (Ext B)
    "\u2eb9": "耂",  # CJK RADICAL OLD U+8002
    "\u2eba": "肀",  # CJK RADICAL BRUSH ONE U+8080
    "\u2ebb": "聿",  # CJK RADICAL BRUSH TWO U+807F
    "\u2ebc": "肉",  # CJK RADICAL MEAT U+8089
    "\u2ebd": "𦥑",  # CJK RADICAL MORTAR U+26951 (Ext B)
    "\u2ebe": "艹",  # CJK RADICAL GRASS ONE U+8279
    "\u2ebf": "艹",  # CJK RADICAL GRASS TWO U+8279
    "\u2ec0": "艹",  # CJK RADICAL GRASS THREE U+8279
    "\u2ec1": "虎",  # CJK RADICAL TIGER U+864E
    "\u2ec2": "衤",  # CJK RADICAL CLOTHES U+8864
    "\u2ec3": "覀",  # CJK RADICAL WEST ONE U+8980
    "\u2ec4": "西",  # CJK RADICAL WEST TWO U+897F
    "\u2ec5": "见",  # CJK RADICAL C-SIMPLIFIED SEE U+89C1
    "\u2ec6": "角",  # CJK RADICAL SIMPLIFIED HORN U+89D2
    "\u2ec7": "𧢲",  # CJK RADICAL HORN U+278B2 (Ext B)
    "\u2ec8": "讠",  # CJK RADICAL C-SIMPLIFIED SPEECH U+8BA0
    "\u2ec9": "贝",  # CJK RADICAL C-SIMPLIFIED SHELL U+8D1D
    "\u2eca": "𧾷",  # CJK RADICAL FOOT U+27FB7 (Ext B)
    "\u2ecb": "车",  # CJK RADICAL C-SIMPLIFIED CART U+8F66
    "\u2ecc": "辶",  # CJK RADICAL SIMPLIFIED WALK U+8FB6
    "\u2ecd": "辶",  # CJK RADICAL WALK ONE U+8FB6
    "\u2ece": "辶",  # CJK RADICAL WALK TWO U+8FB6
    "\u2ecf": "邑",  # CJK RADICAL CITY U+9091
    "\u2ed0": "钅",  # CJK RADICAL C-SIMPLIFIED GOLD U+9485
    "\u2ed1": "長",  # CJK RADICAL LONG ONE U+9577
    "\u2ed2": "镸",  # CJK RADICAL LONG TWO U+9578
    "\u2ed3": "长",  # CJK RADICAL C-SIMPLIFIED LONG U+957F
    "\u2ed4": "门",  # CJK RADICAL C-SIMPLIFIED GATE U+95E8
    "\u2ed5": "𨸏",  # CJK RADICAL MOUND ONE U+28E0F (Ext B)
    "\u2ed6": "阝",  # CJK RADICAL MOUND TWO U+961D
    "\u2ed7": "雨",  # CJK RADICAL RAIN U+96E8
    "\u2ed8": "青",  # CJK RADICAL BLUE U+9752
    "\u2ed9": "韦",  # CJK RADICAL C-SIMPLIFIED TANNED LEATHER U+97E6
    "\u2eda": "页",  # CJK RADICAL C-SIMPLIFIED LEAF U+9875
    "\u2edb": "风",  # CJK RADICAL C-SIMPLIFIED WIND U+98CE
    "\u2edc": "飞",  # CJK RADICAL C-SIMPLIFIED FLY U+98DE
    "\u2edd": "食",  # CJK RADICAL EAT ONE U+98DF
    "\u2ede": "𩙿",  # CJK RADICAL EAT TWO U+2967F (Ext B)
    "\u2edf": "飠",  # CJK RADICAL EAT THREE U+98E0
    "\u2ee0": "饣",  # CJK RADICAL C-SIMPLIFIED EAT U+9963
    "\u2ee1": "𩠐",  # CJK RADICAL HEAD U+29810 (Ext B)
    "\u2ee2": "马",  # CJK RADICAL C-SIMPLIFIED HORSE U+9A6C
    "\u2ee3": "骨",  # CJK RADICAL BONE U+9AA8
    "\u2ee4": "鬼",  # CJK RADICAL GHOST U+9B3C
    "\u2ee5": "鱼",  # CJK RADICAL C-SIMPLIFIED FISH U+9C7C
    "\u2ee6": "鸟",  # CJK RADICAL C-SIMPLIFIED BIRD U+9E1F
    "\u2ee7": "卤",  # CJK RADICAL C-SIMPLIFIED SALT U+5364
    "\u2ee8": "麦",  # CJK RADICAL SIMPLIFIED WHEAT U+9EA6
    "\u2ee9": "黄",  # CJK RADICAL SIMPLIFIED YELLOW U+9EC4
    "\u2eea": "黾",  # CJK RADICAL C-SIMPLIFIED FROG U+9EFE
    "\u2eeb": "斉",  # CJK RADICAL J-SIMPLIFIED EVEN U+6589
    "\u2eec": "齐",  # CJK RADICAL C-SIMPLIFIED EVEN U+9F50
    "\u2eed": "歯",  # CJK RADICAL J-SIMPLIFIED TOOTH U+6B6F
    "\u2eee": "齿",  # CJK RADICAL C-SIMPLIFIED TOOTH U+9F7F
    "\u2eef": "竜",  # CJK RADICAL J-SIMPLIFIED DRAGON U+7ADC
    "\u2ef0": "龙",  # CJK RADICAL C-SIMPLIFIED DRAGON U+9F99
    "\u2ef1": "龜",  # CJK RADICAL TURTLE U+9F9C
    "\u2ef2": "亀",  # CJK RADICAL J-SIMPLIFIED TURTLE U+4E80
    "\u2ef3": "龟",  # CJK RADICAL C-SIMPLIFIED TURTLE U+9F9F (NFKC agrees)
}

_TABLE = str.maketrans(RADICAL_FIXES)
#: Any character the radical fixes map (a text without one is left as it is, without the slow translation).
_RADICALS_RE = re.compile("[" + "".join(map(re.escape, RADICAL_FIXES)) + "]")

#: A glyph pdfminer could not map to Unicode: ``(cid:`` + glyph number + ``)``.
CID_RE = re.compile(r"\(cid:\d+\)")


def normalize_text(text: str) -> str:
    """Return ``text`` in NFKC with radicals mapped to simplified ideographs.

    The radical fixes are applied first, then NFKC, so a fix is never undone.
    ``(cid:NNN)`` artefacts are kept as they are (see :func:`find_cid_artefacts`).

    Args:
        text: any string, as extracted.

    Returns:
        The normalised string; nothing is removed.

    Examples:
        >>> normalize_text("平均３２５０元／户")
        '平均3250元/户'
        >>> normalize_text("⾭年 ⿈河 ⾨诊")
        '青年 黄河 門诊'
        >>> normalize_text("职⼯(cid:1234)")
        '职工(cid:1234)'
    """
    if _RADICALS_RE.search(text) is not None:
        text = text.translate(_TABLE)
    return unicodedata.normalize("NFKC", text)


#: The East Asian widths printed two columns wide: wide and full-width.
_WIDE = "WF"


def is_wide(char: str) -> bool:
    """Whether ``char`` prints two columns wide (a Chinese character, full-width forms).

    Examples:
        >>> is_wide("工"), is_wide("5"), is_wide("，")
        (True, False, True)
    """
    return unicodedata.east_asian_width(char) in _WIDE


def display_width(text: str) -> int:
    """The columns ``text`` takes in fixed-width print: two for a wide character, one for any other.

    Examples:
        >>> display_width("职工2225户")
        10
    """
    if text.isascii():
        return len(text)
    width = unicodedata.east_asian_width  # is_wide, without a call a character
    return len(text) + sum(1 for ch in text if width(ch) in _WIDE)


def find_cid_artefacts(text: str) -> list[str]:
    """Return the ``(cid:NNN)`` artefacts in ``text``, in order (repeats included).

    pdfminer writes ``(cid:NNN)`` for a glyph whose font has no Unicode mapping:
    the character is lost, and the caller must report it rather than pass the
    line on as if it were text.

    Args:
        text: extracted text, before or after :func:`normalize_text`.

    Returns:
        The artefacts, e.g. ``['(cid:12)', '(cid:7)']``; empty when there are none.

    Examples:
        >>> find_cid_artefacts("项目(cid:12)称 (cid:7)")
        ['(cid:12)', '(cid:7)']
        >>> find_cid_artefacts("项目名称 (cid 12)")
        []
    """
    return CID_RE.findall(text)


def file_name(path: str | Path) -> str:
    """The name of ``path`` as its owner wrote it, whatever the locale decoded its bytes as.

    Under a GB18030 locale Python decodes a UTF-8 file name as GB18030 (mojibake, and lone
    surrogates where the bytes are no GB18030), which no UTF-8 table or JSON can hold; the bytes
    are read back and decoded as UTF-8, else GB18030, else with replacement characters.

    Examples:
        >>> file_name("/x/宁夏.txt")
        '宁夏.txt'
        >>> file_name(os.fsdecode("宁夏.txt".encode("gb18030")))  # a GB18030 name, whatever the locale
        '宁夏.txt'
    """
    raw = os.fsencode(Path(path).name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")  # pragma: no cover - GB18030 decodes any byte string
