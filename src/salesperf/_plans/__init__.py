"""Plan definitions: frozen data describing crediting and the components that pay.

Nothing here computes a payout; `salesperf._engine` compiles a plan into functions once and
evaluates it. Every class validates itself with `problems(path)`, and `Plan.problems()` adds
what only the whole plan shows, so that loading or compiling a plan can report every problem
in it at once, each with its path.
"""

from salesperf._plans.components import (
    Application,
    BoundBasis,
    Cap,
    Commission,
    Component,
    Gate,
    Holdback,
    KpiBonus,
    KpiItem,
    Multiplier,
    RateTable,
    Spiff,
    TargetBonus,
    Tier,
    TierMode,
    Window,
)
from salesperf._plans.crediting import CreditRule, Overlay, Rollup
from salesperf._plans.plan import BalancePolicy, PaymentTerms, Plan

__all__ = [
    "Application",
    "BalancePolicy",
    "BoundBasis",
    "Cap",
    "Commission",
    "Component",
    "CreditRule",
    "Gate",
    "Holdback",
    "KpiBonus",
    "KpiItem",
    "Multiplier",
    "Overlay",
    "PaymentTerms",
    "Plan",
    "RateTable",
    "Rollup",
    "Spiff",
    "TargetBonus",
    "Tier",
    "TierMode",
    "Window",
]
