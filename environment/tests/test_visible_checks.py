"""Visible checks that can fail: every mutation of solutions/mutations/ run against the visible checks of its
exercise, in the real kernel, as a student would meet it.

For each solution notebook (RNNKIT_NOTEBOOKS="03 05" limits them, as in test_notebooks.py), one kernel runs its code
cells in order. At each exercise cell E (nbgrader `solution: true`) that has mutations, each mutation's find/replace
is applied to E's source (the text must occur exactly once, as the grader requires), the mutated E is executed, then
E's visible checks; then the original E and its checks run again, so the notebook goes on from the right state (if
they fail there, the kernel is restarted and the notebook replayed up to E's checks).

**E's visible checks** are the code cells after E and before the next exercise cell that are read-only
(nbgrader `locked: true`) and call `Check.` (the student-facing `rnnkit.ui.Check`; `GradCheck.` does not count). In
the kit's notebooks that is exactly the cell `<grade_id>_check` right after E. Cells in between that are not checks
(experiments, tables) are run with the original code only. The notebook stops after the last exercise's checks, so
the trailing experiments are not run.

A mutation is **caught** when the mutated E or one of its check cells ends in an error: a `Check` failure (an
AssertionError whose message starts with "✗ <the check line's name>"), any other exception, a compile error or a
time-out; the table says which. A mutation that passes every visible check must say why in its JSON entry,
`"passes_visible_checks": "<why no check line names the property it breaks>"`; the test fails on a mutation that
passes without that reason, and on a reason that is stale (the mutation is caught now).
"""
import json
import queue
import re
import time
import unittest

import nbformat
from jupyter_client.manager import start_new_kernel

from kit import KERNEL, KIT, chosen, plain

MUTATIONS = KIT / "solutions/mutations"
CHECK_CALL = re.compile(r"(?<![\w.])Check\.")
# Check's failure message is "✗ " + line name + ": " + detail (+ ". Hint: ..."); the details it can give:
CHECK_DETAIL = re.compile(r"^✗ (.*?): (?:not so|entry [\d(]|is [-\d.NIa]|shape is |length is |the result is null)", re.S)
CELL_TIMEOUT = 180  # seconds; a mutation that loops for ever is interrupted and counts as caught (time-out)


def nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def exercises_and_checks(nb):
    """[(index of exercise cell, [indices of its visible check cells])] in notebook order (indices into nb.cells)."""
    cells = nb.cells
    exercises = [i for i, c in enumerate(cells) if c.cell_type == "code" and nbgrader(c).get("solution")]
    out = []
    for k, e in enumerate(exercises):
        end = exercises[k + 1] if k + 1 < len(exercises) else len(cells)
        checks = [i for i in range(e + 1, end)
                  if cells[i].cell_type == "code" and nbgrader(cells[i]).get("locked")
                  and not nbgrader(cells[i]).get("solution") and CHECK_CALL.search(cells[i].source)]
        out.append((e, checks))
    return out


def check_line(evalue):
    """The name of the check line in a Check failure message, or None if the message is not one."""
    m = CHECK_DETAIL.match(evalue or "")
    if m:
        return m.group(1)
    return evalue.split(": ")[0][2:] if (evalue or "").startswith("✗ ") else None


class Kernel:
    """The kit's kernel, driven over the Jupyter protocol; run() returns None or (ename, evalue)."""

    def __init__(self, cwd):
        self.cwd = cwd
        self.start()

    def start(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=180, cwd=str(self.cwd))

    def stop(self):
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)

    def restart(self):
        self.stop()
        self.start()

    def run(self, code, timeout=CELL_TIMEOUT):
        msg_id = self.kc.execute(code)
        error = None
        deadline = time.monotonic() + timeout
        interrupted = False
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                if interrupted:        # the interrupt did not help: a fresh kernel (the caller replays)
                    self.restart()
                    return ("TimeOut", f"no reply within {timeout} s, even after an interrupt"), True
                self.km.interrupt_kernel()
                interrupted, deadline = True, time.monotonic() + 30
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "error" and error is None:
                error = (msg["content"]["ename"], plain(msg["content"]["evalue"]))
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                break
        while True:  # the shell reply, skipping replies to other requests (start-up polling)
            reply = self.kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if interrupted:
            error = ("TimeOut", f"ran over {timeout} s and was interrupted")
        elif reply["content"]["status"] == "error" and error is None:
            error = (reply["content"].get("ename", "error"), plain(reply["content"].get("evalue", "")))
        return error, False


def describe(where, error):
    """How a mutation was caught, for the table."""
    ename, evalue = error
    if ename == "AssertionError" and check_line(evalue):
        return f"✗ {check_line(evalue)}"
    first = (evalue or "").strip().splitlines()[0] if (evalue or "").strip() else ""
    return f"{ename} in {where}: {first[:90]}"


class VisibleChecksCatchMutations(unittest.TestCase):

    def test_every_mutation_fails_a_visible_check_or_says_why_not(self):
        notebooks = chosen("solutions/notebooks")
        self.assertTrue(notebooks, "no solution notebooks found")
        rows, problems = [], []
        start = time.monotonic()
        for path in notebooks:
            name = path.stem
            spec = json.loads((MUTATIONS / f"{name}.json").read_text()) if (MUTATIONS / f"{name}.json").exists() else {"mutations": []}
            by_exercise = {}
            for m in spec["mutations"]:
                by_exercise.setdefault(m["exercise"], []).append(m)
            nb = nbformat.read(str(path), as_version=4)
            exercises = exercises_and_checks(nb)
            plan = [(e, checks) for e, checks in exercises if nbgrader(nb.cells[e])["grade_id"] in by_exercise]
            known = {nbgrader(nb.cells[e])["grade_id"] for e, _ in exercises}
            for unknown in sorted(set(by_exercise) - known):
                problems.append(f"{name}: mutations for an unknown exercise {unknown}")
            if not plan:
                continue
            t0 = time.monotonic()
            kernel = Kernel(path.parent)
            try:
                done = -1  # the last cell index executed with original code

                def replay(upto):
                    """Original cells done+1 .. upto; a failure there is a broken notebook, not a mutation."""
                    nonlocal done
                    for i in range(done + 1, upto + 1):
                        if nb.cells[i].cell_type == "code":
                            error, _ = kernel.run(nb.cells[i].source)
                            self.assertIsNone(error, f"{name}: original cell {i} fails: {error}")
                        done = i

                for e, checks in plan:
                    gid = nbgrader(nb.cells[e])["grade_id"]
                    self.assertTrue(checks, f"{name}: exercise {gid} has mutations but no visible check cell")
                    replay(max(checks))
                    original = nb.cells[e].source
                    for m in by_exercise[gid]:
                        if original.count(m["find"]) != 1:
                            problems.append(f"{name}/{gid} '{m['name']}': the text to replace occurs "
                                            f"{original.count(m['find'])} times in the exercise cell, not once")
                            continue
                        caught = None
                        for where, code in [("the exercise cell", original.replace(m["find"], m["replace"]))] + \
                                [(f"check cell {c}", nb.cells[c].source) for c in checks]:
                            error, restarted = kernel.run(code)
                            if restarted:
                                done = -1
                            if error:
                                caught = describe(where, error)
                                break
                        reason = m.get("passes_visible_checks")
                        rows.append((name, gid, m["name"], caught or "PASSES", reason))
                        if caught is None and not reason:
                            problems.append(f"{name}/{gid} '{m['name']}' passes every visible check and its entry "
                                            "has no \"passes_visible_checks\" reason")
                        if caught is not None and reason:
                            problems.append(f"{name}/{gid} '{m['name']}' has a \"passes_visible_checks\" reason but "
                                            f"is caught now ({caught}): remove the stale reason")
                        # back to the original exercise and its checks; if that fails, a fresh kernel and a replay
                        if done >= 0 and not any(kernel.run(nb.cells[i].source)[0] for i in [e] + checks):
                            continue
                        if done >= 0:
                            kernel.restart()
                            done = -1
                        replay(max(checks))
            finally:
                kernel.stop()
            print(f"\n  {name}: {time.monotonic() - t0:.1f} s", end="")
        print(f"\n  all: {time.monotonic() - start:.1f} s\n")
        print(table(rows))
        self.assertEqual([], problems, "\n".join(problems))


def table(rows):
    """The mutations as a table: how each was caught, or PASSES with its reason on the line below."""
    head = ("notebook", "exercise", "mutation", "caught by (first failing check line, or error)")
    widths = [max(len(head[k]), *(len(r[k]) for r in rows)) if rows else len(head[k]) for k in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head[:3], widths)) + "  " + head[3]]
    for r in rows:
        lines.append("  ".join(str(v).ljust(w) for v, w in zip(r[:3], widths)) + "  " + r[3])
        if r[4]:
            lines.append(" " * (widths[0] + 2) + "why: " + r[4])
    passing = sum(1 for r in rows if r[3] == "PASSES")
    lines.append(f"{len(rows)} mutations: {len(rows) - passing} caught by a visible check, {passing} pass them")
    return "\n".join(lines)


if __name__ == "__main__":
    unittest.main()
