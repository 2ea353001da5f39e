"""Test configuration: hypothesis profiles (`HYPOTHESIS_PROFILE=ci|dev`, default `dev`)."""

import os
from pathlib import Path

from hypothesis import HealthCheck, Phase, settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=40, deadline=None)
# Mutation testing runs each test thousands of times, its examples fixed; a failing example
# is enough, unshrunk (shrinking took minutes a mutant).
settings.register_profile("mutation", max_examples=5, deadline=None, derandomize=True,
                          database=None, suppress_health_check=list(HealthCheck),
                          phases=[Phase.explicit, Phase.generate])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

# Mutation testing (`benchmarks/mutation.sh`, mutmut): the engine's tests only. The others test
# other modules, or the source text itself (test_structure), which mutmut rewrites.
ENGINE_TESTS = frozenset({
    "test_engine.py", "test_engine_stages.py", "test_engine_properties.py",
    "test_engine_defects.py", "test_clawbacks.py", "test_holdbacks.py", "test_payments.py",
    "test_proration.py", "test_ramps.py", "test_versions.py", "test_pay_currency.py",
    "test_engine_golden.py", "test_results_out.py",
})


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    if "MUTANT_UNDER_TEST" in os.environ and collection_path.suffix == ".py":
        return collection_path.name not in ENGINE_TESTS | {"conftest.py"}
    return None
