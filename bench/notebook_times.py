"""./build.sh bench --notebooks: every solution notebook executed in real Jupyter with the kit's kernel (in memory:
nothing is written back), timed, and tabled against its budget; the table is also written to
bench/notebook_times.csv. Exits 1 if a notebook has an error output or is over its budget."""
import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "environment" / "tests"))
from kit import KIT, errors, execute  # noqa: E402

# Issue 7's targets: 60 s per notebook, 120 s for the language-model notebook.
BUDGET = {"07-language-modelling": 120}

rows = []
failed = False
for path in sorted(KIT.glob("solutions/notebooks/*.ipynb")):
    nb, seconds = execute(path, allow_errors=True)
    budget = BUDGET.get(path.stem, 60)
    status = "errors" if errors(nb) else ("over budget" if seconds > budget else "ok")
    failed |= status != "ok"
    rows.append((path.stem, f"{seconds:.1f}", budget, status))
    print(f"{path.stem:34s} {seconds:6.1f} s   budget {budget:3d} s   {status}", flush=True)
with open(KIT / "bench" / "notebook_times.csv", "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["notebook", "seconds", "budget_seconds", "status"])
    w.writerows(rows)
print(f"wrote {KIT / 'bench' / 'notebook_times.csv'}")
sys.exit(1 if failed else 0)
