"""The claims check (./build.sh check-claims): its rules, the committed solution notebooks, an edited number caught,
and every solution notebook executed with EJML's products instead of OpenBLAS passing it (the OpenBLAS execution is
checked in test_notebooks.py, where the notebooks run anyway)."""
import copy
import functools
import os
import unittest

import nbformat

import claims
from kit import KIT, OUTPUT, chosen, each_in_parallel, errors


def notebook(markdown, outputs=(), code="", facts=None):
    """A small executed notebook: one markdown cell, one code cell with the given printed outputs."""
    nb = nbformat.v4.new_notebook()
    md = nbformat.v4.new_markdown_cell(markdown)
    if facts is not None:
        md.metadata["rnnkit"] = {"facts": facts}
    cell = nbformat.v4.new_code_cell(code)
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=t) for t in outputs]
    nb.cells = [md, cell]
    return nb


def unbacked(markdown, outputs=(), code="", facts=None):
    return [p.quote for p in claims.check(notebook(markdown, outputs, code, facts), "test.ipynb")]


class TheRules(unittest.TestCase):

    def test_a_number_is_backed_by_an_output_to_the_digits_quoted(self):
        self.assertEqual([], unbacked("exact match rises to 0.657", ["0.656667\n"]))
        self.assertEqual(["0.658"], unbacked("exact match rises to 0.658", ["0.656667\n"]))
        self.assertEqual(["0.67"], unbacked("to 0.67 and then 0.6567", ["0.6567\n"]))
        self.assertEqual([], unbacked("about 0.66", ["0.656667\n"]))

    def test_percentages_match_fractions_and_the_other_way_round(self):
        self.assertEqual([], unbacked("65.7 % of the dates", ["exact 0.656667\n"]))
        self.assertEqual([], unbacked("a share of 0.66", ["66%\n"]))
        self.assertEqual(["65.8"], unbacked("65.8 % of the dates", ["exact 0.656667\n"]))

    def test_a_sign_written_must_match_and_an_unsigned_quote_matches_either(self):
        self.assertEqual([], unbacked("log P rises from \u22120.607", ["-0.6071\n"]))
        self.assertEqual(["\u22120.607"], unbacked("log P rises from \u22120.607", ["0.6071\n"]))
        self.assertEqual([], unbacked("falls by 0.607", ["-0.6071\n"]))

    def test_constants_of_the_code_back_a_number(self):
        self.assertEqual([], unbacked("with H = 64 units and lr 0.5", code="int H = 64; double lr = 0.5;"))
        self.assertEqual(["128"], unbacked("with 128 units", code="int H = 64;"))

    def test_math_code_years_names_and_ordinals_are_not_checked(self):
        text = ("$h_t = \\tanh(W h_{t-1} + 0.5)$ and $$\\sigma(3.7)$$ as `lr = 4.2` says (Pascanu et al., 2013, "
                "\u00a73; Table 2) in notebook 04, notebooks 05 and 06, Algorithm 1, seeds 1-5, the 3rd step, "
                "arXiv:1409.2329 and [a link](https://example.org/9.9)\n\n## 4. Experiment\n\n1. first item")
        self.assertEqual([], unbacked(text))

    def test_thousands_separators_are_one_number(self):
        self.assertEqual([], unbacked("24,704 parameters", ["24704\n"]))
        self.assertEqual(["24,705"], unbacked("24,705 parameters", ["24704\n"]))

    def test_plot_data_and_progress_bar_timings_back_nothing(self):
        nb = notebook("the loss reaches 84.7 and then 0.0890")
        nb.cells[1].outputs = [
            nbformat.v4.new_output("display_data", data={
                "text/html": "<div class=\"rnnkit-progress\">training 100% 600/600 [00:07, 84.7 step/s] loss=0.0890</div>",
                "text/plain": "training 100% [####] 600/600 [00:07, 84.7 step/s] loss=0.0890"}),
            nbformat.v4.new_output("execute_result", data={
                "text/html": "<script>Plotly.newPlot('d', [{y: [0.0890, 84.7]}])</script>",
                "text/plain": "Figure 'loss' [scatter]"}, execution_count=1)]
        self.assertEqual(["84.7"], [p.quote for p in claims.check(nb, "test.ipynb")])

    def test_a_marked_fact_is_exempt_and_a_stale_mark_is_reported(self):
        text = "Gal and Ghahramani (2016, Table 1): 82.7 \u2192 79.7 for the medium model."
        self.assertEqual(["82.7", "79.7"], unbacked(text))
        self.assertEqual([], unbacked(text, facts=["Table 1): 82.7 \u2192 79.7"]))
        stale = unbacked(text, facts=["Table 1): 82.7 \u2192 79.7", "78.4 \u2192 75.2"])
        self.assertEqual(["78.4 \u2192 75.2"], stale)

    def test_a_problem_names_the_notebook_the_cell_and_the_quote(self):
        nb = notebook("buys 2 more matches (0.650 to 0.657)", ["0.656667\n", "2 more\n"])
        nb.cells[0].metadata["nbgrader"] = {"grade_id": "nb09_text_09"}
        [problem] = claims.check(nb, "09-beam-search.ipynb")
        said = str(problem)
        for part in ("09-beam-search.ipynb", "cell 0", "nb09_text_09", "'0.650'", "buys 2 more matches"):
            self.assertIn(part, said)


class TheSolutionNotebooks(unittest.TestCase):

    def test_the_committed_solution_notebooks_pass(self):
        problems = []
        for path in sorted((KIT / "solutions/notebooks").glob("*.ipynb")):
            problems += claims.check(nbformat.read(str(path), as_version=4), path.name)
        self.assertEqual([], [str(p) for p in problems])

    def test_editing_one_quoted_number_in_the_prose_fails_the_check(self):
        # In every notebook, the first number of its prose that only an output backs (not the code, not a fact) is
        # changed in a copy, as an author's stale edit would: each digit d becomes (d + k) mod 10, for the first k whose
        # result no output or code of the notebook backs (the rules themselves are tested above).
        edited = 0
        for path in sorted((KIT / "solutions/notebooks").glob("*.ipynb")):
            nb = nbformat.read(str(path), as_version=4)
            outputs, code = claims._numbers(claims.output_text(nb)), claims._numbers(claims.code_text(nb))
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "markdown":
                    continue
                facts = cell.get("metadata", {}).get("rnnkit", {}).get("facts", [])
                backed = [q for q in claims.quotes(cell.source) if sum(ch.isdigit() for ch in q.text) >= 2
                          and not any(q.text in f for f in facts)
                          and claims.matches(q, outputs) and not claims.matches(q, code)]
                if not backed:
                    continue
                q = backed[0]
                edits = ["".join(str((int(ch) + k) % 10) if ch.isdigit() else ch for ch in q.text) for k in range(1, 10)]
                wrong = next(e for e in edits if not any(claims.matches(w, outputs) or claims.matches(w, code)
                                                         for w in claims.quotes(" " + e + " ")))
                copy_nb = copy.deepcopy(nb)
                copy_nb.cells[index].source = cell.source[:q.start] + wrong + cell.source[q.end:]
                with self.subTest(notebook=path.name, cell=index, quote=q.text, edited=wrong):
                    reported = [(p.cell, p.quote) for p in claims.check(copy_nb, path.name)]
                    self.assertIn((index, wrong), reported)
                edited += 1
                break
        self.assertGreaterEqual(edited, 8, "fewer than eight notebooks quote an output in their prose")


class OnEjmlProducts(unittest.TestCase):

    def test_every_solution_notebook_executed_with_ejml_products_passes_the_check(self):
        save = OUTPUT / "executed-ejml"
        save.mkdir(parents=True, exist_ok=True)
        runs = each_in_parallel(functools.partial(claims.execute_with, blas="ejml"), chosen("solutions/notebooks"))
        for path, result in runs:
            with self.subTest(notebook=path.name):
                nb, seconds, used = result()
                print(f"\n  {path.name} with EJML products: {seconds:.1f} s", end="")
                nbformat.write(nb, str(save / path.name))
                self.assertEqual("EJML", used, "RNNKIT_BLAS=ejml did not reach the kernel")
                self.assertEqual([], errors(nb), f"{path.name} has error outputs with EJML products")
                self.assertEqual([], [str(p) for p in claims.check(nb, path.name)])


if __name__ == "__main__":
    unittest.main()
