"""Price tables: strict validation, the row in force on a date, tiers, user files, FX, VAT,
self-hosted derivation, the LiteLLM extra source and the ``tokcost pricing`` commands."""

from __future__ import annotations

import itertools
import json
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.errors import PricingError
from tokcost.paths import data_dir
from tokcost.pricing import (
    Money,
    SelfHostedOverride,
    apply_vat,
    convert,
    fx_rate,
    load_tables,
    price_for,
    validate,
)

runner = CliRunner()
TODAY = date(2026, 11, 23)
PRICING = data_dir() / "pricing"


def _run(*args: str):
    return runner.invoke(app, list(args))


def _failure(result) -> str:
    """The one-line error of a failed command, whichever layer reported it."""
    assert result.exit_code != 0
    return f"{result.output}{result.exception or ''}"


def _main(monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """Run the real entry point (which turns TokcostError into one line + exit 2)."""
    from tokcost.cli.app import main

    monkeypatch.setattr(sys, "argv", ["tokcost", *args])
    with pytest.raises(SystemExit) as exc:
        main()
    return int(exc.value.code or 0), capsys.readouterr().err


# --------------------------------------------------------------------------- shipped tables
def test_shipped_tables_validate_without_errors():
    issues = validate(today=TODAY)
    errors = [i.render() for i in issues if i.severity == "error"]
    assert errors == []
    result = _run("pricing", "validate", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_shipped_rows_are_real_prices_with_known_tokenizers():
    from tokcost.tokenizers.catalog import load_catalog

    catalog = load_catalog()
    tables = load_tables()
    models = tables.models()
    assert len(models) > 60
    for m in models:
        # a model with no public tokenizer is labelled none (reported, never costed)
        assert m.tokenizer in catalog or m.match == "none", m.id
        assert m.prices, m.id
        for r in m.prices:
            assert r.input > 0 and r.output > 0, (m.id, r)
            assert r.cached_input is None or r.cached_input > 0
            assert r.currency in ("USD", "KRW")
            assert r.source and r.confidence


def test_max_age_warnings_follow_today_and_threshold():
    # the hand layer's ages (HCX-007 is dated 2026-01-01 in pricing/naver.toml)
    old = [i for i in validate(today=TODAY, max_age_days=180) if "HCX-007:" in i.message]
    assert old and old[0].severity == "warning" and "2026-01-01" in old[0].message
    assert not [i for i in validate(today=date(2026, 2, 1), max_age_days=180)
                if "HCX-007:" in i.message]
    assert not [i for i in validate(today=TODAY, max_age_days=10_000) if "HCX-007:" in i.message]
    result = _run("pricing", "validate", "--today", "2026-11-23", "--max-age-days", "180")
    assert result.exit_code == 0
    assert "warning: pricing/naver.toml" in result.output


# --------------------------------------------------------------------------- dates and history
# Dated rows now come from genai-prices' StartDateConstraint history (0.2.3).
@pytest.mark.parametrize(("model", "day", "expected"), [
    ("gemini-3.6-flash", date(2026, 12, 31), (0.75, 3.75)),
    ("gemini-3.6-flash", date(2027, 1, 1), (1.5, 7.5)),
    ("claude-sonnet-5", date(2026, 8, 31), (2.0, 10.0)),
    ("claude-sonnet-5", date(2026, 9, 1), (2.0, 10.0)),  # finding 1: 2/10 made permanent
    ("deepseek-v4-flash", date(2026, 8, 1), (0.14, 0.28)),
    ("deepseek-v4-flash", date(2026, 8, 20), (0.22, 0.66)),
    ("deepseek-v4-flash", date(2026, 12, 1), (0.15, 0.6)),  # finding 2: off-peak 0.60 out
    ("deepseek-v4-pro", date(2026, 12, 1), (0.66, 1.98)),
])
def test_as_of_picks_the_row_in_force(model, day, expected):
    row = price_for(model, day)
    assert row is not None
    assert (row.input, row.output) == expected
    assert row.effective <= day and (row.end is None or day < row.end)


def test_unpriced_is_none_never_zero():
    assert price_for("HCX-007", date(2025, 1, 1)) is None  # before the first hand row
    assert price_for("no-such-model", TODAY) is None
    assert price_for("gpt-4o", TODAY, variant="peak") is None
    result = _run("pricing", "list", "--as-of", "2025-01-01", "-f", "json", "-p", "naver")
    assert result.exit_code == 0
    rows = {r["model"]: r for r in json.loads(result.output)["rows"]}
    assert rows["HCX-007"]["status"] == "unpriced"
    assert rows["HCX-007"]["input"] is None and rows["HCX-007"]["output"] is None


def test_variants_default_and_explicit():
    day = date(2026, 12, 1)
    std = price_for("deepseek-v4-flash", day)
    assert std is not None and std.variant == "off-peak" and std.default
    assert (std.input, std.cached_input, std.output) == (0.15, 0.003, 0.6)
    peak = price_for("deepseek-v4-flash", day, variant="peak")
    assert peak is not None and (peak.input, peak.output) == (0.3, 1.2)
    assert peak.window == "01:00-04:00 UTC, 06:00-10:00 UTC" and peak.confidence == "medium"
    # before peak pricing started there is one flat row and no variants
    flat = price_for("deepseek-v4-flash", date(2026, 5, 1))
    assert flat is not None and flat.variant is None
    assert price_for("deepseek-v4-flash", date(2026, 5, 1), variant="peak") is None


def test_aliases_resolve_to_the_pinned_model():
    row = price_for("mistral-medium-2604", TODAY)  # genai-prices' own id matching
    assert row is not None and row.model == "mistral-medium-3-5"
    assert load_tables().model("A.X-4.0").id == "skt/A.X-4.0"


# --------------------------------------------------------------------------- tiers
def test_tier_selection_by_input_tokens():
    row = price_for("gpt-5.4", TODAY)
    assert row is not None
    assert row.rates(272_000).input == 2.5 and row.rates(272_000).tier is None
    big = row.rates(272_001)
    assert (big.input, big.cached_input, big.output, big.tier) == (5.0, 0.5, 22.5, 272_000)
    cost = row.cost(300_000, 1_000, cached_input_tokens=100_000)
    assert cost.currency == "USD"
    assert cost.amount == pytest.approx((200_000 * 5.0 + 100_000 * 0.5 + 1_000 * 22.5) / 1e6)


def test_opus_4_6_long_context_surcharge_ends_2026_03_13():
    before = price_for("claude-opus-4-6", date(2026, 3, 12))
    after = price_for("claude-opus-4-6", date(2026, 3, 13))
    assert before is not None and after is not None
    assert before.rates(250_000).input == 10.0
    assert after.rates(250_000).input == 5.0 and after.tiers == ()


def test_cached_tokens_without_a_cache_price_pay_full_input():
    row = price_for("gpt-4", TODAY)
    assert row is not None and row.cached_input is None
    assert row.cost(1000, 0, cached_input_tokens=1000).amount == pytest.approx(1000 * 30 / 1e6)
    with pytest.raises(PricingError):
        row.cost(10, 0, cached_input_tokens=11)


# --------------------------------------------------------------------------- FX, KRW, VAT
def test_krw_table_converts_to_usd_and_back():
    rate = fx_rate()
    assert rate.krw_per_usd == 1440.60 and rate.default and rate.date == date(2026, 1, 26)
    row = price_for("HCX-007", TODAY)
    assert row is not None and row.currency == "KRW" and row.confidence == "low"
    assert (row.input, row.output) == (1500.0, 5000.0)
    assert "VAT" in row.notes
    usd = convert(Money(row.input, row.currency), "USD", rate)
    assert usd.currency == "USD" and usd.amount == pytest.approx(1500 / 1440.60)
    back = convert(usd, "KRW", rate)
    assert back.currency == "KRW" and back.amount == pytest.approx(1500.0)
    as_usd = row.in_currency("USD", rate)
    assert as_usd.output == pytest.approx(5000 / 1440.60) and as_usd.converted_from == "KRW"
    result = _run("pricing", "list", "-p", "naver", "--currency", "USD", "-f", "json")
    rows = json.loads(result.output)["rows"]
    hcx = next(r for r in rows if r["model"] == "HCX-007")
    assert hcx["currency"] == "USD" and hcx["listed_currency"] == "KRW"
    assert hcx["input"] == pytest.approx(1500 / 1440.60)


def test_fx_override_as_of_and_vat():
    assert fx_rate(override=1500).krw_per_usd == 1500
    assert fx_rate(override=1500).confidence == "user"
    assert fx_rate(date(2026, 1, 1)).krw_per_usd == 1422.16  # 2025 average, dated 2025-12-31
    assert fx_rate(date(2025, 1, 1)).krw_per_usd == 1440.60  # nothing older: the default
    with pytest.raises(PricingError):
        fx_rate(override=0)
    usd = Money(10.0, "USD")
    assert convert(usd, "KRW", 1500).amount == 15000
    with_vat = apply_vat(convert(usd, "KRW", 1500))
    assert with_vat.amount == pytest.approx(16500) and with_vat.vat_included
    with pytest.raises(PricingError):
        apply_vat(with_vat)
    with pytest.raises(PricingError):
        _ = Money(1, "USD") + Money(1, "KRW")
    result = _run("pricing", "fx", "--amount", "10", "--fx", "1500", "-f", "json")
    doc = json.loads(result.output)
    assert doc["schema"] == "tokcost/pricing-fx/1"
    assert doc["conversion"]["to"] == {"amount": 15000.0, "currency": "KRW",
                                       "vat_included": False}


# --------------------------------------------------------------------------- self-hosted
def test_self_hosted_price_is_derived_from_the_stated_assumptions():
    doc = tomllib.loads((PRICING / "self-hosted.toml").read_text(encoding="utf-8"))
    assert len(doc["model"]) == 9
    for entry in doc["model"]:
        sh = entry["self_hosted"]
        assert sh["confidence"] == "assumption" and "ASSUMPTION" in sh["notes"]
        hourly = sh["gpu_count"] * sh["gpu_hourly_usd"]
        want_in = hourly / (sh["prompt_tokens_per_s"] * 3600) * 1e6
        want_out = hourly / (sh["output_tokens_per_s"] * 3600) * 1e6
        row = price_for(entry["id"], TODAY)
        assert row is not None and row.currency == "USD" and row.confidence == "assumption"
        assert row.input == pytest.approx(want_in) and row.output == pytest.approx(want_out)
    # A.X 4.0 by hand: 4 x 2.50 USD/h, 2,000 output tok/s, 20,000 prompt tok/s
    ax = price_for("skt/A.X-4.0", TODAY)
    assert ax is not None
    assert ax.output == pytest.approx(10.0 / (2000 * 3600) * 1e6)  # 1.3889 USD / 1M
    assert ax.input == pytest.approx(10.0 / (20000 * 3600) * 1e6)


def test_self_hosted_overrides():
    tables = load_tables(self_hosted=SelfHostedOverride(gpu_hourly_usd=2.0,
                                                        output_tokens_per_s=4000))
    row = tables.price_for("skt/A.X-4.0", TODAY)
    assert row is not None and row.self_hosted is not None
    assert row.output == pytest.approx(4 * 2.0 / (4000 * 3600) * 1e6)
    assert row.input == pytest.approx(4 * 2.0 / (20000 * 3600) * 1e6)  # prompt rate kept
    assert row.self_hosted.overridden == ("gpu_hourly_usd", "output_tokens_per_s")
    assert "Overridden" in row.notes
    assert price_for("skt/A.X-4.0", TODAY).output == pytest.approx(10 / (2000 * 3600) * 1e6)
    with pytest.raises(PricingError, match="--throughput"):
        SelfHostedOverride(output_tokens_per_s=-5)
    result = _run("pricing", "show", "A.X-4.0", "--gpu-hourly", "1", "--throughput", "1000",
                  "--prompt-throughput", "10000", "-f", "json")
    doc = json.loads(result.output)
    assert doc["price_in_force"]["output"] == pytest.approx(4 / (1000 * 3600) * 1e6)
    assert doc["price_in_force"]["input"] == pytest.approx(4 / (10000 * 3600) * 1e6)


# --------------------------------------------------------------------------- user files
NEGOTIATED = """\
schema = 1
provider = "openai"

[[model]]
id = "gpt-4o"

  [[model.price]]
  effective = 2026-01-01
  currency = "USD"
  input = 2.00
  cached_input = 1.00
  output = 8.00
  source = "ACME / OpenAI enterprise agreement 2026"
  confidence = "high"
"""


def test_user_file_overrides_and_adds(tmp_path):
    f = tmp_path / "negotiated.toml"
    f.write_text(NEGOTIATED, encoding="utf-8")
    tables = load_tables(user_files=[f])
    mine = tables.price_for("gpt-4o", date(2026, 6, 1))
    assert mine is not None and mine.input == 2.0 and mine.layer == 1
    assert mine.origin == str(f)
    shipped = tables.price_for("gpt-4o", date(2025, 12, 1))
    assert shipped is not None and shipped.input == 2.5 and shipped.layer == -1  # genai-prices
    assert tables.model("gpt-4o").name == "gpt 4o"  # metadata inherited from genai-prices
    # a later file wins over an earlier one
    g = tmp_path / "later.toml"
    g.write_text(NEGOTIATED.replace("input = 2.00", "input = 1.80"), encoding="utf-8")
    later = load_tables(user_files=[f, g]).price_for("gpt-4o", date(2026, 6, 1))
    assert later is not None and later.input == 1.8
    # the shipped tables are untouched
    assert price_for("gpt-4o", date(2026, 6, 1)).input == 2.5
    result = _run("pricing", "show", "gpt-4o", "--pricing", str(f), "--as-of", "2026-06-01",
                  "-f", "json")
    assert json.loads(result.output)["price_in_force"]["input"] == 2.0
    assert _run("pricing", "validate", str(f), "--today", "2026-06-01").exit_code == 0


def test_user_file_adds_a_new_provider(tmp_path):
    f = tmp_path / "inhouse.toml"
    f.write_text('schema = 1\nprovider = "inhouse"\nprovider_name = "In-house gateway"\n'
                 '[[model]]\nid = "gw-1"\nname = "Gateway 1"\ntokenizer = "qwen3"\n'
                 'tokenizer_confidence = "medium"\n[[model.price]]\neffective = 2026-01-01\n'
                 'currency = "KRW"\ninput = 700\noutput = 2100\nsource = "internal"\n'
                 'confidence = "high"\n', encoding="utf-8")
    tables = load_tables(user_files=[f])
    row = tables.price_for("gw-1", TODAY)
    assert row is not None and row.currency == "KRW" and row.provider == "inhouse"


# --------------------------------------------------------------------------- validation errors
HEAD = 'schema = 1\nprovider = "acme"\nprovider_name = "ACME"\n'
MODEL = ('[[model]]\nid = "acme-1"\nname = "ACME 1"\ntokenizer = "o200k_base"\n'
         'tokenizer_confidence = "high"\n')


def _row(**kw: object) -> str:
    fields = {"effective": "2026-01-01", "currency": '"USD"', "input": "1.0", "output": "2.0",
              "source": '"https://acme.example/pricing"', "confidence": '"high"'}
    fields.update({k: str(v) for k, v in kw.items()})
    body = "".join(f"{k} = {v}\n" for k, v in fields.items() if v != "DROP")
    return "[[model.price]]\n" + body


SELF = ('[model.self_hosted]\neffective = 2026-01-01\ngpu = "H100"\ngpu_count = 1\n'
        'gpu_hourly_usd = 2.5\noutput_tokens_per_s = 1000\nprompt_tokens_per_s = 10000\n'
        'source = "assumption"\nconfidence = "assumption"\n')

BAD = {
    "unknown model key": (HEAD + MODEL + "colour = 'red'\n" + _row(),
                          "model acme-1: unknown key 'colour'"),
    "unknown price key": (HEAD + MODEL + _row(inputt="1.0"),
                          "model acme-1: unknown key 'inputt' (did you mean input?)"),
    "missing price": (HEAD + MODEL + _row(output="DROP"), "model acme-1: missing output"),
    "negative price": (HEAD + MODEL + _row(input="-0.5"),
                       "model acme-1: input is negative (-0.5)"),
    "zero price": (HEAD + MODEL + _row(output="0.0"), "model acme-1: output is 0"),
    "unknown tokenizer": (HEAD + MODEL.replace("o200k_base", "o200k") + _row(),
                          "model acme-1: unknown tokenizer 'o200k' (did you mean o200k_base?)"),
    "date not a date": (HEAD + MODEL + _row(effective='"2026/01/01"'),
                        "model acme-1: effective must be a TOML date"),
    "inverted dates": (HEAD + MODEL + _row(effective="2026-05-01", end="2026-04-01"),
                       "model acme-1: end 2026-04-01 is not after effective 2026-05-01"),
    "empty range": (HEAD + MODEL + _row(effective="2026-05-01", end="2026-05-01"),
                    "is not after effective"),
    "overlap": (HEAD + MODEL + _row(end="2026-07-01") + _row(effective="2026-06-01"),
                "model acme-1: price rows overlap: 2026-01-01..2026-07-01 and 2026-06-01..open"),
    "overlap same variant": (HEAD + MODEL + _row(variant='"peak"', default="true")
                             + _row(effective="2026-03-01", variant='"peak"', default="true"),
                             "price rows overlap (variant peak)"),
    "two defaults": (HEAD + MODEL + _row(variant='"a"', default="true")
                     + _row(variant='"b"', default="true"),
                     "model acme-1: 2 rows marked default = true apply on 2026-01-01 (a, b)"),
    "no default": (HEAD + MODEL + _row(variant='"a"') + _row(variant='"b"'),
                   "model acme-1: on 2026-01-01 only variant rows apply (a, b) and none has "
                   "default = true"),
    "default without variant": (HEAD + MODEL + _row(default="true"),
                                "model acme-1: default = true on a row without a variant"),
    "no rows": (HEAD + MODEL, "model acme-1: no [[model.price]] rows"),
    "bad currency": (HEAD + MODEL + _row(currency='"EUR"'),
                     "model acme-1: currency 'EUR' is not allowed (use one of USD, KRW)"),
    "bad confidence": (HEAD + MODEL + _row(confidence='"sure"'),
                       "model acme-1: confidence 'sure' is not allowed"),
    "new model without name": (HEAD + MODEL.replace('name = "ACME 1"\n', "") + _row(),
                               "model acme-1: missing name"),
    "duplicate model": (HEAD + MODEL + _row() + MODEL + _row(),
                        "model acme-1: listed twice in this file"),
    "invalid toml": (HEAD + "[[model]\n", "invalid TOML"),
    "bad schema": (HEAD.replace("schema = 1", "schema = 2") + MODEL + _row(),
                   "schema must be 1, got 2"),
    "self-hosted and price": (HEAD + MODEL + _row() + SELF,
                              "model acme-1: has both [[model.price]] rows and "
                              "[model.self_hosted]"),
    "self-hosted negative": (HEAD + MODEL + SELF.replace("2.5", "-2.5"),
                             "model acme-1: self_hosted: gpu_hourly_usd is negative"),
    "self-hosted missing throughput": (HEAD + MODEL + SELF.replace(
        "output_tokens_per_s = 1000\n", ""), "model acme-1: self_hosted: missing "
        "output_tokens_per_s"),
    "override without citation": (
        'schema = 1\nprovider = "openai"\n[[model]]\nid = "gpt-4o"\noverrides = "genai-prices"\n'
        'override_reason = "input limit"\ninput_limit = 100000\n',
        "model gpt-4o: missing citation"),
    "citation without override": (HEAD + MODEL + 'citation = "https://x"\n' + _row(),
                                  "model acme-1: citation without overrides or drift_reason"),
    "two default rates": ('schema = 1\n[[rate]]\ndate = 2026-01-01\nkrw_per_usd = 1400.0\n'
                          'source = "x"\nconfidence = "low"\ndefault = true\n'
                          '[[rate]]\ndate = 2026-02-01\nkrw_per_usd = 1410.0\nsource = "x"\n'
                          'confidence = "low"\ndefault = true\n', "2 rates have default = true"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_each_validation_error_is_one_clear_line(tmp_path, monkeypatch, capsys, case):
    text, expected = BAD[case]
    f = tmp_path / "bad.toml"
    f.write_text(text, encoding="utf-8")
    errors = [i for i in validate([f], today=TODAY) if i.severity == "error"]
    assert errors, case
    rendered = [i.render() for i in errors]
    assert any(expected in r for r in rendered), rendered
    assert all(r.startswith(f"{f}") and "\n" not in r for r in rendered)
    assert all(i.hint for i in errors if "invalid TOML" not in i.message)
    # `pricing validate` lists it and exits 1
    result = _run("pricing", "validate", str(f), "--today", "2026-11-23")
    assert result.exit_code == 1
    assert expected in result.output
    # any other command refuses the file: one line on stderr, exit 2, no traceback
    code, err = _main(monkeypatch, capsys, "pricing", "list", "--pricing", str(f))
    assert code == 2
    assert err.startswith("tokcost: error: ") and err.count("\n") == 1
    assert "Traceback" not in err
    with pytest.raises(PricingError):
        load_tables(user_files=[f])


def test_line_numbers_point_at_the_row(tmp_path):
    f = tmp_path / "bad.toml"
    f.write_text(HEAD + MODEL + _row() + _row(effective="2026-02-01", input="-1"),
                 encoding="utf-8")
    [err] = [i for i in validate([f]) if i.severity == "error"]
    lines = f.read_text().splitlines()
    assert err.line is not None and lines[err.line - 1] == "[[model.price]]"
    assert "2026-02-01" in lines[err.line]


def test_missing_file_is_an_error(tmp_path):
    result = _run("pricing", "validate", str(tmp_path / "nope.toml"))
    assert result.exit_code == 1 and "no such file" in result.output


# --------------------------------------------------------------------------- properties
D0 = date(2024, 1, 1)
MODEL_FILE = HEAD + MODEL


@settings(max_examples=80, deadline=None)
@given(points=st.lists(st.integers(0, 900), min_size=2, max_size=7, unique=True),
       keep=st.lists(st.booleans(), min_size=7, max_size=7),
       open_end=st.booleans(),
       probe=st.integers(-30, 960))
def test_property_date_range_selection(tmp_path_factory, points, keep, open_end, probe):
    points.sort()
    spans: list[tuple[date, date | None]] = []
    for i, (a, b) in enumerate(itertools.pairwise(points)):
        if keep[i] or not spans:
            spans.append((D0 + timedelta(a), D0 + timedelta(b)))
    if open_end:
        spans.append((D0 + timedelta(points[-1]), None))
    text = MODEL_FILE + "".join(
        _row(effective=a.isoformat(), input=f"{k + 1}.0",
             **({"end": b.isoformat()} if b else {}))
        for k, (a, b) in enumerate(spans))
    f = tmp_path_factory.mktemp("prop") / "p.toml"
    f.write_text(text, encoding="utf-8")
    tables = load_tables(user_files=[f])
    day = D0 + timedelta(probe)
    expected = [k + 1.0 for k, (a, b) in enumerate(spans) if a <= day and (b is None or day < b)]
    row = tables.price_for("acme-1", day)
    if expected:
        assert row is not None and row.input == expected[0] and len(expected) == 1
    else:
        assert row is None


@settings(max_examples=80, deadline=None)
@given(a=st.integers(0, 60), la=st.one_of(st.none(), st.integers(1, 40)),
       b=st.integers(0, 60), lb=st.one_of(st.none(), st.integers(1, 40)))
def test_property_overlap_detected_iff_ranges_intersect(tmp_path_factory, a, la, b, lb):
    def row(start: int, length: int | None) -> str:
        kw = {"effective": (D0 + timedelta(start)).isoformat()}
        if length is not None:
            kw["end"] = (D0 + timedelta(start + length)).isoformat()
        return _row(**kw)

    f = tmp_path_factory.mktemp("ovl") / "o.toml"
    f.write_text(MODEL_FILE + row(a, la) + row(b, lb), encoding="utf-8")
    end_a = a + la if la is not None else 10**9
    end_b = b + lb if lb is not None else 10**9
    intersect = a < end_b and b < end_a
    flagged = any("overlap" in i.message for i in validate([f]) if i.severity == "error")
    assert flagged == intersect


# --------------------------------------------------------------------------- CLI output
LIST_KEYS = {"provider", "model", "name", "tokenizer", "currency", "input", "cached_input",
             "output", "effective", "end", "source", "confidence"}


def test_list_json_rows_carry_the_required_fields():
    result = _run("pricing", "list", "-f", "json", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["schema"] == "tokcost/pricing-list/1" and doc["as_of"] == "2026-11-23"
    assert doc["rows"] and all(set(r) >= LIST_KEYS for r in doc["rows"])
    o3 = next(r for r in doc["rows"] if r["model"] == "o3")
    assert (o3["input"], o3["output"], o3["effective"]) == (2.0, 8.0, "2025-06-10")


def test_list_formats_and_currency():
    csv_out = _run("pricing", "list", "-p", "openai", "-f", "csv", "--as-of", "2026-11-23")
    assert csv_out.exit_code == 0
    header = csv_out.output.splitlines()[0].split(",")
    assert header[:12] == ["provider", "model", "name", "tokenizer", "currency", "input",
                           "cached_input", "output", "effective", "end", "source", "confidence"]
    md = _run("pricing", "list", "-p", "google", "-f", "markdown", "--currency", "KRW",
              "--as-of", "2026-11-23")
    assert md.exit_code == 0 and "| gemini-2.5-pro |" in md.output and "KRW" in md.output
    table = _run("pricing", "list", "-p", "anthropic")
    assert table.exit_code == 0 and "claude-opus-5" in table.output
    krw = json.loads(_run("pricing", "list", "-p", "openai", "-f", "json", "--currency", "KRW",
                          "--fx", "1000", "--vat").output)
    gpt4 = next(r for r in krw["rows"] if r["model"] == "gpt-4")
    assert gpt4["currency"] == "KRW" and gpt4["input"] == pytest.approx(30 * 1000 * 1.1)
    assert gpt4["vat_included"] is True
    bad = _run("pricing", "list", "-p", "opena1")
    assert "unknown provider 'opena1' (did you mean openai?)" in _failure(bad)


def test_show_lists_history_and_marks_the_row_used():
    result = _run("pricing", "show", "deepseek-v4-pro", "--as-of", "2026-08-01", "-f", "json")
    doc = json.loads(result.output)
    assert doc["schema"] == "tokcost/pricing-show/1"
    used = [r for r in doc["rows"] if r["used"]]
    assert len(doc["rows"]) == 3 and len(used) == 1 and used[0]["input"] == 0.435
    text = _run("pricing", "show", "deepseek-v4-pro", "--as-of", "2026-12-01")
    assert text.exit_code == 0 and "→ 2026-08-17" in text.output
    missing = _run("pricing", "show", "gpt-4oo")
    assert "no price table lists model 'gpt-4oo' (did you mean" in _failure(missing)


def test_cli_writes_output_file_once(tmp_path):
    out = tmp_path / "prices.json"
    assert _run("pricing", "list", "-f", "json", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text())["rows"]
    again = _run("pricing", "list", "-f", "json", "-o", str(out))
    assert "exists" in _failure(again)


# --------------------------------------------------------------------------- LiteLLM extra
def _litellm_or_skip() -> str:
    from importlib import metadata

    try:
        return metadata.version("litellm")
    except metadata.PackageNotFoundError:
        pytest.skip("litellm is not installed (pip install 'tokcost[test]')")


def test_litellm_extra_prices_only_models_we_do_not_list():
    version = _litellm_or_skip()
    tables = load_tables(extra="litellm")
    extra = tables.find_model("ai21.jamba-1-5-large-v1:0")
    assert extra is not None and extra.kind == "extra", extra
    row = extra.prices[0]
    assert row.source == f"LiteLLM {version} price map"
    assert row.confidence == "low" and row.input > 0 and row.output > 0
    assert row.effective == tables.extra.seen
    assert load_tables().find_model("ai21.jamba-1-5-large-v1:0") is None  # opt-in only
    # never overrides the maintained source or the hand layer
    ours = tables.price_for("deepseek-chat", TODAY)
    assert ours is not None and ours.source.startswith("genai-prices")
    assert tables.find_model("gpt-4o").kind == "api"
    # before the map was seen on this machine there is no price, not 0
    assert tables.price_for("ai21.jamba-1-5-large-v1:0", tables.extra.seen - timedelta(1)) is None


def test_litellm_json_is_read_not_imported():
    _litellm_or_skip()
    code = ("import sys; from tokcost.pricing import load_tables; "
            "t = load_tables(extra='litellm'); t.find_model('gpt-3.5-turbo'); "
            "print('litellm' in sys.modules)")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "False"


def test_help_stays_light():
    import subprocess

    code = ("import sys, tokcost.cli.app; "
            "print(sorted(m for m in ('tokcost.pricing.tables', 'rich.table', 'litellm') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def test_shipped_files_cover_every_provider_file():
    names = {p.name for p in Path(PRICING).glob("*.toml")}
    assert {"openai.toml", "naver.toml", "self-hosted.toml", "fx.toml"} <= names
    providers = set(load_tables().providers)
    assert providers == {n[:-5] for n in names} - {"fx", "featured"}


# --------------------------------------------------------------------------- maintained source
def test_prices_come_from_installed_genai_prices_with_labels():
    from importlib.metadata import version

    m = load_tables().model("gpt-4o")
    row = m.price_for(TODAY)
    assert row is not None and row.source == f"genai-prices {version('genai-prices')}"
    assert row.price_source == row.source
    hcx = price_for("HCX-007", TODAY)
    assert hcx is not None and hcx.price_source == "pricing/naver.toml"
    assert row.confidence == "high" and m.match == "exact"
    host = load_tables().model("meta-llama/Llama-3.3-70B-Instruct-Turbo")
    assert host.provider == "together" and host.price_for(TODAY).confidence == "medium"


def test_shipped_hand_row_duplicating_genai_prices_is_an_error(tmp_path, monkeypatch):
    from tokcost.pricing import tables as t

    folder = tmp_path / "pricing"
    folder.mkdir()
    for f in (data_dir() / "pricing").glob("*.toml"):
        (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "openai.toml").write_text(
        'schema = 1\nprovider = "openai"\nprovider_name = "OpenAI"\n\n[[model]]\nid = "gpt-4o"\n'
        'name = "GPT-4o"\ntokenizer = "o200k_base"\ntokenizer_confidence = "high"\n\n'
        '  [[model.price]]\n  effective = 2025-07-04\n  currency = "USD"\n  input = 2.5\n'
        '  output = 10.0\n  source = "x"\n  confidence = "high"\n', encoding="utf-8")
    monkeypatch.setattr(t, "data_dir", lambda: tmp_path)
    t._shipped_docs.cache_clear()
    try:
        errors = [i.message for i in t.validate() if i.severity == "error"]
    finally:
        t._shipped_docs.cache_clear()
    assert any("gpt-4o: genai-prices already lists it" in e for e in errors)


def test_override_with_reason_retired_alias_priced_as_v4_flash():
    m = load_tables().model("deepseek-chat")
    assert m.override_reason and "retired" in m.override_reason and m.retired(TODAY)
    assert m.citation and "api-docs.deepseek.com" in m.citation
    flash = price_for("deepseek-v4-flash", date(2026, 12, 1))
    chat = m.price_for(date(2026, 12, 1))
    assert chat is not None and (chat.input, chat.output) == (flash.input, flash.output)


def test_every_listed_model_is_usable_by_id_with_a_label():
    """Finding 3: current models absent from the old tables resolve by id, labelled."""
    tables = load_tables()
    for mid in ("gpt-6-sol", "gpt-6-luna", "gpt-6.1-terra", "claude-opus-5-5",
                "claude-sonnet-5-5", "claude-haiku-5-5", "gemini-3.8-flash", "gemini-4-argon",
                "mistral-large-4", "solar-pro4", "solar-mini4", "grok-4.5", "command-a",
                "kimi-k3", "glm-5.3", "minimax-m3", "qwen3.8-max"):
        m = tables.find_model(mid)
        assert m is not None, mid
        assert m.price_for(date(2026, 12, 1)) is not None, mid
        assert m.match in ("exact", "presumed", "proxy", "none"), mid
    assert tables.model("gpt-6-sol").match == "presumed"
    assert tables.model("gemini-4-argon").match == "proxy"
    assert tables.model("grok-4.5").match == "none" and tables.model("grok-4.5").tokenizer is None
    assert tables.model("gpt-5").match == "exact"
    assert len(list(tables.maintained.models())) > 1000


def test_sonnet_5_price_and_cache_write_from_the_maintained_source():
    """Finding 1: claude-sonnet-5 is 2 / 10 (cache write 2.50), not 3 / 15."""
    row = price_for("claude-sonnet-5", date(2026, 12, 1))
    assert row is not None
    assert (row.input, row.cached_input, row.cache_write, row.output) == (2.0, 0.2, 2.5, 10.0)


def test_context_window_and_input_limit():
    """Finding 4: gpt-5's input limit is 272k of 400k; windows come from the source."""
    tables = load_tables()
    gpt5 = tables.model("gpt-5")
    assert (gpt5.context_window, gpt5.input_limit, gpt5.effective_input_limit) == \
        (400_000, 272_000, 272_000)
    api = [m for m in tables.default_models() if m.kind == "api"]
    with_window = [m for m in api if m.effective_input_limit]
    assert len(with_window) >= 0.6 * len(api)


def test_drift_shipped_is_clean_and_an_unexplained_difference_fails(tmp_path):
    from tokcost.pricing.drift import drift

    result = _run("pricing", "drift", "--as-of", "2026-12-01", "-f", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    chat = [r for r in rows if r["model"] == "deepseek-chat"]
    assert chat and all(r["status"] == "explained" for r in chat)
    assert any(r["status"] == "only-here" and r["model"] == "HCX-007" for r in rows)
    f = tmp_path / "mine.toml"
    f.write_text('schema = 1\nprovider = "openai"\n\n[[model]]\nid = "gpt-4o"\n\n'
                 '  [[model.price]]\n  effective = 2026-01-01\n  currency = "USD"\n'
                 '  input = 9.0\n  output = 10.0\n  source = "typo"\n  confidence = "high"\n',
                 encoding="utf-8")
    bad = [r for r in drift(load_tables(user_files=[f]), date(2026, 12, 1), litellm=False)
           if r.status == "differs"]
    assert [r.model for r in bad] == ["gpt-4o"]


def test_update_fetches_into_the_cache_from_a_local_server(tmp_path):
    import http.server
    import threading

    from tokcost.paths import cache_dir
    from tokcost.pricing.maintained import load_genai_prices

    payload = json.dumps([{
        "id": "openai", "name": "OpenAI", "api_pattern": "https://api\\.openai\\.com",
        "models": [{"id": "gpt-test-9", "match": {"equals": "gpt-test-9"},
                    "context_window": 1000,
                    "prices": {"input_mtok": 1.5, "output_mtok": 2.5}}]}]).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = payload if self.path == "/data.json" else b"nope"
            self.send_response(200 if self.path == "/data.json" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert load_genai_prices().find("gpt-test-9") is None  # offline default: bundled data
        missing = _run("pricing", "update", "--url", f"{base}/missing.json", "--timeout", "5")
        assert missing.exit_code == 2 and "cannot update genai-prices data" in missing.output
        assert not (cache_dir() / "pricing" / "genai-prices-data.json").exists()
        ok = _run("pricing", "update", "--url", f"{base}/data.json", "--timeout", "5")
        assert ok.exit_code == 0, ok.output
        meta = json.loads((cache_dir() / "pricing" / "genai-prices-data.meta.json").read_text())
        assert meta["fetched"] == date.today().isoformat() and meta["models"] == 1
        gp = load_genai_prices()
        assert gp.origin != "bundled" and gp.data_date == date.today()
        row = gp.model("gpt-test-9").price_for(date.today())
        assert (row.input, row.output) == (1.5, 2.5) and "updated" in row.source
        # a data file that is not the one the meta describes (an interrupted update, an edit):
        # ignored, the bundled data is used
        (cache_dir() / "pricing" / "genai-prices-data.json").write_bytes(payload + b" ")
        load_genai_prices.cache_clear()
        assert load_genai_prices().origin == "bundled"
    finally:
        server.shutdown()
        load_genai_prices.cache_clear()


def test_every_shipped_override_has_a_reason_and_a_citation():
    """The hand layer's overrides of genai-prices each say why and where from (issue #14)."""
    over = [m for m in load_tables().hand_models() if m.override_reason]
    assert len(over) >= 17  # 15 OpenAI input limits + the 2 retired DeepSeek aliases
    for m in over:
        assert m.citation and ("https://" in m.citation or "LiteLLM" in m.citation), m.id


def test_input_limits_are_not_total_windows_and_drift_catches_an_overstated_one(
        tmp_path, monkeypatch):
    """Finding 4 beyond gpt-5: every GPT-5.x model whose genai-prices window is the total
    (400k / 1.05M) has its input limit (272k / 922k); without the hand entry, `pricing drift`
    flags the overstated limit against LiteLLM's max_input_tokens (exit 1)."""
    from tokcost.pricing import tables as t
    from tokcost.pricing.drift import drift
    from tokcost.pricing.extra import locate_litellm_json

    try:
        locate_litellm_json()  # the JSON file only: litellm is never imported (no network)
    except Exception:
        pytest.skip("the litellm wheel is not installed")

    tables = load_tables()
    limits = {m: tables.model(m).effective_input_limit
              for m in ("gpt-5.2", "gpt-5.4-mini", "gpt-5.4-nano", "gpt-6-sol", "gpt-5.6-terra")}
    assert limits == {"gpt-5.2": 272_000, "gpt-5.4-mini": 272_000, "gpt-5.4-nano": 272_000,
                      "gpt-6-sol": 922_000, "gpt-5.6-terra": 922_000}
    shipped = drift(tables, date(2026, 12, 1))
    assert not [r for r in shipped if r.status == "differs"]
    assert any(r.model == "gpt-6-sol" and r.against.endswith("(input limit)")
               and r.status == "match" for r in shipped)
    folder = tmp_path / "pricing"
    folder.mkdir()
    for f in (data_dir() / "pricing").glob("*.toml"):
        text = f.read_text(encoding="utf-8")
        if f.name == "openai.toml":  # drop the gpt-6-sol entry: its 1.05M total window is back
            head, _, rest = text.partition('[[model]]\nid = "gpt-6-sol"\n')
            text = head + rest.partition("\n\n")[2]
        (folder / f.name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(t, "data_dir", lambda: tmp_path)
    t._shipped_docs.cache_clear()
    t._default_tables.cache_clear()
    try:
        doctored = load_tables()
        assert doctored.model("gpt-6-sol").effective_input_limit == 1_050_000
        bad = [r for r in drift(doctored, date(2026, 12, 1)) if r.status == "differs"]
    finally:
        t._shipped_docs.cache_clear()
        t._default_tables.cache_clear()
    assert [(r.model, r.ours, r.theirs) for r in bad] == \
        [("gpt-6-sol", "1,050,000 tokens", "922,000 tokens")]


def test_litellm_extras_get_the_family_rules_and_are_costed(mirror):
    """Finding 3's second half: a model only LiteLLM lists (``--extra-prices litellm``) gets its
    tokenizer from the family rules with a label, and is costed: not "tokenizer unknown"."""
    _litellm_or_skip()
    from tokcost.costing import CostOptions, Workload, cost_rows

    tables = load_tables(extra="litellm")
    m = tables.find_model("azure/gpt-4.1-nano-2025-04-14")
    assert m is not None and m.kind == "extra"
    assert (m.tokenizer, m.match) == ("o200k_base", "exact")
    flash = tables.find_model("aihubmix/deepseek-v4-flash")
    assert flash is not None and flash.kind == "extra"
    assert (flash.tokenizer, flash.match) == ("deepseek-v3", "presumed")
    [row] = cost_rows(Workload("t", ["안녕하세요"], None), ["aihubmix/deepseek-v4-flash"],
                      CostOptions(as_of=tables.extra.seen, output_tokens=10, tables=tables))
    assert row["cost"] is not None and row["cost"] > 0 and row["tokenizer_match"] == "presumed"


def test_r1_distills_are_counted_with_their_base_models_tokenizer():
    """DeepSeek-R1-Distill-Llama/-Qwen are fine-tuned Llama 3 / Qwen2.5 models: never labelled
    exact DeepSeek V3 (an unrelated tokenizer)."""
    tables = load_tables()
    llama = tables.model("groq:deepseek-r1-distill-llama-70b")
    qwen = tables.model("openrouter:deepseek-r1-distill-qwen-14b")
    assert (llama.tokenizer, llama.match) == ("llama-3", "presumed")
    assert (qwen.tokenizer, qwen.match) == ("qwen3", "presumed")
    assert tables.model("deepseek-reasoner").tokenizer == "deepseek-v3"


# --------------------------------------------------------------------------- typed tables (#15)
DATES = ['"2026-01-01"', "3", "true", "2026-01-01T10:00:00"]
PRICES = ["-1", "0", '"1.0"', "true", "nan", "inf", "[]"]
TEXTS = ['""', "3", "[]"]
POSINTS = ["0", "-5", "1.5", '"8"', "true"]
BAD_VALUES = {  # table -> key -> TOML values its record refuses
    "price": {"effective": DATES, "end": [*DATES, "2025-01-01"], "currency": ['"EUR"', *TEXTS],
              "input": PRICES, "output": PRICES, "cached_input": PRICES,
              "cache_write": ["-1", '"x"', "true"], "batch_discount": ["0", "1", "1.5", '"x"'],
              "source": TEXTS, "confidence": ['"sure"', *TEXTS], "variant": TEXTS,
              "default": ['"yes"', "1"], "snapshots": ['"a"', "[1]"], "notes": ["3", "[]"]},
    "model": {"name": TEXTS, "tokenizer": TEXTS, "tokenizer_confidence": ['"assumption"', "3"],
              "tokenizer_match": ['"maybe"', "3"], "context_window": POSINTS,
              "input_limit": POSINTS, "deprecated": DATES, "aliases": ['"a"', "[1]", '[""]'],
              "overrides": ['"litellm"', "true"]},
    "rate": {"date": DATES, "krw_per_usd": PRICES, "source": TEXTS,
             "confidence": ['"assumption"', *TEXTS], "default": ['"yes"', "1"],
             "notes": ["3"]},
}
RATE = ('[[rate]]\ndate = 2026-01-01\nkrw_per_usd = 1400.0\nsource = "x"\nconfidence = "low"\n'
        'default = true\n')
BAD_CASES = [(t, k, v) for t, keys in BAD_VALUES.items() for k, vs in keys.items() for v in vs]


def _file_with(table: str, key: str, value: str) -> str:
    """A valid user table with ``key = value`` set in its first ``table``."""
    def put(body: str) -> str:
        lines = [ln for ln in body.splitlines() if not ln.startswith(f"{key} =")]
        return "\n".join([lines[0], f"{key} = {value}", *lines[1:]]) + "\n"

    if table == "rate":
        return "schema = 1\n" + put(RATE)
    if table == "model":
        return HEAD + put(MODEL) + _row()
    return HEAD + MODEL + put(_row())


@settings(max_examples=120, deadline=None)
@given(case=st.sampled_from(BAD_CASES))
def test_property_a_bad_value_is_one_line_naming_its_key(tmp_path_factory, case):
    table, key, value = case
    f = tmp_path_factory.mktemp("typed") / "mine.toml"
    text = _file_with(table, key, value)
    f.write_text(text, encoding="utf-8")
    errors = [i for i in validate([f], today=TODAY) if i.severity == "error"]
    assert errors, (case, text)
    first = errors[0].render()
    assert first.startswith(f"{f}:") and "\n" not in first and key in first, first
    assert errors[0].hint
    header = {"rate": "[[rate]]", "model": "[[model]]", "price": "[[model.price]]"}[table]
    assert text.splitlines()[errors[0].line - 1] == header, first  # the line of its table
    with pytest.raises(PricingError) as exc:
        load_tables(user_files=[f])
    assert "\n" not in str(exc.value) and key in str(exc.value) and str(f) in str(exc.value)


@settings(max_examples=40, deadline=None)
@given(table=st.sampled_from(["top", "model", "price", "tier", "self_hosted", "rate"]),
       key=st.from_regex(r"[a-z][a-z_]{2,12}", fullmatch=True))
def test_property_an_unknown_key_is_refused_by_name(tmp_path_factory, table, key):
    from tokcost.schema.tables import ModelIn, PriceFileIn, PriceIn, RateIn, SelfHostedIn, TierIn

    known = {"top": PriceFileIn, "model": ModelIn, "price": PriceIn, "tier": TierIn,
             "self_hosted": SelfHostedIn, "rate": RateIn}[table]
    if key in {f.alias or n for n, f in known.model_fields.items()}:
        return
    line = f"{key} = 1\n"
    tier = "[[model.price.tier]]\nabove_input_tokens = 200000\ninput = 2.0\noutput = 4.0\n"
    text = {"top": HEAD + line + MODEL + _row(), "model": HEAD + MODEL + line + _row(),
            "price": HEAD + MODEL + _row() + line, "tier": HEAD + MODEL + _row() + tier + line,
            "self_hosted": HEAD + MODEL + SELF + line,
            "rate": "schema = 1\n" + RATE + line}[table]
    f = tmp_path_factory.mktemp("unknown") / "mine.toml"
    f.write_text(text, encoding="utf-8")
    rendered = [i.render() for i in validate([f], today=TODAY) if i.severity == "error"]
    assert rendered == [r for r in rendered if "\n" not in r]
    assert any(f"unknown key {key!r}" in r for r in rendered), rendered


def test_shipped_tables_and_fx_validate_as_their_records():
    from tokcost.schema.tables import FxFileIn, PriceFileIn, validate_table

    for path in sorted(PRICING.glob("*.toml")):
        if path.name == "featured.toml":
            continue
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        typed = validate_table(doc, shipped=True, stem=path.stem)
        assert isinstance(typed, FxFileIn if path.stem == "fx" else PriceFileIn)


def test_fx_file_without_a_default_rate_is_refused():
    from pydantic import ValidationError

    from tokcost.schema.tables import explain_table, validate_table

    doc = tomllib.loads(RATE.replace("default = true\n", ""))
    doc["schema"] = 1
    with pytest.raises(ValidationError) as exc:
        validate_table(doc, shipped=True, stem="fx")
    [(where, what, hint)] = explain_table(exc.value, doc)
    assert where == () and "no [[rate]] has default = true" in what and hint


def test_mistral_tokenizer_versions_follow_mistral_common():
    """mistral-common: tokenizer v1 for open-mistral-7b / open-mixtral-8x7b, v3 for
    open-mixtral-8x22b. The catalog listed Mixtral 8x7B under the v3 file; 8x22B matched no rule."""
    from tokcost.tokenizers.catalog import load_catalog
    from tokcost.tokenizers.families import family_for

    v3 = load_catalog().get("mistral-spm-v3")
    assert v3 is not None and "Mixtral-8x7B-Instruct-v0.1" not in v3.models
    assert "Mixtral-8x22B-Instruct-v0.1" in v3.models
    for mid in ("mixtral-8x22b-instruct", "open-mixtral-8x22b", "mistralai/Mixtral-8x22B-Instruct-v0.1"):
        fam = family_for(mid)
        assert (fam.tokenizer, fam.tokenizer_match) == ("mistral-spm-v3", "exact"), mid
    for mid in ("mixtral-8x7b", "open-mixtral-8x7b", "mistral-7b"):  # v1: not in the catalog
        assert family_for(mid).tokenizer != "mistral-spm-v3", mid
