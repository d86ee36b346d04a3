"""Everything a report shows, gathered once: measurement, cost, budget and diagnostics.

Each corpus is tokenized once per tokenizer (``run_measure``); cost and budget reuse those counts
(budget through the measured characters per token and ratio; cost of a typical request counts the
request file once per tokenizer, however many models share that tokenizer). The result is a plain
JSON-ready document, ``tokcost/report/1``, which the HTML and Markdown reports only format: every
number a report shows is in ``results.json``. Between the stages the rows are typed records
(:class:`~tokcost.schema.measure.MeasureRow`, :class:`~tokcost.schema.report.ReportCostRecord`,
:class:`~tokcost.schema.report.ReportBudgetRecord`); the document holds their JSON form.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokcost._version import __version__
from tokcost.costing import DEFAULT_OUTPUT_CHARS, DEFAULT_OUTPUT_TOKENS

if TYPE_CHECKING:
    from tokcost.schema.measure import MeasureRow
    from tokcost.schema.pricing import BudgetRecord, CostRecord
    from tokcost.schema.report import (
        HeadlineRow,
        ReportBudgetRecord,
        ReportCostRecord,
        Sample,
    )

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
    output_chars: int = DEFAULT_OUTPUT_CHARS
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
class Headline:
    """The page's first answer: the shortlisted models' rows, and whether the shortlist was
    given (``--shortlist`` / ``--model``) or chosen (the cheapest of each provider)."""

    rows: list[HeadlineRow]
    given: bool


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


def _samples(corpus_pairs: list[Any], n: int) -> list[Sample]:
    from tokcost.schema.report import Sample

    by_domain: dict[str, list[Any]] = {}
    for p in corpus_pairs:
        by_domain.setdefault(p.domain or "", []).append(p)
    out = []
    for dom, i in _SAMPLE_PICKS:
        pairs = by_domain.get(dom)
        if pairs:
            p = pairs[min(i, len(pairs) - 1)]
            out.append(Sample(id=p.id, domain=dom, ko=p.ko, en=p.en))
    if not out:
        out = [Sample(id=p.id, domain=p.domain, ko=p.ko, en=p.en) for p in corpus_pairs[:n]]
    return out[:n]


def _boundaries(texts: list[Sample], toks: Sequence[Any]) -> list[dict[str, Any]]:
    from tokcost.diagnostics.boundaries import inspect_text

    rows = []
    for s in texts:
        for tok, insp in zip(toks, inspect_text(s.ko, toks), strict=True):
            rows.append({
                "sample": s.id, "domain": s.domain, "tokenizer": tok.id,
                "tokens": insp.tokens, "byte_fallback_tokens": insp.byte_fallback_tokens,
                "groups": [{"text": g.text, "tokens": g.count, "byte_fallback": g.byte_fallback,
                            "special": g.special} for g in insp.groups],
            })
    return rows


def _summary(measure: Sequence[MeasureRow], cost: Sequence[ReportCostRecord],
             budget: Sequence[ReportBudgetRecord] = (), max_price_age_days: int = 180
             ) -> dict[str, Any]:
    """The facts the plain-words summary states, computed from the rows (so they are checkable)."""
    main = [(r, r.ratio) for r in measure if r.domain == "all" and r.ratio is not None]
    first_corpus = main[0][0].corpus if main else None
    main = [(r, ratio) for r, ratio in main if r.corpus == first_corpus]
    english_centric = [ratio for r, ratio in main if not r.korean_trained]
    korean = [ratio for r, ratio in main if r.korean_trained]
    out: dict[str, Any] = {"corpus": first_corpus}
    if main:
        lo = min(main, key=lambda m: m[1])
        hi = max(main, key=lambda m: m[1])
        out.update(lowest_ratio_tokenizer=lo[0].tokenizer, lowest_ratio=lo[1],
                   highest_ratio_tokenizer=hi[0].tokenizer, highest_ratio=hi[1])
    if english_centric:
        ratios = english_centric
        out.update(english_centric_ratio_min=min(ratios), english_centric_ratio_max=max(ratios),
                   english_centric_premium_pct_min=(min(ratios) - 1) * 100,
                   english_centric_premium_pct_max=(max(ratios) - 1) * 100,
                   english_centric_tokenizers=len(ratios))
    if korean:
        ratios = korean
        out.update(korean_trained_ratio_min=min(ratios), korean_trained_ratio_max=max(ratios),
                   korean_trained_tokenizers=len(ratios))
    # "Korean costs 347 % more": 4.47× English tokens for the same content. Does any measured
    # tokenizer come near? (Premium = ratio − 1; even its interval's upper end is compared.)
    # Below the minimum number of pairs a ratio has no interval: judge on its point estimate.
    def upper(m: tuple[MeasureRow, float]) -> float:
        return m[0].ratio_ci_high if m[0].ratio_ci_high is not None else m[1]

    if main:
        top = max(main, key=upper)
        out["claim_347_ratio_needed"] = 4.47
        out["claim_347_max_ratio_ci_high"] = upper(top)
        out["claim_347_max_tokenizer"] = top[0].tokenizer
        out["claim_347_holds"] = upper(top) >= 4.47
        # Read loosely as "3.47× the tokens", the figure is reached by these tokenizers:
        out["claim_347_loose_ratio"] = 3.47
        out["claim_347_loose_reached_by"] = sorted(m[0].tokenizer for m in main
                                                   if upper(m) >= 3.47)
    usd = [(r, r.cost) for r in cost if r.currency == "USD" and r.cost is not None]
    if usd:
        cheapest = min(usd, key=lambda c: c[1])[0]
        out.update(cheapest_model=cheapest.model, cheapest_provider=cheapest.provider,
                   cheapest_tokenizer=cheapest.tokenizer,
                   cheapest_cost_usd_per_batch=cheapest.cost_per_batch,
                   cheapest_kind=cheapest.kind)
        api = [c for c in usd if c[0].kind != "self-hosted"]
        if api:
            c = min(api, key=lambda c: c[1])[0]
            out.update(cheapest_api_model=c.model, cheapest_api_provider=c.provider,
                       cheapest_api_cost_usd_per_batch=c.cost_per_batch)
        dearest = max(usd, key=lambda c: c[1])[0]
        out.update(dearest_model=dearest.model,
                   dearest_cost_usd_per_batch=dearest.cost_per_batch)
    out["models_priced"] = len(usd)
    out["models_not_costed"] = sorted({r.model for r in cost if r.cost is None})
    out.update(_staleness(cost, budget, max_price_age_days))
    return out


def _staleness(cost: Sequence[CostRecord], budget: Sequence[BudgetRecord],
               max_price_age_days: int) -> dict[str, Any]:
    """Stale money inputs the summary states: prices used in a cost older than the threshold
    (oldest first, one per model) and the KRW/USD rate when older than the FX threshold."""
    from tokcost.costing import DEFAULT_MAX_FX_AGE_DAYS

    used = [*(r for r in cost if r.cost is not None),
            *(r for r in budget if r.monthly_cost is not None)]
    stale: dict[str, tuple[str | None, int]] = {}
    for r in used:  # the flags tokcost.costing set with this run's thresholds
        if r.price_stale and r.model not in stale and r.price_age_days is not None:
            stale[r.model] = (r.price_date.isoformat() if r.price_date else None,
                              r.price_age_days)
    fx = next((r for r in used if r.fx_stale), None)
    return {"price_age_threshold_days": max_price_age_days,
            "stale_prices": [{"model": m, "price_date": d, "price_age_days": age}
                             for m, (d, age) in sorted(stale.items(), key=lambda x: -x[1][1])],
            "stale_fx": None if fx is None else {
                "fx_rate": fx.fx_rate, "fx_date": fx.fx_date.isoformat() if fx.fx_date else None,
                "fx_age_days": fx.fx_age_days, "threshold_days": DEFAULT_MAX_FX_AGE_DAYS}}


def collect_results(opts: ReportOptions | None = None, timings: Timings | None = None
                    ) -> dict[str, Any]:
    """Measure, cost and diagnose; return the ``tokcost/report/1`` document (validated as
    :class:`tokcost.schema.report.ReportDocument`)."""
    from tokcost.corpora import requests_file
    from tokcost.corpora.requests import load_requests
    from tokcost.costing import BudgetInput, CostOptions, Workload, budget_records, cost_records
    from tokcost.measurement import DEFAULT_CORPORA, Settings, release, resolve_many, run_measure
    from tokcost.schema.report import ReportBudgetRecord, ReportCostRecord, ReportDocument

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
    measure = whole_corpus_rows(result.records())
    first = corpora[0]
    measured = {r.tokenizer: r for r in measure
                if r.corpus == measure[0].corpus and r.domain == "all"} if measure else {}

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
        # through cost_records for one model that uses it), shows its token boundaries and is
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
                cost_records(wl, [primers[tok.id]], copts_for("USD"), measured=measured,
                             memo=memo, tokenizers={tok.id: (opened, "")})
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
        cost: list[ReportCostRecord] = []
        for cur in ("USD", "KRW"):
            for c in cost_records(wl, opts.models, copts_for(cur), measured=measured, memo=memo,
                                  tokenizers=seeded):
                entry = catalog.get(c.tokenizer or "")
                cost.append(ReportCostRecord.model_validate({
                    **c.given(), "korean_trained": bool(entry and entry.korean_trained),
                    "requests": REQUESTS_PER_BATCH,
                    "cost_per_batch": c.cost * REQUESTS_PER_BATCH if c.cost is not None
                    else None,
                    "en_cost_per_batch": c.en_cost * REQUESTS_PER_BATCH
                    if c.en_cost is not None else None,
                    "premium_basis": "requests", **add_labels(c, ptables, opts.as_of)}))
    timings.stages["cost"] -= diag_s
    budget_corpus = first if isinstance(first, str) else "samples"
    # the budget rows need each tokenizer's identity, not its counts: resolved ones will do
    resolved = {t.id: (t, "") for t in toks if _plain(t) and t.backend != "vendor-api"}
    with timings.stage("budget"):
        budget: list[ReportBudgetRecord] = []
        for cur in ("USD", "KRW"):
            bopts = CostOptions(as_of=opts.as_of, currency=cur, fx=opts.fx, vat=opts.vat,
                                tables=opts.tables, max_price_age_days=opts.max_price_age_days)
            for b in budget_records(BudgetInput(opts.requests_per_day, opts.days,
                                                opts.input_chars, opts.output_chars,
                                                budget_corpus),
                                    opts.models, bopts, measured=measured, tokenizers=resolved):
                m = ptables.find_model(b.model, b.provider)
                entry = catalog.get(b.tokenizer or "")
                budget.append(ReportBudgetRecord.model_validate({
                    **b.given(), "kind": m.kind if m is not None else None,
                    "korean_trained": bool(entry and entry.korean_trained),
                    "premium_basis": "corpus",
                    "premium_corpus": measure[0].corpus if measure else budget_corpus,
                    **add_labels(b, ptables, opts.as_of, kind=m.kind if m is not None else None)}))
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
            "as_of": opts.as_of.isoformat(), "fx_krw_per_usd": cost[0].fx_krw_per_usd
            if cost else None, "vat": opts.vat,
            "budget": {"requests_per_day": opts.requests_per_day, "days": opts.days,
                       "input_chars": opts.input_chars, "output_chars": opts.output_chars,
                       "requests_per_month": opts.requests_per_day * opts.days,
                       "corpus": measure[0].corpus if measure else budget_corpus,
                       "source": opts.workload_source or "defaults",
                       "shortlist": [r.model for r in headline.rows],
                       "shortlist_given": headline.given},
            "measure": settings.key(),
            "diagnostics": sampling,  # None: --no-diagnostics
        },
        "summary": _summary(measure, cost, budget, opts.max_price_age_days),
        "headline": [r.model_dump(mode="json") for r in headline.rows],
        "measure": [r.as_row() for r in measure],  # the records' JSON form, as written
        "cost": [r.as_row() for r in cost],
        "budget": [r.as_row() for r in budget],
        "diagnostics": diagnostics,
        "samples": [r.model_dump(mode="json") for r in samples],
        "boundaries": boundaries,
        "warnings": [*result.warnings, *_money_warnings(cost, budget)],
    }
    # the document as written, validated: a renamed or missing key, or a wrong type, in any
    # section fails here, not in the HTML/Markdown/xlsx writers that read it
    ReportDocument.model_validate(doc)
    return doc


def whole_corpus_rows(rows: Sequence[MeasureRow]) -> list[MeasureRow]:
    """The report reads a corpus's total from its ``domain == "all"`` row. A corpus narrowed to
    one domain (``-c samples/news``, ``--domain law``) has one row per tokenizer, labelled with
    that domain: it is the whole of what was asked for, so it becomes ``samples/news`` / ``all``
    (the signature keeps what was measured). Without this the report had no tokenizer rows and
    every budget row said "not measured"."""
    groups: dict[tuple[str, str], int] = {}
    for r in rows:
        groups[(r.corpus, r.tokenizer)] = groups.get((r.corpus, r.tokenizer), 0) + 1
    out = []
    for r in rows:
        if groups[(r.corpus, r.tokenizer)] == 1 and r.domain not in ("all", None):
            r = r.model_copy(update={"corpus": f"{r.corpus}/{r.domain}", "domain": "all"})
        out.append(r)
    return out


def _money_warnings(*rows: Sequence[CostRecord | BudgetRecord]) -> list[str]:
    """Stale prices / FX and retired models of the cost and budget rows (tokcost.costing)."""
    from tokcost.costing import collect_warnings

    return collect_warnings([r for group in rows for r in group])


def _diagnostics(toks: Sequence[Any], corpus: Any, measured: dict[str, MeasureRow],
                 morpheme_count: tuple[int, str] | None = None) -> list[dict[str, Any]]:
    """Per-tokenizer Korean diagnostics (Hangul coverage, continued words, morpheme fertility).
    The corpus token totals come from the measurement, not from counting the corpus again."""
    from tokcost.diagnostics import summary

    totals = {tid: (r.ko_tokens, r.en_tokens) for tid, r in measured.items()}
    return summary(list(toks), corpus, totals=totals, morpheme_count=morpheme_count)


def _plain(tok: Any) -> bool:
    """Given by its catalog id alone (not ``ID=PATH``, a path or ``hf:…``): the same tokenizer
    ``load_tokenizer(id)`` gives the cost and budget rows."""
    return getattr(tok, "spec", None) == tok.id


def _primers(toks: Sequence[Any], models: Sequence[str] | None, tables: Any) -> dict[str, str]:
    """Tokenizer id -> the first model (of those the cost rows cover) that is counted with it,
    for the tokenizers given by their plain id; counting the requests for that model counts them
    for every model sharing the tokenizer (cost_records' ``memo``)."""
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


def tokenizer_match(row: CostRecord | BudgetRecord, model: Any) -> str:
    """``exact`` / ``presumed`` / ``proxy`` / ``none`` (COMMON vocabulary) from what the row and the
    price table know: a proxy tokenizer, an uncountable one, or the table's tokenizer confidence."""
    if row.tokenizer is None or (row.input_tokens is None
                                 and "not published" in row.status):
        return "none"
    if getattr(row, "proxy_of", None) or row.exactness == "proxy":
        return "proxy"
    if model is not None and getattr(model, "tokenizer_confidence", "high") != "high":
        return "presumed"
    return "exact"


def add_labels(row: CostRecord | BudgetRecord, tables: Any, as_of: date,
               kind: str | None = None) -> dict[str, Any]:
    """The label fields the report adds to a cost or budget row (``tokenizer_confidence``,
    ``assumption``, and ``tokenizer_match``, ``price_variant``, ``price_confidence``,
    ``price_age_days``, ``retired`` where the costing stage did not set them). Fields the costing
    stage already set are kept as they are; only missing ones are derived here. ``kind``: the
    model's, where the row has none."""
    try:
        model = tables.find_model(row.model, row.provider)
    except Exception:  # an ambiguous id: no table facts, the row's own fields only
        model = None
    price = model.price_for(as_of) if model is not None else None
    given = row.model_fields_set
    out: dict[str, Any] = {}
    if "tokenizer_match" not in given:
        out["tokenizer_match"] = tokenizer_match(row, model)
    if model is not None and "tokenizer_confidence" not in given:
        out["tokenizer_confidence"] = model.tokenizer_confidence
    if "price_variant" not in given:
        out["price_variant"] = (price.variant or "standard") if price else None
    if "price_confidence" not in given:
        out["price_confidence"] = price.confidence if price else None
    if row.price_age_days is None and row.price_date:
        out["price_age_days"] = (as_of - row.price_date).days
    if "retired" not in given:
        out["retired"] = bool(model is not None and model.deprecated
                              and model.deprecated <= as_of)
    kind = getattr(row, "kind", None) or kind or (model.kind if model is not None else None)
    out["assumption"] = "self-hosted" if kind == "self-hosted" else None
    return out


def _headline(cost: Sequence[ReportCostRecord], budget: Sequence[ReportBudgetRecord],
              opts: ReportOptions) -> Headline:
    """The page's first answer: monthly cost per shortlisted model, USD and KRW, Korean and English,
    with the range. Shortlist: the models named (``shortlist``, else ``models``), else the cheapest
    costed pay-per-token models."""
    from tokcost.schema.report import HeadlineRow

    usd = {r.model: r for r in budget if r.currency == "USD"}
    krw = {r.model: r for r in budget if r.currency == "KRW"}
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
        api = [(r, r.monthly_cost) for r in usd.values() if r.monthly_cost is not None
               and r.assumption != "self-hosted" and not r.retired]
        api.sort(key=lambda a: a[1])
        per_provider: dict[str, str] = {}
        for r, _ in api:
            per_provider.setdefault(r.provider, r.model)
        names = list(per_provider.values())[:opts.shortlist_size]
    shared = [f for f in HeadlineRow.model_fields if not f.startswith("monthly_")]
    rows = []
    for name in dict.fromkeys(names):
        u, k = usd.get(name), krw.get(name)
        if u is None:
            continue
        written = u.as_row()  # the budget row's fields as results.json has them (dates as text)
        rows.append(HeadlineRow.model_validate({
            **{f: written.get(f) for f in shared},
            **{f"monthly{part}_{cur}": (getattr(src, field) if src is not None else None)
               for cur, src in (("usd", u), ("krw", k))
               for part, field in (("", "monthly_cost"), ("_low", "monthly_low"),
                                   ("_high", "monthly_high"), ("_en", "monthly_cost_en"))}}))
    rows.sort(key=lambda r: (r.monthly_usd is None, r.monthly_usd or 0))
    return Headline(rows, bool(given))
