"""The self-study book (`./build.sh book`) and the static images of plots.

The book is built from the committed solution notebooks into a temporary folder, and every page is opened from disk
in headless Chromium with the network cut off (every request that is not a file of the site is recorded and fails
the test): every formula is typeset by KaTeX (none left as raw $...$, no KaTeX error), every plot is drawn by
plotly.js, every picture loads, every file a page asks for exists, every internal link and anchor resolves, and no
script fails. Printed, a plot shows its static image. Screenshots of two pages go to environment/tests/output/.

The static-viewer check renders each solution notebook with nbconvert's HTML export, strips every script (as a code
host's notebook preview does) and opens it with JavaScript off: an image must stand where each figure is.

RNNKIT_BOOK_NOTEBOOKS=DIR uses the notebooks of DIR instead of solutions/notebooks/ (e.g. copies executed elsewhere).
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
from pathlib import Path
from urllib.parse import unquote, urlparse

import nbformat
from nbconvert import HTMLExporter
from playwright.sync_api import sync_playwright

from kit import CHROMIUM, CHROMIUM_FLAGS, KIT, OUTPUT

NOTEBOOKS = Path(os.environ.get("RNNKIT_BOOK_NOTEBOOKS") or KIT / "solutions/notebooks")
RAW_MATH = r"""el => { const c = el.cloneNode(true); c.querySelectorAll('code, pre, .katex').forEach(e => e.remove());
                       return /\$[^$\s][^$]*\$/.test(c.textContent) ? c.textContent.slice(0, 200) : null; }"""


def figures_in(nb):
    """The figures of an executed notebook: outputs whose HTML holds a plot's div."""
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if 'class="rnnkit-plot"' in "".join(o.get("data", {}).get("text/html", ""))]


class Book(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="rnnkit-book-")
        cls.site = Path(cls.tmp.name) / "site"
        start = time.monotonic()
        cmd = [str(KIT / "build.sh"), "book", str(cls.site), "--notebooks", str(NOTEBOOKS)]
        out = subprocess.run(cmd, cwd=KIT, capture_output=True, text=True, timeout=600)
        cls.seconds = time.monotonic() - start
        if out.returncode != 0:
            raise AssertionError(f"./build.sh book failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        OUTPUT.mkdir(parents=True, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        for close in (lambda: cls.browser.close(), lambda: cls.playwright.stop(), cls.tmp.cleanup):
            try:
                close()
            except Exception:  # noqa: BLE001 -- tear down the rest even if one fails
                pass

    def open(self, page_file, context=None):
        """A page of the site, its math typeset; returns (page, requests that left the site, failed requests, errors)."""
        page = (context or self.browser).new_page(viewport={"width": 1280, "height": 900})
        self.addCleanup(page.close)
        site = self.site.as_uri()
        outside, failed, errors = [], [], []
        page.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
                   if not route.request.url.startswith(site + "/") else route.continue_())
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((self.site / page_file).as_uri(), wait_until="load")
        page.wait_for_selector("html[data-math=done]", timeout=30000)
        return page, outside, failed, errors

    def test_the_book_builds_quickly_with_a_page_per_notebook(self):
        notebooks = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
        pages = sorted(p.stem for p in self.site.glob("[0-9][0-9]-*.html"))
        self.assertEqual(notebooks, pages)
        for page in ("index", "exercises", "lectures"):
            self.assertTrue((self.site / f"{page}.html").exists(), page)
        landing = (self.site / "index.html").read_text()
        table = landing[landing.index("<table"):]
        self.assertEqual(notebooks, re.findall(r'<td><a href="([^"]+)\.html">', table),
                         "the landing page's table links every notebook's page")
        self.assertLess(self.seconds, 60, "./build.sh book takes under a minute")
        plotly = list(self.site.rglob("plotly*.js"))
        self.assertEqual(1, len(plotly), "one plotly.js for the whole site")
        for page in self.site.glob("*.html"):
            text = page.read_text()
            self.assertNotIn("/* plotly.js", text, f"{page.name} carries no copy of plotly.js")
            self.assertIsNone(re.search(r'<(script|link|img|iframe)\b[^>]*\b(src|href)="(https?:)?//', text),
                              f"{page.name} loads nothing from elsewhere")

    def test_the_exercise_page_lists_every_exercise_with_its_points(self):
        text = (self.site / "exercises.html").read_text()
        for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
            nb = nbformat.read(str(path), 4)
            graded = [c.metadata["nbgrader"] for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution")]
            points = sum(g["points"] for g in graded)
            self.assertIn(f'{path.stem}.html">', text)
            self.assertRegex(text, rf'<h2 id="{path.stem}">.*?: {len(graded)} exercises, {points:g} points</h2>')
            for g in graded:
                self.assertIn(f"<code>{g['grade_id']}</code>", text)
        page = (self.site / "00-tour.html").read_text()
        self.assertIn('<details class="solution"><summary>Show solution', page, "solutions are folded")

    def test_every_internal_link_and_anchor_resolves(self):
        ids = {p.name: set(re.findall(r'\bid="([^"]+)"', p.read_text())) for p in self.site.glob("*.html")}
        broken = []
        for name in ids:
            for attr, target in re.findall(r'\b(href|src)="([^"]+)"', (self.site / name).read_text()):
                if re.match(r"^(https?:|mailto:|data:)", target):
                    continue
                path, _, fragment = target.partition("#")
                file = (self.site / name).parent / unquote(path) if path else self.site / name
                if not file.exists():
                    broken.append(f"{name}: {target} (no such file)")
                elif fragment and file.suffix == ".html" and fragment not in ids[file.name]:
                    broken.append(f"{name}: {target} (no such anchor)")
        self.assertEqual([], broken)
        self.assertGreater(sum(len(v) for v in ids.values()), 100)

    def test_every_page_renders_offline(self):
        for html_file in sorted(self.site.glob("*.html")):
            with self.subTest(page=html_file.name):
                page, outside, failed, errors = self.open(html_file.name)
                plots = page.locator(".rnnkit-plot").count()
                if plots:
                    page.wait_for_function("n => document.querySelectorAll('.rnnkit-plot svg.main-svg').length >= n",
                                           arg=plots, timeout=60000)
                self.assertEqual(plots, page.locator(".rnnkit-plot:has(svg.main-svg)").count(), "every plot is drawn")
                self.assertEqual(0, page.locator(".rnnkit-plot-fallback:visible").count(),
                                 "a drawn plot hides its static image")
                raw = [t for t in page.locator(".cell.md, .cites").evaluate_all(f"els => els.map({RAW_MATH})") if t]
                self.assertEqual([], raw, "no formula is left as raw $...$")
                self.assertEqual(0, page.locator(".katex-error").count(), "KaTeX typesets every formula")
                if html_file.name[:2].isdigit():
                    self.assertGreater(page.locator(".katex").count(), 0, "the notebook's math is typeset")
                broken = page.evaluate("() => [...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)")
                self.assertEqual([], broken, "every image loads")
                self.assertEqual([], failed, "every file the page asks for is there")
                self.assertEqual([], errors, "no script fails")
                self.assertEqual([], outside, "no request leaves the site")

    def test_screenshots_and_print_show_static_images(self):
        page, outside, _, _ = self.open("index.html")
        page.screenshot(path=str(OUTPUT / "book-index.png"))
        page, outside, _, _ = self.open("04-vanishing-exploding.html")
        page.wait_for_function("() => document.querySelectorAll('.rnnkit-plot svg.main-svg').length > 0", timeout=60000)
        page.locator(".rnnkit-plot").first.scroll_into_view_if_needed()
        page.screenshot(path=str(OUTPUT / "book-04-plot.png"))
        page.emulate_media(media="print")
        figures = page.locator(".rnnkit-plot").count()
        self.assertEqual(figures, page.locator(".rnnkit-plot-fallback img:visible").count(),
                         "printed, every plot is its static image")
        self.assertEqual([], outside)


class StaticViewers(unittest.TestCase):
    """A solution notebook in a viewer that strips scripts (nbconvert's HTML, scripts removed, JavaScript off)."""

    def test_an_image_stands_where_each_figure_is(self):
        exporter = HTMLExporter()
        with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="rnnkit-static-") as tmp:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
            context = browser.new_context(java_script_enabled=False)
            context.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:")
                          else route.continue_())
            for path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
                with self.subTest(notebook=path.name):
                    nb = nbformat.read(str(path), 4)
                    figures = figures_in(nb)
                    without = [i for i, o in enumerate(figures) if "image/svg+xml" not in o["data"]]
                    self.assertEqual([], without, f"{path.name}: figures (by number) without a static image; run the "
                                                  "notebook again (./build.sh run-solutions)")
                    body, _ = exporter.from_notebook_node(nb)
                    stripped = re.sub(r"<script\b.*?</script>", "", body, flags=re.S | re.I)
                    page_file = Path(tmp) / (path.stem + ".html")
                    page_file.write_text(stripped)
                    page = context.new_page()
                    page.goto(page_file.as_uri(), wait_until="load")
                    shown = page.evaluate("""() => [...document.querySelectorAll('.rnnkit-plot')].map(plot => {
                        const image = plot.parentElement.querySelector('.rnnkit-plot-fallback img');
                        const box = image && image.getBoundingClientRect();
                        return !!box && box.width > 100 && box.height > 100 && image.complete && image.naturalWidth > 100; })""")
                    page.close()
                    self.assertEqual(len(figures), len(shown))
                    self.assertTrue(all(shown), f"{path.name}: figures without a visible image: "
                                                f"{[i for i, s in enumerate(shown) if not s]}")
            browser.close()


if __name__ == "__main__":
    unittest.main()
