"""Scale out: the Dask engine on a real local cluster gives exactly the local engine's results.

One LocalCluster (2 worker processes, 1 thread each) serves the whole module. Workers that die
mid-run are injected with a worker plugin that ``os._exit``s the process when a chosen chunk
starts executing.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from tests.conftest import MIRROR, REPO
from typer.testing import CliRunner

from tokcost import measurement
from tokcost.cli.app import app
from tokcost.corpora import open_corpus
from tokcost.engines import check_versions, get_engine, library_versions
from tokcost.engines.local import count_chunks, portable, worker_tokenizers
from tokcost.errors import CorpusError, TokcostError, TokenizerUnavailable
from tokcost.measurement import Settings, run_measure
from tokcost.tokenizers import load_tokenizer

runner = CliRunner()
SAMPLES = REPO / "corpora" / "samples"
TOKS = ["o200k_base", "qwen3", "mistral-spm-v3"]  # tiktoken, HF tokenizers, SentencePiece

try:
    import distributed
except ImportError:  # pragma: no cover - CI installs tokcost[test], which has dask
    distributed = None
needs_dask = pytest.mark.skipif(distributed is None,
                                reason="dask.distributed is not installed (pip install 'tokcost[dask]')")


@pytest.fixture(scope="module")
def cluster():
    """A real cluster of 2 worker processes; a task may lose its worker once, not twice."""
    if distributed is None:
        pytest.skip("dask.distributed is not installed (pip install 'tokcost[dask]')")
    import logging

    from distributed import Client, LocalCluster

    old = os.environ.get("TOKCOST_TOKENIZERS_DIR")
    if MIRROR.exists():  # what the workers see as their own mirror (see test_worker_uses_own_mirror)
        os.environ["TOKCOST_TOKENIZERS_DIR"] = str(MIRROR)
    try:
        lc = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=logging.ERROR,
                          scheduler_kwargs={"allowed_failures": 1})
    finally:
        if old is None:
            os.environ.pop("TOKCOST_TOKENIZERS_DIR", None)
        else:
            os.environ["TOKCOST_TOKENIZERS_DIR"] = old
    client = Client(lc)
    yield lc, client
    client.close()
    lc.close()


@pytest.fixture
def small_chunks(monkeypatch):
    """Many chunks from a small corpus, so order and in-flight limits are exercised."""
    monkeypatch.setattr(measurement, "CHUNK_PAIRS", 150)


@pytest.fixture
def pair_glob(tmp_path) -> str:
    """The shipped samples twice over, in nested directories: ``pairs/**/*.jsonl``."""
    for sub in ("b", "a/deeper"):
        d = tmp_path / "pairs" / sub
        d.mkdir(parents=True)
        for f in SAMPLES.glob("*.jsonl"):
            shutil.copy(f, d / f.name)
    return str(tmp_path / "pairs" / "**" / "*.jsonl")


@pytest.fixture
def mono_glob(tmp_path) -> str:
    d = tmp_path / "logs"
    for i, f in enumerate(sorted(SAMPLES.glob("*.jsonl"))[:4]):
        (d / f"day{i % 2}").mkdir(parents=True, exist_ok=True)
        lines = [json.loads(x)["ko"] for x in f.read_text(encoding="utf-8").splitlines() if x]
        (d / f"day{i % 2}" / f"{f.stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(d / "**" / "*.txt")


def _fault_plugin(chunk: int, marker: Path | None):
    """A worker plugin that kills its worker process when chunk ``chunk`` starts executing:
    once (the first time, recorded in ``marker``) or every time (``marker`` None)."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class DieOnChunk(WorkerPlugin):
        name = "tokcost-test-fault"

        def transition(self, key, start, finish, **kwargs):
            if finish != "executing" or not str(key).startswith("tokcost-count-"):
                return
            if int(str(key).rsplit("-", 1)[1]) != chunk:
                return
            if marker is not None:
                try:
                    marker.open("x").close()
                except FileExistsError:
                    return
            os._exit(1)

    return DieOnChunk()


def _address(cluster) -> str:
    return cluster[0].scheduler_address


# ---------------------------------------------------------------- identical results


@needs_dask
def test_dask_measure_equals_local(mirror, cluster, pair_glob, small_chunks):
    settings = Settings(by_domain=True, resamples=300)
    local = run_measure([pair_glob], TOKS, settings=settings, use_cache=False).rows
    dask = run_measure([pair_glob], TOKS, settings=settings, use_cache=False, engine="dask",
                       cluster=_address(cluster)).rows
    assert local == dask  # counts, ratios, intervals, per-domain rows and signatures
    assert len(local) == 3 * 11 and local[0]["pairs"] == 2200
    assert any(r["ko_byte_fallback_rate"] for r in local)  # partial counts travel too


@needs_dask
def test_dask_cli_mono_glob_and_count(mirror, cluster, mono_glob, small_chunks):
    base = ["measure", "-c", mono_glob, "-t", "o200k_base", "-t", "qwen3", "--format", "json",
            "--no-cache", "--resamples", "200"]
    local = runner.invoke(app, base)
    dask = runner.invoke(app, [*base, "--engine", "dask", "--cluster", _address(cluster)])
    assert local.exit_code == 0 and dask.exit_code == 0, local.output + dask.output
    lj, dj = json.loads(local.stdout), json.loads(dask.stdout)
    assert lj["rows"] == dj["rows"] and lj["rows"][0]["monolingual"]
    assert (lj["engine"], dj["engine"]) == ("local", "dask")
    assert "engine" not in json.dumps(dj["rows"][0]["signature"])

    cnt = ["count", "--file", mono_glob, "-t", "o200k_base", "--format", "json"]
    lc = runner.invoke(app, cnt)
    dc = runner.invoke(app, [*cnt, "--engine", "dask", "--cluster", _address(cluster)])
    assert lc.exit_code == 0 and dc.exit_code == 0, lc.output + dc.output
    rows = json.loads(lc.stdout)["rows"]
    assert rows == json.loads(dc.stdout)["rows"] and len(rows) == 4
    assert [r["input"] for r in rows] == sorted((r["input"] for r in rows),
                                                key=lambda s: Path(s).parts)
    tok = load_tokenizer("o200k_base")
    first = Path(rows[0]["input"]).read_text(encoding="utf-8")
    assert rows[0]["tokens"] == tok.count([first])[0]


def test_local_pool_equals_in_process(mirror, mono_glob, small_chunks):
    one = run_measure([mono_glob], ["qwen3"], use_cache=False, workers=1).rows
    two = run_measure([mono_glob], ["qwen3"], use_cache=False, workers=2).rows
    assert one == two


# ---------------------------------------------------------------- workers and tokenizer files


@needs_dask
def test_worker_uses_own_mirror_never_downloads(mirror, cluster):
    """The client's path is not there on the worker: the worker finds the same sha256 in its own
    mirror (TOKCOST_TOKENIZERS_DIR); a different sha256 is refused with one clear line."""
    res = load_tokenizer("o200k_base").resolution
    moved = replace(res, path=Path("/nowhere/tiktoken/o200k_base.tiktoken"))
    texts = ["안녕하세요, 반갑습니다.", "계약서 제3조를 확인해 주세요."]
    engine = get_engine("dask")
    [out] = engine.count_chunks(portable([moved]), iter([(texts, None)]), add_special_tokens=False,
                                workers=1, cluster=_address(cluster), trust_remote_code=False)
    assert out["o200k_base"][0].tokens == load_tokenizer("o200k_base").count(texts)
    wrong = replace(moved, sha256="0" * 64)
    with pytest.raises(TokcostError) as err:
        list(engine.count_chunks([wrong], iter([(texts, None)]), add_special_tokens=False,
                                 workers=1, cluster=_address(cluster), trust_remote_code=False))
    msg = str(err.value)
    assert "/nowhere/tiktoken/o200k_base.tiktoken is not reachable on dask worker tcp://" in msg
    assert "TOKCOST_TOKENIZERS_DIR" in msg and "\n" not in msg


def test_worker_refuses_unreachable_or_changed_file(mirror, tmp_path):
    res = load_tokenizer("o200k_base").resolution
    gone = replace(res, path=tmp_path / "gone.tiktoken")
    [tok] = worker_tokenizers([gone])  # not at the client's path: this machine's mirror, same sha
    assert tok.sha256 == res.sha256 and tok.resolution.path != gone.path
    assert worker_tokenizers([res])[0] is tok  # opened once per process
    with pytest.raises(TokenizerUnavailable, match=r"gone\.tiktoken is not reachable on test-worker"):
        worker_tokenizers([replace(gone, sha256="0" * 64)], where="test-worker")
    other = tmp_path / "o200k_base.tiktoken"
    other.write_bytes(res.path.read_bytes() + b"\n")
    with pytest.raises(TokenizerUnavailable, match=r"has sha256 \w+…, the client resolved 111111"):
        worker_tokenizers([replace(res, path=other, sha256="1" * 64)], where="test-worker")


def test_worker_refuses_other_library_versions():
    mine = library_versions()
    check_versions(mine, "w")
    with pytest.raises(TokcostError, match="w has other versions than the client: tokcost"):
        check_versions({**mine, "tokcost": "0.0.0-other"}, "w")


# ---------------------------------------------------------------- failures


@needs_dask
def test_worker_death_is_retried(mirror, cluster, pair_glob, small_chunks, tmp_path):
    _, client = cluster
    client.wait_for_workers(2, timeout=60)
    client.register_plugin(_fault_plugin(3, tmp_path / "died-once"))
    try:
        dask = run_measure([pair_glob], ["o200k_base"], settings=Settings(resamples=200),
                           use_cache=False, engine="dask", cluster=_address(cluster)).rows
    finally:
        client.unregister_worker_plugin("tokcost-test-fault")
    assert (tmp_path / "died-once").exists()  # a worker did die, on chunk 3
    local = run_measure([pair_glob], ["o200k_base"], settings=Settings(resamples=200),
                        use_cache=False).rows
    assert dask == local


@needs_dask
def test_worker_dying_every_time_is_reported_and_nothing_written(mirror, cluster, pair_glob,
                                                                small_chunks, tmp_path):
    _, client = cluster
    client.wait_for_workers(2, timeout=60)
    out = tmp_path / "result.json"
    client.register_plugin(_fault_plugin(2, None))
    try:
        r = runner.invoke(app, ["measure", "-c", pair_glob, "-t", "o200k_base", "--format", "json",
                                "-o", str(out), "--engine", "dask", "--cluster", _address(cluster)])
    finally:
        client.unregister_worker_plugin("tokcost-test-fault")
        client.wait_for_workers(2, timeout=60)
    assert r.exit_code == 2, r.output
    line = r.stderr.strip()
    # the task that kills its worker takes the tasks queued on that worker down with it: the
    # first chunk in input order that failed is named
    assert re.search(r"^tokcost: error: dask workers died while counting chunk \d+ "
                     r"\(pairs \d+–\d+\), more often than the cluster retries", line)
    assert "nothing was written" in line and "\n" not in line
    assert not out.exists()
    again = runner.invoke(app, ["measure", "-c", pair_glob, "-t", "o200k_base", "--format", "json"])
    assert again.exit_code == 0  # and nothing partial was cached: the rows are complete
    assert json.loads(again.stdout)["rows"][0]["pairs"] == 2200


def test_missing_extra_is_one_clear_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails
    r = runner.invoke(app, ["measure", "-c", "samples", "-t", "o200k_base", "--engine", "dask"])
    assert r.exit_code == 2
    assert r.stderr.strip() == ("tokcost: error: the dask engine needs dask.distributed, which is "
                                "not installed (pip install 'tokcost[dask]')")
    r = runner.invoke(app, ["count", "x", "--engine", "spark"])
    assert r.exit_code == 2 and "unknown engine 'spark' (choose one of: local, dask)" in r.output
    with pytest.raises(TokcostError, match="--cluster needs a distributed engine"):
        next(count_chunks([], iter([]), add_special_tokens=False, cluster="tcp://127.0.0.1:1"))


# ---------------------------------------------------------------- globs as one corpus


def test_glob_corpus_is_deterministic(tmp_path):
    shipped = open_corpus("samples")
    globbed = open_corpus(str(SAMPLES / "*.jsonl"))
    assert [f.name for f in globbed.files] == [f.name for f in shipped.files]
    assert globbed.sha256() == shipped.sha256()  # same files, same order, same fingerprint
    for i, name in enumerate(["b.txt", "a.txt", "c/z.txt", "c/a.txt"]):  # created out of order
        p = tmp_path / "logs" / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(f"줄 {i}\n", encoding="utf-8")
    c = open_corpus(str(tmp_path / "logs" / "**" / "*.txt"))
    assert [f.relative_to(tmp_path / "logs").as_posix() for f in c.files] == \
        ["a.txt", "b.txt", "c/a.txt", "c/z.txt"]
    assert c.monolingual and [p.ko for p in c.pairs()] == ["줄 1", "줄 0", "줄 3", "줄 2"]
    assert open_corpus("mono:" + str(tmp_path / "logs" / "*.txt")).monolingual
    (tmp_path / "logs" / "d.jsonl").write_text('{"ko": "가", "en": "a"}\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="several kinds"):
        open_corpus(str(tmp_path / "logs" / "*"))
    with pytest.raises(CorpusError, match="no file matches this pattern"):
        open_corpus(str(tmp_path / "none" / "*.txt"))


# ---------------------------------------------------------------- workers read whole files


@needs_dask
def test_workers_read_files_equals_local(mirror, cluster, pair_glob, mono_glob, monkeypatch):
    """--workers-read: each worker reads whole files (pairs and monolingual globs); the client
    reads no record at all, and the rows equal the local engine's, per domain included."""
    settings = Settings(by_domain=True, resamples=300)
    local = run_measure([pair_glob, mono_glob], TOKS, settings=settings, use_cache=False).rows

    def read_here(*_a, **_k):
        raise AssertionError("the client read the corpus itself")

    monkeypatch.setattr(measurement, "_aggregate", read_here)  # the workers' copy is untouched
    dask = run_measure([pair_glob, mono_glob], TOKS, settings=replace(settings, workers_read=True),
                       use_cache=False, engine="dask", cluster=_address(cluster)).rows
    assert dask == local
    assert len(local) == 3 * 11 + 3 and local[0]["pairs"] == 2200


@needs_dask
def test_workers_read_bad_record_is_the_local_error(mirror, cluster, tmp_path):
    """A bad record in the second file: the same one line (file:line, what, fix) as locally."""
    d = tmp_path / "p"
    d.mkdir()
    shutil.copy(SAMPLES / "news.jsonl", d / "a.jsonl")
    (d / "b.jsonl").write_text('{"ko": "가", "en": "a"}\n{"ko": "", "en": "x"}\n', encoding="utf-8")
    pattern = str(d / "*.jsonl")
    with pytest.raises(CorpusError) as here:
        run_measure([pattern], ["o200k_base"], use_cache=False)
    with pytest.raises(TokcostError) as there:
        run_measure([pattern], ["o200k_base"], settings=Settings(workers_read=True),
                    use_cache=False, engine="dask", cluster=_address(cluster))
    assert str(there.value) == str(here.value)
    assert "b.jsonl:2: empty 'ko' text" in str(there.value)


def test_shard_task_refuses_missing_or_changed_file(mirror, tmp_path):
    """A worker that cannot see the file, or sees another one, says so in one line."""
    from tokcost.engines.dask_engine import _shard_task
    from tokcost.hashing import sha256_file

    d = tmp_path / "p"
    d.mkdir()
    for name in ("a.jsonl", "b.jsonl"):
        shutil.copy(SAMPLES / "news.jsonl", d / name)
    corpus = open_corpus(str(d / "*.jsonl"))
    tok = load_tokenizer("o200k_base")
    from tokcost.measurement import count_shard

    args = (count_shard, portable([tok.resolution]), False, library_versions([tok.resolution]))
    shard = corpus.shard(corpus.files[1])
    hists, shared, stats = _shard_task(*args, shard, sha256_file(corpus.files[1]), Settings())
    assert shared.ko_chars > 0
    assert stats.records == 110 and sum(hists["o200k_base"]["*"].cells.values()) == 110
    with pytest.raises(TokcostError) as err:
        _shard_task(*args, shard, "0" * 64, Settings())
    assert "the client hashed 000000000000…" in str(err.value) and "\n" not in str(err.value)
    (d / "b.jsonl").unlink()
    with pytest.raises(TokcostError) as err:
        _shard_task(*args, shard, "0" * 64, Settings())
    assert "b.jsonl is not reachable on dask worker" in str(err.value)
    assert "--client-reads" in err.value.render()


@needs_dask
def test_cli_workers_read_flag(mirror, cluster, pair_glob):
    base = ["measure", "-c", pair_glob, "-t", "o200k_base", "--format", "json", "--no-cache",
            "--resamples", "200", "--engine", "dask", "--cluster", _address(cluster)]
    chunks = runner.invoke(app, [*base, "--client-reads"])
    files = runner.invoke(app, [*base, "--workers-read"])
    assert chunks.exit_code == 0 and files.exit_code == 0, chunks.output + files.output
    assert json.loads(chunks.stdout)["rows"] == json.loads(files.stdout)["rows"]
    assert "--workers-read / --client-reads" in runner.invoke(app, ["measure", "--help"]).stdout


def test_workers_read_flag_needs_a_distributed_engine():
    r = runner.invoke(app, ["measure", "-t", "o200k_base", "--workers-read"])
    assert r.exit_code == 2
    assert r.stderr.strip() == ("tokcost: error: --workers-read needs a distributed engine "
                                "(add --engine dask, or drop the flag)")
