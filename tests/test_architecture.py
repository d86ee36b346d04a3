"""The architecture holds: published schemas match the records, the result cache is really read,
stages import one way, and the library API is typed."""

from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"


def test_committed_json_schemas_are_current():
    from tokcost.schema.registry import SCHEMAS, schema_text

    for name in SCHEMAS:
        path = REPO / "docs" / "schemas" / f"{name}.schema.json"
        assert path.is_file(), f"{path} missing: run python -m tokcost.schema --write"
        assert path.read_text(encoding="utf-8") == schema_text(name), (
            f"{path} is stale: run python -m tokcost.schema --write")


def test_schema_check_command_fails_on_a_stale_schema(tmp_path):
    from tokcost.schema.__main__ import main

    assert main(["--dir", str(tmp_path), "--write"]) == 0
    assert main(["--dir", str(tmp_path), "--check"]) == 0
    (tmp_path / "measure-row.schema.json").write_text("{}", encoding="utf-8")
    assert main(["--dir", str(tmp_path), "--check"]) == 1


def test_measure_rows_are_validated_at_the_boundary(mirror):
    import tokcost
    from tokcost.measurement import MeasureResult

    rows = tokcost.measure(["samples/news"], ["o200k_base"])
    assert rows and rows[0]["signature"]["tokenizer_sha256"].startswith("446a9538")
    bad = dict(rows[0], ratoi=1.0)  # a misspelt key is caught where the row is made
    with pytest.raises(ValueError, match="ratoi"):
        MeasureResult([bad]).records()


def test_the_result_cache_is_read(mirror):
    """A second run serves the stored rows: tamper with the entry (keeping it self-consistent)
    and the tampered value comes back; without the cache the true value does."""
    from tokcost import cache
    from tokcost.measurement import run_measure
    from tokcost.paths import cache_dir

    first = run_measure(["samples/news"], ["o200k_base"]).rows
    entries = list((cache_dir() / "measure").rglob("*.json"))
    assert len(entries) == 1
    doc = json.loads(entries[0].read_text(encoding="utf-8"))
    body = doc["body"]
    for row in body["rows"]:
        row["ko_tokens"] += 1000
    cache.store(doc["key"], body)
    again = run_measure(["samples/news"], ["o200k_base"]).rows
    assert [r["ko_tokens"] for r in again] == [r["ko_tokens"] + 1000 for r in first]
    fresh = run_measure(["samples/news"], ["o200k_base"], use_cache=False).rows
    assert [r["ko_tokens"] for r in fresh] == [r["ko_tokens"] for r in first]
    assert hashlib.sha256(b"").hexdigest()  # (hashlib is the cache's checksum)


# ---------------------------------------------------------------- imports flow one way
def _modules() -> dict[str, Path]:
    mods = {}
    for p in (SRC / "tokcost").rglob("*.py"):
        name = ".".join(p.relative_to(SRC).with_suffix("").parts)
        mods[name.removesuffix(".__init__")] = p
    return mods


def _imports(mods: dict[str, Path]) -> dict[str, set[str]]:
    """Every tokcost module each module imports at run time, at module level or inside a
    function (imports under ``if TYPE_CHECKING:`` serve annotations only)."""
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        tree = ast.parse(p.read_text(encoding="utf-8"))
        typing_only = {id(x) for n in ast.walk(tree) if isinstance(n, ast.If)
                       and getattr(n.test, "id", None) == "TYPE_CHECKING" for x in ast.walk(n)}
        for n in ast.walk(tree):
            if id(n) in typing_only:  # annotations only: no import at run time
                continue
            names: list[str] = []
            if isinstance(n, ast.Import):
                names = [a.name for a in n.names]
            elif isinstance(n, ast.ImportFrom) and n.module and not n.level:
                names = [n.module] + [f"{n.module}.{a.name}" for a in n.names]
            for t in names:
                if t in mods and t != m and not m.startswith(t + "."):
                    graph[m].add(t)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module: tools/arch_metrics.py's, the
    same finder that measures the cycles reported in docs/architecture.md."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "tokcost_arch_metrics", Path(__file__).resolve().parents[1] / "tools" / "arch_metrics.py")
    assert spec and spec.loader
    metrics = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(metrics)
    return metrics.cycles(graph)


def test_no_import_cycles():
    assert _cycles(_imports(_modules())) == []


# Lower stages never reach up: corpus → counts → metrics → cost → render.
FORBIDDEN = {
    "tokcost.corpora": ("tokcost.measurement", "tokcost.costing", "tokcost.report", "tokcost.cli",
                        "tokcost.gate", "tokcost.engines"),
    "tokcost.tokenizers": ("tokcost.measurement", "tokcost.costing", "tokcost.report", "tokcost.cli",
                           "tokcost.gate", "tokcost.corpora"),
    "tokcost.engines": ("tokcost.measurement", "tokcost.costing", "tokcost.report", "tokcost.cli",
                        "tokcost.gate"),
    "tokcost.metrics": ("tokcost.measurement", "tokcost.costing", "tokcost.report", "tokcost.cli",
                        "tokcost.engines", "tokcost.corpora", "tokcost.tokenizers"),
    "tokcost.costing": ("tokcost.measurement", "tokcost.report", "tokcost.cli", "tokcost.engines"),
    "tokcost.pricing": ("tokcost.measurement", "tokcost.report", "tokcost.cli", "tokcost.engines"),
    "tokcost.schema": ("tokcost.measurement", "tokcost.costing", "tokcost.report", "tokcost.cli"),
}


def test_stages_import_one_way():
    graph = _imports(_modules())
    bad = []
    for mod, targets in graph.items():
        for low, banned in FORBIDDEN.items():
            if mod == low or mod.startswith(low + "."):
                bad += [f"{mod} -> {t}" for t in targets
                        if any(t == b or t.startswith(b + ".") for b in banned)]
    assert bad == []


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": set()}) == [["a", "b"]]


# ---------------------------------------------------------------- the library API
def test_public_api_is_listed_typed_and_lazy():
    code = ("import sys, tokcost, typing; print(sorted(tokcost.__all__)); "
            "print(sorted(n for n in dir(tokcost) if not n.startswith('_'))); "
            "print('pandas' in sys.modules, 'pydantic' in sys.modules, 'tiktoken' in sys.modules); "
            "print(sorted(typing.get_type_hints(tokcost.count)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=REPO).stdout.splitlines()
    listed = eval(out[0])
    for name in ("count", "measure", "cost", "budget", "report", "check", "load_tokenizer",
                 "open_corpus"):
        assert name in listed, name
    assert set(eval(out[1])) == set(listed) - {"__version__"}  # dir() shows the API, nothing else
    assert out[2] == "False False False"  # `import tokcost` stays light
    assert eval(out[3]) == ["add_special_tokens", "return", "text", "tokenizers"]  # typed, not Any


# ---------------------------------------------------------------- no module reaches into another's privates
def _private_reaches() -> list[str]:
    """``from tokcost.x import _name`` in another module, and ``obj._name = …`` where ``obj`` is
    not ``self``/``cls`` (allowed only inside a class that sets ``self._name`` itself: a method
    may set up a copy of its own instance)."""
    bad = []
    for mod, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        own: dict[int, set[str]] = {}  # id(function node) -> private attrs its class sets on self
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            attrs = {a.attr for a in ast.walk(cls) if isinstance(a, ast.Attribute)
                     and isinstance(a.value, ast.Name) and a.value.id == "self"}
            for fn in ast.walk(cls):
                if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                    own[id(fn)] = attrs
        enclosing: dict[int, int] = {}  # id(node) -> id(innermost function around it)
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                for n in ast.walk(fn):
                    if n is not fn:
                        enclosing[id(n)] = id(fn)  # inner functions are walked later: overwrite
        for n in ast.walk(tree):
            if (isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("tokcost")
                    and n.module != mod):
                bad += [f"{mod}: from {n.module} import {a.name}" for a in n.names
                        if a.name.startswith("_") and not a.name.startswith("__")]
            targets = (n.targets if isinstance(n, ast.Assign) else
                       [n.target] if isinstance(n, ast.AugAssign | ast.AnnAssign) else [])
            allowed = own.get(enclosing.get(id(n), 0), set())
            for t in targets:
                if (isinstance(t, ast.Attribute) and t.attr.startswith("_")
                        and not t.attr.startswith("__")
                        and not (isinstance(t.value, ast.Name) and t.value.id in ("self", "cls"))
                        and t.attr not in allowed):
                    bad.append(f"{mod}:{n.lineno}: {ast.unparse(t)} = …")
    return sorted(set(bad))


def test_no_module_touches_another_modules_private_state():
    assert _private_reaches() == []


def test_private_reach_finder_finds_one(tmp_path, monkeypatch):
    pkg = tmp_path / "tokcost"
    pkg.mkdir()
    (pkg / "a.py").write_text("from tokcost.b import _hidden\n\ndef f(tok):\n    tok._partial = 1\n")
    (pkg / "b.py").write_text("_hidden = 1\n")
    monkeypatch.setattr(sys.modules[__name__], "SRC", tmp_path)
    assert _private_reaches() == ["tokcost.a: from tokcost.b import _hidden",
                                  "tokcost.a:4: tok._partial = …"]


def test_cost_and_budget_rows_are_validated_where_they_leave_costing(mirror, monkeypatch):
    """A label outside its vocabulary fails in costing, not in a renderer downstream."""
    from datetime import date

    import pydantic

    import tokcost
    from tokcost import costing

    rows = tokcost.cost(["gpt-5-mini"], text="환불 규정", en_text="Refund policy",
                        as_of=date(2026, 12, 1))
    assert rows[0]["price_confidence"] == "high"
    real = costing.labels

    def wrong(*a, **k):
        return {**real(*a, **k), "price_confidence": "guessed"}

    monkeypatch.setattr(costing, "labels", wrong)
    with pytest.raises(pydantic.ValidationError, match="price_confidence"):
        tokcost.cost(["gpt-5-mini"], text="환불 규정", en_text="Refund policy",
                     as_of=date(2026, 12, 1))


# ---------------------------------------------------------------- typed input records
@pytest.mark.parametrize("line, expected", [
    ('{"ko": [{"role": "usr", "content": "x"}]}',
     "r.jsonl:2: ko message 1 role: 'usr' is not allowed (use one of 'system', 'user'"),
    ('{"ko": [{"role": "user", "content": 3}]}',
     "r.jsonl:2: ko message 1 content: Input should be a valid string (give it as a JSON string)"),
    ('{"ko": [{"role": "user"}]}', "r.jsonl:2: ko message 1 content: missing (add it)"),
    ('{"ko": []}', "r.jsonl:2: ko: List should have at least 1 item"),
    ('{"ko": ["hi"]}', "r.jsonl:2: ko message 1: not a JSON object (each message is a JSON object"),
    ("5", "r.jsonl:2: not a JSON object (each request is a JSON object)"),
    ('{"title": "x"}', "r.jsonl:2: a request needs 'ko' (and 'en') message lists, or 'messages'"),
    ('{"ko": [{"role": "user", "content": "a"}], "en": [{"role": "system", "content": "a"}]}',
     "r.jsonl:2: ko and en messages differ in roles or number"),
])
def test_chat_requests_are_read_through_their_typed_record(tmp_path, monkeypatch, line, expected):
    """pydantic validates the request file; its error is tokcost's one line: file:line: what (fix)."""
    from tokcost.corpora.requests import load_requests
    from tokcost.errors import CorpusError

    monkeypatch.chdir(tmp_path)
    good = '{"id": 7, "ko": [{"role": "user", "content": "안녕"}], "en": [{"role": "user", "content": "hi"}]}'
    Path("r.jsonl").write_text(good + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as err:
        load_requests(Path("r.jsonl"))
    assert str(err.value).startswith(expected), str(err.value)
    assert "\n" not in str(err.value) and "ChatRequestRecord" not in str(err.value)
    Path("r.jsonl").write_text(good + "\n", encoding="utf-8")
    (req,) = load_requests(Path("r.jsonl"))
    assert (req.id, req.texts("ko"), req.texts("en")) == ("7", ["안녕"], ["hi"])


# ---------------------------------------------------------------- typed output records
def test_count_rows_are_validated_where_they_are_made(mirror):
    """A real count row (library and CLI) validates as the published record; a renamed or extra
    key fails in the producer (CountRow.as_dict), not in a renderer."""
    import dataclasses

    import pydantic

    import tokcost
    from tokcost.counting import count_texts, load_many
    from tokcost.schema.count import CountDocument, CountRecord

    (row,) = tokcost.count("안녕하세요 세계", ["o200k_base"])
    assert CountRecord.model_validate(row).tokenizer_match == "exact"
    assert list(row) == list(CountRecord.model_fields)  # the record names every key, in order
    proc = subprocess.run([sys.executable, "-m", "tokcost", "count", "안녕", "-t", "o200k_base",
                           "-f", "json"], capture_output=True, text=True, check=True, cwd=REPO,
                          env={**os.environ, "PYTHONPATH": str(SRC)})
    CountDocument.model_validate_json(proc.stdout)

    (made,) = count_texts([("text", "안녕")], load_many(["o200k_base"]))
    renamed = dataclasses.replace(made, labels={"identity": "verified", "identity_method": None,
                                                "tokenizer_mach": "exact"})
    with pytest.raises(pydantic.ValidationError, match="tokenizer_mach"):
        renamed.as_dict()
    wrong = dataclasses.replace(made, labels={**(made.labels or {}), "identity": "probably"})
    with pytest.raises(pydantic.ValidationError, match="identity"):
        wrong.as_dict()


DIAGNOSTICS = [  # command, arguments, the class whose as_dict makes its rows
    ("coverage", ["-c", "samples/news", "--top", "2"], "tokcost.diagnostics.coverage.Coverage"),
    ("normalization", ["한국어 ｈａｎ"], "tokcost.diagnostics.normalization.NormalizationRow"),
    ("breakdown", ["한국어 `code` 12"], "tokcost.diagnostics.breakdown.Breakdown"),
    ("fertility", ["--no-morphemes", "-c", "samples/news"],
     "tokcost.diagnostics.fertility.FertilityRow"),
    ("inspect", ["한국어 토큰"], "tokcost.diagnostics.boundaries.Inspection"),
    ("explain", ["한국어 토큰 한국어"], "tokcost.diagnostics.explain.EojeolProfile:summary"),
]


@pytest.mark.parametrize("command, args, maker", DIAGNOSTICS)
def test_diagnostics_rows_are_validated_where_the_command_makes_them(mirror, monkeypatch,
                                                                     command, args, maker):
    """Real rows of each diagnostics command (a proxy tokenizer among them) validate as their
    record; a renamed key in the library's row fails in the command, before anything is written."""
    import importlib

    import pydantic
    from typer.testing import CliRunner

    from tokcost.cli.app import app
    from tokcost.schema.diagnostics import BY_SCHEMA

    toks = ["-t", "o200k_base", "-t", "gemini"]
    res = CliRunner().invoke(app, [command, *args, *toks, "-f", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    model = BY_SCHEMA[doc["schema"]]
    checked = [model.model_validate(r) for r in doc["rows"]]
    assert [(r.tokenizer, r.proxy_of, r.tokenizer_match) for r in checked] == [
        ("o200k_base", None, "exact"), ("gemini", "gemma-3", "proxy")]

    maker, _, method = maker.partition(":")
    module, cls_name = maker.rsplit(".", 1)
    cls = getattr(importlib.import_module(module), cls_name)
    real = getattr(cls, method or "as_dict")

    def renamed(self):
        row = real(self)
        row["tokenizer_id"] = row.pop("tokenizer")
        return row

    monkeypatch.setattr(cls, method or "as_dict", renamed)
    res = CliRunner().invoke(app, [command, *args, *toks, "-f", "json"])
    assert isinstance(res.exception, pydantic.ValidationError), res.output
    assert "tokenizer_id" in str(res.exception) and res.stdout == ""


def test_diagnostics_summary_rows_are_validated_where_summary_makes_them(mirror, monkeypatch):
    import pydantic

    from tokcost.diagnostics import fertility, summary
    from tokcost.diagnostics.overview import FIELDS
    from tokcost.schema.diagnostics import DiagnosticsSummaryRow

    rows = summary(["o200k_base", "ax-4.0"], "samples/news", morphemes=False)
    assert [DiagnosticsSummaryRow.model_validate(r).tokenizer for r in rows] == [
        "o200k_base", "ax-4.0"]
    assert list(rows[0]) == list(FIELDS) == list(DiagnosticsSummaryRow.model_fields)
    real = fertility.FertilityRow.as_dict

    def wrong(self):
        return {**real(self), "ko_words": "15561"}  # a number as text: wrong type

    monkeypatch.setattr(fertility.FertilityRow, "as_dict", wrong)
    with pytest.raises(pydantic.ValidationError, match="ko_words"):
        summary(["o200k_base"], "samples/news", morphemes=False)


@pytest.mark.parametrize("args, record", [
    (["tokenizers", "list", "-f", "json"], "TokenizerListRecord"),
    (["pricing", "list", "--as-of", "2026-12-01", "--currency", "KRW", "-f", "json"],
     "PriceListRecord"),
    (["pricing", "show", "deepseek-v4-flash", "--as-of", "2026-12-01", "-f", "json"],
     "PriceListRecord"),
    (["corpora", "list", "-f", "json"], "CorpusListRecord"),
    (["tokenizers", "show", "gemini", "-f", "json"], "ResolutionStep"),
])
def test_listings_are_typed_records_made_in_the_library(mirror, args, record):
    """The listings' rows are the library's typed records (tokenizers/, pricing/, corpora/
    listing.py), published as JSON Schemas; the command only emits them."""
    from typer.testing import CliRunner

    from tokcost.cli.app import app
    from tokcost.schema import listing

    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["rows"]
    rows = [getattr(listing, record).model_validate(r) for r in doc["rows"]]
    if args[:2] == ["tokenizers", "show"]:
        info = {k: v for k, v in doc.items()
                if k not in ("schema", "tokcost_version", "warnings", "rows")}
        shown = listing.TokenizerShowRecord.model_validate(info)
        assert (shown.proxy, shown.tokenizer_match, shown.identity) == ("gemma-3", "proxy",
                                                                        "verified")
        assert [r.model_dump() for r in shown.resolution] == [r.model_dump() for r in rows]
    if args[:2] == ["pricing", "list"]:
        assert any(r.status == "priced" and r.currency == "KRW" for r in rows)
        assert all(r.input is None for r in rows if r.status == "unpriced")


def test_default_answer_length_is_named_once():
    """500 (English answer tokens, Korean answer characters) is costing.DEFAULT_OUTPUT_TOKENS /
    DEFAULT_OUTPUT_CHARS; no option default, dataclass field or fallback repeats the number."""
    found = []
    pkg = SRC / "tokcost"
    where = [*(pkg / "cli").glob("*.py"), *(pkg / "report").glob("*.py"),
             *(pkg / "gate").glob("*.py"), pkg / "costing.py", pkg / "api.py", pkg / "config.py"]
    named = []
    for path in sorted(where):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(
                    node.value, ast.Constant) and node.value.value == 500:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                named += [f"{path.relative_to(SRC)}:{t.id}" for t in targets
                          if isinstance(t, ast.Name)]
                allowed.add(id(node.value))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and node.value == 500
                    and type(node.value) is int and id(node) not in allowed):
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert sorted(named) == ["tokcost/costing.py:DEFAULT_OUTPUT_CHARS",
                             "tokcost/costing.py:DEFAULT_OUTPUT_TOKENS"], named
    assert found == [], found
