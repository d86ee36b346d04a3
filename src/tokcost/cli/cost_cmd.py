"""``tokcost cost`` and ``tokcost budget``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tokcost.cli.common import Fmt, ForceOpt, OutOpt
from tokcost.cli.pricing_cmd import (
    AsOfOpt,
    Currency,
    ExtraPricesOpt,
    FxOpt,
    GpuHourlyOpt,
    PricingFilesOpt,
    PromptThroughputOpt,
    ThroughputOpt,
    VatOpt,
    parse_date,
    tables_from_options,
)
from tokcost.costing import DEFAULT_OUTPUT_CHARS
from tokcost.render import money

ModelOpt = Annotated[
    list[str] | None,
    typer.Option("--model", "-m", help="Model id from the price tables. Repeatable. "
                 "Default: every model in the tables."),
]
MoneyCurrencyOpt = Annotated[Currency, typer.Option("--currency", help="Currency of the result.")]
MaxAgeOpt = Annotated[
    int, typer.Option("--max-price-age", metavar="DAYS", min=0, help="Flag prices older than this "
                      "(default 180 days; FX rates older than 30 days are always flagged).")
]


def _labelled(r) -> None:
    """Table columns of the labels: tokenizer match, price variant/window, date and age."""
    m = r.get("tokenizer_match")
    if m == "proxy" and r.get("proxy_of"):  # named as count and the diagnostics name it
        m = f"proxy: {r['proxy_of']}"
    marks = [x for x in (m if m != "exact" else None,
                         "unverified" if r.get("identity") == "unverified" else None) if x]
    r["tokenizer_shown"] = (f"{r.get('tokenizer') or '—'} ({', '.join(marks)})" if marks
                            else r.get("tokenizer"))
    v = r.get("price_variant")
    r["variant_shown"] = (f"{v}: {r['price_window']}" if r.get("price_window") else v)
    r["age_shown"] = (f"{r['price_date']} ({r['price_age_days']} d)"
                      if r.get("price_date") else None)


def _warn(rows) -> None:
    from tokcost.costing import collect_warnings

    for w in collect_warnings(rows):
        typer.echo(f"warning: {w}", err=True)


def _opts(currency: Currency, fx, as_of, vat, pricing, extra_prices, gpu_hourly, throughput,
          prompt_throughput, **kw):
    kw = {k: v for k, v in kw.items() if v is not None}
    from tokcost.costing import CostOptions

    tables = tables_from_options(pricing, extra_prices, gpu_hourly, throughput, prompt_throughput)
    return CostOptions(as_of=parse_date(as_of), currency=currency.value, fx=fx, vat=vat,
                       tables=tables, **kw)


def _emit(rows, cols, schema, fmt: Fmt, output, force, title):
    from tokcost.output import Output, emit

    # The composed columns of _labelled show these labels; every other label is appended.
    shown = frozenset({"tokenizer_match", "price_variant", "price_date", "price_age_days"})
    emit(Output(schema, rows, cols, title=title, shown_in=shown), fmt.value, output, force)


def _compact(n: int | None) -> str:
    if n is None:
        return "?"
    if n >= 1_000_000:
        return f"{n / 1_000_000:.2f}M"
    return f"{n / 1000:.0f}k" if n >= 10_000 else f"{n:,}"


def register(app: typer.Typer) -> None:
    @app.command()
    def cost(
        request: Annotated[
            Path | None,
            typer.Option("--request", help="Chat request file (JSONL with ko/en message lists). "
                         "Default: the shipped multi-turn requests."),
        ] = None,
        text: Annotated[str | None, typer.Option("--text", help="A Korean prompt.")] = None,
        en_text: Annotated[str | None, typer.Option("--en-text", help="Its English version.")] = None,
        corpus: Annotated[
            str | None, typer.Option("--corpus", "-c", help="Cost one average pair of a corpus.")
        ] = None,
        model: ModelOpt = None,
        output_tokens: Annotated[
            int | None, typer.Option("--output-tokens", help="Answer length in English tokens; "
                                     "the Korean answer is scaled by the measured premium.")
        ] = None,
        output_ratio: Annotated[
            float | None, typer.Option("--output-ratio", help="Output = R × input tokens.")
        ] = None,
        cache_share: Annotated[float, typer.Option(help="Share of input read from cache.")] = 0.0,
        currency: MoneyCurrencyOpt = Currency.USD,
        fx: FxOpt = None,
        as_of: AsOfOpt = None,
        vat: VatOpt = False,
        pricing: PricingFilesOpt = None,
        extra_prices: ExtraPricesOpt = None,
        gpu_hourly: GpuHourlyOpt = None,
        throughput: ThroughputOpt = None,
        prompt_throughput: PromptThroughputOpt = None,
        fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        max_price_age: MaxAgeOpt = 180,
        variant: Annotated[
            str | None, typer.Option("--variant", help="Price variant: peak, off-peak, batch, "
                                     "flex, priority (default: standard / off-peak).")
        ] = None,
    ) -> None:
        """Per-request cost across models for Korean and for the same content in English."""
        from tokcost.cli.validate_opts import check_all
        from tokcost.corpora import open_corpus, requests_file
        from tokcost.corpora.requests import load_requests
        from tokcost.costing import DEFAULT_OUTPUT_TOKENS, SCHEMA_COST, Workload, cost_rows
        from tokcost.errors import TokcostError

        check_all({"--output-tokens": (output_tokens, "whole0"),
                   "--output-ratio": (output_ratio, "non_negative"),
                   "--cache-share": (cache_share, "share"), "--fx": (fx, "positive"),
                   "--gpu-hourly": (gpu_hourly, "non_negative"),
                   "--throughput": (throughput, "positive"),
                   "--prompt-throughput": (prompt_throughput, "positive")})
        if output_tokens is not None and output_ratio is not None:
            raise TokcostError("give --output-tokens or --output-ratio, not both")
        if text is not None:
            wl = Workload("text", [text], [en_text] if en_text else None)
        elif corpus is not None:
            wl = Workload.from_pairs(corpus, list(open_corpus(corpus)))
        else:
            wl = Workload.from_requests(str(request or "requests"),
                                        load_requests(request or requests_file()))
        opts = _opts(currency, fx, as_of, vat, pricing, extra_prices, gpu_hourly, throughput,
                     prompt_throughput, cache_share=cache_share, output_tokens=output_tokens,
                     output_ratio=output_ratio, max_price_age_days=max_price_age, variant=variant)
        if opts.output_tokens is None and opts.output_ratio is None:
            opts.output_tokens = DEFAULT_OUTPUT_TOKENS
        from tokcost.api import answer_ratios

        rows = cost_rows(wl, model, opts, measured=answer_ratios(wl, model, opts))
        for r in rows:
            r["cost_fmt"] = money(r["cost"], r["currency"]) or r["status"]
            r["en_cost_fmt"] = money(r["en_cost"], r["currency"])
            r["premium"] = f"{r['premium_pct']:+.0f}%" if r["premium_pct"] is not None else None
            _labelled(r)
        cols = [("model", "model"), ("tokenizer_shown", "tokenizer (match)"),
                ("input_tokens", "ko in"),
                ("output_tokens", "ko out"), ("cost_fmt", f"ko cost ({currency.value})"),
                ("en_input_tokens", "en in"), ("en_cost_fmt", "en cost"),
                ("premium", "Korean premium"), ("variant_shown", "price variant"),
                ("age_shown", "price date (age)")]
        if fmt in (Fmt.json, Fmt.csv):
            for r in rows:
                for k in ("cost_fmt", "en_cost_fmt", "premium", "tokenizer_shown",
                          "variant_shown", "age_shown"):
                    r.pop(k)
        _warn(rows)
        uncounted = [r["model"] for r in rows
                     if str(r.get("chat_framing", "")).startswith("not counted")]
        if uncounted:  # once, naming the models; each row's chat_framing says why
            from tokcost.costing import FRAMING_NOT_COUNTED

            shown = ", ".join(uncounted[:6]) + (f" and {len(uncounted) - 6} more"
                                                if len(uncounted) > 6 else "")
            typer.echo(f"warning: chat requests: {FRAMING_NOT_COUNTED} for {shown} "
                       "(chat_framing says why)", err=True)
        _emit(rows, cols, SCHEMA_COST, fmt, output, force,
              f"Cost per request ({wl.label}, prices as of {opts.as_of})")

    @app.command()
    def budget(
        requests_per_day: Annotated[float, typer.Option("--requests-per-day", help="Requests a day.")],
        days: Annotated[int, typer.Option(help="Days in the period.")] = 30,
        input_chars: Annotated[
            int | None, typer.Option("--input-chars", help="Korean characters in (default 2000).")
        ] = None,
        output_chars: Annotated[
            int | None, typer.Option("--output-chars",
                                      help=f"Korean characters out (default {DEFAULT_OUTPUT_CHARS}).")
        ] = None,
        corpus: Annotated[str, typer.Option("--corpus", "-c", help="Corpus that sets tokens per "
                                            "character and the ratio.")] = "samples",
        cache_share: Annotated[float, typer.Option(help="Share of input read from cache.")] = 0.0,
        model: ModelOpt = None,
        currency: MoneyCurrencyOpt = Currency.USD,
        fx: FxOpt = None,
        as_of: AsOfOpt = None,
        vat: VatOpt = False,
        pricing: PricingFilesOpt = None,
        extra_prices: ExtraPricesOpt = None,
        gpu_hourly: GpuHourlyOpt = None,
        throughput: ThroughputOpt = None,
        prompt_throughput: PromptThroughputOpt = None,
        fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
        output: OutOpt = None,
        force: ForceOpt = False,
        max_price_age: MaxAgeOpt = 180,
        peak_share: Annotated[
            float, typer.Option("--peak-share", help="Share of requests in the vendor's peak "
                                "windows (DeepSeek 01-04 and 06-10 UTC): peak and off-peak "
                                "prices are blended by it. Default 0.5.")
        ] = 0.5,
    ) -> None:
        """Monthly cost per model for Korean traffic, cheapest first, with a low/high range
        from the Korean/English ratio's confidence interval."""
        from tokcost.api import budget as api_budget
        from tokcost.cli.validate_opts import check_all
        from tokcost.costing import SCHEMA_BUDGET

        check_all({"--requests-per-day": (requests_per_day, "positive"), "--days": (days, "whole"),
                   "--input-chars": (input_chars, "whole0"),
                   "--output-chars": (output_chars, "whole0"),
                   "--cache-share": (cache_share, "share"), "--fx": (fx, "positive"),
                   "--gpu-hourly": (gpu_hourly, "non_negative"),
                   "--throughput": (throughput, "positive"),
                   "--prompt-throughput": (prompt_throughput, "positive")})
        opts = _opts(currency, fx, as_of, vat, pricing, extra_prices, gpu_hourly, throughput,
                     prompt_throughput, cache_share=cache_share,
                     max_price_age_days=max_price_age, peak_share=peak_share)
        rows = api_budget(requests_per_day, models=model, days=days, input_chars=input_chars,
                          output_chars=output_chars, corpus=corpus, options=opts)
        for r in rows:
            cur = r["currency"]
            r["monthly"] = money(r["monthly_cost"], cur) or r["status"]
            r["range"] = (f"{money(r['monthly_low'], cur)} – {money(r['monthly_high'], cur)}"
                          if r["monthly_low"] is not None else None)
            r["english"] = money(r["monthly_cost_en"], cur)
            r["premium"] = f"{r['premium_pct']:+.0f}%" if r["premium_pct"] is not None else None
            r["context"] = (f"{_compact(r['context_chars_ko'])} / {_compact(r['context_words_en'])}"
                            if r.get("context_chars_ko") else None)
            _labelled(r)
        cols = [("model", "model"), ("tokenizer_shown", "tokenizer (match)"),
                ("input_tokens", "ko in/req"),
                ("monthly", f"monthly ({currency.value})"), ("range", "range (ratio 95% CI)"),
                ("english", "same in English"), ("premium", "Korean premium"),
                ("context", "context: ko chars / en words"), ("variant_shown", "price variant"),
                ("age_shown", "price date (age)")]
        if fmt in (Fmt.json, Fmt.csv):
            for r in rows:
                for k in ("monthly", "range", "english", "premium", "context",
                          "tokenizer_shown", "variant_shown", "age_shown"):
                    r.pop(k)
        _warn(rows)
        _emit(rows, cols, SCHEMA_BUDGET, fmt, output, force,
              f"{requests_per_day:,.0f} requests/day × {days} days")
