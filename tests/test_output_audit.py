"""Audit of the labels promise, command by command: a label a row could carry (an unverified
tokenizer file, a proxy, a presumed mapping) reaches every format a command offers, and what a
command writes is what its published JSON Schema describes. Real tokenizers (the shared mirror),
never mocks."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from tokcost.cli.app import app

REPO = Path(__file__).resolve().parents[1]
AX = Path("skt") / "A.X-4.0-Light"


def _run(*args: str):
    return CliRunner().invoke(app, list(args))


def _schema(name: str) -> jsonschema.Draft202012Validator:
    doc = json.loads((REPO / "docs" / "schemas" / f"{name}.schema.json").read_text("utf-8"))
    return jsonschema.Draft202012Validator(doc)


@pytest.fixture
def unverified_mirror(mirror, tmp_path, monkeypatch) -> Path:
    """A mirror whose A.X 4.0 tokenizer.json is not the catalog's (a digit-splitting copy): it
    loads, counts differently, and is labelled identity=unverified."""
    folder = tmp_path / "mirror" / AX
    folder.mkdir(parents=True)
    src = mirror / AX
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        (folder / name).write_bytes((src / name).read_bytes())
    doc = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    doc["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True}, doc["pre_tokenizer"]]}
    (folder / "tokenizer.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("TOKCOST_STRICT", "")  # restored after the test
    return folder / "tokenizer.json"


def test_tokenizers_list_marks_an_unverified_file_in_json_and_table(unverified_mirror):
    """`tokenizers list` resolved ax-4.0 to a copy that is not the catalog's and listed it as
    'exact, available, mirror' in both formats: the identity it resolves was dropped."""
    res = _run("tokenizers", "list", "-f", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    rows = {r["id"]: r for r in doc["rows"]}
    assert rows["ax-4.0"]["path"] == str(unverified_mirror)
    assert rows["ax-4.0"]["identity"] == "unverified"
    assert rows["ax-4.0"]["tokenizer_match"] == "presumed"  # never exact
    assert rows["o200k_base"]["identity"] == "verified"
    assert rows["o200k_base"]["tokenizer_match"] == "exact"
    for r in doc["rows"]:
        _schema("tokenizers-list-row").validate(r)
    table = _run("tokenizers", "list").stdout
    line = next(ln for ln in table.splitlines() if "ax-4.0" in ln)
    assert "unverified" in line and "presumed" in line, table
