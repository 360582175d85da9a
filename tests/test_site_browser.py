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


# --- issue 26: a site a reader can trust and use on any screen (items 1-6, at a desktop's and a phone's size) ---

SIZES = [pytest.param((1366, 900), id="desktop-1366x900"), pytest.param((390, 844), id="phone-390x844")]
READER_PAGES = ["index.html", "2024/index.html", "2025/index.html", "2025/01_clean.html", "2025/02_costs.html",
                "2025/03_audit.html", "2025/04_figures.html", "compare/05_compare.html"]
#: Columns that answer a reader's question: never out of view.
KEY_COLUMNS = {"完整性", "测算结论", "严重程度", "说明", "状态", "项目表完整性", "测算说明"}

TABLE_LAYOUT = """(() => {
  const problems = [];
  const canvas = document.createElement('canvas').getContext('2d');
  const width = window.innerWidth;
  document.querySelectorAll('table.bk-data').forEach((table, t) => {
    table.querySelectorAll('thead th').forEach(th => {
      const style = getComputedStyle(th);
      if (style.overflowWrap === 'anywhere' || style.wordBreak === 'break-all')
        problems.push(`table ${t}: header ${th.textContent} may break inside a word`);
      if (!th.offsetParent) return;                       // a phone's card layout hides the header row
      const en = th.querySelector('.en');
      if (en) {
        canvas.font = getComputedStyle(en).font;
        const widest = Math.max(...en.textContent.split(/\\s+/).map(w => canvas.measureText(w).width));
        if (en.getBoundingClientRect().width + 1 < widest)
          problems.push(`table ${t}: header word cut: ${en.textContent} (${en.getBoundingClientRect().width} < ${widest})`);
      }
      const zh = th.firstChild;
      if (zh && zh.nodeType === 3 && zh.nodeValue.trim().length > 1) {
        const range = document.createRange(); range.selectNodeContents(zh);
        const tops = new Set(Array.from(range.getClientRects()).filter(r => r.width > 0).map(r => Math.round(r.top)));
        if (tops.size > Math.ceil(zh.nodeValue.trim().length / 2))
          problems.push(`table ${t}: header ${zh.nodeValue} wraps one character a line (${tops.size} lines)`);
      }
    });
    table.querySelectorAll('tbody td').forEach(td => {
      if (!td.offsetParent || !KEY.has(td.getAttribute('data-label'))) return;
      const wrap = table.closest('.bk-table');
      const box = td.getBoundingClientRect(), frame = wrap.getBoundingClientRect();
      const cut = box.right > Math.min(width, frame.right) + 1 || box.left < Math.max(0, frame.left) - 1;
      if (cut && !wrap.classList.contains('bk-scrolls'))
        problems.push(`table ${t}: ${td.getAttribute('data-label')} cut off with no scroll cue`);
      if (cut && width < 640)
        problems.push(`table ${t}: ${td.getAttribute('data-label')} off-screen on a phone`);
    });
  });
  document.querySelectorAll('.bk-table').forEach((wrap, t) => {
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    const cue = wrap.querySelector('.bk-scroll-cue');
    if (scrolls && !(cue && cue.offsetParent)) problems.push(`table box ${t}: wider than its box, no scroll cue`);
  });
  if (document.documentElement.scrollWidth > width + 1)
    problems.push(`the page is wider than the screen (${document.documentElement.scrollWidth} > ${width})`);
  return problems;
})()"""


def _size(browser, size) -> None:
    width, height = size
    browser.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                        "mobile": width < 640}, session=True)


def _key_labels_script(script: str) -> str:
    keys = ", ".join(repr(k) for k in sorted(KEY_COLUMNS))
    return script.replace("(() => {", f"(() => {{ const KEY = new Set([{keys}]);", 1)


@pytest.mark.notebooks
@pytest.mark.parametrize("size", SIZES)
def test_a_volume_without_tables_is_an_information(built, browser, size):
    from conftest import NO_TABLE_VOLUME

    root, results, _ = built
    _size(browser, size)
    assert not results[0].unreadable and [s["source_file"] for s in results[0].no_table] == [NO_TABLE_VOLUME]
    browser.open((root / "reports/2024/index.html").as_uri())
    notice = browser.evaluate("Array.from(document.querySelectorAll('.bk-banner.info')).map(b => b.innerText)")
    assert len(notice) == 1 and NO_TABLE_VOLUME in notice[0] and "不含项目支出绩效目标表" in notice[0]
    text = browser.evaluate("document.body.innerText")
    assert "vocabulary" not in text and "could not be read" not in text and "无法读取，已跳过" not in text
    assert browser.evaluate("document.querySelectorAll('.bk-banner.warn, .bk-banner.bad').length") == 0


@pytest.mark.notebooks
@pytest.mark.parametrize("size", SIZES)
def test_tables_read_on_a_desktop_and_a_phone(built, browser, size):
    root, _, _ = built
    _size(browser, size)
    project = next((root / "reports/2025/projects").glob("*-01.html")).relative_to(root / "reports").as_posix()
    problems = []
    for name in [*READER_PAGES, project]:
        browser.open((root / "reports" / name).as_uri())
        problems += [f"{name}: {p}" for p in browser.evaluate(_key_labels_script(TABLE_LAYOUT))]
        shot = SHOTS / f"{size[0]}x{size[1]}" / (re.sub(r"[/.]", "_", name.removesuffix(".html")) + ".png")
        browser.screenshot(shot, full_page=False)
    assert not problems, "\n".join(problems)


@pytest.mark.notebooks
def test_the_projects_table_of_01_clean_is_a_readers_subset_with_every_column_downloadable(built, browser):
    from budgetkit.model.fields import columns

    root, _, _ = built
    browser.open((root / "reports/2025/01_clean.html").as_uri())
    tables = browser.evaluate("""Array.from(document.querySelectorAll('.bk-table')).map(w => [
        (w.querySelector('.bk-caption') || {}).textContent || '', w.querySelectorAll('thead th').length,
        Array.from(w.querySelectorAll('a.bk-csv')).map(a => a.getAttribute('href'))])""")
    caption, shown, links = next(t for t in tables if t[0].startswith("项目 projects"))
    assert 5 <= shown <= 12 < len(columns("projects"))
    full = [h for h in links if h.endswith("all-columns.csv")]
    assert full and (root / "reports/2025" / full[0]).is_file()
    header = (root / "reports/2025" / full[0]).read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert len(header) > shown


#: Codes that must never reach a reader bare (English phrases or identifiers of the tables).
BARE_CODES = ("self_evaluation", "cost_amounts", "quantity×unit_cost", "per_capita_cap", "NoTableError",
              "stated amount", "headcount by name", "outside any table", "site furniture",
              "level-3 indicator without a value", "wrapped line joined")


@pytest.mark.notebooks
@pytest.mark.parametrize("size", SIZES)
def test_codes_show_in_chinese_and_figures_describe_their_data(built, browser, size):
    root, _, _ = built
    _size(browser, size)
    problems = []
    project = next((root / "reports/2025/projects").glob("*-01.html")).relative_to(root / "reports").as_posix()
    for name in [*READER_PAGES, project]:
        browser.open((root / "reports" / name).as_uri())
        cells = browser.evaluate("Array.from(document.querySelectorAll('main td, .bk-banner')).map(c => c.innerText)")
        problems += [f"{name}: {code!r} shown bare" for code in BARE_CODES if any(code in c for c in cells)]
        problems += [f"{name}: 测算说明 names its method in English: {c[:60]}" for c in cells
                     if re.search(r"测算方法 (quantity|cost_|per_|meeting|monthly|daily)", c)]
        problems += [f"{name}: Chinese explanation holds an English clause: {c[:80]}" for c in cells
                     if re.search(r"测算方法|吻合", c) and re.search(r"\b(paired with|priced by|bounds and)\b", c)]
        for alt, caption, full in browser.evaluate("""Array.from(document.images).map(i => [i.alt,
                (i.closest('figure') && i.closest('figure').querySelector('figcaption') || {}).innerText || '',
                (i.closest('a') || {}).href || ''])"""):
            if not alt or "No description" in alt or not re.search(r"\d", alt):
                problems.append(f"{name}: image without a description from its data: {alt[:60]!r}")
            if "数据来源" not in caption:
                problems.append(f"{name}: figure without a caption and source: {caption[:60]!r}")
            if not full.endswith(".png") or not Path(unquote(urlparse(full).path)).is_file():
                problems.append(f"{name}: figure not linked to its full size: {full!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.notebooks
def test_project_pages_link_their_source_and_say_where(built, browser):
    root, _, _ = built
    page = next((root / "reports/2024/projects").glob("*-01.html"))
    browser.open(page.as_uri())
    source, permalink = browser.evaluate("""[document.querySelector('.bk-source a').href,
        document.querySelector('a.bk-permalink').href]""")
    assert Path(unquote(urlparse(source).path)).is_file() and urlparse(source).fragment.startswith("page=")
    assert Path(unquote(urlparse(permalink).path)) == page
    assert re.search(r"第 \d+(–\d+)? 页", browser.evaluate("document.querySelector('.bk-source').innerText"))


@pytest.mark.notebooks
def test_a_field_dictionary_and_a_rules_page_are_linked_from_every_page(built, browser):
    from budgetkit.analyse.audit import list_rules
    from budgetkit.model.fields import load_fields

    root, _, _ = built
    for name in READER_PAGES:
        browser.open((root / "reports" / name).as_uri())
        hrefs = browser.evaluate("Array.from(document.querySelectorAll('nav a')).map(a => a.href)")
        assert any(h.endswith("/reports/fields.html") for h in hrefs), name
        assert any(h.endswith("/reports/rules.html") for h in hrefs), name
    browser.open((root / "reports/fields.html").as_uri())
    ids = browser.evaluate("Array.from(document.querySelectorAll('h2[id]')).map(h => h.id)")
    assert set(load_fields()["table"]) <= set(ids)
    browser.open((root / "reports/rules.html").as_uri())
    text = browser.evaluate("document.body.innerText")
    assert all(rule in text for rule in list_rules()["zh"]) and "data/links.csv" in text


@pytest.mark.notebooks
def test_a_table_filters_by_column_and_exports_the_rows_shown(built, browser):
    root, _, _ = built
    browser.open((root / "reports/2025/01_clean.html").as_uri())
    shown, csv = browser.evaluate("""(async () => {
        const table = document.querySelector('table.bk-searchable');
        const wrap = table.closest('.bk-table');
        const select = Array.from(wrap.querySelectorAll('select.bk-filter'))
            .find(s => s.getAttribute('aria-label').includes('指标值类型'));
        select.value = Array.from(select.options).find(o => o.value.startsWith('百分比')).value;
        select.dispatchEvent(new Event('change'));
        const shown = Array.from(table.tBodies[0].rows).filter(r => !r.hidden).length;
        let blob = null;
        URL.createObjectURL = b => { blob = b; return 'about:blank'; };
        HTMLAnchorElement.prototype.click = function () {};  // no download in a test
        wrap.querySelector('button.bk-export').click();
        return [shown, await blob.text()]; })()""")
    rows = csv.lstrip("\ufeff").strip().splitlines()
    assert 0 < shown < 144 and len(rows) == shown + 1
    assert all("百分比" in row for row in rows[1:])


@pytest.fixture(scope="module")
def cut_year(tmp_path_factory):
    """A year whose second table stops mid-way (tests/fixtures/layouts/stops-mid-table.txt), built with pages."""
    from budgetkit.build.build import build
    from conftest import make_project

    root = make_project(tmp_path_factory.mktemp("cut"), {})
    (root / "data/raw/2024").mkdir(parents=True)
    fixture = ROOT / "tests/fixtures/layouts/stops-mid-table.txt"
    (root / "data/raw/2024" / fixture.name).write_bytes(fixture.read_bytes())
    build(root=root)
    return root


@pytest.mark.notebooks
@pytest.mark.parametrize("size", SIZES)
def test_a_partial_table_is_marked_wherever_it_is_listed(cut_year, browser, size):
    root = cut_year
    _size(browser, size)
    browser.open((root / "reports/2024/index.html").as_uri())
    rows = browser.evaluate("""Array.from(document.querySelectorAll('table.bk-data tbody tr'))
        .filter(r => r.querySelector('a[href^="projects/"]'))
        .map(r => Array.from(r.cells).map(c => [c.getAttribute('data-label'), c.innerText]))""")
    cut = next(dict(r) for r in rows if dict(r).get("项目名称") == "老年人健康体检")
    whole = next(dict(r) for r in rows if dict(r).get("项目名称") == "社区卫生服务能力提升")
    assert cut["完整性"].startswith("不完整") and whole["完整性"].startswith("完整")
    assert "不完整" in cut["测算结论"] and "不吻合" not in cut["测算结论"], "a cut table's arithmetic is no finding"
    browser.open((root / "reports/2024/01_clean.html").as_uri())
    assert browser.evaluate("""Array.from(document.querySelectorAll('td[data-label="完整性"]'))
        .some(td => td.innerText.startsWith('不完整'))""")
    page = next(p for p in (root / "reports/2024/projects").glob("*.html") if p.stem.endswith("02"))
    browser.open(page.as_uri())
    banner = browser.evaluate("(document.querySelector('.bk-partial') || {}).innerText || ''")
    assert "不完整" in banner and "第 26 行" in banner
