"""The demo runs over the shipped example data and its figures hold together."""

import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import salesperf as sp
from salesperf._demo import build_report, example_plan, load_example


def test_report_shows_every_rep_and_the_team_total() -> None:
    data = load_example()
    report = build_report(data)
    for payee in data["payees"]:
        assert payee["name"] in report
    rows = [ln for ln in report.splitlines() if re.match(r"  [A-Z][a-zü]+ [A-Z]", ln)
            and ln.count("%") == 1]
    assert len(rows) == len(data["payees"])
    payable = [Decimal(r.split()[-1].replace(",", "")) for r in rows]
    total_line = next(ln for ln in report.splitlines() if "team total" in ln)
    assert sum(payable) == Decimal(total_line.split()[-1].replace(",", ""))


def test_report_accounts_for_every_deal() -> None:
    data = load_example()
    report = build_report(data)
    match = re.search(r"(\d+) deals: (\d+) credited, (\d+) excluded", report)
    assert match is not None
    total, credited, excluded = map(int, match.groups())
    assert total == len(data["deals"]) == credited + excluded


def test_report_is_deterministic() -> None:
    data = load_example()
    assert build_report(data) == build_report(data)


def test_the_demo_plan_is_the_shipped_example_plan_document() -> None:
    """examples/plan.json, which the docs and CLI tests use, is the demo's plan."""
    document = Path(__file__).parent.parent / "examples" / "plan.json"
    assert sp.loads_plan(document.read_text("utf-8")) == example_plan()


def test_command_line_demo_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "salesperf", "demo"], capture_output=True,
                          text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "leaderboard" in done.stdout
    assert done.stderr == ""
