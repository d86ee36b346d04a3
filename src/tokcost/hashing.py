"""sha256 of files and texts.

A file's digest is remembered for the life of the process and, for files of 1 MiB or more, in a
small on-disk memo (``<cache dir>/sha256-memo.json``), so that a re-run on an unchanged 100 MB
corpus does not read it again just to key the result cache. Both are keyed by the file's absolute
path, size, mtime, inode and ctime (all in nanoseconds where the OS has them). A changed file
gets a new ctime even when its size and mtime are put back (``os.utime`` itself sets the ctime),
so the memo is stale only where the file system's timestamps are too coarse to tell two writes
apart and the size did not change either. ``memo_disabled()`` (``--no-cache``) and the
environment variable ``TOKCOST_REHASH=1`` hash the bytes regardless (the latter keeps the result
cache). A memo that cannot be read or parsed is ignored and rewritten; an entry of any other
shape than ``[size, mtime_ns, inode, ctime_ns, 64 lowercase hex digits]`` (integers) is a miss.
What a careless or hostile user can and cannot do with this is in docs/security.md.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

MEMO_NAME = "sha256-memo.json"
MEMO_SCHEMA = "tokcost/sha256-memo/1"
MEMO_MIN_BYTES = 1 << 20  # smaller files hash faster than the memo is read
MEMO_MAX_FILES = 512

_Key = tuple[str, int, int, int, int]
_MEMO: dict[_Key, str] = {}
_USE_MEMO: ContextVar[bool] = ContextVar("tokcost_sha256_memo", default=True)
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: Set to 1 to hash every file's bytes (the memo neither read nor written), keeping the result cache.
REHASH_ENV = "TOKCOST_REHASH"


@contextmanager
def memo_disabled() -> Iterator[None]:
    """Within this block every ``sha256_file`` reads the file's bytes (``--no-cache``)."""
    token = _USE_MEMO.set(False)
    try:
        yield
    finally:
        _USE_MEMO.reset(token)


def _stat_key(p: Path) -> _Key:
    st = p.stat()
    return (str(p.resolve()), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def _hash_bytes(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def memo_path() -> Path:
    from tokcost.paths import cache_dir

    return cache_dir() / MEMO_NAME


def _load_memo() -> dict[str, list]:
    """{absolute path: [size, mtime_ns, inode, ctime_ns, sha256]}; {} when absent or corrupt."""
    try:
        doc = json.loads(memo_path().read_bytes())
        files = doc["files"] if doc.get("schema") == MEMO_SCHEMA else {}
        return {k: v for k, v in files.items() if isinstance(k, str) and _well_formed(v)}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _well_formed(entry: object) -> bool:
    """``[size, mtime_ns, inode, ctime_ns, sha256 hex]`` exactly (bool is not an integer here)."""
    return (isinstance(entry, list) and len(entry) == 5
            and all(type(x) is int for x in entry[:4])
            and isinstance(entry[4], str) and _HEX64.fullmatch(entry[4]) is not None)


def _save_memo(files: dict[str, list]) -> None:
    from tokcost.paths import write_cache_bytes

    keep = [(k, v) for k, v in files.items() if os.path.exists(k)][-MEMO_MAX_FILES:]
    data = json.dumps({"schema": MEMO_SCHEMA, "files": dict(keep)}, ensure_ascii=False)
    write_cache_bytes(memo_path(), data.encode("utf-8"))  # else the next run re-hashes


def sha256_file(path: str | Path) -> str:
    p = Path(path)
    if not _USE_MEMO.get() or os.environ.get(REHASH_ENV, "") not in ("", "0"):
        return _hash_bytes(p)
    key = _stat_key(p)
    cached = _MEMO.get(key)
    if cached is not None:
        return cached
    abs_path, *stamp = key
    on_disk = key[1] >= MEMO_MIN_BYTES
    files = _load_memo() if on_disk else {}
    entry = files.get(abs_path)
    if entry is not None and entry[:4] == stamp:
        digest = entry[4]
    else:
        digest = _hash_bytes(p)
        if on_disk:
            files.pop(abs_path, None)  # re-insert last: the newest entries are the ones kept
            files[abs_path] = [*stamp, digest]
            _save_memo(files)
    _MEMO[key] = digest
    return digest


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
