"""Pages: one template (``templates/page.html.j2``) with the navigation, the run and the banners.

Every page is self-contained: the style sheet and the small table script are
inlined, figures are embedded as data URIs, nothing is loaded from elsewhere.
The template escapes every value it is given (Jinja2 autoescape); only HTML
that budgetkit made itself (its tables, which escape their cells, and
nbconvert's rendering of the notebook outputs) is passed as markup.

A notebook page is the executed notebook rendered by nbconvert's ``basic``
template (no require.js, MathJax or mermaid), code hidden, with its error
outputs replaced by :func:`budgetkit.report.failures.describe_error`: the
traceback stays in the executed ``.ipynb``.

Examples:
    >>> page = render_page(title="<标题>", body=Markup("<p>正文</p>"), nav=Nav(index="index.html"))
    >>> "<title>&lt;标题&gt;</title>" in page, "<p>正文</p>" in page, "https://" in page
    (True, True, False)
"""

from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import nbformat
from markupsafe import Markup, escape

from budgetkit import __version__
from budgetkit.report.failures import describe_error, relativise

__all__ = ["Banner", "Markup", "Nav", "NavItem", "PageFrame", "Run", "notebook_body", "render_page"]

_ERROR_CELL_TAGS = {"papermill-error-cell-tag"}


@dataclass
class NavItem:
    """A link of the navigation bar; ``href`` empty for a page that does not exist (shown greyed)."""

    label: str
    href: str = ""
    here: bool = False


@dataclass
class Nav:
    """The navigation bar: the index, the year's pages, the other years, the comparison."""

    index: str
    here: str = ""
    year_label: str = ""
    pages: list[NavItem] = field(default_factory=list)
    years: list[NavItem] = field(default_factory=list)
    compare: str = ""


@dataclass
class Run:
    """The run a page shows: when, from which inputs, with which version, and how it ended."""

    time: str = ""
    status: str = ""
    version: str = ""
    inputs: list[dict] = field(default_factory=list)


@dataclass
class Banner:
    """A notice above the content: ``kind`` bad (failure), warn (something skipped), info (plain lines) or ok."""

    kind: str
    title: str
    lines: list[str] = field(default_factory=list)
    link: dict | None = None


@cache
def _asset(name: str) -> str:
    return resources.files("budgetkit").joinpath(f"report/templates/{name}").read_text(encoding="utf-8")


@cache
def _environment():
    import jinja2  # lazy: the templates load only when pages are rendered

    return jinja2.Environment(
        loader=jinja2.PackageLoader("budgetkit", "report/templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def _size(n: int) -> str:
    return f"{n} B" if n < 1024 else f"{n / 1024:.1f} KB" if n < 1024**2 else f"{n / 1024**2:.1f} MB"


#: Input files a page lists by name; a year of hundreds of files shows these and the count of the rest (every
#: page carries the list: at 1,000 files it was most of each project page's size and time).
INPUTS_SHOWN = 20


#: Stands for a page's own parts in a rendered :class:`PageFrame` (unlike any text a page shows: a NUL and
#: a token drawn once a process).
_SLOT = f"\x00{secrets.token_hex(8)}:"
_SLOTS = {"title": f"{_SLOT}title\x00", "subtitle": f"{_SLOT}subtitle\x00", "body": f"{_SLOT}body\x00"}
_SLOT_RE = re.compile("(" + "|".join(map(re.escape, _SLOTS.values())) + ")")


class PageFrame:
    """What many pages share (navigation, run, banners), rendered once; :meth:`page` fills in one page.

    The template is rendered with placeholders for the title, subtitle and body (once with a subtitle and
    once without, as pages need them), and each page is the rendered text with its own parts, escaped as
    the template escapes them, put in their places: the same text as rendering the template for the page,
    at the cost of a join (a year's project pages share everything else).
    """

    def __init__(self, nav: Nav, run: Run | None = None, banners: list[Banner] | None = None) -> None:
        run = run or Run()
        if not run.version:

            run.version = __version__
        inputs = [
            {"file": f["file"], "size": _size(int(f.get("bytes", 0))), "sha": str(f.get("sha256", ""))[:12]}
            for f in run.inputs[:INPUTS_SHOWN]
        ]
        rest = run.inputs[INPUTS_SHOWN:]
        more = {"more_inputs": len(rest), "more_size": _size(sum(int(f.get("bytes", 0)) for f in rest))}
        self._context = {
            "nav": nav,
            "run": {**run.__dict__, "inputs": inputs, **more},
            "banners": banners or [],
            "css": Markup(_asset("site.css")),
            "js": Markup(_asset("site.js")),
        }
        self._pieces: dict[bool, list[str]] = {}

    def _split(self, subtitled: bool) -> list[str]:
        if subtitled not in self._pieces:
            text = (
                _environment()
                .get_template("page.html.j2")
                .render(
                    page={"title": _SLOTS["title"], "subtitle": _SLOTS["subtitle"] if subtitled else ""},
                    body=Markup(_SLOTS["body"]),
                    **self._context,
                )
            )
            self._pieces[subtitled] = _SLOT_RE.split(text)
        return self._pieces[subtitled]

    def page(self, title: str, body: Markup, subtitle: str = "") -> str:
        """One page; ``body`` must be markup budgetkit made."""
        own = {
            _SLOTS["title"]: escape(title),
            _SLOTS["subtitle"]: escape(subtitle),
            _SLOTS["body"]: Markup(body),
        }
        return "".join(own.get(piece, piece) for piece in self._split(bool(subtitle)))


def render_page(
    *,
    title: str,
    body: Markup,
    nav: Nav,
    subtitle: str = "",
    run: Run | None = None,
    banners: list[Banner] | None = None,
) -> str:
    """One page of the site (see the module docstring); ``body`` must be markup budgetkit made."""
    return PageFrame(nav, run, banners).page(title, body, subtitle)


@cache
def _exporter():
    from nbconvert import HTMLExporter  # lazy: nbconvert loads only when a notebook page is rendered

    return HTMLExporter(
        template_name="basic", exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )


def notebook_body(executed: Path, roots: list[Path]) -> tuple[Markup, list[str], str]:
    """Render an executed notebook's outputs for readers.

    Args:
        executed: the executed ``.ipynb``.
        roots: folders to take out of any path shown (the project root, the staging root).

    Returns:
        The HTML of the outputs, the failures in plain words (one per error output), and the
        notebook's first heading (its title, taken out of the body).
    """
    nb = nbformat.read(executed, as_version=4)
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not _ERROR_CELL_TAGS & set(c.metadata.get("tags", []))]
    failures: list[str] = []
    title = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not title and cell.source.lstrip().startswith("# "):
            first, _, rest = cell.source.lstrip().partition("\n")
            title = first.lstrip("# ").strip()
            cell.source = rest  # the page shows it as its title
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                message = describe_error(out.ename, out.evalue, roots)
                failures.append(message)
                html_text = (
                    f'<div class="bk-failure"><p><strong>此步失败 This step failed</strong></p>'
                    f"<p><code>{Markup.escape(message)}</code></p></div>"
                )
                outputs.append(nbformat.v4.new_output("display_data", data={"text/html": html_text}))
            elif out.output_type == "stream":
                outputs.append(
                    nbformat.v4.new_output("stream", name=out.name, text=relativise(out.text, roots))
                )
            else:
                outputs.append(out)
        cell.outputs = outputs
    body, _ = _exporter().from_notebook_node(nb, resources={"metadata": {"name": executed.stem}})
    return Markup(body), failures, title
