"""Crediting, the first stage: every record is credited to payees for measures, or excluded
with its reason. Later stages read the credits (and the facts crediting carries forward:
which SPIFFs a record qualifies for, the records attributed to a payee for KPI metrics),
never the raw records again.

The pass itself is `stage`; `rows` is what it produces, `rules` how it finds a record's
rule, `clawbacks` how a reversal takes back what a record earned.
"""

from salesperf._engine.crediting.rows import (
    AMOUNT,
    CREDIT_COLUMNS,
    DATE,
    FACTOR,
    KIND,
    MEASURE,
    PAYEE,
    RECORD,
    REVERSES,
    RULE,
    SEQ,
    SHARE,
    SPIFFS,
    WHOLE,
    Credit,
    CreditKind,
    CreditList,
    CreditRow,
    Credits,
    Exclusion,
    Reversal,
)
from salesperf._engine.crediting.stage import Crediting, Dates

__all__ = ["AMOUNT", "CREDIT_COLUMNS", "DATE", "FACTOR", "KIND", "MEASURE", "PAYEE", "RECORD",
           "REVERSES", "RULE", "SEQ", "SHARE", "SPIFFS", "WHOLE", "Credit", "CreditKind",
           "CreditList", "CreditRow", "Crediting", "Credits", "Dates", "Exclusion", "Reversal"]
