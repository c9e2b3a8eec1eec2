"""Every notebook of the kit runs top to bottom in real Jupyter with the kit's kernel: solution notebooks without
a single error and with every number of their prose backed by that run (check-claims, on OpenBLAS's products; the
EJML run is in test_claims.py), student notebooks with errors only where a check calls an exercise that is still a
stub."""
import functools
import unittest

import nbformat

import claims
from kit import KIT, OUTPUT, Saturated, chosen, each_in_parallel, errors, execute


class EveryNotebookRuns(unittest.TestCase):

    def test_every_solution_notebook_executes_without_error_outputs_and_backs_its_prose(self):
        notebooks = chosen("solutions/notebooks")
        self.assertTrue(notebooks, "no solution notebooks found")
        save = OUTPUT / "executed-openblas"
        save.mkdir(parents=True, exist_ok=True)
        for path, result in each_in_parallel(claims.execute_noting_hidden, notebooks):
            with self.subTest(notebook=str(path.relative_to(KIT))):
                nb, seconds, used, hidden = result()
                print(f"\n  {path.relative_to(KIT)}: {seconds:.1f} s", end="")
                nbformat.write(nb, str(save / path.name))
                self.assertEqual([], errors(nb), f"{path.name} has error outputs")
                self.assertEqual("JNIBLAS", used, "the kernel's products did not use the system's OpenBLAS "
                                 "(./build.sh setup installs libopenblas0-pthread as root on Debian)")
                self.assertEqual([], [str(p) for p in claims.check(nb, path.name)],
                                 f"{path.name}: numbers in the prose that this run does not back")
                self.assertEqual([], hidden, f"{path.name}: cells (by index) whose last statement is a non-void "
                                 "expression ended with ';', which IJava and JJava display (e.g. printf's "
                                 "PrintStream): end them with a statement that has no value")

    def test_every_student_notebook_fails_only_on_its_stubs(self):
        notebooks = chosen("notebooks")
        self.assertTrue(notebooks, "no student notebooks found")
        for path, result in each_in_parallel(functools.partial(execute, allow_errors=True), notebooks):
            with self.subTest(notebook=str(path.relative_to(KIT))):
                nb, seconds = result()
                print(f"\n  {path.relative_to(KIT)}: {seconds:.1f} s", end="")
                unexpected = [e for e in errors(nb)
                              if not (e[1] == "UnsupportedOperationException" and "not implemented yet" in e[2])]
                self.assertEqual([], unexpected, f"{path.name} fails other than on its stubs")
                exercises = sum(1 for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution"))
                self.assertGreaterEqual(len(errors(nb)), exercises, "every exercise's check runs into its stub")

    def test_the_tour_and_a_training_notebook_run_on_a_saturated_machine(self):
        # busy loops on every core: a slow kernel start and slow cells must not change what a notebook shows
        for name in ("00-tour.ipynb", "05-lstm-gru.ipynb"):
            path = KIT / "solutions/notebooks" / name
            with self.subTest(notebook=name), Saturated() as load:
                nb, seconds = execute(path, allow_errors=True)
                print(f"\n  {name} on a saturated machine: {seconds:.1f} s", end="")
                self.assertTrue(load.all_running(), "the machine stayed saturated")
                self.assertEqual([], errors(nb), f"{name} has error outputs")


if __name__ == "__main__":
    unittest.main()
