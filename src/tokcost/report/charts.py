"""Charts for the HTML report: Vega-Lite specs built with altair, rendered to static SVG.

Why altair + vl-convert: Vega-Lite is a declarative grammar whose spec is plain JSON (easy to test
and to keep beside the numbers), altair is its maintained Python binding, and vl-convert renders a
spec to SVG in-process with no browser and no network — so the report is one HTML file with inline
SVG that opens offline, prints, and has no scripts to fail. Chart labels are ASCII (tokenizer ids,
domain names, model ids) so the SVG's text layout never depends on an installed CJK font.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tokcost.render import money

KOREAN = "Korean-trained"
GLOBAL = "English-centric / global"
COLORS = {KOREAN: "#c0392b", GLOBAL: "#2e6da4"}
FONT = "Helvetica, Arial, sans-serif"


def available() -> bool:
    try:
        import altair  # noqa: F401
        import vl_convert  # noqa: F401
    except ImportError:
        return False
    return True


def _config(chart: Any) -> Any:
    return (chart.configure(font=FONT, background="white")
            .configure_view(stroke=None)
            .configure_axis(labelFontSize=11, titleFontSize=12, labelLimit=260)
            .configure_legend(orient="top", labelFontSize=11, titleFontSize=11))


def to_svg(chart: Any) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(_config(chart).to_dict())


def group(korean_trained: bool) -> str:
    return KOREAN if korean_trained else GLOBAL


def ratio_chart(rows: Sequence[dict[str, Any]], claim_ratio: float = 4.47) -> Any:
    """Korean/English token ratio per tokenizer with 95 % CI whiskers, coloured by training."""
    import altair as alt

    data = [{"tokenizer": r["tokenizer"] + (f" (~{r['proxy_of']})" if r.get("proxy_of") else ""),
             "ratio": r["ratio"], "low": r["ratio_ci_low"],
             "high": r["ratio_ci_high"], "group": group(r["korean_trained"]),
             "label": f"{r['ratio']:.2f}"} for r in rows if r.get("ratio") is not None]
    order = [d["tokenizer"] for d in sorted(data, key=lambda d: d["ratio"])]
    top = max([claim_ratio * 1.05] + [d["high"] or d["ratio"] for d in data])
    base = alt.Chart(alt.Data(values=data))
    y = alt.Y("tokenizer:N", sort=order, title=None)
    color = alt.Color("group:N", title="tokenizer",
                      scale=alt.Scale(domain=list(COLORS), range=list(COLORS.values())))
    xs = alt.Scale(domain=[0, top], nice=False)
    bars = base.mark_bar(height=12, opacity=0.85).encode(
        x=alt.X("ratio:Q", scale=xs, title="Korean tokens / English tokens (same content)"),
        y=y, color=color)
    whisk = base.mark_rule(color="black", strokeWidth=1.5).encode(x="low:Q", x2="high:Q", y=y)
    text = base.mark_text(align="left", dx=4, fontSize=10).encode(
        x="high:Q", y=y, text="label:N")
    refs = alt.Chart(alt.Data(values=[
        {"x": 1.0, "what": "parity (1.0)"},
        {"x": claim_ratio, "what": f'"347 % more" claim ({claim_ratio:g})'},
    ]))
    rules = refs.mark_rule(strokeDash=[4, 3], color="#555").encode(x="x:Q")
    rule_text = refs.mark_text(align="left", dx=3, dy=-4, fontSize=10, color="#555").encode(
        x="x:Q", y=alt.value(0), text="what:N")
    return (bars + whisk + text + rules + rule_text).properties(
        width=520, height=max(120, 22 * len(data)),
        title="Korean premium per tokenizer (95 % bootstrap CI)")


def cost_chart(rows: Sequence[dict[str, Any]], requests: int) -> Any:
    """Cost of ``requests`` typical Korean requests per model, in USD and KRW (log scale)."""
    import altair as alt

    data = [{"model": r["model"], "currency": r["currency"], "cost": r["cost_per_batch"],
             "english": r["en_cost_per_batch"], "group": group(bool(r.get("korean_trained"))),
             "label": money(r["cost_per_batch"], r["currency"]) or ""}
            for r in rows if r.get("cost_per_batch")]
    usd = sorted((d for d in data if d["currency"] == "USD"), key=lambda d: d["cost"])
    order = [d["model"] for d in usd]
    charts = []
    for cur in ("USD", "KRW"):
        sub = [d for d in data if d["currency"] == cur]
        base = alt.Chart(alt.Data(values=sub))
        y = alt.Y("model:N", sort=order, title=None)
        x = alt.X("cost:Q", scale=alt.Scale(type="log"),
                  title=f"{cur} per {requests:,} Korean requests (log scale)")
        link = base.mark_rule(color="#999").encode(x=x, x2="english:Q", y=y)
        dots = base.mark_circle(size=60, opacity=0.9).encode(
            x=x, y=y, color=alt.Color("group:N", title="model's tokenizer",
                                      scale=alt.Scale(domain=list(COLORS),
                                                      range=list(COLORS.values()))))
        eng = base.mark_tick(color="black", thickness=2, size=12).encode(x="english:Q", y=y)
        text = base.mark_text(align="left", dx=7, fontSize=9).encode(x="cost:Q", y=y, text="label:N")
        layers = link + eng + dots + text
        charts.append(layers.properties(width=300, height=max(120, 16 * len(order)),
                                                       title=cur))
    return alt.hconcat(*charts).properties(
        title=f"Cost of {requests:,} typical Korean requests (dot = Korean, tick = same content in English)")


def heatmap(rows: Sequence[dict[str, Any]]) -> Any:
    """Korean/English ratio per tokenizer × domain."""
    import altair as alt

    data = [{"tokenizer": r["tokenizer"], "domain": r["domain"], "ratio": r["ratio"],
             "label": f"{r['ratio']:.2f}"}
            for r in rows if r["domain"] != "all" and r.get("ratio") is not None]
    order = [r["tokenizer"] for r in sorted(
        (r for r in rows if r["domain"] == "all" and r.get("ratio") is not None),
        key=lambda r: r["ratio"])]
    base = alt.Chart(alt.Data(values=data)).encode(
        x=alt.X("domain:N", title=None, axis=alt.Axis(labelAngle=-30)),
        y=alt.Y("tokenizer:N", sort=order, title=None))
    # Diverging around parity on a log scale: blue where Korean needs fewer tokens than English,
    # red where it needs more; 0.8 and 1.25 are equally far from 1.
    cells = base.mark_rect().encode(color=alt.Color(
        "ratio:Q", title="ko/en ratio",
        scale=alt.Scale(type="log", scheme="redblue", reverse=True, domainMid=1)))
    text = base.mark_text(fontSize=9).encode(
        text="label:N",
        color=alt.condition((alt.datum.ratio > 2.5) | (alt.datum.ratio < 0.6), alt.value("white"),
                            alt.value("black")))
    return (cells + text).properties(width=520, height=max(120, 22 * len(order)),
                                     title="Korean/English ratio by domain")


def distribution_chart(rows: Sequence[dict[str, Any]]) -> Any:
    """Tokens per sentence, Korean vs English, per tokenizer: p10–p90 bar, median tick, mean dot."""
    import altair as alt

    data = []
    for r in rows:
        if r["domain"] != "all":
            continue
        for side, lang in (("ko", "Korean"), ("en", "English")):
            if r.get(f"{side}_tokens_per_sentence_mean") is None:
                continue
            data.append({
                "tokenizer": r["tokenizer"], "language": lang,
                "p10": r[f"{side}_tokens_per_sentence_p10"],
                "median": r[f"{side}_tokens_per_sentence_median"],
                "p90": r[f"{side}_tokens_per_sentence_p90"],
                "mean": r[f"{side}_tokens_per_sentence_mean"],
            })
    order = [r["tokenizer"] for r in sorted(
        (r for r in rows if r["domain"] == "all" and r.get("ratio") is not None),
        key=lambda r: r["ratio"])]
    base = alt.Chart(alt.Data(values=data))
    y = alt.Y("tokenizer:N", sort=order, title=None)
    yo = alt.YOffset("language:N", sort=["Korean", "English"])
    color = alt.Color("language:N", sort=["Korean", "English"],
                      scale=alt.Scale(range=["#c0392b", "#7f8c8d"]))
    rng = base.mark_bar(height=7, opacity=0.45).encode(
        x=alt.X("p10:Q", title="tokens per sentence (bar p10–p90, tick median, dot mean)"),
        x2="p90:Q", y=y, yOffset=yo, color=color)
    med = base.mark_tick(thickness=2, size=9).encode(x="median:Q", y=y, yOffset=yo, color=color)
    mean = base.mark_point(filled=True, size=20).encode(x="mean:Q", y=y, yOffset=yo, color=color)
    return (rng + med + mean).properties(width=520, height=max(140, 28 * len(order)),
                                         title="Distribution of tokens per sentence")


