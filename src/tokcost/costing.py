"""Money: per-request and monthly cost of Korean vs the same content in English.

Token counts always come from each model's own tokenizer (catalog id in the price table).
Models whose tokenizer is not published (Claude, HyperCLOVA X API) are reported as
"not counted offline", never costed with an unrelated tokenizer; unpriced models are reported as
unpriced, never as 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from tokcost.errors import TokcostError

if TYPE_CHECKING:
    from tokcost.corpora.requests import ChatRequest
    from tokcost.schema.measure import MeasureRow
    from tokcost.schema.pricing import BudgetRecord, CostRecord
    from tokcost.tokenizers.base import Tokenizer

#: Measure rows by tokenizer id, as cost and budget take them: typed records (a row in its JSON
#: form, as ``tokcost measure -f json`` writes it, is read into one).
Measured = Mapping[str, "MeasureRow | Mapping[str, Any]"]

SCHEMA_COST = "tokcost/cost/1"
SCHEMA_BUDGET = "tokcost/budget/1"
DEFAULT_MAX_PRICE_AGE_DAYS = 180  # a price older than this is flagged stale (docs/pricing.md)
DEFAULT_MAX_FX_AGE_DAYS = 30  # an exchange rate older than this is flagged stale
# DeepSeek's peak windows (01-04 and 06-10 UTC = 10-13 and 15-19 KST) cover most of a Korean
# working day; 0.5 assumes half of the traffic falls in them (docs/pricing.md, --peak-share).
DEFAULT_PEAK_SHARE = 0.5
# Answer length in English tokens when neither --output-tokens nor --output-ratio is given (the
# Korean answer is this scaled by the measured premium): CLI, library, report and check alike.
DEFAULT_OUTPUT_TOKENS = 500
DEFAULT_OUTPUT_CHARS = 500  # Korean characters out per request, for the budget (cost, report)


@dataclass
class Workload:
    """What one request holds, per language, in tokens of a given tokenizer."""

    label: str
    ko_texts: list[str] = field(default_factory=list)
    en_texts: list[str] | None = None
    n_requests: int = 1  # the texts are spread over this many requests (averaged)
    # one (ko texts, en texts) per request: tiered prices are then chosen per request, summed
    # (ko_texts must then be the requests' ko texts in order; their counts are reused)
    requests: list[tuple[list[str], list[str] | None]] | None = None
    # chat requests: each request's (ko messages, en messages), whose chat framing is counted
    # (tokcost.tokenizers.chat); None for texts and corpus pairs, which are not conversations
    chats: list[tuple[Sequence[Any], Sequence[Any] | None]] | None = None

    @classmethod
    def from_requests(cls, label: str, reqs: Sequence[ChatRequest]) -> Workload:
        """Chat requests (``tokcost.corpora.requests``), each priced on its own tier."""
        return cls(label, [t for r in reqs for t in r.texts("ko")],
                   [t for r in reqs for t in r.texts("en")] if all(r.en for r in reqs) else None,
                   len(reqs), requests=[(list(r.texts("ko")), list(r.texts("en")) if r.en
                                         else None) for r in reqs],
                   chats=[(r.ko, r.en) for r in reqs])

    @classmethod
    def from_pairs(cls, label: str, pairs: Sequence[Any]) -> Workload:
        """Corpus pairs, one request each, each priced on its own tier."""
        return cls(label, [p.ko for p in pairs],
                   [p.en for p in pairs if p.en is not None] or None, len(pairs),
                   requests=[([p.ko], [p.en] if p.en is not None else None) for p in pairs])


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
    max_price_age_days: int = DEFAULT_MAX_PRICE_AGE_DAYS
    max_fx_age_days: int = DEFAULT_MAX_FX_AGE_DAYS
    peak_share: float = DEFAULT_PEAK_SHARE  # budget: share of traffic in peak windows

    def price_tables(self):
        from tokcost.pricing import load_tables

        return self.tables if self.tables is not None else load_tables()


def _select_models(tables, models: Sequence[str] | None):
    if models:
        return [tables.model(m) for m in models]
    return tables.default_models()


def tokenizer_for(model: Any, cache: dict[str, Any]) -> tuple[Tokenizer | None, str]:
    """The loaded tokenizer for a model, or a reason it cannot be counted offline."""
    from tokcost.tokenizers import load_tokenizer
    from tokcost.tokenizers.catalog import load_catalog

    tid = model.tokenizer
    if tid is None:
        return None, "no public tokenizer (tokenizer_match none): not costed"
    # A "none" model names an API-only catalog entry (claude, hcx-api): it counts only with
    # --api-count (entry.countable), never with another tokenizer.
    if tid in cache:
        return cache[tid]
    entry = load_catalog().get(tid)
    res: tuple[Tokenizer | None, str]
    if entry is None:
        res = (None, f"tokenizer {tid} not in catalog")
    elif not entry.countable:
        res = (None, "no public tokenizer (tokenizer_match none): not costed"
               + (" (--api-count counts it through the vendor)" if entry.api else ""))
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


def count_labels(model_match: str | None, tok: Any) -> dict[str, Any]:
    """How a money row's tokens were counted: the file's identity, and the model → tokenizer
    match from the family rules, where ``exact`` requires a verified file (an unverified copy of
    the documented tokenizer is only ``presumed``) and a vendor endpoint is ``vendor-api``."""
    res = tok.resolution
    match = model_match
    if res.backend == "vendor-api":
        match = "vendor-api"
    elif match == "exact" and res.identity != "verified":
        match = "presumed"
    return {"identity": res.identity, "identity_method": res.identity_method,
            "tokenizer_match": match}


def labels(model, price, fx, opts: CostOptions, *, variant: str | None = None,
           window: str | None = None) -> dict[str, Any]:
    """The typed price and FX labels of a money row, with its staleness warnings."""
    from tokcost.schema import FxRecord, PriceRecord

    rec = PriceRecord(
        provider=model.provider, model=model.id,
        price_source=price.price_source if price else None,
        price_date=price.shown_date if price else None,
        price_age_days=price.age_days(opts.as_of) if price else None,
        price_confidence=price.confidence if price else None,
        price_variant=variant or ((price.variant or "standard") if price else None),
        price_window=window if window is not None else (price.window if price else None),
        retired=model.retired(opts.as_of), context_window=model.context_window,
        input_limit=model.input_limit, tokenizer=model.tokenizer, tokenizer_match=model.match,
        override_reason=model.override_reason)
    fx_age = max(0, (opts.as_of - fx.date).days) if fx.date else None
    fxr = FxRecord(fx_rate=fx.krw_per_usd, fx_date=fx.date, fx_age_days=fx_age,
                   fx_source=fx.source)
    warnings: list[str] = []
    price_stale = rec.price_age_days is not None and rec.price_age_days > opts.max_price_age_days
    if price_stale:
        warnings.append(f"{model.id}: price dated {rec.price_date} is {rec.price_age_days} days "
                        f"old on {opts.as_of} (threshold {opts.max_price_age_days})")
    uses_fx = opts.currency != (price.currency if price else opts.currency)
    fx_stale = uses_fx and fx_age is not None and fx_age > opts.max_fx_age_days
    if fx_stale:
        warnings.append(f"FX {fx.krw_per_usd:,.2f} KRW/USD dated {fx.date} is {fx_age} days old "
                        f"on {opts.as_of} (threshold {opts.max_fx_age_days})")
    if rec.retired:
        warnings.append(f"{model.id}: retired (last published price)")
    out = rec.model_dump(mode="json", exclude={"currency", "input", "cached_input",
                                                "cache_write", "output"})
    out.update(fxr.model_dump(mode="json"))
    out["fx_krw_per_usd"] = fx.krw_per_usd
    out["effective_input_limit"] = rec.effective_input_limit
    out["price_stale"] = price_stale  # older than --max-price-age (the threshold of this run)
    out["fx_stale"] = fx_stale  # converted at a rate older than 30 days
    out["warnings"] = warnings
    return out


def collect_warnings(rows: Sequence[Any]) -> list[str]:
    """Every distinct warning of money rows (records, or their JSON form), in order (for CLI
    footers, results.json, report)."""
    return list(dict.fromkeys(w for r in rows for w in (
        r.get("warnings", []) if isinstance(r, Mapping) else r.warnings)))


def measure_records(measured: Measured | None) -> dict[str, MeasureRow] | None:
    """``measured`` as typed measure rows (a JSON-form row is validated into one here)."""
    if measured is None:
        return None
    from tokcost.schema.measure import MeasureRow

    return {tid: r if isinstance(r, MeasureRow) else MeasureRow.model_validate(r)
            for tid, r in measured.items()}


def _money_row(price, fx, opts: CostOptions, inp: int, out: int):
    from tokcost.pricing import apply_vat, convert

    cached = round(inp * opts.cache_share)
    money = price.cost(inp, out, cached)
    money = convert(money, opts.currency, fx)
    if opts.vat:
        money = apply_vat(money)
    return money.amount


def _per_request(price, fx, opts: CostOptions, inputs: Sequence[int], out: int) -> float:
    return sum(_money_row(price, fx, opts, i, out) for i in inputs) / len(inputs)


def context_fit(window: int | None, stats: MeasureRow | None) -> dict[str, int | None]:
    """Effective context: how many Korean characters and English words fit in ``window`` tokens,
    from a measure row's Korean characters per token and English tokens per word."""
    out: dict[str, int | None] = {"context_chars_ko": None, "context_words_en": None}
    if not window or stats is None:
        return out
    if stats.ko_chars_per_token:
        out["context_chars_ko"] = round(window * stats.ko_chars_per_token)
    if stats.en_fertility:
        out["context_words_en"] = round(window / stats.en_fertility)
    return out


#: Said in the warning of ``tokcost cost`` when a row's chat framing is not counted.
FRAMING_NOT_COUNTED = ("the chat template's role markers and turn separators are left out of "
                       "these rows' input (the messages' text only)")
NO_PREMIUM = "none: no English text and no measured ratio, the Korean answer counted as long as " \
    "the English one"
_NO_EN_WARNING = {
    True: "no English version of the input (--en-text): each Korean answer is the English "
          "--output-tokens × that tokenizer's measured Korean/English ratio (output_premium_basis)",
    False: "no English version of the input (--en-text) and no measured ratio: each Korean answer "
           "is counted as long as the English one (output_premium 1.0)",
}


def _answer_premium(ko_in: float, en_in: float | None,
                    measured: MeasureRow | None) -> tuple[float, str]:
    """How much longer the same answer is in Korean (tokens of Korean per English token), and
    where that figure comes from: this workload's own English version when it has one, else the
    tokenizer's measured Korean/English ratio on a corpus, else 1.0 (said in the basis)."""
    if en_in:
        return ko_in / en_in, "this input's Korean/English tokens"
    if measured is not None and measured.ratio:
        return float(measured.ratio), f"measured Korean/English ratio on {measured.corpus}"
    return 1.0, NO_PREMIUM


def _with_framing(tok: Any, chats: Sequence[tuple[Sequence[Any], Sequence[Any] | None]],
                  per: list[tuple[int, int | None]]
                  ) -> tuple[list[tuple[int, int | None]], tuple[str, float | None, float | None]]:
    """Each request's input with its chat framing added (Korean and English alike), and
    (source, mean Korean framing, mean English framing). When the framing of any conversation
    cannot be counted, none is added and the source says why (``not counted: …``)."""
    from tokcost.tokenizers.chat import ChatFramer

    framer = ChatFramer(tok)
    out: list[tuple[int, int | None]] = []
    ko_f: list[int] = []
    en_f: list[int] = []
    for (ko_msgs, en_msgs), (k, e) in zip(chats, per, strict=True):
        fk = framer.framing(ko_msgs, k)
        fe = framer.framing(en_msgs, e) if en_msgs and e is not None else None
        for f in (fk, fe):
            if f is not None and f.tokens is None:
                return per, (f.source, None, None)
        assert fk.tokens is not None
        ko_f.append(fk.tokens)
        if fe is not None and fe.tokens is not None and e is not None:
            en_f.append(fe.tokens)
            out.append((k + fk.tokens, e + fe.tokens))
        else:
            out.append((k + fk.tokens, e))
    return out, (framer.source, sum(ko_f) / len(ko_f) if ko_f else None,
                 sum(en_f) / len(en_f) if en_f and len(en_f) == len(per) else None)


def cost_rows(workload: Workload, models: Sequence[str] | None, opts: CostOptions,
              *, measured: Measured | None = None,
              memo: dict[str, Any] | None = None,
              tokenizers: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """:func:`cost_records` in their JSON form (``tokcost cost -f json``'s rows), for the
    renderer and the library API."""
    return [r.as_row() for r in cost_records(workload, models, opts, measured=measured,
                                             memo=memo, tokenizers=tokenizers)]


def cost_records(workload: Workload, models: Sequence[str] | None, opts: CostOptions,
                 *, measured: Measured | None = None,
                 memo: dict[str, Any] | None = None,
                 tokenizers: dict[str, Any] | None = None) -> list[CostRecord]:
    """Per-request cost for Korean and English on each model's own tokenizer, as typed
    :class:`~tokcost.schema.pricing.CostRecord` rows, cheapest first.

    Each tokenizer counts the workload once, however many models share it (pass the same ``memo``
    dict to share counts of the same workload across calls). ``measured`` (measure rows by
    tokenizer id) adds the effective context in Korean characters and English words, and is
    where a workload without English (``--text`` without ``--en-text``) takes the Korean answer's
    length from: the English answer × the measured Korean/English ratio (``output_premium``,
    ``output_premium_basis`` and a warning say so).

    Chat requests (:meth:`Workload.from_requests`) count each conversation's chat framing in its
    input, Korean and English alike (:mod:`tokcost.tokenizers.chat`): ``chat_framing`` on the row
    says where it comes from or why it is not counted, ``framing_tokens`` /
    ``en_framing_tokens`` its mean per request.

    ``tokenizers``: tokenizer id -> ``(tokenizer, "")`` already at hand (see ``tokenizer_for``),
    e.g. resolved but not loaded ones whose counts are in ``memo``: the report counts the requests
    one tokenizer at a time and only then makes the rows."""
    from tokcost.schema.pricing import CostRecord, money_records

    stats = measure_records(measured)
    tables = opts.price_tables()
    fx = tables.fx_rate(opts.as_of, override=opts.fx)
    toks: dict[str, Any] = dict(tokenizers or {})
    counted: dict[str, Any] = memo if memo is not None else {}
    rows: list[dict[str, Any]] = []  # each row is built here, then leaves as a CostRecord
    for model in _select_models(tables, models):
        price = model.price_for(opts.as_of, opts.variant)
        tok, reason = tokenizer_for(model, toks)
        row: dict[str, Any] = {
            "model": model.id, "provider": model.provider, "name": model.name,
            "tokenizer": model.tokenizer, "kind": model.kind, "currency": opts.currency,
            "input_tokens": None, "output_tokens": None, "cost": None,
            "en_input_tokens": None, "en_output_tokens": None, "en_cost": None,
            "premium_pct": None, "listed_currency": price.currency if price else None,
            "vat_included": opts.vat,
            "deprecated": model.deprecated.isoformat() if model.deprecated else None,
            "status": _status(model, opts.as_of),
            **(lab := labels(model, price, fx, opts)),
        }
        lab_warnings: list[str] = lab["warnings"]
        if tok is None:
            row["status"] = reason
            rows.append(row)
            continue
        row["exactness"] = tok.resolution.entry.exactness
        row["proxy_of"] = tok.resolution.proxy_of
        row.update(count_labels(model.match, tok))
        n = max(1, workload.n_requests)
        if tok.id not in counted:
            frame: tuple[str, float | None, float | None] | None = None
            if workload.requests:  # each text counted once: the totals are the requests' sums
                per = [(sum(tok.count(k)), sum(tok.count(e)) if e else None)
                       for k, e in workload.requests]
                if workload.chats is not None:  # + each conversation's chat framing
                    per, frame = _with_framing(tok, workload.chats, per)
                ko_sum = sum(k for k, _ in per)
                en_sum = sum(e for _, e in per if e is not None) \
                    if workload.en_texts and all(e is not None for _, e in per) else \
                    (sum(tok.count(workload.en_texts)) if workload.en_texts else None)
                counted[tok.id] = (ko_sum, en_sum, per, frame)
            else:
                counted[tok.id] = (sum(tok.count(workload.ko_texts)),
                                   sum(tok.count(workload.en_texts)) if workload.en_texts
                                   else None, None, None)
        if tok.backend == "vendor-api":  # after counting: the day(s) the vendor made the counts
            row["counted_date"] = getattr(tok, "counted_date", None)
        ko_total, en_total, per_request, frame = counted[tok.id]
        if frame is not None:  # chat requests: where the framing comes from, and its size
            row.update(chat_framing=frame[0], framing_tokens=frame[1],
                       en_framing_tokens=frame[2])
        ko_in = ko_total / n
        en_in = en_total / n if en_total is not None else None
        if stats is not None:
            row.update(context_fit(model.effective_input_limit, stats.get(tok.id)))
        if opts.output_ratio is not None:
            ko_out = ko_in * opts.output_ratio
            en_out = en_in * opts.output_ratio if en_in is not None else None
        else:
            base = opts.output_tokens if opts.output_tokens is not None else 0
            premium, basis = _answer_premium(ko_in, en_in, (stats or {}).get(tok.id))
            en_out = float(base) if en_in is not None else None
            ko_out = base * premium  # the same answer written in Korean
            row.update(output_premium=premium, output_premium_basis=basis)
            if en_in is None:
                row.update(warnings=[*lab_warnings, _NO_EN_WARNING[basis != NO_PREMIUM]])
        ko_in_i, ko_out_i = round(ko_in), round(ko_out)
        row.update(input_tokens=ko_in_i, output_tokens=ko_out_i)
        if en_in is not None and en_out is not None:
            row.update(en_input_tokens=round(en_in), en_output_tokens=round(en_out))
        if price is None:
            row["status"] = "unpriced"
            rows.append(row)
            continue
        en_cost: float | None = None
        if per_request and price.tiers:
            # each request priced on its own tier, then averaged (never the tier of the mean)
            cost = _per_request(price, fx, opts, [k for k, _ in per_request], ko_out_i)
            ens = [e for _, e in per_request]
            if en_in is not None and en_out is not None and all(e is not None for e in ens):
                en_cost = _per_request(price, fx, opts, ens, round(en_out))
            row["tiers_used"] = sorted({t for k, _ in per_request
                                        if (t := price.rates(k).tier) is not None})
        else:
            cost = _money_row(price, fx, opts, ko_in_i, ko_out_i)
        if not (per_request and price.tiers) and en_in is not None and en_out is not None:
            en_cost = _money_row(price, fx, opts, round(en_in), round(en_out))
        row.update(cost=cost, en_cost=en_cost)
        if en_cost:
            row["premium_pct"] = (cost / en_cost - 1) * 100
        rows.append(row)
    records = money_records(CostRecord, rows)
    return sorted(records, key=lambda r: (r.cost is None, r.cost or 0))


# ------------------------------------------------------------------------------- budget
#: What a budget's low/high is (docs/pricing.md): not a bootstrap interval of the monthly cost.
RANGE_BASIS = ("the Korean/English ratio's 95 % bootstrap interval, relative to its point "
               "estimate, applied to the tokens per character estimate (not an interval of the "
               "monthly cost itself)")

@dataclass
class BudgetInput:
    requests_per_day: float
    days: int = 30
    input_chars: int | None = None  # Korean characters per request
    output_chars: int | None = None
    corpus: str = "samples"


def budget_tokenizers(models: Sequence[str] | None, opts: CostOptions) -> list[Any]:
    """The tokenizers a budget of ``models`` needs measured (each once), for the caller to
    measure before :func:`budget_rows` (cost never measures: ``tokcost.api.budget`` does both)."""
    toks: dict[str, Any] = {}
    needed: dict[str, Any] = {}
    for m in _select_models(opts.price_tables(), models):
        tok, _ = tokenizer_for(m, toks)
        if tok is not None:
            needed[tok.id] = tok
    return list(needed.values())


def budget_rows(inp: BudgetInput, models: Sequence[str] | None, opts: CostOptions,
                *, measured: Measured | None = None,
                tokenizers: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """:func:`budget_records` in their JSON form (``tokcost budget -f json``'s rows), for the
    renderer and the library API."""
    return [r.as_row() for r in budget_records(inp, models, opts, measured=measured,
                                               tokenizers=tokenizers)]


def budget_records(inp: BudgetInput, models: Sequence[str] | None, opts: CostOptions,
                   *, measured: Measured | None = None,
                   tokenizers: dict[str, Any] | None = None) -> list[BudgetRecord]:
    """Monthly cost per model for Korean traffic, with a low/high range from the ratio CI, as
    typed :class:`~tokcost.schema.pricing.BudgetRecord` rows, cheapest first.

    Tokens per request come from characters × the tokenizer's measured tokens per Korean
    character on ``corpus``; the English-equivalent from the measured Korean/English ratio.
    The range scales Korean tokens by the ratio's 95 % interval relative to its point estimate
    (``range_basis`` says so on the row: it is not a bootstrap of characters per token).
    ``measured``: measure rows of ``corpus`` by tokenizer id (see :func:`budget_tokenizers`);
    a model whose tokenizer is not in it is reported as not measured, never costed.
    ``tokenizers``: as for :func:`cost_rows` (the rows need each tokenizer's identity, never its
    counts, so a resolved tokenizer that is not loaded will do).
    """
    from tokcost.schema.pricing import BudgetRecord, money_records

    if inp.requests_per_day <= 0 or inp.days <= 0:
        raise TokcostError("--requests-per-day and --days must be positive")
    if not 0 <= opts.peak_share <= 1:
        raise TokcostError(f"--peak-share {opts.peak_share} must be between 0 and 1",
                           hint="e.g. --peak-share 0.5 (half of the requests in peak hours)")
    tables = opts.price_tables()
    fx = tables.fx_rate(opts.as_of, override=opts.fx)
    chosen = _select_models(tables, models)
    toks: dict[str, Any] = dict(tokenizers or {})
    stats = measure_records(measured) or {}
    in_chars = inp.input_chars if inp.input_chars is not None else 2000
    out_chars = inp.output_chars if inp.output_chars is not None else DEFAULT_OUTPUT_CHARS
    n_req = inp.requests_per_day * inp.days
    rows: list[dict[str, Any]] = []  # each row is built here, then leaves as a BudgetRecord
    for m in chosen:
        price = m.price_for(opts.as_of, opts.variant)
        tok, reason = tokenizer_for(m, toks)
        peak = m.price_for(opts.as_of, "peak") if opts.variant is None and price is not None \
            and price.variant == "off-peak" else None
        lab = labels(m, price, fx, opts) if peak is None else labels(
            m, price, fx, opts, variant="blended",
            window=f"{opts.peak_share:.0%} peak ({peak.window}) / "
                   f"{1 - opts.peak_share:.0%} off-peak")
        row: dict[str, Any] = {
            "model": m.id, "provider": m.provider, "tokenizer": m.tokenizer,
            "currency": opts.currency, "listed_currency": price.currency if price else None,
            "requests": n_req, "monthly_cost": None,
            "monthly_low": None, "monthly_high": None, "monthly_cost_en": None,
            "premium_pct": None, "input_tokens": None, "output_tokens": None,
            "deprecated": m.deprecated.isoformat() if m.deprecated else None,
            "status": _status(m, opts.as_of), "peak_share": opts.peak_share if peak else None,
            **lab,
        }
        st = stats.get(tok.id) if tok is not None else None
        if tok is None or st is None:
            row["status"] = reason or "not measured"
            rows.append(row)
            continue
        cpt = st.ko_chars_per_token
        ratio, lo, hi = st.ratio, st.ratio_ci_low, st.ratio_ci_high
        if not cpt:  # nothing Korean counted: no tokens per character to scale by
            row["status"] = "not measured"
            rows.append(row)
            continue
        ko_in, ko_out = in_chars / cpt, out_chars / cpt
        row.update(input_tokens=round(ko_in), output_tokens=round(ko_out),
                   ratio=ratio, ratio_ci_low=lo, ratio_ci_high=hi,
                   exactness=tok.resolution.entry.exactness, **count_labels(m.match, tok))
        if tok.resolution.proxy_of:  # a stand-in (Gemma 3 for Gemini): named, as cost rows do
            row["proxy_of"] = tok.resolution.proxy_of
        if st.counted_date:  # vendor-api: the day(s) the vendor counted the corpus
            row["counted_date"] = st.counted_date
        row.update(context_fit(m.effective_input_limit, st))
        if price is None:
            row["status"] = "unpriced"
            rows.append(row)
            continue

        def monthly(scale: float, _price=price, _peak=peak, _ko_in=ko_in,
                    _ko_out=ko_out) -> float:
            i, o = round(_ko_in * scale), round(_ko_out * scale)
            one = _money_row(_price, fx, opts, i, o)
            if _peak is not None:  # the documented blend of off-peak and peak windows
                one = (1 - opts.peak_share) * one + opts.peak_share * _money_row(
                    _peak, fx, opts, i, o)
            return one * n_req

        row["monthly_cost"] = ko_cost = monthly(1.0)
        if ratio:
            if lo is not None and hi is not None:  # no interval below MIN_PAIRS pairs
                row.update(monthly_low=monthly(lo / ratio), monthly_high=monthly(hi / ratio),
                           range_basis=RANGE_BASIS)
            row["monthly_cost_en"] = en_cost = monthly(1 / ratio)
            if en_cost:
                row["premium_pct"] = (ko_cost / en_cost - 1) * 100
        rows.append(row)
    records = money_records(BudgetRecord, rows)
    return sorted(records, key=lambda r: (r.monthly_cost is None, r.monthly_cost or 0))
