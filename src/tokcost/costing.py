"""Money: per-request and monthly cost of Korean vs the same content in English.

Token counts always come from each model's own tokenizer (catalog id in the price table).
Models whose tokenizer is not published (Claude, HyperCLOVA X API) are reported as
"not counted offline", never costed with an unrelated tokenizer; unpriced models are reported as
unpriced, never as 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tokcost.errors import TokcostError

SCHEMA_COST = "tokcost/cost/1"
SCHEMA_BUDGET = "tokcost/budget/1"


@dataclass
class Workload:
    """What one request holds, per language, in tokens of a given tokenizer."""

    label: str
    ko_texts: list[str] = field(default_factory=list)
    en_texts: list[str] | None = None
    n_requests: int = 1  # the texts are spread over this many requests (averaged)


@dataclass
class CostOptions:
    as_of: date = field(default_factory=date.today)
    currency: str = "USD"
    fx: float | None = None
    vat: bool = False
    cache_share: float = 0.0
    output_tokens: int | None = None  # English-equivalent output tokens per request
    output_ratio: float | None = None  # output tokens = ratio × input tokens (per language)
    variant: str | None = None
    tables: Any = None  # a tokcost.pricing.PriceTables; None = the shipped tables

    def price_tables(self):
        from tokcost.pricing import load_tables

        return self.tables if self.tables is not None else load_tables()


def _select_models(tables, models: Sequence[str] | None):
    if models:
        return [tables.model(m) for m in models]
    return tables.models()


def _tokenizer_for(model, cache: dict[str, Any]):
    """The loaded tokenizer for a model, or a reason it cannot be counted offline."""
    from tokcost.tokenizers import load_tokenizer
    from tokcost.tokenizers.catalog import load_catalog

    tid = model.tokenizer
    if tid is None:
        return None, "tokenizer unknown"
    if tid in cache:
        return cache[tid]
    entry = load_catalog().get(tid)
    if entry is None:
        res = (None, f"tokenizer {tid} not in catalog")
    elif not entry.countable:
        res = (None, "tokenizer not published: not counted offline")
    else:
        try:
            res = (load_tokenizer(tid), "")
        except TokcostError:
            res = (None, f"tokenizer {tid} not on this machine (tokcost tokenizers pull {tid})")
    cache[tid] = res
    return res


def _status(model, as_of: date) -> str:
    """``ok``, or a warning that the model was retired before ``as_of`` (its last price kept)."""
    if model.deprecated and model.deprecated <= as_of:
        return f"retired {model.deprecated.isoformat()} (last published price)"
    return "ok"


def _money_row(price, fx, opts: CostOptions, inp: int, out: int):
    from tokcost.pricing import apply_vat, convert

    cached = round(inp * opts.cache_share)
    money = price.cost(inp, out, cached)
    money = convert(money, opts.currency, fx)
    if opts.vat:
        money = apply_vat(money)
    return money.amount


def context_fit(window: int | None, stats: dict[str, Any] | None) -> dict[str, int | None]:
    """Effective context: how many Korean characters and English words fit in ``window`` tokens,
    from a measure row's Korean characters per token and English tokens per word."""
    out: dict[str, int | None] = {"context_chars_ko": None, "context_words_en": None}
    if not window or not stats:
        return out
    if stats.get("ko_chars_per_token"):
        out["context_chars_ko"] = round(window * stats["ko_chars_per_token"])
    if stats.get("en_fertility"):
        out["context_words_en"] = round(window / stats["en_fertility"])
    return out


def cost_rows(workload: Workload, models: Sequence[str] | None, opts: CostOptions,
              *, measured: dict[str, dict[str, Any]] | None = None,
              memo: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Per-request cost for Korean and English on each model's own tokenizer.

    Each tokenizer counts the workload once, however many models share it (pass the same ``memo``
    dict to share counts of the same workload across calls). ``measured`` (measure rows by
    tokenizer id) adds the effective context in Korean characters and English words."""
    tables = opts.price_tables()
    fx = tables.fx_rate(override=opts.fx)
    toks: dict[str, Any] = {}
    counted: dict[str, Any] = memo if memo is not None else {}
    rows = []
    for model in _select_models(tables, models):
        price = model.price_for(opts.as_of, opts.variant)
        tok, reason = _tokenizer_for(model, toks)
        row: dict[str, Any] = {
            "model": model.id, "provider": model.provider, "name": model.name,
            "tokenizer": model.tokenizer, "kind": model.kind, "currency": opts.currency,
            "input_tokens": None, "output_tokens": None, "cost": None,
            "en_input_tokens": None, "en_output_tokens": None, "en_cost": None,
            "premium_pct": None, "price_source": price.source if price else None,
            "price_date": price.effective.isoformat() if price else None,
            "price_confidence": price.confidence if price else None,
            "listed_currency": price.currency if price else None,
            "fx_krw_per_usd": fx.krw_per_usd, "vat_included": opts.vat,
            "context_window": model.context_window,
            "deprecated": model.deprecated.isoformat() if model.deprecated else None,
            "status": _status(model, opts.as_of),
        }
        if tok is None:
            row["status"] = reason
            rows.append(row)
            continue
        row["exactness"] = tok.resolution.entry.exactness
        row["proxy_of"] = tok.resolution.proxy_of
        row.update(tok.resolution.labels())
        if tok.backend == "vendor-api":
            row["counted_date"] = getattr(tok, "counted_date", None)
        n = max(1, workload.n_requests)
        if tok.id not in counted:
            counted[tok.id] = (sum(tok.count(workload.ko_texts)),
                               sum(tok.count(workload.en_texts)) if workload.en_texts else None)
        ko_total, en_total = counted[tok.id]
        ko_in = ko_total / n
        en_in = en_total / n if en_total is not None else None
        if measured is not None:
            row.update(context_fit(model.context_window, measured.get(tok.id)))
        if opts.output_ratio is not None:
            ko_out = ko_in * opts.output_ratio
            en_out = en_in * opts.output_ratio if en_in is not None else None
        else:
            base = opts.output_tokens if opts.output_tokens is not None else 0
            premium = (ko_in / en_in) if en_in else 1.0
            en_out = float(base) if en_in is not None else None
            ko_out = base * premium  # the same answer written in Korean
        ko_in_i, ko_out_i = round(ko_in), round(ko_out)
        row.update(input_tokens=ko_in_i, output_tokens=ko_out_i)
        if en_in is not None and en_out is not None:
            row.update(en_input_tokens=round(en_in), en_output_tokens=round(en_out))
        if price is None:
            row["status"] = "unpriced"
            rows.append(row)
            continue
        row["cost"] = _money_row(price, fx, opts, ko_in_i, ko_out_i)
        if en_in is not None and en_out is not None:
            row["en_cost"] = _money_row(price, fx, opts, round(en_in), round(en_out))
            if row["en_cost"]:
                row["premium_pct"] = (row["cost"] / row["en_cost"] - 1) * 100
        rows.append(row)
    return sorted(rows, key=lambda r: (r["cost"] is None, r["cost"] or 0))


# ------------------------------------------------------------------------------- budget
@dataclass
class BudgetInput:
    requests_per_day: float
    days: int = 30
    input_chars: int | None = None  # Korean characters per request
    output_chars: int | None = None
    corpus: str = "samples"


def budget_rows(inp: BudgetInput, models: Sequence[str] | None, opts: CostOptions,
                *, measured: dict[str, dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Monthly cost per model for Korean traffic, with a low/high range from the ratio CI.

    Tokens per request come from characters × the tokenizer's measured tokens per Korean
    character on ``corpus``; the English-equivalent from the measured Korean/English ratio.
    The range scales Korean tokens by the ratio's 95 % interval relative to its point estimate.
    ``measured`` (measure rows of ``corpus`` by tokenizer id) skips measuring again.
    """
    from tokcost.measurement import run_measure

    if inp.requests_per_day <= 0 or inp.days <= 0:
        raise TokcostError("--requests-per-day and --days must be positive")
    tables = opts.price_tables()
    fx = tables.fx_rate(override=opts.fx)
    chosen = _select_models(tables, models)
    toks: dict[str, Any] = {}
    needed = {}
    for m in chosen:
        tok, _ = _tokenizer_for(m, toks)
        if tok is not None:
            needed[tok.id] = tok
    stats = dict(measured or {})
    missing = [t for tid, t in needed.items() if tid not in stats]
    if missing:
        for r in run_measure([inp.corpus], missing).rows:
            stats.setdefault(r["tokenizer"], r)
    in_chars = inp.input_chars if inp.input_chars is not None else 2000
    out_chars = inp.output_chars if inp.output_chars is not None else 500
    n_req = inp.requests_per_day * inp.days
    rows = []
    for m in chosen:
        price = m.price_for(opts.as_of, opts.variant)
        tok, reason = _tokenizer_for(m, toks)
        row: dict[str, Any] = {
            "model": m.id, "provider": m.provider, "tokenizer": m.tokenizer,
            "currency": opts.currency, "requests": n_req, "monthly_cost": None,
            "monthly_low": None, "monthly_high": None, "monthly_cost_en": None,
            "premium_pct": None, "input_tokens": None, "output_tokens": None,
            "price_source": price.source if price else None,
            "price_date": price.effective.isoformat() if price else None,
            "price_confidence": price.confidence if price else None,
            "deprecated": m.deprecated.isoformat() if m.deprecated else None,
            "status": _status(m, opts.as_of),
        }
        st = stats.get(tok.id) if tok is not None else None
        if tok is None or st is None:
            row["status"] = reason or "not measured"
            rows.append(row)
            continue
        cpt = st["ko_chars_per_token"]
        ratio, lo, hi = st["ratio"], st["ratio_ci_low"], st["ratio_ci_high"]
        ko_in, ko_out = in_chars / cpt, out_chars / cpt
        row.update(input_tokens=round(ko_in), output_tokens=round(ko_out),
                   ratio=ratio, ratio_ci_low=lo, ratio_ci_high=hi,
                   exactness=tok.resolution.entry.exactness, **tok.resolution.labels())
        row.update(context_fit(m.context_window, st))
        if price is None:
            row["status"] = "unpriced"
            rows.append(row)
            continue

        def monthly(scale: float, _price=price, _ko_in=ko_in, _ko_out=ko_out) -> float:
            return _money_row(_price, fx, opts, round(_ko_in * scale), round(_ko_out * scale)) \
                * n_req

        row["monthly_cost"] = monthly(1.0)
        if ratio:
            if lo is not None and hi is not None:  # no interval below MIN_PAIRS pairs
                row["monthly_low"] = monthly(lo / ratio)
                row["monthly_high"] = monthly(hi / ratio)
            row["monthly_cost_en"] = monthly(1 / ratio)
            if row["monthly_cost_en"]:
                row["premium_pct"] = (row["monthly_cost"] / row["monthly_cost_en"] - 1) * 100
        rows.append(row)
    return sorted(rows, key=lambda r: (r["monthly_cost"] is None, r["monthly_cost"] or 0))
