"""The report as HTML (self-contained: inline CSS and SVG, no scripts, no network) and Markdown.

Both only format the ``tokcost/report/1`` document; every number they show comes from it, formatted
by the helpers below (the tests parse the HTML back and compare with ``results.json``).
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from tokcost.render import money as render_money
from tokcost.report import charts
from tokcost.sanitize import markdown_code, markdown_inline


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


Column = tuple[str, str, Callable[[dict[str, Any]], str]]


def _measure_cols() -> list[Column]:
    return [
        ("tokenizer", "tokenizer", lambda r: r["tokenizer"]
         + (f" (proxy of {r['proxy_of']})" if r.get("proxy_of") else "")),
        ("trained", "Korean-trained", lambda r: "yes" if r["korean_trained"] else "no"),
        ("ratio", "ko/en ratio", lambda r: ratio(r["ratio"])),
        ("ci", "95 % CI", lambda r: f"{ratio(r['ratio_ci_low'])}–{ratio(r['ratio_ci_high'])}"),
        ("ko_tokens", "ko tokens", lambda r: num(r["ko_tokens"])),
        ("en_tokens", "en tokens", lambda r: num(r["en_tokens"])),
        ("ko_cpt", "ko chars/token", lambda r: num(r["ko_chars_per_token"])),
        ("ko_fert", "ko tokens/eojeol", lambda r: num(r["ko_fertility"])),
        ("en_fert", "en tokens/word", lambda r: num(r["en_fertility"])),
        ("bf", "ko byte-fallback", lambda r: f"{r['ko_byte_fallback_rate'] * 100:.1f} %"),
    ]


def _cost_cols(requests: int) -> list[Column]:
    return [
        ("model", "model", lambda r: r["model"]),
        ("provider", "provider", lambda r: r["provider"]),
        ("tokenizer", "tokenizer", lambda r: r["tokenizer"] or "—"),
        ("in", "ko in/req", lambda r: num(r["input_tokens"])),
        ("out", "ko out/req", lambda r: num(r["output_tokens"])),
        ("usd", f"USD / {requests:,} req", lambda r: money(r["cost_per_batch"], "USD")),
        ("krw", f"KRW / {requests:,} req", lambda r: money(r["krw_per_batch"], "KRW")),
        ("en", "same in English (USD)", lambda r: money(r["en_cost_per_batch"], "USD")),
        ("premium", "Korean premium", lambda r: pct(r["premium_pct"])),
        ("ctx", "context: ko chars / en words",
         lambda r: f"{num(r.get('context_chars_ko'))} / {num(r.get('context_words_en'))}"),
        ("date", "price date", lambda r: r["price_date"] or "—"),
        ("status", "status", lambda r: r["status"]),
    ]


def _diag_cols() -> list[Column]:
    def share(key: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: "—" if r.get(key) is None else f"{r[key] * 100:.1f} %"

    return [
        ("tokenizer", "tokenizer", lambda r: r["tokenizer"]),
        ("cov", "single-token syllables (of 11,172)", share("hangul_single_token_share")),
        ("cov2350", "of the 2,350 common", share("ksx1001_single_token_share")),
        ("tps", "tokens per syllable", lambda r: num(r.get("mean_tokens_per_syllable"), 3)),
        ("cont_ko", "continued eojeol", share("ko_continued_share")),
        ("cont_en", "continued English words", share("en_continued_share")),
        ("morph", "tokens per morpheme", lambda r: num(r.get("tokens_per_morpheme"), 3)),
    ]


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


def summary_sentences(doc: dict[str, Any]) -> list[str]:
    s = doc["summary"]
    n = doc["settings"]["requests_per_batch"]
    out = []
    if s.get("cheapest_model"):
        krw = next((r["cost_per_batch"] for r in doc["cost"] if r["currency"] == "KRW"
                    and r["model"] == s["cheapest_model"]), None)
        who = "self-hosted, on the GPU-hour and throughput assumptions of the price table" \
            if s.get("cheapest_kind") == "self-hosted" else s["cheapest_provider"]
        out.append(f"Cheapest for Korean: {s['cheapest_model']} ({who}) at "
                   f"{money(s['cheapest_cost_usd_per_batch'], 'USD')} ({money(krw, 'KRW')}) per "
                   f"{n:,} typical Korean requests.")
        if s.get("cheapest_api_model") and s["cheapest_api_model"] != s["cheapest_model"]:
            out.append(f"Cheapest pay-per-token API: {s['cheapest_api_model']} "
                       f"({s['cheapest_api_provider']}) at "
                       f"{money(s['cheapest_api_cost_usd_per_batch'], 'USD')}; the dearest model "
                       f"measured, {s['dearest_model']}, costs "
                       f"{money(s['dearest_cost_usd_per_batch'], 'USD')}.")
    if s.get("english_centric_tokenizers"):
        out.append(
            f"On the {s['english_centric_tokenizers']} English-centric or global tokenizers, the same "
            f"content in Korean takes {s['english_centric_ratio_min']:.2f}–"
            f"{s['english_centric_ratio_max']:.2f}× the English tokens: a Korean premium of "
            f"{s['english_centric_premium_pct_min']:.0f}–{s['english_centric_premium_pct_max']:.0f} %"
            f" in tokens, and so in money on the same model.")
    if s.get("korean_trained_tokenizers"):
        out.append(f"The {s['korean_trained_tokenizers']} Korean-trained tokenizers take "
                   f"{s['korean_trained_ratio_min']:.2f}–{s['korean_trained_ratio_max']:.2f}× the "
                   f"English tokens.")
    elif s.get("english_centric_tokenizers"):
        out.append("No Korean-trained tokenizer is on this machine, so the report cannot compare them: "
                   "`tokcost tokenizers pull exaone-4.0` (or ax-4.0, kanana, …) fetches one, or "
                   "point TOKCOST_TOKENIZERS_DIR at a mirror.")
    if "claim_347_holds" in s:
        verdict = "holds" if s["claim_347_holds"] else "does not hold"
        out.append(
            f"The often-quoted \u201cKorean costs 347 % more\u201d needs a ratio of "
            f"{s['claim_347_ratio_needed']:.2f}; the highest measured here, "
            f"{s['claim_347_max_tokenizer']}, reaches at most {s['claim_347_max_ratio_ci_high']:.2f} "
            f"(upper end of its 95 % CI), so on these tokenizers and this corpus the claim {verdict}."
            + (f" Read loosely as {s['claim_347_loose_ratio']:.2f}× the tokens, it is reached only by "
               f"{', '.join(s['claim_347_loose_reached_by'])}."
               if s.get("claim_347_loose_reached_by") else ""))
    if s.get("models_not_costed"):
        out.append(f"Not costed (tokenizer not public, not on this machine, or no price): "
                   f"{len(s['models_not_costed'])} models, listed under the cost table.")
    return out


# ---------------------------------------------------------------------------------- HTML
_CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,"Noto Sans CJK KR","Apple SD Gothic Neo",
"Malgun Gothic",sans-serif;margin:2rem auto;max-width:1180px;color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:1px solid #ddd}
.meta{color:#666;font-size:.85rem}.summary{background:#f6f8fa;border-left:4px solid #c0392b;
padding:.6rem 1rem}.summary li{margin:.3rem 0}
table{border-collapse:collapse;font-size:.8rem;margin:.8rem 0}th,td{border:1px solid #ddd;
padding:.2rem .45rem}th{background:#f0f0f0;text-align:left}td.n{text-align:right;font-variant-numeric:
tabular-nums}figure{margin:1rem 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
.tokline{margin:.25rem 0 .6rem 0;white-space:pre-wrap;font-size:1.05rem;line-height:1.9}
.tokname{font-size:.8rem;color:#555;font-family:monospace}
.tk{padding:1px 0;border-radius:2px}.t0{background:#fde2c8}.t1{background:#cfe8fc}.t2{background:#d7f5d0}
.t3{background:#f7d4ec}.t4{background:#fff4b3}.t5{background:#e0dcfa}
.bf{outline:2px dashed #c0392b;outline-offset:-2px}.sp{background:#ccc;font-family:monospace}
.note{color:#666;font-size:.85rem}code{background:#f3f3f3;padding:0 .2rem}
"""


def _table(rows: Sequence[dict[str, Any]], cols: Sequence[Column], table_id: str) -> str:
    head = "".join(f"<th>{html.escape(title)}</th>" for _, title, _ in cols)
    body = []
    for r in rows:
        cells = []
        for key, _, fmt in cols:
            v = fmt(r)
            cls = ' class="n"' if v[:1].isdigit() or v[:1] in "$₩+-" else ""
            cells.append(f'<td data-col="{key}"{cls}>{html.escape(v)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def _not_costed(cost: Sequence[dict[str, Any]]) -> str:
    rows = [r for r in cost if r["cost"] is None]
    if not rows:
        return ""
    items = "".join(f"<li><code>{html.escape(r['model'])}</code> ({html.escape(r['provider'])}): "
                    f"{html.escape(r['status'])}</li>" for r in rows)
    return (f'<details id="not-costed"><summary>{len(rows)} models not costed</summary>'
            f'<ul class="note">{items}</ul></details>')


def _figure(name: str, svg: str | None, caption: str) -> str:
    if svg is None:
        return (f'<p class="note" data-chart="{name}">Chart not drawn: install the report extra '
                f'(<code>pip install "tokcost[report]"</code>).</p>')
    return f'<figure data-chart="{name}">{svg}<figcaption class="note">{html.escape(caption)}' \
           f"</figcaption></figure>"


def _boundaries_html(doc: dict[str, Any]) -> str:
    parts = []
    for sample in doc["samples"]:
        parts.append(f'<h3 class="note">{html.escape(sample["domain"] or "")} · '
                     f'{html.escape(str(sample["id"]))}</h3>')
        parts.append(f'<p class="note">{html.escape(sample["en"] or "")}</p>')
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


def render_charts(doc: dict[str, Any]) -> dict[str, str | None]:
    """SVG per chart name, or None for every chart when altair/vl-convert are missing."""
    names = ("ratio", "cost", "domains", "distribution")
    if not charts.available():
        return dict.fromkeys(names)
    main = _main_rows(doc)
    domain_rows = [r for r in doc["measure"] if r["corpus"] == doc["summary"].get("corpus")]
    cost = [{**r, "korean_trained": r.get("korean_trained")} for r in doc["cost"]]
    return {
        "ratio": charts.to_svg(charts.ratio_chart(main)),
        "cost": charts.to_svg(charts.cost_chart(cost, doc["settings"]["requests_per_batch"])),
        "domains": charts.to_svg(charts.heatmap(domain_rows))
        if any(r["domain"] != "all" for r in domain_rows) else None,
        "distribution": charts.to_svg(charts.distribution_chart(main)),
    }


def _main_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    corpus = doc["summary"].get("corpus")
    return [r for r in doc["measure"] if r["domain"] == "all" and r["corpus"] == corpus]


def to_html(doc: dict[str, Any], svgs: dict[str, str | None]) -> str:
    st = doc["settings"]
    n = st["requests_per_batch"]
    main = sorted(_main_rows(doc), key=lambda r: (r["ratio"] is None, r["ratio"] or 0))
    other = [r for r in doc["measure"] if r["domain"] == "all" and r not in main]
    cost = cost_view(doc)
    summary = "".join(f"<li>{html.escape(s)}</li>" for s in summary_sentences(doc))
    sig = "".join(f"<li><code>{html.escape(r['signature_string'])}</code></li>"
                  for r in doc["measure"] if r["domain"] == "all")
    sources = sorted({(r["provider"], r["price_source"], r["price_date"]) for r in cost
                      if r.get("price_source")})
    src = "".join(f'<li>{html.escape(p)}: {html.escape(d or "")} — {html.escape(u)}</li>'
                  for p, u, d in sources)
    warns = "".join(f"<li>{html.escape(w)}</li>" for w in doc["warnings"])
    budget = doc["settings"]["budget"]
    bcols: list[Column] = [
        ("model", "model", lambda r: r["model"]),
        ("tokenizer", "tokenizer", lambda r: r["tokenizer"] or "—"),
        ("monthly", "monthly (USD)", lambda r: money(r["monthly_cost"], "USD")),
        ("range", "95 % range", lambda r: f"{money(r['monthly_low'], 'USD')} – "
                                          f"{money(r['monthly_high'], 'USD')}"),
        ("en", "same in English", lambda r: money(r["monthly_cost_en"], "USD")),
        ("premium", "Korean premium", lambda r: pct(r["premium_pct"])),
        ("status", "status", lambda r: r["status"]),
    ]
    diag = ""
    if doc["diagnostics"]:
        diag = ('<h2 id="diagnostics">Korean diagnostics</h2><p class="note">Hangul syllables that '
                "encode as one token, tokens per syllable, words split into two or more tokens "
                "(Rust et al. 2021) and tokens per morpheme. Definitions: docs/diagnostics.md.</p>"
                + _table(doc["diagnostics"], _diag_cols(), "diagnostics-table"))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tokcost {html.escape(doc['tokcost_version'])}">
<title>tokcost report — what Korean text costs</title><style>{_CSS}</style></head>
<body>
<h1>What Korean text costs — tokcost report</h1>
<p class="meta">Generated {html.escape(doc['generated'])} by tokcost {html.escape(doc['tokcost_version'])}
· corpora: {html.escape(', '.join(map(str, st['corpora'])))} · {len(st['tokenizers'])} tokenizers
· prices as of {html.escape(st['as_of'])} · FX {num(st['fx_krw_per_usd'])} KRW/USD
{'· VAT included' if st['vat'] else ''}</p>
<h2 id="summary">Summary</h2>
<ul class="summary">{summary}</ul>
<h2 id="ratio">Korean premium per tokenizer</h2>
<p class="note">Korean tokens ÷ English tokens for the same sentences of
{html.escape(str(doc['summary'].get('corpus')))}, each sentence tokenized on its own; whiskers are
95 % paired bootstrap intervals.</p>
{_figure('ratio', svgs.get('ratio'), 'Red: tokenizers trained for Korean; blue: English-centric or global.')}
{_table(main, _measure_cols(), 'measure-table')}
{_table(other, _measure_cols(), 'measure-other-table') if other else ''}
<h2 id="cost">Cost of {n:,} typical Korean requests</h2>
<p class="note">A typical request is the average of the {st['requests_in_file']} multi-turn chat requests
in <code>{html.escape(st['requests'])}</code> (system prompt and turns as input, an answer of
{st['output_tokens']} English-equivalent tokens scaled by each tokenizer's premium), counted on each
model's own tokenizer; list prices as of {html.escape(st['as_of'])}.</p>
{_figure('cost', svgs.get('cost'), 'Dots: Korean; ticks: the same requests in English. Log scale.')}
{_table([r for r in cost if r['cost'] is not None], _cost_cols(n), 'cost-table')}
{_not_costed(cost)}
<h2 id="domains">Ratio by domain</h2>
{_figure('domains', svgs.get('domains'), 'Korean/English token ratio per tokenizer and domain.')}
<h2 id="distribution">Tokens per sentence</h2>
{_figure('distribution', svgs.get('distribution'), 'Per-sentence token counts, Korean vs English.')}
<h2 id="boundaries">Where the tokenizers cut</h2>
<p class="note">One colour per token; pieces outlined in red dashes are byte-fallback tokens (raw bytes
of one character). Hover a piece for its token count.</p>
{_boundaries_html(doc)}
{diag}
<h2 id="budget">Monthly budget</h2>
<p class="note">{num(budget['requests_per_day'], 0)} requests a day for {budget['days']} days,
{budget['input_chars']:,} Korean characters in and {budget['output_chars']:,} out per request; the range
follows the ratio's 95 % interval.</p>
{_table(doc['budget'], bcols, 'budget-table')}
<h2 id="method">Method and provenance</h2>
<p class="note">Every number on this page is in <code>results.json</code> beside it. Signatures:</p>
<ul class="note">{sig}</ul>
<p class="note">Price sources:</p><ul class="note">{src}</ul>
{'<p class="note">Warnings:</p><ul class="note">' + warns + '</ul>' if warns else ''}
</body></html>
"""


# ------------------------------------------------------------------------------ Markdown
def _md_table(rows: Sequence[dict[str, Any]], cols: Sequence[Column]) -> str:
    head = "| " + " | ".join(t for _, t, _ in cols) + " |"
    sep = "|" + "|".join("---" for _ in cols) + "|"
    body = ["| " + " | ".join(markdown_inline(f(r)) for _, _, f in cols) + " |" for r in rows]
    return "\n".join([head, sep, *body]) + "\n"


def to_markdown(doc: dict[str, Any]) -> str:
    st = doc["settings"]
    main = sorted(_main_rows(doc), key=lambda r: (r["ratio"] is None, r["ratio"] or 0))
    lines = [
        "# What Korean text costs — tokcost report", "",
        f"Generated {doc['generated']} by tokcost {doc['tokcost_version']}; corpora: "
        f"{markdown_inline(', '.join(map(str, st['corpora'])))}; prices as of "
        f"{markdown_inline(str(st['as_of']))}; "
        f"FX {num(st['fx_krw_per_usd'])} KRW/USD.", "",
        "## Summary", "", *[f"- {markdown_inline(s)}" for s in summary_sentences(doc)], "",
        "## Korean premium per tokenizer", "", _md_table(main, _measure_cols()),
        f"## Cost of {st['requests_per_batch']:,} typical Korean requests", "",
        _md_table(cost_view(doc), _cost_cols(st["requests_per_batch"])),
    ]
    if doc["diagnostics"]:
        lines += ["## Korean diagnostics", "", _md_table(doc["diagnostics"], _diag_cols())]
    lines += ["## Signatures", "", *[f"- {markdown_code(r['signature_string'])}"
                                     for r in doc["measure"]
                                     if r["domain"] == "all"], ""]
    if doc["warnings"]:
        lines += ["## Warnings", "", *[f"- {markdown_inline(str(w))}" for w in doc["warnings"]],
                  ""]
    return "\n".join(lines)
