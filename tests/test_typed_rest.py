"""The rows that were the last to be written untyped (issue #15): ``pricing fx`` (rows and
envelope), ``pricing show``'s model header, ``pricing validate`` issues, ``pricing drift`` and
``corpora show`` rows are records of ``schema.listing``, checked where the library makes them, and
what the commands write is exactly those records: no field lost, no undeclared key, and it
validates against the committed JSON Schema."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from pydantic import BaseModel, ValidationError
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.schema import listing

REPO = Path(__file__).resolve().parents[1]
ENVELOPE = ("schema", "tokcost_version", "warnings", "rows")

# schema name (docs/schemas/NAME.schema.json) -> its record
ROW = {"pricing-fx-row": listing.FxListRecord, "pricing-validate-row": listing.PriceIssueRecord,
       "pricing-drift-row": listing.DriftRecord, "corpora-show-row": listing.CorpusShowRecord,
       "pricing-list-row": listing.PriceListRecord}
HEAD = {"pricing-fx": listing.FxEnvelopeRecord, "pricing-show": listing.PriceShowRecord}


def _json(args: list[str], code: int = 0) -> dict:
    res = CliRunner().invoke(app, args)
    assert res.exit_code == code, res.output
    return json.loads(res.stdout)


def _keys(model: type[BaseModel]) -> list[str]:
    """The record's fields by their JSON names, in declaration order."""
    return [f.alias or name for name, f in model.model_fields.items()]


def _validator(name: str):
    schema = json.loads((REPO / "docs" / "schemas" / f"{name}.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(schema)


def _assert_row_is_record(row: dict, name: str) -> None:
    model = ROW[name]
    assert list(row) == [k for k in _keys(model) if k in row], "keys out of the record's order"
    missing = set(_keys(model)) - set(row)
    # pricing-list-row: the pricing show fields (in_force …) are absent from pricing list rows
    assert not missing or (model is listing.PriceListRecord
                           and missing <= {"in_force", "used", "file", "line", "snapshots"}), \
        f"{name}: row lost {sorted(missing)}"
    model.model_validate(row)  # strict, unknown keys refused
    _validator(name).validate(row)


CASES = [
    (["pricing", "fx", "-f", "json"], "pricing-fx-row", "pricing-fx"),
    (["pricing", "fx", "--as-of", "2025-06-01", "--fx", "1400", "--amount", "12.5", "--vat",
      "-f", "json"], "pricing-fx-row", "pricing-fx"),
    (["pricing", "fx", "--as-of", "2026-03-01", "--amount", "10000", "--from", "KRW", "-f",
      "json"], "pricing-fx-row", "pricing-fx"),
    (["pricing", "validate", "--today", "2030-01-01", "-f", "json"], "pricing-validate-row",
     None),
    (["pricing", "drift", "--as-of", "2026-12-01", "-f", "json"], "pricing-drift-row", None),
    (["pricing", "drift", "--as-of", "2026-12-01", "--no-litellm", "-f", "json"],
     "pricing-drift-row", None),
    (["corpora", "show", "samples/news", "-f", "json"], "corpora-show-row", None),
    (["corpora", "show", "samples", "--domain", "law", "-n", "3", "--normalize", "nfc", "-f",
      "json"], "corpora-show-row", None),
    (["pricing", "show", "HCX-007", "--as-of", "2026-12-01", "--currency", "USD", "--fx", "1400",
      "--vat", "-f", "json"], "pricing-list-row", "pricing-show"),
    (["pricing", "show", "gpt-5.4", "--as-of", "2026-12-01", "-f", "json"], "pricing-list-row",
     "pricing-show"),
]


@pytest.mark.parametrize(("args", "row", "head"), CASES, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else None)
def test_written_rows_and_envelopes_are_exactly_their_records(args, row, head):
    doc = _json(args)
    assert doc["rows"], "nothing to check"
    for r in doc["rows"]:
        _assert_row_is_record(r, row)
    if head is None:
        return
    info = {k: v for k, v in doc.items() if k not in ENVELOPE}
    model = HEAD[head]
    optional = {model.model_fields[n].alias or n for n, f in model.model_fields.items()
                if not f.is_required()}
    assert list(info) == [k for k in _keys(model) if k in info]
    assert set(_keys(model)) - set(info) <= optional, "the envelope lost a field"
    model.model_validate(info)
    _validator(head).validate(info)


def test_the_records_say_what_the_commands_write():
    """Values, not only shapes: the fx conversion, the used rate, the show header's price."""
    fx = _json(["pricing", "fx", "--as-of", "2025-06-01", "--fx", "1400", "--amount", "10",
                "-f", "json"])
    env = listing.FxEnvelopeRecord.model_validate(
        {k: v for k, v in fx.items() if k not in ENVELOPE})
    assert env.used.confidence == "user" and env.used.krw_per_usd == 1400.0
    assert env.conversion is not None
    assert (env.conversion.from_.amount, env.conversion.to.amount) == (10.0, 14000.0)
    rows = [listing.FxListRecord.model_validate(r) for r in fx["rows"]]
    assert [r.used for r in rows].count(True) == 1 and rows[-1].source == "--fx override"
    assert "conversion" not in _json(["pricing", "fx", "-f", "json"])

    show = _json(["pricing", "show", "HCX-007", "--as-of", "2026-12-01", "--currency", "USD",
                  "--fx", "1400", "-f", "json"])
    head = listing.PriceShowRecord.model_validate(
        {k: v for k, v in show.items() if k not in ENVELOPE})
    assert (head.model, head.currency, head.tokenizer) == ("HCX-007", "USD", "hcx-api")
    assert head.fx is not None and head.fx.krw_per_usd == 1400.0
    assert head.price_in_force.status == "priced" and head.price_in_force.currency == "USD"
    assert head.price_in_force.input == pytest.approx(1500.0 / 1400)


def test_pricing_validate_rows_of_a_broken_file(tmp_path):
    """Errors with a line and without one (a missing file) are both records."""
    bad = tmp_path / "mine.toml"
    bad.write_text('schema = 1\nprovider = "naver"\n\n[[model]]\nid = "HCX-007"\nbogus = 1\n',
                   encoding="utf-8")
    doc = _json(["pricing", "validate", str(bad), str(tmp_path / "nope.toml"), "--today",
                 "2026-12-01", "-f", "json"], code=1)
    for r in doc["rows"]:
        _assert_row_is_record(r, "pricing-validate-row")
    issues = [listing.PriceIssueRecord.model_validate(r) for r in doc["rows"]]
    assert {(i.severity, i.line is None) for i in issues} == {("error", False), ("error", True)}
    assert doc["errors"] == 2


def test_an_unexplained_drift_is_a_record_too(tmp_path):
    from tokcost.pricing import load_tables
    from tokcost.pricing.drift import drift

    f = tmp_path / "mine.toml"
    f.write_text('schema = 1\nprovider = "openai"\n\n[[model]]\nid = "gpt-4o"\n\n'
                 '  [[model.price]]\n  effective = 2026-01-01\n  currency = "USD"\n'
                 '  input = 9.0\n  output = 10.0\n  source = "typo"\n  confidence = "high"\n',
                 encoding="utf-8")
    rows = [r.as_dict() for r in drift(load_tables(user_files=[f]), date(2026, 12, 1),
                                        litellm=False)]
    for r in rows:
        _assert_row_is_record(r, "pricing-drift-row")
    assert [r["model"] for r in rows if r["status"] == "differs"] == ["gpt-4o"]


@pytest.mark.parametrize("name", [*ROW, *HEAD])
def test_a_lost_field_or_an_undeclared_key_fails_the_record_and_the_schema(name):
    """A real row with one field dropped, or one key added, is refused by the record and by the
    published schema."""
    args = {"pricing-fx-row": ["pricing", "fx", "-f", "json"],
            "pricing-fx": ["pricing", "fx", "--amount", "1", "-f", "json"],
            "pricing-validate-row": ["pricing", "validate", "--today", "2030-01-01", "-f",
                                     "json"],
            "pricing-drift-row": ["pricing", "drift", "--no-litellm", "-f", "json"],
            "corpora-show-row": ["corpora", "show", "samples", "-n", "1", "-f", "json"],
            "pricing-list-row": ["pricing", "list", "-p", "naver", "-f", "json"],
            "pricing-show": ["pricing", "show", "HCX-007", "-f", "json"]}[name]
    doc = _json(args)
    good = doc["rows"][0] if name in ROW else {k: v for k, v in doc.items() if k not in ENVELOPE}
    model = ROW.get(name) or HEAD[name]
    validator = _validator(name)
    model.model_validate(good)
    validator.validate(good)
    with pytest.raises(ValidationError):
        model.model_validate({**good, "bogus": 1})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**good, "bogus": 1})
    for key, field in model.model_fields.items():
        if not field.is_required():
            continue
        lost = {k: v for k, v in good.items() if k != (field.alias or key)}
        with pytest.raises(ValidationError):
            model.model_validate(lost)
        with pytest.raises(jsonschema.ValidationError):
            validator.validate(lost)


def test_the_library_refuses_a_row_off_its_record():
    """The check is where the row is made: a severity, status or id off the record fails in
    the library, before any renderer."""
    from tokcost.corpora.listing import pair_rows
    from tokcost.corpora.records import Pair
    from tokcost.pricing.drift import DriftRow
    from tokcost.pricing.tables import Issue

    assert Issue("warning", "f.toml", "old", None, 3).as_dict() == {
        "severity": "warning", "file": "f.toml", "line": 3, "message": "old", "hint": None}
    with pytest.raises(ValidationError):
        Issue("fatal", "f.toml", "m").as_dict()
    with pytest.raises(ValidationError):
        Issue("error", "f.toml", "m", line=0).as_dict()
    with pytest.raises(ValidationError):
        DriftRow("openai", "gpt-5", "genai-prices", "same", "1", "1").as_dict()
    assert pair_rows([Pair("1", "안녕", None)], 5) == [
        {"id": "1", "domain": None, "ko": "안녕", "en": None}]
    with pytest.raises(ValidationError):
        pair_rows([Pair(7, "안녕", "hi")], 5)  # type: ignore[arg-type]  # an id must be text
