"""The commission engine: compile a plan once, then evaluate it over a period's records.

The data flows one way, a module per stage:

- `crediting`: records → credits (or exclusions, each with its reason), clawbacks included;
- `earning`: credits → what each component earns (rate tables in `rates`, commissions,
  SPIFFs, bonuses, with their gates and caps), as exact lines rounded cumulatively;
- `holdbacks`: of those earnings, what is released to be paid by each period's end;
- `payments`: released earnings → what is payable after the year-to-date true-up, settled
  with draws and the balance the payee owes, and what is paid;
- `statements`: the lines, statements and the evaluation a host reads, with traces and
  sentences written by `explain` when read.

`inputs` holds what the host supplies besides records, `versions` what changes with the
version of a plan in force on a day; `compiled` is the front door.
"""

from salesperf._engine.compiled import CompiledPlan, Credited, compile_plan
from salesperf._engine.crediting import Credit, CreditKind, Exclusion
from salesperf._engine.inputs import Assignment, Draw, Quota, Receipt, TargetIncentive
from salesperf._engine.statements import ComponentTotal, Evaluation, Line, Statement

__all__ = [
    "Assignment",
    "CompiledPlan",
    "ComponentTotal",
    "Credit",
    "CreditKind",
    "Credited",
    "Draw",
    "Evaluation",
    "Exclusion",
    "Line",
    "Quota",
    "Receipt",
    "Statement",
    "TargetIncentive",
    "compile_plan",
]
