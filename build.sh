#!/usr/bin/env bash
# One entry point for the RNN course kit. Run `./build.sh help` for the commands.
set -euo pipefail

KIT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CALLER_DIR="$PWD" # paths given to grade, release and gradescope are relative to where the command was typed
cd "$KIT"

# The kit's Jupyter (JupyterLab 4, Notebook 7, nbclient) lives in a venv of its own, made by setup with pip; where pip
# cannot reach a package index, Debian's Jupyter (Notebook 6, on /usr/bin/python3) is the fallback. RNNKIT_PYTHON
# names another python with Jupyter to use instead of both.
VENV="$KIT/environment/venv"
VENV_STAMP="$VENV/.rnnkit-requirements"
DEBIAN_PYTHON=/usr/bin/python3
CHROMIUM="${RNNKIT_CHROMIUM:-$(command -v chromium || command -v chromium-browser || echo chromium)}"
KERNEL_NAME=java
SPEC_DIR="$KIT/environment/kernel/target/kernelspec/$KERNEL_NAME"
STAMP="$KIT/environment/kernel/target/setup.stamp"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# Debian 12's OpenBLAS (0.3.21) does not know CPUs newer than itself and falls back to its slowest kernels: on this
# project's machine (a 5th-generation Xeon, CPU model 207) "Prescott", 14 instead of 74 GFLOP/s for dgemm on one
# core. Where it would, name the fastest kernels the CPU can run (OPENBLAS_CORETYPE, read when OpenBLAS loads); a
# value the user set is kept. The same numbers result as on a CPU OpenBLAS knows.
openblas_coretype() {
  local py core flags f ok
  if [ -n "${OPENBLAS_CORETYPE:-}" ]; then echo "$OPENBLAS_CORETYPE"; return 0; fi
  py="$(command -v python3 || echo /usr/bin/python3)"
  core="$("$py" -c 'import ctypes; l = ctypes.CDLL("libopenblas.so.0"); l.openblas_get_corename.restype = ctypes.c_char_p; print(l.openblas_get_corename().decode())' 2>/dev/null)" || return 0
  case "$core" in
    Prescott|Core2|Penryn|Dunnington|Nehalem|Atom|Katmai|Coppermine|Northwood|Banias|unknown) ;;
    *) return 0 ;;
  esac
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null) "
  ok=yes
  for f in avx512f avx512bw avx512dq avx512vl avx512cd; do [[ "$flags" == *" $f "* ]] || ok=no; done
  if [ "$ok" = yes ]; then echo SkylakeX; return 0; fi
  if [[ "$flags" == *" avx2 "* && "$flags" == *" fma "* ]]; then echo Haswell; fi
}
OPENBLAS_CORETYPE="$(openblas_coretype)"
if [ -n "$OPENBLAS_CORETYPE" ]; then export OPENBLAS_CORETYPE; else unset OPENBLAS_CORETYPE; fi
fail() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'EOF'
RNN course kit

  ./build.sh [setup] [--user] [--no-test-tools]
                                     check the JDK and Maven; make environment/venv with JupyterLab 4 and
                                     Notebook 7 (pip; Debian's Jupyter where pip cannot reach an index); as
                                     root on Debian also install OpenBLAS and the tests' tools (Chromium,
                                     classic Notebook 6, Playwright); build the library and the Java kernel;
                                     register the kernelspec "java" in the venv (--user: for this user too).
                                     Safe to run again.
  ./build.sh notebook [--notebook7]  setup if needed, then JupyterLab (or Notebook 7) on notebooks/ at localhost
  ./build.sh test                    every test of the kit: library, kernel and grader unit tests, then
                                     real-Jupyter tests (all notebooks executed, protocol also under load,
                                     JupyterLab 4 and Notebook 7 driven in Chromium, offline plots); says first
                                     what is missing, if anything
  ./build.sh test-fresh [--keep]     (root) environment/Dockerfile's steps in a fresh Debian bookworm root made
                                     with debootstrap, then the tour executed there
  ./build.sh release [DIR] [--bundle [ZIP]]
                                     student notebooks from solutions/notebooks/ into notebooks/ (or DIR);
                                     --bundle: a zip for students without solutions or hidden tests
  ./build.sh grade SUBMISSION.ipynb... | DIR [--out DIR] [--format text|json|gradescope|csv]
                   [--jobs N] [--timeout S] [--submission-timeout S] [--force] [--feedback]
                                     grade submissions with the hidden tests (see README.md, Grading)
  ./build.sh gradescope [OUT.zip]    the Gradescope autograder zip
  ./build.sh run-solutions [NB...]   execute solution notebooks in place, so that they are committed with
                                     their outputs (all of solutions/notebooks/ by default; NB: a path or
                                     the start of a name, e.g. 09)
  ./build.sh check-claims [--execute [--blas ejml]] [NB...]
                                     every number in the solution notebooks' prose must be an output of the
                                     same run, a constant of its code or a marked fact (README.md, Claims)
  ./build.sh book [DIR] [--pdf] [--notebooks DIR]
                                     the self-study book: the executed solution notebooks as a static website
                                     that works offline, in environment/book/build/site/ (or DIR); --pdf: also
                                     book.pdf, printed with Chromium; --notebooks: other executed notebooks
  ./build.sh classpath [--ijava|--jjava]
                                     print the class path of the library and its dependencies; with --ijava
                                     or --jjava, the "env" block for that kernel's kernel.json (README.md)
  ./build.sh example char-lm [opts]  the library's runnable example: a character LSTM on tiny Shakespeare
                                     (options: --hidden 128 --steps 0 --batch 32 --seq 64 --seed 1
                                     --float32)
  ./build.sh bench [--notebooks] [opts]
                                     the kit's character-LM training step against PyTorch 2.x's (from a
                                     venv it makes, bench/venv) and Debian's 1.13, float32 and float64
                                     (options: --models rnn,lstm,gru --hidden 128,256,512 --threads 1,2
                                     --dtypes float32,float64 --repeats 3 --no-gemm); writes
                                     bench/results.csv. --notebooks: every solution
                                     notebook's real-Jupyter run time against its budget (bench/notebook_times.csv)
  ./build.sh bench --grading [--students 300] [--jobs 2] [--seed 1]
                                     grade a made-up class (every notebook per student, solutions with
                                     mutations) and record the time in bench/grading.csv
  ./build.sh help                    this text
EOF
}

java_bin() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else command -v java || true; fi
}

check_java() {
  local java; java="$(java_bin)"
  [ -n "$java" ] || fail "no Java found. Install a JDK 17 or newer, e.g. 'sudo apt-get install openjdk-17-jdk' (Debian/Ubuntu), 'brew install openjdk@17' (macOS), or Temurin 17+ from adoptium.net, then run ./build.sh again."
  local version
  version="$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  [ "${version%%.*}" -ge 17 ] 2>/dev/null || fail "Java $version at $java is too old: the kit needs a JDK 17 or newer (e.g. 'sudo apt-get install openjdk-17-jdk'), or set JAVA_HOME to one."
  "$java" --list-modules 2>/dev/null | grep -q '^jdk.jshell' || fail "$java is a JRE without JShell: install a full JDK 17+ (e.g. 'sudo apt-get install openjdk-17-jdk')."
  command -v mvn >/dev/null || {
    if is_debian_root; then say "installing Maven (apt)"; apt_install maven; else
      fail "Maven is missing: install it ('sudo apt-get install maven', 'brew install maven', or maven.apache.org), then run ./build.sh again."; fi
  }
}

is_debian_root() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}

# The python whose Jupyter the kit uses: RNNKIT_PYTHON, else the kit's venv, else Debian's (empty when none has it).
jupyter_python() {
  if [ -n "${RNNKIT_PYTHON:-}" ]; then echo "$RNNKIT_PYTHON"
  elif [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import jupyterlab, notebook, nbclient' 2>/dev/null; then echo "$VENV/bin/python"
  elif [ -x "$DEBIAN_PYTHON" ] && "$DEBIAN_PYTHON" -c 'import notebook, nbconvert, nbclient, jupyter_client' 2>/dev/null \
       && [ -x /usr/bin/jupyter-nbconvert ] && [ -x /usr/bin/jupyter-kernelspec ]; then echo "$DEBIAN_PYTHON"
  fi
}

# Uses $PYTHON's Jupyter from here on: its bin folder comes first on PATH, so `jupyter <command>` is that one.
use_python() {
  PYTHON="$1"
  [ -n "$PYTHON" ] || return 0
  PATH="$(dirname "$PYTHON"):$PATH"
  export PATH
}

requirements() {
  echo environment/requirements.txt
  [ "$TEST_TOOLS" = yes ] && echo environment/requirements-test.txt
  return 0
}

# A python 3.9+ to make the venv from.
base_python() {
  local p
  for p in ${RNNKIT_BASE_PYTHON:-} python3 "$DEBIAN_PYTHON"; do
    if command -v "$p" >/dev/null && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; then
      command -v "$p"; return 0
    fi
  done
}

# The kit's venv with JupyterLab 4, Notebook 7 (and Playwright for the tests), at the versions of constraints.txt.
# Returns 1, having said why, when pip cannot install them (no package index within reach).
setup_venv() {
  local want files
  files="$(requirements)"
  want="$(cat $files environment/constraints.txt | sha256sum | cut -d' ' -f1)"
  if [ -f "$VENV_STAMP" ] && [ "$(cat "$VENV_STAMP")" = "$want" ] && [ -x "$VENV/bin/jupyter-lab" ]; then
    return 0
  fi
  local base; base="$(base_python)"
  if [ -z "$base" ]; then say "no python 3.9 or newer found to make the kit's Jupyter environment from"; return 1; fi
  if [ ! -x "$VENV/bin/pip" ]; then
    say "making the kit's Python environment environment/venv (from $base)"
    rm -rf "$VENV"
    if ! "$base" -m venv "$VENV" >/dev/null 2>&1; then
      rm -rf "$VENV"
      if is_debian_root; then
        say "installing Debian's python3-venv (venv needs it)"
        apt_install python3-venv
        "$base" -m venv "$VENV" >/dev/null || { rm -rf "$VENV"; say "could not make a venv with $base"; return 1; }
      else
        say "$base cannot make a venv: install its venv module (Debian/Ubuntu: 'sudo apt-get install python3-venv')"
        return 1
      fi
    fi
  fi
  say "installing JupyterLab 4 and Notebook 7 into environment/venv (pip; $(echo $files | tr '\n' ' '))"
  # One retry per request, not pip's five: where no index answers, five retries cost minutes per package.
  if ! "$VENV/bin/pip" install -qq --retries "${PIP_RETRIES:-1}" --disable-pip-version-check \
       $(printf -- '-r %s ' $files) -c environment/constraints.txt; then
    say "pip could not install the kit's Jupyter (is a package index within reach?)"
    return 1
  fi
  echo "$want" > "$VENV_STAMP"
}

# Chooses the kit's Jupyter: the venv (made or updated here), RNNKIT_PYTHON, or Debian's where pip cannot help.
check_jupyter() {
  if [ -n "${RNNKIT_PYTHON:-}" ]; then
    "$RNNKIT_PYTHON" -c 'import notebook, nbconvert, nbclient, jupyter_client' 2>/dev/null \
      || fail "RNNKIT_PYTHON=$RNNKIT_PYTHON lacks Jupyter (notebook, nbconvert, nbclient, jupyter_client)."
    use_python "$RNNKIT_PYTHON"; return 0
  fi
  if setup_venv; then use_python "$VENV/bin/python"; return 0; fi
  if [ "$(jupyter_python)" = "$DEBIAN_PYTHON" ]; then
    say "using Debian's Jupyter (Notebook 6) instead"; use_python "$DEBIAN_PYTHON"; return 0
  fi
  if is_debian_root; then
    say "installing Debian's Jupyter instead (Notebook 6: jupyter-notebook python3-nbconvert jupyter-nbconvert python3-nbclient jupyter-client)"
    apt_install jupyter-notebook python3-nbconvert jupyter-nbconvert python3-nbclient jupyter-client
    [ "$(jupyter_python)" = "$DEBIAN_PYTHON" ] || fail "Jupyter is still not usable after installing it with apt."
    use_python "$DEBIAN_PYTHON"; return 0
  fi
  fail "the kit's Jupyter could not be installed. Either make pip reach a package index and run ./build.sh again, or
install Jupyter yourself and point the kit at it:
    sudo apt-get install jupyter-notebook python3-nbconvert jupyter-nbconvert python3-nbclient jupyter-client   (Debian/Ubuntu)
    conda install -c conda-forge jupyterlab notebook nbconvert nbclient jupyter_client
then run ./build.sh again (with RNNKIT_PYTHON set to that python if it is not /usr/bin/python3)."
}

have_chromium() { [ -x "$CHROMIUM" ] || command -v "$CHROMIUM" >/dev/null; }

# Debian's classic Notebook 6 (not the Notebook 7 of the venv): the browser test that loads RequireJS runs in it.
have_classic_notebook() {
  [ -x "$DEBIAN_PYTHON" ] && "$DEBIAN_PYTHON" -c 'import notebook, sys; sys.exit(int(notebook.__version__.split(".")[0]) >= 7)' 2>/dev/null
}

# What ./build.sh test needs beyond the kit's Jupyter: installed here on Debian as root, otherwise advised.
check_test_tools() {
  [ "$TEST_TOOLS" = yes ] || return 0
  local pkgs=()
  have_chromium || pkgs+=(chromium)
  have_classic_notebook || pkgs+=(jupyter-notebook)
  [ ${#pkgs[@]} -gt 0 ] || return 0
  if is_debian_root; then
    say "installing what the tests need from Debian: ${pkgs[*]} (Chromium for the browser tests, classic Notebook 6 to test it)"
    apt_install "${pkgs[@]}"
  else
    say "the tests also need ${pkgs[*]}: 'sudo apt-get install ${pkgs[*]}' (./build.sh test lists what is missing)"
  fi
}

# Lists everything ./build.sh test needs that is missing, with the command that installs each; 1 if anything is.
test_preflight() {
  local missing=()
  if [ -z "${PYTHON:-}" ]; then
    missing+=("the kit's Jupyter (environment/venv: JupyterLab 4, Notebook 7, Playwright): ./build.sh setup")
  elif ! "$PYTHON" -c 'import jupyterlab, notebook, nbclient, nbconvert, playwright, sys; sys.exit(int(notebook.__version__.split(".")[0]) < 7)' 2>/dev/null; then
    missing+=("JupyterLab 4, Notebook 7 and Playwright in the kit's environment ($PYTHON has not all of them):
      ./build.sh setup     (or: $VENV/bin/pip install -r environment/requirements.txt -r environment/requirements-test.txt -c environment/constraints.txt)")
  fi
  have_chromium || missing+=("Chromium, for the browser tests: sudo apt-get install chromium   (or set RNNKIT_CHROMIUM to a Chromium or Chrome binary)")
  have_classic_notebook || missing+=("Debian's classic Notebook 6, for its browser test: sudo apt-get install jupyter-notebook")
  [ ${#missing[@]} -eq 0 ] && return 0
  printf '\033[31merror:\033[0m ./build.sh test cannot run; missing:\n' >&2
  printf '  - %s\n' "${missing[@]}" >&2
  return 1
}

have_blas() { ldconfig -p 2>/dev/null | grep -q 'libblas\.so\.3'; }

# Optional: the library's matrix products use the system's BLAS when there is one (rnnkit.core.Gemm), 5-10x faster
# than its pure-Java fallback. Installed like Jupyter on Debian as root; otherwise only advised.
check_blas() {
  have_blas && return 0
  if is_debian_root; then
    say "installing OpenBLAS from Debian (libopenblas0-pthread): the library's matrix products use it"
    apt_install libopenblas0-pthread || say "could not install libopenblas0-pthread; the library will use its pure-Java products (slower)"
  else
    say "no system BLAS found: training runs on the library's pure-Java products. For 5-10x faster training install
    OpenBLAS ('sudo apt-get install libopenblas0' on Debian/Ubuntu) and run ./build.sh again."
  fi
}

sources_hash() {
  find pom.xml lib environment/snippets environment/kernel $( [ -d solutions/grader ] && echo solutions/grader solutions/testkit ) -path '*/target' -prune -o -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

build() {
  say "building the library and the kernel (Maven)"
  rm -rf solutions/grader/target/jars # copy-dependencies only adds: jars the grader no longer uses would stay
  mvn -q -B install -DskipTests
  rm -rf "$SPEC_DIR"
  mkdir -p "$SPEC_DIR/jars"
  cp environment/kernel/target/jars/*.jar "$SPEC_DIR/jars/"
  cp environment/kernel/target/rnnkit-kernel-*.jar "$SPEC_DIR/jars/"
  if [ -f solutions/grader/pom.xml ]; then
    cp solutions/grader/target/rnnkit-grader-*.jar solutions/grader/target/jars/
  fi
  local java mvn_bin
  java="$(java_bin)"; mvn_bin="$(command -v mvn)"
  "$PYTHON" - "$SPEC_DIR/kernel.json" "$java" "$KIT" "$mvn_bin" <<'EOF'
import json, os, sys
path, java, kit, mvn = sys.argv[1:]
json.dump({
    # the Vector API: the float32 training path's activations run on it (rnnkit.f32.core.Vectorized);
    # PerMethodTrapLimit: without it C2 compiled the float32 kernels 5-50 times slower in about half of the
    # JVMs started (bench/README.md, "The slow runs")
    "argv": [java, "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "-Drnnkit.home=" + kit,
             "-XX:+UseParallelGC", "-XX:PerMethodTrapLimit=10000", "--add-modules", "jdk.incubator.vector",
             "-cp", "{resource_dir}/jars/*",
             "rnnkit.kernel.Main", "{connection_file}"],
    "display_name": "Java (rnnkit)",
    "language": "java",
    "interrupt_mode": "message",
    # one BLAS thread: the same numbers on every machine with OpenBLAS, whatever its cores (rnnkit.core.Gemm)
    # (and the OpenBLAS kernels for a CPU OpenBLAS does not know, as build.sh's openblas_coretype decides)
    "env": dict({"RNNKIT_MVN": mvn, "RNNKIT_HOME": kit, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")},
                **({"OPENBLAS_CORETYPE": os.environ["OPENBLAS_CORETYPE"]} if os.environ.get("OPENBLAS_CORETYPE") else {})),
    "metadata": {"debugger": False},
}, open(path, "w"), indent=2)
EOF
}

# Into the kit's venv (with Debian's or another Jupyter: system-wide as root, else for this user); --user: for this
# user as well, so that any other Jupyter of yours finds the kernel too.
install_kernelspec() {
  local where=(--user)
  { [ "$PYTHON" = "$VENV/bin/python" ] || [ "$(id -u)" = 0 ]; } && where=(--sys-prefix)
  say "installing the Jupyter kernelspec '$KERNEL_NAME' (${where[*]})"
  jupyter kernelspec install "${where[@]}" --replace --name "$KERNEL_NAME" "$SPEC_DIR" >/dev/null
  if [ "$USER_SPEC" = yes ] && [ "${where[*]}" != --user ]; then
    say "installing the Jupyter kernelspec '$KERNEL_NAME' (--user)"
    jupyter kernelspec install --user --replace --name "$KERNEL_NAME" "$SPEC_DIR" >/dev/null
  fi
}

TEST_TOOLS=yes
USER_SPEC=no
setup_options() {
  local a
  for a in "$@"; do
    case "$a" in
      --no-test-tools) TEST_TOOLS=no ;;
      --user) USER_SPEC=yes ;;
      --sys-prefix) ;; # the default now (the kit's venv); accepted for old scripts
      *) fail "unknown setup option '$a' (setup takes --user and --no-test-tools)" ;;
    esac
  done
}

setup() {
  check_java
  check_jupyter
  check_test_tools
  check_blas
  build
  install_kernelspec
  sources_hash > "$STAMP"
  say "ready ($(jupyter_versions)). Next: ./build.sh notebook"
}

jupyter_versions() {
  "$PYTHON" -c 'import importlib
found = []
for module, name in (("jupyterlab", "JupyterLab"), ("notebook", "Notebook")):
    try:
        found.append(name + " " + importlib.import_module(module).__version__)
    except ImportError:
        pass
print(", ".join(found) or "Jupyter")'
}

# Builds the kit, then prints the class path of one module: its classes and its runtime dependencies.
module_classpath() {
  local deps
  deps="$(mktemp)"
  mvn -q -B install -DskipTests >/dev/null
  mvn -q -B -pl "$1" dependency:build-classpath -Dmdep.outputFile="$deps" -DincludeScope=runtime >/dev/null
  echo "$KIT/$1/target/classes:$(cat "$deps")"
  rm -f "$deps"
}

# The python of bench/venv, a venv with PyTorch 2.x for the bench's comparison (about 900 MB), made on first use with
# pip; empty, having said why, when pip cannot install it (the bench then compares with Debian's PyTorch only).
bench_torch2() {
  local venv="$KIT/bench/venv" base
  if "$venv/bin/python" -c 'import sys, torch; sys.exit(int(torch.__version__.split(".")[0]) < 2)' >/dev/null 2>&1; then
    echo "$venv/bin/python"; return 0
  fi
  base="$(base_python)"
  if [ -z "$base" ]; then
    echo "bench: no python 3.9+ to make bench/venv from; PyTorch 2.x is left out of the comparison" >&2; return 0
  fi
  echo "bench: installing PyTorch 2.x into bench/venv with pip (once) ..." >&2
  rm -rf "$venv"
  if "$base" -m venv "$venv" >&2 && PIP_RETRIES=0 "$venv/bin/pip" install -q --retries 0 "torch>=2" numpy >&2; then
    echo "$venv/bin/python"
  else
    echo "bench: pip could not install PyTorch 2.x into bench/venv; the bench goes on without it" >&2
  fi
}

grader() {
  (cd "$CALLER_DIR" && "$(java_bin)" -cp "$KIT/solutions/grader/target/jars/*" rnnkit.grader.Main "$@" --kit "$KIT")
}

# The self-study book: the executed solution notebooks as a static website that works offline
# (environment/book/build_book.py). KaTeX, for the math, comes from Maven Central as a webjar, once.
KATEX_VERSION=0.16.44
book() {
  local out="$KIT/environment/book/build/site" args=() py jar
  while [ $# -gt 0 ]; do
    case "$1" in
      --pdf) have_chromium || fail "book --pdf prints with Chromium, which is not installed (apt-get install chromium)"
             args+=(--pdf "$CHROMIUM"); shift ;;
      --notebooks) [ $# -ge 2 ] || fail "book: --notebooks needs a folder"
                   args+=(--notebooks "$(cd "$CALLER_DIR" && realpath -m "$2")"); shift 2 ;;
      -*) fail "book: unknown option '$1' (usage: ./build.sh book [DIR] [--pdf] [--notebooks DIR])" ;;
      *) out="$(cd "$CALLER_DIR" && realpath -m "$1")"; shift ;;
    esac
  done
  # the builder needs nbconvert (and its Pygments) only: the kit's venv, else Debian's, else setup makes the venv
  for py in "${RNNKIT_PYTHON:-}" "$VENV/bin/python" "$DEBIAN_PYTHON" ""; do
    [ -n "$py" ] && [ -x "$py" ] && "$py" -c 'import nbconvert, pygments' 2>/dev/null && break
  done
  if [ -z "$py" ]; then setup_if_needed; py="$PYTHON"; fi
  jar="$KIT/environment/book/build/katex-$KATEX_VERSION.jar"
  if [ ! -f "$jar" ]; then
    say "KaTeX $KATEX_VERSION from Maven Central (org.webjars.npm:katex)"
    mkdir -p "$(dirname "$jar")"
    local get=(org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy "-Dartifact=org.webjars.npm:katex:$KATEX_VERSION"
               "-DoutputDirectory=$(dirname "$jar")")
    # run outside the reactor (no pom in that folder): offline first, from the local repository
    (cd "$(dirname "$jar")" && { mvn -q -B -o "${get[@]}" >/dev/null 2>&1 || mvn -q -B "${get[@]}"; }) \
      || fail "could not get org.webjars.npm:katex:$KATEX_VERSION from Maven Central"
  fi
  "$py" environment/book/build_book.py "$out" --katex "$jar" ${args[@]+"${args[@]}"}
}

# Setup when the kit's sources changed since the last one, or its kernelspec is gone.
setup_if_needed() {
  local py; py="$(jupyter_python)"
  # `jupyter kernelspec` runs the jupyter-kernelspec first on PATH: that python's, not Debian's, which lacks the venv's spec
  use_python "$py"
  if [ -n "$py" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(sources_hash)" ] \
     && "$py" -m jupyter kernelspec list 2>/dev/null | grep "^ *$KERNEL_NAME " >/dev/null; then
    # (grep reads to the end: with -q it could stop early and, under pipefail, fail the listing by SIGPIPE)
    return 0
  fi
  setup
}

cmd="${1:-setup}"
[ $# -gt 0 ] && shift
case "$cmd" in
  setup|--sys-prefix|--user|--no-test-tools)
    [ "$cmd" = setup ] || set -- "$cmd" "$@"
    setup_options "$@"
    setup ;;
  notebook)
    ui=lab
    case "${1:-}" in
      --notebook7) ui=notebook; shift ;;
      --lab) shift ;;
    esac
    setup_if_needed
    extra=()
    [ "$(id -u)" = 0 ] && extra+=(--allow-root)
    if [ "$ui" = lab ] && ! "$PYTHON" -c 'import jupyterlab' 2>/dev/null; then
      say "JupyterLab is not installed (Debian's Jupyter is in use): opening the classic Notebook instead"
      ui=notebook
    fi
    say "starting $( [ "$ui" = lab ] && echo JupyterLab || echo 'Jupyter Notebook') on notebooks/ at localhost (Ctrl-C twice to stop)"
    root=(--ServerApp.root_dir="$KIT/notebooks")
    have_classic_notebook && [ "$PYTHON" = "$DEBIAN_PYTHON" ] && root=(--notebook-dir="$KIT/notebooks")
    exec jupyter "$ui" "${root[@]}" --ip=127.0.0.1 "${extra[@]}" "$@" ;;
  test)
    use_python "$(jupyter_python)"
    # On Debian as root, setup installs whatever is missing; elsewhere the list says how to install it.
    if ! test_preflight 2>/dev/null && is_debian_root; then setup; fi
    test_preflight || exit 1
    setup_if_needed
    say "unit tests (Maven)"
    mvn -B -q verify
    if [ -d solutions/notebooks ]; then
      say "student notebooks are up to date with solutions/notebooks/"
      grader check-release
    fi
    say "Jupyter tests (real kernel, real notebooks; $(jupyter_versions))"
    "$PYTHON" -m unittest discover -s environment/tests -p 'test_*.py' -v ;;
  test-fresh)
    # The container recipe's steps in a fresh Debian root (debootstrap + chroot), then the tour there; needs root.
    [ "$(id -u)" = 0 ] || fail "test-fresh builds a Debian root with debootstrap and chroot: run it as root."
    command -v debootstrap >/dev/null || { is_debian_root && { say "installing debootstrap (apt)"; apt_install debootstrap; }; }
    command -v debootstrap >/dev/null || fail "test-fresh needs debootstrap: sudo apt-get install debootstrap"
    exec "${DEBIAN_PYTHON}" environment/tests/fresh_machine.py "$@" ;;
  book)
    book "$@" ;;
  classpath)
    # The library's class path for another Java kernel; --ijava / --jjava: the kernelspec "env" block that also gives
    # that kernel the kit's rich output (tables, plots, progress bars) and finds the kit's datasets.
    check_java
    cp="$(module_classpath lib)"
    case "${1:-}" in
      "") echo "$cp" ;;
      --ijava|--jjava)
        kind="${1#--}"
        kernel_jar="$(ls "$KIT"/environment/kernel/target/rnnkit-kernel-*.jar | grep -v -e sources -e javadoc | head -n1)"
        script="$KIT/environment/kernel/target/compat/$kind-startup.jshell"
        "$(java_bin)" -cp "$kernel_jar" rnnkit.kernel.compat.StartupScript "$kind" "$script"
        if [ "$kind" = ijava ]; then
          printf '"env": {\n  "IJAVA_CLASSPATH": "%s",\n  "IJAVA_STARTUP_SCRIPTS_PATH": "%s",\n' "$cp" "$script"
        else
          # JJava loads the kit's extension (in the kernel jar) from its class path; it runs the same script
          printf '"env": {\n  "JJAVA_CLASSPATH": "%s:%s",\n' "$cp" "$kernel_jar"
        fi
        [ -n "${OPENBLAS_CORETYPE:-}" ] && printf '  "OPENBLAS_CORETYPE": "%s",\n' "$OPENBLAS_CORETYPE"
        printf '  "RNNKIT_HOME": "%s",\n  "OPENBLAS_NUM_THREADS": "1"\n}\n' "$KIT" ;;
      *) fail "classpath takes --ijava or --jjava, or nothing" ;;
    esac ;;
  run-solutions)
    [ -d solutions/notebooks ] || fail "'$cmd' is for instructors: it needs solutions/"
    setup_if_needed
    [ $# -gt 0 ] || set -- solutions/notebooks/*.ipynb
    notebooks=()
    for arg in "$@"; do # a path, or the start of a solution notebook's name ("09")
      if [ -f "$arg" ]; then notebooks+=("$arg"); continue; fi
      found=(solutions/notebooks/"$arg"*.ipynb)
      [ -f "${found[0]}" ] || fail "no notebook $arg, and no solution notebook whose name starts with '$arg'"
      notebooks+=("${found[@]}")
    done
    for nb in "${notebooks[@]}"; do
      say "executing $nb"
      jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name="$KERNEL_NAME" \
        --ExecutePreprocessor.timeout=600 "$nb"
      # a cell's printing arrives in as many pieces as the kernel flushed: one output per stream, as a reader sees it
      "$PYTHON" -c 'import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
for cell in nb.cells:
    merged = []
    for o in cell.get("outputs", []):
        if merged and o.output_type == "stream" and merged[-1].output_type == "stream" and merged[-1].name == o.name:
            merged[-1].text += o.text
        else:
            merged.append(o)
    if cell.cell_type == "code":
        cell.outputs = merged
nbformat.write(nb, sys.argv[1])' "$nb"
    done ;;
  check-claims)
    [ -d solutions/notebooks ] || fail "'$cmd' checks the solution notebooks' prose: it needs solutions/"
    use_python "$(jupyter_python)"
    [ -n "${PYTHON:-}" ] || setup_if_needed
    exec "$PYTHON" environment/tests/claims.py "$@" ;;
  release|grade|gradescope)
    [ -f solutions/grader/pom.xml ] || fail "'$cmd' is for instructors: it needs solutions/, which a student bundle does not have."
    setup_if_needed
    if [ "$cmd" = gradescope ]; then grader gradescope "$@"; else grader "$cmd" "$@"; fi ;;
  example)
    name="${1:-}"
    [ $# -gt 0 ] && shift
    case "$name" in
      char-lm) main=rnnkit.examples.CharLanguageModel ;;
      *) fail "unknown example '$name'; the examples are: char-lm" ;;
    esac
    check_java
    cp="$(module_classpath lib)"
    exec "$(java_bin)" --add-modules jdk.incubator.vector -XX:PerMethodTrapLimit=10000 -Drnnkit.home="$KIT" \
      -cp "$cp" "$main" "$@" ;;
  bench)
    [ -d bench ] || fail "'$cmd' needs the bench/ folder of the kit."
    if [ "${1:-}" = --grading ]; then
      shift
      [ -f solutions/grader/pom.xml ] || fail "'bench --grading' grades a made-up class: it needs solutions/"
      check_java
      grader bench "$@"
      exit $?
    fi
    if [ "${1:-}" = --notebooks ]; then
      [ -d solutions/notebooks ] || fail "'bench --notebooks' times the solution notebooks: it needs solutions/"
      setup_if_needed
      exec "$PYTHON" bench/notebook_times.py
    fi
    check_java
    torch2="$(bench_torch2)"
    cp="$(module_classpath bench)"
    # the matrix-product part runs in this JVM: one BLAS thread, as numpy gets (the LM rounds set their own)
    OPENBLAS_NUM_THREADS=1 exec "$(java_bin)" -Drnnkit.home="$KIT" -cp "$cp" rnnkit.bench.CharLmBench --home "$KIT" \
      --torch2 "$torch2" "$@" ;;
  help|-h|--help)
    usage ;;
  *)
    usage >&2
    fail "unknown command '$cmd'" ;;
esac
