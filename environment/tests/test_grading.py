"""Grading from the command line, as an instructor does it: ./build.sh grade over a folder in every format, with
resuming and feedback notebooks; the student bundle; and the Gradescope autograder run locally against a folder
laid out like /autograder."""
import csv
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import zipfile
from pathlib import Path

import nbformat

from kit import KIT

SOLUTION = KIT / "solutions/notebooks/00-tour.ipynb"
STUDENT = KIT / "notebooks/00-tour.ipynb"


def build(*args, cwd=None):
    return subprocess.run([str(KIT / "build.sh"), *args], cwd=cwd or KIT, capture_output=True, text=True, timeout=900)


class GradeFromTheCommandLine(unittest.TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp())
        self.subs = self.tmp / "submissions"
        self.subs.mkdir()
        shutil.copy(SOLUTION, self.subs / "alice.ipynb")
        shutil.copy(STUDENT, self.subs / "bob.ipynb")
        text = SOLUTION.read_text()
        (self.subs / "carol.ipynb").write_text(text[: len(text) // 3])
        self.out = self.tmp / "out"

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def grade(self, *extra):
        # run from the temporary folder: paths are relative to where the command is typed
        r = build("grade", "submissions", "--out", "out", *extra, cwd=self.tmp)
        self.assertEqual(0, r.returncode, r.stderr)
        return r

    def test_a_folder_is_graded_into_a_gradebook_and_resumed(self):
        before = (self.subs / "alice.ipynb").read_bytes()
        r = self.grade("--format", "csv", "--jobs", "2")
        rows = {row["student"]: row for row in csv.DictReader(r.stdout.splitlines())}
        self.assertEqual("5", rows["alice"]["score"])
        self.assertEqual("0", rows["bob"]["score"])
        self.assertEqual("0", rows["carol"]["score"])
        self.assertIn("is not valid JSON", rows["carol"]["error"])
        self.assertEqual(rows, {row["student"]: row for row in csv.DictReader((self.out / "gradebook.csv").open())})
        self.assertEqual(before, (self.subs / "alice.ipynb").read_bytes(), "submissions are only read")
        self.assertEqual([], list(self.out.glob("*.tmp")) + list(self.out.glob(".*.tmp")), "no half-written files")

        shutil.copy(STUDENT, self.subs / "alice.ipynb")      # a later run does not regrade ...
        rows = {row["student"]: row for row in csv.DictReader(self.grade("--format", "csv").stdout.splitlines())}
        self.assertEqual("5", rows["alice"]["score"])
        rows = {row["student"]: row for row in csv.DictReader(self.grade("--format", "csv", "--force").stdout.splitlines())}
        self.assertEqual("0", rows["alice"]["score"], "... unless forced")

    def test_json_gradescope_and_feedback_outputs(self):
        data = json.loads(self.grade("--format", "json").stdout)
        self.assertEqual({"alice": 5, "bob": 0, "carol": 0}, {d["student"]: d["score"] for d in data})
        self.grade("--format", "gradescope", "--force", "--feedback")
        g = json.loads((self.out / "alice.gradescope.json").read_text())
        self.assertEqual(5, g["score"])
        self.assertEqual({"name", "score", "max_score", "status", "output", "visibility"}, set(g["tests"][0]))
        nbformat.validate(nbformat.read(str(self.out / "bob.feedback.ipynb"), 4))
        fb = json.loads((self.out / "bob.feedback.ipynb").read_text())
        notes = ["".join(c["source"]) for c in fb["cells"] if "Feedback on" in "".join(c["source"])]
        self.assertEqual(2, len(notes), "one feedback cell per exercise")
        self.assertIn("not implemented yet", notes[0])

    def test_bad_command_lines_say_what_is_wrong(self):
        r = build("grade", "no-such-file.ipynb", cwd=self.tmp)
        self.assertNotEqual(0, r.returncode)
        self.assertIn("no such file or folder: no-such-file.ipynb", r.stderr)
        r = build("grade", "submissions", "--format", "xml", cwd=self.tmp)
        self.assertIn("--format must be text, json, gradescope or csv", r.stderr)


class Bundles(unittest.TestCase):

    def test_released_notebooks_are_valid_nbformat(self):
        for path in sorted(KIT.glob("notebooks/*.ipynb")):
            nbformat.validate(nbformat.read(str(path), 4))

    def test_the_student_bundle_has_no_solutions_or_hidden_tests(self):
        with tempfile.TemporaryDirectory() as tmp:
            zip_path = Path(tmp) / "student.zip"
            r = build("release", "--bundle", str(zip_path))
            self.assertEqual(0, r.returncode, r.stderr)
            with zipfile.ZipFile(zip_path) as z:
                names = z.namelist()
                self.assertFalse([n for n in names if "/solutions/" in n], "no solutions/ at all")
                self.assertIn("rnn-course-kit/notebooks/00-tour.ipynb", names)
                self.assertNotIn("BEGIN SOLUTION", z.read("rnn-course-kit/notebooks/00-tour.ipynb").decode())
                mode = z.getinfo("rnn-course-kit/build.sh").external_attr >> 16
                self.assertTrue(mode & 0o100, "build.sh stays executable")

    def test_the_gradescope_autograder_runs_locally(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "autograder"
            (root / "source").mkdir(parents=True)
            (root / "submission").mkdir()
            zip_path = Path(tmp) / "autograder.zip"
            r = build("gradescope", str(zip_path))
            self.assertEqual(0, r.returncode, r.stderr)
            with zipfile.ZipFile(zip_path) as z:
                self.assertIn("setup.sh", z.namelist())
                z.extractall(root / "source")
            for f in ("run_autograder", "setup.sh"):
                os.chmod(root / "source" / f, 0o755)
            env = dict(os.environ, RNNKIT_AUTOGRADER_ROOT=str(root))
            run = lambda: subprocess.run([str(root / "source/run_autograder")], env=env, capture_output=True, text=True, timeout=300)
            results = root / "results/results.json"

            run()
            self.assertIn("No notebook", json.loads(results.read_text())["output"], "an empty submission still gets results")

            shutil.copy(SOLUTION, root / "submission/my-work.ipynb")
            results.unlink()
            run()
            data = json.loads(results.read_text())
            self.assertEqual(5, data["score"])
            self.assertEqual(["tour_softmax", "tour_affine"], [t["name"] for t in data["tests"]])

            shutil.rmtree(root / "source/grader")              # a broken autograder ...
            results.unlink()
            run()
            self.assertEqual(0, json.loads(results.read_text())["score"], "... still writes a valid results file")


if __name__ == "__main__":
    unittest.main()
