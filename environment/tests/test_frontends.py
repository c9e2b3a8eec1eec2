"""The kit's notebooks in the front ends students open them in: JupyterLab 4 and Notebook 7, from the kit's
environment, served on localhost and driven through their UI by Playwright in the system's Chromium, with the
network cut off (no browser is downloaded; every request that tries to leave the machine is recorded and fails).

Per front end: the tour and the language-model notebook run with Run > Run All Cells; every plot draws, every table
renders, every formula is typeset, the training progress bar is one output updated in place; a compile error names
its line; Kernel > Interrupt Kernel stops `while (true) {}`. Screenshots go to environment/tests/output/."""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

import nbformat
from playwright.sync_api import sync_playwright

from kit import CHROMIUM, CHROMIUM_FLAGS, KERNEL, KIT, OUTPUT, free_port, wait_for_server

TOUR = "00-tour.ipynb"
TRAINING = "07-language-modelling.ipynb"
CHECKS = "frontend-checks.ipynb"

# Cells written the way a student writes them, run one by one through the UI.
CHECK_CELLS = {
    "compile-error": "int apples = 3;\nint pears = apples + bananas;",
    "runaway": "long n = 0;\nwhile (true) { n++; }",
    "afterwards": '"still alive, apples = " + apples',
}


def expected(name):
    """What the committed solution notebook shows: its figures, HTML tables and markdown cells with math."""
    nb = nbformat.read(str(KIT / "solutions/notebooks" / name), 4)
    html = ["".join(o.get("data", {}).get("text/html", "")) for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", [])]
    return {"figures": sum('class="rnnkit-plot"' in h for h in html),
            "tables": sum("<table" in h for h in html),
            "math": sum(1 for c in nb.cells if c.cell_type == "markdown" and "$" in c.source)}


def expected_bars(name):
    """How many cells of the committed solution notebook show a progress bar."""
    nb = nbformat.read(str(KIT / "solutions/notebooks" / name), 4)
    return sum(1 for c in nb.cells if c.cell_type == "code"
               and any("<progress" in "".join(o.get("data", {}).get("text/html", "")) for o in c.get("outputs", [])))


def cleared(src, dst):
    """A copy of a notebook without outputs: it runs in the browser from scratch."""
    nb = nbformat.read(str(src), 4)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs, c.execution_count = [], None
    nbformat.write(nb, str(dst))


class FrontEnd:
    """The checks, for one front end; subclasses name it."""
    name = module = path = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        root = Path(cls.tmp.name) / "notebooks"
        root.mkdir()
        for name in (TOUR, TRAINING):
            cleared(KIT / "solutions/notebooks" / name, root / name)
        checks = nbformat.v4.new_notebook()
        checks.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Java (rnnkit)", "language": "java"}
        checks.cells = [nbformat.v4.new_code_cell(code, id=cid) for cid, code in CHECK_CELLS.items()]
        nbformat.write(checks, str(root / CHECKS))
        cls.port, cls.token = free_port(), "rnnkit-frontend-test"
        config = Path(cls.tmp.name) / "config"  # a fresh one: no saved workspaces or settings of the user's
        news = config / "lab/user-settings/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
        news.parent.mkdir(parents=True)
        news.write_text(json.dumps({"fetchNews": "false"}))  # no "get notified about Jupyter news?" pop-up
        env = dict(os.environ, JUPYTER_CONFIG_DIR=str(config))
        cls.log = open(Path(cls.tmp.name) / "server.log", "w")
        cls.server = subprocess.Popen(
            [sys.executable, "-m", cls.module, "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={cls.port}",
             f"--ServerApp.token={cls.token}", f"--ServerApp.root_dir={root}"],
            stdout=cls.log, stderr=subprocess.STDOUT, env=env)
        cls.base = f"http://127.0.0.1:{cls.port}"
        try:
            wait_for_server(cls.base, cls.token, cls.server, cls.name)
        except AssertionError:
            cls.tearDownClass()
            raise
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        cls.outside = []  # requests that tried to leave the machine
        OUTPUT.mkdir(parents=True, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        for close in (lambda: cls.browser.close(), lambda: cls.playwright.stop()):
            try:
                close()
            except Exception:  # not started
                pass
        cls.server.terminate()
        cls.server.wait(timeout=60)
        cls.log.close()
        cls.tmp.cleanup()

    def tearDown(self):
        self.assertEqual([], self.outside, "no request may leave the machine")

    def run(self, result=None):
        """Keeps a screenshot of every page a failing test left open, for the human who reads the failure."""
        self.pages = []
        outcome = super().run(result)
        if result is not None and any(t is self for t, _ in result.failures + result.errors):
            for i, page in enumerate(self.pages):
                try:
                    self.screenshot(page, f"FAILED-{self._testMethodName}-{i}")
                except Exception:
                    pass
        for page in self.pages:
            page.close()
        return outcome

    # --- driving the UI -------------------------------------------------------------------------------------

    def open(self, name):
        """A fresh page with the notebook open and its kernel idle."""
        page = self.browser.new_page(viewport={"width": 1400, "height": 1000})
        self.pages.append(page)
        page.route(lambda url: not url.startswith(self.base),
                   lambda route: (self.outside.append(route.request.url), route.abort()))
        self.addCleanup(self.shut_down_kernels)
        page.goto(f"{self.base}{self.path.format(name)}?token={self.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60000)
        # The indicator says "idle" already before a kernel is attached ("No Kernel"); a cell run then is dropped.
        page.wait_for_function("""() => document.querySelector('.jp-Toolbar-kernelName')?.textContent.includes('Java')
            && document.querySelector('.jp-Notebook-ExecutionIndicator')?.getAttribute('data-status') === 'idle'""",
                               timeout=90000)
        return page

    def shut_down_kernels(self):
        """Ends every notebook session of the test, so that the next starts from a quiet server."""
        sessions = json.load(urllib.request.urlopen(f"{self.base}/api/sessions?token={self.token}", timeout=10))
        for s in sessions:
            urllib.request.urlopen(urllib.request.Request(
                f"{self.base}/api/sessions/{s['id']}?token={self.token}", method="DELETE"), timeout=30)

    def menu(self, page, top, item):
        page.locator("li.lm-MenuBar-item", has_text=re.compile(f"^{top}$")).click()
        page.locator(".lm-Menu-item:visible", has_text=re.compile(f"^{re.escape(item)}")).first.click()

    @staticmethod
    def prompts(page):
        return page.evaluate("() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]"
                             ".map(e => e.textContent.trim())")

    def wait_all_ran(self, page, timeout_s, while_running=None):
        """Waits until every code cell shows an execution count; calls while_running() meanwhile."""
        deadline = time.monotonic() + timeout_s
        while True:
            if while_running:
                while_running()
            prompts = self.prompts(page)
            if prompts and all(re.fullmatch(r"\[\d+\]:", p) for p in prompts):
                return
            if time.monotonic() > deadline:
                self.fail(f"{self.name}: cells still not run after {timeout_s} s: {prompts}")
            time.sleep(0.2)

    def run_cell(self, page, cell_id):
        """Selects a cell and presses Shift-Enter, as a student does."""
        cell = page.locator(".jp-Notebook .jp-CodeCell").nth(list(CHECK_CELLS).index(cell_id))
        cell.locator(".cm-content").click()
        page.keyboard.press("Shift+Enter")
        return cell

    @staticmethod
    def stderr_text(cell):
        return cell.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()

    def assert_rendered(self, page, name):
        want = expected(name)
        drawn = page.locator(".rnnkit-plot.js-plotly-plot:has(svg.main-svg)").count()
        self.assertGreater(want["figures"], 0)
        self.assertEqual(want["figures"], drawn, f"{self.name}, {name}: every figure is drawn by plotly.js")
        self.assertEqual(want["tables"], page.locator(".jp-OutputArea-output table").count(),
                         f"{self.name}, {name}: every table renders as HTML")
        math_cells = page.locator(".jp-MarkdownCell:has(mjx-container)").count()
        self.assertGreaterEqual(math_cells, want["math"], f"{self.name}, {name}: every formula is typeset")
        raw = page.evaluate(r"""() => [...document.querySelectorAll('.jp-MarkdownOutput')]
            .map(e => e.innerText).filter(t => /\$[^$\s][^$]*\$/.test(t))""")
        self.assertEqual([], raw, f"{self.name}, {name}: no formula is left as raw $...$")
        errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        self.assertEqual(0, page.locator(".jp-OutputArea-output:has-text('Exception')").count(),
                         f"{self.name}, {name}: no exception in outputs: {errors.all_inner_texts()[:3]}")

    def screenshot(self, page, what):
        page.screenshot(path=str(OUTPUT / f"{self.name.lower().replace(' ', '')}-{what}.png"))

    # --- the checks -------------------------------------------------------------------------------------------

    def test_the_tour_runs_with_every_plot_table_and_formula_rendered(self):
        page = self.open(TOUR)
        started = time.monotonic()
        self.menu(page, "Run", "Run All Cells")
        self.wait_all_ran(page, 180)
        print(f"\n  {self.name}: tour ran in {time.monotonic() - started:.1f} s", end="")
        self.assert_rendered(page, TOUR)
        page.locator(".rnnkit-plot").first.scroll_into_view_if_needed()
        self.screenshot(page, "tour")

    def test_a_training_notebook_shows_one_progress_bar_updated_in_place(self):
        page = self.open(TRAINING)
        seen = []  # per sample: for each code cell that has bars, the [value, max] of each of its bars
        shot = []
        bars_by_cell = ("() => [...document.querySelectorAll('.jp-CodeCell')]"
                        ".map(c => [...c.querySelectorAll('.jp-OutputArea-output progress')].map(p => [p.value, p.max]))"
                        ".filter(bars => bars.length > 0)")

        def sample():
            cells = page.evaluate(bars_by_cell)
            seen.append(cells)
            if cells and 0.3 < cells[0][0][0] / cells[0][0][1] < 0.9 and not shot:
                # the bar's element is replaced at every update: scroll in one step, not through a locator
                page.evaluate("() => document.querySelector('progress')?.scrollIntoView({block: 'center'})")
                self.screenshot(page, "training")
                shot.append(True)

        started = time.monotonic()
        self.menu(page, "Run", "Run All Cells")
        self.wait_all_ran(page, 300, while_running=sample)
        print(f"\n  {self.name}: {TRAINING} ran in {time.monotonic() - started:.1f} s", end="")
        self.assert_rendered(page, TRAINING)
        self.assertTrue(all(len(bars) == 1 for cells in seen for bars in cells),
                        f"one bar per cell, never a second output: {seen}")
        values = [cells[0][0][0] for cells in seen if cells]  # the first training cell's bar
        self.assertGreaterEqual(len(set(values)), 3, f"the bar moved while training: {values}")
        self.assertEqual(sorted(values), values, "it only moves forward")
        final = page.evaluate(bars_by_cell)
        self.assertEqual(expected_bars(TRAINING), len(final), f"one bar in each cell that trains: {final}")
        self.assertTrue(all(bars[0][0] == bars[0][1] for bars in final), f"each ends full: {final}")
        page.evaluate("() => document.querySelector('progress').scrollIntoView({block: 'center'})")
        self.screenshot(page, "training-done")

    def test_a_compile_error_shows_its_line_and_interrupt_stops_a_runaway_loop(self):
        page = self.open(CHECKS)
        cell = self.run_cell(page, "compile-error")
        page.wait_for_function("() => document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')[0]"
                               ".textContent.trim().match(/^\\[\\d+\\]:$/)", timeout=60000)
        error = "\n".join(self.stderr_text(cell))
        self.assertIn("line 2", error)
        self.assertIn("cannot find symbol", error)
        self.assertIn("int pears = apples + bananas;", error, "the line itself is quoted")
        self.assertIn("^", error, "a caret marks the code at fault")

        cell = self.run_cell(page, "runaway")
        page.wait_for_function("() => document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')[1]"
                               ".textContent.trim() === '[*]:'", timeout=60000)
        time.sleep(1.0)
        asked = time.monotonic()
        self.menu(page, "Kernel", "Interrupt Kernel")
        page.wait_for_function("() => document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')[1]"
                               ".textContent.trim().match(/^\\[\\d+\\]:$/)", timeout=30000)
        print(f"\n  {self.name}: interrupt to the cell's end {time.monotonic() - asked:.2f} s", end="")
        self.assertIn("Interrupted", "\n".join(self.stderr_text(cell)))
        self.screenshot(page, "interrupt")

        cell = self.run_cell(page, "afterwards")
        cell.locator(".jp-OutputArea-output:has-text('still alive')").wait_for(timeout=30000)
        self.assertIn("still alive, apples = 3", cell.inner_text(), "the session survived with its variables")


def version(module):
    return json.loads(subprocess.run([sys.executable, "-c", f"import json, {module}; print(json.dumps({module}.__version__))"],
                                     capture_output=True, text=True, check=True).stdout)


class JupyterLab4(FrontEnd, unittest.TestCase):
    name, module = "JupyterLab", "jupyterlab"

    @property
    def path(self):  # a workspace of its own per test: no notebook of an earlier test is reopened beside this one
        return f"/lab/workspaces/{self.id().rsplit('.', 1)[-1]}/tree/{{}}"

    def test_it_is_jupyterlab_4(self):
        self.assertTrue(version("jupyterlab").startswith("4."), version("jupyterlab"))


class Notebook7(FrontEnd, unittest.TestCase):
    name, module, path = "Notebook 7", "notebook", "/notebooks/{}"

    def test_it_is_notebook_7(self):
        self.assertTrue(version("notebook").startswith("7."), version("notebook"))


if __name__ == "__main__":
    unittest.main()
