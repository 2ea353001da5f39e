#!/usr/bin/env bash
# Every figure of docs/performance.md from one run, on one machine, one after the other:
# `evaluate()`, memory, columns, explanations and the fixed cost (run.py), the accelerated
# path (fast.py, with the `fast` extra installed), where the time goes (breakdown.py), the
# service path (service.py) and the floors of the targets still missed (floors.py). About
# 12 minutes on 2 cores; run it on a quiet machine.
#   bash benchmarks/performance.sh > figures.txt
set -uo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
echo "# salesperf at $(git rev-parse --short HEAD 2>/dev/null || echo "?"), $("$python" -V)"
step() { echo "# $(date -u '+%F %T') $*"; "$python" "$@" --no-targets; }
step benchmarks/run.py --deals 200000 --repeats 5 --sizes 20000,1000000
step benchmarks/fast.py
"$python" benchmarks/breakdown.py --deals 200000 --repeats 3  # reports only
step benchmarks/service.py
echo "# $(date -u '+%F %T') benchmarks/floors.py"
"$python" benchmarks/floors.py  # reports only
echo "# $(date -u '+%F %T') done"
