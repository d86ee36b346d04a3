"""The on-disk sha256 memo: an unchanged file is not re-read, a changed one is, a corrupt memo is
ignored and rewritten, and --no-cache hashes the bytes."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from tokcost import hashing
from tokcost.corpora import open_corpus


@pytest.fixture
def reads(monkeypatch) -> list[Path]:
    """Every time a file's bytes are hashed (the memo is bypassed or misses)."""
    done: list[Path] = []
    real = hashing._hash_bytes

    def counting(p: Path) -> str:
        done.append(p)
        return real(p)

    monkeypatch.setattr(hashing, "_hash_bytes", counting)
    monkeypatch.setattr(hashing, "_MEMO", {})  # a fresh process: only the disk memo remains
    return done


def _big(path: Path, fill: bytes = b"a") -> Path:
    line = b'{"ko": "\xea\xb0\x80", "en": "' + fill * 64 + b'"}\n'
    path.write_bytes(line * (hashing.MEMO_MIN_BYTES // len(line) + 1))
    return path


def _new_process(monkeypatch) -> None:
    monkeypatch.setattr(hashing, "_MEMO", {})


def test_unchanged_file_is_not_reread(tmp_path, reads, monkeypatch):
    p = _big(tmp_path / "c.jsonl")
    want = hashlib.sha256(p.read_bytes()).hexdigest()
    assert hashing.sha256_file(p) == want and reads == [p]
    assert hashing.memo_path().is_file()
    _new_process(monkeypatch)
    assert hashing.sha256_file(p) == want and reads == [p]  # from the disk memo
    # the corpus fingerprint uses it too
    _new_process(monkeypatch)
    open_corpus(str(p)).sha256()
    assert reads == [p]


def test_changed_file_gets_a_new_digest(tmp_path, reads, monkeypatch):
    p = _big(tmp_path / "c.jsonl")
    old = hashing.sha256_file(p)
    st = p.stat()
    _big(p, b"b")  # same size, other bytes
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    _new_process(monkeypatch)
    new = hashing.sha256_file(p)
    assert new != old and new == hashlib.sha256(p.read_bytes()).hexdigest() and len(reads) == 2


def test_size_and_mtime_put_back_still_rehash(tmp_path, reads, monkeypatch):
    """os.utime can restore the mtime, but not the ctime, which is in the key."""
    p = _big(tmp_path / "c.jsonl")
    old = hashing.sha256_file(p)
    st = p.stat()
    _big(p, b"b")
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (p.stat().st_size, p.stat().st_mtime_ns, p.stat().st_ino) == (
        st.st_size, st.st_mtime_ns, st.st_ino)
    _new_process(monkeypatch)
    assert hashing.sha256_file(p) != old


def test_the_trade_off_same_stat_means_same_digest(tmp_path, reads, monkeypatch):
    """When every stamp in the key is unchanged (a file system too coarse to tell two writes
    apart), the memo's value is returned without reading: the documented trade-off."""
    p = _big(tmp_path / "c.jsonl")
    old = hashing.sha256_file(p)
    key = hashing._stat_key(p)
    _big(p, b"b")
    monkeypatch.setattr(hashing, "_stat_key", lambda _: key)
    _new_process(monkeypatch)
    assert hashing.sha256_file(p) == old and len(reads) == 1
    _new_process(monkeypatch)
    with hashing.memo_disabled():  # --no-cache
        assert hashing.sha256_file(p) == hashlib.sha256(p.read_bytes()).hexdigest() != old
    assert len(reads) == 2


@pytest.mark.parametrize("junk", [b"\x00garbage", b'{"schema": "tokcost/sha256-memo/1"}',
                                  b'{"schema": "tokcost/sha256-memo/1", "files": {"x": 3}}', b"[]"])
def test_corrupt_memo_is_ignored_and_rewritten(tmp_path, reads, monkeypatch, junk):
    p = _big(tmp_path / "c.jsonl")
    memo = hashing.memo_path()
    memo.parent.mkdir(parents=True, exist_ok=True)
    memo.write_bytes(junk)
    assert hashing.sha256_file(p) == hashlib.sha256(p.read_bytes()).hexdigest()
    doc = json.loads(memo.read_bytes())
    assert doc["schema"] == hashing.MEMO_SCHEMA and str(p.resolve()) in doc["files"]


def test_small_files_stay_out_of_the_memo(tmp_path, reads):
    p = tmp_path / "small.txt"
    p.write_text("가나다\n", encoding="utf-8")
    hashing.sha256_file(p)
    assert not hashing.memo_path().exists()


def test_memo_drops_files_that_are_gone(tmp_path, reads, monkeypatch):
    a, b = _big(tmp_path / "a.jsonl"), _big(tmp_path / "b.jsonl")
    hashing.sha256_file(a)
    a.unlink()
    hashing.sha256_file(b)
    files = json.loads(hashing.memo_path().read_bytes())["files"]
    assert list(files) == [str(b.resolve())]


def test_measure_no_cache_rehashes(tmp_path, reads, mirror):
    from typer.testing import CliRunner

    from tokcost.cli.app import app

    p = _big(tmp_path / "c.jsonl")
    hashing.sha256_file(p)
    assert reads == [p]
    args = ["measure", "-c", str(p), "-t", "o200k_base", "--workers", "1", "-f", "json",
            "--resamples", "10"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0, r.output
    assert reads.count(p) == 1  # the in-process memo
    r = CliRunner().invoke(app, [*args, "--no-cache"])
    assert r.exit_code == 0, r.output
    assert reads.count(p) == 2


def _forge(p: Path, entry: object) -> None:
    memo = hashing.memo_path()
    memo.parent.mkdir(parents=True, exist_ok=True)
    memo.write_text(json.dumps({"schema": hashing.MEMO_SCHEMA, "files": {str(p.resolve()): entry}}),
                    encoding="utf-8")


@pytest.mark.parametrize("forge", [
    lambda st: [*st, "../../etc/passwd"],              # not a digest
    lambda st: [*st, "A" * 64],                        # not lowercase hex
    lambda st: [*st, "0" * 63],                        # too short
    lambda st: [*st, "0" * 64, "extra"],               # wrong length
    lambda st: [float(st[0]), *st[1:], "0" * 64],      # a float stamp
    lambda st: [str(st[0]), *st[1:], "0" * 64],        # a string stamp
    lambda st: {"size": st[0], "sha256": "0" * 64},    # another shape
    lambda st: None,
])
def test_forged_memo_entry_is_a_miss_not_a_crash(tmp_path, reads, monkeypatch, forge):
    """An entry whose stamp matches but whose shape is wrong is re-hashed (and rewritten)."""
    p = _big(tmp_path / "c.jsonl")
    want = hashlib.sha256(p.read_bytes()).hexdigest()
    _, *stamp = hashing._stat_key(p)
    _forge(p, forge(stamp))
    assert hashing.sha256_file(p) == want and reads == [p]
    assert json.loads(hashing.memo_path().read_bytes())["files"][str(p.resolve())] == [*stamp, want]


def test_a_well_formed_memo_entry_is_believed(tmp_path, reads):
    """The control for the test above: the same stamp with a well-formed digest is used unread
    (what someone who can write to the cache directory can do; docs/security.md)."""
    p = _big(tmp_path / "c.jsonl")
    _, *stamp = hashing._stat_key(p)
    _forge(p, [*stamp, "0" * 64])
    assert hashing.sha256_file(p) == "0" * 64 and reads == []


def test_rehash_env_reads_the_bytes_and_keeps_the_memo(tmp_path, reads, monkeypatch):
    p = _big(tmp_path / "c.jsonl")
    want = hashing.sha256_file(p)
    before = hashing.memo_path().read_bytes()
    monkeypatch.setenv("TOKCOST_REHASH", "1")
    _new_process(monkeypatch)
    assert hashing.sha256_file(p) == want and hashing.sha256_file(p) == want
    assert reads == [p, p, p]  # every call reads (not even the in-process memo)
    assert hashing.memo_path().read_bytes() == before
    monkeypatch.setenv("TOKCOST_REHASH", "0")
    assert hashing.sha256_file(p) == want and len(reads) == 3  # from the memo again


def test_memo_write_is_atomic(tmp_path, reads, monkeypatch):
    """The memo goes through paths.atomic_write_bytes: a write that fails at the rename leaves
    the previous memo whole and no temporary file behind; the digest is still right."""
    a, b = _big(tmp_path / "a.jsonl"), _big(tmp_path / "b.jsonl", b"b")
    hashing.sha256_file(a)
    memo = hashing.memo_path()
    before = memo.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device", str(dst))

    with monkeypatch.context() as m:
        m.setattr(os, "replace", broken_replace)
        assert hashing.sha256_file(b) == hashlib.sha256(b.read_bytes()).hexdigest()
    assert memo.read_bytes() == before
    assert [x.name for x in memo.parent.iterdir() if x.name.endswith(".tmp")] == []
