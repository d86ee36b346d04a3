"""Typed records between the stages (issue #15): cost and budget records refuse unknown keys where
they leave costing, the report's own per-batch fields live on its own records, the published JSON
Schemas name every field a real row carries, and the stages hand each other records whose JSON
form is exactly what the commands have always written (keys and their order)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pydantic
import pytest

DEC = date(2026, 12, 1)
SCHEMAS = Path(__file__).resolve().parents[1] / "docs" / "schemas"


def _schema_fields(name: str) -> tuple[set[str], object]:
    doc = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return set(doc["properties"]), doc.get("additionalProperties")


@pytest.fixture
def measured(mirror):
    """The shipped samples measured on o200k_base: the typed rows costing reads."""
    from tokcost.measurement import run_measure

    return run_measure(["samples"], ["o200k_base"])


def test_measure_records_are_the_rows_as_written(measured):
    """records() and back gives the JSON rows exactly, keys in their order (what the cache and
    `tokcost measure -f json` hold), and it validates once."""
    recs = measured.records()
    assert recs is measured.records()
    assert [r.as_row() for r in recs] == measured.rows
    assert [list(r.as_row()) for r in recs] == [list(r) for r in measured.rows]
    assert recs[0].ko_chars_per_token and recs[0].ko_chars_per_token > 1


def test_cost_records_are_typed_and_their_json_form_is_the_cost_rows(measured):
    from tokcost.costing import CostOptions, Workload, cost_records, cost_rows
    from tokcost.schema.pricing import CostRecord

    wl = Workload("t", ["환불 규정을 알려 주세요"], None)  # no English: the measured ratio sizes the answer
    opts = CostOptions(as_of=DEC, output_tokens=500)
    by_tok = {r.tokenizer: r for r in measured.records()}
    recs = cost_records(wl, ["gpt-4o", "claude-sonnet-4-6"], opts, measured=by_tok)
    assert all(isinstance(r, CostRecord) for r in recs)
    gpt = next(r for r in recs if r.model == "gpt-4o")
    assert gpt.output_premium == pytest.approx(by_tok["o200k_base"].ratio)
    assert gpt.output_tokens == round(500 * by_tok["o200k_base"].ratio)
    assert gpt.context_chars_ko == round(128_000 * by_tok["o200k_base"].ko_chars_per_token)
    # the JSON form (a row in `-f json`) is the record's, keys in the order costing made them
    # a JSON-form measure row (as `tokcost measure -f json` writes it) is read into a record
    rows = cost_rows(wl, ["gpt-4o", "claude-sonnet-4-6"], opts,
                     measured={"o200k_base": measured.rows[0]})
    assert rows == [r.as_row() for r in recs]
    assert list(rows[0])[:3] == ["model", "provider", "name"]
    assert "cost_per_batch" not in rows[0]  # the report's field is not a cost row's


def test_budget_records_read_the_measure_records(measured):
    from tokcost.costing import BudgetInput, CostOptions, budget_records, budget_rows
    from tokcost.schema.pricing import BudgetRecord

    st = measured.records()[0]
    [rec] = budget_records(BudgetInput(1000), ["gpt-4o"], CostOptions(as_of=DEC),
                           measured={"o200k_base": st})
    assert isinstance(rec, BudgetRecord)
    assert (rec.ratio, rec.ratio_ci_low, rec.ratio_ci_high) == (
        st.ratio, st.ratio_ci_low, st.ratio_ci_high)
    assert rec.input_tokens == round(2000 / st.ko_chars_per_token)
    assert rec.monthly_low is not None and rec.monthly_low < rec.monthly_cost < rec.monthly_high
    [row] = budget_rows(BudgetInput(1000), ["gpt-4o"], CostOptions(as_of=DEC),
                        measured={"o200k_base": st})
    assert row == rec.as_row() and row["price_date"] == rec.price_date.isoformat()


@pytest.mark.parametrize("where", ["cost", "budget"])
def test_an_unknown_key_fails_where_the_row_leaves_costing(measured, monkeypatch, where):
    """A misspelt label is refused by the record (extra="forbid"), in costing."""
    from tokcost import costing

    real = costing.labels

    def misspelt(*a, **k):
        return {**real(*a, **k), "price_confidance": "high"}

    monkeypatch.setattr(costing, "labels", misspelt)
    opts = costing.CostOptions(as_of=DEC, output_tokens=500)
    by_tok = {r.tokenizer: r for r in measured.records()}
    with pytest.raises(pydantic.ValidationError, match="price_confidance") as err:
        if where == "cost":
            costing.cost_records(costing.Workload("t", ["안녕"], ["hi"]), ["gpt-4o"], opts)
        else:
            costing.budget_records(costing.BudgetInput(1000), ["gpt-4o"], opts, measured=by_tok)
    assert "Extra inputs are not permitted" in str(err.value)


def test_report_rows_are_their_own_records(mirror, monkeypatch):
    """The report's per-batch fields are on ReportCostRecord / ReportBudgetRecord, not on the cost
    and budget records; a misspelt one fails in collect_results."""
    from tokcost.report import collect
    from tokcost.schema.pricing import BudgetRecord, CostRecord
    from tokcost.schema.report import ReportBudgetRecord, ReportCostRecord

    for f in ("cost_per_batch", "en_cost_per_batch", "korean_trained", "premium_basis"):
        assert f in ReportCostRecord.model_fields and f not in CostRecord.model_fields
    for f in ("premium_corpus", "kind", "korean_trained", "assumption"):
        assert f in ReportBudgetRecord.model_fields and f not in BudgetRecord.model_fields
    opts = collect.ReportOptions(tokenizers=["o200k_base"], models=["gpt-4o"], as_of=DEC,
                                 diagnostics=False)
    doc = collect.collect_results(opts)
    [usd] = [r for r in doc["cost"] if r["currency"] == "USD"]
    assert usd["cost_per_batch"] == pytest.approx(usd["cost"] * 1000)
    assert doc["budget"][0]["premium_corpus"] == "samples"
    real = collect.add_labels

    def misspelt(*a, **k):
        return {**real(*a, **k), "asumption": None}

    monkeypatch.setattr(collect, "add_labels", misspelt)
    with pytest.raises(pydantic.ValidationError, match="asumption"):
        collect.collect_results(opts)


def test_the_published_schemas_name_every_field_of_real_rows(mirror):
    """Every key of real cost, budget and report rows (text without English, chat requests,
    tiers, blends, proxies) is a property of the committed JSON Schema, which refuses others."""
    import tokcost
    from tokcost.report import collect

    cost = [*tokcost.cost(text="환불 규정", as_of=DEC),
            *tokcost.cost(as_of=DEC, currency="KRW")]
    budget = tokcost.budget(1000, as_of=DEC)
    doc = collect.collect_results(collect.ReportOptions(
        tokenizers=["o200k_base", "gemini", "ax-4.0"], as_of=DEC, diagnostics=False))
    for name, rows in (("cost-row", cost), ("budget-row", budget)):
        props, extra = _schema_fields(name)
        assert extra is False
        assert set().union(*rows) <= props, set().union(*rows) - props
    report = json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8"))
    for section, model in (("cost", "ReportCostRecord"), ("budget", "ReportBudgetRecord")):
        defn = report["$defs"][model]
        assert defn["additionalProperties"] is False
        keys = set().union(*doc[section])
        assert keys <= set(defn["properties"]), keys - set(defn["properties"])
    # the shapes the records describe all occur: chat framing, answer premium, blended peak
    keys = set().union(*cost)
    assert {"chat_framing", "output_premium", "tiers_used", "context_chars_ko"} <= keys
    assert "peak_share" in set().union(*budget)
