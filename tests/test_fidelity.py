"""Never a silent wrong number: the reading, identity and statistics edges of issue #16, and the
corpus-reading cases of #17 (non-regular files, spool files, bad input as one line and exit 2).

Every count here is made by a real tokenizer from the mirror (o200k_base, Llama 3, DeepSeek-V3)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from conftest import digit_split_ax
from tokcost.cli.app import app
from tokcost.corpora import ReadOptions, open_corpus
from tokcost.corpora.validate import validate_corpus
from tokcost.errors import CorpusError, TokcostError

runner = CliRunner()


def _run(*args: str, input: str | bytes | None = None):
    return runner.invoke(app, list(args), input=input)


def _one_line_error(res, *needles: str) -> str:
    """The run failed with exit 2 and one 'tokcost: error:' line (no traceback)."""
    assert res.exit_code == 2, (res.exit_code, res.output, res.exception)
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit), \
        res.exception
    err = res.stderr.strip() if res.stderr_bytes is not None else res.output.strip()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("tokcost: error:"), err
    for n in needles:
        assert n in lines[0], (n, lines[0])
    return lines[0]


def _ko_counts(spec: str, tok: str = "o200k_base", **opts) -> tuple[int, int | None, int]:
    """(Korean tokens, English tokens, pairs) of a corpus on a real tokenizer."""
    from tokcost.measurement import run_measure

    rows = run_measure([spec], [tok], read_options=ReadOptions(**opts), use_cache=False).rows
    return rows[0]["ko_tokens"], rows[0]["en_tokens"], rows[0]["pairs"]


def _jsonl(path: Path, pairs: list[tuple[str, str]]) -> Path:
    path.write_text("".join(json.dumps({"id": str(i), "ko": k, "en": e}, ensure_ascii=False)
                            + "\n" for i, (k, e) in enumerate(pairs)), encoding="utf-8")
    return path


# --- Reading ----------------------------------------------------------------------------------

def test_csv_quoted_field_keeps_its_newline(mirror, tmp_path):
    pairs = [("첫째 줄\n둘째 줄", "first line\nsecond line"), ("가나다", "abc")]
    with (tmp_path / "p.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "ko", "en"])
        for i, (k, e) in enumerate(pairs):
            w.writerow([i, k, e])
    got = [(p.ko, p.en) for p in open_corpus(str(tmp_path / "p.csv"))]
    # csv.writer ends records with \r\n but keeps a field's own \n as it is
    assert got == pairs
    assert _ko_counts(str(tmp_path / "p.csv")) == _ko_counts(str(_jsonl(tmp_path / "p.jsonl",
                                                                         pairs)))


def test_tsv_fields_are_literal(mirror, tmp_path):
    pairs = [('"인용" 부호', '"quoted" text'), ('"시작', 'end"')]
    (tmp_path / "p.tsv").write_text("ko\ten\n" + "".join(f"{k}\t{e}\n" for k, e in pairs),
                                    encoding="utf-8")
    got = [(p.ko, p.en) for p in open_corpus(str(tmp_path / "p.tsv"))]
    assert got == pairs
    assert _ko_counts(str(tmp_path / "p.tsv")) == _ko_counts(str(_jsonl(tmp_path / "p.jsonl",
                                                                         pairs)))


@pytest.mark.parametrize("kind", ["mono", "aligned", "jsonl", "csv"])
def test_cr_only_line_ends(mirror, tmp_path, kind):
    ko, en = ["하나", "둘", "셋"], ["one", "two", "three"]
    if kind == "mono":
        (tmp_path / "k.txt").write_bytes("\r".join(ko).encode() + b"\r")
        spec = f"mono:{tmp_path / 'k.txt'}"
    elif kind == "aligned":
        (tmp_path / "k.txt").write_bytes("\r".join(ko).encode() + b"\r")
        (tmp_path / "e.txt").write_bytes("\r".join(en).encode() + b"\r")
        spec = f"{tmp_path / 'k.txt'},{tmp_path / 'e.txt'}"
    elif kind == "jsonl":
        lines = [json.dumps({"ko": k, "en": e}, ensure_ascii=False) for k, e in zip(ko, en, strict=True)]
        (tmp_path / "p.jsonl").write_bytes("\r".join(lines).encode())
        spec = str(tmp_path / "p.jsonl")
    else:
        (tmp_path / "p.csv").write_bytes(
            ("ko,en\r" + "".join(f"{k},{e}\r" for k, e in zip(ko, en, strict=True))).encode())
        spec = str(tmp_path / "p.csv")
    pairs = list(open_corpus(spec))
    assert [p.ko for p in pairs] == ko
    assert [p.line for p in pairs] == ([1, 2, 3] if kind != "csv" else [2, 3, 4])


def test_domain_contradiction_and_empty_selection(mirror, tmp_path):
    res = _run("measure", "-c", "samples/news", "--domain", "law", "-t", "o200k_base")
    _one_line_error(res, "news", "law")
    res = _run("measure", "-c", "samples", "--domain", "nosuch", "-t", "o200k_base")
    _one_line_error(res)
    path = tmp_path / "d.jsonl"
    path.write_text('{"ko": "가", "en": "a", "domain": "law"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match=r"no pair has domain 'news'.*domains here: law"):
        list(open_corpus(str(path), ReadOptions(domain="news")))
    _one_line_error(_run("measure", "-c", str(path), "--domain", "news", "-t", "o200k_base"),
                    "no pair has domain")
    # the same domain given twice is fine
    assert _run("measure", "-c", "samples/news", "--domain", "news", "-t", "o200k_base",
                "-f", "json").exit_code == 0


def test_validate_and_measure_apply_the_same_rules(mirror, tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"ko": "가\\ud800나", "en": "a b"}\n{"ko": "다", "en": "c"}\n',
                    encoding="utf-8")
    report = validate_corpus(open_corpus(str(path)))
    assert not report.ok and "lone surrogate" in report.errors[0] and ":1:" in report.errors[0]
    res = _run("corpora", "validate", str(path))
    assert res.exit_code == 1
    _one_line_error(_run("measure", "-c", str(path), "-t", "o200k_base"), "s.jsonl:1:",
                    "lone surrogate")
    # a proper surrogate pair in JSON is one character, and fine
    path.write_text('{"ko": "가\\ud83d\\ude00", "en": "a"}\n', encoding="utf-8")
    assert [p.ko for p in open_corpus(str(path))] == ["가\U0001f600"]


def test_bom_is_dropped_from_every_count_input(mirror, tmp_path):
    f = tmp_path / "bom.txt"
    f.write_bytes("\ufeff안녕".encode())
    def tokens(*args: str, input: bytes | None = None) -> int:
        res = _run("count", *args, "-t", "o200k_base", "-f", "json", input=input)
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)["rows"][0]["tokens"]
    from_file = tokens("--file", str(f))
    assert from_file == tokens("\ufeff안녕") == tokens("-", input="\ufeff안녕".encode())
    assert from_file == tokens("안녕")


def test_invalid_utf8_and_surrogates_in_count_input(mirror):
    env = {**os.environ, "PYTHONUTF8": "1"}
    proc = subprocess.run([sys.executable, "-m", "tokcost", "count", b"\xff\xfeab", "-t",
                           "o200k_base"], capture_output=True, env=env)
    assert proc.returncode == 2 and b"Traceback" not in proc.stderr
    assert proc.stderr.decode().count("\n") == 1 and b"not valid UTF-8" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "tokcost", "count", "-", "-t", "o200k_base"],
                          input=b"ok\n\xff\xfe", capture_output=True, env=env)
    assert proc.returncode == 2 and b"<stdin>:2: invalid UTF-8" in proc.stderr
    import tokcost

    with pytest.raises(TokcostError, match="lone surrogate U\\+D800"):
        tokcost.count("\ud800", ["o200k_base"])


def test_errors_replace_is_said_in_the_output(mirror, tmp_path):
    (tmp_path / "k.txt").write_bytes("가\n다".encode() + b"\xff\n")
    res = _run("measure", "-c", f"mono:{tmp_path / 'k.txt'}", "-t", "o200k_base",
               "--errors", "replace", "-f", "json")
    assert res.exit_code == 0, res.output
    warnings = json.loads(res.stdout)["warnings"]
    assert any("1 lines had invalid UTF-8 replaced" in w for w in warnings), warnings


def test_stdin_corpus_fingerprint_is_its_content(mirror):
    """``-c -`` is fingerprinted by its bytes (not the spool file's random name): the same input
    gives the same corpus_sha256 and signature on every run, and the second run is a cache hit;
    other bytes give another fingerprint."""
    from tokcost.paths import cache_dir

    body = '{"ko": "안녕하세요", "en": "hello"}\n'
    rows = []
    for _ in range(2):
        res = _run("measure", "-c", "-", "-t", "o200k_base", "-f", "json", input=body)
        assert res.exit_code == 0, res.output
        rows.append(json.loads(res.stdout)["rows"][0])
    assert rows[0]["signature"] == rows[1]["signature"]
    assert rows[0]["signature_string"] == rows[1]["signature_string"]
    entries = list((cache_dir() / "measure").rglob("*.json"))
    assert len(entries) == 1  # one key for both runs: the second was served from the cache
    doc = json.loads(entries[0].read_text(encoding="utf-8"))
    doc["body"]["rows"][0]["ko_tokens"] += 1000  # tampered: a cache hit shows it
    from tokcost import cache

    cache.store(doc["key"], doc["body"])
    res = _run("measure", "-c", "-", "-t", "o200k_base", "-f", "json", input=body)
    assert json.loads(res.stdout)["rows"][0]["ko_tokens"] == rows[0]["ko_tokens"] + 1000
    other = _run("measure", "-c", "-", "-t", "o200k_base", "-f", "json",
                 input=body.replace("hello", "hi"))
    assert json.loads(other.stdout)["rows"][0]["signature"]["corpus_sha256"] != \
        rows[0]["signature"]["corpus_sha256"]


def test_stdin_spool_file_is_deleted(mirror, tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "tokcost", "measure", "-c", "-", "-t",
                           "o200k_base", "-f", "json", "--no-cache"],
                          input=b'{"ko": "\xea\xb0\x80", "en": "a"}\n', capture_output=True,
                          env=env)
    assert proc.returncode == 0, proc.stderr
    assert not list(tmp_path.glob("tokcost-stdin-*"))


# --- Non-regular files, directories, unreadable files (#17 items 9 and 11) --------------------

def test_fifo_is_read_once(mirror, tmp_path):
    fifo = tmp_path / "pairs.jsonl"
    os.mkfifo(fifo)
    proc = subprocess.Popen([sys.executable, "-m", "tokcost", "measure", "-c", str(fifo), "-t",
                             "o200k_base", "-f", "json", "--no-cache"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    with fifo.open("w", encoding="utf-8") as fh:
        fh.write('{"ko": "안녕", "en": "hi"}\n{"ko": "세계", "en": "world"}\n')
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    row = json.loads(out)["rows"][0]
    assert row["pairs"] == 2 and not row["monolingual"]


@pytest.mark.parametrize("spec", ["/dev/zero", "mono:/dev/zero", "/dev/zero,/dev/zero"])
def test_device_is_refused(mirror, spec):
    _one_line_error(_run("measure", "-c", spec, "-t", "o200k_base"), "/dev/zero",
                    "not a regular file")


def test_count_file_device_is_refused(mirror):
    _one_line_error(_run("count", "--file", "/dev/zero", "-t", "o200k_base"), "/dev/zero")


@pytest.mark.parametrize("spec", ["{ko},{dir}", "{dir},{ko}", ",", "{ko},", "mono:", "mono:{dir}",
                                  "", "flores:{ko}", "{loop}", "mono:{loop}", "{ko},{loop}"])
def test_directory_or_unreadable_as_corpus(mirror, tmp_path, spec):
    (tmp_path / "a.ko").write_text("가\n", encoding="utf-8")
    (tmp_path / "d").mkdir()
    os.symlink(tmp_path / "loop", tmp_path / "loop")  # ELOOP: cannot be opened, even by root
    spec = spec.format(ko=tmp_path / "a.ko", dir=tmp_path / "d", loop=tmp_path / "loop")
    _one_line_error(_run("measure", "-c", spec, "-t", "o200k_base"))
    _one_line_error(_run("corpora", "validate", spec))


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
@pytest.mark.parametrize("kind", ["k.jsonl", "k.csv", "k.tsv", "k.txt", "aligned"])
def test_permission_denied_in_every_reader(mirror, tmp_path, kind):
    (tmp_path / "k.jsonl").write_text('{"ko": "가", "en": "a"}\n', encoding="utf-8")
    (tmp_path / "k.csv").write_text("ko,en\n가,a\n", encoding="utf-8")
    (tmp_path / "k.tsv").write_text("ko\ten\n가\ta\n", encoding="utf-8")
    (tmp_path / "k.txt").write_text("가\n", encoding="utf-8")
    for f in tmp_path.iterdir():
        f.chmod(0)
    spec = (f"{tmp_path / 'k.txt'},{tmp_path / 'k.txt'}" if kind == "aligned"
            else str(tmp_path / kind))
    _one_line_error(_run("measure", "-c", spec, "-t", "o200k_base"), "cannot read")
    _one_line_error(_run("count", "--file", str(tmp_path / "k.txt"), "-t", "o200k_base"))


def test_permission_denied_in_a_glob(mirror, tmp_path):
    """A glob's file that cannot be hashed (here: removed after matching) is one line."""
    from tokcost.corpora.base import Corpus

    (tmp_path / "a.txt").write_text("가\n", encoding="utf-8")
    corpus: Corpus = open_corpus(f"mono:{tmp_path}/*.txt")
    (tmp_path / "a.txt").unlink()
    (tmp_path / "a.txt").mkdir()
    with pytest.raises(CorpusError, match="cannot read file"):
        corpus.sha256()


@pytest.mark.parametrize("line", [
    '{"ko": "가", "en": "\\ud800"}',
    '{"ko": "가", "en": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    '{"ko": "가", "en": "a", "n": ' + "9" * 5000 + "}",
    "[" * 100_000,
])
def test_hostile_jsonl_records(mirror, tmp_path, line):
    path = tmp_path / "h.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    _one_line_error(_run("measure", "-c", str(path), "-t", "o200k_base"), "h.jsonl:1:")
    res = _run("corpora", "validate", str(path))
    assert res.exit_code == 1 and "h.jsonl:1:" in res.output


# --- Round trip: every writer and reader gives the same counts --------------------------------

_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                           blacklist_characters="\ufeff\x85"),
    min_size=1, max_size=30,
).filter(lambda s: s.strip() and s == s.strip())
# CSV and JSONL can carry line ends inside a text; TSV and aligned files cannot
_multiline = st.builds(lambda parts, sep: sep.join(parts), st.lists(_text, min_size=1, max_size=3),
                      st.sampled_from(["\n", "\r\n", "\r"]))


def _write_all(d: Path, pairs: list[tuple[str, str]], nl: str) -> dict[str, str]:
    flat = all("\n" not in k + e and "\r" not in k + e for k, e in pairs)
    specs = {"jsonl": str(_jsonl(d / "p.jsonl", pairs))}
    buf = io.StringIO(newline="")
    # QUOTE_MINIMAL quotes only the line terminator's own characters: a field holding another
    # line end ("\n" in "\r" records, a lone "\r" in "\n" records) must be quoted by asking
    odd = any(c in k + e for k, e in pairs for c in "\r\n" if c not in nl)
    w = csv.writer(buf, lineterminator=nl, quoting=csv.QUOTE_ALL if odd else csv.QUOTE_MINIMAL)
    w.writerow(["ko", "en"])
    w.writerows(pairs)
    (d / "p.csv").write_bytes(buf.getvalue().encode())
    specs["csv"] = str(d / "p.csv")
    if flat:
        (d / "p.tsv").write_bytes(("ko\ten" + nl + "".join(f"{k}\t{e}{nl}" for k, e in pairs))
                                  .encode())
        (d / "k.txt").write_bytes("".join(k + nl for k, _ in pairs).encode())
        (d / "e.txt").write_bytes("".join(e + nl for _, e in pairs).encode())
        specs["tsv"] = str(d / "p.tsv")
        specs["aligned"] = f"{d / 'k.txt'},{d / 'e.txt'}"
    return specs


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # `mirror` is stateless
@given(pairs=st.lists(st.tuples(st.one_of(_text, _multiline), st.one_of(_text, _multiline)),
                      min_size=1, max_size=8),
       nl=st.sampled_from(["\n", "\r\n", "\r"]))
def test_every_writer_and_reader_round_trips(tmp_path_factory, mirror, pairs, nl):
    from tokcost.tokenizers import load_tokenizer

    tok = load_tokenizer("o200k_base")
    want_ko = tok.count([k for k, _ in pairs])
    want_en = tok.count([e for _, e in pairs])
    d = tmp_path_factory.mktemp("rt")
    for kind, spec in _write_all(d, pairs, nl).items():
        got = list(open_corpus(spec))
        assert [(p.ko, p.en) for p in got] == pairs, kind
        assert tok.count([p.ko for p in got]) == want_ko, kind
        assert tok.count([p.en or "" for p in got]) == want_en, kind


# --- Statistics ---------------------------------------------------------------------------------

def test_too_few_pairs_get_no_interval(mirror, tmp_path):
    from tokcost.metrics import bootstrap

    path = _jsonl(tmp_path / "one.jsonl", [("안녕하세요 세계", "hello world")])
    res = _run("measure", "-c", str(path), "-t", "o200k_base", "-f", "json")
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)["rows"][0]
    assert row["ratio"] == 1.5
    assert row["ratio_ci_low"] is None and row["ratio_ci_high"] is None
    assert row["ratio_ci_note"] == f"no interval: 1 pair, fewer than {bootstrap.MIN_PAIRS}"
    res = _run("measure", "-c", str(path), "-t", "o200k_base", "-f", "markdown")
    # (Markdown escapes brackets from the data, so no cell can become a link)
    assert res.exit_code == 0 and "1.500 \\[no CI: 1 pairs\\]" in res.stdout
    # the budget built on it has no range either (not a zero-width one)
    res = _run("budget", "--requests-per-day", "100", "-c", str(path), "-m", "gpt-4o",
               "-f", "json")
    assert res.exit_code == 0, res.output
    b = json.loads(res.stdout)["rows"][0]
    assert b["monthly_cost"] and b["monthly_low"] is None and b["monthly_high"] is None
    # from MIN_PAIRS pairs on, an interval
    many = [(f"문장 {i} 입니다", f"sentence {i} here") for i in range(bootstrap.MIN_PAIRS)]
    row = json.loads(_run("measure", "-c", str(_jsonl(tmp_path / "ten.jsonl", many)), "-t",
                          "o200k_base", "-f", "json").stdout)["rows"][0]
    assert row["ratio_ci_low"] is not None and row["ratio_ci_note"] is None


@pytest.mark.parametrize("args, needle", [
    (["measure", "-t", "o200k_base", "--resamples", "0"], "--resamples"),
    (["measure", "-t", "o200k_base", "--resamples", "-5"], "--resamples"),
    (["measure", "-t", "o200k_base", "--resamples", "1000000000"], "--resamples"),
    (["cost", "-m", "gpt-4o", "--cache-share", "nan"], "--cache-share"),
    (["cost", "-m", "gpt-4o", "--cache-share", "1.5"], "--cache-share"),
    (["cost", "-m", "gpt-4o", "--output-ratio", "inf"], "--output-ratio"),
    (["cost", "-m", "gpt-4o", "--fx", "nan"], "--fx"),
    (["cost", "-m", "gpt-4o", "--output-tokens", "-1"], "--output-tokens"),
    (["budget", "--requests-per-day", "nan", "-m", "gpt-4o"], "--requests-per-day"),
    (["budget", "--requests-per-day", "inf", "-m", "gpt-4o"], "--requests-per-day"),
    (["budget", "--requests-per-day", "1e308", "-m", "gpt-4o"], "--requests-per-day"),
    (["budget", "--requests-per-day", "10", "--days", "0", "-m", "gpt-4o"], "--days"),
    (["budget", "--requests-per-day", "10", "--fx", "-inf", "-m", "gpt-4o"], "--fx"),
    (["budget", "--requests-per-day", "10", "--gpu-hourly", "nan"], "--gpu-hourly"),
    (["budget", "--requests-per-day", "10", "--throughput", "0"], "--throughput"),
])
def test_nan_inf_and_absurd_options_are_one_line(mirror, args, needle):
    _one_line_error(_run(*args), needle)


@pytest.mark.parametrize("value", ["1e308", "1.7976931348623157e308", "1e16"])
def test_absurd_prices_in_a_pricing_file_are_one_line(mirror, tmp_path, value):
    """A price of 1e308 is finite but makes the cost overflow: it was written as Infinity."""
    table = tmp_path / "mine.toml"
    table.write_text(f"""schema = 1
provider = "openai"

[[model]]
id = "gpt-4o"

  [[model.price]]
  effective = 2026-01-01
  currency = "USD"
  input = {value}
  output = 8.00
  source = "test"
  confidence = "high"
""", encoding="utf-8")
    for cmd in (["cost", "--text", "안녕하세요", "--en-text", "Hello"],
                ["budget", "--requests-per-day", "10", "-c", "samples/news"]):
        _one_line_error(_run(*cmd, "-m", "gpt-4o", "--pricing", str(table), "-f", "json"),
                        "mine.toml:", "input", "absurdly large")


def test_json_never_holds_nan_or_infinity():
    from tokcost.render import to_json

    assert json.loads(to_json("tokcost/x/1", [{"cost": 1.5}]))["rows"] == [{"cost": 1.5}]
    for bad in (float("inf"), float("nan"), -float("inf")):
        with pytest.raises(TokcostError, match=r"not a finite number \(cost\)"):
            to_json("tokcost/x/1", [{"model": "m", "cost": bad}])


def test_bootstrap_library_refuses_bad_settings():
    from tokcost.metrics import bootstrap

    cells = {(3, 2): 20}
    for bad in (0, -1, 10**9):
        with pytest.raises(TokcostError, match="resamples"):
            bootstrap.ratio_ci_hist(cells, resamples=bad)
    with pytest.raises(TokcostError, match="confidence"):
        bootstrap.ratio_ci_hist(cells, confidence=float("nan"))


# --- Identity ------------------------------------------------------------------------------------

def test_same_id_twice(mirror, tmp_path):
    src = mirror / "skt" / "A.X-4.0-Light" / "tokenizer.json"
    other = tmp_path / "tokenizer.json"
    other.write_bytes(src.read_bytes() + b"\n")  # another file (another sha256) under one id
    for cmd in (["count", "가나다"], ["measure", "-c", "samples/law"]):
        res = _run(*cmd, "-t", "ax-4.0", "-t", f"ax-4.0={other}")
        _one_line_error(res, "'ax-4.0'", "collide")
    # the same file twice is one row, not two rows of one count
    res = _run("count", "가나다", "-t", "ax-4.0", "-t", "ax-4.0", "-f", "json")
    assert res.exit_code == 0 and len(json.loads(res.stdout)["rows"]) == 1


@pytest.mark.parametrize("tid, bos", [
    ("o200k_base", None), ("cl100k_base", None),
    ("llama-3", "<|begin_of_text|>"), ("deepseek-v3", "<｜begin▁of▁sentence｜>"),
    ("gemma-3", "<bos>"),  # its tokenizer.json's own post-processor
    ("ax-4.0", None), ("exaone-4.0", None), ("qwen3", None),  # their configs add none
])
def test_add_special_tokens_follows_each_tokenizer(mirror, tid, bos):
    from tokcost.tokenizers import load_tokenizer

    tok = load_tokenizer(tid)
    text = "안녕하세요, 반갑습니다."
    plain = tok.encode(text)
    with_special = tok.encode(text, add_special_tokens=True)
    if bos is None:
        assert with_special == plain
    else:  # exactly one BOS, the tokenizer's own, before the text's tokens
        assert with_special == [tok._tok.token_to_id(bos), *plain], (tid, with_special[:3])
    assert tok.count([text], add_special_tokens=True) == [len(with_special)]
    assert [len(x) for x in tok.encode_batch([text], add_special_tokens=True)] == \
        [len(with_special)]


def test_unverified_mirror_file_is_labelled_in_every_output(mirror, tmp_path, monkeypatch):
    """A mirror folder whose tokenizer.json is not the catalog's (a digit-splitting copy of
    A.X 4.0): every output of count, measure, cost and budget says 'unverified', the warning comes once
    per process, and --strict refuses it."""
    folder = tmp_path / "mirror" / "skt" / "A.X-4.0-Light"
    digit_split_ax(mirror, folder, configs=True)
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(tmp_path / "mirror"))
    monkeypatch.setenv("TOKCOST_STRICT", "")  # restored after the test (--strict sets it)
    from tokcost.tokenizers import resolver

    # warned once per process and file: start, and leave, with no file warned about
    monkeypatch.setattr(resolver, "_WARNED", set())
    date_text = "2025년 7월 15일 매출 1234567원"

    res = _run("count", date_text, "-t", "ax-4.0", "-f", "json")
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)["rows"][0]
    assert row["tokens"] == 22 and row["identity"] == "unverified"  # the official file: 15
    assert row["tokenizer_match"] == "presumed"
    assert res.stderr.count("is unverified") == 1

    path = str(_jsonl(tmp_path / "p.jsonl", [("2025년 7월 15일 매출 1234567원", "Sales of "
                                               "1,234,567 won on 15 July 2025")]))
    res = _run("measure", "-c", path, "-t", "ax-4.0", "-f", "json", "--no-cache")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["rows"][0]["identity"] == "unverified"
    for fmt in ("table", "markdown"):
        res = _run("measure", "-c", path, "-t", "ax-4.0", "-f", fmt)
        assert res.exit_code == 0 and "ax-4.0 (KR) (unverified)" in res.stdout, res.stdout
    res = _run("measure", "-c", path, "-t", "ax-4.0", "-f", "csv")
    assert next(csv.DictReader(io.StringIO(res.stdout)))["identity"] == "unverified"
    for cmd in (["cost", "--text", date_text, "--en-text", "Sales of 1,234,567 won"],
                ["budget", "--requests-per-day", "10", "-c", path]):
        res = _run(*cmd, "-m", "A.X-4.0")
        assert res.exit_code == 0 and "ax-4.0 (presumed, unverified)" in res.stdout, res.output
        rows = json.loads(_run(*cmd, "-m", "A.X-4.0", "-f", "json").stdout)["rows"]
        assert rows[0]["identity"] == "unverified"
    # the error names the file (the mirror folder is a path, not a secret to mask)
    _one_line_error(_run("--strict", "measure", "-c", path, "-t", "ax-4.0"), "unverified",
                    str(folder / "tokenizer.json"))


# --- What a request really costs -------------------------------------------------------------

def test_cost_text_without_english_uses_the_measured_ratio(mirror):
    """No --en-text: the Korean answer is the English --output-tokens × the tokenizer's measured
    Korean/English ratio on the shipped corpora (never a silent 1.0), and the output says so."""
    import tokcost
    from tokcost.measurement import run_measure

    ratio = run_measure(["samples"], ["o200k_base"]).rows[0]["ratio"]
    assert ratio > 1.05  # o200k_base: Korean costs more than English, so 1.0 would be wrong
    res = _run("cost", "--text", "2025년 7월 매출 보고서를 요약해 주세요.", "-m", "gpt-4o",
               "--output-tokens", "1000", "-f", "json")
    assert res.exit_code == 0, res.output
    row = json.loads(res.stdout)["rows"][0]
    assert row["output_tokens"] == round(1000 * ratio) and row["output_premium"] == ratio
    assert row["output_premium_basis"] == "measured Korean/English ratio on samples"
    assert "measured Korean/English ratio" in res.stderr and "--en-text" in res.stderr
    assert any("--en-text" in w for w in row["warnings"])
    # the library call does the same
    from tokcost.costing import CostOptions

    [lib] = tokcost.cost(["gpt-4o"], text="2025년 7월 매출 보고서를 요약해 주세요.",
                         options=CostOptions(output_tokens=1000))
    assert lib["output_tokens"] == round(1000 * ratio)
    # with the English version, its own ratio decides, and no warning
    res = _run("cost", "--text", "안녕하세요", "--en-text", "Hello", "-m", "gpt-4o",
               "--output-tokens", "100", "-f", "json")
    row = json.loads(res.stdout)["rows"][0]
    assert row["output_tokens"] == 100 * row["input_tokens"] // row["en_input_tokens"]
    assert row["output_premium_basis"] == "this input's Korean/English tokens"
    assert not row["warnings"] and "--en-text" not in res.stderr


def test_budget_range_is_labelled_for_what_it_is(mirror):
    """The budget's low/high scales the tokens per character estimate by the ratio's interval: it
    is labelled as that (heading and ``range_basis``), not as a 95 % interval of the cost."""
    from tokcost.costing import RANGE_BASIS
    from tokcost.measurement import run_measure

    args = ("budget", "--requests-per-day", "100", "-c", "samples/news", "-m", "gpt-4o")
    row = json.loads(_run(*args, "-f", "json").stdout)["rows"][0]
    assert row["range_basis"] == RANGE_BASIS and "not an interval of the" in RANGE_BASIS
    m = run_measure(["samples/news"], ["o200k_base"]).rows[0]
    scale = m["ratio_ci_high"] / m["ratio"]
    assert row["input_tokens"] == round(2000 / m["ko_chars_per_token"])
    assert row["monthly_high"] > row["monthly_cost"] * (1 + (scale - 1) / 2)
    res = _run(*args)
    assert "range (ratio 95% CI)" in res.stdout and "95% range" not in res.stdout
