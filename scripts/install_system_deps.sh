#!/usr/bin/env bash
# Install what pip cannot: Graphviz's `dot` (graphs in the notebooks), Chromium (browser tests) and,
# on Debian's own Python, the venv module. Uses apt-get when something is missing; otherwise says
# what to install.
set -euo pipefail
python="${PYTHON:-python3}"
missing=()
"$python" -c "import ensurepip, venv" 2>/dev/null || missing+=(python3-venv)
command -v dot >/dev/null || missing+=(graphviz)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null; then
    echo "Please install: ${missing[*]} (or use the conda route in README.md)" >&2
    exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing ${missing[*]} with apt-get"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
