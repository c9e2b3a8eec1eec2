"""The self-study book: the executed solution notebooks as a static website that works offline.

    python build_book.py OUT_DIR --katex KATEX_WEBJAR

One page per notebook (markdown with math typeset by KaTeX in the browser, code highlighted by Pygments, every
output as the notebook shows it), exercise cells folded behind "show solution", a landing page from the README's
notebook table, a page of the exercises with their points, a page of the lecture references, a table of contents
and previous/next links on every page. Nothing is loaded from elsewhere: KaTeX comes from its Maven Central webjar
(build.sh fetches it through Maven), plotly.js from the library (one file for the whole site, where each notebook
carries its own 1.4 MB copy), pictures as files. The notebooks are read, never executed.
"""
import argparse
import base64
import html
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat
from nbconvert.filters.markdown_mistune import markdown2html_mistune
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import JavaLexer

KIT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
NOTEBOOKS = KIT / "solutions/notebooks"
PLOTLY_DIR = KIT / "lib/src/main/resources/rnnkit/ui/render"
TITLE = "Recurrent neural networks in Java"
MARKER = ".rnnkit-book"

# the copy of plotly.js that the first figure of a kernel session carries (rnnkit.ui.render.PlotlyJs); the site
# loads one shared file instead
EMBEDDED_PLOTLY = re.compile(r'<script type="text/javascript">\s*/\* plotly\.js [0-9.]+ .*?</script>\s*', re.S)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LECTURES = re.compile(r"\b(lectures?|Zagreb|Ko[çc]|COMP541|CS224n|section notes)\b")
JAVA = JavaLexer()
CODE = HtmlFormatter(nowrap=False, cssclass="highlight")


class BookError(Exception):
    """A problem in the kit's sources that the book cannot be built around; the message says where."""


def text_of(value):
    return "".join(value) if isinstance(value, list) else (value or "")


class Page:
    def __init__(self, file, title, body, headings=(), plots=False):
        self.file, self.title, self.body, self.headings, self.plots = file, title, body, list(headings), plots


# --- notebooks ----------------------------------------------------------------------------------------------------

def markdown(source, pages):
    """Markdown to HTML, with math left as $...$ for KaTeX and links to notebooks pointed at their pages."""
    out = markdown2html_mistune(source)

    def link(m):
        href = html.unescape(m.group(1))
        if re.match(r"^(https?:|mailto:|#)", href):
            return m.group(0)
        target, _, fragment = href.partition("#")
        name = Path(target).name
        if target == name and name in pages:  # already a page of the book
            return m.group(0)
        if name.endswith(".ipynb") and name[:-6] + ".html" in pages:
            return m.group(0).replace(m.group(1), html.escape(name[:-6] + ".html" + ("#" + fragment if fragment else "")))
        # a file of the kit's repository (lib/README.md, ...): the book has no page for it, so name it instead
        return f'<a class="kit-path" title="{html.escape(href)}, in the kit\'s repository"'
    return re.sub(r'<a href="([^"]*)"', link, out)


def headings_of(rendered):
    """(id, text) of the h1/h2 headings in rendered markdown, for the table of contents."""
    return [(m.group(2), html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<a class="anchor-link".*?</a>', "", m.group(3))))
             .strip()) for m in re.finditer(r'<h([12]) id="([^"]+)">(.*?)</h\1>', rendered, re.S)]


def output_html(output, images, stem, where):
    """One output as the notebook shows it; pictures become files under img/."""
    kind = output.get("output_type")
    if kind == "stream":
        return f'<pre class="out stream {output.get("name", "")}">{html.escape(text_of(output.get("text")))}</pre>'
    if kind == "error":
        trace = ANSI.sub("", "\n".join(output.get("traceback", [])))
        return f'<pre class="out error">{html.escape(trace)}</pre>'
    data = output.get("data", {})
    if "text/html" in data:
        return '<div class="out html">' + EMBEDDED_PLOTLY.sub("", text_of(data["text/html"])) + "</div>"
    for mime, ext in (("image/png", "png"), ("image/jpeg", "jpg"), ("image/svg+xml", "svg")):
        if mime in data:
            name = f"img/{stem}/{where}.{ext}"
            raw = text_of(data[mime])
            images[name] = raw.encode("utf-8") if ext == "svg" else base64.b64decode(raw)
            alt = html.escape(text_of(data.get("text/plain", "")).strip()[:200] or "output image")
            return f'<div class="out image"><img src="{name}" alt="{alt}"></div>'
    if "text/plain" in data:
        return f'<pre class="out text">{html.escape(text_of(data["text/plain"]))}</pre>'
    return ""


def notebook_page(path, pages, images, exercises, lectures):
    nb = nbformat.read(str(path), as_version=4)
    stem = path.stem
    body, headings, heading_text, plots = [], [], stem, False
    for i, cell in enumerate(nb.cells):
        anchor = f"cell-{i}"
        if cell.cell_type == "markdown":
            rendered = markdown(cell.source, pages)
            found = headings_of(rendered)
            headings += found
            for m in re.finditer(r"^#+\s+(.*)$", cell.source, re.M):
                heading_text = m.group(1).strip()
            for sentence in re.split(r"(?<=[.!?])\s+", cell.source):
                if LECTURES.search(sentence) and not sentence.lstrip().startswith("#"):
                    lectures.append((stem, anchor, heading_text, " ".join(sentence.split())))
            body.append(f'<section class="cell md" id="{anchor}">{rendered}</section>')
        elif cell.cell_type == "code":
            code = highlight(cell.source, JAVA, CODE) if cell.source.strip() else ""
            grading = cell.get("metadata", {}).get("nbgrader", {})
            if grading.get("solution"):
                points = grading.get("points")
                if points is None:
                    raise BookError(f"{path.name}, cell {i}: exercise cell '{grading.get('grade_id')}' has no points")
                exercises.append((stem, anchor, heading_text, grading.get("grade_id", ""), points))
                code = (f'<details class="solution"><summary>Show solution <span class="points">'
                        f'({points:g} point{"" if points == 1 else "s"}; try it yourself first)</span></summary>'
                        f'{code}</details>')
            outs = "".join(output_html(o, images, stem, f"cell{i}-{k}") for k, o in enumerate(cell.get("outputs", [])))
            plots |= 'class="rnnkit-plot"' in outs
            body.append(f'<section class="cell code" id="{anchor}"><div class="input">{code}</div>'
                        f'{"<div class=outputs>" + outs + "</div>" if outs else ""}</section>')
    title = headings[0][1] if headings else stem
    return Page(stem + ".html", title, "\n".join(body), headings[1:], plots)


# --- the other pages ----------------------------------------------------------------------------------------------

def readme_part(readme, start, stop):
    """The README's lines from the first that starts with start up to (not including) the next that matches stop."""
    lines = readme.splitlines()
    try:
        first = next(i for i, l in enumerate(lines) if l.startswith(start))
    except StopIteration:
        raise BookError(f"README.md has no line starting with {start!r}; the book's landing page needs it") from None
    end = next((i for i in range(first + 1, len(lines)) if re.match(stop, lines[i])), len(lines))
    return "\n".join(lines[first:end])


def landing_page(readme, notebooks, pages):
    intro = readme_part(readme, "Recurrent neural networks taught in Java", r"^\s*$")
    table = readme_part(readme, "| notebook |", r"^\s*$").splitlines()
    rows = []
    for line in table:
        m = re.match(r"\|\s*(\d\d) ([^|]+?)\s*\|", line)
        if m:
            match = [p for p in notebooks if p.name.startswith(m.group(1) + "-")]
            if not match:
                raise BookError(f"README.md's notebook table names notebook {m.group(1)}, which solutions/notebooks/ lacks")
            line = line.replace(m.group(0), f"| [{m.group(1)} {m.group(2)}]({match[0].stem}.html) |", 1)
        rows.append(line)
    if len(rows) - 2 != len(notebooks):
        raise BookError(f"README.md's notebook table has {len(rows) - 2} rows for {len(notebooks)} notebooks")
    how = ("How to read it: each page is a notebook of the course as it ran, with its outputs. Plots are interactive "
           "(hover, zoom); printed, they are static images. In every exercise the solution is folded: try it "
           "yourself first (the student notebooks are in the kit's `notebooks/` folder, to run in Jupyter), then "
           "open *Show solution*. [The exercises](exercises.html) lists them with their points; "
           "[the lectures](lectures.html) page says where each notebook follows the lecture documents.")
    body = markdown(f"# {TITLE}\n\n{intro}\n\n{how}\n\n" + "\n".join(rows), pages)
    return Page("index.html", "Contents", f'<section class="cell md">{body}</section>')


def exercises_page(exercises, titles):
    out = ["<h1 id=\"exercises\">Exercises and their points</h1>",
           "<p>Every graded exercise of the course; the hidden tests of the kit's grader score them "
           "(see the README's section on grading). Each link opens the exercise with its solution folded.</p>"]
    total = 0
    for stem, title in titles.items():
        mine = [e for e in exercises if e[0] == stem]
        points = sum(e[4] for e in mine)
        total += points
        out.append(f'<h2 id="{stem}"><a href="{stem}.html">{html.escape(title)}</a>: '
                   f'{len(mine)} exercises, {points:g} points</h2><table class="exercises"><thead><tr>'
                   "<th>exercise</th><th>grade id</th><th>points</th></tr></thead><tbody>")
        for _, anchor, heading, grade_id, p in mine:
            out.append(f'<tr><td><a href="{stem}.html#{anchor}">{html.escape(heading)}</a></td>'
                       f"<td><code>{html.escape(grade_id)}</code></td><td class=num>{p:g}</td></tr>")
        out.append("</tbody></table>")
    out.insert(2, f'<p class="total">{len(exercises)} exercises, {total:g} points in all.</p>')
    return Page("exercises.html", "Exercises", "\n".join(out), [(s, t) for s, t in titles.items()])


def lectures_page(readme, lectures, titles, pages):
    part = readme_part(readme, "### What the lectures teach", r"^##? ")
    body = ['<section class="cell md">' + markdown(part.replace("### ", "# ", 1), pages) + "</section>",
            '<h1 id="cited">Where the notebooks follow the lectures</h1>']
    for stem, title in titles.items():
        mine = [l for l in lectures if l[0] == stem]
        if not mine:
            continue
        body.append(f'<h2 id="{stem}"><a href="{stem}.html">{html.escape(title)}</a></h2><ul class="cites">')
        for _, anchor, heading, sentence in mine:
            if sentence.count("$") % 2:  # a sentence cut inside a formula: keep its words
                sentence = sentence.replace("$", "")
            inline = re.sub(r"^<p>|</p>\s*$", "", markdown(sentence, pages).strip())
            body.append(f'<li><a href="{stem}.html#{anchor}">{html.escape(heading)}</a>: {inline}</li>')
        body.append("</ul>")
    return Page("lectures.html", "Lectures", "\n".join(body), [("cited", "Where the notebooks follow the lectures")])


# --- the site -----------------------------------------------------------------------------------------------------

def layout(page, order, plotly_file):
    i = order.index(page)
    prev = order[i - 1] if i > 0 else None
    nxt = order[i + 1] if i + 1 < len(order) else None
    nav = ['<nav class="prevnext">']
    nav.append(f'<a class="prev" href="{prev.file}">&larr; {html.escape(prev.title)}</a>' if prev else "<span></span>")
    nav.append(f'<a class="next" href="{nxt.file}">{html.escape(nxt.title)} &rarr;</a>' if nxt else "<span></span>")
    nav.append("</nav>")
    nav = "".join(nav)
    toc = []
    for p in order:
        here = ' class="here"' if p is page else ""
        toc.append(f'<li{here}><a href="{p.file}">{html.escape(p.title)}</a>')
        if p is page and p.headings:
            toc.append("<ul>" + "".join(f'<li><a href="#{h}">{html.escape(t)}</a></li>' for h, t in p.headings) + "</ul>")
        toc.append("</li>")
    plotly = f'<script src="assets/{plotly_file}"></script>\n' if page.plots and plotly_file else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(page.title)} · {TITLE}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/pygments.css">
<link rel="stylesheet" href="assets/book.css">
<script defer src="assets/katex/katex.min.js"></script>
<script defer src="assets/katex/contrib/auto-render.min.js"></script>
<script defer src="assets/book.js"></script>
{plotly}</head>
<body>
<nav class="toc"><p class="book"><a href="index.html">{TITLE}</a></p><ol>{"".join(toc)}</ol></nav>
<main>
{nav}
<article>
{page.body}
</article>
{nav}
</main>
</body>
</html>
"""


def vendor_katex(webjar, assets):
    """KaTeX's script, auto-render and style, with the WOFF2 fonts only (every browser that runs KaTeX reads them)."""
    katex = assets / "katex"
    with zipfile.ZipFile(webjar) as jar:
        names = jar.namelist()
        dist = next((n[: -len("katex.min.js")] for n in names if n.endswith("/dist/katex.min.js")), None)
        if dist is None:
            raise BookError(f"{webjar} holds no dist/katex.min.js: not a KaTeX webjar")
        for name in names:
            rel = name[len(dist):]
            if name.startswith(dist) and (rel in ("katex.min.js", "katex.min.css", "contrib/auto-render.min.js")
                                          or (rel.startswith("fonts/") and rel.endswith(".woff2"))):
                (katex / rel).parent.mkdir(parents=True, exist_ok=True)
                (katex / rel).write_bytes(jar.read(name))
    css = (katex / "katex.min.css").read_text()
    # keep only the woff2 source of each font, so that the site holds every file its style sheet names
    css = re.sub(r'src:url\((fonts/[^)]+\.woff2)\) format\("woff2"\)[^;}]*', r'src:url(\1) format("woff2")', css)
    (katex / "katex.min.css").write_text(css)
    missing = [u for u in re.findall(r"url\(([^)]+)\)", css) if not (katex / u).exists()]
    if missing:
        raise BookError(f"KaTeX's style sheet names fonts the webjar lacks: {missing[:3]}")


def print_pdf(out, chapters, chromium):
    """book.pdf: every chapter in one page, solutions open, plots as their static images (the print style), printed
    by headless Chromium with the network cut off."""
    opened = [p.body.replace('<details class="solution">', '<details class="solution" open>') for p in chapters]
    body = "\n".join(f'<section class="chapter">{b}</section>' for b in opened)
    page = Page("print.html", TITLE, f'<h1 class="book-title">{TITLE}</h1>\n{body}')
    text = layout(page, [page], None).replace('<nav class="toc">', '<nav class="toc" hidden>')
    (out / "print.html").write_text(text, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="rnnkit-book-pdf-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
               "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
               "--virtual-time-budget=60000", "--no-pdf-header-footer", f"--print-to-pdf={out / 'book.pdf'}",
               (out / "print.html").as_uri()]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not (out / "book.pdf").exists():
        raise BookError(f"Chromium could not print the book ({done.returncode}): {done.stderr[-1000:]}")
    (out / "print.html").unlink()


def build(out, webjar, folder=NOTEBOOKS, chromium=None):
    started = time.monotonic()
    notebooks = sorted(folder.glob("[0-9][0-9]-*.ipynb"))
    if not notebooks:
        raise BookError(f"no notebooks in {folder}: the book is made from the executed solution notebooks")
    readme = (KIT / "README.md").read_text(encoding="utf-8")
    page_files = {p.stem + ".html" for p in notebooks} | {"index.html", "exercises.html", "lectures.html"}
    images, exercises, lectures = {}, [], []
    chapters = [notebook_page(p, page_files, images, exercises, lectures) for p in notebooks]
    titles = {p.file[:-5]: p.title for p in chapters}
    order = [landing_page(readme, notebooks, page_files), *chapters, exercises_page(exercises, titles),
             lectures_page(readme, lectures, titles, page_files)]

    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():  # never wipe a folder the book did not make
            raise BookError(f"{out} is not empty and holds no earlier book ({MARKER}): choose an empty or new folder")
        shutil.rmtree(out)
    assets = out / "assets"
    assets.mkdir(parents=True)
    (out / MARKER).write_text("made by environment/book/build_book.py; the whole folder is replaced on each build\n")
    vendor_katex(webjar, assets)
    plotly = next(PLOTLY_DIR.glob("plotly-cartesian-*.min.js"), None)
    if plotly is None:
        raise BookError(f"no plotly-cartesian-*.min.js in {PLOTLY_DIR}")
    shutil.copy(plotly, assets / plotly.name)
    shutil.copy(PLOTLY_DIR / "plotly-LICENSE.txt", assets / "plotly-LICENSE.txt")
    (assets / "pygments.css").write_text(CODE.get_style_defs(".highlight"))
    shutil.copy(HERE / "book.css", assets / "book.css")
    shutil.copy(HERE / "book.js", assets / "book.js")
    for name, content in images.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
    for page in order:
        (out / page.file).write_text(layout(page, order, plotly.name), encoding="utf-8")
    if chromium:
        print_pdf(out, chapters, chromium)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"book: {len(order)} pages, {len(images)} pictures, {len(exercises)} exercises, "
          f"{size / 1e6:.1f} MB in {out} ({time.monotonic() - started:.1f} s)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the folder to write the site to (replaced)")
    parser.add_argument("--katex", type=Path, required=True, help="the KaTeX webjar (org.webjars.npm:katex)")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS,
                        help="the executed notebooks to make the book from (default: solutions/notebooks)")
    parser.add_argument("--pdf", metavar="CHROMIUM", help="also print the whole book to book.pdf with this Chromium")
    args = parser.parse_args(argv)
    try:
        build(args.out.resolve(), args.katex, args.notebooks.resolve(), args.pdf)
    except BookError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
