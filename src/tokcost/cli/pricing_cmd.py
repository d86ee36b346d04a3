"""``tokcost pricing list|show|validate|fx``: the dated, cited price tables.

The option types and :func:`tables_from_options` are shared with the commands that turn token
counts into money (``cost``, ``budget``): import them from here.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tokcost.cli.common import Fmt, ForceOpt, ListFmt, OutOpt, write_output

if TYPE_CHECKING:
    from tokcost.pricing import Model, PriceTables

SCHEMA_LIST = "tokcost/pricing-list/1"
SCHEMA_SHOW = "tokcost/pricing-show/1"
SCHEMA_VALIDATE = "tokcost/pricing-validate/1"
SCHEMA_FX = "tokcost/pricing-fx/1"


class ExtraSource(str, Enum):
    litellm = "litellm"


class Currency(str, Enum):
    USD = "USD"
    KRW = "KRW"


# ----------------------------------------------------------------------------- shared options
PricingFilesOpt = Annotated[
    list[Path] | None,
    typer.Option("--pricing", metavar="FILE",
                 help="A price table of your own (same TOML schema), repeatable. Rows for a "
                 "provider+model already in the tables are added and take precedence where "
                 "they apply (negotiated prices); later files win."),
]
ExtraPricesOpt = Annotated[
    ExtraSource | None,
    typer.Option("--extra-prices",
                 help="Also price models that are not in tokcost's tables from LiteLLM's price "
                 "map in the installed litellm wheel (confidence low; never overrides "
                 "tokcost's cited prices)."),
]
GpuHourlyOpt = Annotated[
    float | None,
    typer.Option("--gpu-hourly", metavar="USD",
                 help="Self-hosted models: price of one GPU per hour in USD, replacing the "
                 "assumption in self-hosted.toml."),
]
ThroughputOpt = Annotated[
    float | None,
    typer.Option("--throughput", metavar="TOK_PER_S",
                 help="Self-hosted models: output tokens/s of the whole deployment, replacing "
                 "the assumption."),
]
PromptThroughputOpt = Annotated[
    float | None,
    typer.Option("--prompt-throughput", metavar="TOK_PER_S",
                 help="Self-hosted models: prompt (prefill) tokens/s of the whole deployment, "
                 "replacing the assumption."),
]
FxOpt = Annotated[
    float | None,
    typer.Option("--fx", metavar="KRW_PER_USD",
                 help="Exchange rate to use instead of the default of fx.toml."),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option("--as-of", metavar="DATE", help="Prices and KRW/USD rate in force on this date, "
                 "YYYY-MM-DD (default: today)."),
]
CurrencyOpt = Annotated[
    Currency | None,
    typer.Option("--currency", help="Show prices in this currency (default: as published)."),
]
VatOpt = Annotated[
    bool,
    typer.Option("--vat", help="Add Korean VAT (10 %) to every price. Off by default: list "
                 "prices exclude VAT."),
]
ProviderOpt = Annotated[
    str | None, typer.Option("--provider", "-p", help="Only this provider (e.g. openai).")
]


def parse_date(value: str | None, flag: str = "--as-of") -> date:
    """``value`` as a date (today when None), or a one-line error."""
    from tokcost.errors import TokcostError

    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise TokcostError(f"{flag} {value!r} is not a date", hint="write YYYY-MM-DD") from None


def tables_from_options(pricing: list[Path] | None = None, extra: ExtraSource | None = None,
                        gpu_hourly: float | None = None, throughput: float | None = None,
                        prompt_throughput: float | None = None) -> PriceTables:
    """The price tables the command-line options ask for."""
    from tokcost.pricing import SelfHostedOverride, load_tables

    override = SelfHostedOverride(gpu_hourly, throughput, prompt_throughput)
    return load_tables(user_files=pricing or (), extra=extra.value if extra else None,
                       self_hosted=override if override else None)


# ----------------------------------------------------------------------------- rows
def _fmt_price(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def _tiers_short(row: dict[str, Any]) -> str:
    return "; ".join(f">{t['above_input_tokens'] // 1000}K: {_fmt_price(t['input'])} / "
                     f"{_fmt_price(t['output'])}" for t in row["tiers"])


_LIST_COLS = ["provider", "model", "name", "tokenizer", "currency", "input", "cached_input",
              "output", "effective", "end", "source", "confidence", "variant", "default",
              "cache_write", "batch_discount", "listed_currency", "kind", "deprecated", "status",
              "vat_included", "tiers", "notes"]


def _pretty(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        p = dict(r)
        for k in ("input", "cached_input", "output"):
            p[k] = _fmt_price(r[k]) if r["status"] == "priced" else "unpriced" if k == "input" \
                else "—"
        p["tiers"] = _tiers_short(r)
        p["end"] = r["end"] or ""
        p["variant"] = (r["variant"] or "") + ("*" if r["default"] else "")
        out.append(p)
    return out


def _emit(fmt: Fmt, schema: str, rows: list[dict[str, Any]], cols: list[tuple[str, str]],
          output: Path | None, force: bool, title: str, **meta: Any) -> None:
    from tokcost.output import Output, emit

    listing = schema == SCHEMA_LIST
    shown = _pretty(rows) if listing and fmt in (Fmt.table, Fmt.markdown) else rows
    # The listing's "variant" and "conf." columns show these labels; others are appended.
    covered = frozenset({"price_variant", "price_confidence"} if listing else ())
    emit(Output(schema, shown, cols, title=title, meta=meta, shown_in=covered,
                csv_columns=_LIST_COLS if listing else None), fmt.value, output, force)


def _check_provider(tables: PriceTables, provider: str | None, include_extra: bool) -> None:
    from tokcost.errors import TokcostError

    if provider is None or provider in tables.providers:
        return
    known = list(dict.fromkeys([*tables.providers, *(p.id for p in tables.maintained.providers)]))
    if provider in known:
        return
    if include_extra and tables.models(provider, include_extra=True):
        return
    import difflib

    close = difflib.get_close_matches(provider, known, n=2)
    raise TokcostError(f"unknown provider {provider!r}",
                       hint=f"did you mean {' or '.join(close)}?" if close else
                       "providers: " + ", ".join(known))


# ----------------------------------------------------------------------------- commands
app = typer.Typer(help="The dated, cited LLM price tables: list, inspect and validate them, and "
                  "the KRW/USD rate.", no_args_is_help=True)


@app.command("list")
def list_(
    provider: ProviderOpt = None,
    as_of: AsOfOpt = None,
    currency: CurrencyOpt = None,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    vat: VatOpt = False,
    fx: FxOpt = None,
    pricing: PricingFilesOpt = None,
    extra_prices: ExtraPricesOpt = None,
    gpu_hourly: GpuHourlyOpt = None,
    throughput: ThroughputOpt = None,
    prompt_throughput: PromptThroughputOpt = None,
    output: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    """Every model's price in force on a date (one line per variant; unpriced models shown
    as unpriced, never as 0). Prices are per 1,000,000 tokens."""
    day = parse_date(as_of)
    tables = tables_from_options(pricing, extra_prices, gpu_hourly, throughput,
                                 prompt_throughput)
    include_extra = extra_prices is not None
    _check_provider(tables, provider, include_extra)
    cur = currency.value if currency else None
    rate = tables.fx_rate(day, fx) if cur or fx is not None else None
    from tokcost.pricing.listing import price_list

    rows = price_list(tables.models(provider, include_extra=include_extra), as_of=day,
                      currency=cur, fx=rate, vat=vat)
    shown_cur = cur or "as published"
    title = f"Prices per 1M tokens on {day} ({shown_cur}" + (
        f", at {rate.krw_per_usd:,.2f} KRW/USD of {rate.date or 'no date'}" if rate and cur
        else "") + (", incl. 10 % VAT" if vat else "") + "; * = default variant)"
    cols = [("provider", "provider"), ("model", "model"), ("variant", "variant"),
            ("currency", "cur"), ("input", "input"), ("cached_input", "cached"),
            ("output", "output"), ("tiers", "long prompts"), ("price_date", "since"),
            ("end", "until"), ("confidence", "conf."), ("tokenizer_match", "tokenizer"),
            ("price_source", "source")]
    if provider:
        cols = cols[1:]
    meta: dict[str, Any] = {"as_of": day.isoformat(), "currency": cur, "vat_included": vat,
                            "fx": rate.as_dict() if rate else None,
                            "pricing_files": [str(p) for p in pricing or []],
                            "extra_prices": extra_prices.value if extra_prices else None}
    _emit(fmt, SCHEMA_LIST, rows, cols, output, force, title, **meta)


@app.command()
def show(
    model: Annotated[str, typer.Argument(help="Model id or alias, e.g. gpt-5.4 or A.X-4.0.")],
    provider: ProviderOpt = None,
    as_of: AsOfOpt = None,
    currency: CurrencyOpt = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f", help="Output format.")] = ListFmt.table,
    vat: VatOpt = False,
    fx: FxOpt = None,
    pricing: PricingFilesOpt = None,
    extra_prices: ExtraPricesOpt = None,
    gpu_hourly: GpuHourlyOpt = None,
    throughput: ThroughputOpt = None,
    prompt_throughput: PromptThroughputOpt = None,
    output: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    """One model: every price row (history, variants, tiers, your own rows), which one is in
    force, its sources and confidence, and for self-hosted models how the price is derived."""

    day = parse_date(as_of)
    tables = tables_from_options(pricing, extra_prices, gpu_hourly, throughput,
                                 prompt_throughput)
    m = tables.model(model, provider)
    cur = currency.value if currency else None
    rate = tables.fx_rate(day, fx) if cur or fx is not None else None
    from tokcost.pricing.listing import price_history, price_show

    rows = price_history(m, as_of=day, currency=cur, fx=rate, vat=vat)
    info = price_show(m, as_of=day, currency=cur, fx=rate, vat=vat)
    if fmt is ListFmt.json:
        from tokcost.output import Output, emit

        emit(Output(SCHEMA_SHOW, rows, meta=info), "json", output, force)
        return
    write_output(_show_text(m, rows, info, day), output, force)


def _show_text(m: Model, rows: list[dict[str, Any]], info: dict[str, Any], day: date) -> str:
    lines = [f"{m.id} — {m.name} ({m.provider}, {m.kind})"]
    if m.aliases:
        lines.append(f"  aliases     {', '.join(m.aliases)}")
    tok = m.tokenizer or "unknown"
    lines.append(f"  tokenizer   {tok} (tokenizer_match {m.match})"
                 + (f": {m.tokenizer_note}" if m.tokenizer_note else ""))
    if m.context_window:
        lines.append(f"  context     {m.context_window:,} tokens"
                     + (f" (input limit {m.input_limit:,})" if m.input_limit else ""))
    if m.override_reason:
        lines.append(f"  override    {m.override_reason}")
    if m.citation:
        lines.append(f"  citation    {m.citation}")
    if m.retired(day):  # the `retired` label, as the tables and JSON give it
        lines.append("  RETIRED     " + (f"since {m.deprecated}" if m.deprecated else "by its vendor"))
    elif m.deprecated:
        lines.append(f"  deprecated  from {m.deprecated} (still listed)")
    cur_row = info["price_in_force"]
    if cur_row["status"] == "priced":
        lines.append(f"  on {day}   {_fmt_price(cur_row['input'])} in / "
                     f"{_fmt_price(cur_row['output'])} out {cur_row['currency']} per 1M"
                     + (f" (variant {cur_row['variant']})" if cur_row["variant"] else ""))
    else:
        lines.append(f"  on {day}   UNPRICED: no price row in force")
    if info["fx"]:
        lines.append(f"  fx          {info['fx']['krw_per_usd']:,.2f} KRW/USD "
                     f"({info['fx']['date']}, {info['fx']['source']})")
    lines.append("  rows:")
    for r in rows:
        mark = "→" if r["used"] else ("•" if r["in_force"] else " ")
        span = f"{r['effective']} .. {r['end'] or 'open'}"
        var = f" [{r['variant']}{', default' if r['default'] else ''}]" if r["variant"] else ""
        cached = f" / cached {_fmt_price(r['cached_input'])}" if r["cached_input"] is not None \
            else ""
        lines.append(f"  {mark} {span:24} {_fmt_price(r['input'])} in{cached} / "
                     f"{_fmt_price(r['output'])} out {r['currency']}{var}  "
                     f"confidence {r['confidence']}")
        for t in r["tiers"]:
            lines.append(f"      above {t['above_input_tokens']:,} input tokens: "
                         f"{_fmt_price(t['input'])} in / {_fmt_price(t['output'])} out")
        sh = r["self_hosted"]
        if sh:
            lines.append(f"      {sh['gpu_count']} x {sh['gpu']} at {sh['gpu_hourly_usd']:g} "
                         f"USD/h = {sh['hourly_usd']:g} USD/h; {sh['prompt_tokens_per_s']:g} "
                         f"prompt tok/s, {sh['output_tokens_per_s']:g} output tok/s "
                         "(price = hourly / (tok/s x 3600) x 1e6)")
        lines.append(f"      source: {r['source']}")
        if r["notes"]:
            lines.append(f"      notes: {r['notes']}")
        lines.append(f"      file: {r['file']}" + (f":{r['line']}" if r["line"] else ""))
    lines.append("  (→ used, • also in force; prices per 1,000,000 tokens)")
    return "\n".join(lines) + "\n"


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Price files to check on top of the shipped tables "
                       "(default: check the shipped tables)."),
    ] = None,
    max_age_days: Annotated[
        int, typer.Option("--max-age-days", min=0,
                          help="Warn about prices in force that are older than this.")] = 180,
    today: Annotated[
        str | None, typer.Option("--today", metavar="DATE",
                                 help="Judge ages as of this date (default: today).")] = None,
    fmt: Annotated[ListFmt, typer.Option("--format", "-f", help="Output format.")] = ListFmt.table,
) -> None:
    """Check price tables strictly: one line per problem. Exit 0 when clean (warnings allowed),
    1 when there are errors."""
    from tokcost.pricing import validate as run

    day = parse_date(today, "--today")
    issues = run(files or (), today=day, max_age_days=max_age_days)
    errors = sum(1 for i in issues if i.severity == "error")
    warnings = len(issues) - errors
    if fmt is ListFmt.json:
        from tokcost.output import Output, emit

        # the envelope's "warnings" is the count here (as before), not a list of messages
        emit(Output(SCHEMA_VALIDATE, [i.as_dict() for i in issues],
                    meta={"errors": errors, "warnings": warnings, "today": day.isoformat(),
                          "max_age_days": max_age_days}), "json")
    else:
        for i in issues:
            print(f"{i.severity}: {i.render()}")
        what = ", ".join(str(f) for f in files) if files else "shipped price tables"
        print(f"{what}: {errors} error{'s' * (errors != 1)}, "
              f"{warnings} warning{'s' * (warnings != 1)}")
    if errors:
        raise typer.Exit(code=1)


@app.command("fx")
def fx_cmd(
    as_of: AsOfOpt = None,
    fx: FxOpt = None,
    amount: Annotated[
        float | None, typer.Option("--amount", help="Convert this amount (see --from).")] = None,
    from_: Annotated[
        Currency, typer.Option("--from", help="Currency of --amount.")] = Currency.USD,
    vat: VatOpt = False,
    fmt: Annotated[Fmt, typer.Option("--format", "-f", help="Output format.")] = Fmt.table,
    pricing: PricingFilesOpt = None,
    output: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    """The KRW/USD rates tokcost knows and the one it uses (default row, or --fx); optionally
    convert an amount."""
    from tokcost.pricing.listing import fx_listing

    tables = tables_from_options(pricing)
    day = parse_date(as_of) if as_of else None
    listing = fx_listing(tables, as_of=day, fx=fx, amount=amount, from_currency=from_.value,
                         vat=vat)
    title = f"KRW per USD — using {listing.used.label()}"
    if listing.conversion is not None:
        money, other = listing.conversion
        title += f"\n{money} = {other}"
    cols = [("date", "date"), ("krw_per_usd", "KRW/USD"), ("default", "default"),
            ("used", "used"), ("confidence", "conf."), ("source", "source")]
    rows = listing.rows
    if fmt in (Fmt.table, Fmt.markdown):
        rows = [{**r, "krw_per_usd": f"{r['krw_per_usd']:,.2f}", "date": r["date"] or "—"}
                for r in rows]
    _emit(fmt, SCHEMA_FX, rows, cols, output, force, title, **listing.info)


SCHEMA_DRIFT = "tokcost/pricing-drift/1"


@app.command("drift")
def drift_cmd(
    as_of: AsOfOpt = None,
    no_litellm: Annotated[bool, typer.Option("--no-litellm", help="Skip the comparison with "
                                             "LiteLLM's price map.")] = False,
    fmt: Annotated[Fmt, typer.Option("--format", "-f")] = Fmt.table,
    output: OutOpt = None,
    force: ForceOpt = False,
) -> None:
    """Compare the hand-kept tables with genai-prices (and LiteLLM's price map when the litellm
    wheel is installed). Exit 1 on an unexplained difference; offline."""
    from tokcost.pricing import load_tables
    from tokcost.pricing.drift import drift

    day = parse_date(as_of)
    rows = [r.as_dict() for r in drift(load_tables(), day, litellm=not no_litellm)]
    cols = [("provider", "provider"), ("model", "model"), ("against", "against"),
            ("status", "status"), ("ours", "ours (in / cached / out)"), ("theirs", "theirs"),
            ("reason", "reason")]
    _emit(fmt, SCHEMA_DRIFT, rows, cols, output, force, f"Price drift on {day}")
    bad = [r for r in rows if r["status"] == "differs"]
    if bad:
        typer.echo(f"{len(bad)} unexplained difference(s): fix the hand row, or give it "
                   "overrides/override_reason or drift_reason with a citation", err=True)
        raise typer.Exit(1)


@app.command("update")
def update_cmd(
    url: Annotated[str | None, typer.Option("--url", help="Where to fetch genai-prices data "
                                            "from (default: genai-prices' own update URL).")]
    = None,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait.")] = 30.0,
) -> None:
    """Fetch newer genai-prices data into the user cache (network; opt-in). Offline use of the
    installed data stays the default until you run this."""
    from tokcost.pricing.update import update

    info = update(url, timeout=timeout)
    typer.echo(f"genai-prices data: {info['providers']} providers, {info['models']} models, "
               f"fetched {info['fetched']} from {info['url']} -> {info['path']}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="pricing")
