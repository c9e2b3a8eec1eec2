"""A notebook written the way a newcomer writes one, run with `jupyter nbconvert --execute` exactly as the README
says, gives the outputs a newcomer expects: values, prints, classes across cells, an EJML matrix, a Tablesaw table, a Sequence,
an offline plot, a picture, and a compile error that names its line and does not stop the next cell."""
import subprocess
import tempfile
import unittest
from pathlib import Path

import nbformat

from kit import JUPYTER, KERNEL, KIT, code_cells, plain


class NewcomerNotebook(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        out = Path(cls.tmp.name) / "newcomer.out.ipynb"
        source = KIT / "environment/tests/fixtures/newcomer.ipynb"
        subprocess.run([JUPYTER, "nbconvert", "--to", "notebook", "--execute",
                        f"--ExecutePreprocessor.kernel_name={KERNEL}", "--allow-errors",
                        str(source), "--output", str(out)], check=True, capture_output=True)
        cls.cells = {c.id: c for c in code_cells(nbformat.read(str(out), 4))}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def outputs(self, cell_id, kind=None):
        outs = self.cells[cell_id].outputs
        return [o for o in outs if kind is None or o.output_type == kind]

    def result(self, cell_id):
        results = self.outputs(cell_id, "execute_result")
        self.assertEqual(1, len(results), f"{cell_id}: {self.outputs(cell_id)}")
        return results[0].data

    def test_an_expression_shows_its_value(self):
        self.assertEqual("3", self.result("expression")["text/plain"])

    def test_prints_go_to_their_streams(self):
        streams = {o.name: o.text for o in self.outputs("prints", "stream")}
        self.assertEqual({"stdout": "hello from Java\n", "stderr": "a warning\n"}, streams)

    def test_a_class_from_one_cell_works_in_the_next(self):
        self.assertEqual([], self.outputs("class"))
        self.assertEqual("2", self.result("uses-class")["text/plain"])

    def test_a_matrix_is_a_table(self):
        data = self.result("matrix")
        self.assertIn("DMatrixRMaj 2 \u00d7 2", data["text/html"])
        self.assertIn(">4.5<", data["text/html"])

    def test_a_tablesaw_table_is_a_table(self):
        html = self.result("table")["text/html"]
        self.assertIn("scores (3 rows \u00d7 2 columns)", html)
        self.assertIn(">grace<", html)

    def test_a_sequence_is_a_table_per_step(self):
        data = self.result("sequence")
        self.assertIn("Sequence: T = 2 steps of B \u00d7 D = 1 \u00d7 2", data["text/html"])
        self.assertIn(">t = 1<", data["text/html"])
        self.assertIn(">4<", data["text/html"])
        self.assertIn("t = 1", data["text/plain"])

    def test_a_figure_is_an_offline_plot(self):
        shown = self.outputs("figure", "display_data")
        self.assertEqual(1, len(shown), self.outputs("figure"))
        html = shown[0].data["text/html"]
        self.assertIn("plotly.js 2.35.3", html, "the first figure carries plotly.js")
        self.assertIn("Plotly.newPlot", html)
        self.assertNotIn("<script src", html, "nothing is loaded from elsewhere")
        self.assertNotIn("cdn.plot.ly", html.replace('dflt:"https://cdn.plot.ly/"', ""))

    def test_a_picture_is_a_png(self):
        self.assertTrue(self.result("image")["image/png"].startswith("iVBORw0KGgo"))

    def test_a_compile_error_names_its_line_and_the_next_cell_runs(self):
        errors = self.outputs("compile-error", "error")
        self.assertEqual(1, len(errors))
        self.assertEqual("CompileError", errors[0].ename)
        tb = plain(errors[0].traceback)
        self.assertIn("line 2, column 14", tb)
        self.assertIn('int broken = "not a number";', tb)
        self.assertIn("incompatible types", tb)
        self.assertEqual("still alive", self.result("healthy")["text/plain"])


if __name__ == "__main__":
    unittest.main()
