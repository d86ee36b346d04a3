"""The one renderer: every format carries every label field."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tokcost.errors import TokcostError
from tokcost.output import Output, emit, render, shown_columns, table_cells

ROWS = [
    {"model": "gpt-6-sol", "cost": 0.0123, "tokenizer_match": "presumed", "price_confidence": "high",
     "price_variant": "standard", "price_date": "2026-11-02", "retired": False},
    {"model": "deepseek-v4-flash", "cost": 0.0009, "tokenizer_match": "exact",
     "price_confidence": "medium", "price_variant": "off-peak", "price_date": "2026-09-10",
     "retired": False},
]


def _out() -> Output:
    return Output("tokcost/cost/1", [dict(r) for r in ROWS], [("model", "model"), ("cost", "cost")],
                  title="cost", warnings=["a price is 90 days old"], footer=["sig:1"])


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_labels_reach_every_format(fmt):
    text = render(_out(), fmt)
    for word in ("presumed", "off-peak", "medium", "2026-09-10"):
        assert word in text, (fmt, word)


def test_label_columns_are_appended_once_and_only_when_present():
    cols = [k for k, _ in shown_columns(_out())]
    assert cols[:2] == ["model", "cost"]
    assert cols.count("tokenizer_match") == 1
    assert "identity" not in cols and "retired" not in cols  # absent / all False
    heads, cells = table_cells(_out())
    assert heads[2] == "tokenizer match" and cells[0][2] == "presumed"


def test_json_envelope_and_csv_are_complete():
    doc = json.loads(render(_out(), "json"))
    assert doc["schema"] == "tokcost/cost/1" and doc["warnings"] == ["a price is 90 days old"]
    assert doc["rows"][1]["price_variant"] == "off-peak"
    rows = list(csv.DictReader(io.StringIO(render(_out(), "csv"))))
    assert set(rows[0]) == set(ROWS[0])


def test_emit_refuses_to_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "out.md"
    emit(_out(), "markdown", target)
    assert "presumed" in target.read_text(encoding="utf-8")
    assert "90 days old" in capsys.readouterr().err
    with pytest.raises(TokcostError, match="exists"):
        emit(_out(), "markdown", target)
    emit(_out(), "csv", target, force=True)
    assert target.read_text(encoding="utf-8").startswith("model,")
    with pytest.raises(TokcostError, match="directory"):
        emit(_out(), "csv", tmp_path, force=True)


def test_unknown_format_is_an_error():
    with pytest.raises(ValueError, match="unknown format"):
        render(_out(), "yaml")
