"""What every figure of the report shares: its canvas and size, labels that fit, colours, and saving it.

Figures are drawn on the Agg canvas, never with pyplot's global state (see :mod:`budgetkit.report.plots`).
"""

from __future__ import annotations

import base64
import html
import logging
import math
import re
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from budgetkit.report.figure_text import describe_figure
from budgetkit.report.fonts import use_cjk_font
from budgetkit.vocab.vocabulary import PINYIN_RE

__all__ = [
    "DPI",
    "MAX_PANELS",
    "SEVERITY_COLORS",
    "STATUS_COLORS",
    "TOP_N",
    "SavedFigure",
    "fit_margins",
    "save_figure",
]

logger = logging.getLogger(__name__)


#: Colour of each reconciliation status (see :data:`budgetkit.analyse.reconcile.STATUSES`).
STATUS_COLORS: dict[str, str] = {
    "closes": "#2ca02c",
    "does_not_close": "#d62728",
    "stated_only": "#9467bd",
    "not_priceable": "#7f7f7f",
}


#: Colour of each audit severity (see :data:`budgetkit.analyse.audit.SEVERITIES`).
SEVERITY_COLORS: dict[str, str] = {"error": "#d62728", "warning": "#ff7f0e", "info": "#1f77b4"}


_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)


_LOG_RANGE = 100.0


#: Most bars in one panel; the rest are counted under it (they are all in the tables).
TOP_N = 20


#: Most panels (denominators) of named unit-cost bars; beyond, a box per denominator.
MAX_PANELS = 8


#: Resolution of the saved PNGs (dots per inch).
DPI = 110


_NOTE = "另有 "  # the start of the note :func:`_more` puts under an axis


def _figure(n_rows: int, width: float = 9.0, min_height: float = 3.0) -> Figure:
    """Return an Agg figure tall enough for ``n_rows`` bar labels (margins set by :func:`fit_margins`)."""
    use_cjk_font()
    fig = Figure(figsize=(width, max(min_height, 1.2 + 0.42 * n_rows)))
    FigureCanvasAgg(fig)
    return fig


def _text_inches(text: str, size: float) -> float:
    """The printed width of ``text`` (its longest line) at ``size`` points: CJK a full em, others about half."""
    if text.startswith("$"):  # mathtext tick labels of log axes: $\mathdefault{10^{3}}$
        text = re.sub(r"\\mathdefault|[{}^$\\]", "", text)
    widest = max((sum(1.0 if ord(c) >= 0x2E80 else 0.6 for c in line) for line in text.split("\n")), default=0)
    return widest * size / 72


def fit_margins(fig: Figure) -> Figure:
    """Leave room for the labels of ``fig``'s stacked axes from their text, without drawing it.

    A layout engine (constrained or tight layout) measures every label by drawing the
    figure, again at each draw, and costs more than the drawing itself when there are
    many labels; the margins here are estimated from the labels' text and size.
    Figures that have a layout engine of their own are left alone.

    Examples:
        >>> import pandas as pd
        >>> from budgetkit.report.plots import plot_budget_by_project
        >>> fig = plot_budget_by_project(pd.DataFrame({"project": ["一个名字很长的项目"], "total_wan": [1.0]}))
        >>> round(float(fit_margins(fig).subplotpars.left), 2)
        0.15
    """
    axes = [ax for ax in fig.axes if ax.axison]
    if fig.get_layout_engine() is not None or not axes:
        return fig
    width, height = fig.get_size_inches()
    labels = [t for ax in axes for t in ax.get_yticklabels()]
    left = max((_text_inches(t.get_text(), t.get_fontsize()) for t in labels), default=0.4) + 0.25
    left += 0.3 if any(ax.get_ylabel() for ax in axes) else 0.0
    outside = any(ax.get_legend() is not None and ax.get_legend().get_bbox_to_anchor().x0 > 0 for ax in axes)
    right = 1.25 + (1.7 if outside else 0.0)
    noted = any(t.get_text().startswith(_NOTE) for t in axes[-1].texts)
    top = 0.5 + (0.5 if fig._suptitle is not None else 0.0)
    bottom = 0.6 + (0.35 if noted else 0.0)
    gap = 1.2  # between stacked axes: a title, tick labels, an x label and a note
    n = len(axes)
    each = max(0.5, (height - top - bottom - (n - 1) * gap) / n)
    fig.subplots_adjust(left=min(0.6, left / width), right=1 - right / width, top=1 - top / height,
                        bottom=bottom / height, hspace=gap / each if n > 1 else 0.2)
    return fig


def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{what} lacks column(s) {', '.join(missing)}")


def _project_labels(frame: pd.DataFrame) -> list[str]:
    """Project names, with the implementing unit added where one name belongs to more than one unit."""
    names = frame["project"].astype(str).str.replace(PINYIN_RE, "", regex=True)  # mirror sites' pinyin: not shown
    if "implementing_unit" not in frame.columns:
        return names.tolist()
    units = frame["implementing_unit"].astype(str).str.replace(PINYIN_RE, "", regex=True)
    shared = pd.DataFrame({"n": names, "u": units}).groupby("n")["u"].nunique()
    repeated = names.map(shared).gt(1)
    return [f"{n}（{u}）" if r else n for n, u, r in zip(names, units, repeated, strict=True)]


def _wide_range(values: pd.Series) -> bool:
    """True if the positive values span more than 100×, so a log axis reads better."""
    positive = values[values > 0]
    return len(positive) > 1 and float(positive.max()) / float(positive.min()) > _LOG_RANGE


def _fmt(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _per_unit_label(per_unit: object) -> str:
    text = "" if per_unit is None or (isinstance(per_unit, float) and math.isnan(per_unit)) else str(per_unit)
    if not text:
        return "元"
    return text if text.startswith("元") else f"元/{text}"


def _wrap(text: str, width: int = 26) -> str:
    """Wrap a long label over lines of at most ``width`` characters (Chinese has no spaces to break at)."""
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def _more(ax, hidden: int, what: str) -> None:
    if hidden:
        ax.annotate(
            f"{_NOTE}{hidden} 项未显示（见表格） {hidden} more {what} in the tables",
            (0, 0),
            xycoords="axes fraction",
            xytext=(0, -44),
            textcoords="offset points",
            fontsize=8,
            color="#555555",
        )


class SavedFigure:
    """A figure and the PNG it was saved to; a notebook shows the saved PNG (not drawn a second time).

    Attributes:
        figure: the matplotlib figure.
        path: the PNG file.

    Examples:
        >>> import tempfile, pandas as pd
        >>> from budgetkit.report.plots import plot_budget_by_project
        >>> fig = plot_budget_by_project(pd.DataFrame({"project": ["甲"], "total_wan": [1.0]}))
        >>> saved = SavedFigure(fig, save_figure(fig, Path(tempfile.mkdtemp()) / "b.png"))
        >>> saved._repr_png_()[1:4], saved.figure is fig
        (b'PNG', True)
    """

    def __init__(self, figure: Figure, path: Path, *, caption: str = "", source: str = "", href: str = "",
                 source_href: str = "") -> None:
        self.figure = figure
        self.path = Path(path)
        self.alt = describe_figure(figure)
        self.caption = caption
        self.source = source
        self.href = href
        self.source_href = source_href

    def _repr_png_(self) -> bytes:
        return self.path.read_bytes()

    def _repr_html_(self) -> str:
        """The image with its alt text (from the figure's data), a caption, the source, and a link to full size."""
        data = base64.b64encode(self.path.read_bytes()).decode("ascii")
        img = f'<img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}">'
        if self.href:
            img = (f'<a class="bk-figure-link" href="{html.escape(self.href)}" '
                   f'title="查看原图 open at full size">{img}</a>')
        notes = [f'<span class="bk-figure-caption">{html.escape(self.caption)}</span>'] if self.caption else []
        if self.source:
            source = html.escape(self.source)
            if self.source_href:
                source = f'<a href="{html.escape(self.source_href)}">{source}</a>'
            notes.append(f'<span class="bk-figure-source">数据来源 source：{source}</span>')
        if self.href:
            notes.append(f'<a class="bk-figure-full" href="{html.escape(self.href)}">查看原图 full size</a>')
        caption = f"<figcaption>{' · '.join(notes)}</figcaption>" if notes else ""
        return f'<figure class="bk-figure">{img}{caption}</figure>'

    def __repr__(self) -> str:
        return f"<figure {self.path.name}>"


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Save a figure as PNG (:data:`DPI`, margins from :func:`fit_margins`), creating parent folders.

    Args:
        fig: the figure to save.
        path: where to write it.

    Returns:
        The path written.

    Examples:
        >>> import tempfile, pandas as pd
        >>> from budgetkit.report.plots import plot_budget_by_project
        >>> fig = plot_budget_by_project(pd.DataFrame({"project": ["甲"], "total_wan": [1.0]}))
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     out = save_figure(fig, Path(tmp) / "sub" / "budget.png")
        ...     (out.name, out.read_bytes()[1:4])
        ('budget.png', b'PNG')
    """
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fit_margins(fig)
    fig.savefig(out, format="png", dpi=DPI)
    logger.info("saved figure to %s", out)
    return out
