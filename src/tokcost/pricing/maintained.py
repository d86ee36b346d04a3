"""The maintained price source for global vendors: pydantic's genai-prices, through its public API.

tokcost never copies genai-prices' data: it reads the installed package's providers
(``genai_prices.data_snapshot.get_snapshot()``, or a newer snapshot that ``tokcost pricing update``
fetched into the user cache with genai-prices' own updater) and maps each model into tokcost's
dated :class:`~tokcost.pricing.tables.PriceRow` rows:

* an unconditional price, and each ``StartDateConstraint`` price, become a chain of dated rows
  (each ends where the next starts);
* ``TimeOfDateConstraint`` prices (DeepSeek's peak hours) become a ``peak`` variant naming its UTC
  windows; the dated price in force beside them becomes the ``off-peak`` variant (the default);
* ``TieredPrices`` (long-context prices) become tiers chosen per request by its input tokens;
* batch / flex / priority price variants become tokcost variants of the same names.

Confidence mapping (docs/pricing.md): a price from the vendor's own provider entry in genai-prices
(openai, anthropic, google, deepseek, mistral, x-ai, cohere, moonshotai, zhipuai/zai, minimax) is
``high``; a reseller / host / cloud entry (together, fireworks, openrouter, aws, azure, …) is
``medium``; a time-of-day price whose windows genai-prices cannot express fully (its own note says
so, e.g. DeepSeek weekends) is ``medium``; a deprecated model keeps its confidence and is marked
retired.

``price_date`` of a dated row is its start date. An unconditional row has no start date in the
source; its ``price_date`` is the data's date (the newest start date anywhere in the snapshot, or the
day ``tokcost pricing update`` fetched it), so its age is a lower bound.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

from tokcost.pricing.records import Model, PriceRow, Tier

DISTRIBUTION = "genai-prices"
FIRST_PARTY = frozenset({"openai", "anthropic", "google", "deepseek", "mistral", "x-ai", "cohere",
                         "moonshotai", "zhipuai", "zai", "minimax", "meta", "perplexity",
                         "voyageai", "elevenlabs"})
# Hosts whose entries duplicate other providers' models; chosen last when an id is ambiguous.
RESELLERS_LAST = ("openrouter", "github-copilot", "cursor", "quicksilverpro", "aws", "azure",
                  "cloudflare", "typesafe", "openai-decisions")
EPOCH = date(2000, 1, 1)  # "in force since before the source's history" (no start date given)
CACHE_FILE = "genai-prices-data.json"
CACHE_META = "genai-prices-data.meta.json"
_VARIANTS = {("processing", "batch"): "batch", ("service_tier", "flex"): "flex",
             ("service_tier", "priority"): "priority"}


def _f(value: Any) -> float | None:
    if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _base(value: Any) -> float | None:
    """The base price of a Decimal or TieredPrices."""
    return _f(getattr(value, "base", value))


def _tier_starts(*values: Any) -> list[int]:
    return sorted({t.start for v in values for t in (getattr(v, "tiers", None) or [])})


def _at(value: Any, start: int) -> float | None:
    """The price of ``value`` (Decimal or TieredPrices) for a request above ``start`` tokens."""
    tiers = getattr(value, "tiers", None)
    if tiers is None:
        return _f(value)
    price = value.base
    for t in sorted(tiers, key=lambda t: t.start):
        if t.start <= start:
            price = t.price
    return _f(price)


@dataclass(frozen=True)
class _Prices:
    input: float
    output: float
    cached_input: float | None
    cache_write: float | None
    tiers: tuple[Tier, ...]


def _prices(mp: Any) -> _Prices | None:
    """Text-token prices of a genai-prices ModelPrice, or None (no input+output token price)."""
    inp, out = getattr(mp, "input_mtok", None), getattr(mp, "output_mtok", None)
    cr, cw = getattr(mp, "cache_read_mtok", None), getattr(mp, "cache_write_mtok", None)
    bi, bo = _base(inp), _base(out)
    if not bi or not bo:  # absent or 0: unpriced, never 0
        return None
    tiers = tuple(Tier(s, _at(inp, s) or bi, _at(out, s) or bo, _at(cr, s), _at(cw, s))
                  for s in _tier_starts(inp, out, cr, cw))
    return _Prices(bi, bo, _base(cr), _base(cw), tiers)


def _window(c: Any) -> str:
    return f"{c.start_time.strftime('%H:%M')}-{c.end_time.strftime('%H:%M')} UTC"


@dataclass
class GenaiPrices:
    """genai-prices' providers as tokcost models (built lazily, by id)."""

    version: str
    data_date: date
    providers: list[Any]
    origin: str = "bundled"  # "bundled" or the cache file it was read from
    _index: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict, repr=False)
    _models: dict[tuple[str, str], Model | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for p in self.providers:
            for m in p.models:
                self._index.setdefault(m.id.lower(), []).append((p, m))

    @property
    def label(self) -> str:
        return f"genai-prices {self.version}" + ("" if self.origin == "bundled"
                                                 else f" (updated {self.data_date})")

    # -- lookup
    def _rank(self, pm: tuple[Any, Any]) -> tuple[int, int]:
        p = pm[0]
        if p.id in FIRST_PARTY:
            return (0, 0)
        if p.id in RESELLERS_LAST or p.id.startswith("huggingface_"):
            return (2, self.providers.index(p))
        return (1, self.providers.index(p))

    def find(self, model_id: str, provider: str | None = None) -> tuple[Any, Any] | None:
        """(provider, ModelInfo) for an id (exact id first, then genai-prices' own matching)."""
        if provider is None and ":" in model_id:
            provider, model_id = model_id.split(":", 1)
        key = model_id.lower()
        hits = [pm for pm in self._index.get(key, []) if provider in (None, pm[0].id)]
        if not hits and "/" not in key:  # e.g. solar-pro4 = openrouter's upstage/solar-pro4
            hits = [pm for k, v in self._index.items() if k.rsplit("/", 1)[-1] == key
                    for pm in v if provider in (None, pm[0].id)]
        if hits:
            return min(hits, key=self._rank)
        from genai_prices.data_snapshot import DataSnapshot

        snap = DataSnapshot(self.providers, from_auto_update=self.origin != "bundled")
        try:
            return snap.find_provider_model(model_id, None, provider, None)
        except LookupError:
            return None

    def model(self, model_id: str, provider: str | None = None) -> Model | None:
        found = self.find(model_id, provider)
        if found is None:
            return None
        p, m = found
        key = (p.id, m.id)
        if key not in self._models:
            self._models[key] = self._to_model(p, m)
        return self._models[key]

    def models(self, *, featured_only: bool = False) -> Iterator[Model]:
        """Every priced text model (``featured_only``: vendors' own, current models)."""
        for p in self.providers:
            if featured_only and p.id not in FIRST_PARTY:
                continue
            for m in p.models:
                if featured_only and m.deprecated:
                    continue
                key = (p.id, m.id)
                if key not in self._models:
                    self._models[key] = self._to_model(p, m)
                if self._models[key] is not None:
                    yield self._models[key]  # type: ignore[misc]

    # -- mapping
    def _row(self, p: Any, m: Any, pr: _Prices, effective: date, end: date | None,
             conf: str, variant: str | None = None, default: bool = False,
             window: str | None = None, notes: str = "") -> PriceRow:
        return PriceRow(
            provider=p.id, model=m.id, effective=effective, end=end, currency="USD",
            input=pr.input, output=pr.output, cached_input=pr.cached_input,
            cache_write=pr.cache_write, tiers=pr.tiers, source=self.label, confidence=conf,
            variant=variant, default=default, notes=notes, origin=self.label, layer=-1,
            snapshots=tuple(p.pricing_urls or ()), window=window,
            price_date=effective if effective > EPOCH else self.data_date)

    def _to_model(self, p: Any, m: Any) -> Model | None:
        from genai_prices.types import ModelPrice, StartDateConstraint, TimeOfDateConstraint

        conf = "high" if p.id in FIRST_PARTY else "medium"
        conds = [(None, m.prices)] if isinstance(m.prices, ModelPrice) else \
            [(c.constraint, c.prices) for c in m.prices]
        dated: list[tuple[date, _Prices]] = []
        windows: list[tuple[str, _Prices]] = []
        for c, mp in conds:
            pr = _prices(mp)
            if pr is None:
                continue
            if isinstance(c, TimeOfDateConstraint):
                windows.append((_window(c), pr))
            elif isinstance(c, StartDateConstraint):
                dated.append((max(c.start_date, EPOCH), pr))
            else:
                dated.append((EPOCH, pr))
        if not dated and not windows:
            return None
        dated.sort(key=lambda x: x[0])
        notes = m.price_comments or ""
        rows: list[PriceRow] = []
        peak_from = dated[1][0] if windows and len(dated) > 1 else EPOCH
        off_peak = "outside " + ", ".join(w for w, _ in windows)  # names the hours it covers
        for i, (start, pr) in enumerate(dated):
            end = dated[i + 1][0] if i + 1 < len(dated) else None
            if windows and (end is None or end > peak_from) and start >= peak_from:
                rows.append(self._row(p, m, pr, start, end, "medium", "off-peak", True,
                                      off_peak, notes))
            elif windows and start < peak_from < (end or date.max):
                rows.append(self._row(p, m, pr, start, peak_from, conf, notes=notes))
                rows.append(self._row(p, m, pr, peak_from, end, "medium", "off-peak", True,
                                      off_peak, notes))
            else:
                rows.append(self._row(p, m, pr, start, end, conf, notes=notes))
        if windows:
            # windows with the same prices are one "peak" variant naming all of them
            groups: dict[tuple[float, float], list[tuple[str, _Prices]]] = {}
            for w, pr in windows:
                groups.setdefault((pr.input, pr.output), []).append((w, pr))
            for n, group in enumerate(groups.values()):
                name = "peak" if n == 0 else f"peak-{n + 1}"
                rows.append(self._row(p, m, group[0][1], peak_from, None, "medium", name,
                                      window=", ".join(w for w, _ in group), notes=notes))
        rows.extend(self._variant_rows(p, m, rows, conf))
        from tokcost.tokenizers.families import family_for

        fam = family_for(m.id)
        return Model(
            provider=p.id, id=m.id, name=m.name or m.id, tokenizer=fam.tokenizer,
            tokenizer_confidence="high" if fam.tokenizer_match == "exact" else "low",
            tokenizer_note=fam.note, context_window=m.context_window,
            deprecated=None, prices=tuple(rows), kind="api", tokenizer_match=fam.tokenizer_match,
            retired_flag=bool(m.deprecated), source=self.label)

    def _variant_rows(self, p: Any, m: Any, rows: list[PriceRow], conf: str) -> list[PriceRow]:
        """batch / flex / priority: the standard row in force with the variant's overrides."""
        from genai_prices.types import StartDateConstraint

        out: list[PriceRow] = []
        std = [r for r in rows if r.variant is None and r.end is None]
        if not std or not m.price_variants:
            return out
        base = std[-1]
        for v in m.price_variants:
            items = tuple(v.when.items())
            name = _VARIANTS.get(items[0]) if len(items) == 1 else None
            if name is None or any(r.variant == name for r in out):
                continue
            over = {k: val for k, val in v.prices.__dict__.items() if val is not None}
            if "input_mtok" not in over and "output_mtok" not in over:
                continue
            start = base.effective
            if isinstance(v.constraint, StartDateConstraint):
                start = max(start, v.constraint.start_date)
            merged = _Prices(
                _base(over.get("input_mtok")) or base.input,
                _base(over.get("output_mtok")) or base.output,
                _base(over["cache_read_mtok"]) if "cache_read_mtok" in over else base.cached_input,
                _base(over["cache_write_mtok"]) if "cache_write_mtok" in over else base.cache_write,
                base.tiers if not _tier_starts(*over.values()) else tuple(
                    Tier(s, _at(over.get("input_mtok"), s) or base.input,
                         _at(over.get("output_mtok"), s) or base.output,
                         _at(over.get("cache_read_mtok"), s), _at(over.get("cache_write_mtok"), s))
                    for s in _tier_starts(*over.values())))
            out.append(self._row(p, m, merged, start, None, conf, name))
        return out


def _newest_start(providers: list[Any], today: date | None = None) -> date:
    """The newest start date in the data that is not in the future (scheduled changes such as
    Gemini's 2027-01-01 price are in the data before they apply)."""
    from genai_prices.types import StartDateConstraint

    today = today or date.today()
    best = EPOCH
    for p in providers:
        for m in p.models:
            conds = m.prices if isinstance(m.prices, list) else []
            for c in [*conds, *(m.price_variants or [])]:
                if isinstance(c.constraint, StartDateConstraint) \
                        and c.constraint.start_date <= today:
                    best = max(best, c.constraint.start_date)
    return best


def cache_dir() -> Path:
    from tokcost.paths import cache_dir as root

    return root() / "pricing"


def _cached() -> tuple[list[Any], date, str] | None:
    """A snapshot fetched by ``tokcost pricing update``, if one is in the user cache."""
    folder = cache_dir()
    data, meta = folder / CACHE_FILE, folder / CACHE_META
    if not data.is_file() or not meta.is_file():
        return None
    try:
        info = json.loads(meta.read_text(encoding="utf-8"))
        # genai-prices' updater's own parser (UpdatePrices.fetch calls it): its only way from
        # data.json to providers. Private, so a genai-prices that renamed it means the bundled
        # data is used instead of a crash.
        from genai_prices.types import _providers_from_raw

        body = data.read_bytes()
        if hashlib.sha256(body).hexdigest() != info["sha256"]:
            return None  # not the pair `pricing update` wrote (interrupted between the two files)
        providers = _providers_from_raw(json.loads(body))
        return providers, date.fromisoformat(info["fetched"]), str(data)
    except (OSError, ValueError, KeyError, TypeError, ImportError, AttributeError):
        return None


@cache
def load_genai_prices(*, use_cache: bool = True) -> GenaiPrices:
    """The installed genai-prices data (or the newer snapshot of ``tokcost pricing update``)."""
    from genai_prices import data_snapshot

    ver = dist_version(DISTRIBUTION)
    cached = _cached() if use_cache else None
    if cached is not None:
        providers, fetched, origin = cached
        return GenaiPrices(ver, fetched, providers, origin)
    providers = data_snapshot.get_snapshot().providers
    return GenaiPrices(ver, _newest_start(providers), providers)
