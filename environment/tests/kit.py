"""Helpers shared by the kit's Jupyter-level tests (run with Debian's /usr/bin/python3)."""
import os
import re
import subprocess
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KIT = Path(__file__).resolve().parents[2]
KERNEL = os.environ.get("RNNKIT_KERNEL", "java")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text):
    """Traceback or stream text without terminal colours."""
    return ANSI.sub("", "\n".join(text) if isinstance(text, list) else text)


def execute(path, allow_errors=False, timeout=600):
    """Runs a notebook in real Jupyter with the kit's kernel, in its own folder; returns it and the seconds taken."""
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout, allow_errors=allow_errors,
                            resources={"metadata": {"path": str(Path(path).parent)}})
    start = time.monotonic()
    client.execute()
    return nb, time.monotonic() - start


def errors(nb):
    """(cell index, ename, evalue, traceback) of every error output."""
    return [(i, o.ename, o.evalue, plain(o.traceback))
            for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.output_type == "error"]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def chromium(url, budget_ms=20000):
    """The DOM of a page after its scripts ran, from headless Chromium with the network cut off."""
    profile = Path(os.environ.get("TMPDIR", "/tmp")) / f"rnnkit-chromium-{os.getpid()}-{time.monotonic_ns()}"
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}",
           # No network: every host fails to resolve and any proxy use goes nowhere; loopback still works.
           "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=http://127.0.0.1:9",
           "--proxy-bypass-list=<-loopback>;127.0.0.1",
           f"--virtual-time-budget={budget_ms}", "--dump-dom", url]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if out.returncode != 0:
        raise RuntimeError(f"chromium failed ({out.returncode}): {out.stderr[-2000:]}")
    return out.stdout
