"""Typed records (pydantic) for tokcost's rows: one definition, every output format.

Issue #15 ("typed records") starts here with price, cost and budget rows; see
:mod:`tokcost.schema.pricing`.
"""

from tokcost.schema.pricing import BudgetRecord, CostRecord, FxRecord, PriceRecord

__all__ = ["BudgetRecord", "CostRecord", "FxRecord", "PriceRecord"]
