#!/usr/bin/env bash
# Every test, in two pytest runs side by side: the browser tests mostly wait on JupyterLab and Chromium, so
# they run beside the rest (the package, parity with the seed, the notebooks under nbval) instead of after it,
# and nbgrader's round trip (tests/test_classroom.py) goes with them, which evens out the two runs.
# Their report is printed at the end (and kept in test-artifacts/browser-tests.log). Each run lists its ten slowest
# tests: figures for whoever keeps make test quick, not pass/fail.
#
#   bash scripts/run_tests.sh [PYTHON]     # what `make test` runs, with .venv/bin/python
set -u
python="${1:-.venv/bin/python}"
mkdir -p test-artifacts
log=test-artifacts/browser-tests.log
"$python" -m pytest tests/browser tests/test_classroom.py -p no:cacheprovider --durations=10 > "$log" 2>&1 &
browser=$!
trap 'kill "$browser" 2>/dev/null' INT TERM
"$python" -m pytest --ignore=tests/browser --ignore=tests/test_classroom.py --durations=10
rest=$?
wait "$browser"
browser_status=$?
echo "== the browser tests and nbgrader's round trip, run beside the rest ($log) =="
cat "$log"
exit $(( rest != 0 || browser_status != 0 ))
