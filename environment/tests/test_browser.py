"""Plots render offline in a real browser: the executed tour notebook, exported to HTML with nbconvert and opened
in classic Jupyter Notebook 6, is loaded by headless Chromium with the network cut off, and every figure must turn
into a drawn Plotly chart. Both pages load RequireJS, the case that breaks plotly.js's usual UMD loading."""
import re
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

import nbformat
from nbformat.sign import NotebookNotary

from kit import KIT, chromium, errors, execute

RENDERED = re.compile(r'<div id="rnnkit_plot_\w+" class="rnnkit-plot js-plotly-plot"')


class OfflinePlots(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        if not shutil.which("chromium"):
            raise AssertionError("Chromium is needed for this test: apt-get install chromium")
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = Path(cls.tmp.name)
        nb, _ = execute(KIT / "solutions/notebooks/00-tour.ipynb")
        assert not errors(nb), errors(nb)
        cls.figures = sum(1 for c in nb.cells for o in c.get("outputs", [])
                          if "text/html" in o.get("data", {}) and 'class="rnnkit-plot"' in o["data"]["text/html"])
        NotebookNotary().sign(nb)  # trusted, as a notebook the user ran, so Jupyter runs its output scripts
        nbformat.write(nb, str(cls.dir / "tour.ipynb"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_the_tour_has_figures(self):
        self.assertGreaterEqual(self.figures, 3)

    def test_plots_render_in_the_html_export_without_network(self):
        subprocess.run(["jupyter", "nbconvert", "--to", "html", str(self.dir / "tour.ipynb")],
                       check=True, capture_output=True)
        page = self.dir / "tour.html"
        self.assertIn("require", page.read_text(), "the export loads RequireJS, the hard case")
        dom = chromium(page.as_uri())
        self.assertEqual(self.figures, len(RENDERED.findall(dom)), "every figure is drawn")
        self.assertIn('class="main-svg"', dom)

    def test_plots_render_in_classic_notebook(self):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        token = "rnnkit-test"
        server = subprocess.Popen(["jupyter", "notebook", "--no-browser", "--allow-root", f"--port={port}",
                                   "--ip=127.0.0.1", f"--NotebookApp.token={token}", f"--notebook-dir={self.dir}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            dom = chromium(f"{base}/notebooks/tour.ipynb?token={token}", budget_ms=30000)
            self.assertIn("requirejs", dom.lower(), "classic Notebook runs on RequireJS")
            self.assertEqual(self.figures, len(RENDERED.findall(dom)), "every figure is drawn")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    unittest.main()
