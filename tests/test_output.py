"""The one renderer: every format carries every label field."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

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


@pytest.mark.parametrize("footer", [["sig:1"], []])
@pytest.mark.parametrize("fmt", ["table", "markdown", "csv", "json"])
def test_every_format_ends_its_last_line(fmt, footer):
    """A document ends with a newline, so a warning on the terminal after it starts a line of
    its own (markdown without a footer ran the last table row into 'warning: …')."""
    out = _out()
    out.footer = footer
    assert render(out, fmt).endswith("\n")


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


# ---------------------------------------------------------------- every command goes through emit
def _cli(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "tokcost", *args], capture_output=True, text=True,
                          cwd=cwd, env=os.environ, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_cost_and_pricing_list_write_the_same_kind_of_file(mirror, tmp_path):
    """-o only chooses where: the format decides what (both used to differ: Markdown vs box)."""
    _cli("cost", "-m", "deepseek-v4-flash", "--as-of", "2026-12-01", "-o", str(tmp_path / "c"))
    _cli("pricing", "list", "--provider", "deepseek", "--as-of", "2026-12-01", "-o",
         str(tmp_path / "p"))
    for name in ("c", "p"):
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "┏" in text and "|---|" not in text, name
    cost = (tmp_path / "c").read_text(encoding="utf-8")
    # every label of the row reaches the table: match, variant, date (composed), identity,
    # confidence (appended)
    for word in ("presumed", "off-peak", "2026-09-10", "verified", "medium"):
        assert word in cost, word
    md = _cli("cost", "-m", "deepseek-v4-flash", "--as-of", "2026-12-01", "-f", "markdown").stdout
    assert "|---|" in md and "medium" in md and "presumed" in md


@pytest.mark.parametrize("fmt", ["csv", "markdown", "table"])
def test_count_has_every_format_with_its_labels(mirror, fmt):
    text = _cli("count", "안녕하세요 세계", "-t", "o200k_base", "-t", "gemini", "-f", fmt).stdout
    assert "gemma-3" in text and "proxy" in text and "verified" in text, text
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        assert [r["tokenizer_match"] for r in rows] == ["exact", "proxy"]
        assert rows[1]["tokenizer"] == "gemini" and rows[1]["proxy_of"] == "gemma-3"
    if fmt == "markdown":
        assert text.splitlines()[1].startswith("|---|")


def test_tokenizers_show_json_has_the_envelope(mirror):
    doc = json.loads(_cli("tokenizers", "show", "o200k_base", "-f", "json").stdout)
    assert doc["schema"] == "tokcost/tokenizers-show/1" and doc["tokcost_version"]
    assert doc["id"] == "o200k_base" and doc["rows"] == doc["resolution"] and doc["rows"]
    assert doc["identity"] == "verified"


@pytest.mark.parametrize("fmt", ["csv", "json", "markdown"])
def test_diagnostics_rows_carry_the_proxy_label_in_every_format(mirror, fmt):
    text = _cli("normalization", "한국어", "-t", "gemini", "-f", fmt).stdout
    if fmt == "csv":
        (row,) = csv.DictReader(io.StringIO(text))
        assert (row["tokenizer"], row["proxy_of"], row["tokenizer_match"]) == (
            "gemini", "gemma-3", "proxy")
    elif fmt == "json":
        (row,) = json.loads(text)["rows"]
        assert row["proxy_of"] == "gemma-3" and row["tokenizer_match"] == "proxy"
    else:
        assert "gemini (proxy: gemma-3)" in text and "| proxy |" in text


def test_library_cost_is_the_cli_cost(mirror):
    """tokcost.cost() and `tokcost cost` price the same workload: the default answer length
    (DEFAULT_OUTPUT_TOKENS; the library priced no answer at all) and the requests one by one."""
    from datetime import date

    import tokcost
    from tokcost.costing import DEFAULT_OUTPUT_TOKENS

    (lib,) = tokcost.cost(["gpt-5-mini"], as_of=date(2026, 12, 1))
    (cli,) = json.loads(_cli("cost", "-m", "gpt-5-mini", "--as-of", "2026-12-01", "-f",
                             "json").stdout)["rows"]
    assert lib["en_output_tokens"] == DEFAULT_OUTPUT_TOKENS
    for key in ("input_tokens", "output_tokens", "en_input_tokens", "en_output_tokens"):
        assert lib[key] == cli[key], key
    assert lib["cost"] == pytest.approx(cli["cost"], rel=1e-12)


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
@pytest.mark.parametrize("command", ["inspect", "explain"])
def test_inspect_and_explain_carry_the_labels_in_every_format(mirror, command, fmt):
    """inspect and explain go through the one renderer: the proxy and identity labels of the
    tokenizer that counted (gemini is counted with gemma-3) reach every format."""
    text = _cli(command, "한국어 토큰 한국어", "-t", "gemini", "-t", "o200k_base", "-f", fmt).stdout
    if fmt == "json":
        doc = json.loads(text)
        assert doc["schema"] == f"tokcost/{command}/1" and doc["input"] == "text"
        rows = {r["tokenizer"]: r for r in doc["rows"]}
        assert rows["gemini"]["tokenizer_match"] == "proxy"
        assert rows["gemini"]["proxy_of"] == "gemma-3"
        assert rows["o200k_base"]["identity"] == "verified"
        assert ("pieces" if command == "inspect" else "top") in rows["gemini"]
    elif fmt == "csv":
        rows = {r["tokenizer"]: r for r in csv.DictReader(io.StringIO(text))}
        assert (rows["gemini"]["tokenizer_match"], rows["gemini"]["proxy_of"]) == ("proxy",
                                                                                  "gemma-3")
        assert rows["o200k_base"]["identity"] == "verified"
    else:
        assert "gemini (proxy: gemma-3)" in text, text
        assert "tokenizer match" in text and "identity" in text and "verified" in text, text
        if fmt == "markdown":
            assert "| proxy |" in text


def test_html_rendering_escapes_every_cell_and_keeps_the_labels():
    out = _out()
    out.rows[0] = {**out.rows[0], "model": '<script>alert("x")</script>'}
    text = render(out, "html")
    assert "<script>" not in text and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
    assert "<th>tokenizer match</th>" in text and '<td data-col="price_variant">off-peak</td>' in text
    assert "<caption>cost</caption>" in text
