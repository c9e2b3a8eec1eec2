"""Plots render offline in a real browser: the executed tour notebook, exported to HTML with nbconvert and opened
in Debian's classic Jupyter Notebook 6, is loaded by headless Chromium with the network cut off, and every figure must
turn into a drawn Plotly chart. Classic Notebook serves RequireJS itself, the case that breaks plotly.js's usual UMD
loading; the export only points at RequireJS and MathJax on a CDN, which fail to load offline. JupyterLab 4 and
Notebook 7 are driven through their UI in test_frontends.py."""
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import nbformat
from nbformat.sign import NotebookNotary

from kit import CLASSIC_PYTHON, KIT, chromium, errors, execute, free_port, wait_for_server

# a figure's div once plotly.js drew into it (attributes in any order: nbconvert 7 sorts them)
RENDERED = re.compile(r'<div (?=[^>]*\bid="rnnkit_plot_\w+")(?=[^>]*\bclass="rnnkit-plot js-plotly-plot")')


class OfflinePlots(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
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
        subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", str(self.dir / "tour.ipynb")],
                       check=True, capture_output=True)
        page = self.dir / "tour.html"
        self.assertIn("require.min.js", page.read_text(), "the export points at RequireJS (on a CDN: offline it fails)")
        dom = chromium(page.as_uri())
        self.assertEqual(self.figures, len(RENDERED.findall(dom)), "every figure is drawn")
        self.assertIn('class="main-svg"', dom)

    def test_plots_render_in_classic_notebook(self):
        port = free_port()
        token = "rnnkit-test"
        # Debian's Notebook 6, finding the kit's kernelspec in the kit's environment
        env = dict(os.environ, JUPYTER_PATH=os.pathsep.join(filter(None, [
            str(Path(sys.prefix) / "share/jupyter"), os.environ.get("JUPYTER_PATH")])))
        server = subprocess.Popen([CLASSIC_PYTHON, "-m", "notebook", "--no-browser", "--allow-root", f"--port={port}",
                                   "--ip=127.0.0.1", f"--NotebookApp.token={token}", f"--notebook-dir={self.dir}"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for_server(base, token, server, "classic Notebook 6")
            dom = chromium(f"{base}/notebooks/tour.ipynb?token={token}", budget_ms=30000)
            self.assertIn("requirejs", dom.lower(), "classic Notebook runs on RequireJS")
            self.assertEqual(self.figures, len(RENDERED.findall(dom)), "every figure is drawn")
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    unittest.main()
