"""The CLI people expect: -V, completion, -q/-v, tokcost.toml defaults for every command, a warning
for a TOKCOST_TOKENIZERS_DIR that does not exist, piped tables that keep whole words; results.xlsx."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tokcost._version import __version__


def _run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tokcost", *args], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=600)


def test_short_version_flag() -> None:
    for flag in ("-V", "--version"):
        proc = _run(flag)
        assert proc.returncode == 0 and proc.stdout.strip() == f"tokcost {__version__}"


def test_shell_completion_is_offered() -> None:
    help_text = _run("--help").stdout
    assert "--install-completion" in help_text and "--show-completion" in help_text
    assert "-q" in help_text and "-v" in help_text


def test_missing_tokenizers_dir_is_a_warning(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-mirror"
    proc = _run("tokenizers", "list", env={"TOKCOST_TOKENIZERS_DIR": str(missing)})
    assert f"warning: TOKCOST_TOKENIZERS_DIR: {missing} does not exist" in proc.stderr


def test_config_sets_defaults_of_every_command(tmp_path: Path, mirror: Path) -> None:
    """[workload], [report] and the top-level tokenizers/models of tokcost.toml are the defaults
    of report (and of any command with those options); a flag still wins."""
    (tmp_path / ".git").mkdir()  # the config search stops at the repository root
    (tmp_path / "tokcost.toml").write_text(
        'tokenizers = ["o200k_base"]\nmodels = ["gpt-4o", "gpt-4o-mini"]\n'
        '[workload]\nrequests_per_day = 4321\ndays = 20\ninput_chars = 1200\noutput_chars = 300\n'
        'models = ["gpt-4o-mini"]\n[report]\nlang = "ko"\nout = "rep"\n', "utf-8")
    env = {"TOKCOST_TOKENIZERS_DIR": str(mirror), "LANG": "C.UTF-8", "LC_ALL": ""}
    proc = _run("-q", "report", "--as-of", "2026-11-01", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # -q: no "wrote …" lines
    import json

    doc = json.loads((tmp_path / "rep" / "results.json").read_text("utf-8"))
    b = doc["settings"]["budget"]
    assert (b["requests_per_day"], b["days"], b["input_chars"], b["output_chars"]) == (4321, 20, 1200, 300)
    assert b["shortlist"] == ["gpt-4o-mini"] and b["shortlist_given"]
    assert b["source"].endswith("tokcost.toml")
    assert doc["settings"]["tokenizers"] == ["o200k_base"] and doc["lang"] == "ko"
    assert {r["model"] for r in doc["cost"]} == {"gpt-4o", "gpt-4o-mini"}
    html = (tmp_path / "rep" / "report.html").read_text("utf-8")
    assert "하루 4,321건 × 20일" in html
    # a flag wins over the file
    proc = _run("report", "--lang", "en", "--requests-per-day", "10", "--as-of", "2026-11-01",
                cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "rep" / "results.json").read_text("utf-8"))
    assert doc["lang"] == "en" and doc["settings"]["budget"]["requests_per_day"] == 10
    assert doc["settings"]["budget"]["source"] == "command-line flags"
    # another command takes the same defaults: budget needs no --requests-per-day now
    proc = _run("budget", "--as-of", "2026-11-01", "-f", "json", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["rows"]
    assert {r["model"] for r in rows} == {"gpt-4o", "gpt-4o-mini"}


def test_config_corpora_reach_one_corpus_commands(tmp_path: Path, mirror: Path) -> None:
    """`corpora = [...]` is a list; commands whose --corpus takes one corpus (cost, coverage) get
    its first entry, not the list's text ("['samples']: no file matches")."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "tokcost.toml").write_text(
        'corpora = ["samples"]\ntokenizers = ["o200k_base"]\nmodels = ["gpt-4o"]\n', "utf-8")
    env = {"TOKCOST_TOKENIZERS_DIR": str(mirror)}
    proc = _run("cost", "--as-of", "2026-11-01", "-f", "json", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    import json

    rows = json.loads(proc.stdout)["rows"]
    assert {r["model"] for r in rows} == {"gpt-4o"}
    # the same figures as naming the corpus on the command line
    flag = _run("cost", "--as-of", "2026-11-01", "-f", "json", "-c", "samples", "-m", "gpt-4o",
                cwd=tmp_path, env=env)
    assert flag.returncode == 0, flag.stderr
    assert [r["input_tokens"] for r in rows] == [r["input_tokens"] for r in json.loads(flag.stdout)["rows"]]
    proc = _run("coverage", "-f", "json", cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr
    assert [r["tokenizer"] for r in json.loads(proc.stdout)["rows"]] == ["o200k_base"]


def test_bad_workload_in_config_is_one_line(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "tokcost.toml").write_text('[workload]\nrequests_per_dya = 5\n', "utf-8")
    proc = _run("report", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "requests_per_dya" in proc.stderr and "requests_per_day" in proc.stderr


def test_piped_tables_do_not_wrap_mid_word(mirror: Path) -> None:
    proc = _run("cost", "-m", "gpt-4o", "-m", "gpt-4o-mini", "--as-of", "2026-11-01",
                env={"TOKCOST_TOKENIZERS_DIR": str(mirror), "COLUMNS": "60"})
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert any("gpt-4o-mini" in ln for ln in lines)  # the id on one line, not cut
    # the diagnostics tables too (they printed at rich's 80 columns and cut "tokenizer")
    proc = _run("coverage", "-t", "o200k_base", "-c", "samples",
                env={"TOKCOST_TOKENIZERS_DIR": str(mirror), "COLUMNS": "60"})
    assert proc.returncode == 0, proc.stderr
    header = next((ln for ln in proc.stdout.splitlines() if ln.startswith("┃")), "")
    assert "tokenizer" in header and "tok/syl all" in header, proc.stdout


def test_xlsx_sheets_and_no_formulas(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    from tokcost.report.xlsx import safe_text, to_xlsx

    row = {"model": "=HYPERLINK(\"http://x\")", "provider": "+evil", "currency": "USD",
           "cost": 0.5, "tokenizer_match": "proxy", "price_confidence": "low"}
    doc = {"measure": [{"domain": "all", "corpus": "samples", "tokenizer": "@t", "ratio": 1.2}],
           "cost": [row], "budget": [{**row, "monthly_cost": 12.5}],
           "settings": {"budget": {"requests_per_day": 1, "days": 30, "input_chars": 1,
                                   "output_chars": 1, "shortlist": ["-x"]},
                        "output_tokens": 500, "as_of": "2026-11-01", "fx_krw_per_usd": 1400.0,
                        "vat": False, "requests": "requests"}}
    path = tmp_path / "r.xlsx"
    path.write_bytes(to_xlsx(doc) or b"")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["premium", "cost", "budget", "assumptions", "sources"]
    for ws in wb.worksheets:
        for cells in ws.iter_rows():
            for c in cells:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
    cost = wb["cost"]
    header = [c.value for c in cost[1]]
    assert {"tokenizer_match", "price_confidence", "price_variant", "retired"} <= set(header)
    assert cost.cell(row=2, column=header.index("cost") + 1).value == 0.5  # numbers stay numbers
    assert safe_text("=1+1").startswith("'") and safe_text("plain") == "plain"


def test_report_progress_names_stages_with_a_total_and_eta(tmp_path: Path, mirror: Path) -> None:
    """On a terminal, `report` shows which stage it is in, out of how many, and an ETA (it was a
    bare spinner); piped or with -q it shows nothing."""
    import pty
    import re
    import select

    master, slave = pty.openpty()
    env = {**os.environ, "TOKCOST_TOKENIZERS_DIR": str(mirror), "COLUMNS": "160", "TERM": "xterm"}
    env.pop("CI", None)
    proc = subprocess.Popen([sys.executable, "-m", "tokcost", "report", "--out", str(tmp_path / "r"),
                             "-t", "o200k_base", "-m", "gpt-4o", "--no-diagnostics"],
                            stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    assert proc.wait(timeout=600) == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", seen.decode("utf-8", "replace"))
    assert re.search(r"report: measure .* \d/7 .*ETA", text), text[-500:]
    assert "report: write" in text
    piped = _run("report", "--out", str(tmp_path / "r"), "-t", "o200k_base", "-m", "gpt-4o",
                 "--no-diagnostics", env={"TOKCOST_TOKENIZERS_DIR": str(mirror)})
    assert piped.returncode == 0 and "ETA" not in piped.stderr, piped.stderr


def test_every_option_a_hint_names_exists():
    """Catalog notes and family rules are shown to users as hints (count, tokenizers show, cost
    rows); each `--option` they name must be an option of tokcost or one of its commands (the
    Claude note named a `--proxy` that never existed)."""
    import re

    import typer
    from typer.testing import CliRunner

    from tokcost.cli.app import app
    from tokcost.tokenizers.catalog import load_catalog

    root = typer.main.get_command(app)
    ctx = typer.Context(root)
    known: set[str] = set()

    def walk(cmd: Any) -> None:
        for p in cmd.params:
            known.update(o for o in (*p.opts, *p.secondary_opts) if o.startswith("--"))
        if hasattr(cmd, "list_commands"):  # a group (typer's own click, not necessarily ours)
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is not None:
                    walk(sub)

    walk(root)
    assert {"--api-count", "--strict", "--add-special-tokens"} <= known
    src = Path(__file__).resolve().parents[1] / "src" / "tokcost" / "tokenizers"
    texts = [e.note or "" for e in load_catalog().values()]
    texts += [(src / "families.toml").read_text(encoding="utf-8")]
    named = {o for t in texts for o in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", t)}
    assert named and named <= known, sorted(named - known)
    res = CliRunner().invoke(app, ["count", "안녕", "-t", "claude"])
    assert res.exit_code == 2 and "--api-count" in res.output and "--proxy" not in res.output
