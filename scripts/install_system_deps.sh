#!/usr/bin/env bash
# Install what pip cannot, for one of the two commands:
#
#   bash scripts/install_system_deps.sh lab    Python's venv module (needed; on Debian's own Python it is
#                                              the package python3-venv) and Graphviz's `dot` (wanted:
#                                              without it the notebooks draw graphs another way)
#   bash scripts/install_system_deps.sh test   all of that, needed (the committed notebook outputs have
#                                              dot's drawings), plus a Chromium for the browser tests
#
# Whatever is missing is installed with apt-get when there is one (as root, or with sudo). What is still
# missing then gets one line saying how to install it: an error (exit 1) if needed, else a hint.
# The Chromium is found by scripts/find_chromium.py: $MICROGPT_CHROMIUM, else chromium & co. on PATH.
set -euo pipefail
mode="${1:-lab}"
python="${PYTHON:-python3}"
here="$(cd "$(dirname "$0")" && pwd)"
case "$mode" in lab|test) ;; *) echo "usage: $0 lab|test" >&2; exit 2 ;; esac

if ! command -v "$python" >/dev/null; then
    echo "$python not found: install Python 3.10 or newer, or run make with PYTHON=/path/to/python3" >&2
    exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
    echo "$python is Python $("$python" -c 'import sys; print(sys.version.split()[0])'); microgpt needs 3.10 or newer: run make with PYTHON=/path/to/python3.10+" >&2
    exit 1
fi

has_venv() { "$python" -c "import ensurepip, venv" 2>/dev/null; }
has_dot() { command -v dot >/dev/null; }
has_chromium() { "$python" "$here/find_chromium.py" >/dev/null 2>&1; }
say_why_no_chromium() { "$python" "$here/find_chromium.py" >/dev/null || true; }  # its message, on stderr

missing=()
has_venv || missing+=(python3-venv)
has_dot || missing+=(graphviz)
if [ "$mode" = test ] && ! has_chromium; then
    if [ -n "${MICROGPT_CHROMIUM:-}" ]; then  # chosen by hand: no point installing another one
        say_why_no_chromium
        exit 1
    fi
    missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if command -v apt-get >/dev/null && { [ -z "$sudo" ] || command -v sudo >/dev/null; }; then
    echo "Installing ${missing[*]} with apt-get"
    $sudo apt-get update -qq || true
    for package in "${missing[@]}"; do  # one at a time: one that cannot be installed does not stop the rest
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null \
            || echo "apt-get could not install $package" >&2
    done
fi

status=0
if ! has_venv; then
    echo "Python's venv module is missing for $python: install it (Debian/Ubuntu: apt-get install python3-venv), or use the conda route in README.md" >&2
    status=1
fi
if ! has_dot; then
    if [ "$mode" = test ]; then
        echo "Graphviz's dot is missing and make test needs it: install Graphviz (apt-get install graphviz, brew install graphviz or conda install graphviz)" >&2
        status=1
    else
        echo "Hint: Graphviz's dot is not installed, so the notebooks draw graphs without it; for the real drawings install Graphviz (apt-get install graphviz, brew install graphviz or conda install graphviz)" >&2
    fi
fi
if [ "$mode" = test ] && ! has_chromium; then
    say_why_no_chromium
    status=1
fi
exit $status
