"""tokcost's price layer: dated, cited price tables, exchange rates and money.

Typical use (the ``cost`` and ``budget`` commands build on exactly this)::

    from datetime import date
    from tokcost.pricing import load_tables, price_for, fx_rate, convert, Money

    tables = load_tables(user_files=["negotiated.toml"])      # or load_tables() for shipped only
    row = tables.price_for("gpt-5.4", date(2026, 11, 1))      # PriceRow | None (None = unpriced)
    if row is not None:
        usd = row.cost(input_tokens=300_000, output_tokens=2_000)   # tier chosen by input tokens
        krw = convert(usd, "KRW", tables.fx_rate())                   # Money(…, "KRW")

Prices are per 1,000,000 tokens in the row's published currency (USD or KRW). A model or date
without a row in force is *unpriced*: every lookup returns None, never 0. VAT is never included
unless :func:`apply_vat` is called. See docs/pricing.md for the file schema and the rules.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from tokcost.errors import TokcostError
from tokcost.pricing.fx import (
    CURRENCIES,
    KOREA_VAT,
    FxRate,
    Money,
    apply_vat,
    override_rate,
)
from tokcost.pricing.fx import convert as _convert
from tokcost.pricing.records import (
    CONFIDENCE,
    PER_TOKENS,
    Model,
    PriceRow,
    Provider,
    Rates,
    SelfHosted,
    SelfHostedOverride,
    Tier,
)
from tokcost.pricing.tables import Issue, PriceTables, validate
from tokcost.pricing.tables import (
    load_tables as _load_tables,
)

__all__ = [
    "CONFIDENCE",
    "CURRENCIES",
    "KOREA_VAT",
    "PER_TOKENS",
    "FxRate",
    "Issue",
    "Model",
    "Money",
    "PriceRow",
    "PriceTables",
    "Provider",
    "Rates",
    "SelfHosted",
    "SelfHostedOverride",
    "Tier",
    "apply_vat",
    "convert",
    "fx_rate",
    "load_tables",
    "price_for",
    "validate",
]


def price_for(model_id: str, as_of: date, variant: str | None = None, *,
              provider: str | None = None, tables: PriceTables | None = None) -> PriceRow | None:
    """The price row in force for ``model_id`` (an id or alias) on ``as_of``.

    ``variant=None`` gives the standard price (the row without a variant, else the variant row
    marked default). Returns None for an unknown model, a date before its first row or after its
    last row ends, or a variant not in force: never a zero price. ``tables`` defaults to the
    shipped tables (``load_tables()``).
    """
    return (tables or load_tables()).price_for(model_id, as_of, variant, provider=provider)


def fx_rate(as_of: date | None = None, override: float | None = None, *,
            tables: PriceTables | None = None) -> FxRate:
    """The KRW/USD rate: ``override`` (``--fx``) if given, else the default rate of fx.toml
    (with ``as_of``: the latest rate dated on or before it, falling back to the default)."""
    if override is not None:
        return override_rate(override, as_of)
    return (tables or load_tables()).fx_rate(as_of)


def convert(money: Money, to: str, fx: FxRate | float | None = None) -> Money:
    """``money`` in currency ``to`` (USD or KRW). ``fx`` is an :class:`FxRate`, a KRW-per-USD
    number, or None for the default rate of the shipped fx table."""
    return _convert(money, to, fx if fx is not None else fx_rate())


def data_files() -> list[Path]:
    """The shipped price table files."""
    from tokcost.pricing.tables import shipped_files

    return shipped_files()


def load_tables(user_files: Iterable[str | Path] = (), extra: str | None = None, *,
                self_hosted: SelfHostedOverride | None = None) -> PriceTables:
    """Load the price view: genai-prices for global vendors, the shipped hand layer, then
    ``user_files`` (later files win), strictly validated; ``extra="litellm"`` adds LiteLLM's
    bundled price map for ids nothing else has (it never overrides). One-line
    :class:`~tokcost.errors.PricingError` on the first error (``tokcost pricing validate`` lists
    them all)."""
    source = None
    if extra is not None:
        if extra != "litellm":
            raise TokcostError(f"unknown extra price source {extra!r}", hint="the only one is litellm")
        from tokcost.pricing.extra import load_litellm

        source = load_litellm()
    return _load_tables(user_files, source, self_hosted=self_hosted)
