"""What ``tokcost pricing list|show`` shows, as typed rows (``schema.listing.PriceListRecord``):
every model's price in force on a date, and one model's price history."""

from __future__ import annotations

from datetime import date
from typing import Any

from tokcost.pricing.fx import FxRate
from tokcost.pricing.records import Model, PriceRow


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


def _checked(row: dict[str, Any]) -> dict[str, Any]:
    from tokcost.schema.base import checked
    from tokcost.schema.listing import PriceListRecord

    return checked(PriceListRecord, [row])[0]  # the row as written: a renamed key fails here
