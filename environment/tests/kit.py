"""Helpers shared by the kit's Jupyter-level tests (run by ./build.sh test with the kit's environment/venv python)."""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat
from nbclient import NotebookClient

KIT = Path(__file__).resolve().parents[2]
KERNEL = os.environ.get("RNNKIT_KERNEL", "java")
CHROMIUM = os.environ.get("RNNKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
# Chromium's flags for tests: no first-run work, no background traffic, and no network but loopback (every host fails
# to resolve and any proxy use goes nowhere).
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", "--proxy-server=http://127.0.0.1:9",
                  "--proxy-bypass-list=<-loopback>;127.0.0.1"]
JUPYTER = str(Path(sys.executable).parent / "jupyter")  # the `jupyter` command of the environment running the tests
CLASSIC_PYTHON = "/usr/bin/python3"  # Debian's, with classic Notebook 6 (the kit's venv has Notebook 7)
OUTPUT = KIT / "environment/tests/output"  # screenshots and other things for humans to look at (not committed)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text):
    """Traceback or stream text without terminal colours."""
    return ANSI.sub("", "\n".join(text) if isinstance(text, list) else text)


def execute(path, allow_errors=False, timeout=600, kernel=None, on_reply=None, notebook=None):
    """Runs a notebook in real Jupyter with the kit's kernel (or another), in its own folder; returns it and the
    seconds taken. on_reply(cell index, execute_reply) sees every cell's reply. notebook: the notebook to run
    instead of path's contents (still run in path's folder)."""
    nb = notebook if notebook is not None else nbformat.read(str(path), as_version=4)
    hook = (lambda cell, cell_index, execute_reply: on_reply(cell_index, execute_reply)) if on_reply else None
    client = NotebookClient(nb, kernel_name=kernel or KERNEL, timeout=timeout, allow_errors=allow_errors,
                            resources={"metadata": {"path": str(Path(path).parent)}}, on_cell_executed=hook)
    start = time.monotonic()
    client.execute()
    return nb, time.monotonic() - start


def each_in_parallel(work, items):
    """(item, result) for each item, in the items' order, where result() returns work(item) or raises what it raised;
    up to WORKERS items are worked on at once, each in its own process.

    Each notebook run is one kernel computing on one core (the kernel sets OPENBLAS_NUM_THREADS=1; EJML is
    single-threaded), so on a two-core machine two runs at a time take about half as long. work must be picklable (a
    module's function or a functools.partial of one: the workers are fresh interpreters), and so must its result."""
    import concurrent.futures
    import multiprocessing
    items = list(items)
    if WORKERS <= 1 or len(items) <= 1:
        for item in items:
            yield item, (lambda item=item: work(item))
        return
    with concurrent.futures.ProcessPoolExecutor(WORKERS, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = [pool.submit(work, item) for item in items]
        for item, future in zip(items, futures):
            yield item, future.result


# notebooks run at once by the tests that run every notebook: RNNKIT_TEST_WORKERS, else one per core up to two
WORKERS = int(os.environ.get("RNNKIT_TEST_WORKERS") or min(2, os.cpu_count() or 1))


def chosen(folder):
    """The notebooks of a folder of the kit; RNNKIT_NOTEBOOKS="03 05" limits them to those whose names start so."""
    prefixes = os.environ.get("RNNKIT_NOTEBOOKS", "").split()
    return [p for p in sorted(KIT.glob(folder + "/*.ipynb")) if not prefixes or p.name.startswith(tuple(prefixes))]


def errors(nb):
    """(cell index, ename, evalue, traceback) of every error output."""
    return [(i, o.ename, o.evalue, plain(o.traceback))
            for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.output_type == "error"]


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def chromium(url, budget_ms=20000):
    """The DOM of a page after its scripts ran, from headless Chromium with the network cut off."""
    with tempfile.TemporaryDirectory(prefix="rnnkit-chromium-") as profile:
        cmd = [CHROMIUM, "--headless", *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
               f"--virtual-time-budget={budget_ms}", "--dump-dom", url]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if out.returncode != 0:
        raise RuntimeError(f"chromium failed ({out.returncode}): {out.stderr[-2000:]}")
    return out.stdout


class Saturated:
    """Busy loops, one per core, that keep the machine saturated from start() to stop()."""

    def __init__(self, processes=None):
        self.count = processes or os.cpu_count() or 2
        self.procs = []

    def start(self):
        self.procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(self.count)]
        time.sleep(0.5)
        return self

    def all_running(self):
        return bool(self.procs) and all(p.poll() is None for p in self.procs)

    def stop(self):
        for p in self.procs:
            p.kill()
        for p in self.procs:
            p.wait(timeout=30)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def free_port():
    """A TCP port on localhost that nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(base, token, process, what, timeout=90):
    """Returns once the Jupyter server at base answers; fails if its process ends or time runs out first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(f"{what} did not start within {timeout} s (exit status {process.poll()})")
            time.sleep(0.3)
