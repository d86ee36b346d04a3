"""What ``tokcost pricing list|show|fx`` shows, as typed rows (``schema.listing``): every
model's price in force on a date (``PriceListRecord``), one model's price history and header
(``PriceShowRecord``), and the KRW/USD rates (``FxListRecord``, ``FxEnvelopeRecord``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tokcost.pricing.fx import FxRate, Money
from tokcost.pricing.records import Model, PriceRow

if TYPE_CHECKING:
    from tokcost.pricing.tables import PriceTables


def price_row(model: Model, row: PriceRow | None, *, as_of: date, currency: str | None = None,
              fx: FxRate | None = None, vat: bool = False) -> dict[str, Any]:
    """One model and one price row (None = unpriced on ``as_of``: every price None, never 0),
    converted to ``currency`` at ``fx`` and with Korean VAT when asked."""
    from tokcost.pricing import KOREA_VAT

    out: dict[str, Any] = {
        "provider": model.provider, "model": model.id, "name": model.name,
        "tokenizer": model.tokenizer, "currency": None, "input": None, "cached_input": None,
        "output": None, "effective": None, "end": None, "source": None, "confidence": None,
        "variant": None, "default": False, "cache_write": None, "batch_discount": None,
        "tiers": [], "listed_currency": None, "kind": model.kind,
        "deprecated": model.deprecated.isoformat() if model.deprecated else None,
        "status": "unpriced", "vat_included": False, "self_hosted": None,
        "notes": f"no price row in force on {as_of}",
        "tokenizer_match": model.match, "context_window": model.context_window,
        "input_limit": model.input_limit, "retired": model.retired(as_of),
        "override_reason": model.override_reason, "citation": model.citation,
        "price_source": None, "price_date": None,
        "price_age_days": None, "price_confidence": None, "price_variant": None,
        "price_window": None,
    }
    if row is not None:
        shown = row
        if currency and currency != row.currency:
            if fx is None:
                raise ValueError(f"converting {row.currency} to {currency} needs an FX rate")
            shown = shown.in_currency(currency, fx)
        if vat:
            shown = shown.scaled(1 + KOREA_VAT)
        d = shown.as_dict()
        d.pop("file", None)
        d.pop("snapshots", None)
        out.update(d)
        out.update(status="priced", vat_included=vat)
        out.update(price_source=row.price_source, price_date=row.shown_date.isoformat(),
                   price_age_days=row.age_days(as_of), price_confidence=row.confidence,
                   price_variant=row.variant or "standard", price_window=row.window)
    return _checked(out)


def price_list(models: list[Model], *, as_of: date, currency: str | None = None,
               fx: FxRate | None = None, vat: bool = False) -> list[dict[str, Any]]:
    """Every model's price in force on ``as_of``: the standard row, then each other variant in
    force (off-peak, batch …); a model with none is one unpriced row."""
    rows: list[dict[str, Any]] = []
    for m in models:
        std = m.price_for(as_of)
        chosen = [std] if std else []
        for v in m.variants(as_of):
            r = m.price_for(as_of, v)
            if r is not None and r is not std:
                chosen.append(r)
        if not chosen:
            rows.append(price_row(m, None, as_of=as_of))
        for r in chosen:
            rows.append(price_row(m, r, as_of=as_of, currency=currency, fx=fx, vat=vat))
    return rows


def price_history(model: Model, *, as_of: date, currency: str | None = None,
                  fx: FxRate | None = None, vat: bool = False) -> list[dict[str, Any]]:
    """Every price row of one model (history, variants, tiers, user rows), each with whether it
    is in force on ``as_of``, whether it is the one used, and where it was read from."""
    std = model.price_for(as_of)
    rows = []
    for r in model.prices:
        d = price_row(model, r, as_of=as_of, currency=currency, fx=fx, vat=vat)
        d.update(in_force=r.in_force(as_of), used=r is std, file=r.origin, line=r.line,
                 snapshots=list(r.snapshots), notes=r.notes)
        rows.append(_checked(d))
    return rows


def price_show(model: Model, *, as_of: date, currency: str | None = None,
               fx: FxRate | None = None, vat: bool = False) -> dict[str, Any]:
    """The model header ``tokcost pricing show`` writes around :func:`price_history` (the
    envelope of ``tokcost/pricing-show/1``): the model, the options, and the price in force."""
    from tokcost.schema.base import checked
    from tokcost.schema.listing import PriceShowRecord

    # ``retired`` on the day asked, as every price row says it (the model's own flag alone
    # missed a deprecation date already past)
    info = {**model.as_dict(), "retired": model.retired(as_of), "as_of": as_of.isoformat(),
            "currency": currency,
            "vat_included": vat, "fx": fx.as_dict() if fx else None,
            "price_in_force": price_row(model, model.price_for(as_of), as_of=as_of,
                                        currency=currency, fx=fx, vat=vat)}
    return checked(PriceShowRecord, [info])[0]


@dataclass(frozen=True)
class FxListing:
    """What ``tokcost pricing fx`` shows: ``rows`` (``FxListRecord``), the envelope's fields
    ``info`` (``FxEnvelopeRecord``), the rate ``used`` and, with an amount, the amount and its
    conversion."""

    rows: list[dict[str, Any]]
    info: dict[str, Any]
    used: FxRate
    conversion: tuple[Money, Money] | None


def fx_listing(tables: PriceTables, *, as_of: date | None = None, fx: float | None = None,
               amount: float | None = None, from_currency: str = "USD",
               vat: bool = False) -> FxListing:
    """The KRW/USD rates of ``tables`` and the one used on ``as_of`` (the default rate without
    a date; ``fx`` overrides it and is listed after the tables' rates); with ``amount`` (in
    ``from_currency``), the amount converted to the other currency at that rate, with Korean
    VAT when ``vat``."""
    from tokcost.pricing.fx import apply_vat, check_currency, convert
    from tokcost.schema.base import checked
    from tokcost.schema.listing import FxEnvelopeRecord, FxListRecord

    used = tables.fx_rate(as_of, fx)
    rows = [{**r.as_dict(), "used": r == used} for r in tables.rates]
    if fx is not None:
        rows.append({**used.as_dict(), "used": True})
    info: dict[str, Any] = {"as_of": as_of.isoformat() if as_of else None,
                            "used": used.as_dict()}
    conversion = None
    if amount is not None:
        cur = check_currency(from_currency)
        money = Money(amount, cur)
        other = convert(money, "KRW" if cur == "USD" else "USD", used)
        if vat:
            money, other = apply_vat(money), apply_vat(other)
        info["conversion"] = {"from": money.as_dict(), "to": other.as_dict()}
        conversion = (money, other)
    checked(FxEnvelopeRecord, [info])
    return FxListing(checked(FxListRecord, rows), info, used, conversion)


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    from tokcost.schema.base import checked
    from tokcost.schema.listing import PriceListRecord

    return checked(PriceListRecord, [row])[0]  # the row as written: a renamed key fails here
