"""Fuzzing: hostile documents never make salesperf raise anything but a `SalesperfError`,
through the Python API (load, evaluate, explain every line, write the response) or the
command line (exit 1 or 2 with a message, never a traceback).

The mutator is `fuzzing.py`; `benchmarks/fuzz.py` runs it for longer, and docs/documents.md
(*Security*) gives that run's figure. Sizes here fit CI: with HYPOTHESIS_PROFILE=ci the API
properties try 200 documents each, the command line 25.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzzing import as_text, check_api, check_cli, hostile, mutate, seed_documents

SEEDS = seed_documents()
seeds = st.sampled_from(SEEDS)


def _fail(escaped: BaseException | None, doc: Any) -> None:
    if escaped is not None:
        pytest.fail(f"{type(escaped).__name__}: {str(escaped)[:500]} escaped for "
                    f"{str(doc)[:500]}")


class TestOnlySalesperfErrorsEscapeThePythonAPI:
    @given(seeds, st.randoms(use_true_random=False))
    def test_mutated_documents(self, seed: tuple[str, Any], r: random.Random) -> None:
        kind, doc = seed
        mutated = mutate(doc, r)
        _fail(check_api(kind, mutated), mutated)

    @given(seeds, st.randoms(use_true_random=False))
    def test_mutated_documents_as_json_text(self, seed: tuple[str, Any],
                                            r: random.Random) -> None:
        kind, doc = seed
        text = as_text(mutate(doc, r), r)
        _fail(check_api(kind, None, text), text)

    @given(st.sampled_from(["plan", "request"]), st.randoms(use_true_random=False))
    def test_hostile_values_as_whole_documents(self, kind: str, r: random.Random) -> None:
        value = hostile(r)
        _fail(check_api(kind, value), value)


class TestTheCommandLineNeverPrintsATraceback:
    @settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow,
                                                      HealthCheck.function_scoped_fixture])
    @given(st.randoms(use_true_random=False))
    def test_mutated_requests(self, tmp_path: Path, r: random.Random) -> None:
        kind, doc = r.choice(SEEDS)
        problem = check_cli(as_text(mutate(doc, r), r), tmp_path,
                            "run" if kind == "request" else "validate")
        if problem is not None:
            pytest.fail(problem)
