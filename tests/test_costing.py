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
    rows = budget_rows(BudgetInput(1000, 30, 2000, 500), ["gpt-4o", "gpt-4.1-mini"],
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
