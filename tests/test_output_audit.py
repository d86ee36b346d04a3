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

from conftest import digit_split_ax
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
    for child in mirror.iterdir():  # every other tokenizer as the mirror has it
        if child.is_dir() and child.name != AX.parts[0]:
            (tmp_path / "mirror" / child.name).symlink_to(child, target_is_directory=True)
    digit_split_ax(mirror, folder, configs=True)
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


def test_report_headline_marks_an_unverified_tokenizer(unverified_mirror, tmp_path):
    """The report's first table (the budget headline) showed A.X 4.0 counted with an unverified
    file as 'presumed tokenizer; self-hosted' only: HeadlineRow had no identity, so the badge
    the budget and cost tables draw (UNVERIFIED) was lost in results.json, Markdown and HTML."""
    corpus = tmp_path / "p.jsonl"
    corpus.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in [
        {"id": "1", "ko": "2025년 7월 15일 매출 1234567원",
         "en": "Sales of 1,234,567 won on 15 July 2025"},
        {"id": "2", "ko": "안녕하세요 반갑습니다", "en": "Hello, nice to meet you"}]) + "\n",
        encoding="utf-8")
    out = tmp_path / "rep"
    res = _run("-q", "report", "-o", str(out), "-c", str(corpus), "-t", "ax-4.0",
               "-m", "A.X-4.0", "--lang", "en")
    assert res.exit_code == 0, res.output
    doc = json.loads((out / "results.json").read_text("utf-8"))
    _schema("report").validate(doc)
    (head,) = doc["headline"]
    assert head["model"] == "skt/A.X-4.0" and head["identity"] == "unverified"
    md = (out / "report.md").read_text("utf-8")
    section = md.split("## Monthly budget for your workload", 1)[1].split("\n## ", 1)[0]
    line = next(ln for ln in section.splitlines() if ln.startswith("| skt/A.X-4.0"))
    assert "UNVERIFIED" in line, line
    html = (out / "report.html").read_text("utf-8")
    table = html.split('id="headline-table"', 1)[1].split("</table>", 1)[0]
    assert "UNVERIFIED" in table


@pytest.mark.parametrize("args", [
    ["count", "안녕하세요", "-t", "o200k_base"],
    ["count", "안녕하세요", "-t", "o200k_base", "-f", "json"],
    ["pricing", "show", "gpt-4o"],
    ["inspect", "안녕하세요", "-t", "o200k_base"],
], ids=["count-table", "count-json", "pricing-show", "inspect"])
def test_output_to_a_directory_says_so_without_offering_force(args, tmp_path):
    """`-o DIR` answered 'DIR exists (pass --force to overwrite it)'; with --force it then said
    DIR is a directory: the first answer offered a way out that does not exist."""
    for extra in ([], ["--force"]):
        res = _run(*args, "-o", str(tmp_path), *extra)
        assert res.exit_code == 2, res.output
        lines = [ln for ln in res.output.splitlines() if not ln.startswith("warning:")]
        assert len(lines) == 1 and "directory" in lines[0], res.output
        assert "--force" not in lines[0] and "Traceback" not in res.output


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_output_file_is_refused_without_force_and_written_with_it(fmt, tmp_path):
    target = tmp_path / f"out.{fmt}"
    target.write_text("keep", encoding="utf-8")
    args = ["count", "안녕하세요", "-t", "o200k_base", "-f", fmt, "-o", str(target)]
    res = _run(*args)
    assert res.exit_code == 2 and "exists" in res.output and "--force" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert target.read_text("utf-8") == "keep"
    assert _run(*args, "--force").exit_code == 0
    assert target.read_text("utf-8") == _run(*args[:-2]).stdout


def test_check_and_diff_mark_a_proxy_or_unverified_tokenizer(unverified_mirror, tmp_path):
    """A ratio measured on Gemini's proxy (Gemma 3) or on an unverified file was compared as
    'ko/en ratio · gemini · …' / '… · ax-4.0 · …' in every format of check and diff (their rows
    carry no label field; the metric names the money rows' presumed/proxy tokenizer only)."""
    corpus = tmp_path / "p.jsonl"
    corpus.write_text(json.dumps({"id": "1", "ko": "2025년 7월 15일 매출 1234567원",
                                  "en": "Sales of 1,234,567 won on 15 July 2025"},
                                 ensure_ascii=False) + "\n", encoding="utf-8")
    base = tmp_path / "base.json"
    res = _run("-q", "measure", "-c", str(corpus), "-t", "gemini", "-t", "ax-4.0",
               "-t", "o200k_base", "-f", "json", "-o", str(base))
    assert res.exit_code == 0, res.output
    runs = {f"diff {f}": ["diff", str(base), str(base), "-f", f]
            for f in ("table", "json", "csv", "markdown")}
    runs.update({f"check {f}": ["check", "-b", str(base), "--results", str(base), "-f", f]
                 for f in ("table", "json", "markdown")})
    for name, args in runs.items():
        res = _run(*args)
        assert res.exit_code == 0, (name, res.output)
        lines = res.stdout.splitlines()
        gemini = [ln for ln in lines if "· gemini" in ln]
        ax = [ln for ln in lines if "· ax-4.0" in ln]
        o200k = [ln for ln in lines if "· o200k_base" in ln]
        assert gemini and all("proxy" in ln for ln in gemini), (name, res.stdout)
        assert ax and all("unverified" in ln for ln in ax), (name, res.stdout)
        assert o200k and not any("proxy" in ln or "unverified" in ln for ln in o200k), name
        if name.endswith("json"):
            doc = json.loads(res.stdout)
            schema = "diff-row" if name.startswith("diff") else "check"
            for r in doc["rows"] if schema == "diff-row" else [doc]:
                _schema(schema).validate(r)


def test_pricing_show_text_says_retired_as_the_label_does():
    """The text view said 'deprecated 2026-07-24' for a model whose rows carry retired: true."""
    from typer.testing import CliRunner

    from tokcost.cli.app import app

    as_json = CliRunner().invoke(app, ["pricing", "show", "deepseek-chat", "-f", "json",
                                       "--as-of", "2026-12-01"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["retired"] is True
    text = CliRunner().invoke(app, ["pricing", "show", "deepseek-chat", "--as-of", "2026-12-01"])
    assert text.exit_code == 0, text.output
    assert "RETIRED     since 2026-07-24" in text.output and "deprecated  " not in text.output


def test_cost_and_budget_tables_name_the_proxy_as_count_does(mirror, monkeypatch):
    """cost and budget tables said 'gemini (proxy)' while count and the diagnostics said
    'gemini (proxy: gemma-3)'; budget rows did not carry proxy_of at all."""
    from typer.testing import CliRunner

    from tokcost.cli.app import app

    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(mirror))
    runner = CliRunner()
    for args in (["cost", "--text", "안녕하세요", "-m", "gemini-2.5-pro"],
                 ["budget", "-m", "gemini-2.5-pro", "--requests-per-day", "100"]):
        md = runner.invoke(app, [*args, "-f", "markdown"])
        assert md.exit_code == 0, md.output
        assert "| gemini (proxy: gemma-3) |" in md.stdout, md.output
        doc = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
        assert [(r["tokenizer_match"], r["proxy_of"]) for r in doc["rows"]] == [
            ("proxy", "gemma-3")]
