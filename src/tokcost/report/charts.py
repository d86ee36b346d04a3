"""Charts for the HTML report: Vega-Lite specs built with altair, rendered to static SVG.

Why altair + vl-convert: Vega-Lite is a declarative grammar whose spec is plain JSON (easy to test
and to keep beside the numbers), altair is its maintained Python binding, and vl-convert renders a
spec to SVG in-process with no browser and no network — so the report is one HTML file with inline
SVG that opens offline, prints, and has no scripts to fail. Axis labels are ASCII (tokenizer ids,
domain names, model ids and their label tags) so the layout does not depend on a CJK font; titles
and axis titles follow the report language, and so do won amounts (만/억 on a Korean page).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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


def ratio_chart(rows: Sequence[dict[str, Any]], claim_ratio: float = 4.47, words: Any = None) -> Any:
    """Korean/English token ratio per tokenizer with 95 % CI whiskers, coloured by training."""
    import altair as alt

    from tokcost.report.i18n import Words

    w = words or Words("en")

    data = [{"tokenizer": r["tokenizer"] + (f" (~{r['proxy_of']})" if r.get("proxy_of") else ""),
             "ratio": r["ratio"], "low": r["ratio_ci_low"],
             "high": r["ratio_ci_high"], "group": group(r["korean_trained"]),
             "label": f"{r['ratio']:.2f}"} for r in rows if r.get("ratio") is not None]
    order = [d["tokenizer"] for d in sorted(data, key=lambda d: d["ratio"])]
    top = max([claim_ratio * 1.05] + [d["high"] or d["ratio"] for d in data])
    base = alt.Chart(alt.Data(values=data))
    y = alt.Y("tokenizer:N", sort=order, title=None)
    color = alt.Color("group:N", title=w.t("c_group"),
                      scale=alt.Scale(domain=list(COLORS), range=list(COLORS.values())),
                      legend=alt.Legend(labelExpr=f"datum.label == '{KOREAN}' ? '{w.t('c_korean')}'"
                                        f" : '{w.t('c_global')}'"))
    xs = alt.Scale(domain=[0, top], nice=False)
    bars = base.mark_bar(height=12, opacity=0.85).encode(
        x=alt.X("ratio:Q", scale=xs, title=w.t("c_ratio_x")),
        y=y, color=color)
    whisk = base.mark_rule(color="black", strokeWidth=1.5).encode(x="low:Q", x2="high:Q", y=y)
    text = base.mark_text(align="left", dx=4, fontSize=10).encode(
        x="high:Q", y=y, text="label:N")
    refs = alt.Chart(alt.Data(values=[
        {"x": 1.0, "what": w.t("c_parity")},
        {"x": claim_ratio, "what": w.t("c_claim", r=f"{claim_ratio:g}")},
    ]))
    rules = refs.mark_rule(strokeDash=[4, 3], color="#555").encode(x="x:Q")
    rule_text = refs.mark_text(align="left", dx=3, dy=-4, fontSize=10, color="#555").encode(
        x="x:Q", y=alt.value(0), text="what:N")
    return (bars + whisk + text + rules + rule_text).properties(
        width=520, height=max(120, 22 * len(data)),
        title=w.t("c_ratio_title"))


def _decades(lo: float, hi: float) -> list[float]:
    """Powers of ten from below ``lo`` to above ``hi``: log-axis ticks that never collide."""
    import math

    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    return [10.0 ** k for k in range(a, b + 1)]


def cost_chart(rows: Sequence[dict[str, Any]], requests: int, currency: str = "USD",
               shortlist: Sequence[str] = (), words: Any = None) -> Any:
    """Cost of ``requests`` typical Korean requests per model in one currency (log scale): the
    shortlist big on top, the other models compact below. Each model's name carries its labels
    (proxy, presumed, low confidence, variant, self-hosted, retired)."""
    import altair as alt

    from tokcost.report.i18n import Words

    w = words or Words("en")
    data = [{"model": r["model"] + tags(r), "cost": r["cost_per_batch"],
             "english": r["en_cost_per_batch"], "group": group(bool(r.get("korean_trained"))),
             "label": w.money(r["cost_per_batch"], currency),
             "short": r["model"] in shortlist}
            for r in rows if r.get("cost_per_batch") and r["currency"] == currency]
    if not data:
        return alt.Chart(alt.Data(values=[])).mark_point()
    vals = [d["cost"] for d in data] + [d["english"] for d in data if d["english"]]
    ticks = _decades(min(vals), max(vals))
    sym = "₩" if currency == "KRW" else "$"
    label = f"'{sym}' + format(datum.value, ',~r')"
    if currency == "KRW" and w.lang == "ko":  # 만 and 억, as in the tables
        label = ("datum.value >= 1e8 ? format(datum.value / 1e8, ',~r') + '억 원' : "
                 "datum.value >= 1e4 ? format(datum.value / 1e4, ',~r') + '만 원' : "
                 "format(datum.value, ',~r') + '원'")
    axis = alt.Axis(values=ticks, labelExpr=label, grid=True, labelOverlap=True)
    scale = alt.Scale(type="log", domain=[ticks[0], ticks[-1]])
    color = alt.Color("group:N", title=w.t("c_group"),
                      scale=alt.Scale(domain=list(COLORS), range=list(COLORS.values())),
                      legend=alt.Legend(labelExpr=f"datum.label == '{KOREAN}' ? '{w.t('c_korean')}'"
                                        f" : '{w.t('c_global')}'"))

    def panel(sub: list[dict[str, Any]], big: bool, title: str) -> Any:
        order = [d["model"] for d in sorted(sub, key=lambda d: d["cost"])]
        base = alt.Chart(alt.Data(values=sub))
        # no label limit: a model's name carries its labels, and a cut name would lose them
        y = alt.Y("model:N", sort=order, title=None,
                  axis=alt.Axis(labelFontSize=12 if big else 9, labelLimit=0))
        x = alt.X("cost:Q", scale=scale, axis=axis,
                  title=w.t("c_cost_x", cur=currency, n=f"{requests:,}"))
        link = base.mark_rule(color="#999").encode(x=x, x2="english:Q", y=y)
        eng = base.mark_point(shape="circle", filled=False, color="#333", strokeWidth=1.5,
                              size=80 if big else 25).encode(x="english:Q", y=y)
        dots = base.mark_circle(size=110 if big else 30, opacity=0.95).encode(x=x, y=y, color=color)
        layers = link + eng + dots
        if big:
            layers += base.mark_text(align="left", dx=9, fontSize=11).encode(
                x="cost:Q", y=y, text="label:N")
        step = 26 if big else 11
        return layers.properties(width=460, height=max(40, step * len(sub)), title=title)

    short = [d for d in data if d["short"]]
    tail = [d for d in data if not d["short"]]
    panels = ([panel(short, True, w.t("c_cost_short"))] if short else []) + \
             ([panel(tail, not short, w.t("c_cost_tail") if short else "")] if tail else [])
    chart = alt.vconcat(*panels).resolve_scale(x="shared") if len(panels) > 1 else panels[0]
    return chart.properties(title=w.t("c_cost_title", n=f"{requests:,}", cur=currency))


def tags(r: dict[str, Any]) -> str:
    """A model's labels as a short ASCII suffix for chart axes: `` [proxy, low-conf price, off-peak]``."""
    out = []
    match = r.get("tokenizer_match")
    if match in ("presumed", "proxy", "vendor-api"):
        out.append(match)
    conf = r.get("price_confidence")
    if conf in ("low", "medium"):
        out.append(f"{conf}-conf price")
    variant = r.get("price_variant")
    if variant and variant != "standard":
        out.append(variant)
    if r.get("assumption") == "self-hosted" or r.get("kind") == "self-hosted":
        out.append("self-hosted, assumed")
    if r.get("retired"):
        out.append("retired")
    return f" [{', '.join(out)}]" if out else ""


def heatmap(rows: Sequence[dict[str, Any]], words: Any = None) -> Any:
    """Korean/English ratio per tokenizer × domain."""
    import altair as alt

    from tokcost.report.i18n import Words

    w = words or Words("en")

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
        "ratio:Q", title=w.t("c_heat_legend"),
        scale=alt.Scale(type="log", scheme="redblue", reverse=True, domainMid=1)))
    text = base.mark_text(fontSize=9).encode(
        text="label:N",
        color=alt.condition((alt.datum.ratio > 2.5) | (alt.datum.ratio < 0.6), alt.value("white"),
                            alt.value("black")))
    return (cells + text).properties(width=520, height=max(120, 22 * len(order)),
                                     title=w.t("c_heat_title"))


def distribution_chart(rows: Sequence[dict[str, Any]], words: Any = None) -> Any:
    """Tokens per sentence, Korean vs English, per tokenizer: p10–p90 bar, median tick, mean dot."""
    import altair as alt

    from tokcost.report.i18n import Words

    w = words or Words("en")

    data = []
    for r in rows:
        if r["domain"] != "all":
            continue
        for side, lang in (("ko", w.t("c_ko")), ("en", w.t("c_en"))):
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
    langs = [w.t("c_ko"), w.t("c_en")]
    yo = alt.YOffset("language:N", sort=langs)
    color = alt.Color("language:N", sort=langs, title=w.t("c_lang"),
                      scale=alt.Scale(range=["#c0392b", "#7f8c8d"]))
    rng = base.mark_bar(height=7, opacity=0.45).encode(
        x=alt.X("p10:Q", title=w.t("c_dist_x")),
        x2="p90:Q", y=y, yOffset=yo, color=color)
    med = base.mark_tick(thickness=2, size=9).encode(x="median:Q", y=y, yOffset=yo, color=color)
    mean = base.mark_point(filled=True, size=20).encode(x="mean:Q", y=y, yOffset=yo, color=color)
    return (rng + med + mean).properties(width=520, height=max(140, 28 * len(order)),
                                         title=w.t("c_dist_title"))


