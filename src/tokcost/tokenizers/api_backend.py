"""Counting through a vendor's token-count endpoint (Claude, Gemini, HyperCLOVA X), opt in.

Off unless asked: ``tokcost --api-count …`` (or ``TOKCOST_API_COUNT=1``). Then catalog entries
with ``api = "anthropic" | "google" | "naver"`` resolve to an :class:`ApiTokenizer` that counts
each text with one call, so ``measure``, ``cost``, ``budget`` and ``report`` give these models
real counts labelled ``tokenizer_match: vendor-api`` and the date counted.

* Keys come from the vendor's usual environment variable (``vendors/<vendor>.py``) and are never
  printed; base URLs are overridable (``ANTHROPIC_BASE_URL``, ``GEMINI_BASE_URL``,
  ``CLOVASTUDIO_BASE_URL``).
* Results are cached by (vendor, model, sha256 of the text) in one JSON file per model, written
  atomically: a re-run makes no call.
* At most ``TOKCOST_API_CONCURRENCY`` (default 4) calls in flight; 429 and 5xx are retried with
  exponential backoff honouring ``Retry-After``, within ``TOKCOST_API_MAX_WAIT`` seconds (default
  120) per text; a 401/403 is one line naming the variable.
* The endpoints count a whole message, so the framing (measured once per model as the count of a
  one-character message minus one) is subtracted: the sentence counts then compare with the
  open tokenizers' counts of the bare text.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

from tokcost.errors import TokcostError
from tokcost.tokenizers.base import Tokenizer
from tokcost.tokenizers.resolver import Resolution, api_resolution  # noqa: F401 (re-exported)
from tokcost.tokenizers.switches import ENABLE_ENV, api_counting_enabled, api_model, enable_api_counting  # noqa: F401

CONCURRENCY_ENV = "TOKCOST_API_CONCURRENCY"
MAX_WAIT_ENV = "TOKCOST_API_MAX_WAIT"
TIMEOUT_ENV = "TOKCOST_API_TIMEOUT"
FRAMING_PROBE = "a"  # one character, one token on every tokenizer tokcost knows
CACHE_SCHEMA = "tokcost/api-counts/1"


class ApiError(TokcostError):
    """A vendor API refused or failed (one line, never the key)."""


def _positive(env: str, default: float) -> float:
    raw = os.environ.get(env)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise TokcostError(f"{env} must be a positive number, not {raw!r}")
    return value


_api_model = api_model


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class CountCache:
    """Counts by text sha256 for one (vendor, model), in one JSON file written atomically."""

    def __init__(self, vendor: str, model: str) -> None:
        from tokcost.paths import cache_dir

        safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in model)
        self.path = cache_dir() / "api-counts" / vendor / f"{safe}.json"
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.dates: dict[str, str] = {}
        self._new: set[str] = set()  # keys counted by this process, not yet saved
        self.vendor, self.model = vendor, model
        self._load_into(self.counts, self.dates)

    def _load_into(self, counts: dict[str, int], dates: dict[str, str]) -> None:
        """Add the counts saved on disk (another run's, or another worker process's)."""
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = {}
        if isinstance(doc, dict) and doc.get("schema") == CACHE_SCHEMA and doc.get("model") == self.model:
            for k, v in (doc.get("counts") or {}).items():
                if (isinstance(k, str) and isinstance(v, list) and len(v) == 2
                        and isinstance(v[0], int) and not isinstance(v[0], bool) and v[0] >= 0):
                    counts[k], dates[k] = v[0], str(v[1])

    def get(self, key: str) -> int | None:
        return self.counts.get(key)

    def put(self, key: str, n: int) -> None:
        with self.lock:
            self.counts[key] = n
            self.dates[key] = date.today().isoformat()
            self._new.add(key)

    def save(self) -> None:
        """Write this process's new counts, merged with what is on disk now: worker processes
        counting one corpus each save their share, and none drops another's (a file lock where
        the platform has one; the write itself is atomic)."""
        from tokcost.paths import write_cache_bytes

        with self.lock:
            if not self._new:
                return
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with _file_lock(self.path.with_name(self.path.name + ".lock")):
                    counts: dict[str, int] = {}
                    dates: dict[str, str] = {}
                    self._load_into(counts, dates)
                    for k in self._new:
                        counts[k], dates[k] = self.counts[k], self.dates[k]
                    doc = {"schema": CACHE_SCHEMA, "vendor": self.vendor, "model": self.model,
                           "counts": {k: [n, dates[k]] for k, n in counts.items()}}
                    if not write_cache_bytes(self.path, json.dumps(doc).encode()):
                        return  # an entry that is a directory, a full disk: not an error
            except OSError:
                return  # a read-only cache is not an error: the counts are still right
            for k, n in counts.items():  # what the other workers counted meanwhile, too
                self.counts.setdefault(k, n)
                self.dates.setdefault(k, dates[k])
            self._new.clear()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive advisory lock on ``path`` (POSIX ``flock``; elsewhere none)."""
    try:
        import fcntl
    except ImportError:  # Windows: the atomic write still keeps the file whole
        yield
        return
    with open(path, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def date_span(dates: Iterable[str]) -> str | None:
    """``2026-12-04``, or ``2026-11-30..2026-12-04`` when counts were made on several days."""
    days = sorted(set(dates))
    if not days:
        return None
    return days[0] if len(days) == 1 else f"{days[0]}..{days[-1]}"


@dataclass
class CallStats:
    calls: int = 0
    retries: int = 0
    cached: int = 0


class VendorCounter:
    """One vendor model's token-count endpoint: bounded, retried, cached."""

    def __init__(self, vendor: str, model: str) -> None:
        from tokcost.vendors import vendor_module

        self.vendor, self.model = vendor, model
        self.mod: ModuleType = vendor_module(vendor)
        self.base = os.environ.get(self.mod.BASE_ENV) or self.mod.DEFAULT_BASE
        self.cache = CountCache(vendor, model)
        self.stats = CallStats()
        self.dates_used: set[str] = set()  # the days the counts this counter returned were made
        self.concurrency = int(_positive(CONCURRENCY_ENV, 4))
        self.max_wait = _positive(MAX_WAIT_ENV, 120.0)
        self.timeout = _positive(TIMEOUT_ENV, 30.0)

    # ------------------------------------------------------------------ keys
    def key(self) -> str:
        for env in self.mod.KEY_ENVS:
            if os.environ.get(env):
                return os.environ[env]
        raise ApiError(f"{self.vendor} token counting needs an API key",
                       hint=f"set {' or '.join(self.mod.KEY_ENVS)}, or drop --api-count")

    # ------------------------------------------------------------------ one call
    def _post(self, text: str) -> int:
        import urllib.error
        import urllib.request

        key = self.key()
        url, headers, body = self.mod.request(self.base, key, self.model, text)
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        deadline = time.monotonic() + self.max_wait
        delay = 0.5
        while True:
            req = urllib.request.Request(url, data=data, headers=headers, method="POST")
            retry_after: float | None = None
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    raw = resp.read(1 << 20)
                with self.cache.lock:
                    self.stats.calls += 1
                try:
                    return int(self.mod.parse(json.loads(raw)))
                except ValueError as exc:
                    raise ApiError(f"{self.vendor} token count: unexpected response ({exc})",
                                   hint=f"check {self.mod.BASE_ENV} points at the vendor's API") from None
            except urllib.error.HTTPError as exc:
                with self.cache.lock:
                    self.stats.calls += 1
                code = exc.code
                if code in (401, 403):
                    raise ApiError(f"{self.vendor} rejected the API key (HTTP {code})",
                                   hint=f"check {' or '.join(self.mod.KEY_ENVS)}") from None
                if code != 429 and code < 500:
                    detail = _error_detail(exc).replace(key, "<key>")  # an echoed key stays hidden
                    raise ApiError(f"{self.vendor} token count failed for model {self.model} "
                                   f"(HTTP {code}{': ' + detail if detail else ''})") from None
                retry_after = _retry_after(exc.headers.get("Retry-After"))
                problem = f"HTTP {code}"
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                problem = f"connection failed ({reason})"
            wait = retry_after if retry_after is not None else delay
            if time.monotonic() + wait > deadline:
                raise ApiError(f"{self.vendor} token count gave up after {self.max_wait:g} s "
                               f"({problem})", hint=f"try again later or raise {MAX_WAIT_ENV}")
            with self.cache.lock:
                self.stats.retries += 1
            time.sleep(wait)
            delay = min(delay * 2, 30.0)

    # ------------------------------------------------------------------ framing
    def framing(self) -> int:
        """Tokens the endpoint adds around one user message: count(one char) - 1."""
        key = "framing:" + text_key(FRAMING_PROBE)
        n = self.cache.get(key)
        if n is None:
            n = self._post(FRAMING_PROBE) - 1
            if n < 0:
                n = 0
            self.cache.put(key, n)
        return n

    # ------------------------------------------------------------------ many texts
    def plan(self, texts: Sequence[str]) -> dict[str, int]:
        """What counting ``texts`` would cost: calls needed (uncached distinct texts, plus the
        framing probe when not yet measured)."""
        keys = {text_key(t) for t in texts if t}
        missing = sum(1 for k in keys if self.cache.get(k) is None)
        probe = 0 if self.cache.get("framing:" + text_key(FRAMING_PROBE)) is not None else 1
        return {"texts": len(texts), "distinct": len(keys), "cached": len(keys) - missing,
                "calls": missing + (probe if missing else 0)}

    def count(self, texts: Sequence[str], progress: Callable[[int], None] | None = None
              ) -> list[int]:
        """Each text's tokens as the vendor counts them, framing subtracted."""
        todo: dict[str, str] = {}
        for t in texts:
            if t:
                k = text_key(t)
                if self.cache.get(k) is None:
                    todo.setdefault(k, t)
        self.stats.cached += sum(1 for t in texts if t) - len(todo)
        if todo:
            framing = self.framing()

            def one(item: tuple[str, str]) -> None:
                k, t = item
                self.cache.put(k, max(0, self._post(t) - framing))
                if progress is not None:
                    progress(1)

            try:
                with ThreadPoolExecutor(max_workers=min(self.concurrency, len(todo))) as pool:
                    for _ in pool.map(one, todo.items()):
                        pass
            finally:
                self.cache.save()
        out = []
        for t in texts:
            if not t:
                out.append(0)
                continue
            k = text_key(t)
            n = self.cache.get(k)
            assert n is not None
            out.append(n)
            self.dates_used.add(self.cache.dates[k])
        return out


def _retry_after(raw: str | None) -> float | None:
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        value = when.timestamp() - time.time()
    return max(0.0, min(value, 600.0))


def _error_detail(exc: Any) -> str:
    try:
        body = json.loads(exc.read(4096))
    except (ValueError, OSError):
        return ""
    err = body.get("error") if isinstance(body, dict) else None
    msg = err.get("message") if isinstance(err, dict) else None
    return str(msg)[:160] if msg else ""


class ApiTokenizer(Tokenizer):
    """A tokenizer that only counts: the vendor's endpoint gives counts, never token ids."""

    backend = "vendor-api"

    def __init__(self, resolution: Resolution) -> None:
        super().__init__(resolution)
        entry = resolution.entry
        self.vendor = VendorCounter(entry.api or "", _api_model(entry))
        self.counter = f"{self.vendor.vendor} token-count API ({self.vendor.model})"

    @property
    def counted_date(self) -> str | None:
        """The day the vendor made the counts this tokenizer returned (from the cache: a re-run
        keeps the original day), ``FIRST..LAST`` when they span days. When this process counted
        nothing (a worker process did), the days recorded in the model's cache."""
        if self.vendor.dates_used:
            return date_span(self.vendor.dates_used)
        counts: dict[str, int] = {}
        dates: dict[str, str] = {}
        self.vendor.cache._load_into(counts, dates)
        return date_span(d for k, d in dates.items() if not k.startswith("framing:"))

    @property
    def vocab_size(self) -> int:
        return 0

    def encode(self, text: str, *, add_special_tokens: bool = False) -> list[int]:
        raise TokcostError(f"{self.id}: a vendor token-count API gives counts, not tokens",
                           hint="inspect / explain / breakdown need a published tokenizer")

    def count(self, texts: Sequence[str], *, add_special_tokens: bool = False) -> list[int]:
        texts = list(texts)
        calls = self.vendor.plan(texts)["calls"]
        bar = _progress_bar(f"{self.id} via {self.vendor.vendor} API", calls)
        try:
            return self.vendor.count(texts, progress=bar.advance if bar else None)
        finally:
            if bar:
                bar.close()

    def encode_flat(self, texts: Sequence[str], *, add_special_tokens: bool = False
                    ) -> tuple[list[int], bytes]:
        return self.count(texts), b""

    def token_bytes(self, token_id: int) -> bytes | None:
        return None

    def describe(self) -> dict[str, object]:
        out = super().describe()
        out.update(api_vendor=self.vendor.vendor, api_model=self.vendor.model,
                   counted_date=self.counted_date)
        return out


class _Bar:
    def __init__(self, label: str, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=True)
        self._task = self._bar.add_task(label, total=total)
        self._bar.start()

    def advance(self, k: int) -> None:
        self._bar.advance(self._task, k)

    def close(self) -> None:
        self._bar.stop()


def _progress_bar(label: str, calls: int) -> _Bar | None:
    """A progress bar on stderr while API calls are made (on a terminal, for 10 calls or more)."""
    import sys

    if calls < 10 or not sys.stderr.isatty():
        return None
    return _Bar(label, calls)
