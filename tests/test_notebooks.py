"""The notebooks in docs/ run from top to bottom in a fresh kernel, as a reader runs them
(issue 15), and show what the library computes when called directly.

Each notebook runs once, in a kernel on this test's interpreter (ipykernel's own kernel
spec, whatever kernels the machine has installed elsewhere), with matplotlib's Agg backend so
that no display is needed. A last cell, added here and not stored, reports what the kernel
holds: its interpreter and every chart's data (titles, tick labels, lines, bars).

The team-quarter notebook's figures come from the example request evaluated directly
(`EvaluationRequest.evaluate`, records from the request document rather than the CSV export
through pandas): 389,917.20 payable in total, Ivan first with 66,515.05. Its payout curve is
the commission alone at a quota of 450,000: 100 % attainment pays 450,000 × (50 % × 3 % +
50 % × 5 %) = 18,000, 150 % pays 18,000 + 50 % × 450,000 × 8 % = 36,000, and from 190 %
(36,000 + 40 % × 450,000 × 10 %) the cap holds pay at three times 18,000, 54,000.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import nbformat
import numpy as np
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbformat.v4 import new_code_cell

import salesperf as sp
import salesperf.plot as spp
from salesperf import examples

ROOT = Path(__file__).parent.parent
NOTEBOOKS = sorted((ROOT / "docs").rglob("*.ipynb"))
CELL_TIMEOUT = 60  # seconds; the longest cell takes well under one

# What the kernel holds after the notebook: printed as JSON by a cell the test appends.
PROBE = """
import json as _json, sys as _sys
import matplotlib as _mpl, matplotlib.pyplot as _plt
from matplotlib.patches import Rectangle as _Rectangle
_charts = []
for _number in _plt.get_fignums():
    for _ax in _plt.figure(_number).axes:
        _charts.append({
            "title": _ax.get_title(),
            "xticks": [t.get_text() for t in _ax.get_xticklabels()],
            "yticks": [t.get_text() for t in _ax.get_yticklabels()],
            "lines": [[[float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()]]
                      for line in _ax.get_lines()],
            "bars": [[float(v) for v in (p.get_x(), p.get_y(), p.get_width(), p.get_height())]
                     for p in _ax.patches if isinstance(p, _Rectangle)],
        })
print(_json.dumps({"prefix": _sys.prefix, "backend": _mpl.get_backend(), "charts": _charts}))
"""


class Run(NamedTuple):
    notebook: NotebookNode  # with the outputs of every cell
    report: dict[str, Any]  # the probe's: the kernel's interpreter and the charts' data


def execute(path: Path) -> Run:
    """The notebook executed in a fresh kernel in its own folder, and the probe's report."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_code_cell(PROBE))
    # Only ipykernel's own spec, which starts `sys.executable`: a "python3" kernel spec
    # installed for the user or the system may run another interpreter.
    kernel = AsyncKernelManager(kernel_name="python3",
                                kernel_spec_manager=KernelSpecManager(kernel_dirs=[]))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("MPLBACKEND", "Agg")
        NotebookClient(nb, km=kernel, timeout=CELL_TIMEOUT, shutdown_kernel="immediate",
                       resources={"metadata": {"path": str(path.parent)}},
                       ).execute(cleanup_kc=True)  # given a manager, it would leave the kernel
    probe = nb.cells.pop()
    (printed,) = [o["text"] for o in probe.outputs if o.get("name") == "stdout"]
    return Run(nb, json.loads(printed))


@pytest.fixture(scope="module")
def runs() -> dict[Path, Run]:
    return {path: execute(path) for path in NOTEBOOKS}


def test_the_docs_have_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == ["team-quarter.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestEveryNotebook:
    def test_it_is_stored_without_outputs(self, path: Path) -> None:
        """Outputs would make the repository large and every diff noisy."""
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code
        assert [c.id for c in code if c.outputs or c.execution_count is not None] == []

    def test_it_runs_without_errors_or_warnings_on_this_interpreter(self, path: Path,
                                                        runs: dict[Path, Run]) -> None:
        nb, report = runs[path]
        code = [c for c in nb.cells if c.cell_type == "code"]
        errors = [(c.id, o.get("ename")) for c in code for o in c.outputs
                  if o["output_type"] == "error"]
        assert errors == []  # NotebookClient raises on the first error too
        warnings = [(c.id, o["text"]) for c in code for o in c.outputs
                    if o.get("name") == "stderr"]
        assert warnings == []  # a reader would see them in red
        assert all(c.execution_count for c in code)
        assert report["prefix"] == sys.prefix
        assert report["backend"].lower() == "agg"


@pytest.fixture(scope="module")
def direct() -> sp.Evaluation:
    """The example request evaluated directly, its records read from the request document."""
    request, records = examples.request()
    return request.evaluate(records)


def output(nb: NotebookNode, cell_id: str, kind: str = "text/plain") -> str:
    """What the cell `cell_id` displays as its result."""
    (cell,) = [c for c in nb.cells if c.id == cell_id]
    (result,) = [o for o in cell.outputs if o["output_type"] == "execute_result"]
    text: str = result["data"][kind]
    return text


def chart(report: dict[str, Any], title: str) -> dict[str, Any]:
    """The one chart whose title starts with `title`."""
    (found,) = [c for c in report["charts"] if c["title"].startswith(title)]
    chosen: dict[str, Any] = found
    return chosen


class TestTeamQuarter:
    """The team-quarter notebook shows what evaluating the example request directly gives."""

    @pytest.fixture
    def run(self, runs: dict[Path, Run]) -> Run:
        return runs[ROOT / "docs" / "notebooks" / "team-quarter.ipynb"]

    def test_the_exact_total_payable_is_the_direct_evaluations(
            self, run: Run, direct: sp.Evaluation) -> None:
        total = sum((s.payable for s in direct.statements), Decimal(0))
        assert total == Decimal("389917.20")
        assert output(run.notebook, "total-payable") == repr(total)

    def test_a_statement_shows_as_html_with_the_payees_name(self, run: Run) -> None:
        html = output(run.notebook, "statement", "text/html")
        assert "<caption>Statement for ben (Ben Okafor), 2026-Q1 (USD)</caption>" in html

    def test_four_charts_are_drawn(self, run: Run) -> None:
        assert [c["title"] for c in run.report["charts"]] == [
            "ae-2026: payout against attainment (quota 450,000)", "Attainment of 12 payees",
            "Top 12 of 12", "ben, 2026-Q1: from earnings to pay"]

    def test_the_payout_curve_is_capped_at_three_times_the_pay_at_quota(self, run: Run) -> None:
        xs, ys = chart(run.report, "ae-2026")["lines"][0]
        pay = dict(zip(xs, ys, strict=True))
        assert pay[1.0] == 18_000
        assert pay[1.5] == 36_000
        assert max(ys) == pay[1.9] == pay[2.0] == 54_000

    def test_the_attainment_histogram_counts_revenue_against_quota(
            self, run: Run, direct: sp.Evaluation) -> None:
        request, _ = examples.request()
        quota = {q.payee: q.amount for q in request.quotas if q.measure == "revenue"}
        credited = dict.fromkeys(quota, Decimal(0))
        for c in direct.credits:
            if c.measure == "revenue":
                credited[c.payee] += c.amount
        counts, _ = np.histogram([float(credited[p] / quota[p]) for p in quota],
                                 bins=[0, 0.5, 1, 1.5, 2])
        heights = [bar[3] for bar in chart(run.report, "Attainment")["bars"]]
        assert heights == counts.tolist() == [1, 4, 5, 2]

    def test_the_leaderboard_ranks_payees_by_what_is_payable(
            self, run: Run, direct: sp.Evaluation) -> None:
        ranked = sorted(direct.statements, key=lambda s: (-s.payable, s.payee))
        board = chart(run.report, "Top")
        assert board["yticks"] == [s.payee for s in ranked]
        assert board["yticks"][0] == "ivan"
        assert [bar[2] for bar in board["bars"]] == [float(s.payable) for s in ranked]

    def test_the_waterfall_steps_are_bens_statement(self, run: Run,
                                                   direct: sp.Evaluation) -> None:
        ben = direct.statement("ben")
        steps = spp.waterfall_steps(ben)
        waterfall = chart(run.report, "ben")
        assert waterfall["xticks"] == [*(name for name, _ in steps), "paid"]
        assert [bar[3] for bar in waterfall["bars"]] == [*(float(v) for _, v in steps),
                                                         float(ben.paid)]
