"""The built site opened in headless Chromium, as a reader would: links, full text, no paths, Chinese glyphs.

Screenshots of the main pages are kept under ``reports/screenshots/`` (built, not committed).
Skipped, with the reason printed, only where no Chromium can run (``.ci/run`` installs Debian's).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PIL import Image

from browser import Browser, find_chromium
from conftest import ATTACK, ROOT

SHOTS = ROOT / "reports" / "screenshots"

GLYPHS = """(() => {
  const h = document.querySelector('main');
  const font = getComputedStyle(h).fontFamily;
  const chars = [...new Set([...h.textContent].filter(c => /[\\u4e00-\\u9fff]/.test(c)))].slice(0, 8);
  const canvas = document.createElement('canvas'); canvas.width = 48; canvas.height = 48;
  const g = canvas.getContext('2d');
  const shapes = chars.map(ch => {
    g.clearRect(0, 0, 48, 48); g.font = '40px ' + font; g.fillStyle = '#000'; g.fillText(ch, 2, 40);
    const d = g.getImageData(0, 0, 48, 48).data; let ink = 0, hash = 0;
    for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) { ink++; hash = (hash * 31 + i * d[i]) % 1000000007; } }
    return ink + ':' + hash;
  });
  return {chars: chars.join(''), shapes: shapes};
})()"""

LINKS = """Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"""
IMAGES = """Array.from(document.images).map(i => [i.currentSrc.slice(0, 30), i.complete && i.naturalWidth > 0])"""


@pytest.fixture(scope="module")
def browser():
    executable, reason = find_chromium()
    if executable is None:
        print(f"SKIPPED browser test: {reason}")
        pytest.skip(reason)
    with Browser(executable) as b:
        yield b


def _pages(root: Path) -> list[Path]:
    return sorted((root / "reports").rglob("*.html"))


def _check_link(url: str, page: Path, browser: Browser) -> str | None:
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return None
    if parsed.scheme != "file":
        return f"{page.name}: link leaves the site: {url}"
    target = Path(unquote(parsed.path))
    if not target.is_file():
        return f"{page.name}: broken link {url}"
    # as browsers do: the fragment as written, then percent-decoded (nbconvert writes percent-encoded ids)
    if parsed.fragment and target == page and not browser.evaluate(
            f"!!(document.getElementById({parsed.fragment!r}) || document.getElementById({unquote(parsed.fragment)!r}))"):
        return f"{page.name}: no anchor #{parsed.fragment}"
    return None


@pytest.mark.notebooks
def test_every_page_reads_in_a_browser(built, browser):
    root, _, _ = built
    problems = []
    pages = _pages(root)
    assert len(pages) > 25
    browser.send("Network.enable", session=True)
    for page in pages:
        browser.open(page.as_uri())
        name = page.relative_to(root / "reports").as_posix()
        if external := browser.network_requests():
            problems.append(f"{name}: requests outside the site: {external}")
        text = browser.evaluate("document.body.innerText")
        for bad in ("…", "rows ×", "Traceback", "NaN", str(root), "/tmp/", "/root/", "/home/"):
            if bad in text:
                problems.append(f"{name}: shows {bad!r}")
        problems += [p for url in browser.evaluate(LINKS) if (p := _check_link(url, page, browser))]
        problems += [f"{name}: image did not load {src}" for src, ok in browser.evaluate(IMAGES) if not ok]
        glyphs = browser.evaluate(GLYPHS)
        if len(glyphs["chars"]) < 2 or len(set(glyphs["shapes"])) < len(glyphs["chars"]) \
                or any(s.startswith("0:") for s in glyphs["shapes"]):
            problems.append(f"{name}: Chinese does not render as distinct glyphs (tofu?): {glyphs}")
        if browser.evaluate("document.title").strip() in {"", page.stem}:
            problems.append(f"{name}: bare title")
        if not browser.evaluate("!!document.querySelector('nav a[href$=\"index.html\"]')"):
            problems.append(f"{name}: no navigation back to the index")
    dialogs = [e for e in browser.events if e.get("method") == "Page.javascriptDialogOpening"]
    assert not problems, "\n".join(problems)
    assert not dialogs


@pytest.mark.notebooks
def test_text_from_documents_stays_text_in_the_browser(built, browser):
    root, _, _ = built
    for page in [root / "reports/2024/index.html", root / "reports/2024/01_clean.html"]:
        browser.open(page.as_uri())
        assert ATTACK in browser.evaluate("document.body.innerText")
        assert browser.evaluate("document.querySelectorAll('img[src=\"x\"], img[onerror]').length") == 0


@pytest.mark.notebooks
def test_long_tables_can_be_searched_and_sorted(built, browser):
    root, _, _ = built
    browser.open((root / "reports/2025/01_clean.html").as_uri())
    rows = "document.querySelector('table.bk-searchable').tBodies[0].rows"
    total = browser.evaluate(f"{rows}.length")
    assert total == 144
    shown = browser.evaluate(f"""(() => {{
        const input = document.querySelector('input.bk-search');
        input.value = '满意度'; input.dispatchEvent(new Event('input'));
        return Array.from({rows}).filter(r => !r.hidden).length; }})()""")
    assert 0 < shown < total
    first, largest = browser.evaluate("""(() => {
        const t = document.querySelector('table.bk-searchable');
        const th = Array.from(t.tHead.rows[0].cells).find(c => c.textContent.startsWith('起始行'));
        th.click(); th.click();
        const values = Array.from(t.tBodies[0].rows).map(r => Number(r.cells[th.cellIndex].getAttribute('data-v')));
        return [values[0], Math.max(...values)]; })()""")
    assert first == largest, "sorted descending by 起始行 after two clicks"


@pytest.mark.notebooks
def test_screenshots_of_the_main_pages_are_not_blank(built, browser):
    root, _, _ = built
    SHOTS.mkdir(parents=True, exist_ok=True)
    main = ["index.html", "2025/index.html", "2025/01_clean.html", "2025/02_costs.html", "2025/03_audit.html",
            "2025/04_figures.html", "compare/05_compare.html",
            next((root / "reports/2025/projects").glob("*-01.html")).relative_to(root / "reports").as_posix()]
    for name in main:
        browser.open((root / "reports" / name).as_uri())
        shot = browser.screenshot(SHOTS / (re.sub(r"[/.]", "_", name.removesuffix(".html")) + ".png"))
        with Image.open(shot) as image:
            grey = image.convert("L")
            inked = sum(grey.histogram()[:128])
            assert inked > 0.005 * grey.width * grey.height, f"{name}: the screenshot is (nearly) blank"
    browser.send("Emulation.setEmulatedMedia", {"media": "print"}, session=True)
    browser.open((root / "reports/2025/02_costs.html").as_uri())
    assert browser.evaluate("getComputedStyle(document.querySelector('nav')).display") == "none"
    browser.send("Emulation.setEmulatedMedia", {"media": ""}, session=True)
