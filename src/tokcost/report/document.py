"""The report as HTML (self-contained: inline CSS and SVG, no scripts, no network) and Markdown.

Both only format the ``tokcost/report/1`` document; every number they show comes from it, formatted
by the helpers below (the tests parse the HTML back and compare with ``results.json``). The page
opens with the monthly budget of the reader's workload; every cost and budget row shows its labels
(how the model was counted and priced). ``lang`` is ``en`` or ``ko`` (:mod:`tokcost.report.i18n`).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from tokcost.render import money as render_money
from tokcost.report import charts
from tokcost.report.i18n import Words
from tokcost.sanitize import markdown_code, markdown_inline

if TYPE_CHECKING:
    from tokcost.output import Output

STALE_DAYS = 180
NBSP = "\u00a0"


# ----------------------------------------------------------------------------- formatting
def ratio(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def pct(v: float | None) -> str:
    return "—" if v is None else f"{v:+.0f} %"


def num(v: float | int | None, digits: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.{digits}f}"


def money(v: float | None, cur: str) -> str:
    """``tokcost.render.money``, with a dash for a missing amount."""
    return render_money(v, cur) or "—"


def sig_money(v: float | None, cur: str, digits: int = 3) -> str:
    """A small amount with ``digits`` significant digits (per-request costs): ``$0.000342``."""
    if v is None:
        return "—"
    sym = "₩" if cur == "KRW" else "$"
    if v == 0:
        return f"{sym}0"
    places = max(0, digits - 1 - math.floor(math.log10(abs(v))))
    return f"{sym}{v:,.{places}f}"


def span(lo: float | None, hi: float | None, fmt: Callable[[float | None], str]) -> str:
    """A range ``low – high``, or one dash when neither end is known. Each amount holds together
    (no-break spaces inside ``1.06만 원`` and before the dash); only the space after the dash may
    break, which print allows when a table would be wider than the page."""
    if lo is None and hi is None:
        return "—"
    return f"{fmt(lo).replace(' ', NBSP)}{NBSP}– {fmt(hi).replace(' ', NBSP)}"


def labels(r: dict[str, Any], w: Words) -> list[tuple[str, str]]:
    """A row's labels as (css class, text): tokenizer match, an unverified tokenizer file, price
    confidence, variant, self-hosted assumption, retired, price age. ``warn`` marks what weakens
    the figure; the default of a label (verified file, standard variant) has no badge."""
    out: list[tuple[str, str]] = []
    match = r.get("tokenizer_match")
    if match in ("presumed", "proxy", "vendor-api", "none"):
        out.append(("warn" if match != "vendor-api" else "", w.t(f"l_{match}")))
    elif match == "exact":
        out.append(("", "exact"))
    if r.get("identity") == "unverified" and match != "vendor-api":  # verified: no badge
        out.append(("warn", w.t("c_unverified")))
    conf = r.get("price_confidence")
    if conf in ("high", "medium", "low"):
        out.append(("warn" if conf != "high" else "", w.t("l_conf", c=w.confidence(conf))))
    variant = r.get("price_variant")
    if variant and variant != "standard":
        out.append(("warn", variant))
    if r.get("assumption") == "self-hosted":
        out.append(("warn", w.t("l_self")))
    if r.get("retired"):
        out.append(("warn", w.t("l_retired")))
    age = r.get("price_age_days")
    stale = r.get("price_stale")  # the run's --max-price-age; older results files: STALE_DAYS
    if isinstance(age, int) and (stale if isinstance(stale, bool) else age > STALE_DAYS):
        out.append(("warn", w.t("l_stale", d=age)))
    return out


def labels_text(r: dict[str, Any], w: Words) -> str:
    return "; ".join(t for _, t in labels(r, w)) or "—"


Column = tuple[str, str, Callable[[dict[str, Any]], str]]
NOWRAP = {"ci", "range", "range_krw", "range_usd", "date", "usd", "krw", "en", "per_req",
          "monthly", "monthly_krw", "monthly_usd", "en_krw", "en_usd", "premium", "ratio"}


#: The three kinds of tokenizer the report sets side by side, in this order.
KINDS = ("korean", "english", "api")


def kind(r: dict[str, Any]) -> str:
    """``api`` (counted through a vendor's token-count endpoint), else ``korean`` (a
    Korean-trained vocabulary) or ``english`` (English-centric)."""
    if r.get("tokenizer_match") == "vendor-api":
        return "api"
    return "korean" if r.get("korean_trained") else "english"


def by_kind(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Korean-trained, then English-centric, then API-counted; by ratio within each."""
    return sorted(rows, key=lambda r: (KINDS.index(kind(r)), r["ratio"] is None,
                                       r["ratio"] or 0))


def how_counted(r: dict[str, Any], w: Words) -> str:
    """What counted this row and whether its tokenizer is proven: ``tokenizers 0.23 · verified
    (sha256)``; ``anthropic token-count API (claude-sonnet-4-5), counted 2026-12-04``."""
    counter = (r.get("signature") or {}).get("counter") or "—"
    if kind(r) == "api":
        return w.t("c_api", counter=counter, date=r.get("counted_date") or "?")
    ident = "verified" if r.get("identity") == "verified" else "unverified"
    out = f"{counter} · {w.t('c_' + ident)}"
    if r.get("identity_method"):
        out += f" ({r['identity_method']})"
    if r.get("tokenizer_match") in ("presumed", "proxy"):
        out += f" · {w.t('l_' + r['tokenizer_match'])}"
    return out


def _measure_cols(w: Words) -> list[Column]:
    return [
        ("tokenizer", w.t("h_tokenizer"), lambda r: r["tokenizer"]
         + (f" (proxy of {r['proxy_of']})" if r.get("proxy_of") else "")),
        ("trained", w.t("h_kind"), lambda r: w.t("g_" + kind(r))),
        ("ratio", w.t("h_ratio"), lambda r: ratio(r["ratio"])),
        ("ci", w.t("h_ci"), lambda r: f"{ratio(r['ratio_ci_low'])}–{ratio(r['ratio_ci_high'])}"),
        ("ko_tokens", w.t("h_ko_tokens"), lambda r: num(r["ko_tokens"])),
        ("en_tokens", w.t("h_en_tokens"), lambda r: num(r["en_tokens"])),
        ("ko_cpt", w.t("h_ko_cpt"), lambda r: num(r["ko_chars_per_token"])),
        ("ko_fert", w.t("h_ko_fert"), lambda r: num(r["ko_fertility"])),
        ("en_fert", w.t("h_en_fert"), lambda r: num(r["en_fertility"])),
        ("bf", w.t("h_bf"), lambda r: "—" if r.get("ko_byte_fallback_rate") is None
         or kind(r) == "api" else f"{r['ko_byte_fallback_rate'] * 100:.1f} %"),
        ("how", w.t("h_how"), lambda r: how_counted(r, w)),
    ]


def _cost_cols(requests: int, w: Words) -> list[Column]:
    n = f"{requests:,}"
    return [
        ("model", w.t("h_model"), lambda r: r["model"]),
        ("provider", w.t("h_provider"), lambda r: r["provider"]),
        ("tokenizer", w.t("h_tokenizer"), lambda r: r["tokenizer"] or "—"),
        ("in", w.t("h_in"), lambda r: num(r["input_tokens"])),
        ("out", w.t("h_out"), lambda r: num(r["output_tokens"])),
        ("usd", w.t("h_batch", cur="USD", n=n), lambda r: money(r["cost_per_batch"], "USD")),
        ("krw", w.t("h_batch", cur="KRW", n=n), lambda r: w.money(r["krw_per_batch"], "KRW")),
        ("en", w.t("h_en_batch", cur="USD"), lambda r: money(r["en_cost_per_batch"], "USD")),
        ("per_req", w.t("h_per_req", cur="USD"), lambda r: sig_money(r["cost"], "USD")),
        ("premium", w.t("h_premium_req"), lambda r: pct(r["premium_pct"])),
        ("ctx", w.t("h_ctx"),
         lambda r: "—" if r.get("context_chars_ko") is None and r.get("context_words_en") is None
         else f"{num(r.get('context_chars_ko'))} / {num(r.get('context_words_en'))}"),
        ("date", w.t("h_price_date"), lambda r: r["price_date"] or "—"),
        ("labels", w.t("h_labels"), lambda r: labels_text(r, w)),
        ("status", w.t("h_status"), lambda r: r["status"]),
    ]


def _headline_cols(doc: dict[str, Any], w: Words) -> list[Column]:
    corpus = doc["settings"]["budget"].get("corpus") or "samples"
    return [
        ("model", w.t("h_model"), lambda r: r["model"]),
        ("provider", w.t("h_provider"), lambda r: r["provider"]),
        ("monthly_krw", w.t("h_monthly", cur="KRW"), lambda r: w.money(r["monthly_krw"], "KRW")),
        ("monthly_usd", w.t("h_monthly", cur="USD"), lambda r: money(r["monthly_usd"], "USD")),
        ("range_krw", w.t("h_range", cur="KRW"),
         lambda r: span(r["monthly_low_krw"], r["monthly_high_krw"], lambda v: w.money(v, "KRW"))),
        ("range_usd", w.t("h_range", cur="USD"),
         lambda r: span(r["monthly_low_usd"], r["monthly_high_usd"], lambda v: money(v, "USD"))),
        ("en_krw", w.t("h_monthly_en", cur="KRW"), lambda r: w.money(r["monthly_en_krw"], "KRW")),
        ("en_usd", w.t("h_monthly_en", cur="USD"), lambda r: money(r["monthly_en_usd"], "USD")),
        ("premium", w.t("h_premium_corpus", corpus=corpus), lambda r: pct(r["premium_pct"])),
        ("date", w.t("h_price_date"), lambda r: r["price_date"] or "—"),
        ("labels", w.t("h_labels"), lambda r: labels_text(r, w)),
    ]


def _budget_cols(doc: dict[str, Any], w: Words) -> list[Column]:
    corpus = doc["settings"]["budget"].get("corpus") or "samples"
    return [
        ("model", w.t("h_model"), lambda r: r["model"]),
        ("tokenizer", w.t("h_tokenizer"), lambda r: r["tokenizer"] or "—"),
        ("monthly", w.t("h_monthly", cur="USD"), lambda r: money(r["monthly_cost"], "USD")),
        ("monthly_krw", w.t("h_monthly", cur="KRW"), lambda r: w.money(r.get("monthly_krw"), "KRW")),
        ("range", w.t("h_range", cur="USD"),
         lambda r: span(r["monthly_low"], r["monthly_high"], lambda v: money(v, "USD"))),
        ("en", w.t("h_monthly_en", cur="USD"), lambda r: money(r["monthly_cost_en"], "USD")),
        ("premium", w.t("h_premium_corpus", corpus=corpus), lambda r: pct(r["premium_pct"])),
        ("date", w.t("h_price_date"), lambda r: r.get("price_date") or "—"),
        ("labels", w.t("h_labels"), lambda r: labels_text(r, w)),
        ("status", w.t("h_status"), lambda r: r["status"]),
    ]


def _diag_cols(w: Words) -> list[Column]:
    def share(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: "—" if r.get(key) is None else f"{r[key] * 100:.1f} %"

    return [
        ("tokenizer", w.t("h_tokenizer"), lambda r: r["tokenizer"]),
        ("cov", w.t("h_cov"), share("hangul_single_token_share")),
        ("cov2350", w.t("h_cov2350"), share("ksx1001_single_token_share")),
        ("tps", w.t("h_tps"), lambda r: num(r.get("mean_tokens_per_syllable"), 3)),
        ("cont_ko", w.t("h_cont_ko"), share("ko_continued_share")),
        ("cont_en", w.t("h_cont_en"), share("en_continued_share")),
        ("morph", w.t("h_morph"), lambda r: num(r.get("tokens_per_morpheme"), 3)),
    ]


def _domain_cols(doc: dict[str, Any]) -> tuple[list[str], list[dict[str, Any]]]:
    """The ratio-by-domain table: one row per tokenizer, one column per domain."""
    corpus = doc["summary"].get("corpus")
    rows = [r for r in doc["measure"] if r["corpus"] == corpus]
    domains = sorted({r["domain"] for r in rows if r["domain"] != "all"})
    by_tok: dict[str, dict[str, Any]] = {}
    for r in rows:
        by_tok.setdefault(r["tokenizer"], {"tokenizer": r["tokenizer"]})[r["domain"]] = r["ratio"]
    return domains, list(by_tok.values())


def cost_view(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per model: USD cost with the KRW figure of the same model beside it."""
    krw = {r["model"]: r for r in doc["cost"] if r["currency"] == "KRW"}
    out = []
    for r in doc["cost"]:
        if r["currency"] != "USD":
            continue
        k = krw.get(r["model"], {})
        out.append({**r, "krw_per_batch": k.get("cost_per_batch")})
    return out


def budget_view(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One budget row per model (USD) with the KRW monthly figure beside it."""
    krw = {r["model"]: r for r in doc["budget"] if r.get("currency") == "KRW"}
    return [{**r, "monthly_krw": krw.get(r["model"], {}).get("monthly_cost")}
            for r in doc["budget"] if r.get("currency", "USD") == "USD"]


def _self_hosted(r: dict[str, Any]) -> bool:
    return r.get("assumption") == "self-hosted" or r.get("kind") == "self-hosted"


def workload_sentence(doc: dict[str, Any], w: Words) -> str:
    st = doc["settings"]
    b = st["budget"]
    return w.t("workload", rpd=num(b["requests_per_day"], 0), days=b["days"],
               total=num(b.get("requests_per_month", b["requests_per_day"] * b["days"]), 0),
               inp=f"{b['input_chars']:,}", out=f"{b['output_chars']:,}", asof=st["as_of"],
               fx=num(st["fx_krw_per_usd"]), vat=w.t("vat_included" if st["vat"] else "vat_excluded"))


def summary_sentences(doc: dict[str, Any], w: Words | None = None) -> list[str]:
    w = w or Words(doc.get("lang", "en"))
    s = doc["summary"]
    n = f"{doc['settings']['requests_per_batch']:,}"
    out = []
    head = [r for r in doc.get("headline", []) if r.get("monthly_usd") is not None]
    if head:
        lo, hi = head[0], head[-1]
        out.append(w.t("s_budget", model=lo["model"], provider=lo["provider"],
                       krw=w.money(lo["monthly_krw"], "KRW"), usd=money(lo["monthly_usd"], "USD"),
                       lo=w.money(lo["monthly_low_krw"], "KRW"),
                       hi=w.money(lo["monthly_high_krw"], "KRW"), dmodel=hi["model"],
                       dkrw=w.money(hi["monthly_krw"], "KRW"), dusd=money(hi["monthly_usd"], "USD")))
    if s.get("cheapest_api_model") or s.get("cheapest_model"):
        api = s.get("cheapest_api_model") or s["cheapest_model"]
        krw = next((r["cost_per_batch"] for r in doc["cost"] if r["currency"] == "KRW"
                    and r["model"] == api), None)
        out.append(w.t("s_cheapest", model=api,
                       provider=s.get("cheapest_api_provider") or s["cheapest_provider"],
                       usd=money(s.get("cheapest_api_cost_usd_per_batch",
                                       s.get("cheapest_cost_usd_per_batch")), "USD"),
                       krw=w.money(krw, "KRW"), n=n, dmodel=s["dearest_model"],
                       dusd=money(s["dearest_cost_usd_per_batch"], "USD")))
    if s.get("english_centric_tokenizers"):
        out.append(w.t("s_english", n=s["english_centric_tokenizers"],
                       lo=f"{s['english_centric_ratio_min']:.2f}",
                       hi=f"{s['english_centric_ratio_max']:.2f}",
                       plo=f"{s['english_centric_premium_pct_min']:.0f}",
                       phi=f"{s['english_centric_premium_pct_max']:.0f}"))
    if s.get("korean_trained_tokenizers"):
        out.append(w.t("s_korean", n=s["korean_trained_tokenizers"],
                       lo=f"{s['korean_trained_ratio_min']:.2f}",
                       hi=f"{s['korean_trained_ratio_max']:.2f}"))
    elif s.get("english_centric_tokenizers"):
        out.append(w.t("s_no_korean"))
    if "claim_347_holds" in s:
        out.append(w.t("s_claim", need=f"{s['claim_347_ratio_needed']:.2f}",
                       tok=s["claim_347_max_tokenizer"],
                       top=f"{s['claim_347_max_ratio_ci_high']:.2f}",
                       verdict=w.t("s_claim_holds" if s["claim_347_holds"] else "s_claim_fails"))
                   + (w.t("s_claim_loose", r=f"{s['claim_347_loose_ratio']:.2f}",
                          toks=", ".join(s["claim_347_loose_reached_by"]))
                      if s.get("claim_347_loose_reached_by") else ""))
    if s.get("cheapest_kind") == "self-hosted":
        out.append(w.t("s_selfhosted", model=s["cheapest_model"],
                       usd=money(s["cheapest_cost_usd_per_batch"], "USD"), n=n))
    if s.get("models_not_costed"):
        out.append(w.t("s_not_costed", n=len(s["models_not_costed"])))
    asof = doc["settings"]["as_of"]
    if s.get("stale_prices"):
        old = s["stale_prices"][0]
        out.append(w.t("s_stale_prices", n=len(s["stale_prices"]),
                       days=s["price_age_threshold_days"], asof=asof, model=old["model"],
                       date=old["price_date"], age=old["price_age_days"]))
    if s.get("stale_fx"):
        fx = s["stale_fx"]
        out.append(w.t("s_stale_fx", fx=num(fx["fx_rate"]), date=fx["fx_date"],
                       age=fx["fx_age_days"], asof=asof, days=fx["threshold_days"]))
    return out


# ---------------------------------------------------------------------------------- HTML
_CSS = """
*{box-sizing:border-box}
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,"Noto Sans CJK KR","Apple SD Gothic Neo",
"Malgun Gothic",sans-serif;margin:2rem auto;max-width:1180px;color:#222;line-height:1.45;padding:0 1rem;
overflow-wrap:anywhere}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd}
.meta{color:#666;font-size:.85rem}.summary{background:#f6f8fa;border-left:4px solid #c0392b;
padding:.6rem 1rem .6rem 1.6rem}.summary li{margin:.3rem 0}
.headline{background:#fff8f0;border:1px solid #f0c9a0;border-radius:6px;padding:.6rem 1rem;margin:.6rem 0}
.headline p{margin:.3rem 0}.headline h2{margin-top:.4rem}.workload{font-weight:600}
.scroll{overflow-x:auto;max-width:100%;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;font-size:.8rem;margin:.8rem 0}th,td{border:1px solid #ddd;
padding:.2rem .45rem;overflow-wrap:normal;word-break:normal}th{background:#f0f0f0;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.nw,td.n{white-space:nowrap}
#headline-table{font-size:.9rem}#headline-table td[data-col=monthly_krw],
#headline-table td[data-col=monthly_usd]{font-weight:700}
.badge{display:inline-block;border:1px solid #bbb;border-radius:3px;padding:0 .25rem;margin:1px;
font-size:.72rem;white-space:nowrap;background:#f7f7f7}.badge.warn{border-color:#d68910;background:#fdf2e0}
figure{margin:1rem 0;overflow-x:auto;max-width:100%}figure svg{max-width:100%;height:auto}
.tokline{margin:.25rem 0 .6rem 0;white-space:pre-wrap;font-size:1.05rem;line-height:1.9}
.tokname{font-size:.8rem;color:#555;font-family:monospace}
.tk{padding:1px 0;border-radius:2px}.t0{background:#fde2c8}.t1{background:#cfe8fc}.t2{background:#d7f5d0}
.t3{background:#f7d4ec}.t4{background:#fff4b3}.t5{background:#e0dcfa}
.bf{outline:2px dashed #c0392b;outline-offset:-2px}.sp{background:#ccc;font-family:monospace}
.note{color:#666;font-size:.85rem}code{background:#f3f3f3;padding:0 .2rem;word-break:break-all}
.print-only{display:none}
html[lang=ko] body,html[lang=ko] th,html[lang=ko] td,html[lang=ko] .badge{word-break:keep-all}
@media (max-width:640px){body{margin:.8rem auto;padding:0 .6rem}h1{font-size:1.3rem}
h2{font-size:1.1rem}figure svg{max-width:none;width:auto}table{font-size:.75rem}}
@media print{@page{size:A4;margin:14mm 12mm}
body{max-width:none;margin:0;padding:0;font-size:9.5pt}
h1,h2,h3,h2+p.note{break-after:avoid;page-break-after:avoid}h2{margin-top:1.2rem}
table,.headline,.summary{break-inside:auto}tr,figure,.tokline{break-inside:avoid;
page-break-inside:avoid}thead{display:table-header-group}
.scroll,figure{overflow:visible}figure svg{max-width:100%;width:100%;height:auto}
table{font-size:6.5pt}#headline-table{font-size:7.5pt}th,td{padding:.1rem .25rem}
.badge{font-size:6pt;padding:0 .15rem;white-space:normal}
td[data-col=ctx],td[data-col^=range]{white-space:normal}
details#not-costed{display:none}.print-only{display:block}a{color:inherit;text-decoration:none}}
"""


def _cell(key: str, v: str, r: dict[str, Any], w: Words) -> str:
    if key == "labels":
        badges = "".join(f'<span class="badge {c}">{html.escape(t)}</span>' for c, t in labels(r, w))
        return f'<td data-col="labels" data-labels="{html.escape(v)}">{badges or "—"}</td>'
    cls = "n" if v[:1].isdigit() or v[:1] in "$₩+-" else ("nw" if key in NOWRAP else "")
    return f'<td data-col="{key}"{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}>{html.escape(v)}</td>'


def _visible(rows: Sequence[dict[str, Any]], cols: Sequence[Column]) -> list[Column]:
    """The columns that have something to show (a column of dashes only is left out)."""
    return [c for c in cols if not rows or any(c[2](r).strip("— /") for r in rows)]


#: The label fields a report column shows inside its own cells (badges, "how counted", the
#: price date; the price's age is its date, and a stale one is a badge), so the renderer does
#: not append them again. Any other label field a row carries becomes a column of its own.
_SHOWN_BY = {
    "labels": frozenset({"tokenizer_match", "identity", "price_confidence", "price_variant",
                         "retired", "price_age_days"}),
    "how": frozenset({"identity", "tokenizer_match"}),
    "date": frozenset({"price_date", "price_age_days"}),
}


def table_output(rows: Sequence[dict[str, Any]], cols: Sequence[Column],
                 shown: frozenset[str] = frozenset()) -> Output:
    """A report table as one :class:`~tokcost.output.Output`, for the HTML and Markdown views
    alike: each cell formatted by its column, the rows' label fields kept, so a label no column
    shows is appended by the renderer rather than dropped. ``shown``: label fields the page
    states once for every row (the FX date beside the rate)."""
    from tokcost.output import LABEL_FIELDS, Output

    cols = _visible(rows, cols)
    covered = frozenset().union(shown, *(_SHOWN_BY.get(key, frozenset()) for key, _, _ in cols))
    view = [{**{k: r[k] for k, _ in LABEL_FIELDS if k in r},
             **{key: fmt(r) for key, _, fmt in cols}} for r in rows]
    return Output("tokcost/report/1", view, [(key, title) for key, title, _ in cols],
                  shown_in=covered)


def _table(rows: Sequence[dict[str, Any]], cols: Sequence[Column], table_id: str,
           w: Words | None = None, shown: frozenset[str] = frozenset()) -> str:
    from tokcost.output import html_table

    w = w or Words("en")
    out = table_output(rows, cols, shown)

    def cell(i: int, key: str, text: str) -> str:
        return _cell(key, text, rows[i], w)

    return f'<div class="scroll">{html_table(out, table_id, cell)}</div>'


def _not_costed(cost: Sequence[dict[str, Any]], w: Words) -> str:
    rows = [r for r in cost if r["cost"] is None]
    if not rows:
        return ""
    items = "".join(f"<li><code>{html.escape(r['model'])}</code> ({html.escape(r['provider'])}): "
                    f"{html.escape(r['status'])}</li>" for r in rows)
    # <details> for the screen; the same list always open in print (a closed <details> prints shut)
    return (f'<details id="not-costed"><summary>{w.t("not_costed", n=len(rows))}</summary>'
            f'<ul class="note">{items}</ul></details>'
            f'<div class="print-only" id="not-costed-print"><p class="note">'
            f'{w.t("not_costed", n=len(rows))}:</p><ul class="note">{items}</ul></div>')


def _figure(name: str, svg: str | None, caption: str, w: Words) -> str:
    if svg is None:
        return f'<p class="note" data-chart="{name}">{html.escape(w.t("no_chart"), quote=False)}</p>'
    return f'<figure data-chart="{name}">{svg}<figcaption class="note">{html.escape(caption)}' \
           f"</figcaption></figure>"


def _boundaries_html(doc: dict[str, Any]) -> str:
    parts = []
    for sample in doc["samples"]:
        parts.append(f'<h3 class="note">{html.escape(sample["domain"] or "")} · '
                     f'{html.escape(str(sample["id"]))}</h3>')
        parts.append(f'<p class="note" lang="en">{html.escape(sample["en"] or "")}</p>')
        for b in (x for x in doc["boundaries"] if x["sample"] == sample["id"]):
            spans = []
            for i, g in enumerate(b["groups"]):
                cls = f"tk t{i % 6}" + (" bf" if g["byte_fallback"] else "") + \
                      (" sp" if g["special"] else "")
                title = f"{g['tokens']} byte-fallback tokens" if g["byte_fallback"] else "1 token"
                spans.append(f'<span class="{cls}" title="{title}">{html.escape(g["text"])}</span>')
            bf = f", {b['byte_fallback_tokens']} byte-fallback" if b["byte_fallback_tokens"] else ""
            parts.append(f'<div class="tokname" data-tokenizer="{html.escape(b["tokenizer"])}">'
                         f'{html.escape(b["tokenizer"])} — {b["tokens"]} tokens{bf}'
                         f'</div><div class="tokline" lang="ko">{"".join(spans)}</div>')
    return "\n".join(parts)


def chart_currency(doc: dict[str, Any]) -> str:
    """The cost chart shows one currency: won for a Korean page, dollars otherwise."""
    return "KRW" if doc.get("lang") == "ko" else "USD"


def render_charts(doc: dict[str, Any]) -> dict[str, str | None]:
    """SVG per chart name, or None for every chart when altair/vl-convert are missing."""
    names = ("ratio", "cost", "domains", "distribution")
    if not charts.available():
        return dict.fromkeys(names)
    w = Words(doc.get("lang", "en"))
    main = _main_rows(doc)
    domain_rows = [r for r in doc["measure"] if r["corpus"] == doc["summary"].get("corpus")]
    shortlist = doc["settings"].get("budget", {}).get("shortlist", [])
    return {
        "ratio": charts.to_svg(charts.ratio_chart(main, words=w)),
        "cost": charts.to_svg(charts.cost_chart(doc["cost"], doc["settings"]["requests_per_batch"],
                                                chart_currency(doc), shortlist, words=w)),
        "domains": charts.to_svg(charts.heatmap(domain_rows, words=w))
        if any(r["domain"] != "all" for r in domain_rows) else None,
        "distribution": charts.to_svg(charts.distribution_chart(main, words=w)),
    }


def _main_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    corpus = doc["summary"].get("corpus")
    return [r for r in doc["measure"] if r["domain"] == "all" and r["corpus"] == corpus]


def _sources(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted({(r["provider"], r["price_source"], r["price_date"] or "") for r in cost_view(doc)
                   if r.get("price_source")})


def _workload_source(doc: dict[str, Any], w: Words) -> str:
    b = doc["settings"]["budget"]
    src = b.get("source") or "defaults"
    text = w.t("workload_src", src=w.t("workload_src_default") if src == "defaults" else src)
    n = len(b.get("shortlist", []))
    return text + " " + (w.t("shortlist_given") if b.get("shortlist_given")
                         else w.t("shortlist_auto", n=n))


def to_html(doc: dict[str, Any], svgs: dict[str, str | None]) -> str:
    w = Words(doc.get("lang", "en"))
    e = html.escape
    fx_date = page_fx_date(doc)
    page = frozenset({"fx_date"}) if fx_date else frozenset()
    st = doc["settings"]
    n = st["requests_per_batch"]
    main = by_kind(_main_rows(doc))
    other = [r for r in doc["measure"] if r["domain"] == "all" and r not in main]
    cost = cost_view(doc)
    summary = "".join(f"<li>{e(s)}</li>" for s in summary_sentences(doc, w))
    sig = "".join(f"<li><code>{e(r['signature_string'])}</code></li>"
                  for r in doc["measure"] if r["domain"] == "all")
    src = "".join(f'<li>{e(p)}: <span class="nw">{e(d)}</span> — <code>{e(u)}</code></li>'
                  for p, u, d in _sources(doc))
    warns = "".join(f"<li>{e(x)}</li>" for x in doc["warnings"])
    budget = budget_view(doc)
    corpus = st["budget"].get("corpus") or "samples"
    diag = ""
    if doc["diagnostics"]:
        diag = (f'<h2 id="diagnostics">{e(w.t("diag_h"))}</h2><p class="note">{e(w.t("diag_note"))}'
                "</p>" + _table(doc["diagnostics"], _diag_cols(w), "diagnostics-table", w, page))
    self_rows = [r for r in cost if _self_hosted(r) and r["cost"] is not None]
    selfhosted = ""
    if self_rows:
        selfhosted = (f'<h2 id="self-hosted">{e(w.t("selfhosted_h"))}</h2><p class="note">'
                      f'{e(w.t("selfhosted_note"))}</p>'
                      + _table(self_rows, _cost_cols(n, w), "self-hosted-table", w, page)
                      + _table([r for r in budget if _self_hosted(r)], _budget_cols(doc, w),
                               "self-hosted-budget-table", w, page))
    meta = " · ".join(x for x in [
        w.t("generated", generated=e(doc["generated"]), version=e(doc["tokcost_version"])),
        f"{w.t('corpora')}: {e(', '.join(map(str, st['corpora'])))}",
        w.t("tokenizers_n", n=len(st["tokenizers"])), w.t("prices_as_of", d=e(st["as_of"])),
        w.t("fx", fx=num(st["fx_krw_per_usd"])) + (f" ({e(fx_date)})" if fx_date else ""),
        w.t("vat_included") if st["vat"] else ""] if x)
    return f"""<!doctype html>
<html lang="{e(w.lang)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tokcost {e(doc['tokcost_version'])}">
<title>{e(w.t('title'))}</title><style>{_CSS}</style></head>
<body>
<h1>{e(w.t('title'))}</h1>
<p class="meta">{meta}</p>
<section id="headline" class="headline">
<h2 id="budget">{e(w.t('budget_h'))}</h2>
<p class="workload" id="workload">{e(workload_sentence(doc, w))}</p>
<p class="note">{e(_workload_source(doc, w))} {e(w.t('budget_note', corpus=corpus))}</p>
{_table(doc.get('headline', []), _headline_cols(doc, w), 'headline-table', w, page)}
<p class="note" id="labels-legend">{e(w.t('labels_legend'))}</p>
</section>
<h2 id="summary">{e(w.t('summary_h'))}</h2>
<ul class="summary">{summary}</ul>
<h2 id="cost">{e(w.t('cost_h', n=f'{n:,}'))}</h2>
<p class="note">{e(w.t('cost_note', k=st['requests_in_file'], file=st['requests'],
                       out=st['output_tokens'], asof=st['as_of'], corpus=corpus))}</p>
{_figure('cost', svgs.get('cost'), w.t('cost_caption'), w)}
{_table([r for r in cost if r['cost'] is not None and not _self_hosted(r)], _cost_cols(n, w),
        'cost-table', w, page)}
{_not_costed(cost, w)}
<h2 id="ratio">{e(w.t('ratio_h'))}</h2>
<p class="note">{e(w.t('ratio_note', corpus=str(doc['summary'].get('corpus'))))}</p>
{_figure('ratio', svgs.get('ratio'), w.t('ratio_caption'), w)}
{_table(main, _measure_cols(w), 'measure-table', w, page)}
{_table(other, _measure_cols(w), 'measure-other-table', w, page) if other else ''}
<h2 id="domains">{e(w.t('domains_h'))}</h2>
{_figure('domains', svgs.get('domains'), w.t('domains_caption'), w)}
<h2 id="distribution">{e(w.t('dist_h'))}</h2>
{_figure('distribution', svgs.get('distribution'), w.t('dist_caption'), w)}
<h2 id="boundaries">{e(w.t('bound_h'))}</h2>
<p class="note">{e(w.t('bound_note'))}</p>
{_boundaries_html(doc)}
{diag}
<h2 id="budget-all">{e(w.t('budget_all_h'))}</h2>
<p class="note">{e(workload_sentence(doc, w))}</p>
{_table([r for r in budget if not _self_hosted(r)], _budget_cols(doc, w), 'budget-table', w, page)}
{selfhosted}
<h2 id="method">{e(w.t('method_h'))}</h2>
<p class="note">{e(w.t('method_note'))}</p>
<ul class="note">{sig}</ul>
<p class="note">{e(w.t('sources'))}:</p><ul class="note">{src}</ul>
{f'<p class="note">{e(w.t("warnings"))}:</p><ul class="note">' + warns + '</ul>' if warns else ''}
</body></html>
"""


# ------------------------------------------------------------------------------ Markdown
def page_fx_date(doc: dict[str, Any]) -> str | None:
    """The date of the KRW/USD rate when every priced row used the same one: the page states it
    once beside the rate (its tables then need no column for it); None otherwise."""
    dates = {str(r["fx_date"]) for name in ("cost", "budget", "headline")
             for r in doc.get(name) or [] if r.get("fx_date")}
    return dates.pop() if len(dates) == 1 else None


def _md_table(rows: Sequence[dict[str, Any]], cols: Sequence[Column],
              shown: frozenset[str] = frozenset()) -> str:
    from tokcost.output import render

    return render(table_output(rows, cols, shown), "markdown")


def to_markdown(doc: dict[str, Any]) -> str:
    w = Words(doc.get("lang", "en"))
    fx_date = page_fx_date(doc)
    page = frozenset({"fx_date"}) if fx_date else frozenset()

    def md(rows: Sequence[dict[str, Any]], cols: Sequence[Column]) -> str:
        return _md_table(rows, cols, page)

    st = doc["settings"]
    n = st["requests_per_batch"]
    main = by_kind(_main_rows(doc))
    corpus = st["budget"].get("corpus") or "samples"
    domains, drows = _domain_cols(doc)
    def domain_col(d: str) -> Column:
        return (d, d, lambda r: ratio(r.get(d)))

    dcols: list[Column] = [("tokenizer", w.t("h_tokenizer"), lambda r: r["tokenizer"])] + [
        domain_col(d) for d in ["all", *domains]]
    cost = cost_view(doc)
    budget = budget_view(doc)
    lines = [
        f"# {w.t('title')}", "",
        f"{w.t('generated', generated=doc['generated'], version=doc['tokcost_version'])}; "
        f"{w.t('corpora')}: {markdown_inline(', '.join(map(str, st['corpora'])))}; "
        f"{w.t('prices_as_of', d=markdown_inline(str(st['as_of'])))}; "
        f"{w.t('fx', fx=num(st['fx_krw_per_usd']))}"
        f"{f' ({markdown_inline(fx_date)})' if fx_date else ''}.", "",
        f"## {w.t('budget_h')}", "", f"**{markdown_inline(workload_sentence(doc, w))}**", "",
        f"{_workload_source(doc, w)} {w.t('budget_note', corpus=markdown_inline(str(corpus)))}", "",
        md(doc.get("headline", []), _headline_cols(doc, w)),
        w.t("labels_legend"), "",
        f"## {w.t('summary_h')}", "", *[f"- {markdown_inline(s)}" for s in summary_sentences(doc, w)],
        "",
        f"## {w.t('cost_h', n=f'{n:,}')}", "",
        w.t("cost_note", k=st["requests_in_file"], file=markdown_inline(str(st["requests"])),
            out=st["output_tokens"], asof=st["as_of"], corpus=markdown_inline(str(corpus))), "",
        md([r for r in cost if r["cost"] is not None and not _self_hosted(r)],
                  _cost_cols(n, w)),
    ]
    nc = [r for r in cost if r["cost"] is None]
    if nc:
        lines += [f"{w.t('not_costed', n=len(nc))}:", "",
                  *[f"- {markdown_code(str(r['model']))} ({markdown_inline(str(r['provider']))}): "
                    f"{markdown_inline(str(r['status']))}" for r in nc], ""]
    lines += [f"## {w.t('ratio_h')}", "", md(main, _measure_cols(w)),
              f"## {w.t('domains_h')}", "", md(drows, dcols)]
    if doc["diagnostics"]:
        lines += [f"## {w.t('diag_h')}", "", md(doc["diagnostics"], _diag_cols(w))]
    lines += [f"## {w.t('budget_all_h')}", "",
              md([r for r in budget if not _self_hosted(r)], _budget_cols(doc, w))]
    self_rows = [r for r in cost if _self_hosted(r) and r["cost"] is not None]
    if self_rows:
        lines += [f"## {w.t('selfhosted_h')}", "", w.t("selfhosted_note"), "",
                  md(self_rows, _cost_cols(n, w))]
    lines += [f"## {w.t('method_h')}", "",
              *[f"- {markdown_code(r['signature_string'])}" for r in doc["measure"]
                if r["domain"] == "all"], "",
              f"### {w.t('sources')}", "",
              *[f"- {markdown_inline(str(p))}: {markdown_inline(str(d))} — <{markdown_inline(str(u))}>"
                for p, u, d in _sources(doc)], ""]
    if doc["warnings"]:
        lines += [f"## {w.t('warnings')}", "", *[f"- {markdown_inline(str(x))}" for x in doc["warnings"]],
                  ""]
    return "\n".join(lines)
