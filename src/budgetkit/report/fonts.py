"""A CJK font for matplotlib, so Chinese labels render as glyphs and not as boxes.

Matplotlib's default fonts have no Chinese glyphs. :func:`use_cjk_font` registers the
OFL Noto Sans SC font shipped by the pip package ``pylopdf-fonts-zh-cn`` and puts it
after DejaVu Sans in ``rcParams["font.family"]`` (Latin text keeps DejaVu Sans, Chinese
falls back to Noto Sans SC). System fonts are never used, so figures look the same on
every machine.

Examples:
    >>> import matplotlib
    >>> family = use_cjk_font()
    >>> family in matplotlib.rcParams["font.family"]
    True
    >>> matplotlib.rcParams["axes.unicode_minus"]
    False
"""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager

from budgetkit.errors import BudgetkitError

__all__ = ["cjk_font_path", "use_cjk_font"]

logger = logging.getLogger(__name__)


def cjk_font_path() -> Path:
    """Return the path of the bundled CJK sans-serif font file.

    Returns:
        The path of ``NotoSansSC-Regular.otf`` inside the ``pylopdf_fonts_zh_cn`` package.

    Raises:
        BudgetkitError: if the package is not installed or its font file is missing.

    Examples:
        >>> cjk_font_path().suffix in {".otf", ".ttf", ".ttc"}
        True
    """
    try:
        from pylopdf_fonts_zh_cn import (
            sans_path,  # lazy: the font package is looked for only when a figure needs a CJK font
        )
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise BudgetkitError("CJK font not found: install the package pylopdf-fonts-zh-cn") from exc
    path = Path(sans_path())
    if not path.is_file():
        raise BudgetkitError(f"CJK font not found: {path}")
    return path


@lru_cache(maxsize=1)
def _register() -> str:
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    logger.debug("registered CJK font %s from %s", family, path)
    return family


def use_cjk_font() -> str:
    """Register the bundled CJK font with matplotlib and make it the fallback family.

    Sets ``rcParams["font.family"]`` to ``["DejaVu Sans", <family>]`` and
    ``rcParams["axes.unicode_minus"]`` to False (the CJK font lacks U+2212). The font is
    registered once per process; the rcParams are set on every call, so the call also
    repairs settings that were changed in between.

    Returns:
        The font family name read from the font file, e.g. ``"Noto Sans SC"``.

    Raises:
        BudgetkitError: if the font file is missing.

    Examples:
        >>> use_cjk_font() == use_cjk_font()
        True
        >>> "Sans" in use_cjk_font()
        True
    """
    family = _register()
    matplotlib.rcParams["font.family"] = ["DejaVu Sans", family]
    matplotlib.rcParams["axes.unicode_minus"] = False
    return family
