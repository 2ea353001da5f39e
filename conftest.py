"""Names every doctest (docstrings, README and docs/*.md) may use without importing them."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

import salesperf


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict[str, Any]) -> None:
    doctest_namespace.update(dt=datetime, Decimal=Decimal, sp=salesperf)
