"""Everything a report shows, gathered once: measurement, cost, budget and diagnostics.

Each corpus is tokenized once per tokenizer (``run_measure``); cost and budget reuse those counts
(budget through the measured characters per token and ratio; cost of a typical request counts the
request file once per tokenizer, however many models share that tokenizer). The result is a plain
JSON-ready document, ``tokcost/report/1``, which the HTML and Markdown reports only format: every
number a report shows is in ``results.json``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tokcost._version import __version__
from tokcost.costing import DEFAULT_OUTPUT_TOKENS

SCHEMA_REPORT = "tokcost/report/1"
REQUESTS_PER_BATCH = 1000
STALE_DAYS = 180  # a price older than this gets a "price N days old" label


@dataclass
class ReportOptions:
    corpora: Sequence[str] | None = None  # default: the shipped samples
    tokenizers: Sequence[str] | None = None  # default: every tokenizer available offline
    models: Sequence[str] | None = None  # default: every model in the price tables
    requests: str | Path | None = None  # chat request file; default: the shipped requests
    output_tokens: int = DEFAULT_OUTPUT_TOKENS  # answer length in English tokens (Korean scaled)
    requests_per_day: float = 1000.0
    days: int = 30
    input_chars: int = 2000
    output_chars: int = 500
    shortlist: Sequence[str] | None = None  # models of interest for the headline; None: cheapest
    shortlist_size: int = 8
    workload_source: str | None = None  # where the workload came from ("flags", "tokcost.toml")
    lang: str = "en"  # report language: en or ko
    as_of: date = field(default_factory=date.today)
    fx: float | None = None
    vat: bool = False
    max_price_age_days: int = 180  # a price older than this is stale (costing.DEFAULT_...)
    tables: Any = None  # PriceTables; None = shipped
    workers: int | str = 1
    use_cache: bool = True
    samples_per_tokenizer: int = 3
    diagnostics: bool = True
    progress_factory: Callable[[str, str, int | None], Callable[[int], None] | None] | None = None


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)
    on_stage: Callable[[str], None] | None = None  # told each stage's name as it starts

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.on_stage is not None:
            self.on_stage(name)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - t0

    @property
    def total(self) -> float:
        return sum(self.stages.values())


# Sample sentences for the token-boundary view: (corpus domain, pair index in that domain).
_SAMPLE_PICKS = (("news", 1), ("software", 3), ("casual-chat", 5), ("medical", 2))


def _samples(corpus_pairs: list[Any], n: int) -> list[dict[str, str]]:
    by_domain: dict[str, list[Any]] = {}
    for p in corpus_pairs:
        by_domain.setdefault(p.domain or "", []).append(p)
    out = []
    for dom, i in _SAMPLE_PICKS:
        pairs = by_domain.get(dom)
        if pairs:
            p = pairs[min(i, len(pairs) - 1)]
            out.append({"id": p.id, "domain": dom, "ko": p.ko, "en": p.en})
    if not out:
        out = [{"id": p.id, "domain": p.domain, "ko": p.ko, "en": p.en} for p in corpus_pairs[:n]]
    return out[:n]


def _boundaries(texts: list[dict[str, str]], toks: Sequence[Any]) -> list[dict[str, Any]]:
    from tokcost.diagnostics.boundaries import inspect_text

    rows = []
    for s in texts:
        for tok, insp in zip(toks, inspect_text(s["ko"], toks), strict=True):
            rows.append({
                "sample": s["id"], "domain": s["domain"], "tokenizer": tok.id,
                "tokens": insp.tokens, "byte_fallback_tokens": insp.byte_fallback_tokens,
                "groups": [{"text": g.text, "tokens": g.count, "byte_fallback": g.byte_fallback,
                            "special": g.special} for g in insp.groups],
            })
    return rows


def _summary(measure: list[dict[str, Any]], cost: list[dict[str, Any]],
             budget: Sequence[dict[str, Any]] = (), max_price_age_days: int = 180
             ) -> dict[str, Any]:
    """The facts the plain-words summary states, computed from the rows (so they are checkable)."""
    main = [r for r in measure if r["domain"] == "all" and r.get("ratio") is not None]
    first_corpus = main[0]["corpus"] if main else None
    main = [r for r in main if r["corpus"] == first_corpus]
    english_centric = [r for r in main if not r["korean_trained"]]
    korean = [r for r in main if r["korean_trained"]]
    out: dict[str, Any] = {"corpus": first_corpus}
    if main:
        lo = min(main, key=lambda r: r["ratio"])
        hi = max(main, key=lambda r: r["ratio"])
        out.update(lowest_ratio_tokenizer=lo["tokenizer"], lowest_ratio=lo["ratio"],
                   highest_ratio_tokenizer=hi["tokenizer"], highest_ratio=hi["ratio"])
    if english_centric:
        ratios = [r["ratio"] for r in english_centric]
        out.update(english_centric_ratio_min=min(ratios), english_centric_ratio_max=max(ratios),
                   english_centric_premium_pct_min=(min(ratios) - 1) * 100,
                   english_centric_premium_pct_max=(max(ratios) - 1) * 100,
                   english_centric_tokenizers=len(ratios))
    if korean:
        ratios = [r["ratio"] for r in korean]
        out.update(korean_trained_ratio_min=min(ratios), korean_trained_ratio_max=max(ratios),
                   korean_trained_tokenizers=len(ratios))
    # "Korean costs 347 % more": 4.47× English tokens for the same content. Does any measured
    # tokenizer come near? (Premium = ratio − 1; even its interval's upper end is compared.)
    # Below the minimum number of pairs a ratio has no interval: judge on its point estimate.
    def upper(r: dict[str, Any]) -> float:
        return r["ratio_ci_high"] if r["ratio_ci_high"] is not None else r["ratio"]

    if main:
        top = max(main, key=upper)
        out["claim_347_ratio_needed"] = 4.47
        out["claim_347_max_ratio_ci_high"] = upper(top)
        out["claim_347_max_tokenizer"] = top["tokenizer"]
        out["claim_347_holds"] = upper(top) >= 4.47
        # Read loosely as "3.47× the tokens", the figure is reached by these tokenizers:
        out["claim_347_loose_ratio"] = 3.47
        out["claim_347_loose_reached_by"] = sorted(r["tokenizer"] for r in main
                                                   if upper(r) >= 3.47)
    usd = [r for r in cost if r["currency"] == "USD" and r.get("cost") is not None]
    if usd:
        cheapest = min(usd, key=lambda r: r["cost"])
        out.update(cheapest_model=cheapest["model"], cheapest_provider=cheapest["provider"],
                   cheapest_tokenizer=cheapest["tokenizer"],
                   cheapest_cost_usd_per_batch=cheapest["cost_per_batch"],
                   cheapest_kind=cheapest.get("kind"))
        api = [r for r in usd if r.get("kind") != "self-hosted"]
        if api:
            c = min(api, key=lambda r: r["cost"])
            out.update(cheapest_api_model=c["model"], cheapest_api_provider=c["provider"],
                       cheapest_api_cost_usd_per_batch=c["cost_per_batch"])
        dearest = max(usd, key=lambda r: r["cost"])
        out.update(dearest_model=dearest["model"],
                   dearest_cost_usd_per_batch=dearest["cost_per_batch"])
    out["models_priced"] = len(usd)
    out["models_not_costed"] = sorted({r["model"] for r in cost if r.get("cost") is None})
    out.update(_staleness(cost, budget, max_price_age_days))
    return out


def _staleness(cost: Sequence[dict[str, Any]], budget: Sequence[dict[str, Any]],
               max_price_age_days: int) -> dict[str, Any]:
    """Stale money inputs the summary states: prices used in a cost older than the threshold
    (oldest first, one per model) and the KRW/USD rate when older than the FX threshold."""
    from tokcost.costing import DEFAULT_MAX_FX_AGE_DAYS

    used = [r for r in [*cost, *budget]
            if r.get("cost", r.get("monthly_cost")) is not None]
    stale: dict[str, dict[str, Any]] = {}
    for r in used:  # the flags tokcost.costing set with this run's thresholds
        if r.get("price_stale") and r["model"] not in stale:
            stale[r["model"]] = {"model": r["model"], "price_date": r.get("price_date"),
                                 "price_age_days": r.get("price_age_days")}
    fx = next((r for r in used if r.get("fx_stale")), None)
    return {"price_age_threshold_days": max_price_age_days,
            "stale_prices": sorted(stale.values(), key=lambda x: -x["price_age_days"]),
            "stale_fx": None if fx is None else {
                "fx_rate": fx.get("fx_rate"), "fx_date": fx.get("fx_date"),
                "fx_age_days": fx.get("fx_age_days"),
                "threshold_days": DEFAULT_MAX_FX_AGE_DAYS}}


def collect_results(opts: ReportOptions | None = None, timings: Timings | None = None
                    ) -> dict[str, Any]:
    """Measure, cost and diagnose; return the ``tokcost/report/1`` document (validated as
    :class:`tokcost.schema.report.ReportDocument`)."""
    from tokcost.corpora import requests_file
    from tokcost.corpora.requests import load_requests
    from tokcost.costing import BudgetInput, CostOptions, Workload, budget_rows, cost_rows
    from tokcost.measurement import DEFAULT_CORPORA, Settings, release, resolve_many, run_measure

    opts = opts or ReportOptions()
    timings = timings or Timings()
    corpora = list(opts.corpora or DEFAULT_CORPORA)

    # Resolved here (ids and files), opened where they count and released after: each process
    # holds one tokenizer at a time (docs/performance.md). A model whose tokenizer is not among
    # ``toks`` (``-t`` narrowed them) is still loaded by the cost rows as it comes.
    with timings.stage("load tokenizers"):
        toks = resolve_many(list(opts.tokenizers) if opts.tokenizers else None)
    with timings.stage("measure"):
        settings = Settings(by_domain=True)
        result = run_measure(corpora, toks, settings=settings, use_cache=opts.use_cache,
                             workers=opts.workers, progress_factory=opts.progress_factory)
    measure = whole_corpus_rows(result.rows)
    first = corpora[0]
    measured = {r["tokenizer"]: r for r in measure
                if r["corpus"] == measure[0]["corpus"] and r["domain"] == "all"} if measure else {}

    with timings.stage("cost"):
        reqs = load_requests(Path(opts.requests) if opts.requests else requests_file())
        wl = Workload.from_requests(str(opts.requests or "requests"), reqs)
        from tokcost.tokenizers.catalog import load_catalog

        catalog = load_catalog()
        ptables = CostOptions(tables=opts.tables).price_tables()
        memo: dict[str, Any] = {}

        def copts_for(cur: str) -> Any:
            return CostOptions(as_of=opts.as_of, currency=cur, fx=opts.fx, vat=opts.vat,
                               output_tokens=opts.output_tokens, tables=opts.tables,
                               max_price_age_days=opts.max_price_age_days)

        # One tokenizer open at a time in this process: it counts the requests (into ``memo``,
        # through cost_rows for one model that uses it), shows its token boundaries and is
        # diagnosed, then it is released. The rows below are made from those counts and the
        # resolved (not loaded) tokenizers; they are what one pass with every tokenizer loaded
        # gives (tests/test_one_at_a_time.py). The diagnostics' share of the time is moved to
        # their stage below (the progress bar shows "cost" meanwhile).
        t_diag = time.perf_counter()
        # one streaming pass; a large corpus is diagnosed on a sample (diagnostics/sample.py)
        from tokcost.diagnostics.sample import diagnostic_text

        dtext = diagnostic_text(first)
        samples = _samples(dtext.kept, opts.samples_per_tokenizer)
        n_morph: tuple[int, str] | None = None
        if opts.diagnostics:
            from tokcost.diagnostics.fertility import count_morphemes_of

            n_morph = count_morphemes_of(dtext.text.ko)  # once, for every tokenizer
            _release_analyser()  # Kiwi's model (~300 MB) is not needed beside the tokenizers
        diag_s = time.perf_counter() - t_diag
        primers = _primers(toks, opts.models, ptables)
        seeded: dict[str, Any] = {}  # tokenizer id -> (resolved tokenizer, "") for the rows
        by_tok: list[list[dict[str, Any]]] = []
        diagnostics: list[dict[str, Any]] = []
        for tok in toks:
            # vendor token-count APIs give counts, not tokens: no boundaries or diagnostics for
            # them, and the cost rows count through them as they come (the row keeps the day the
            # vendor counted)
            if tok.backend == "vendor-api":
                continue
            opened = tok.open()
            if tok.id in primers:
                cost_rows(wl, [primers[tok.id]], copts_for("USD"), measured=measured, memo=memo,
                          tokenizers={tok.id: (opened, "")})
                if tok.id in memo:
                    seeded[tok.id] = (tok, "")
            t_diag = time.perf_counter()
            by_tok.append(_boundaries(samples, [opened]))
            if opts.diagnostics:
                diagnostics += _diagnostics([opened], dtext.text,
                                            {} if dtext.sampled else measured, n_morph)
            diag_s += time.perf_counter() - t_diag
            del opened
            release([tok])
        cost: list[dict[str, Any]] = []
        for cur in ("USD", "KRW"):
            for r in cost_rows(wl, opts.models, copts_for(cur), measured=measured, memo=memo,
                               tokenizers=seeded):
                entry = catalog.get(r["tokenizer"] or "")
                r["korean_trained"] = bool(entry and entry.korean_trained)
                r["requests"] = REQUESTS_PER_BATCH
                r["cost_per_batch"] = r["cost"] * REQUESTS_PER_BATCH if r["cost"] is not None \
                    else None
                r["en_cost_per_batch"] = r["en_cost"] * REQUESTS_PER_BATCH \
                    if r["en_cost"] is not None else None
                r["premium_basis"] = "requests"
                add_labels(r, ptables, opts.as_of)
                cost.append(r)
    timings.stages["cost"] -= diag_s
    budget_corpus = first if isinstance(first, str) else "samples"
    # the budget rows need each tokenizer's identity, not its counts: resolved ones will do
    resolved = {t.id: (t, "") for t in toks if _plain(t) and t.backend != "vendor-api"}
    with timings.stage("budget"):
        budget = []
        for cur in ("USD", "KRW"):
            bopts = CostOptions(as_of=opts.as_of, currency=cur, fx=opts.fx, vat=opts.vat,
                                tables=opts.tables, max_price_age_days=opts.max_price_age_days)
            for r in budget_rows(BudgetInput(opts.requests_per_day, opts.days, opts.input_chars,
                                             opts.output_chars, budget_corpus),
                                 opts.models, bopts, measured=measured, tokenizers=resolved):
                m = ptables.find_model(r["model"], r.get("provider"))
                r.setdefault("kind", m.kind if m is not None else None)
                entry = catalog.get(r["tokenizer"] or "")
                r["korean_trained"] = bool(entry and entry.korean_trained)
                r["premium_basis"] = "corpus"
                r["premium_corpus"] = measure[0]["corpus"] if measure else budget_corpus
                add_labels(r, ptables, opts.as_of)
                budget.append(r)
        headline = _headline(cost, budget, opts)
    _release_loaded()  # any tokenizer the rows still had to load (load_tokenizer's cache)
    sampling: dict[str, Any] | None = None
    with timings.stage("diagnostics"):
        # in the order of one call with every tokenizer: by sample, then tokenizer
        boundaries = [rows[i] for i in range(len(samples)) for rows in by_tok]
        if opts.diagnostics:
            sampling = dtext.describe()
            for row in diagnostics:
                row.update(sample_pairs=sampling["sample_pairs"],
                           corpus_pairs=sampling["corpus_pairs"])
    timings.stages["diagnostics"] += diag_s
    doc = {
        "schema": SCHEMA_REPORT,
        "lang": opts.lang,
        "tokcost_version": __version__,
        "generated": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "settings": {
            "corpora": corpora, "tokenizers": [t.id for t in toks],
            "models": list(opts.models) if opts.models else "all",
            "requests": wl.label, "requests_in_file": len(reqs),
            "requests_per_batch": REQUESTS_PER_BATCH, "output_tokens": opts.output_tokens,
            "as_of": opts.as_of.isoformat(), "fx_krw_per_usd": cost[0]["fx_krw_per_usd"]
            if cost else None, "vat": opts.vat,
            "budget": {"requests_per_day": opts.requests_per_day, "days": opts.days,
                       "input_chars": opts.input_chars, "output_chars": opts.output_chars,
                       "requests_per_month": opts.requests_per_day * opts.days,
                       "corpus": measure[0]["corpus"] if measure else budget_corpus,
                       "source": opts.workload_source or "defaults",
                       "shortlist": headline["models"], "shortlist_given": headline["given"]},
            "measure": settings.key(),
            "diagnostics": sampling,  # None: --no-diagnostics
        },
        "summary": _summary(measure, cost, budget, opts.max_price_age_days),
        "headline": headline["rows"],
        "measure": measure,
        "cost": cost,
        "budget": budget,
        "diagnostics": diagnostics,
        "samples": samples,
        "boundaries": boundaries,
        "warnings": [*result.warnings, *_money_warnings(cost, budget)],
    }
    from tokcost.schema.report import ReportDocument

    # the document as written, validated: a renamed or missing key, or a wrong type, in any
    # section fails here, not in the HTML/Markdown/xlsx writers that read it
    ReportDocument.model_validate(doc)
    return doc


def whole_corpus_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The report reads a corpus's total from its ``domain == "all"`` row. A corpus narrowed to
    one domain (``-c samples/news``, ``--domain law``) has one row per tokenizer, labelled with
    that domain: it is the whole of what was asked for, so it becomes ``samples/news`` / ``all``
    (the signature keeps what was measured). Without this the report had no tokenizer rows and
    every budget row said "not measured"."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["corpus"], r["tokenizer"]), []).append(r)
    out = []
    for r in rows:
        group = groups[(r["corpus"], r["tokenizer"])]
        if len(group) == 1 and r["domain"] not in ("all", None):
            r = {**r, "corpus": f"{r['corpus']}/{r['domain']}", "domain": "all"}
        out.append(r)
    return out


def _money_warnings(*rows: Sequence[dict[str, Any]]) -> list[str]:
    """Stale prices / FX and retired models of the cost and budget rows (tokcost.costing)."""
    from tokcost.costing import collect_warnings

    return collect_warnings([r for group in rows for r in group])


def _diagnostics(toks: Sequence[Any], corpus: Any, measured: dict[str, dict[str, Any]],
                 morpheme_count: tuple[int, str] | None = None) -> list[dict[str, Any]]:
    """Per-tokenizer Korean diagnostics (Hangul coverage, continued words, morpheme fertility).
    The corpus token totals come from the measurement, not from counting the corpus again."""
    from tokcost.diagnostics import summary

    totals = {tid: (r["ko_tokens"], r["en_tokens"]) for tid, r in measured.items()}
    return summary(list(toks), corpus, totals=totals, morpheme_count=morpheme_count)


def _plain(tok: Any) -> bool:
    """Given by its catalog id alone (not ``ID=PATH``, a path or ``hf:…``): the same tokenizer
    ``load_tokenizer(id)`` gives the cost and budget rows."""
    return getattr(tok, "spec", None) == tok.id


def _primers(toks: Sequence[Any], models: Sequence[str] | None, tables: Any) -> dict[str, str]:
    """Tokenizer id -> the first model (of those the cost rows cover) that is counted with it,
    for the tokenizers given by their plain id; counting the requests for that model counts them
    for every model sharing the tokenizer (cost_rows' ``memo``)."""
    chosen = [tables.model(m) for m in models] if models else tables.default_models()
    ids = {t.id for t in toks if _plain(t) and t.backend != "vendor-api"}
    out: dict[str, str] = {}
    for m in chosen:
        if m.tokenizer in ids and m.tokenizer not in out:
            out[m.tokenizer] = m.id
    return out


def _release_analyser() -> None:
    """Unload the morphological analyser (loaded once per process; loaded again if asked)."""
    import gc

    from tokcost.diagnostics import morphemes
    from tokcost.measurement import trim_memory

    morphemes.unload()
    gc.collect()
    trim_memory()


def _release_loaded() -> None:
    """Forget the tokenizers ``load_tokenizer`` kept for this process (the cost stage's), so that
    the stages after it do not hold them all at once."""
    import gc

    from tokcost.measurement import trim_memory
    from tokcost.tokenizers import forget_loaded

    forget_loaded()
    gc.collect()
    trim_memory()


def tokenizer_match(row: dict[str, Any], model: Any) -> str:
    """``exact`` / ``presumed`` / ``proxy`` / ``none`` (COMMON vocabulary) from what the row and the
    price table know: a proxy tokenizer, an uncountable one, or the table's tokenizer confidence."""
    if row.get("tokenizer") is None or (row.get("input_tokens") is None
                                        and "not published" in str(row.get("status", ""))):
        return "none"
    if row.get("proxy_of") or row.get("exactness") == "proxy":
        return "proxy"
    if model is not None and getattr(model, "tokenizer_confidence", "high") != "high":
        return "presumed"
    return "exact"


def add_labels(row: dict[str, Any], tables: Any, as_of: date) -> None:
    """The label fields of a cost or budget row (``tokenizer_match``, ``price_variant``,
    ``price_age_days``, ``retired``, ``assumption``). Fields the costing stage already set are kept
    as they are; only missing ones are derived here."""
    try:
        model = tables.find_model(row["model"], row.get("provider"))
    except Exception:  # an ambiguous id: no table facts, the row's own fields only
        model = None
    price = model.price_for(as_of) if model is not None else None
    row.setdefault("tokenizer_match", tokenizer_match(row, model))
    if model is not None:
        row.setdefault("tokenizer_confidence", model.tokenizer_confidence)
    row.setdefault("price_variant", (price.variant or "standard") if price else None)
    row.setdefault("price_confidence", price.confidence if price else None)
    if row.get("price_age_days") is None and row.get("price_date"):
        row["price_age_days"] = (as_of - date.fromisoformat(row["price_date"])).days
    row.setdefault("retired", bool(model is not None and model.deprecated
                                   and model.deprecated <= as_of))
    kind = row.get("kind") or (model.kind if model is not None else None)
    row["assumption"] = "self-hosted" if kind == "self-hosted" else None


def _headline(cost: list[dict[str, Any]], budget: list[dict[str, Any]], opts: ReportOptions
              ) -> dict[str, Any]:
    """The page's first answer: monthly cost per shortlisted model, USD and KRW, Korean and English,
    with the range. Shortlist: the models named (``shortlist``, else ``models``), else the cheapest
    costed pay-per-token models."""
    usd = {r["model"]: r for r in budget if r["currency"] == "USD"}
    krw = {r["model"]: r for r in budget if r["currency"] == "KRW"}
    given = list(opts.shortlist or opts.models or [])
    if given:
        from tokcost.pricing import load_tables

        tables = opts.tables if opts.tables is not None else load_tables()
        names = []
        for m in given:
            try:
                names.append(tables.model(m).id)
            except Exception:
                names.append(m)
    else:
        # the cheapest current pay-per-token model of each provider, cheapest first
        api = [r for r in usd.values() if r["monthly_cost"] is not None
               and r.get("assumption") != "self-hosted" and not r.get("retired")]
        api.sort(key=lambda r: r["monthly_cost"])
        per_provider: dict[str, str] = {}
        for r in api:
            per_provider.setdefault(r["provider"], r["model"])
        names = list(per_provider.values())[:opts.shortlist_size]
    rows = []
    for name in dict.fromkeys(names):
        u, k = usd.get(name), krw.get(name)
        if u is None:
            continue
        row = {key: u.get(key) for key in (
            "model", "provider", "tokenizer", "korean_trained", "requests", "input_tokens",
            "output_tokens", "premium_pct", "premium_basis", "premium_corpus", "status", "kind",
            "tokenizer_match", "tokenizer_confidence", "price_source", "price_date",
            "price_age_days", "price_confidence", "price_variant", "retired", "assumption",
            "deprecated")}
        for cur, src in (("usd", u), ("krw", k or {})):
            row[f"monthly_{cur}"] = src.get("monthly_cost")
            row[f"monthly_low_{cur}"] = src.get("monthly_low")
            row[f"monthly_high_{cur}"] = src.get("monthly_high")
            row[f"monthly_en_{cur}"] = src.get("monthly_cost_en")
        rows.append(row)
    rows.sort(key=lambda r: (r["monthly_usd"] is None, r["monthly_usd"] or 0))
    return {"models": [r["model"] for r in rows], "given": bool(given), "rows": rows}
