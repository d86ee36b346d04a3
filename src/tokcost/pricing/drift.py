"""``tokcost pricing drift``: the hand layer against the maintained source and LiteLLM.

Every hand-kept model (``pricing/*.toml``, not self-hosted) is compared, on ``as_of``, with

* the installed genai-prices (the same model found by id), and
* LiteLLM's price map read from the installed wheel's JSON file (never imported), when present.

Each comparison is one row: ``match``; ``explained`` (the hand entry overrides the maintained
source, or carries a ``drift_reason``, and says why); ``only-here`` (no other source lists the
model: Naver, FriendliAI EXAONE, …); or ``differs`` — an unexplained difference, which makes the
command exit 1. Compared: input, cached input and output in USD per 1M tokens (KRW rows are
compared only when the other source is in KRW, i.e. never).

With LiteLLM installed, the input limit (the effective context) of every default model — the
hand models and ``pricing/featured.toml`` — is also compared with LiteLLM's
``max_input_tokens``: a limit more than 5 % above LiteLLM's would overstate what fits in a
prompt and ``differs`` (GPT-5's 400,000-token total window taken as its input limit was issue
#14's finding 4); a smaller one is ``explained`` (understated, never overstated).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from tokcost.pricing.records import Model, PriceRow
from tokcost.pricing.tables import PriceTables

REL_TOL = 0.005  # 0.5 %: rounding in the sources (e.g. 0.13 for 0.125)
LIMIT_TOL = 0.05  # input limits: 1,000,000 vs 1,048,576 is the same "1M" window


@dataclass(frozen=True)
class DriftRow:
    provider: str
    model: str
    against: str
    status: str  # match | explained | only-here | differs
    ours: str
    theirs: str
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The row as ``tokcost pricing drift`` writes it (``schema.listing.DriftRecord``)."""
        from tokcost.schema.base import checked
        from tokcost.schema.listing import DriftRecord

        return checked(DriftRecord, [dict(self.__dict__)])[0]


def _fmt(row: PriceRow | None) -> str:
    if row is None:
        return "—"
    cached = "—" if row.cached_input is None else f"{row.cached_input:g}"
    return f"{row.input:g} / {cached} / {row.output:g} {row.currency}"


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return True  # one source does not publish it: nothing to compare
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9)


def _agree(ours: PriceRow, theirs: PriceRow) -> bool:
    return (ours.currency == theirs.currency and _same(ours.input, theirs.input)
            and _same(ours.output, theirs.output)
            and _same(ours.cached_input, theirs.cached_input))


def _compare(m: Model, ours: PriceRow, other: Model | None, label: str,
             as_of: date, *, undated: bool = False) -> DriftRow:
    if other is None:
        return DriftRow(m.provider, m.id, label, "only-here", _fmt(ours), "—")
    theirs = other.price_for(as_of, ours.variant) or other.price_for(as_of)
    if theirs is None and undated and other.prices:
        # LiteLLM's map has no dates (its rows are dated the day the wheel was installed):
        # its one price is its current claim, whatever day the drift check is run for
        theirs = other.prices[-1]
    if theirs is None:
        return DriftRow(m.provider, m.id, label, "only-here", _fmt(ours), "no price in force")
    if ours.currency != theirs.currency:
        return DriftRow(m.provider, m.id, label, "only-here", _fmt(ours), _fmt(theirs),
                        "different currency")
    if _agree(ours, theirs):
        return DriftRow(m.provider, m.id, label, "match", _fmt(ours), _fmt(theirs))
    reason = _reason(m, m.override_reason or m.drift_reason)
    return DriftRow(m.provider, m.id, label, "explained" if reason else "differs",
                    _fmt(ours), _fmt(theirs), reason or "")


def _reason(m: Model, reason: str | None) -> str | None:
    """A hand entry's explanation with its citation."""
    if not reason:
        return None
    return f"{reason} [{m.citation}]" if m.citation else reason


def drift(tables: PriceTables, as_of: date, *, litellm: bool = True) -> list[DriftRow]:
    """Every comparison of the hand layer with the maintained source and LiteLLM."""
    from tokcost.pricing.maintained import load_genai_prices

    gp = load_genai_prices()
    ll = None
    if litellm:
        try:
            from tokcost.pricing.extra import load_litellm

            ll = load_litellm()
        except Exception:  # not installed: that comparison is skipped (and said so)
            ll = None
    out: list[DriftRow] = []
    for m in tables.hand_models():
        if m.kind == "self-hosted":
            continue
        ours = m.price_for(as_of)
        if ours is None:
            continue
        # the vendor's own entry only: a reseller's discount is not drift
        other = gp.model(m.id, m.provider) if m.provider in {p.id for p in gp.providers} \
            else None
        out.append(_compare(m, ours, other, gp.label, as_of))
        if ll is not None:
            hit = ll.model(m.id) or ll.model(f"{m.provider}/{m.id}")
            out.append(_compare(m, ours, hit, ll.label, as_of, undated=True))
    if ll is not None:
        for m in tables.default_models():
            if m.kind != "api" or not m.effective_input_limit:
                continue
            hit = ll.model(m.id) or ll.model(f"{m.provider}/{m.id}")
            if hit is not None and hit.effective_input_limit:
                out.append(_compare_limit(m, hit.effective_input_limit, ll.label))
    return out


def _compare_limit(m: Model, theirs: int, label: str) -> DriftRow:
    """Our effective input limit against another source's input limit."""
    ours = m.effective_input_limit or 0
    row = DriftRow(m.provider, m.id, f"{label} (input limit)", "match", f"{ours:,} tokens",
                   f"{theirs:,} tokens")
    if ours > theirs * (1 + LIMIT_TOL):
        reason = _reason(m, m.drift_reason or (m.override_reason if m.input_limit else None))
        return DriftRow(row.provider, row.model, row.against,
                        "explained" if reason else "differs", row.ours, row.theirs,
                        reason or "larger than the other source's input limit: the effective "
                        "context would be overstated (set input_limit with a citation)")
    if ours < theirs * (1 - LIMIT_TOL):
        return DriftRow(row.provider, row.model, row.against, "explained", row.ours, row.theirs,
                        "smaller than the other source's: understated, never overstated")
    return row
