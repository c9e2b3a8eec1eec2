"""./build.sh check-claims: every number a solution notebook's prose states is an output of the same run.

A number in a markdown cell is *backed* when
  - a number in a text output of the same executed notebook (printed text, a value's text, an HTML table; not plot
    data, not a progress bar's timing) equals it rounded to the decimals quoted (1.5 % also matches 0.015 and the
    other way round; a quote without a sign matches either sign), or
  - it occurs in the source of one of the notebook's code cells (an experiment's constant: "H = 64", "lr 0.5"), or
  - it lies inside an excerpt of the cell's text that the cell's metadata lists as a fixed fact (a paper's figure, a
    derivation): "metadata": {"rnnkit": {"facts": ["Gal and Ghahramani (2016, Table 1): 79.7", ...]}}. An excerpt
    that is not in the cell's text is reported too, so that a mark cannot outlive its sentence.
Not checked: math ($...$, $$...$$), code spans and fenced code, link targets and HTML tags, years (1900-2099),
ordinals, numbered headings and list items, and numbers that name something ("notebook 04", "Table 1", "§3",
"Algorithm 2", "seed 3").

Usage: claims.py [--execute [--blas ejml|native|auto] [--save DIR]] [NOTEBOOK | DIR | NN ...]
Without --execute the notebooks are read as they are (the committed solution notebooks hold their outputs); with it
each is executed first in real Jupyter with the kit's kernel (in memory; --save writes the executed copies).
Exits 1 and lists every unbacked number (notebook, cell, quote) when there is one.
"""
import argparse
import html
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

KIT = Path(__file__).resolve().parents[2]
SOLUTIONS = KIT / "solutions" / "notebooks"

MINUS = "\u2212"
# A number as prose and outputs write it: optional sign (hyphen or U+2212), thousands groups, decimals, exponent.
NUMBER = re.compile(r"(?<![\w.])([-\u2212]?)(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?(?:[eE]([-\u2212+]?\d+)\b)?")
# Words after which a number names something rather than states a result ("notebook 04", "Table 1", "seeds 1-5").
NAMING = re.compile(r"(?:\b(?:notebooks?|Notebooks?|Algorithms?|Tables?|Figures?|Fig\.|Sections?|Sec\.|Eqs?\.|eqs?\.|"
                    r"Equations?|equations?|Chapters?|Ch\.|Exercises?|exercises?|cells?|seeds?|Seeds?|issues?|"
                    r"Lectures?|lecture|Part|version|JDK|Java|Python|arXiv|pp\.|vol\.|No\.)|§)\s*:?\s*$")
NAME_LIST = re.compile(r"\s*(\d+[a-z]?(?:\s*(?:,|and|or|to|\u2013|-)\s*\d+[a-z]?)*)")
TIMING = re.compile(r"\[\d\d:\d\d(?::\d\d)?, [^\]]*\]")  # a progress bar's elapsed time and rate
TAG = re.compile(r"<[^>]*>")
SCRIPT = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)


@dataclass(frozen=True)
class Quote:
    text: str       # as written, e.g. "−0.607" or "24,704"
    value: float
    decimals: int   # digits after the decimal point of the mantissa
    exponent: int   # 10-exponent written with it (1e-7 -> -7), else 0
    signed: bool
    percent: bool   # followed by %, "percent", "points" or "pts"
    start: int
    end: int


@dataclass(frozen=True)
class Problem:
    notebook: str
    cell: int
    cell_id: str
    quote: str
    context: str
    why: str

    def __str__(self):
        where = f"{self.notebook}, cell {self.cell}" + (f" ({self.cell_id})" if self.cell_id else "")
        return f"{where}: {self.quote!r} in \u201c{self.context}\u201d {self.why}"


def _blank(text, pattern, flags=0):
    """text with every match of pattern replaced by spaces (positions stay where they were)."""
    return re.sub(pattern, lambda m: " " * len(m.group(0)), text, flags=flags)


def prose(markdown):
    """The markdown's text with everything that is not checked blanked out, positions kept."""
    t = markdown
    t = _blank(t, r"```.*?```|~~~.*?~~~", re.S)
    t = _blank(t, r"\$\$.*?\$\$", re.S)
    t = _blank(t, r"(?<!\\)\$(?:\\\$|[^$])+?(?<!\\)\$", re.S)
    t = _blank(t, r"\\\(.*?\\\)|\\\[.*?\\\]", re.S)
    t = _blank(t, r"`[^`]*`")
    t = _blank(t, r"\]\([^)]*\)")                      # link targets
    t = _blank(t, r"<[^>]*>")                          # HTML tags and their attributes
    t = _blank(t, r"https?://\S+")
    t = _blank(t, r"(?m)^\s{0,3}#{1,6}\s+\d+(?:\.\d+)*\.?")  # "## 4. Experiment", "### 2.1"
    t = _blank(t, r"(?m)^\s*\d+[.)]\s")               # ordered list items
    return t


def quotes(markdown):
    """The numbers a markdown cell states, each with what it takes to match it."""
    text = prose(markdown)
    out = []
    skip_until = -1
    for m in NUMBER.finditer(text):
        if m.start() < skip_until:
            continue
        before = text[max(0, m.start() - 20):m.start()]
        if NAMING.search(before):
            names = NAME_LIST.match(text, m.start())
            skip_until = names.end() if names else m.end()
            continue
        sign, whole, frac, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4)
        after = text[m.end():m.end() + 8]
        if re.match(r"(?:st|nd|rd|th)\b", after):
            continue  # ordinals: "the 3rd step"
        if sign == "-" and m.start() > 0 and not re.match(r"[\s(\[{=:,;/]", text[m.start() - 1]):
            sign = ""  # "1-2", "BLEU-4": a hyphen, not a minus
        digits = whole.replace(",", "")
        if not frac and exp is None and len(digits) == 4 and 1900 <= int(digits) <= 2099:
            continue  # a year
        value = float(digits + frac + (("e" + exp.replace(MINUS, "-")) if exp else ""))
        if sign:
            value = -value
        start = m.start() if sign else m.start(2)
        out.append(Quote(text=markdown[start:m.end()], value=value, decimals=len(frac) - 1 if frac else 0,
                         exponent=int(exp.replace(MINUS, "-")) if exp else 0, signed=bool(sign),
                         percent=bool(re.match(r"\s?(?:%|percent|points?\b|pts\b|pp\b)", after)),
                         start=start, end=m.end()))
    return out


def _numbers(text):
    """Every number in an output's text, as floats (a "45%" also as 0.45, "1,234" also as 1 and 234)."""
    found = []
    for m in re.finditer(r"([-\u2212]?)(\d+(?:,\d{3})*)(\.\d+)?(?:[eE]([-+\u2212]?\d+))?(\s?%)?", text):
        sign, whole, frac, exp, pct = m.groups()
        parts = [whole.replace(",", "")] + (whole.split(",") if "," in whole else [])
        for i, digits in enumerate(parts):
            s = digits + ((frac or "") if i == 0 else "")
            if i == 0 and exp:
                s += "e" + exp.replace(MINUS, "-")
            try:
                v = float(s)
            except ValueError:
                continue
            v = -v if sign and i == 0 else v
            found.append(v)
            if pct:
                found.append(v / 100)
    return found


def output_text(nb):
    """The text of every output a reader sees as text: streams, values' text, HTML tables (no scripts, no plots)."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        streamed = None  # consecutive pieces of one stream are one text: a number may be split between two
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                if streamed is not None and parts:
                    parts[-1] += o.get("text", "")
                else:
                    parts.append(o.get("text", ""))
                streamed = True
                continue
            streamed = None
            data = o.get("data", {})
            html_text = data.get("text/html", "")
            html_text = "".join(html_text) if isinstance(html_text, list) else html_text
            plain_text = data.get("text/plain", "")
            plain_text = "".join(plain_text) if isinstance(plain_text, list) else plain_text
            if html_text and "<script" not in html_text.lower():
                parts.append(html.unescape(TAG.sub(" ", SCRIPT.sub(" ", html_text))))
            parts.append(plain_text)
    return TIMING.sub(" ", "\n".join(parts))


def code_text(nb):
    """The code cells' sources, with Java's digit separators removed (16_384 is 16384)."""
    return re.sub(r"(?<=\d)_(?=\d)", "", "\n".join(c.source for c in nb.cells if c.cell_type == "code"))


def matches(q, values):
    """Whether some value equals the quote rounded to the digits quoted (and as a percentage, if it is one)."""
    tolerance = 0.5 * 10.0 ** (q.exponent - q.decimals) * (1 + 1e-9)
    targets = [(q.value, tolerance)]
    if q.percent:
        targets.append((q.value / 100, tolerance / 100))
    else:
        targets.append((q.value * 100, tolerance * 100))  # "0.657" against a printed "65.7%"
    for target, tol in targets:
        for v in values:
            if abs(v - target) <= tol or (not q.signed and abs(-v - target) <= tol):
                return True
    return False


def _context(markdown, q, width=60):
    a = max(0, q.start - width)
    b = min(len(markdown), q.end + width)
    return ("\u2026" if a else "") + " ".join(markdown[a:b].split()) + ("\u2026" if b < len(markdown) else "")


def check(nb, name):
    """Every problem of one executed notebook: unbacked numbers and stale fact marks."""
    outputs = _numbers(output_text(nb))
    code = _numbers(code_text(nb))
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        cell_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        facts = cell.get("metadata", {}).get("rnnkit", {}).get("facts", [])
        exempt = []
        for fact in facts:
            at = cell.source.find(fact)
            if at < 0:
                problems.append(Problem(name, index, cell_id, fact, fact[:80],
                                        "is listed in the cell's metadata (rnnkit.facts) but is not in its text"))
            while at >= 0:
                exempt.append((at, at + len(fact)))
                at = cell.source.find(fact, at + 1)
        for q in quotes(cell.source):
            if any(a <= q.start and q.end <= b for a, b in exempt):
                continue
            if matches(q, outputs) or matches(q, code):
                continue
            problems.append(Problem(name, index, cell_id, q.text, _context(cell.source, q),
                                    "is in no output of this run and in no code cell (if it is a fixed fact, list "
                                    "its excerpt in the cell's metadata rnnkit.facts)"))
    return problems


def notebooks(targets):
    """Notebook paths from paths, folders or name prefixes ("09"); all solution notebooks by default."""
    if not targets:
        return sorted(SOLUTIONS.glob("*.ipynb"))
    paths = []
    for t in targets:
        p = Path(t)
        if p.is_dir():
            paths += sorted(p.glob("*.ipynb"))
        elif p.suffix == ".ipynb":
            if not p.exists():
                raise SystemExit(f"check-claims: no notebook {t}")
            paths.append(p)
        else:
            found = sorted(SOLUTIONS.glob(t + "*.ipynb"))
            if not found:
                raise SystemExit(f"check-claims: no solution notebook starts with {t!r} (in {SOLUTIONS})")
            paths += found
    return paths


def execute_with(path, blas=None, on_reply=None):
    """The notebook executed in real Jupyter with the kit's kernel (RNNKIT_BLAS=blas if given), the seconds it took
    and the BLAS that its kernel used ("EJML", or "JNIBLAS" for the system's OpenBLAS). on_reply as kit.execute's."""
    from kit import execute  # here: it needs nbclient, which a plain check does not
    before = os.environ.get("RNNKIT_BLAS")
    if blas:
        os.environ["RNNKIT_BLAS"] = blas
    try:
        probe = nbformat.v4.new_code_cell("System.out.println(\"rnnkit-blas: \" + rnnkit.core.Gemm.implementation());")
        nb = nbformat.read(str(path), as_version=4)
        nb.cells.append(probe)
        executed, seconds = execute(path, allow_errors=True, on_reply=on_reply, notebook=nb)
    finally:
        if blas:
            if before is None:
                os.environ.pop("RNNKIT_BLAS", None)
            else:
                os.environ["RNNKIT_BLAS"] = before
    last = executed.cells.pop()
    used = "".join(o.get("text", "") for o in last.get("outputs", []) if o.get("output_type") == "stream")
    m = re.search(r"rnnkit-blas: (\S+)", used)
    return executed, seconds, (m.group(1) if m else "unknown")


def execute_noting_hidden(path, blas=None):
    """execute_with's three results and the (cell index, type) of every value a final ';' hid, which IJava and JJava
    would display (the kit's kernel names it in the reply's metadata)."""
    hidden = []
    nb, seconds, used = execute_with(path, blas, on_reply=lambda i, reply: hidden.append(
        (i, reply["metadata"]["rnnkit"]["value_hidden_by_semicolon"])) if "rnnkit" in reply.get("metadata", {}) else None)
    return nb, seconds, used, hidden


def main(argv=None):
    parser = argparse.ArgumentParser(prog="./build.sh check-claims", description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help="notebooks, folders or solution-notebook prefixes (default: all)")
    parser.add_argument("--execute", action="store_true", help="execute each notebook first (in memory)")
    parser.add_argument("--blas", choices=["auto", "ejml", "native"], help="with --execute: RNNKIT_BLAS for the kernel")
    parser.add_argument("--save", metavar="DIR", help="with --execute: write the executed notebooks into DIR")
    args = parser.parse_args(argv)
    problems = []
    paths = notebooks(args.targets)
    for path in paths:
        if args.execute:
            nb, seconds, used = execute_with(path, args.blas)
            print(f"  {path.name}: executed in {seconds:.1f} s with {used} products", flush=True)
            if args.blas == "ejml" and used != "EJML":
                problems.append(Problem(path.name, len(nb.cells), "", "EJML", used, "was asked for, but the kernel used"))
            if args.save:
                Path(args.save).mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, str(Path(args.save) / path.name))
        else:
            nb = nbformat.read(str(path), as_version=4)
        problems += check(nb, path.name)
    for p in problems:
        print(p)
    quoted = sum(len(quotes(c.source)) for path in paths
                 for c in nbformat.read(str(path), as_version=4).cells if c.cell_type == "markdown")
    if problems:
        print(f"check-claims: {len(problems)} unbacked of {quoted} numbers in the prose of {len(paths)} notebook(s)")
        return 1
    print(f"check-claims: all {quoted} numbers in the prose of {len(paths)} notebook(s) are outputs, constants "
          "of the code or marked facts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
