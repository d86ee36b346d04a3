"""On-disk result cache: atomic writes, self-checking entries (a corrupted one is recomputed)."""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import asdict
from typing import Any

from tokcost._version import __version__
from tokcost.paths import cache_dir, write_cache_bytes

# Bumped whenever the rows a measurement produces change for the same inputs within one tool
# version (2: histogram aggregation and the multinomial paired bootstrap; 3: tokens per sentence
# p10), so stale entries are never served.
ROWS_FORMAT = 3


def measure_key(tok_sha: str, tok_id: str, corpus_sha: str, options: Any,
                settings: dict[str, Any]) -> str:
    doc = {"v": __version__, "rows": ROWS_FORMAT, "tok": tok_id, "tok_sha": tok_sha, "corpus": corpus_sha,
           "options": asdict(options), "settings": settings}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _path(key: str):
    return cache_dir() / "measure" / key[:2] / f"{key}.json"


def load(key: str) -> dict[str, Any] | None:
    path = _path(key)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        body = doc["body"]
        digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
        if doc.get("key") != key or doc.get("sha256") != digest:
            raise ValueError("checksum mismatch")
        return body
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        # corrupted, a directory, or a cache dir that is a file: recompute, never trust
        with contextlib.suppress(OSError):
            if path.is_file():
                path.unlink()
        return None


def store(key: str, body: dict[str, Any]) -> None:
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
    data = json.dumps({"key": key, "sha256": digest, "body": body}, ensure_ascii=False)
    write_cache_bytes(_path(key), data.encode("utf-8"))  # a read-only cache breaks nothing
