#!/usr/bin/env bash
# One entry point for the RNN course kit. Run `./build.sh help` for the commands.
set -euo pipefail

KIT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CALLER_DIR="$PWD" # paths given to grade, release and gradescope are relative to where the command was typed
cd "$KIT"

# Debian's Jupyter lives on /usr/bin/python3; a pyenv or venv python3 first on PATH usually lacks it.
PYTHON="${RNNKIT_PYTHON:-/usr/bin/python3}"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3 || true)"
KERNEL_NAME=java
SPEC_DIR="$KIT/environment/kernel/target/kernelspec/$KERNEL_NAME"
STAMP="$KIT/environment/kernel/target/setup.stamp"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<'EOF'
RNN course kit

  ./build.sh [setup] [--sys-prefix]  check the JDK, install Jupyter and OpenBLAS if missing (Debian, as root),
                                     build the library and the Java kernel, install the kernelspec "java" for
                                     this user (--sys-prefix: into the Python environment instead). Safe to run
                                     again.
  ./build.sh notebook                setup if needed, then Jupyter Notebook on notebooks/ at localhost
  ./build.sh test                    every test of the kit: library and kernel unit tests, then real-Jupyter
                                     tests (all notebooks executed, protocol, offline plots in Chromium)
  ./build.sh release [DIR] [--bundle [ZIP]]
                                     student notebooks from solutions/notebooks/ into notebooks/ (or DIR);
                                     --bundle: a zip for students without solutions or hidden tests
  ./build.sh grade SUBMISSION.ipynb... | DIR [--out DIR] [--format text|json|gradescope|csv]
                   [--jobs N] [--timeout S] [--submission-timeout S] [--force] [--feedback]
                                     grade submissions with the hidden tests (see README.md, Grading)
  ./build.sh gradescope [OUT.zip]    the Gradescope autograder zip
  ./build.sh run-solutions [NB...]   execute solution notebooks in place, so that they are committed with
                                     their outputs (all of solutions/notebooks/ by default)
  ./build.sh classpath               print the class path of the library and its dependencies (for your
                                     own IJava/JJava installation, see README.md)
  ./build.sh example char-lm [opts]  the library's runnable example: a character LSTM on tiny Shakespeare
                                     (options: --hidden 128 --steps 0 --batch 32 --seq 64 --seed 1)
  ./build.sh bench [--notebooks] [opts]
                                     the kit's character-LM training step against PyTorch's, side by side
                                     (options: --models rnn,lstm,gru --hidden 128,256,512 --threads 1,2
                                     --repeats 3); writes bench/results.csv. --notebooks: every solution
                                     notebook's real-Jupyter run time against its budget (bench/notebook_times.csv)
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

have_jupyter() {
  [ -n "$PYTHON" ] && "$PYTHON" -c 'import notebook, nbconvert, nbclient, jupyter_client' 2>/dev/null \
    && jupyter nbconvert --version >/dev/null 2>&1 && jupyter kernelspec --version >/dev/null 2>&1
}

check_jupyter() {
  have_jupyter && return 0
  if is_debian_root; then
    say "installing Jupyter from Debian (jupyter-notebook python3-nbconvert jupyter-nbconvert python3-nbclient jupyter-client)"
    apt_install jupyter-notebook python3-nbconvert jupyter-nbconvert python3-nbclient jupyter-client
    PYTHON=/usr/bin/python3
    have_jupyter || fail "Jupyter is still not usable after installing it with apt."
  else
    fail "Jupyter is missing. Install it with one of:
    sudo apt-get install jupyter-notebook python3-nbconvert jupyter-nbconvert python3-nbclient jupyter-client   (Debian/Ubuntu)
    python3 -m pip install --user notebook nbconvert nbclient jupyter_client
    conda install -c conda-forge notebook nbconvert nbclient jupyter_client
then run ./build.sh again (set RNNKIT_PYTHON to the python that has Jupyter if it is not /usr/bin/python3)."
  fi
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
  find pom.xml lib environment/kernel $( [ -d solutions/grader ] && echo solutions/grader ) -path '*/target' -prune -o -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -print0 \
    | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

build() {
  say "building the library and the kernel (Maven)"
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
    "argv": [java, "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8", "-Drnnkit.home=" + kit,
             "-XX:+UseParallelGC", "-cp", "{resource_dir}/jars/*", "rnnkit.kernel.Main", "{connection_file}"],
    "display_name": "Java (rnnkit)",
    "language": "java",
    "interrupt_mode": "message",
    # one BLAS thread: the same numbers on every machine with OpenBLAS, whatever its cores (rnnkit.core.Gemm)
    "env": {"RNNKIT_MVN": mvn, "RNNKIT_HOME": kit, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")},
    "metadata": {"debugger": False},
}, open(path, "w"), indent=2)
EOF
}

install_kernelspec() {
  local where=(--user)
  [ "${1:-}" = "--sys-prefix" ] && where=(--sys-prefix)
  say "installing the Jupyter kernelspec '$KERNEL_NAME' (${where[*]})"
  jupyter kernelspec install "${where[@]}" --replace --name "$KERNEL_NAME" "$SPEC_DIR" >/dev/null
}

setup() {
  check_java
  check_jupyter
  check_blas
  build
  install_kernelspec "$@"
  sources_hash > "$STAMP"
  say "ready. Next: ./build.sh notebook"
}

# Builds the kit, then prints the class path of one module: its classes and its runtime dependencies.
module_classpath() {
  local deps
  deps="$(mktemp)"
  mvn -q -B install -DskipTests >/dev/null
  mvn -q -B -pl "$1" dependency:build-classpath -Dmdep.outputFile="$deps" -Dmdep.includeScope=runtime >/dev/null
  echo "$KIT/$1/target/classes:$(cat "$deps")"
  rm -f "$deps"
}

grader() {
  (cd "$CALLER_DIR" && "$(java_bin)" -cp "$KIT/solutions/grader/target/jars/*" rnnkit.grader.Main "$@" --kit "$KIT")
}

setup_if_needed() {
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(sources_hash)" ] && jupyter kernelspec list 2>/dev/null | grep -q "^ *$KERNEL_NAME "; then
    return 0
  fi
  setup
}

cmd="${1:-setup}"
[ $# -gt 0 ] && shift
case "$cmd" in
  setup|--sys-prefix)
    [ "$cmd" = "--sys-prefix" ] && set -- --sys-prefix "$@"
    setup "$@" ;;
  notebook)
    setup_if_needed
    extra=()
    [ "$(id -u)" = 0 ] && extra+=(--allow-root)
    say "starting Jupyter Notebook on notebooks/ (Ctrl-C twice to stop)"
    exec jupyter notebook --notebook-dir="$KIT/notebooks" --ip=127.0.0.1 "${extra[@]}" "$@" ;;
  test)
    setup_if_needed
    say "unit tests (Maven)"
    mvn -B -q verify
    if [ -d solutions/notebooks ]; then
      say "student notebooks are up to date with solutions/notebooks/"
      grader check-release
    fi
    say "Jupyter tests (real kernel, real notebooks)"
    "$PYTHON" -m unittest discover -s environment/tests -p 'test_*.py' -v ;;
  classpath)
    check_java
    mvn -q -B install -DskipTests >/dev/null
    deps="$(mktemp)"
    mvn -q -B -pl lib dependency:build-classpath -Dmdep.outputFile="$deps" -Dmdep.includeScope=runtime >/dev/null
    echo "$(ls "$KIT"/lib/target/rnnkit-lib-*.jar | grep -v -e sources -e javadoc | head -n1):$(cat "$deps")"
    rm -f "$deps" ;;
  run-solutions)
    [ -d solutions/notebooks ] || fail "'$cmd' is for instructors: it needs solutions/"
    setup_if_needed
    [ $# -gt 0 ] || set -- solutions/notebooks/*.ipynb
    for nb in "$@"; do
      say "executing $nb"
      jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.kernel_name="$KERNEL_NAME" \
        --ExecutePreprocessor.timeout=600 "$nb"
    done ;;
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
    exec "$(java_bin)" -Drnnkit.home="$KIT" -cp "$cp" "$main" "$@" ;;
  bench)
    [ -d bench ] || fail "'$cmd' needs the bench/ folder of the kit."
    if [ "${1:-}" = --notebooks ]; then
      [ -d solutions/notebooks ] || fail "'bench --notebooks' times the solution notebooks: it needs solutions/"
      setup_if_needed
      exec "$PYTHON" bench/notebook_times.py
    fi
    check_java
    cp="$(module_classpath bench)"
    # the matrix-product part runs in this JVM: one BLAS thread, as numpy gets (the LM rounds set their own)
    OPENBLAS_NUM_THREADS=1 exec "$(java_bin)" -Drnnkit.home="$KIT" -cp "$cp" rnnkit.bench.CharLmBench --home "$KIT" "$@" ;;
  help|-h|--help)
    usage ;;
  *)
    usage >&2
    fail "unknown command '$cmd'" ;;
esac
