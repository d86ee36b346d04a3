"""The typed price records: a model, its dated price rows and tiers, self-hosted assumptions.

Shared by the hand tables (``tables.py``) and the maintained source (``maintained.py``), which
both build them: a module of its own so that neither imports the other's internals."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from tokcost.errors import PricingError
from tokcost.pricing.fx import FxRate, Money, convert

PER_TOKENS = 1_000_000
CONFIDENCE = ("high", "medium", "low", "assumption")
TOKENIZER_CONFIDENCE = ("high", "medium", "low")


@dataclass(frozen=True)
class Tier:
    """Prices (per 1M tokens, in the row's currency) for prompts above ``above_input_tokens``."""

    above_input_tokens: int
    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None


@dataclass(frozen=True)
class Rates:
    """The per-1M-token prices that apply to one request (after tier selection).

    ``tier`` is the ``above_input_tokens`` threshold that applied, or None for the base price.
    ``cached_input`` / ``cache_write`` are None when none is published.
    """

    currency: str
    input: float
    output: float
    cached_input: float | None = None
    cache_write: float | None = None
    tier: int | None = None

    def cost(self, input_tokens: int, output_tokens: int, cached_input_tokens: int = 0) -> Money:
        """Money for one request. ``input_tokens`` counts the whole prompt, cached part included.

        Cached tokens are charged at ``cached_input``; when no cache price is published they are
        charged at the full ``input`` price (no discount is assumed).
        """
        if min(input_tokens, output_tokens, cached_input_tokens) < 0:
            raise PricingError("token counts cannot be negative")
        if cached_input_tokens > input_tokens:
            raise PricingError("cached_input_tokens exceeds input_tokens",
                               hint="input_tokens counts the whole prompt, cached part included")
        cached_rate = self.cached_input if self.cached_input is not None else self.input
        amount = ((input_tokens - cached_input_tokens) * self.input
                  + cached_input_tokens * cached_rate + output_tokens * self.output) / PER_TOKENS
        return Money(amount, self.currency)


@dataclass(frozen=True)
class SelfHosted:
    """An assumed self-hosted deployment from which a per-token price is derived.

    ``output_tokens_per_s`` and ``prompt_tokens_per_s`` are aggregate rates of the whole
    deployment. ``overridden`` names the values replaced on the command line.
    """

    gpu: str
    gpu_count: int
    gpu_hourly_usd: float
    output_tokens_per_s: float
    prompt_tokens_per_s: float
    serving: str = ""
    overridden: tuple[str, ...] = ()

    @property
    def hourly_usd(self) -> float:
        """Cost of the whole deployment per hour, USD."""
        return self.gpu_count * self.gpu_hourly_usd

    @staticmethod
    def per_million(hourly_usd: float, tokens_per_s: float) -> float:
        """hourly cost / (tokens/s × 3600) × 1e6."""
        return hourly_usd / (tokens_per_s * 3600) * PER_TOKENS

    @property
    def input_per_1m(self) -> float:
        return self.per_million(self.hourly_usd, self.prompt_tokens_per_s)

    @property
    def output_per_1m(self) -> float:
        return self.per_million(self.hourly_usd, self.output_tokens_per_s)

    def as_dict(self) -> dict[str, Any]:
        return {
            "gpu": self.gpu, "gpu_count": self.gpu_count, "gpu_hourly_usd": self.gpu_hourly_usd,
            "hourly_usd": self.hourly_usd, "output_tokens_per_s": self.output_tokens_per_s,
            "prompt_tokens_per_s": self.prompt_tokens_per_s, "serving": self.serving,
            "overridden": list(self.overridden),
        }


@dataclass(frozen=True)
class SelfHostedOverride:
    """Command-line replacements for every self-hosted entry's assumptions (None = keep)."""

    gpu_hourly_usd: float | None = None
    output_tokens_per_s: float | None = None
    prompt_tokens_per_s: float | None = None

    def __post_init__(self) -> None:
        for name, flag in (("gpu_hourly_usd", "--gpu-hourly"),
                           ("output_tokens_per_s", "--throughput"),
                           ("prompt_tokens_per_s", "--prompt-throughput")):
            value = getattr(self, name)
            if value is not None and not (value > 0 and math.isfinite(value)):
                raise PricingError(f"{flag} {value!r} must be a positive number",
                                   hint=f"e.g. {flag} 2.5" if flag == "--gpu-hourly"
                                   else f"e.g. {flag} 1500")

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.gpu_hourly_usd, self.output_tokens_per_s,
                                           self.prompt_tokens_per_s))

    def apply(self, spec: SelfHosted) -> SelfHosted:
        changed: dict[str, float] = {}
        for name in ("gpu_hourly_usd", "output_tokens_per_s", "prompt_tokens_per_s"):
            value = getattr(self, name)
            if value is not None:
                changed[name] = float(value)
        if not changed:
            return spec
        return replace(spec, **changed, overridden=tuple(sorted(changed)))  # type: ignore[arg-type]


@dataclass(frozen=True)
class PriceRow:
    """One dated price of one model (per 1,000,000 tokens, in ``currency``).

    ``layer`` is 0 for the shipped tables, 1.. for user files in the order given (higher wins),
    and -1 for an extra source such as LiteLLM. ``origin`` is the file (or source) it came from.
    ``converted_from`` is set on copies made by :meth:`in_currency`.
    """

    provider: str
    model: str
    effective: date
    currency: str
    input: float
    output: float
    source: str
    confidence: str
    end: date | None = None
    cached_input: float | None = None
    cache_write: float | None = None
    batch_discount: float | None = None
    variant: str | None = None
    default: bool = False
    snapshots: tuple[str, ...] = ()
    notes: str = ""
    tiers: tuple[Tier, ...] = ()
    self_hosted: SelfHosted | None = None
    origin: str = ""
    line: int | None = None
    layer: int = 0
    converted_from: str | None = None
    window: str | None = None  # time-of-day window(s) of a peak / off-peak variant
    price_date: date | None = None  # the date shown (defaults to effective)

    @property
    def price_source(self) -> str:
        """Where the row came from: the maintained source's label, or the hand file."""
        return self.source if self.layer < 0 else (self.origin or self.source)

    @property
    def shown_date(self) -> date:
        return self.price_date or self.effective

    def age_days(self, as_of: date) -> int:
        return max(0, (as_of - self.shown_date).days)

    def in_force(self, as_of: date) -> bool:
        """``effective <= as_of < end``."""
        return self.effective <= as_of and (self.end is None or as_of < self.end)

    def rates(self, input_tokens: int = 0) -> Rates:
        """The prices for a request with ``input_tokens`` prompt tokens (tier chosen here)."""
        for tier in sorted(self.tiers, key=lambda t: t.above_input_tokens, reverse=True):
            if input_tokens > tier.above_input_tokens:
                return Rates(self.currency, tier.input, tier.output, tier.cached_input,
                             tier.cache_write, tier.above_input_tokens)
        return Rates(self.currency, self.input, self.output, self.cached_input, self.cache_write)

    def cost(self, input_tokens: int, output_tokens: int, cached_input_tokens: int = 0) -> Money:
        """Shorthand for ``self.rates(input_tokens).cost(...)``."""
        return self.rates(input_tokens).cost(input_tokens, output_tokens, cached_input_tokens)

    def per_million(self, kind: str = "input") -> Money | None:
        """``input``, ``output``, ``cached_input`` or ``cache_write`` as Money, None if absent."""
        value = getattr(self, kind)
        return None if value is None else Money(value, self.currency)

    def in_currency(self, currency: str, fx: FxRate | float) -> PriceRow:
        """A copy with every price converted to ``currency`` at ``fx``."""
        if currency == self.currency:
            return self

        def conv(v: float) -> float:
            return convert(Money(v, self.currency), currency, fx).amount

        def opt(v: float | None) -> float | None:
            return None if v is None else conv(v)

        tiers = tuple(replace(t, input=conv(t.input), output=conv(t.output),
                              cached_input=opt(t.cached_input), cache_write=opt(t.cache_write))
                      for t in self.tiers)
        return replace(self, currency=currency, input=conv(self.input), output=conv(self.output),
                       cached_input=opt(self.cached_input), cache_write=opt(self.cache_write),
                       tiers=tiers, converted_from=self.converted_from or self.currency)

    def scaled(self, factor: float) -> PriceRow:
        """A copy with every price multiplied by ``factor`` (e.g. 1.1 for VAT)."""

        def mul(v: float | None) -> float | None:
            return None if v is None else v * factor

        tiers = tuple(replace(t, input=t.input * factor, output=t.output * factor,
                              cached_input=mul(t.cached_input), cache_write=mul(t.cache_write))
                      for t in self.tiers)
        return replace(self, input=self.input * factor, output=self.output * factor,
                       cached_input=mul(self.cached_input), cache_write=mul(self.cache_write),
                       tiers=tiers)

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "input": self.input,
            "cached_input": self.cached_input,
            "cache_write": self.cache_write,
            "output": self.output,
            "effective": self.effective.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "variant": self.variant,
            "default": self.default,
            "batch_discount": self.batch_discount,
            "tiers": [{"above_input_tokens": t.above_input_tokens, "input": t.input,
                       "cached_input": t.cached_input, "cache_write": t.cache_write,
                       "output": t.output} for t in self.tiers],
            "source": self.source,
            "snapshots": list(self.snapshots),
            "confidence": self.confidence,
            "notes": self.notes,
            "listed_currency": self.converted_from or self.currency,
            "self_hosted": self.self_hosted.as_dict() if self.self_hosted else None,
            "file": self.origin,
        }


@dataclass(frozen=True)
class Model:
    """A model of one provider, with all its price rows (history, variants, user rows).

    ``kind`` is ``"api"`` (a published price), ``"self-hosted"`` (derived from assumptions) or
    ``"extra"`` (from an opt-in extra source such as LiteLLM). ``tokenizer`` is a catalog id, or
    None when unknown (extra sources only).
    """

    provider: str
    id: str
    name: str
    tokenizer: str | None
    tokenizer_confidence: str
    prices: tuple[PriceRow, ...] = ()
    tokenizer_note: str = ""
    context_window: int | None = None
    deprecated: date | None = None
    aliases: tuple[str, ...] = ()
    kind: str = "api"
    tokenizer_match: str | None = None  # exact | presumed | proxy | vendor-api | none
    retired_flag: bool = False  # marked deprecated by the source (no date known)
    source: str = ""  # "genai-prices 0.2.3" or the hand file
    input_limit: int | None = None  # the vendor's input-token limit where it has one
    override_reason: str | None = None  # set when a hand row overrides the maintained source
    drift_reason: str | None = None  # why a hand row differs from another source (drift check)
    citation: str | None = None  # where an override's / drift reason's claim comes from

    def retired(self, as_of: date) -> bool:
        return self.retired_flag or (self.deprecated is not None and self.deprecated <= as_of)

    @property
    def match(self) -> str:
        """The ``tokenizer_match`` label (derived from the catalog when not given). A model whose
        tokenizer only its vendor's endpoint counts is ``vendor-api`` while vendor counting is on
        (``--api-count``), as its cost rows are labelled, and ``none`` while it is off."""
        from tokcost.tokenizers.catalog import load_catalog

        entry = load_catalog().get(self.tokenizer) if self.tokenizer else None
        if entry is not None and entry.backend == "api":
            return "vendor-api" if entry.countable else "none"
        if self.tokenizer_match:
            return self.tokenizer_match
        if entry is None or not entry.countable:
            return "none"
        if entry.exactness == "proxy":
            return "proxy"
        return "exact" if self.tokenizer_confidence == "high" else "presumed"

    @property
    def effective_input_limit(self) -> int | None:
        return self.input_limit or self.context_window

    def rows_in_force(self, as_of: date) -> list[PriceRow]:
        """Every row in force on ``as_of`` (all variants, all layers)."""
        return [r for r in self.prices if r.in_force(as_of)]

    def price_for(self, as_of: date, variant: str | None = None) -> PriceRow | None:
        """The row in force on ``as_of`` (see the module docstring for the rules), or None."""
        live = self.rows_in_force(as_of)
        if variant is None:
            std = [r for r in live if r.variant is None]
            pool = std or [r for r in live if r.default]
        else:
            pool = [r for r in live if r.variant == variant]
        return max(pool, key=lambda r: r.layer) if pool else None

    def variants(self, as_of: date | None = None) -> list[str]:
        """Variant names (in file order), only those in force on ``as_of`` when given."""
        rows = self.prices if as_of is None else self.rows_in_force(as_of)
        return list(dict.fromkeys(r.variant for r in rows if r.variant is not None))

    def as_dict(self) -> dict[str, Any]:
        return {
            "provider": self.provider, "model": self.id, "name": self.name,
            "tokenizer": self.tokenizer, "tokenizer_confidence": self.tokenizer_confidence,
            "tokenizer_note": self.tokenizer_note, "context_window": self.context_window,
            "deprecated": self.deprecated.isoformat() if self.deprecated else None,
            "aliases": list(self.aliases), "kind": self.kind, "tokenizer_match": self.match,
            "input_limit": self.input_limit, "retired": self.retired_flag,
            "price_source": self.source, "override_reason": self.override_reason,
            "citation": self.citation,
        }


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    pricing_url: str | None = None
    files: tuple[str, ...] = ()
