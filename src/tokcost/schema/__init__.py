"""Typed records that cross tokcost's boundaries (issue #15, schema first).

Each stage produces and consumes these models (measurement rows in :mod:`tokcost.schema.measure`,
price, FX, cost and budget rows in :mod:`tokcost.schema.pricing`, count rows in
:mod:`~tokcost.schema.count`, diagnostics rows in :mod:`~tokcost.schema.diagnostics`, check and
diff rows in :mod:`~tokcost.schema.gate`, ``results.json`` in :mod:`~tokcost.schema.report`; the
output records refuse unknown keys and are checked where their rows are made, with
:func:`tokcost.schema.base.checked`, or made there as records: measure, cost and budget rows are
:class:`tokcost.schema.base.Row` records that the stages read by attribute and the renderers take
in their JSON form, ``as_row()``); every input file is read through one too (price tables and
FX in :mod:`tokcost.schema.tables`, the configuration in :mod:`tokcost.schema.config`, baselines
in :mod:`tokcost.schema.results`, the tokenizer catalog in :mod:`tokcost.schema.catalog`, chat
requests in :mod:`tokcost.schema.inputs`); the JSON Schemas under
``docs/schemas/`` are generated from them (``python -m tokcost.schema --write``) and a test fails
when a committed schema is stale. pydantic is imported only by code that builds or validates
records, never by ``tokcost --help``.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tokcost.schema.pricing import BudgetRecord, CostRecord, FxRecord, PriceRecord

__all__ = ["BudgetRecord", "CostRecord", "FxRecord", "PriceRecord"]


def __getattr__(name: str) -> Any:
    """The price records load on first use: importing ``tokcost.schema.catalog`` or
    ``tokcost.schema.measure`` (an unchanged re-run of ``tokcost measure``) does not build them."""
    if name in __all__:
        from tokcost.schema import pricing

        return getattr(pricing, name)
    raise AttributeError(f"module 'tokcost.schema' has no attribute {name!r}")
