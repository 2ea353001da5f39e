"""salesperf.dask: a plan evaluated on a Dask cluster gives exactly what `evaluate` gives in
one process — statements, lines with their traces, credits and exclusions — however the
records are partitioned, with every record accounted for and the same errors.

The quick tests run Dask's synchronous scheduler; the others a real `LocalCluster` of two
worker processes on 127.0.0.1, started once for the module."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import dask
import dask.bag as db
import dask.dataframe as dd
import pandas as pd
import pytest
from distributed import Client, LocalCluster
from hypothesis import given, settings
from hypothesis import strategies as st

import salesperf as sp
import salesperf.dask as spd
from salesperf._demo import example_inputs, example_plan, load_example

# Plans and records of every shape (with splits, refunds, a payee who leaves, dates outside
# the year and clawbacks).
from salesperf.testing import plans, records

# The inputs the engine's stage tests evaluate with.
from test_engine_stages import PAYEES, QUARTERS, inputs

Q1 = "2026-Q1"
D = Decimal


def example_team() -> tuple[sp.CompiledPlan, list[dict[str, Any]], dict[str, Any]]:
    """The demo's plan, deals (as plain dicts, as a table holds them) and inputs."""
    data = load_example()
    given = example_inputs(data)
    del given["records"]
    deals = [{**d, "payees": sorted(d["split"])} if "split" in d else {**d, "payee": d["owner"]}
             for d in data["deals"]]
    return sp.compile_plan(example_plan()), deals, given


def table(rows: Sequence[dict[str, Any]], partitions: int) -> dd.DataFrame:
    """Records as a Dask DataFrame. Dask turns object columns into text unless told not to;
    a split's list of payees must stay a list."""
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_pandas(pd.DataFrame(list(rows)), npartitions=partitions)


def bag(parts: Sequence[Sequence[Any]]) -> db.Bag:
    """Records as a Dask Bag with exactly these partitions."""
    return db.from_delayed([dask.delayed(list(p)) for p in parts])


def generated(count: int, reps: int = 40, seed: int = 16) -> list[dict[str, Any]]:
    """Seeded deals over a year, about 2 % of them clawbacks of an earlier deal (half whole,
    half partial), dated in and around 2026."""
    rng = random.Random(seed)  # noqa: S311 - seeded test data
    out: list[dict[str, Any]] = []
    for n in range(count):
        if out and rng.random() < 0.02:
            original = rng.choice(out[: max(1, len(out) // 2)])
            undo = {"id": f"X{n:06d}", "date": original["date"] + dt.timedelta(
                days=rng.randrange(0, 45)), "payee": original["payee"],
                "reverses": original["id"]}
            if rng.random() < 0.5 and "reverses" not in original:
                undo["amount"] = -(original["amount"] / 4).quantize(D("0.01"))
            out.append(undo)
            continue
        out.append({"id": f"D{n:06d}", "date": dt.date(2026, 1, 1) + dt.timedelta(
            days=rng.randrange(-20, 380)), "payee": f"rep-{rng.randrange(reps):03d}",
            "amount": D(rng.randrange(-5_000, 5_000_000)).scaleb(-2),
            "product": rng.choice(["cloud", "software", "services"])})
    return out


def generated_plan() -> sp.CompiledPlan:
    """A plan whose credits go to other payees than a record's own: a roll-up to managers
    and an overlay specialist, with a tiered commission and a SPIFF."""
    return sp.compile_plan(sp.Plan("gen", [
        sp.Commission("commission", sp.RateTable([sp.Tier(0, "0.04"), sp.Tier(400_000, "0.07")])),
        sp.Spiff("cloud-spiff", sp.Eq("product", "cloud"), start=dt.date(2026, 2, 1),
                 end=dt.date(2026, 3, 31), amount="40")],
        credit_rules=[sp.CreditRule("services-half", where=sp.Eq("product", "services"),
                                    factor="0.5"), sp.CreditRule("all")],
        extra_credit=[sp.Overlay("specialist", ["spec"], where=sp.Eq("product", "cloud"),
                                 share="0.5"), sp.Rollup("managers", levels=1)]))


def generated_team(reps: int = 40) -> sp.Hierarchy:
    managers = [sp.Payee("mgr-a"), sp.Payee("mgr-b"), sp.Payee("spec"), sp.Payee("idle")]
    return sp.Hierarchy.of([*managers, *(sp.Payee(f"rep-{i:03d}", manager="mgr-a" if i % 2
                                                  else "mgr-b") for i in range(reps))])


def same(got: spd.Frames, expected: spd.Frames) -> None:
    for name in ("statements", "lines", "credits", "exclusions"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(expected, name),
                                      obj=name)


def error_of(fn: Any) -> tuple[type[BaseException], str]:
    with pytest.raises(sp.SalesperfError) as info:
        fn()
    return type(info.value), str(info.value)


# -- one process, the quick path ---------------------------------------------------------------


class TestSynchronous:
    """Dask's synchronous scheduler: the same graph, run in this process."""

    @pytest.fixture(autouse=True)
    def _synchronous(self) -> Iterator[None]:
        with dask.config.set(scheduler="synchronous"):
            yield

    def test_the_example_team_gets_the_statements_one_process_gives(self) -> None:
        plan, deals, kw = example_team()
        one = plan.evaluate(deals, **kw)
        got = spd.evaluate(plan, table(deals, 5), **kw).gather()
        same(got, spd.frames(one))
        assert got.statements["payable"].map(D).sum() == sum(s.payable for s in one.statements)
        assert len(got.lines) == sum(len(s.lines) for s in one.statements) == 194
        assert got.counts["records"].sum() == len(deals) == 216

    @settings(max_examples=10)
    @given(plans(), records(), st.sampled_from(QUARTERS), st.data())
    def test_records_partitioned_any_way_give_one_process_s_results_or_error(
            self, plan: sp.Plan, recs: list[Any], period: str, data: st.DataObject) -> None:
        """Any partitioning, any number of payee groups, clawbacks in any partition."""
        compiled = sp.compile_plan(plan)
        kw = inputs(40_000)
        where = data.draw(st.lists(st.integers(0, 3), min_size=len(recs), max_size=len(recs)))
        parts = [[r for r, k in zip(recs, where, strict=True) if k == p] for p in range(4)]
        groups = data.draw(st.integers(1, 5))
        try:
            expected: object = spd.frames(compiled.evaluate(recs, period, **kw))
        except sp.SalesperfError as err:
            expected = type(err), str(err)
        try:
            got: object = spd.evaluate(compiled, bag(parts), period, groups=groups,
                                       **kw).gather()
        except sp.SalesperfError as err:
            got = type(err), str(err)
        if isinstance(expected, spd.Frames):
            assert isinstance(got, spd.Frames)
            same(got, expected)
        else:
            assert got == expected

    def test_a_reversal_in_another_partition_than_its_record_is_settled_as_in_one_process(
            self) -> None:
        """D-1 (1,000 at 10 %) is in the last partition; X-1 takes back 400 of it, X-2
        the rest, X-3 more than is left, X-4 a record nobody gave, each in another
        partition: ana earns 100 + 50 − 40 − 60 = 50.00."""
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        day = dt.date(2026, 1, 5)
        deal = {"id": "D-1", "date": day, "payee": "ana", "amount": D("1000")}
        other = {"id": "D-2", "date": day, "payee": "ana", "amount": D("500")}
        undo = [{"id": "X-1", "date": dt.date(2026, 2, 1), "payee": "ana", "reverses": "D-1",
                 "amount": D("-400")},
                {"id": "X-2", "date": dt.date(2026, 2, 2), "payee": "ana", "reverses": "D-1"},
                {"id": "X-3", "date": dt.date(2026, 2, 3), "payee": "ana", "reverses": "D-1",
                 "amount": D("-1")},
                {"id": "X-4", "date": dt.date(2026, 2, 3), "payee": "ana", "reverses": "D-9"}]
        parts = [[undo[0], other], [undo[1]], [undo[2], undo[3]], [deal]]
        team = [sp.Payee("ana")]
        one = plan.evaluate([r for p in parts for r in p], Q1, payees=team)
        got = spd.evaluate(plan, bag(parts), Q1, payees=team).gather()
        same(got, spd.frames(one))
        assert list(got.statements["payable"]) == ["50.00"]
        assert list(got.exclusions["record"]) == ["X-3", "X-4"]

    def test_a_payee_without_credits_still_gets_a_statement_with_their_draw(self) -> None:
        plan = sp.compile_plan(sp.Plan("p", [sp.Commission("c", sp.RateTable(
            [sp.Tier(0, "0.1")]))]))
        deal = {"id": "D-1", "date": dt.date(2026, 1, 5), "payee": "ana", "amount": D("1000")}
        team = [sp.Payee("ana"), sp.Payee("ben")]
        draws = [sp.Draw("ben", Q1, 300)]
        got = spd.evaluate(plan, bag([[deal]]), Q1, payees=team, draws=draws, groups=7).gather()
        same(got, spd.frames(plan.evaluate([deal], Q1, payees=team, draws=draws)))
        assert list(got.statements["payee"]) == ["ana", "ben"]
        assert list(got.statements["paid"]) == ["100.00", "300.00"]

    def test_without_traces_lines_keep_their_amounts_and_leave_traces_out(self) -> None:
        plan, deals, kw = example_team()
        got = spd.evaluate(plan, table(deals, 2), traces=False, **kw).gather()
        expected = spd.frames(plan.evaluate(deals, **kw), traces=False)
        same(got, expected)
        assert got.lines["trace"].isna().all()

    def test_every_record_is_counted_credited_or_excluded_in_its_partition(self) -> None:
        plan = generated_plan()
        deals = generated(600)
        got = spd.evaluate(plan, table(deals, 3), Q1, hierarchy=generated_team()).gather()
        counts = got.counts
        assert list(counts["partition"]) == [0, 1, 2]
        assert counts["records"].sum() == 600
        assert (counts["credited"] + counts["excluded"] == counts["records"]).all()
        assert set(got.credits["record"]) | set(got.exclusions["record"]) == {
            d["id"] for d in deals}

    def test_bad_arguments_raise_what_evaluate_raises_before_anything_runs(self) -> None:
        plan, deals, kw = example_team()
        records = table(deals, 2)
        assert error_of(lambda: spd.evaluate(plan, records, **{**kw, "period": "2026-03"})) \
            == error_of(lambda: plan.evaluate(deals, **{**kw, "period": "2026-03"}))
        assert error_of(lambda: spd.evaluate(plan, records, **kw, payees=PAYEES)) == error_of(
            lambda: plan.evaluate(deals, **kw, payees=PAYEES))
        with pytest.raises(sp.DefinitionError, match="a Dask DataFrame or Bag"):
            spd.evaluate(plan, deals, **kw)
        with pytest.raises(sp.DefinitionError, match="groups: must be at least 1"):
            spd.evaluate(plan, records, groups=0, **kw)

    def test_results_written_to_parquet_read_back_as_gathered(self, tmp_path: Path) -> None:
        plan, deals, kw = example_team()
        results = spd.evaluate(plan, table(deals, 3), **kw)
        results.to_parquet(str(tmp_path))
        written = pd.read_parquet(tmp_path / "statements")
        assert sorted(written["payable"].map(D)) == sorted(
            s.payable for s in plan.evaluate(deals, **kw).statements)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(spd.NAMES)


def test_without_dask_importing_salesperf_dask_says_what_to_install() -> None:
    code = ("import sys; sys.modules['dask'] = None\n"
            "try:\n    import salesperf.dask\n"
            "except ImportError as err:\n    print(err)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert "pip install 'salesperf[dask]'" in out.stdout
    assert "salesperf.dask" not in subprocess.run(
        [sys.executable, "-c", "import salesperf, sys; print(list(sys.modules))"],
        capture_output=True, text=True, check=True, timeout=60).stdout


# -- a real cluster ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    """Two worker processes on 127.0.0.1, one thread each; the dashboard on a free port
    (8787 may be taken by another cluster on the machine)."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address="127.0.0.1:0") as cluster, Client(cluster) as c:
        yield c


class TestCluster:
    def test_the_example_team_on_two_workers_gets_one_process_s_results(
            self, client: Client) -> None:
        plan, deals, kw = example_team()
        got = spd.evaluate(plan, table(deals, 4), **kw).gather()
        same(got, spd.frames(plan.evaluate(deals, **kw)))

    def test_generated_deals_with_roll_ups_overlays_and_clawbacks(self, client: Client) -> None:
        plan, team = generated_plan(), generated_team()
        deals = generated(2_000)
        assert sum("reverses" in d for d in deals) > 25
        one = plan.evaluate(deals, Q1, hierarchy=team)
        got = spd.evaluate(plan, table(deals, 5), Q1, hierarchy=team, groups=3).gather()
        same(got, spd.frames(one))
        assert len(got.statements) == len(team.payees)
        assert {"mgr-a", "spec"} <= set(got.credits["payee"])  # credits for other payees

    def test_a_bad_record_in_one_partition_raises_evaluate_s_data_error(
            self, client: Client) -> None:
        plan, deals, kw = example_team()
        bad = [*deals[:150], {**deals[150], "amount": "12,50"}, *deals[151:]]
        expected = error_of(lambda: plan.evaluate(bad, **kw))
        assert expected[0] is sp.DataError
        assert "field 'amount'" in expected[1]
        assert error_of(lambda: spd.evaluate(plan, table(bad, 4), **kw).gather()) == expected

    def test_an_id_given_twice_in_two_partitions_raises_evaluate_s_data_error(
            self, client: Client) -> None:
        plan, deals, kw = example_team()
        twice = [*deals, {**deals[0], "owner": "ben", "payee": "ben"}]
        expected = error_of(lambda: plan.evaluate(twice, **kw))
        assert expected == (sp.DataError,
                            f"record {deals[0]['id']!r}, field 'id': two records have this id")
        assert error_of(lambda: spd.evaluate(plan, table(twice, 4), **kw).gather()) == expected

    def test_a_worker_killed_mid_run_is_replaced_and_nothing_is_credited_twice(
            self, client: Client) -> None:
        """The records load slowly, so that the run is under way when the worker holding
        the first credited partition is killed (SIGKILL): the scheduler drops it, Dask runs
        its tasks again on the other worker (or the one its nanny restarts), and the results
        are still exactly one process's, each credit once."""
        plan, team = generated_plan(), generated_team()
        deals = generated(2_000, seed=3)
        parts = [deals[k::6] for k in range(6)]
        before = set(client.scheduler_info()["workers"])
        pids = client.run(os.getpid)
        records = db.from_delayed([dask.delayed(_slowly)(p, 0.25) for p in parts])
        results = spd.evaluate(plan, records, Q1, hierarchy=team)
        futures = client.compute(list(results.frames()))
        victim = None
        deadline = time.monotonic() + 20
        while victim is None and time.monotonic() < deadline:
            held = client.has_what()
            victim = next((w for w, keys in held.items()
                           if any(str(k).startswith("salesperf-credit-") for k in keys)), None)
            time.sleep(0.02)
        assert victim is not None
        assert not all(f.done() for f in futures)
        os.kill(pids[victim], signal.SIGKILL)
        got = spd.Frames.of(*client.gather(futures))
        same(got, spd.frames(plan.evaluate(deals, Q1, hierarchy=team)))
        keys = ["record", "payee", "measure", "kind", "rule"]
        assert not got.credits.duplicated(keys).any()
        assert got.counts["records"].sum() == len(deals)
        assert victim in before
        assert victim not in client.scheduler_info()["workers"]  # it was lost, not idle


def _slowly(records: list[dict[str, Any]], seconds: float) -> list[dict[str, Any]]:
    time.sleep(seconds)
    return records
