"""Plan versions: what changes with the version of a plan in force on a day.

A plan may come in effective-dated versions. Each record is credited and earns under the
version in force on its date, while cumulative measures and year-to-date windows run on
across the change; a period line (a bonus, a floor, a true-up) uses the version in force on
its own day.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from salesperf._errors import Problem
from salesperf._plans import Commission, Plan

__all__ = ["Versions", "check_versions", "of_plans"]

_T = TypeVar("_T")
_U = TypeVar("_U")
_DAY = dt.timedelta(days=1)


class Versions(Generic[_T]):
    """One item per plan version; version i is in force from ``starts[i - 1]`` on, and its
    number (the plan's `version`) is ``numbers[i]``."""

    __slots__ = ("items", "numbers", "starts")

    def __init__(self, items: Sequence[_T], starts: Sequence[dt.date] = (),
                 numbers: Sequence[int] = (1,)) -> None:
        self.items, self.starts, self.numbers = tuple(items), tuple(starts), tuple(numbers)

    @property
    def single(self) -> bool:
        return len(self.items) == 1

    def index(self, day: dt.date) -> int:
        return bisect.bisect_right(self.starts, day)

    def at(self, day: dt.date) -> _T:
        """The item of the version in force on `day`."""
        return self.items[bisect.bisect_right(self.starts, day)] if self.starts else self.items[0]

    def number(self, day: dt.date) -> int:
        """The number of the version in force on `day`."""
        return self.numbers[self.index(day)]

    def map(self, fn: Callable[[_T], _U]) -> Versions[_U]:
        return Versions([fn(item) for item in self.items], self.starts, self.numbers)


def of_plans(plans: Sequence[Plan]) -> Versions[Plan]:
    """The versions of a plan, checked (see `check_versions`)."""
    return Versions(plans, [p.effective_from for p in plans[1:] if p.effective_from],
                    [p.version for p in plans])


#: What a component must keep across versions: only its amounts and terms may change.
_KEPT = ("measure", "application", "window", "holdback")
#: What a plan must keep across versions.
_PLAN_KEPT = ("id", "currency", "rounding", "calendar", "frequency", "payments", "proration")


def check_versions(plans: Sequence[Plan]) -> list[Problem]:
    """Every problem of a set of versions of one plan, each with its path
    (``versions[1].effective_from: …``): each version's own, then how they fit together —
    in order of their effective dates, one after another without a gap, the same plan with
    the same components, changing only what each pays."""
    out: list[Problem] = []
    for i, plan in enumerate(plans):
        out.extend(plan.problems(f"versions[{i}]"))
    if not plans:
        return [Problem("versions", "needs at least one version of the plan")]
    first = plans[0]
    for i, plan in enumerate(plans[1:], start=1):
        at = f"versions[{i}]"
        before = plans[i - 1]
        out.extend(Problem(f"{at}.{name}", f"must be the same in every version, as in "
                           f"versions[0]: {getattr(first, name)!r}")
                   for name in _PLAN_KEPT if getattr(plan, name) != getattr(first, name))
        if plan.version <= before.version:
            out.append(Problem(f"{at}.version", f"must be greater than {before.version}, got "
                               f"{plan.version}"))
        if plan.effective_from is None:
            out.append(Problem(f"{at}.effective_from", "a later version needs the date it "
                               "takes effect"))
        elif before.effective_from is not None and plan.effective_from <= before.effective_from:
            out.append(Problem(f"{at}.effective_from", f"must be after {before.effective_from}, "
                               f"when versions[{i - 1}] takes effect"))
        elif before.effective_until is not None and (
                before.effective_until != plan.effective_from - _DAY):
            out.append(Problem(f"versions[{i - 1}].effective_until", "must be the day before "
                               f"the next version takes effect ({plan.effective_from}), or left "
                               "open"))
        ours = [(c.id, type(c).__name__) for c in plan.components]
        theirs = [(c.id, type(c).__name__) for c in first.components]
        if ours != theirs:
            out.append(Problem(f"{at}.components", "every version has the same components, "
                               f"in the same order: {', '.join(i for i, _ in theirs)}"))
            continue
        for j, (comp, was) in enumerate(zip(plan.components, first.components, strict=True)):
            if isinstance(comp, Commission) and isinstance(was, Commission):
                out.extend(Problem(f"{at}.components[{j}].{name}", "must be the same in every "
                                   f"version, as in versions[0]: {getattr(was, name)!r}")
                           for name in _KEPT if getattr(comp, name) != getattr(was, name))
    return out
