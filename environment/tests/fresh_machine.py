"""The container recipe, tested without a container engine: environment/Dockerfile's steps run in a fresh Debian
bookworm root made with debootstrap (chroot), then the tour notebook is executed there by the image's user, and the
image's command (JupyterLab) is started and must answer. `./build.sh test-fresh` runs this, as root.

Only the instructions the kit's Dockerfile uses are understood (FROM debian:bookworm*, ARG, ENV, RUN, COPY, WORKDIR,
USER, EXPOSE, CMD); anything else is an error, so that the recipe cannot grow a step this test does not run. The root
uses this machine's package sources, apt and pip settings and certificate authorities (and its local Python package
store, where it has one), as a container built here would; Maven downloads from Maven Central as in any build."""
import argparse
import configparser
import fnmatch
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

KIT = Path(__file__).resolve().parents[2]
DOCKERFILE = KIT / "environment/Dockerfile"
PIP_STORES = ["/opt/wheels", "/opt/pypi", "/opt/pypi-more"]  # a local package store, where the machine has one
SUITE = "bookworm"


def say(text):
    print(f"\033[1m==> {text}\033[0m", flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def instructions(path):
    """(keyword, argument) per Dockerfile instruction: comments dropped, continuation lines joined."""
    lines, current = [], ""
    for raw in path.read_text().splitlines():
        if not current and (not raw.strip() or raw.lstrip().startswith("#")):
            continue
        if raw.rstrip().endswith("\\"):
            current += raw.rstrip()[:-1] + " "
            continue
        current += raw
        keyword, _, arg = current.strip().partition(" ")
        lines.append((keyword.upper(), arg.strip()))
        current = ""
    return lines


def expand(text, env):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), m.group(0)), text)


def ignored(relative, patterns):
    """Whether .dockerignore leaves a file out: a pattern matches the path or one of its folders; "**/x" matches
    a file or folder x at any depth."""
    parts = Path(relative).parts
    for p in patterns:
        if p.startswith("**/"):
            if any(fnmatch.fnmatch(part, p[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatch("/".join(parts[:i]), p) for i in range(1, len(parts) + 1)):
            return True
    return False


def build_context(destination, uid):
    """The kit's files (as `git ls-files` sees them, with working-tree contents) minus .dockerignore's patterns."""
    patterns = [l.strip() for l in (KIT / ".dockerignore").read_text().splitlines()
                if l.strip() and not l.startswith("#")]
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=KIT,
                           capture_output=True, check=True).stdout.decode().split("\0")
    copied = 0
    for name in filter(None, files):
        if ignored(name, patterns) or not (KIT / name).is_file():
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(KIT / name, target)
        copied += 1
    for p in [destination, *destination.rglob("*")]:
        os.chown(p, uid, uid)
    return copied


class Root:
    """A Debian root with /proc, /sys and /dev mounted, this machine's apt and pip settings, and DNS."""

    def __init__(self, path):
        self.path = Path(path)
        self.mounts = []

    def bootstrap(self):
        mirror = "http://deb.debian.org/debian"
        for source in Path("/etc/apt/sources.list.d").glob("*.sources"):
            m = re.search(r"URIs:\s*(\S+/debian)\s", source.read_text())
            if m:
                mirror = m.group(1)
        say(f"debootstrap {SUITE} into {self.path} (from {mirror})")
        run(["debootstrap", "--variant=minbase", SUITE, str(self.path), mirror], stdout=subprocess.DEVNULL)

    def configure(self):
        shutil.copy2("/etc/resolv.conf", self.path / "etc/resolv.conf")
        # this machine's own certificate authorities (a proxy's, say): the root's ca-certificates and the JDK's
        # trust store take them in when the recipe installs them, as a container built here would need
        local_cas = Path("/usr/local/share/ca-certificates")
        if local_cas.is_dir():
            shutil.copytree(local_cas, self.path / "usr/local/share/ca-certificates", dirs_exist_ok=True)
        for folder in ("/etc/apt/sources.list.d", "/etc/apt/apt.conf.d"):
            for f in Path(folder).iterdir():
                if f.is_file():
                    shutil.copy2(f, self.path / folder.lstrip("/") / f.name)
        if Path("/etc/apt/sources.list").exists():
            shutil.copy2("/etc/apt/sources.list", self.path / "etc/apt/sources.list")
        else:  # debootstrap's would name the same archive twice
            (self.path / "etc/apt/sources.list").unlink(missing_ok=True)
        # this machine's pip settings, from every file pip reads here (site-wide and this user's), as one site-wide
        # file of the root; later files win, as in pip
        if Path("/etc/xdg/pip").is_dir():
            shutil.copytree("/etc/xdg/pip", self.path / "etc/xdg/pip", dirs_exist_ok=True)
        settings = configparser.ConfigParser()
        settings.read([p for p in ("/etc/xdg/pip/pip.conf", "/etc/pip.conf", Path.home() / ".pip/pip.conf",
                                   Path.home() / ".config/pip/pip.conf") if Path(p).is_file()])
        with open(self.path / "etc/pip.conf", "w") as f:
            settings.write(f)
        for name, kind in (("proc", "proc"), ("sys", "sysfs")):
            self.mount([kind, str(self.path / name), "-t", kind])
        self.mount(["--bind", "/dev", str(self.path / "dev")])
        self.mount(["--bind", "/dev/pts", str(self.path / "dev/pts")])
        for store in PIP_STORES:
            if Path(store).is_dir():
                (self.path / store.lstrip("/")).mkdir(parents=True, exist_ok=True)
                self.mount(["--bind", "-o", "ro", store, str(self.path / store.lstrip("/"))])

    def mount(self, args):
        run(["mount", *args])
        self.mounts.append(args[-3] if args[-2] == "-t" else args[-1])

    def unmount(self):
        for target in reversed(self.mounts):
            subprocess.run(["umount", "-l", target], check=False)
        self.mounts = []

    def uid(self, user):
        if user in ("", "root", "0"):
            return 0
        for line in (self.path / "etc/passwd").read_text().splitlines():
            fields = line.split(":")
            if user in (fields[0], fields[2]):
                return int(fields[2])
        raise SystemExit(f"{DOCKERFILE}: USER {user} does not exist in the image")

    def command(self, shell, env, workdir, user, **kw):
        uid = self.uid(user)
        environment = [f"{k}={v}" for k, v in env.items()]
        cmd = ["chroot", f"--userspec={uid}:{uid}", str(self.path), "/usr/bin/env", "-i", *environment,
               "/bin/sh", "-c", f"cd {shlex.quote(workdir)} && {shell}"]
        return cmd


def build(root, args_override):
    """Runs the Dockerfile's instructions in the root; returns the final environment, folder, user and command."""
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
    if os.environ.get("PIP_RETRIES"):
        env["PIP_RETRIES"] = os.environ["PIP_RETRIES"]  # this machine's setting for an unreachable public index
    build_args, workdir, user, cmd = dict(args_override), "/", "root", None
    timings = []
    for n, (keyword, arg) in enumerate(instructions(DOCKERFILE), 1):
        started = time.monotonic()
        if keyword == "FROM":
            if not re.fullmatch(r"debian:bookworm(-slim)?", arg):
                raise SystemExit(f"{DOCKERFILE}: FROM {arg}: this test builds Debian bookworm roots only")
            root.bootstrap()
            root.configure()
        elif keyword == "ARG":
            name, _, default = arg.partition("=")
            env[name] = build_args.get(name, default)
        elif keyword == "ENV":
            for name, value in re.findall(r'(\w+)=("[^"]*"|\S+)', arg):
                env[name] = expand(value.strip('"'), env)
        elif keyword == "RUN":
            say(f"RUN {arg[:100]}{'...' if len(arg) > 100 else ''}")
            run(root.command(arg, env, workdir, user))  # the shell expands ARG and ENV values, as Docker's does
        elif keyword == "COPY":
            parts = arg.split()
            chown = next((p.split("=", 1)[1] for p in parts if p.startswith("--chown=")), "0")
            source, target = [p for p in parts if not p.startswith("--")]
            if source != ".":
                raise SystemExit(f"{DOCKERFILE}: COPY {arg}: only the whole build context (.) is supported")
            destination = root.path / expand(target, env).lstrip("/")
            copied = build_context(destination, root.uid(expand(chown, env)))
            say(f"COPY the kit ({copied} files) to {expand(target, env)}")
        elif keyword == "WORKDIR":
            workdir = expand(arg, env)
            (root.path / workdir.lstrip("/")).mkdir(parents=True, exist_ok=True)
        elif keyword == "USER":
            user = expand(arg, env)
        elif keyword == "EXPOSE":
            pass
        elif keyword == "CMD":
            cmd = json.loads(arg)
        else:
            raise SystemExit(f"{DOCKERFILE}, instruction {n}: {keyword} is not supported by this test")
        timings.append((keyword, time.monotonic() - started))
    return env, workdir, user, cmd, timings


def check_tour(root, env, workdir, user):
    """The image's user executes the student tour; its only errors may be the exercises' stubs."""
    say("executing notebooks/00-tour.ipynb in the root, as the image's user")
    out = "/tmp/tour.out.ipynb"
    run(root.command(f"jupyter nbconvert --to notebook --execute --allow-errors "
                     f"--ExecutePreprocessor.kernel_name=java notebooks/00-tour.ipynb --output {out}",
                     env, workdir, user))
    nb = json.loads((root.path / out.lstrip("/")).read_text())
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    errors = [(o["ename"], o["evalue"]) for o in outputs if o["output_type"] == "error"]
    unexpected = [e for e in errors if "not implemented yet" not in e[1]]
    plots = sum('class="rnnkit-plot"' in "".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    tables = sum("<table" in "".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    if unexpected or not errors or plots < 3 or tables < 3:
        raise SystemExit(f"the tour did not run as it should: unexpected errors {unexpected}, stub errors "
                         f"{len(errors) - len(unexpected)}, plots {plots}, tables {tables}")
    say(f"tour: {plots} plots, {tables} tables, errors only at its {len(errors)} exercise stubs")


def check_command(root, env, workdir, user, cmd):
    """The image's command starts JupyterLab, which answers on its port with the kit's kernelspec."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = "fresh-machine"
    command = [c.replace("0.0.0.0", "127.0.0.1").replace("8888", str(port)) for c in cmd]
    command += [f"--ServerApp.token={token}", "--no-browser"]
    say(f"starting the image's command: {' '.join(command)}")
    server = subprocess.Popen(root.command(" ".join(shlex.quote(c) for c in command), env, workdir, user),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                specs = json.load(urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/kernelspecs?token={token}", timeout=3))
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the image's command did not start a server that answers")
                time.sleep(0.5)
        if "java" not in specs["kernelspecs"]:
            raise SystemExit(f"the server has no java kernelspec: {list(specs['kernelspecs'])}")
        say(f"JupyterLab answered with kernelspecs {sorted(specs['kernelspecs'])}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the server, its kernels and the chroot and shell around them
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", help="folder for the Debian root (default: a new one under /var/tmp)")
    parser.add_argument("--keep", action="store_true", help="keep the root afterwards")
    parser.add_argument("--build-arg", action="append", default=[], help="NAME=VALUE, as docker build takes it")
    options = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("test-fresh needs root (debootstrap and chroot)")
    if not shutil.which("debootstrap"):
        raise SystemExit("test-fresh needs debootstrap: apt-get install debootstrap")
    path = Path(options.root or tempfile.mkdtemp(prefix="rnnkit-fresh-", dir="/var/tmp"))
    path.chmod(0o755)  # a root file system: its non-root users must be able to enter it
    root = Root(path)
    started = time.monotonic()
    try:
        env, workdir, user, cmd, timings = build(root, [a.split("=", 1) for a in options.build_arg])
        built = time.monotonic() - started
        check_tour(root, env, workdir, user)
        check_command(root, env, workdir, user, cmd)
    finally:
        root.unmount()
        if not options.keep:
            shutil.rmtree(path, ignore_errors=True)
    total = time.monotonic() - started
    steps = ", ".join(f"{k} {s:.0f} s" for k, s in timings if s >= 1)
    say(f"fresh machine: image steps {built:.0f} s ({steps}); in all {total:.0f} s")


if __name__ == "__main__":
    main()
