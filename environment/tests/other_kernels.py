"""The solution notebooks on another Java kernel (IJava 1.3, JJava 1.0), set up as the README's "Using your own IJava
or JJava instead" says: every notebook must run without an error and show what it shows on the kit's kernel, the
same number of figures drawn by Plotly, HTML tables and progress bars (one output each, updated in place), and never
an object's bare toString (`...Figure@1a2b3c`).

Not part of ./build.sh test: neither kernel can be installed from a package registry. Build one from its sources,
install its kernelspec with the `env` block of `./build.sh classpath --ijava` (or `--jjava`), then:

    environment/venv/bin/python environment/tests/other_kernels.py --kernel ijava [NN ...]
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from kit import KIT, errors, execute  # noqa: E402

BARE_OBJECT = re.compile(r"\b[\w.]+\.[A-Z]\w*@[0-9a-f]{4,}\b")


def shown(nb):
    """Figures, HTML tables and progress bars among a notebook's outputs, and outputs that are a bare toString."""
    html = ["".join(o.get("data", {}).get("text/html", "")) for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", [])]
    texts = ["".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
             for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    return {"figures": sum('class="rnnkit-plot"' in h for h in html),
            "tables": sum("<table" in h for h in html),
            "progress bars": sum("<progress" in h for h in html),
            "bare objects": sorted({m for t in texts for m in BARE_OBJECT.findall(t)})}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernel", required=True, help="the kernelspec name of the other kernel")
    parser.add_argument("notebooks", nargs="*", help="prefixes of the notebooks to run (default: all)")
    options = parser.parse_args()
    failed = 0
    for path in sorted(KIT.glob("solutions/notebooks/*.ipynb")):
        if options.notebooks and not path.name.startswith(tuple(options.notebooks)):
            continue
        want = shown(nbformat.read(str(path), 4))  # as the kit's kernel showed it (committed outputs)
        nb, seconds = execute(path, allow_errors=True, kernel=options.kernel)
        got = shown(nb)
        problems = [f"{e[1]} in cell {e[0]}: {e[2][:200]}" for e in errors(nb)]
        problems += [f"{k}: {got[k]} here, {want[k]} on the kit's kernel" for k in ("figures", "tables", "progress bars")
                     if got[k] != want[k]]
        problems += [f"printed as a bare object: {o}" for o in got["bare objects"]]
        print(f"{path.name}: {seconds:.1f} s, {got['figures']} figures, {got['tables']} tables, "
              f"{got['progress bars']} progress bars" + ("" if not problems else "\n    " + "\n    ".join(problems)),
              flush=True)
        failed += bool(problems)
    print(f"{options.kernel}: {'all notebooks as on the kit kernel' if not failed else f'{failed} notebook(s) differ'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
