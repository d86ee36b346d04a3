"""The CI gate: tokcost check / diff on real measurements, prompt budgets, project config."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.config import TOP_KEYS, ConfigError, find_config, parse_config
from tokcost.gate import Thresholds, compare, normalize
from tokcost.tokenizers import load_tokenizer

runner = CliRunner()

PAIRS = [
    ("안녕하세요, 주문하신 상품은 내일 도착합니다.", "Hello, the item you ordered arrives tomorrow."),
    ("환불은 영업일 기준 3일 안에 처리됩니다.", "Refunds are processed within three business days."),
    ("계약서 제3조를 확인해 주세요.", "Please check Article 3 of the contract."),
    ("서울의 오늘 날씨는 맑고 따뜻합니다.", "The weather in Seoul is clear and warm today."),
    ("비밀번호를 잊으셨다면 재설정 링크를 보내 드립니다.",
     "If you forgot your password, we will send you a reset link."),
]

CONFIG = """\
corpora = ["pairs.jsonl"]
tokenizers = ["o200k_base"]
models = ["gpt-5-mini"]

[check]
baseline = "ci/baseline.json"
max_ratio_increase = 5
max_cost_increase = 10

[[prompts]]
glob = "prompts/**/*.txt"
max_tokens = 1000
model = "gpt-5-mini"
"""


@pytest.fixture
def project(mirror, tmp_path, monkeypatch) -> Path:
    """A project with a small ko/en corpus, a prompt, and tokcost.toml; the current directory."""
    (tmp_path / ".git").mkdir()  # the repository root: config lookup stops here
    (tmp_path / "pairs.jsonl").write_text(
        "".join(json.dumps({"ko": k, "en": e}, ensure_ascii=False) + "\n" for k, e in PAIRS),
        encoding="utf-8")
    (tmp_path / "prompts" / "support").mkdir(parents=True)
    (tmp_path / "prompts" / "support" / "system.txt").write_text(
        "당신은 친절한 고객 상담원입니다. 고객의 질문에 정중하고 짧게 답하세요.", encoding="utf-8")
    (tmp_path / "tokcost.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


def _update(project: Path) -> dict:
    r = runner.invoke(app, ["check", "--update-baseline"])
    assert r.exit_code == 0, r.output
    assert "Wrote the new baseline to `ci/baseline.json`" in r.stdout
    return json.loads((project / "ci" / "baseline.json").read_text(encoding="utf-8"))


def _rewrite(path: Path, doc: dict) -> None:
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def _overall(doc: dict) -> dict:
    return next(r for r in doc["measure"] if r["corpus"] == "pairs" and r["domain"] == "all")


def test_update_baseline_then_flagless_check_passes(project):
    doc = _update(project)
    assert doc["schema"] == "tokcost/report/1"
    assert doc["settings"]["corpora"] == ["pairs.jsonl"]  # as written: valid on any machine
    tok = load_tokenizer("o200k_base")
    row = _overall(doc)
    ko, en = sum(tok.count([k for k, _ in PAIRS])), sum(tok.count([e for _, e in PAIRS]))
    assert (row["ko_tokens"], row["en_tokens"]) == (ko, en)
    assert row["ratio"] == pytest.approx(ko / en)
    assert {(c["model"], c["currency"]) for c in doc["cost"]} >= {("gpt-5-mini", "USD")}

    r = runner.invoke(app, ["check"])
    assert r.exit_code == 0, r.output
    assert "### tokcost check: passed" in r.stdout
    assert "| ko/en ratio · o200k_base · pairs | " in r.stdout
    assert "### tokcost prompt budgets: passed" in r.stdout  # the config's prompts ran too
    assert "prompts/support/system.txt" in r.stdout


def test_regression_fails_with_table_summary_and_junit(project, monkeypatch):
    doc = _update(project)
    base = project / "ci" / "baseline.json"
    row = _overall(doc)
    real = row["ratio"]
    row["ratio"] = real / 1.1  # the fresh ratio is now 10 % above the baseline
    usd = next(c for c in doc["cost"] if c["currency"] == "USD")
    usd["cost"] = usd["cost"] / 2
    _rewrite(base, doc)
    summary = project / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))

    r = runner.invoke(app, ["check", "--junit", "junit.xml"])
    assert r.exit_code == 1, r.output
    line = next(x for x in r.stdout.splitlines() if x.startswith("| ko/en ratio · o200k_base · pairs |"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells == ["ko/en ratio · o200k_base · pairs", f"{real / 1.1:.3f}", f"{real:.3f}",
                     "+10.00%", "+5%", "**REGRESSION**"]
    assert "| cost/request · gpt-5-mini · USD |" in r.stdout and "+100.00%" in r.stdout
    assert "### tokcost check: FAILED" in r.stdout

    text = summary.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n") and "### tokcost check: FAILED" in text
    assert line in text

    tree = ET.parse(project / "junit.xml").getroot()
    failed = [c.get("name") for c in tree.iter("testcase") if c.find("failure") is not None]
    assert sorted(failed) == ["cost/request · gpt-5-mini · USD", "ko/en ratio · o200k_base · pairs"]
    assert int(tree.get("tests")) == len(list(tree.iter("testcase"))) > 2
    assert int(tree.get("failures")) == 2

    # the same numbers are within a looser limit given on the command line (flags beat config)
    r = runner.invoke(app, ["check", "--max-ratio-increase", "10.5", "--max-cost-increase", "101"])
    assert r.exit_code == 0, r.output
    # and an absolute ceiling below the measured ratio fails
    r = runner.invoke(app, ["check", "--max-ratio-increase", "50", "--max-cost-increase", "200",
                            "--max-ratio", f"{real - 0.01:.3f}"])
    assert r.exit_code == 1 and "**OVER MAX**" in r.stdout


def test_small_increase_within_limit_passes(project):
    doc = _update(project)
    row = _overall(doc)
    row["ratio"] = row["ratio"] / 1.03  # +3 % now, limit 5 %
    _rewrite(project / "ci" / "baseline.json", doc)
    r = runner.invoke(app, ["check", "-f", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["schema"] == "tokcost/check/1" and out["passed"] is True
    got = next(x for x in out["rows"] if x["id"] == "ratio:o200k_base:pairs:all")
    assert got["change_pct"] == pytest.approx(3.0) and got["status"] == "ok"


def test_missing_rows_fail_and_new_rows_are_listed(project):
    doc = _update(project)
    _overall(doc)["tokenizer"] = "cl100k_base"  # the baseline had a tokenizer we no longer measure
    _rewrite(project / "ci" / "baseline.json", doc)
    r = runner.invoke(app, ["check", "--baseline", "ci/baseline.json"])
    assert r.exit_code == 1, r.output
    assert "| ko/en ratio · cl100k_base · pairs |" in r.stdout and "**MISSING**" in r.stdout
    new = next(x for x in r.stdout.splitlines() if x.startswith("| ko/en ratio · o200k_base · pairs |"))
    assert new.endswith("| new |")
    assert "prompt budgets" not in r.stdout  # --baseline on the command line: only that check


@pytest.mark.parametrize("content, expect", [
    ("{not json", "is not valid JSON"),
    ('{"schema": "tokcost/report/2", "measure": []}', "tokcost/report/2 is not supported"),
    ('{"schema": "tokcost/measure/1", "rows": [{"corpus": "x"}]}', "needs a text field"),
    ('[1, 2]', "expected a JSON object"),
])
def test_bad_baseline_is_exit_2_one_line(project, content, expect):
    (project / "bad.json").write_text(content, encoding="utf-8")
    r = runner.invoke(app, ["check", "--baseline", "bad.json"])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("tokcost: error: bad.json")
    assert expect in r.stderr and "Traceback" not in r.output


def test_missing_baseline_and_nothing_to_check(project):
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2 and "no such baseline" in r.stderr and "--update-baseline" in r.stderr
    (project / "tokcost.toml").write_text('corpora = ["samples"]\n', encoding="utf-8")
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2 and "nothing to check" in r.stderr


def test_config_typo_is_one_clear_line(project):
    (project / "tokcost.toml").write_text(CONFIG.replace("max_cost_increase", "max_cost_increse"),
                                          encoding="utf-8")
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1
    assert "tokcost.toml:8: unknown key 'max_cost_increse' in [check]" in r.stderr
    assert "did you mean max_cost_increase?" in r.stderr
    (project / "tokcost.toml").write_text(CONFIG.replace("max_tokens = 1000", 'max_tokens = "1k"'),
                                          encoding="utf-8")
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2 and "max_tokens in [prompts] must be an integer" in r.stderr


def test_pyproject_table_found_from_a_subdirectory(project, monkeypatch):
    (project / "tokcost.toml").unlink()
    body = CONFIG.replace("[check]", "[tool.tokcost.check]").replace(
        "[[prompts]]", "[[tool.tokcost.prompts]]")
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.tokcost]\n' + body,
                                            encoding="utf-8")
    sub = project / "src" / "pkg"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert find_config() == project / "pyproject.toml"
    r = runner.invoke(app, ["check", "--update-baseline", "--force"])
    assert r.exit_code == 0, r.output
    assert (project / "ci" / "baseline.json").is_file()  # relative to the config file, not cwd
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 0, r.output
    bad = (project / "pyproject.toml").read_text(encoding="utf-8").replace("models =", "modles =")
    (project / "pyproject.toml").write_text(bad, encoding="utf-8")
    r = runner.invoke(app, ["check"])
    assert r.exit_code == 2 and "unknown key 'modles' in [tool.tokcost]" in r.stderr


def test_prompt_budgets(project):
    big = project / "prompts" / "support" / "deep" / "faq.txt"
    big.parent.mkdir()
    big.write_text("주문 배송 환불 교환 문의는 고객센터로 연락해 주세요. " * 30, encoding="utf-8")
    tok = load_tokenizer("o200k_base")
    small_n, big_n = tok.count([(project / "prompts/support/system.txt").read_text("utf-8"),
                                big.read_text("utf-8")])
    assert small_n < big_n
    budget = (small_n + big_n) // 2
    r = runner.invoke(app, ["check", "--prompts", "prompts/**/*.txt", "--max-tokens", str(budget),
                            "--model", "gpt-5-mini"])
    assert r.exit_code == 1, r.output
    assert (f"| prompts/support/deep/faq.txt | gpt-5-mini (o200k_base) | {big_n:,} | {budget:,} "
            f"| {budget - big_n:+,} | **OVER BUDGET** |") in r.stdout
    assert f"| prompts/support/system.txt | gpt-5-mini (o200k_base) | {small_n:,} |" in r.stdout
    assert "tokcost check: " not in r.stdout  # --prompts on the command line: only that check

    r = runner.invoke(app, ["check", "--prompts", "prompts/**/*.txt", "--max-tokens", str(big_n),
                            "-t", "o200k_base", "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)["prompts"]
    assert sorted(p["tokens"] for p in rows) == [small_n, big_n]

    r = runner.invoke(app, ["check", "--prompts", "nowhere/**/*.md", "--max-tokens", "5",
                            "-m", "gpt-5-mini"])
    assert r.exit_code == 2 and "no prompt file matches 'nowhere/**/*.md'" in r.stderr
    r = runner.invoke(app, ["check", "--prompts", "prompts/**/*.txt", "--max-tokens", "5",
                            "-m", "claude-sonnet-4-5"])
    assert r.exit_code == 2 and "claude-sonnet-4-5" in r.stderr and "-t TOKENIZER" in r.stderr


def test_diff_between_any_two_files(project):
    doc = _update(project)
    old = project / "old.json"
    row = _overall(doc)
    real = row["ratio"]
    row["ratio"] = real / 1.2
    _rewrite(old, doc)
    measure = runner.invoke(app, ["measure", "-c", "pairs.jsonl", "-t", "o200k_base",
                                  "--format", "json"])
    assert measure.exit_code == 0, measure.output
    (project / "measure.json").write_text(measure.stdout, encoding="utf-8")

    r = runner.invoke(app, ["diff", "old.json", "measure.json", "--format", "json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["schema"] == "tokcost/diff/1"
    got = {x["id"]: x for x in out["rows"]}
    ratio = got["ratio:o200k_base:pairs:all"]
    assert (ratio["old"], ratio["new"], ratio["status"]) == (pytest.approx(real / 1.2),
                                                             pytest.approx(real), "up")
    assert ratio["change_pct"] == pytest.approx(20.0)
    assert got["cost:gpt-5-mini:USD"]["status"] == "removed"  # a measure file has no costs

    r = runner.invoke(app, ["diff", "old.json", "ci/baseline.json", "-f", "markdown", "--changed"])
    assert r.exit_code == 0
    lines = [x for x in r.stdout.splitlines() if x.startswith("| ko/en")]
    assert lines == [f"| ko/en ratio · o200k_base · pairs | {real / 1.2:.3f} | {real:.3f} | "
                     f"{real - real / 1.2:+.3f} | +20.00% | up |"]
    r = runner.invoke(app, ["diff", "old.json", "missing.json"])
    assert r.exit_code == 2 and "missing.json: no such results file" in r.stderr


def test_results_file_instead_of_measuring(project):
    _update(project)
    report = json.loads((project / "ci" / "baseline.json").read_text("utf-8"))
    report["unknown_extra_key"] = {"fine": True}
    _rewrite(project / "results.json", report)
    r = runner.invoke(app, ["check", "--results", "results.json"])
    assert r.exit_code == 0, r.output
    assert "current `results.json`" in r.stdout


def _doc(ratio: float, cost: float | None = None) -> dict:
    measure = [{"tokenizer": "t", "corpus": "c", "domain": "all", "ratio": ratio}]
    costs = [{"model": "m", "currency": "USD", "cost": cost, "status": "ok"}] if cost else []
    return {"schema": "tokcost/report/1", "measure": measure, "cost": costs, "budget": []}


def test_limits_are_inclusive_and_decreases_pass():
    base = normalize(_doc(2.0, 1.0), "base")
    th = Thresholds(max_ratio_increase=5, max_cost_increase=10)
    assert compare(base, normalize(_doc(2.1, 1.1), "cur"), th).passed  # exactly at the limits
    cmp = compare(base, normalize(_doc(2.1001, 0.5), "cur"), th)
    assert [(r.metric.id, r.status) for r in cmp.rows] == [("ratio:t:c:all", "regression"),
                                                           ("cost:m:USD", "lower")]
    off = Thresholds(max_ratio_increase=None, max_cost_increase=None, max_ratio=3.0)
    assert compare(base, normalize(_doc(2.9, 9.0), "cur"), off).passed
    assert not compare(base, normalize(_doc(3.1), "cur"), off).passed


@settings(max_examples=40, deadline=None)
@given(st.from_regex(r"[a-z][a-z_]{0,20}", fullmatch=True).filter(lambda k: k not in TOP_KEYS))
def test_any_unknown_top_level_key_is_rejected(key):
    with pytest.raises(ConfigError, match=f"unknown key '{key}'"):
        parse_config(Path("tokcost.toml"), f'corpora = ["samples"]\n{key} = 1\n')


def test_check_table_marks_presumed_tokenizers_on_cost_rows(mirror, tmp_path, monkeypatch):
    """Issue #14: a presumed tokenizer mapping is visible wherever a cost appears, the CI gate's
    table included (gpt-6-sol's o200k_base is presumed; gpt-4o's is the documented one)."""
    monkeypatch.chdir(tmp_path)
    r = runner.invoke(app, ["budget", "--requests-per-day", "100", "-m", "gpt-6-sol",
                            "-m", "gpt-4o", "--as-of", "2026-12-01", "-f", "json",
                            "-o", "budget.json"])
    assert r.exit_code == 0, r.output
    rows = {x["model"]: x for x in json.loads(Path("budget.json").read_text("utf-8"))["rows"]}
    assert rows["gpt-6-sol"]["tokenizer_match"] == "presumed"
    assert rows["gpt-4o"]["tokenizer_match"] == "exact"
    r = runner.invoke(app, ["check", "-b", "budget.json", "--results", "budget.json"])
    assert r.exit_code == 0, r.output
    assert "| monthly cost · gpt-6-sol (presumed tokenizer) · USD |" in r.stdout
    assert "| monthly cost · gpt-4o · USD |" in r.stdout


def test_check_and_diff_rows_are_typed_records_checked_where_made(project, monkeypatch):
    """Real check/diff output validates as the published records; a renamed key or a status
    outside the vocabulary fails in the producer (CheckRow.as_dict, diff_rows, PromptRow.as_dict)."""
    import pydantic

    from tokcost.gate import prompts, results
    from tokcost.schema.gate import CheckDocument, DiffRecord

    _update(project)
    r = runner.invoke(app, ["check", "-f", "json"])
    assert r.exit_code == 0, r.output
    doc = CheckDocument.model_validate_json(r.stdout)
    assert {row.kind for row in doc.rows} == {"ratio", "cost", "budget"} and doc.prompts
    assert doc.thresholds is not None and doc.thresholds.max_ratio_increase == 5
    r = runner.invoke(app, ["diff", "ci/baseline.json", "ci/baseline.json", "-f", "json"])
    assert r.exit_code == 0, r.output
    rows = [DiffRecord.model_validate(x) for x in json.loads(r.stdout)["rows"]]
    assert rows and {x.status for x in rows} == {"same"}

    real_fields = results.Metric.fields

    def renamed(self):
        out = real_fields(self)
        if "tokenizer" in out:
            out["tokeniser"] = out.pop("tokenizer")
        return out

    monkeypatch.setattr(results.Metric, "fields", renamed)
    for args in (["check", "-f", "json"], ["diff", "ci/baseline.json", "ci/baseline.json"]):
        r = runner.invoke(app, args)
        assert isinstance(r.exception, pydantic.ValidationError), (args, r.output)
        assert "tokeniser" in str(r.exception)
    monkeypatch.setattr(results.Metric, "fields", real_fields)
    monkeypatch.setattr(prompts.PromptRow, "status", property(lambda self: "fine"))
    r = runner.invoke(app, ["check", "-f", "json"])
    assert isinstance(r.exception, pydantic.ValidationError) and "status" in str(r.exception)


# --------------------------------------------------------------------------- typed config (#15)
_NUM = ['"5"', "true", "-1", "inf", "nan", "[]"]
CONFIG_BAD = {  # table ("" = top level) -> key -> TOML values ConfigIn refuses
    "": {"corpora": ['"samples"', "[1]", '[""]', "3"], "tokenizers": ['"o200k_base"', "[true]"],
         "models": ["3", '"gpt-5"'], "requests": ['""', "3"], "output_tokens": [*_NUM, "1.5"],
         "check": ["3", '"x"'], "workload": ["[1]"], "report": ['"ko"'], "prompts": ["3"]},
    "check": {"baseline": ['""', "3"], "max_ratio_increase": _NUM, "max_cost_increase": _NUM,
              "max_ratio": [*_NUM, "0"]},
    "workload": {"requests_per_day": [*_NUM, "0"], "days": [*_NUM, "0", "2.5"],
                 "input_chars": [*_NUM, "2.5"], "output_chars": _NUM,
                 "models": ["3", "[1]", '[""]']},
    "report": {"lang": ['"fr"', '""', "1"], "out": ['""', "[]"]},
    "prompts": {"glob": ["3", "[1]"], "max_tokens": [*_NUM, "0"], "model": ["3", "[2]"],
                "tokenizer": ["3"]},
}
_CASES = [(t, k, v) for t, keys in CONFIG_BAD.items() for k, vs in keys.items() for v in vs]


@settings(max_examples=100, deadline=None)
@given(case=st.sampled_from(_CASES), pyproject=st.booleans())
def test_property_a_bad_config_value_is_one_line_at_its_key(case, pyproject):
    table, key, value = case
    body = {"": "", "check": "[check]\n", "workload": "[workload]\n", "report": "[report]\n",
            "prompts": '[[prompts]]\nglob = "p/*.txt"\nmax_tokens = 10\nmodel = "gpt-5-mini"\n'}
    lines = [ln for ln in body[table].splitlines() if not ln.startswith(f"{key} =")]
    lines[1:1] = [f"{key} = {value}"]
    if pyproject:
        lines = [ln.replace("[", "[tool.tokcost.", 1).replace("[tool.tokcost.[", "[[tool.tokcost.")
                 if ln.startswith("[") else ln for ln in lines]
        lines[0:0] = ["[tool.tokcost]"]
    text = "\n".join(lines) + "\n"
    name = "pyproject.toml" if pyproject else "tokcost.toml"
    with pytest.raises(ConfigError) as exc:
        parse_config(Path(name), text)
    msg = str(exc.value)
    line = text.splitlines().index(f"{key} = {value}") + 1
    assert msg.startswith(f"{name}:{line}: {key} ") and "\n" not in msg, (msg, text)
    assert exc.value.hint, msg
    where = f"[tool.tokcost.{table}]" if pyproject and table else "[tool.tokcost]" if pyproject \
        else f"[{table}]" if table else "the top level"
    assert f" in {where} " in msg, msg


def test_config_top_keys_are_the_records_keys():
    from tokcost.schema.config import ConfigIn

    assert set(TOP_KEYS) == set(ConfigIn.model_fields)


def test_prompts_without_a_target_or_a_limit_are_one_line():
    with pytest.raises(ConfigError, match=r"tokcost.toml:2: a \[\[prompts\]\] entry for 'p' "
                       "needs model or tokenizer"):
        parse_config(Path("tokcost.toml"), '[[prompts]]\nglob = "p"\nmax_tokens = 3\n')
    with pytest.raises(ConfigError, match=r"each \[\[prompts\]\] needs glob and max_tokens"):
        parse_config(Path("tokcost.toml"), '[[prompts]]\nglob = "p"\nmodel = "m"\n')


# --------------------------------------------------------------------------- typed baselines (#15)
_ROW_BAD = {  # section -> key -> JSON values the baseline records refuse
    "measure": {"tokenizer": [None, 3, ""], "corpus": [None, [], ""], "domain": [3, ""],
                "ratio": ["1.2", True, -0.5, [1]]},
    "cost": {"model": [None, 1], "currency": ["", {}], "cost": ["0.1", -1, False]},
    "budget": {"model": [""], "currency": [2], "monthly_cost": ["9", -9.5, True]},
}
_GOOD_ROW = {"measure": {"tokenizer": "o200k_base", "corpus": "pairs", "domain": "all",
                         "ratio": 1.2},
             "cost": {"model": "gpt-5", "currency": "USD", "cost": 0.01},
             "budget": {"model": "gpt-5", "currency": "KRW", "monthly_cost": 5000.0}}
_ROW_CASES = [(s, k, v) for s, keys in _ROW_BAD.items() for k, vs in keys.items() for v in vs]


@settings(max_examples=60, deadline=None)
@given(case=st.sampled_from(_ROW_CASES), n_before=st.integers(0, 3), as_report=st.booleans())
def test_property_a_bad_baseline_value_is_one_line_naming_row_and_key(case, n_before, as_report):
    from tokcost.gate.results import ResultsError

    section, key, value = case
    bad = {**_GOOD_ROW[section], key: value}
    rows = [dict(_GOOD_ROW[section]) for _ in range(n_before)] + [bad]
    if as_report:
        doc = {"schema": "tokcost/report/1", "measure": [], "cost": [], "budget": [],
               section: rows}
        where = f"{section}[{n_before + 1}]"
    else:
        doc = {"schema": f"tokcost/{section}/1", "rows": rows}
        where = f"rows[{n_before + 1}]"
    with pytest.raises(ResultsError) as exc:
        normalize(doc, "base.json")
    msg = str(exc.value)
    assert msg.startswith(f"base.json: {where}: ") and key in msg and "\n" not in msg, msg
    assert exc.value.hint, msg


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_check_and_diff_tables_keep_a_label_in_every_format(project, fmt):
    """check and diff rows go through the one renderer: a label field a row carries (here a
    tokenizer match, as a cost row would) is a column in every format, not only in JSON."""
    from tokcost.gate.check import CheckRequest, run_check
    from tokcost.gate.compare import check_output, diff_output, diff_rows
    from tokcost.gate.results import load_results
    from tokcost.output import render

    _update(project)
    outcome = run_check(CheckRequest(baseline=Path("ci/baseline.json"),
                                     results=Path("ci/baseline.json")))
    assert outcome.comparison is not None and outcome.comparison.rows
    checks = [r.as_dict() for r in outcome.comparison.rows]
    doc = load_results(Path("ci/baseline.json"))
    diffs = diff_rows(doc, doc)
    for make, rows in ((check_output, checks), (diff_output, diffs)):
        rows = [{**rows[0], "tokenizer_match": "presumed", "price_date": "2026-09-10"}, *rows[1:]]
        text = render(make(rows, fmt=fmt), fmt)
        assert "presumed" in text and "2026-09-10" in text, (make.__name__, text)
        assert rows[0]["metric"] in text
        if fmt in ("table", "markdown"):
            assert "tokenizer match" in text and "price date" in text
    r = runner.invoke(app, ["diff", "ci/baseline.json", "ci/baseline.json", "-f", "csv"])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("metric,id,kind,") and "ratio:o200k_base:pairs:all" in r.stdout
