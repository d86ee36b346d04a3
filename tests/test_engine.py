"""Engine and flat-memory aggregation: exact against brute force on real tokenizer counts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.corpora import open_corpus
from tokcost.engines.local import (
    AUTO_FAST_RANGES_BYTES,
    AUTO_MIN_BYTES,
    auto_workers,
    count_full,
    count_full_reference,
)
from tokcost.measurement import Settings, run_measure
from tokcost.metrics import bootstrap
from tokcost.tokenizers import load_tokenizer

runner = CliRunner()
TOKS = ("o200k_base", "ax-4.0", "mistral-spm-v3", "gemma-3")


def _samples() -> tuple[list[str], list[str], list[str]]:
    pairs = list(open_corpus("samples").pairs())
    return [p.ko for p in pairs], [p.en or "" for p in pairs], [p.domain or "-" for p in pairs]


@pytest.mark.parametrize("tid", TOKS)
def test_count_full_equals_per_text_definition(mirror, tid):
    tok = load_tokenizer(tid)
    ko, en, _ = _samples()
    edge = ["", "a", "", "한국어 ", "\ufffd", "𝄞 ㄱㅏ <unk> <s>", "ÿ\x00\x7f", "", "<|endoftext|>"]
    for texts in (ko, en, edge, [""], []):
        for special in (False, True):
            assert count_full(tok, texts, special) == count_full_reference(tok, texts, special)
    assert sum(count_full(tok, ko, False).tokens) == sum(tok.count(ko))


def _brute(tid: str):
    tok = load_tokenizer(tid)
    ko, en, doms = _samples()
    return tok.count(ko), tok.count(en), doms


def _np_summary(values) -> dict[str, float]:
    """The reference: numpy's mean and default (linear) quantiles of the list of values."""
    import numpy as np

    v = np.asarray(values, dtype=float)
    return {"mean": float(v.mean()), "median": float(np.quantile(v, 0.5)),
            "p10": float(np.quantile(v, 0.1)), "p90": float(np.quantile(v, 0.9))}


@pytest.mark.parametrize("tid", ["o200k_base", "mistral-spm-v3"])
def test_histogram_rows_equal_brute_force(mirror, tid):
    k, e, doms = _brute(tid)
    rows = run_measure(["samples"], [tid], use_cache=False, workers=1,
                       settings=Settings(by_domain=True)).rows
    for row in rows:
        idx = [i for i, d in enumerate(doms) if row["domain"] == "all" or d == row["domain"]]
        kk, ee = [k[i] for i in idx], [e[i] for i in idx]
        assert row["pairs"] == len(idx)
        assert (row["ko_tokens"], row["en_tokens"]) == (sum(kk), sum(ee))
        for side, vals in (("ko", kk), ("en", ee)):
            s = _np_summary(vals)
            assert row[f"{side}_tokens_per_sentence_mean"] == pytest.approx(s["mean"], rel=1e-12)
            assert row[f"{side}_tokens_per_sentence_median"] == pytest.approx(s["median"], rel=1e-12)
            assert row[f"{side}_tokens_per_sentence_p90"] == pytest.approx(s["p90"], rel=1e-12)
        rs = _np_summary([a / b for a, b in zip(kk, ee, strict=True) if b])
        for q in ("median", "p10", "p90"):
            assert row[f"ratio_sentence_{q}"] == pytest.approx(rs[q], rel=1e-12)
        assert row["ratio_sentence_mean"] == pytest.approx(rs["mean"], rel=1e-12)
        assert row["ratio"] == sum(kk) / sum(ee)


def _per_pair_bootstrap(ko, en, resamples, seed, confidence=0.95):
    """The textbook paired bootstrap: resample the N pairs themselves."""
    import numpy as np

    k = np.asarray(ko, dtype=np.float64)
    e = np.asarray(en, dtype=np.float64)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, k.shape[0], size=(resamples, k.shape[0]))
    reps = k[idx].sum(axis=1) / e[idx].sum(axis=1)
    a = (1 - confidence) / 2
    return tuple(float(x) for x in np.quantile(reps, [a, 1 - a]))


def test_multinomial_bootstrap_matches_per_pair_bootstrap(mirror):
    """Same distribution: with many resamples both intervals agree to Monte-Carlo error."""
    k, e, _ = _brute("o200k_base")
    point = sum(k) / sum(e)
    lo_h, hi_h = bootstrap.ratio_ci(k, e, resamples=20000, seed=1)
    lo_p, hi_p = _per_pair_bootstrap(k, e, 20000, seed=2)
    width = hi_p - lo_p
    assert 0 < width < 0.5 * point
    assert abs(lo_h - lo_p) < 0.04 * width
    assert abs(hi_h - hi_p) < 0.04 * width
    # and a wrong resampling scheme (unpaired: the sides drawn independently) is caught
    import numpy as np

    rng = np.random.default_rng(3)
    n = len(k)
    ka, ea = np.asarray(k, float), np.asarray(e, float)
    reps = (ka[rng.integers(0, n, (4000, n))].sum(1) / ea[rng.integers(0, n, (4000, n))].sum(1))
    unpaired = np.quantile(reps, [0.025, 0.975])
    assert abs(unpaired[1] - unpaired[0] - width) > 0.1 * width


def test_bootstrap_is_deterministic_and_order_free(mirror):
    k, e, _ = _brute("o200k_base")
    a = bootstrap.ratio_ci(k, e)
    assert a == bootstrap.ratio_ci(list(reversed(k)), list(reversed(e)))
    assert a != bootstrap.ratio_ci(k, e, seed=1)


def test_aggregation_size_does_not_grow_with_pairs(mirror, tmp_path):
    """Tripling the corpus leaves the histogram (and every quantile) as is, narrows the CI."""
    from collections import deque

    from tokcost.engines.local import count_chunks
    from tokcost.measurement import _add_chunk, _chunks, _Shared

    recs = [json.loads(line) for p in sorted(open_corpus("samples").files[0].parent.glob("*.jsonl"))
            for line in p.read_text(encoding="utf-8").splitlines()]
    sizes = {}
    rows = {}
    tok = load_tokenizer("o200k_base")
    for times in (1, 3):
        p = tmp_path / f"x{times}.jsonl"
        p.write_text("".join(json.dumps({**r, "id": f"{r['id']}-{t}"}, ensure_ascii=False) + "\n"
                             for t in range(times) for r in recs), encoding="utf-8")
        corpus = open_corpus(str(p))
        hists: dict = {}
        pending: deque = deque()
        for res in count_chunks([tok], _chunks(corpus, _Shared(), pending, False),
                                add_special_tokens=False):
            _add_chunk(hists, pending.popleft(), *res[tok.id])
        sizes[times] = len(hists["*"].cells)
        [rows[times]] = run_measure([str(p)], [tok], use_cache=False, workers=1).rows
    assert sizes[1] == sizes[3] > 10
    one, three = rows[1], rows[3]
    assert three["pairs"] == 3 * one["pairs"]
    for key in ("ratio", "ko_tokens_per_sentence_median", "ratio_sentence_p90"):
        assert three[key] == pytest.approx(one[key], rel=1e-12)
    w1 = one["ratio_ci_high"] - one["ratio_ci_low"]
    w3 = three["ratio_ci_high"] - three["ratio_ci_low"]
    assert 0.45 < w3 / w1 < 0.75  # about 1/sqrt(3)


def test_monolingual_histogram(mirror, tmp_path):
    p = tmp_path / "mono.txt"
    lines = ["고객 문의 내용을 요약해 주세요.", "배송이 늦어지고 있습니다.", "네.",
             "배송이 늦어지고 있습니다."]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tok = load_tokenizer("o200k_base")
    counts = tok.count(lines)
    [row] = run_measure([f"mono:{p}"], ["o200k_base"], use_cache=False).rows
    s = _np_summary(counts)
    assert row["ko_tokens"] == sum(counts) and row["pairs"] == 4
    assert row["ko_tokens_per_sentence_median"] == pytest.approx(s["median"], rel=1e-12)
    assert row["ko_tokens_per_sentence_p90"] == pytest.approx(s["p90"], rel=1e-12)


def test_any_worker_count_gives_identical_rows(mirror):
    """In this process, a 2-process pool and auto: the same rows, domain rows included."""
    toks = ["o200k_base", "mistral-spm-v3"]
    settings = Settings(by_domain=True)
    one = run_measure(["samples"], toks, use_cache=False, workers=1, settings=settings).rows
    two = run_measure(["samples"], toks, use_cache=False, workers=2, settings=settings).rows
    auto = run_measure(["samples"], toks, use_cache=False, workers="auto", settings=settings).rows
    assert one == two == auto
    assert len(one) > 2


def test_auto_workers(mirror, monkeypatch):
    from tokcost.engines.local import cpu_count
    from tokcost.tokenizers import fast_counter

    many = cpu_count() if cpu_count() > 1 else 1
    tok, spm = load_tokenizer("o200k_base"), load_tokenizer("mistral-spm-v3")
    assert auto_workers([spm], 1000) == 1
    assert auto_workers([spm], None) == 1
    assert auto_workers([spm], AUTO_MIN_BYTES) == many
    # the fast counter makes this process faster than a pool (reading is the slow part)
    fast = fast_counter.version() is not None
    assert auto_workers([tok], AUTO_MIN_BYTES) == (1 if fast else many)
    assert auto_workers([tok, spm], AUTO_MIN_BYTES) == many
    # unless the processes read their own byte ranges of a large enough file
    assert auto_workers([tok], AUTO_FAST_RANGES_BYTES, ranges=True) == many
    assert auto_workers([tok], AUTO_FAST_RANGES_BYTES - 1, ranges=True) == (1 if fast else many)
    assert auto_workers([tok, tok], AUTO_FAST_RANGES_BYTES // 2, ranges=True) == many
    monkeypatch.setenv("TOKCOST_COUNTER", "reference")
    assert auto_workers([tok], AUTO_MIN_BYTES) == many


def test_workers_option_is_checked(mirror):
    r = runner.invoke(app, ["measure", "-c", "samples/news", "-t", "o200k_base",
                            "--workers", "zero", "-f", "json"])
    assert r.exit_code == 2
    assert "--workers must be auto" in r.output
    ok = runner.invoke(app, ["measure", "-c", "samples/news", "-t", "o200k_base",
                             "--workers", "auto", "-f", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["rows"][0]["pairs"] > 0


def test_bench_smoke(mirror, tmp_path):
    """benchmarks/bench.py runs and writes its JSON (the quick help + cache targets, ~2 s)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"
    out = tmp_path / "bench.json"
    env = dict(os.environ, TOKCOST_TOKENIZERS_DIR=str(mirror))
    r = subprocess.run([sys.executable, str(script), "--quick", "--only", "help,cache",
                        "--out", str(out)], capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "tokcost/bench/1"
    assert doc["cache"]["identical_rows"] is True
    assert doc["help"]["median_s"] > 0 and doc["help"]["importtime_top"]
    assert "| `tokcost --help` |" in r.stdout


_ALPHABET = ["a", "한", " ", "\t", "\n", "\xa0", "\u3000", "\x1c", "\x85", "\u2028", "\u200b", "𝄞"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(_ALPHABET), max_size=12), max_size=6))
def test_chunk_facts_equal_per_text_counts(texts):
    from tokcost.engines.local import text_facts

    def words(t: str) -> int:
        return len(t.split())

    assert text_facts(texts) == (sum(map(len, texts)), sum(len(t.encode("utf-8")) for t in texts),
                             sum(words(t) for t in texts))


def test_facts_are_counted_with_the_tokens_wherever_the_chunk_runs(mirror):
    """Without --by-domain the characters, bytes and words come from the engine's unit of work
    (``ChunkResult.facts``, pickled back from worker processes): same rows as the parent's
    per-domain count, for 1 and 2 workers."""
    import pickle

    from tokcost.engines.local import count_chunk

    def words(t: str) -> int:
        return len(t.split())

    ko, en, _ = _samples()
    tok = load_tokenizer("o200k_base")
    res = pickle.loads(pickle.dumps(count_chunk([tok], ko[:300], en[:300], False)))
    assert res.facts == (sum(map(len, ko[:300])), sum(len(t.encode()) for t in ko[:300]),
                         sum(words(t) for t in ko[:300]), sum(map(len, en[:300])),
                         sum(len(t.encode()) for t in en[:300]), sum(words(t) for t in en[:300]))
    assert count_chunk([tok], ko[:3], None, False, facts=False).facts is None
    rows = {w: run_measure(["samples"], ["o200k_base"], use_cache=False, workers=w).rows
            for w in (1, 2)}
    by_dom = run_measure(["samples"], ["o200k_base"], use_cache=False, workers=1,
                         settings=Settings(by_domain=True)).rows
    assert rows[1] == rows[2]
    keys = [f"{s}_{k}" for s in ("ko", "en") for k in ("chars", "bytes", "words")]
    assert [rows[1][0][k] for k in keys] == [by_dom[0][k] for k in keys]
    assert rows[1][0]["ko_chars"] == sum(map(len, ko))


def test_sentencepiece_threads_do_not_change_counts(mirror):
    """Worker processes encode with one SentencePiece thread (``single_threaded``); the counts
    are those of the library's default threading."""
    from tokcost.engines.local import single_threaded

    ko, en, _ = _samples()
    tok = load_tokenizer("mistral-spm-v3")
    default = count_full(tok, ko + en, False)
    try:
        single_threaded([tok, load_tokenizer("o200k_base")])
        assert tok.num_threads == 1
        assert count_full(tok, ko + en, False) == default
    finally:
        tok.set_num_threads(-1)


_LINES = [b'{"ko": "\xea\xb0\x80", "en": "a", "id": "%d"}', b"", b"   ", b'{"ko": "x", "en": "y"}  ',
          b' {"ko": "x", "en": "y"}', b"[1, 2]", b'{"ko": "x"', b'{"ko": "x", "en": "y"} {}',
          b"\xb0\xa1", b'{"ko": "\xb0", "en": "z"}', b"NaN", b'{"ko": "", "en": "q"}',
          b'{"id": "dup", "ko": "a", "en": "b"}', b'\xef\xbb\xbf{"ko": "b", "en": "c"}',
          b'{"ko": "a\\u2028b", "en": "\xe2\x80\xa8x\xc2\x85"}', b'{"ko": 1, "en": "x"}',
          b'\x0c{"ko": "a", "en": "b"}', b'{"ko": "\xed\x95\x9c\r", "en": "b"}\r']


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(range(len(_LINES))), max_size=10),
       st.sampled_from([b"\n", b"\r\n", b"\r\r\n"]), st.booleans(), st.booleans(),
       st.sampled_from(["strict", "replace"]), st.booleans())
def test_lean_jsonl_reader_equals_the_plain_one(tmp_path_factory, picks, nl, bom, last_nl, errors,
                                                validate):
    """The JSONL reader on the serial path (text mode, the json C scanner, binary from the first
    invalid UTF-8 on) gives exactly what reading line by line with ``read_lines`` and
    ``json.loads`` gives: pairs, stats, and every error with its message and line."""
    from tokcost.corpora import ReadOptions
    from tokcost.corpora.base import read_lines
    from tokcost.corpora.checks import PairChecker
    from tokcost.corpora.jsonl import JsonlCorpus
    from tokcost.errors import CorpusError

    class Plain(JsonlCorpus):
        def _records(self):
            o = self.options
            for path in self.files:
                check = PairChecker(str(path), (o.ko_column, o.en_column), corpus=self)
                on_bad = self.problem if self.problems is not None else None
                for no, line in read_lines(path, o.errors, self.stats, on_bad):
                    if not line.strip():
                        continue
                    try:
                        try:
                            obj = json.loads(line)
                        except json.JSONDecodeError as exc:
                            raise CorpusError(f"invalid JSON ({exc.msg} at column {exc.colno})",
                                              path=str(path), line=no,
                                              hint="each line must be one JSON object") from None
                        if not isinstance(obj, dict):
                            raise CorpusError("expected a JSON object", path=str(path), line=no)
                        pair = check.pair(obj, no)
                    except CorpusError as err:
                        self.problem(err)
                        continue
                    yield pair

    lines = [_LINES[i] % i if b"%d" in _LINES[i] else _LINES[i] for i in picks]
    data = (b"\xef\xbb\xbf" if bom else b"") + nl.join(lines) + (nl if last_nl else b"")
    path = tmp_path_factory.mktemp("r") / "p.jsonl"
    path.write_bytes(data)

    def read(cls):
        c = cls("t", [path], ReadOptions(errors=errors))
        c.problems = [] if validate else None
        try:
            out = [tuple(p) for p in c.pairs()]
        except CorpusError as err:
            out = [("error", str(err), err.line)]
        return out, [(str(e), e.line) for e in c.problems or []], c.stats

    assert read(JsonlCorpus) == read(Plain)


def test_lean_jsonl_reader_invalid_utf8_far_into_the_file(tmp_path):
    """Invalid UTF-8 past the text reader's first buffers: named on its own line, and with
    --errors replace every pair before and after it is read."""
    from tokcost.corpora import ReadOptions
    from tokcost.errors import CorpusError

    good = '{"ko": "가나", "en": "a"}\n'.encode()
    path = tmp_path / "late.jsonl"
    path.write_bytes(good * 5000 + b'{"ko": "\xb0", "en": "z"}\n' + good * 10)
    with pytest.raises(CorpusError, match="invalid UTF-8 at byte 9 of the line") as err:
        list(open_corpus(str(path)))
    assert err.value.line == 5001
    c = open_corpus(str(path), ReadOptions(errors="replace"))
    pairs = list(c)
    assert len(pairs) == 5011 and pairs[5000].ko == "\ufffd" and pairs[-1].line == 5011
    assert c.stats.replaced == 1


def test_bench_reads_the_report_stage_breakdown():
    """bench.py's report row takes the stages and total that `tokcost report --timings` prints."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "tokcost_bench", Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    stderr = ("  load tokenizers     0.63 s\n  measure             0.56 s\n  budget              0.00 s\n"
              "  total               1.19 s\nwrote x\n")
    assert bench.parse_timings(stderr) == ({"load tokenizers": 0.63, "measure": 0.56,
                                            "budget": 0.0}, 1.19)


def test_pool_shares_the_work_with_this_process(mirror, monkeypatch):
    """--workers 2 is one pool process plus this one: both count chunks, results come out in
    input order equal to counting in this process, and this process's environment is restored."""
    import tokcost.engines.local as engine

    monkeypatch.delenv("TOKENIZERS_PARALLELISM", raising=False)
    toks = [load_tokenizer("o200k_base"), load_tokenizer("mistral-spm-v3")]
    ko, en, _ = _samples()
    chunks = [(ko[i:i + 50], en[i:i + 50]) for i in range(0, len(ko), 50)]
    want = [engine.count_chunk(toks, k, e, False) for k, e in chunks]
    here = []
    real = engine.count_chunk

    def spy(*args, **kwargs):
        here.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "count_chunk", spy)
    got = list(engine.count_chunks(toks, iter(chunks), add_special_tokens=False, workers=2))
    assert got == want and [g.facts for g in got] == [w.facts for w in want]
    assert 0 < len(here) < len(chunks)  # this process counted some, the pool the others
    assert "TOKENIZERS_PARALLELISM" not in __import__("os").environ
    assert toks[1].num_threads == -1  # the caller's tokenizer keeps its threads


def test_worker_killed_is_one_clear_error(mirror):
    """A pool worker that dies (killed, crashed) ends the run with one TokcostError line, not a
    BrokenProcessPool traceback."""
    import multiprocessing as mp
    import os
    import signal

    import tokcost.engines.local as engine
    from tokcost.errors import TokcostError

    tok = load_tokenizer("o200k_base")
    ko, en, _ = _samples()

    def chunks():
        for i in range(0, len(ko), 50):
            if i == 200:  # the pool is running by now: kill its worker
                for child in mp.active_children():
                    os.kill(child.pid, signal.SIGKILL)
                    child.join(10)
            yield ko[i:i + 50], en[i:i + 50]

    with pytest.raises(TokcostError) as err:
        list(engine.count_chunks([tok], chunks(), add_special_tokens=False, workers=2))
    assert "worker process stopped unexpectedly" in str(err.value)
    assert "--workers 1" in err.value.render()


def test_pool_tokenizer_unreachable_is_one_line(mirror, capfd):
    """A tokenizer file the workers cannot verify: the run ends with its one-line error, and no
    worker prints a traceback ("Exception in initializer") on stderr."""
    from dataclasses import replace
    from types import SimpleNamespace

    import tokcost.engines.local as engine
    from tokcost.errors import TokcostError

    res = load_tokenizer("o200k_base").resolution
    wrong = SimpleNamespace(resolution=replace(res, sha256="0" * 64))
    ko, en, _ = _samples()
    chunks = iter([(ko[i:i + 100], en[i:i + 100]) for i in range(0, 600, 100)])
    with pytest.raises(TokcostError) as err:
        list(engine.count_chunks([wrong], chunks, add_special_tokens=False, workers=2))
    assert "has sha256 000000000000…" not in str(err.value)  # the file's own digest is named
    assert "the client resolved 000000000000…" in str(err.value)
    assert "Traceback" not in capfd.readouterr().err
