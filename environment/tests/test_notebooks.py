"""Every notebook of the kit runs top to bottom in real Jupyter with the kit's kernel, without an error."""
import unittest

from kit import KIT, errors, execute


class EveryNotebookRuns(unittest.TestCase):

    def test_every_notebook_executes_without_error_outputs(self):
        notebooks = sorted(KIT.glob("notebooks/*.ipynb")) + sorted(KIT.glob("solutions/notebooks/*.ipynb"))
        self.assertTrue(notebooks, "no notebooks found")
        for path in notebooks:
            with self.subTest(notebook=str(path.relative_to(KIT))):
                nb, seconds = execute(path, allow_errors=True)
                print(f"\n  {path.relative_to(KIT)}: {seconds:.1f} s", end="")
                self.assertEqual([], errors(nb), f"{path.name} has error outputs")


if __name__ == "__main__":
    unittest.main()
