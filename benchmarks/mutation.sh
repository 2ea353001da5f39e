#!/usr/bin/env bash
# Mutation testing of the engine's stage modules with mutmut (configured in pyproject.toml).
# Takes about an hour on 2 cores; resumable (run it again to continue). Prints the score.
#   bash benchmarks/mutation.sh            # the stage modules of src/salesperf/_engine/
#   bash benchmarks/mutation.sh results    # the surviving mutants of the last run
#   bash benchmarks/mutation.sh retest     # after adding tests: run the survivors again
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv-mutation
if [ ! -x "$venv/bin/mutmut" ]; then
  # salesperf itself is not installed here: the tests must import the mutated copy.
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q mutmut pytest hypothesis attrs python-dateutil jsonschema
fi
if [ "${1:-}" = "results" ]; then
  exec "$venv/bin/mutmut" results
fi
if [ "${1:-}" = "retest" ]; then  # mutmut keeps a survivor's result until its code changes
  # mutmut runs for a mutant only the tests its stats saw calling the function, and keeps
  # those stats across runs: a function split or renamed since is credited only to tests
  # added later (149 mutants of a helper split from `terms` looked like survivors). Retest
  # collects the stats afresh (about a minute) before running the survivors again.
  rm -f mutants/mutmut-stats.json
  "$venv/bin/python" - <<'PY'
import json, pathlib
for meta in pathlib.Path("mutants/src").rglob("*.meta"):
    data = json.loads(meta.read_text())
    codes = data["exit_code_by_key"]
    for key, code in codes.items():
        if code in (0, 5, 33):
            codes[key] = None
    meta.write_text(json.dumps(data, indent=4))
PY
fi
export HYPOTHESIS_PROFILE=mutation PYTHONPATH=src  # PYTHONPATH: for tests that run the CLI
# A mutant that makes an endless iterator (`repeat(x)` for `repeat(x, n)`) fills memory, 6 GB
# a child in seconds, long before its time runs out: 4 GB each, and it fails as it should.
ulimit -v "${MEMORY_KB:-4194304}"
# The stages (inputs, versions and the compiled front door are not among them).
stages=("salesperf._engine.crediting*" "salesperf._engine.earning*" "salesperf._engine.rates*"
        "salesperf._engine.holdbacks*" "salesperf._engine.payments*"
        "salesperf._engine.statements*" "salesperf._engine.explain*")
"$venv/bin/mutmut" run --max-children "${JOBS:-2}" "${stages[@]}" || true
"$venv/bin/python" - <<'PY'
import collections, json, pathlib
# mutmut's exit codes: 1 and 3 a test failed (killed), timeouts count as killed; 0 survived;
# 5 and 33 no test reaches the mutant (counted as survived); None not run yet.
kind = {1: "killed", 3: "killed", 36: "killed", 152: "killed", -24: "killed", 0: "survived",
        5: "survived", 33: "survived", None: "not run"}
by_module = collections.defaultdict(collections.Counter)
stages = ("crediting", "earning", "rates", "holdbacks", "payments", "statements", "explain")
for meta in sorted(pathlib.Path("mutants/src").rglob("*.meta")):
    module = str(meta.relative_to("mutants/src"))[:-len(".py.meta")].replace("/", ".")
    if module.split(".")[2] not in stages:
        continue
    for code in json.loads(meta.read_text())["exit_code_by_key"].values():
        by_module[module][kind.get(code, "other")] += 1
total = collections.Counter()
for module, c in sorted(by_module.items()):
    total.update(c)
    done = c["killed"] + c["survived"]
    if done:
        print(f"{module:45} {c['killed']:5} / {done:5}  {100 * c['killed'] / done:5.1f} %")
done = total["killed"] + total["survived"]
print(f"{'all':45} {total['killed']:5} / {done:5}  {100 * total['killed'] / max(done, 1):5.1f} %"
      f"  ({total['not run']} not run, {total['other']} other)")
PY
