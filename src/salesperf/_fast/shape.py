"""Which plans the accelerated path evaluates, and why it leaves the others to the pure
engine: one function, read by `CompiledPlan.explain_path` and by the accelerated path
itself. Imports nothing of NumPy, so that a plan's path can be explained without it."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

from salesperf._plans import Application, Commission, Plan, Spiff, Window

__all__ = ["plan_reasons"]


def plan_reasons(versions: Sequence[Plan]) -> list[str]:
    """Why the plan (its versions, in order) is evaluated on the pure path; empty when the
    accelerated path evaluates it.

    The accelerated path evaluates one plan version with crediting rules for one measure
    (each with its factor), cumulative commissions over each period (marginal,
    retroactive or hybrid tiers, bounded by amounts or by attainment, rates >= 0) with or
    without a cap per period, at a multiple of the target incentive or of the earnings at
    an attainment, and SPIFFs of a fixed amount or a rate.
    """
    out: list[str] = []
    if importlib.util.find_spec("numpy") is None:
        out.append("NumPy is not installed (install the extra: pip install 'salesperf[fast]')")
    if len(versions) != 1:
        out.append(f"the plan has {len(versions)} effective-dated versions")
    plan = versions[-1]
    if len({r.measure for r in plan.credit_rules}) != 1:
        out.append("the crediting rules credit more than one measure")
    if plan.extra_credit:
        out.append("the plan has overlays or roll-ups")
    if plan.ramp:
        out.append("the plan ramps new hires' quotas")
    for comp in plan.components:
        where = f"component {comp.id!r}"
        if isinstance(comp, Spiff):
            continue
        if not isinstance(comp, Commission):
            out.append(f"{where} is a {type(comp).__name__}, not a commission or a SPIFF")
            continue
        if comp.application is not Application.CUMULATIVE:
            out.append(f"{where} pays record by record, not cumulatively")
        if comp.window is not Window.PERIOD:
            out.append(f"{where} has a year-to-date window (true-ups)")
        if comp.gate is not None:
            out.append(f"{where} has a gate")
        if comp.multiplier is not None:
            out.append(f"{where} has a multiplier")
        if comp.floor is not None:
            out.append(f"{where} has a floor")
        if comp.holdback is not None:
            out.append(f"{where} holds back earnings")
        if comp.cap is not None and comp.cap.per_record is not None:
            out.append(f"{where} caps each record")
        tiers = comp.rates.tiers
        if any(t.rate < 0 for t in tiers) or any(t.lower < 0 for t in tiers):
            out.append(f"{where} has a negative rate or tier bound")
    return out
