"""Looking ahead: a rep's what-if, payout curves, plan modelling on history, and pacing and
forecasts — pure functions over the host's data, built on the engine's stages.

- `baseline`: a period's records credited once, with the inputs to earn them again;
- `distances`: what lies ahead of a payee — the next tier, gate, cap or curve point;
- `whatif`: hypothetical records for one payee, before and after;
"""

from salesperf._ahead.baseline import Baseline
from salesperf._ahead.distances import Distance, Reach, distances
from salesperf._ahead.whatif import RecordEarning, WhatIf, what_if

__all__ = ["Baseline", "Distance", "Reach", "RecordEarning", "WhatIf", "distances", "what_if"]
