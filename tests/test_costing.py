"""Cost and budget, recomputed independently from the price table and real token counts."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, date

import pytest
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.costing import BudgetInput, CostOptions, Workload, budget_rows, cost_rows
from tokcost.paths import data_dir
from tokcost.tokenizers import load_tokenizer

runner = CliRunner()
AS_OF = date(2026, 11, 1)



def _budget(inp, models, opts):
    """A budget as the CLI and library make it: measure the corpus, then price it."""
    from tokcost.api import budget

    return budget(inp.requests_per_day, models=models, days=inp.days, input_chars=inp.input_chars,
                  output_chars=inp.output_chars, corpus=inp.corpus, options=opts)

def _table_price(provider: str, model: str, as_of: date) -> dict:
    """The price per 1M tokens as genai-prices itself computes it (its public calc_price)."""
    from datetime import datetime

    from genai_prices import Usage, calc_price

    ts = datetime(as_of.year, as_of.month, as_of.day, 12, tzinfo=UTC)

    def one(**kw) -> float:
        return float(calc_price(Usage(**kw), model, provider_id=provider,
                                genai_request_timestamp=ts).total_price)

    return {"input": one(input_tokens=1_000_000), "output": one(output_tokens=1_000_000),
            "cached_input": one(input_tokens=1_000_000, cache_read_tokens=1_000_000)}


def _fx() -> float:
    doc = tomllib.loads((data_dir() / "pricing" / "fx.toml").read_text(encoding="utf-8"))
    return next(r["krw_per_usd"] for r in doc["rate"] if r.get("default"))


def test_cost_usd_and_krw_recomputed(mirror):
    ko = ["안녕하세요. 주문한 상품의 배송 상태를 알려 주세요.", "환불 규정도 함께 알려 주세요."]
    en = ["Hello. Please tell me the delivery status of my order.",
          "Please also tell me the refund policy."]
    tok = load_tokenizer("o200k_base")
    ko_in, en_in = sum(tok.count(ko)), sum(tok.count(en))
    price = _table_price("openai", "gpt-4o", AS_OF)
    out_en = 200
    out_ko = round(out_en * ko_in / en_in)
    expect_ko = (ko_in * price["input"] + out_ko * price["output"]) / 1e6
    expect_en = (en_in * price["input"] + out_en * price["output"]) / 1e6
    [usd] = cost_rows(Workload("t", ko, en), ["gpt-4o"],
                      CostOptions(as_of=AS_OF, output_tokens=out_en))
    assert usd["input_tokens"] == ko_in and usd["output_tokens"] == out_ko
    assert usd["cost"] == pytest.approx(expect_ko)
    assert usd["en_cost"] == pytest.approx(expect_en)
    assert usd["premium_pct"] == pytest.approx((expect_ko / expect_en - 1) * 100)
    [krw] = cost_rows(Workload("t", ko, en), ["gpt-4o"],
                      CostOptions(as_of=AS_OF, output_tokens=out_en, currency="KRW"))
    assert krw["cost"] == pytest.approx(expect_ko * _fx())
    [fx] = cost_rows(Workload("t", ko, en), ["gpt-4o"],
                     CostOptions(as_of=AS_OF, output_tokens=out_en, currency="KRW", fx=1000))
    assert fx["cost"] == pytest.approx(expect_ko * 1000)


def test_cache_share_uses_cached_price(mirror):
    ko = ["캐시된 시스템 프롬프트가 길어요. " * 20]
    tok = load_tokenizer("o200k_base")
    n = tok.count(ko)[0]
    price = _table_price("openai", "gpt-4.1", AS_OF)
    [row] = cost_rows(Workload("t", ko, None), ["gpt-4.1"],
                      CostOptions(as_of=AS_OF, output_tokens=0, cache_share=0.5))
    cached = round(n * 0.5)
    assert row["cost"] == pytest.approx(((n - cached) * price["input"]
                                         + cached * price["cached_input"]) / 1e6)


def test_krw_priced_model_converted_to_usd():
    doc = tomllib.loads((data_dir() / "pricing" / "naver.toml").read_text(encoding="utf-8"))
    assert any(p["currency"] == "KRW" for m in doc["model"] for p in m["price"])
    [row] = cost_rows(Workload("t", ["안녕하세요"], None), ["HCX-007"],
                      CostOptions(as_of=AS_OF, output_tokens=10))
    # HyperCLOVA X API publishes no tokenizer: priced, but never counted with another one
    assert row["cost"] is None and "no public tokenizer" in row["status"]
    assert row["tokenizer_match"] == "none"


def test_unpublished_and_unpriced_are_never_zero(mirror):
    rows = cost_rows(Workload("t", ["안녕"], ["hi"]), ["claude-sonnet-4-6", "HCX-007",
                                                       "grok-4.5"],
                     CostOptions(as_of=date(2010, 1, 1), output_tokens=10))
    by = {r["model"]: r for r in rows}
    assert by["claude-sonnet-4-6"]["cost"] is None
    assert by["grok-4.5"]["cost"] is None and by["grok-4.5"]["tokenizer_match"] == "none"
    assert by["HCX-007"]["cost"] is None


def test_budget_range_and_order(mirror):
    rows = _budget(BudgetInput(1000, 30, 2000, 500), ["gpt-4o", "gpt-4.1-mini"],
                       CostOptions(as_of=AS_OF))
    assert [r["model"] for r in rows] == ["gpt-4.1-mini", "gpt-4o"]  # cheapest first
    for r in rows:
        assert r["monthly_low"] <= r["monthly_cost"] <= r["monthly_high"]
        assert r["premium_pct"] == pytest.approx((r["ratio"] - 1) * 100, abs=0.5)
    gpt4o = rows[1]
    price = _table_price("openai", "gpt-4o", AS_OF)
    per_req = (gpt4o["input_tokens"] * price["input"] + gpt4o["output_tokens"] * price["output"]) / 1e6
    assert gpt4o["monthly_cost"] == pytest.approx(per_req * 30_000)


def test_cost_cli_json(mirror):
    r = runner.invoke(app, ["cost", "-m", "gpt-4o", "-m", "claude-haiku-4-5", "--currency", "KRW",
                            "--as-of", "2026-11-01", "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["schema"] == "tokcost/cost/1"
    for row in doc["rows"]:
        for key in ("model", "tokenizer", "currency", "input_tokens", "output_tokens", "cost",
                    "price_source", "price_date"):
            assert key in row
    r = runner.invoke(app, ["budget", "--requests-per-day", "10", "-m", "nope-model"])
    assert r.exit_code == 2 and "nope-model" in r.stderr


def test_retired_model_is_flagged(mirror):
    [row] = cost_rows(Workload("t", ["안녕"], ["hi"]), ["deepseek-chat"],
                      CostOptions(as_of=AS_OF, output_tokens=10))
    assert row["deprecated"] == "2026-07-24" and row["status"].startswith("retired")


def test_effective_context_and_measured_reuse(mirror):
    """Context in Korean characters and English words from the measured rates; budget reuses
    given measure rows instead of measuring again."""
    from tokcost.measurement import run_measure

    st = run_measure(["samples"], ["o200k_base"]).rows[0]
    opts = CostOptions(as_of=date(2026, 11, 1))
    rows = budget_rows(BudgetInput(1000), ["gpt-4o"], opts, measured={"o200k_base": st})
    r = rows[0]
    assert r["context_chars_ko"] == round(128_000 * st["ko_chars_per_token"])
    assert r["context_words_en"] == round(128_000 / st["en_fertility"])
    assert r["context_chars_ko"] > r["context_words_en"]
    # a doctored measure row is used as given: proof that nothing was measured again
    fake = {**st, "ko_chars_per_token": 2.0, "en_fertility": 2.0}
    r2 = budget_rows(BudgetInput(1000), ["gpt-4o"], opts, measured={"o200k_base": fake})[0]
    assert (r2["context_chars_ko"], r2["context_words_en"]) == (256_000, 64_000)
    assert r2["input_tokens"] == 1000  # 2,000 characters at 2 characters per token


# --------------------------------------------------------------------------- issue #14 findings
DEC = date(2026, 12, 1)


def test_deepseek_off_peak_window_named_and_peak_share_blend(mirror):
    """Finding 2: V4 output is 0.60 / 1.98 off-peak (peak 2x); the window is named, budget blends."""
    [row] = cost_rows(Workload("t", ["안녕하세요"], None), ["deepseek-v4-flash"],
                      CostOptions(as_of=DEC, output_tokens=0))
    assert row["price_variant"] == "off-peak"
    assert row["price_window"] == "outside 01:00-04:00 UTC, 06:00-10:00 UTC"
    assert row["tokenizer_match"] == "presumed"
    [peak] = cost_rows(Workload("t", ["안녕하세요"], None), ["deepseek-v4-flash"],
                       CostOptions(as_of=DEC, output_tokens=0, variant="peak"))
    assert peak["price_window"] == "01:00-04:00 UTC, 06:00-10:00 UTC"
    assert peak["cost"] == pytest.approx(2 * row["cost"])
    rows = {s: _budget(BudgetInput(1000, 30, 2000, 500), ["deepseek-v4-pro"],
                           CostOptions(as_of=DEC, peak_share=s))[0] for s in (0.0, 0.5, 1.0)}
    assert rows[0.5]["price_variant"] == "blended" and rows[0.5]["peak_share"] == 0.5
    assert rows[1.0]["monthly_cost"] == pytest.approx(2 * rows[0.0]["monthly_cost"])
    assert rows[0.5]["monthly_cost"] == pytest.approx(1.5 * rows[0.0]["monthly_cost"])
    r = rows[0.0]
    expect = (r["input_tokens"] * 0.66 + r["output_tokens"] * 1.98) / 1e6 * 30_000
    assert r["monthly_cost"] == pytest.approx(expect, rel=2e-3)
    with pytest.raises(Exception, match="peak-share"):
        _budget(BudgetInput(1), ["deepseek-v4-pro"], CostOptions(as_of=DEC, peak_share=2))


def test_fx_follows_as_of_and_rows_carry_fx_labels(mirror):
    """Finding 6: --as-of picks the FX rate of its date (1,422.16 in early January 2026)."""
    jan = date(2026, 1, 5)
    [r] = cost_rows(Workload("t", ["안녕하세요"], None), ["gpt-4o"],
                    CostOptions(as_of=jan, output_tokens=10, currency="KRW"))
    assert r["fx_rate"] == 1422.16 and r["fx_date"] == "2025-12-31" and r["fx_age_days"] == 5
    [u] = cost_rows(Workload("t", ["안녕하세요"], None), ["gpt-4o"],
                    CostOptions(as_of=jan, output_tokens=10))
    assert r["cost"] == pytest.approx(u["cost"] * 1422.16)
    for key in ("price_date", "price_age_days", "price_confidence", "price_variant", "retired",
                "price_source", "fx_rate", "fx_date", "fx_age_days", "fx_source",
                "tokenizer_match"):
        assert key in r


def test_staleness_warnings_reach_rows_and_results(mirror):
    """Finding 5: stale FX / prices are warnings on the rows, in results.json and report.md."""
    from tokcost.report.collect import _money_warnings

    rows = _budget(BudgetInput(1000), ["gpt-4o", "HCX-007"],
                       CostOptions(as_of=DEC, currency="KRW", max_price_age_days=180))
    by = {r["model"]: r for r in rows}
    assert any("FX 1,440.60 KRW/USD dated 2026-01-26 is 309 days old" in w
               for w in by["gpt-4o"]["warnings"])
    assert any("HCX-007: price dated 2026-01-01" in w for w in by["HCX-007"]["warnings"])
    assert by["HCX-007"]["price_stale"] and by["gpt-4o"]["fx_stale"]
    assert not by["gpt-4o"]["price_stale"] and not by["HCX-007"]["fx_stale"]  # KRW-listed
    warns = _money_warnings(rows)
    assert len(warns) == len(set(warns)) and any("309 days" in w for w in warns)
    usd = _budget(BudgetInput(1000), ["gpt-4o"], CostOptions(as_of=DEC))[0]
    assert not usd["warnings"]  # USD price, USD result: no FX used, nothing stale


def test_tiers_chosen_per_request_then_summed(mirror):
    """Finding 7: one 405k-token request + one small one on gpt-5.4: each on its own tier."""
    from datetime import datetime

    from genai_prices import Usage, calc_price

    tok = load_tokenizer("o200k_base")
    big = " ".join(f"{i * 7919 % 100_000}" for i in range(135_000))  # ~405k tokens
    n_big = tok.count([big])[0]
    assert n_big > 272_000
    small = "안녕하세요"
    n_small = tok.count([small])[0]
    wl = Workload("t", [big, small], None, 2, requests=[([big], None), ([small], None)])
    [row] = cost_rows(wl, ["gpt-5.4"], CostOptions(as_of=DEC, output_tokens=0))
    ts = datetime(2026, 12, 1, 12)
    expect = sum(float(calc_price(Usage(input_tokens=n), "gpt-5.4", provider_id="openai",
                                  genai_request_timestamp=ts).total_price)
                 for n in (n_big, n_small)) / 2
    assert row["cost"] == pytest.approx(expect)
    assert row["tiers_used"] == [272_000]
    mean_tier = (n_big + n_small) / 2 * 2.5 / 1e6  # what the average request would have said
    assert row["cost"] > 1.9 * mean_tier


def test_labels_in_every_cli_format(mirror):
    """Presumed / proxy mappings are visible in table, Markdown, CSV and JSON."""
    args = ["budget", "--requests-per-day", "10", "--as-of", "2026-12-01", "-m", "gpt-5.4",
            "-m", "gemini-2.5-flash", "-m", "grok-4.5"]
    md = runner.invoke(app, [*args, "-f", "markdown"])
    assert md.exit_code == 0, md.output
    assert "o200k_base (presumed)" in md.stdout and "gemini (proxy: gemma-3)" in md.stdout
    assert "(none)" in md.stdout
    table = runner.invoke(app, [*args], env={"COLUMNS": "400"})
    assert "presumed" in table.stdout and "proxy" in table.stdout
    csv_out = runner.invoke(app, [*args, "-f", "csv"]).stdout
    assert "tokenizer_match" in csv_out.splitlines()[0] and "presumed" in csv_out
    doc = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    by = {r["model"]: r for r in doc["rows"]}
    assert by["gpt-5.4"]["tokenizer_match"] == "presumed"
    assert by["grok-4.5"]["monthly_cost"] is None  # never costed with an unrelated tokenizer


def test_cost_cli_request_file_prices_each_request_on_its_tier(mirror, tmp_path):
    """The issue's example: `tokcost cost --request FILE -m gpt-5.4` with a 405k-token request
    and a small one reports the mean of the two requests' costs (about $1.03), not $0.52."""
    big = " ".join(f"{i * 7919 % 100_000}" for i in range(135_000))
    f = tmp_path / "req.jsonl"
    lines = [{"id": "big", "title": "big", "ko": [{"role": "user", "content": big}]},
             {"id": "small", "title": "small", "ko": [{"role": "user", "content": "안녕하세요"}]}]
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                 encoding="utf-8")
    r = runner.invoke(app, ["cost", "--request", str(f), "-m", "gpt-5.4", "--output-tokens", "0",
                            "--as-of", "2026-12-01", "-f", "json"])
    assert r.exit_code == 0, r.output
    [row] = json.loads(r.stdout)["rows"]
    assert row["tiers_used"] == [272_000]
    assert 1.0 < row["cost"] < 1.06
    # the same through the Python API and with the two texts as a corpus (one request a pair)
    from tokcost.api import cost

    [api_row] = cost(["gpt-5.4"], requests=f, as_of=DEC,
                     options=CostOptions(output_tokens=0))
    assert api_row["tiers_used"] == [272_000]
    assert api_row["cost"] == pytest.approx(row["cost"])
    mono = tmp_path / "texts.txt"
    mono.write_text("\n".join(x["ko"][0]["content"] for x in lines) + "\n", encoding="utf-8")
    c = runner.invoke(app, ["cost", "--corpus", f"mono:{mono}", "-m", "gpt-5.4",
                            "--output-tokens", "0", "--as-of", "2026-12-01", "-f", "json"])
    assert c.exit_code == 0, c.output
    [corpus_row] = json.loads(c.stdout)["rows"]
    assert corpus_row["tiers_used"] == [272_000]
    # a corpus pair is not a conversation: the same texts without the 3 + 3 framing tokens of
    # each one-message request (OpenAI's per-message overhead, docs/pricing.md)
    assert row["framing_tokens"] == 6 and "chat_framing" not in corpus_row
    assert corpus_row["input_tokens"] == row["input_tokens"] - 6
    assert corpus_row["cost"] < row["cost"]
    assert corpus_row["cost"] == pytest.approx(row["cost"], rel=1e-4)


def test_check_as_of_reaches_prices_and_fx(mirror):
    """`tokcost check --as-of`: the fresh measurement is costed with that day's prices and FX."""
    from tokcost.gate.collect import FreshSettings, collect_fresh

    doc = collect_fresh(FreshSettings(tokenizers=["o200k_base"], models=["gpt-4o"],
                                      as_of=date(2026, 1, 5)))
    assert doc["settings"]["as_of"] == "2026-01-05"
    krw = [r for r in doc["cost"] if r["currency"] == "KRW"]
    assert krw and all(r["fx_rate"] == 1422.16 for r in krw)
    assert not any("FX" in w for w in doc["warnings"])  # 5 days old: not stale


def test_effective_context_uses_the_input_limit_not_the_total_window(mirror):
    """Finding 4: gpt-5's effective context is its 272k input limit, not the 400k total window
    (the old figure was 47 % high); gpt-4o, without a separate input limit, keeps its window."""
    from tokcost.measurement import run_measure

    st = run_measure(["samples"], ["o200k_base"]).rows[0]
    rows = {r["model"]: r for r in budget_rows(BudgetInput(1000), ["gpt-5", "gpt-4o"],
                                               CostOptions(as_of=DEC),
                                               measured={"o200k_base": st})}
    g5 = rows["gpt-5"]
    assert (g5["context_window"], g5["input_limit"], g5["effective_input_limit"]) == \
        (400_000, 272_000, 272_000)
    assert g5["context_chars_ko"] == round(272_000 * st["ko_chars_per_token"])
    assert g5["context_words_en"] == round(272_000 / st["en_fertility"])
    assert rows["gpt-4o"]["context_chars_ko"] == round(128_000 * st["ko_chars_per_token"])


def test_budget_and_report_cli_as_of_picks_the_fx_of_that_date(mirror, tmp_path):
    """Finding 6 through the commands: `budget` and `report` with --as-of 2026-01-05 convert at
    1,422.16 (the rate dated 2025-12-31), not the default 1,440.60."""
    args = ["budget", "--requests-per-day", "100", "-m", "gpt-4o", "--as-of", "2026-01-05",
            "-f", "json"]
    usd = json.loads(runner.invoke(app, args).stdout)["rows"][0]
    krw_run = runner.invoke(app, [*args, "--currency", "KRW"])
    assert krw_run.exit_code == 0, krw_run.output
    krw = json.loads(krw_run.stdout)["rows"][0]
    assert (krw["fx_rate"], krw["fx_date"], krw["fx_age_days"]) == (1422.16, "2025-12-31", 5)
    assert krw["monthly_cost"] == pytest.approx(usd["monthly_cost"] * 1422.16)
    out = tmp_path / "rep"
    rep = runner.invoke(app, ["report", "--out", str(out), "-t", "o200k_base", "-m", "gpt-4o",
                              "--as-of", "2026-01-05", "--no-diagnostics"])
    assert rep.exit_code == 0, rep.output
    doc = json.loads((out / "results.json").read_text("utf-8"))
    assert doc["settings"]["fx_krw_per_usd"] == 1422.16
    assert {r["fx_rate"] for r in doc["cost"] + doc["budget"]} == {1422.16}


def test_readme_money_example_is_what_the_command_prints(mirror, monkeypatch):
    """Finding 2's README figure (₩129,179 where the data said ₩184,562): the README's budget
    command, run as written, prints the README's table and warnings (re-run it and paste the
    output when prices, tokenizers or the layout change)."""
    import re
    import shlex
    from datetime import date as real_date
    from pathlib import Path

    from tokcost.cli.app import app as cli
    from tokcost.pricing import maintained

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    money = readme[readme.index("## Money"):]
    m = re.search(r"```sh\n(tokcost budget .*?)\n```\n\n((?:\*\*.*\*\*\n\n)?(?:\|.*\n)+)\n"
                  r"```text\n(.*?)```", money, re.S)
    assert m, "the README's Money section lost its command, table or warnings"
    argv = shlex.split(m.group(1).replace("\\\n", " "))[1:]

    class Today(real_date):  # the data's date (newest start date not after "today") is pinned
        @classmethod
        def today(cls):
            return real_date(2026, 12, 4)

    monkeypatch.setattr(maintained, "date", Today)
    maintained.load_genai_prices.cache_clear()
    try:
        r = runner.invoke(cli, argv, env={"COLUMNS": "400"})
    finally:
        maintained.load_genai_prices.cache_clear()
    assert r.exit_code == 0, r.output
    assert [x for x in r.stdout.splitlines() if x.strip()] == \
        [x for x in m.group(2).splitlines() if x.strip()]
    assert r.stderr.splitlines() == m.group(3).splitlines()
