"""What a figure shows, in words: the alt text of its image, read from the figure's own data.

:func:`describe_figure` walks the axes of a drawn (or not yet drawn) matplotlib figure: the title,
the bars (each label with its value), the points, the boxes and any text the axes hold instead of
data ("no unit costs"); a reader who cannot see the image reads the same numbers.

Examples:
    >>> import pandas as pd
    >>> from budgetkit.report.plots import plot_budget_by_project
    >>> fig = plot_budget_by_project(pd.DataFrame({"project": ["甲", "乙"], "total_wan": [1.0, 2.5]}))
    >>> describe_figure(fig)
    '各项目预算总额（Budget by project）：条形图，2 项：乙 2.5；甲 1。'
"""

from __future__ import annotations

import math

__all__ = ["describe_figure"]

#: Bars named one by one in the text; the rest are counted.
LISTED = 12


def _number(value: float) -> str:
    if not math.isfinite(value):
        return ""
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _title(ax) -> str:
    return " ".join(t for t in (ax.get_title(loc="left"), ax.get_title(), ax.get_title(loc="right")) if t)


def _bars(ax) -> list[tuple[str, float, str]]:
    """``(tick label, value, series)`` of each horizontal bar, labelled by the y tick nearest its centre."""
    ticks = [(float(v), t.get_text().replace("\n", "")) for v, t in zip(ax.get_yticks(), ax.get_yticklabels(),
                                                                       strict=False)]
    bars = []
    for container in getattr(ax, "containers", []):
        series = container.get_label() or ""
        series = "" if series.startswith("_") else series
        for patch in getattr(container, "patches", []):
            if patch.get_width() == 0 or not math.isfinite(patch.get_width()):
                continue
            centre = patch.get_y() + patch.get_height() / 2
            label = min(ticks, key=lambda t: abs(t[0] - centre))[1] if ticks else ""
            bars.append((label, float(patch.get_width()), series))
    return bars


def _axes_text(ax) -> str:
    title = _title(ax)
    bars = _bars(ax)
    parts = []
    if bars:
        named: dict[str, list[str]] = {}
        size: dict[str, float] = {}
        for label, value, series in bars:
            named.setdefault(label, []).append(f"{series} {_number(value)}".strip())
            size[label] = max(value, size.get(label, value))
        ranked = sorted(named, key=lambda k: -size[k])
        listed = "；".join(f"{label} {'，'.join(named[label])}".strip() for label in ranked[:LISTED])
        more = f"；另有 {len(ranked) - LISTED} 项" if len(ranked) > LISTED else ""
        parts.append(f"条形图，{len(ranked)} 项：{listed}{more}")
    points = sum(len(c.get_offsets()) for c in ax.collections if hasattr(c, "get_offsets"))
    if points and not bars:
        parts.append(f"散点图，{points} 个点")
    notes = [t.get_text().replace("\n", " ") for t in ax.texts if t.get_text().strip()]
    if (not bars and not points) or not ax.axison:
        parts += notes[:3]
    body = "，".join(parts) or "无数据"
    return f"{title}：{body}" if title else body


def describe_figure(fig) -> str:
    """The alt text of ``fig``: its title, then per axes what it draws (see the module docstring)."""
    head = fig._suptitle.get_text() if fig._suptitle is not None else ""
    texts = [_axes_text(ax) for ax in fig.axes if ax.get_visible()]
    text = "。".join(t for t in [head, *texts] if t)
    return text + "。" if text else "图"
