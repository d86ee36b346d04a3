"""Counting engine: one code path that turns a chunk of texts into per-text counts.

``count_chunk`` is what every engine runs — in this process, in a local process pool, or on a
distributed engine's workers (``tokcost.engines``) — so that results are identical whichever runs
it. It also counts the chunk's characters, bytes and words, so that the process reading the corpus
only reads, chunks and merges. Workers open tokenizers once per process with ``worker_tokenizers``
from the client's ``Resolution`` (path + sha256), verified on the worker, never downloaded there.
"""

from __future__ import annotations

import contextlib
import os
import threading
import weakref
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from tokcost.errors import TokcostError, TokenizerUnavailable
from tokcost.metrics.fallback import count_partial, count_unk
from tokcost.tokenizers import Tokenizer, open_resolution
from tokcost.tokenizers.resolver import Resolution

CHUNK_PAIRS = 2000
LOCAL = "local"

Chunk = tuple[list[str], list[str] | None]


@dataclass
class TextCounts:
    """Per-text counts for one tokenizer over a chunk."""

    tokens: list[int]
    partial: list[int]
    unk: list[int]


class ChunkFacts(NamedTuple):
    """Tokenizer-independent facts of a chunk, summed over its texts."""

    ko_chars: int
    ko_bytes: int
    ko_words: int
    en_chars: int
    en_bytes: int
    en_words: int


class ChunkResult(dict[str, tuple[TextCounts, TextCounts | None]]):
    """Per-text counts of a chunk, by tokenizer id, and (``facts``) the chunk's characters, bytes
    and words when ``count_chunk`` was asked for them. A dict, so it pickles to and from worker
    processes and dask workers with its ``facts`` and ``counters`` (by tokenizer id, the library
    that counted: ``Tokenizer.counter``, recorded in the result's signature)."""

    facts: ChunkFacts | None = None
    counters: dict[str, str] | None = None


# ASCII whitespace as str.split() sees it (\t \n \v \f \r \x1c-\x1f and space) becomes b" ",
# every other byte b"x": the words of an ASCII text are the b" x" boundaries (plus a first one).
_WS_ASCII = bytes(0x20 if chr(i).isspace() else 0x78 for i in range(128)) + b"x" * 128


def text_facts(texts: Sequence[str]) -> tuple[int, int, int]:
    """Characters, UTF-8 bytes and whitespace words of ``texts``, summed: joined with one space,
    which is one byte and never joins or splits words, so a chunk costs a few C-level passes
    (ASCII text, typically the English side, is word-counted without making a string per word)."""
    if not texts:
        return 0, 0, 0
    joined = " ".join(texts)
    sep = len(texts) - 1
    if joined.isascii():
        marks = joined.encode("ascii").translate(_WS_ASCII)
        return len(joined) - sep, len(joined) - sep, marks.count(b" x") + (marks[:1] == b"x")
    nbytes = len(joined.encode("utf-8", "surrogatepass")) - sep
    return len(joined) - sep, nbytes, _unicode_words(joined)


_SPACE16: Any = None


def _unicode_words(text: str) -> int:
    """``len(text.split())`` without making a string per word (4x faster on Korean): the text's
    UTF-16 code units looked up in a table of what ``str.isspace()`` calls whitespace (all of it
    is in the BMP; the halves of a surrogate pair are not whitespace, like the character), then
    the starts of non-whitespace runs counted."""
    import numpy as np

    global _SPACE16
    if _SPACE16 is None:
        table = np.zeros(0x10000, dtype=np.bool_)
        table[[i for i in range(0x10000) if chr(i).isspace()]] = True
        _SPACE16 = table
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    space = np.take(_SPACE16, units)
    return int(np.count_nonzero(space[:-1] > space[1:])) + (not space[0])


def chunk_facts(ko: Sequence[str], en: Sequence[str] | None) -> ChunkFacts:
    return ChunkFacts(*text_facts(ko), *text_facts(en or ()))


_TABLES: weakref.WeakKeyDictionary[Tokenizer, Any] = weakref.WeakKeyDictionary()


def _table(tok: Tokenizer):
    """``partial_table()`` as a numpy uint8 array (1 = byte-fallback token), built once per
    process. Building it walks the whole vocabulary (~0.7 s for o200k_base, paid again by every
    worker process), so it is also kept on disk beside the result cache, keyed by the tokenizer
    file's sha256 and checked by its own digest."""
    table = _TABLES.get(tok)
    if table is None:
        import numpy as np

        raw = _stored_table(tok)
        if raw is None:
            raw = bytes(tok.partial_table())
            _store_table(tok, raw)
        else:
            tok.adopt_partial_table(raw)  # what partial_table() would have computed
        table = np.frombuffer(raw, dtype=np.uint8)
        _TABLES[tok] = table
    return table


def _table_path(tok: Tokenizer):
    from tokcost._version import __version__
    from tokcost.paths import derived_path

    name = f"{tok.sha256}-{tok.id}-{type(tok).__name__}-{tok.vocab_size}-{__version__}.bin"
    return derived_path("partial", name)


def _stored_table(tok: Tokenizer) -> bytes | None:
    from tokcost.paths import read_checked

    raw = read_checked(_table_path(tok))
    return raw if raw is not None and len(raw) == tok.vocab_size else None


def _store_table(tok: Tokenizer, raw: bytes) -> None:
    from tokcost.paths import write_checked

    write_checked(_table_path(tok), raw)


def count_full(tok: Tokenizer, texts: Sequence[str], add_special_tokens: bool) -> TextCounts:
    """Token, byte-fallback and UNK counts of each text (each tokenized on its own).

    Same numbers as ``count_partial``/``count_unk`` per text; the ids of the chunk are packed into
    one array and looked up in a flag table at once, which keeps the cost over a plain encode loop
    to a few percent."""
    import numpy as np

    lens, flat = tok.encode_flat(texts, add_special_tokens=add_special_tokens)
    if not lens:
        return TextCounts([], [], [])
    ids_np = np.frombuffer(flat, dtype=np.uint32) if len(flat) else np.zeros(0, np.uint32)
    table = _table(tok)
    try:
        marks = np.take(table, ids_np)
    except IndexError:  # an id past the table (e.g. an added token): not byte fallback
        table = np.concatenate([table, np.zeros(int(ids_np.max()) + 1 - table.shape[0], np.uint8)])
        marks = np.take(table, ids_np)
    n = len(lens)
    ends = np.cumsum(np.asarray(lens, dtype=np.int64))

    def per_text(mask) -> list[int]:
        # marked tokens are few (byte fallback, UNK): find them, then the text each falls in
        hits = np.flatnonzero(mask)
        if not hits.size:
            return [0] * n
        return np.bincount(np.searchsorted(ends, hits, side="right"), minlength=n).tolist()

    partial = per_text(marks)
    unk_id = tok.unk_id()
    unk = [0] * n if unk_id is None else per_text(ids_np == unk_id)
    return TextCounts(lens, partial, unk)


def count_full_reference(tok: Tokenizer, texts: Sequence[str], add_special_tokens: bool
                         ) -> TextCounts:
    """The plain per-text definition ``count_full`` must agree with (used by the tests)."""
    ids_list = tok.encode_batch(texts, add_special_tokens=add_special_tokens)
    table = tok.partial_table()
    unk = tok.unk_id()
    return TextCounts(
        [len(ids) for ids in ids_list],
        [count_partial(ids, table) for ids in ids_list],
        [count_unk(ids, unk) for ids in ids_list],
    )


def count_chunk(tokenizers: Sequence[Tokenizer], ko: list[str], en: list[str] | None,
                add_special_tokens: bool, facts: bool = True) -> ChunkResult:
    """The counts of one chunk on every tokenizer, and with ``facts`` its characters, bytes and
    words: the unit of work of every engine."""
    out = ChunkResult((t.id, (count_full(t, ko, add_special_tokens),
                              count_full(t, en, add_special_tokens) if en else None))
                      for t in tokenizers)
    out.counters = {t.id: t.counter or t.backend for t in tokenizers}
    if facts:
        out.facts = chunk_facts(ko, en)
    return out


# ---------------------------------------------------------------- worker processes
_WORKER_TOKS: dict[tuple[str, str], Tokenizer] = {}
_WORKER_LOCK = threading.Lock()


def portable(resolutions: Sequence[Resolution]) -> list[Resolution]:
    """Resolutions as shipped to workers (without the candidates the client tried)."""
    return [replace(r, tried=()) for r in resolutions]


def _reachable(res: Resolution, where: str) -> Resolution:
    """The client's resolution if its file is here with the same sha256; else this machine's own
    offline resolution of the same entry when it has the same sha256; else one clear error."""
    from tokcost.hashing import sha256_file

    if res.path.is_file():
        digest = sha256_file(res.path)
        if digest == res.sha256:
            return res
        problem = f"has sha256 {digest[:12]}…, the client resolved {res.sha256[:12]}…"
    else:
        problem = "is not reachable"
    from tokcost.tokenizers.resolver import resolve

    try:
        local = resolve(res.entry)  # mirror dirs / caches on this machine; never a download
    except TokcostError:
        local = None
    if local is not None and local.sha256 == res.sha256:
        return replace(local, entry=res.entry, proxy_of=res.proxy_of, tried=())
    raise TokenizerUnavailable(
        f"{res.entry.id}: tokenizer file {res.path} {problem} on {where}",
        hint="mount the same mirror or cache directory on every worker, or set "
        "TOKCOST_TOKENIZERS_DIR there to a mirror holding the same file",
    )


def worker_tokenizers(resolutions: Sequence[Resolution], trust_remote_code: bool = False,
                      where: str = "this worker") -> list[Tokenizer]:
    """The tokenizers a worker counts with, opened once per process and reused by every chunk."""
    out = []
    with _WORKER_LOCK:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        for res in resolutions:
            key = (res.entry.id, res.sha256)
            tok = _WORKER_TOKS.get(key)
            if tok is None:
                tok = open_resolution(_reachable(res, where), trust_remote_code=trust_remote_code)
                _table(tok)
                _WORKER_TOKS[key] = tok
            out.append(tok)
    return out


def forget_worker_tokenizers(keys: Sequence[tuple[str, str]]) -> None:
    """Drop this process's ``worker_tokenizers`` by (tokenizer id, sha256): measure opens one
    tokenizer at a time and releases it before the next (``measurement.release``)."""
    with _WORKER_LOCK:
        for key in keys:
            _WORKER_TOKS.pop(key, None)


_POOL: tuple[list[Resolution], bool] | None = None


def single_threaded(tokenizers: Sequence[Tokenizer]) -> None:
    """One encoding thread per process, for backends that would otherwise start one per core
    (SentencePiece's list encode): when tokcost runs a process per core, threads on top compete
    (SentencePiece, 100 MB, 2 processes: see docs/performance.md)."""
    for tok in tokenizers:
        setter = getattr(tok, "set_num_threads", None)
        if setter is not None:
            setter(1)


def _init_worker(resolutions: Sequence[Resolution], trust_remote_code: bool) -> None:
    global _POOL
    _POOL = (list(resolutions), trust_remote_code)
    # A tokenizer this worker cannot open: _work raises the error again for its chunk, so the
    # parent gets that one line instead of a broken pool and a traceback on stderr.
    with contextlib.suppress(TokcostError):
        single_threaded(worker_tokenizers(resolutions, trust_remote_code,
                                          f"local worker process {os.getpid()}"))


def _work(args: tuple[list[str], list[str] | None, bool, bool]) -> ChunkResult:
    assert _POOL is not None
    ko, en, special, facts = args
    toks = worker_tokenizers(*_POOL, where=f"local worker process {os.getpid()}")
    return count_chunk(toks, ko, en, special, facts)


@dataclass(frozen=True)
class _Failed:
    """A ``TokcostError`` raised while counting one piece, as data (a worker sends it back; the
    caller raises it again only when every earlier piece has come back without one, so the error
    reported is the first in file order)."""

    kind: type[TokcostError]
    message: str
    hint: str | None
    path: str | None
    line: int | None

    @classmethod
    def of(cls, exc: TokcostError) -> _Failed:
        return cls(type(exc), exc.message, exc.hint, exc.path, exc.line)

    def error(self) -> TokcostError:
        return self.kind(self.message, hint=self.hint, path=self.path, line=self.line)


def warm_fast(tokenizers: Sequence[Any], special: bool = False) -> None:
    """Load every tokenizer's fast exact counter now (all at once, in their background threads)
    and wait for them: for a process about to count a large share of the input beside other
    processes. Left to load in the background while the reference counts (the default), the
    load competes for the interpreter with the counting and, with a process per core, for the
    cores too: o200k_base's took ~6 s instead of 1.3 s, counting 14 MB at a fifth of the speed
    meanwhile (docs/performance.md). With ``special`` (``--add-special-tokens``) HF tokenizers
    count with the reference anyway, so theirs is not loaded."""
    from tokcost.tokenizers import fast_counter

    fast = [f for t in tokenizers
            if (f := getattr(t, "fast", None)) is not None and not (special and t.backend == "hf")]
    for f in fast:
        f(fast_counter.WARM_AFTER_TEXTS)  # as if that many texts were asked for: starts the load
    for f in fast:
        f(0, wait=True)


def _piece_work(args: tuple[Any, Any, Any, bool]) -> Any:
    """In a pool process: ``count(item, tokenizers, settings)`` (``count_pieces``)."""
    assert _POOL is not None
    count, item, settings, warm = args
    try:
        toks = worker_tokenizers(*_POOL, where=f"local worker process {os.getpid()}")
        if warm:
            warm_fast(toks, getattr(settings, "add_special_tokens", False))
        return count(item, toks, settings)
    except TokcostError as exc:
        return _Failed.of(exc)


def count_pieces(tokenizers: Sequence[Any], items: Sequence[Any], count: Any, settings: Any,
                 workers: int, trust_remote_code: bool = False, warm: bool = False
                 ) -> Iterator[Any]:
    """``count(item, tokenizers, settings)`` of each item (e.g. a byte range of a file, which
    the process counting it reads itself: ``tokcost.measurement.count_span``), in ``workers``
    processes — a pool of ``workers - 1`` and this one, which takes an item whenever the pool
    has two per process waiting, as ``_pool_with_parent`` does with chunks. Results come out in
    item order. A ``TokcostError`` of an item is raised once every earlier item has been counted
    without one (no later item is started after it): the first error in item order. ``warm``:
    every process loads its fast counters before its first item (``warm_fast``)."""
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    resolutions = portable([t.resolution for t in tokenizers])
    here: list[Tokenizer] | None = None
    in_flight = 2 * (workers - 1)
    window: deque[Any] = deque()
    saved = os.environ.get("TOKENIZERS_PARALLELISM")

    def settled(item: Any) -> Any:
        got = item.result() if isinstance(item, Future) else item
        if isinstance(got, _Failed):
            raise got.error()
        return got

    def failed() -> bool:
        return any(isinstance(x, _Failed) or (isinstance(x, Future) and x.done()
                                              and isinstance(x.result(), _Failed))
                   for x in window)

    try:
        with _stopping(ProcessPoolExecutor(
            max_workers=max(1, workers - 1), mp_context=mp.get_context("spawn"),
            initializer=_init_worker, initargs=(resolutions, trust_remote_code),
        )) as pool:
            for item in items:
                if failed():
                    break  # a piece failed: nothing after it counts
                busy = sum(1 for x in window if isinstance(x, Future) and not x.done())
                if busy < in_flight:
                    window.append(pool.submit(_piece_work, (count, item, settings, warm)))
                else:
                    if here is None:  # the same tokenizers a worker opens, one thread each
                        here = worker_tokenizers(resolutions, trust_remote_code, "this process")
                        single_threaded(here)
                        if warm:
                            warm_fast(here, getattr(settings, "add_special_tokens", False))
                    try:
                        window.append(count(item, here, settings))
                    except TokcostError as exc:
                        window.append(_Failed.of(exc))
                while window and (not isinstance(window[0], Future) or window[0].done()):
                    yield settled(window.popleft())
            while window:
                yield settled(window.popleft())
    except BrokenProcessPool as exc:  # from submit() or a result
        raise _broken(exc) from None
    finally:
        if saved is None:  # worker_tokenizers turned the Rust thread pool off for this process
            os.environ.pop("TOKENIZERS_PARALLELISM", None)
        else:
            os.environ["TOKENIZERS_PARALLELISM"] = saved


def ordered_window(submit, chunks: Iterator[Chunk], in_flight: int, result) -> Iterator[ChunkResult]:
    """Submit chunks with at most ``in_flight`` pending and yield their results in input order:
    memory stays flat however large the input."""
    window: deque = deque()
    for i, chunk in enumerate(chunks):
        window.append(submit(i, chunk))
        if len(window) >= in_flight:
            yield result(window.popleft())
    while window:
        yield result(window.popleft())


# ---------------------------------------------------------------- --workers auto
# What runs fastest per backend on a 2-core machine (benchmarks/bench.py, docs/performance.md).
# Encoding alone, tokenizer loaded, vs one thread: tiktoken's own thread pool
# (encode_ordinary_batch) 0.35x, two processes 1.67x; HF tokenizers' Rust-parallel encode_batch
# 1.85x, two processes 1.98x; SentencePiece's num_threads=2 1.89x, two processes 1.70x. End to
# end (`tokcost measure`, 100 MB) two processes beat one process using the library's own threads
# for every backend (SentencePiece 5.9 s vs 6.7 s), because they also share tokcost's own
# per-chunk work. So: processes everywhere, each encoding with one thread (``single_threaded``).
AUTO_STRATEGY: dict[str, str] = {
    "tiktoken": "processes", "hf": "processes", "sentencepiece": "processes",
    "tekken": "processes", "transformers": "processes",
}
# A worker process takes ~0.3 s to start and load its tokenizers (the reading process counts
# meanwhile), so ``auto`` counts in this process below this much text x tokenizers (2 workers
# break even at ~8 MB for tiktoken and ~16 MB for SentencePiece: docs/performance.md).
AUTO_MIN_BYTES = 16 * 1024 * 1024
# With the fast exact counter (fastokens) counting is no longer the slow part: the reading process
# is, and shipping chunks to a second process costs more than it saves. Measured on 2 cores
# (docs/performance.md, 2026-12-04; 100 MB by bench.py, 256 MB timed by hand as described there):
# o200k_base 100 MB 3.98 s in this process vs 5.51 s with two,
# 256 MB 7.7 s vs 9.1 s; A.X 4.0 (HF) 4.08 s vs 5.04 s, 256 MB 7.6 s vs 9.4 s. So ``auto``
# counts in this process when every tokenizer will use it; SentencePiece still gains from two.
# Unless every process reads its own byte ranges of the file (``ranges``: a JSON Lines or
# monolingual file, docs/performance.md): then the reading is shared too, and what a second
# process adds is its start and its own fast-counter load (~1 s of CPU for o200k_base: 8.4 s
# vs 7.5-8.3 s of CPU for 100 MB, 2 processes vs 1, on the shared machine), paid for once the
# text x tokenizers is about this much.
AUTO_FAST_RANGES_BYTES = 64 * 1024 * 1024


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def corpus_bytes(corpus: object) -> int | None:
    """Size on disk of a corpus's files (None when unknown, e.g. standard input)."""
    files = getattr(corpus, "files", None) or []
    try:
        return sum(f.stat().st_size for f in files) or None
    except OSError:
        return None


def auto_workers(tokenizers: Sequence[Tokenizer], nbytes: int | None, *, engine: str = LOCAL,
                 ranges: bool = False) -> int:
    """``--workers auto``: every core for a distributed engine; locally, a process pool of every
    core when the backends prefer processes, the input is large enough to pay for the pool's
    start-up and some tokenizer counts without the fast counter (or, with ``ranges``, the
    processes read their own byte ranges and the input is ``AUTO_FAST_RANGES_BYTES`` or more),
    else 1 (in this process)."""
    cpus = cpu_count()
    if engine != LOCAL:
        return cpus
    if cpus <= 1 or nbytes is None or nbytes * max(1, len(tokenizers)) < AUTO_MIN_BYTES:
        return 1
    if all(AUTO_STRATEGY.get(t.backend, "processes") != "processes" for t in tokenizers):
        return 1
    from tokcost.tokenizers import fast_counter

    if all(fast_counter.expected(t.backend, t.resolution.entry.encoding) for t in tokenizers):
        if ranges and nbytes * len(tokenizers) >= AUTO_FAST_RANGES_BYTES:
            return cpus
        return 1
    return cpus


def count_chunks(
    tokenizers: Sequence[Tokenizer],
    chunks: Iterator[Chunk],
    *,
    add_special_tokens: bool,
    workers: int | str = 1,
    trust_remote_code: bool = False,
    engine: str = LOCAL,
    cluster: str | None = None,
    facts: bool = True,
) -> Iterator[ChunkResult]:
    """Counts per chunk, in input order, with each chunk's ``facts`` (characters, bytes, words)
    counted where the chunk is counted (a distributed engine always counts them).

    ``engine="local"``: in this process, or with ``workers > 1`` a local process pool whose
    workers load each tokenizer once. Any other engine (``tokcost.engines.ENGINES``, e.g. ``dask``)
    runs the same ``count_chunk`` on its workers, on ``cluster`` (an address) or on a cluster it
    starts on this machine with ``workers`` processes. ``workers="auto"``: see ``auto_workers``
    (input size unknown here, so locally 1)."""
    if workers == "auto":
        workers = auto_workers(tokenizers, None, engine=engine)
    assert isinstance(workers, int)
    if engine != LOCAL:
        from tokcost.engines import get_engine

        yield from get_engine(engine).count_chunks(
            portable([t.resolution for t in tokenizers]), chunks,
            add_special_tokens=add_special_tokens, workers=workers, cluster=cluster,
            trust_remote_code=trust_remote_code,
        )
        return
    if cluster is not None:
        raise TokcostError("--cluster needs a distributed engine",
                           hint="add --engine dask, or drop --cluster")
    if workers <= 1:
        for ko, en in chunks:
            yield count_chunk(tokenizers, ko, en, add_special_tokens, facts)
        return
    yield from _pool_with_parent(tokenizers, chunks, workers, add_special_tokens, facts,
                                 trust_remote_code)


def _broken(exc: BaseException) -> TokcostError:
    """A worker process that died (killed for memory, a crash in a tokenizer library): one line."""
    return TokcostError(
        f"a worker process stopped unexpectedly while counting ({exc})",
        hint="re-run with --workers 1 (in this process); if the machine is short of memory, "
        "use fewer workers",
    )


@contextlib.contextmanager
def _stopping(pool: Any) -> Iterator[Any]:
    """``pool`` that, when the run ends early (Ctrl-C, SIGTERM, an error, the consumer stopping),
    terminates its workers at once instead of letting them finish every queued chunk."""
    try:
        yield pool
    except BaseException:
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            with contextlib.suppress(Exception):
                proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)


def _pool_with_parent(tokenizers: Sequence[Tokenizer], chunks: Iterator[Chunk], workers: int,
                      special: bool, facts: bool, trust_remote_code: bool
                      ) -> Iterator[ChunkResult]:
    """``workers`` processes count: a pool of ``workers - 1`` and this one. Chunks go to the pool
    while it has fewer than two per process waiting; otherwise this process counts the chunk
    itself. So the reading process never idles while the pool is busy or still starting (a
    spawned worker takes ~0.3 s to import and load its tokenizers), and one interpreter fewer
    loads the tokenizers and unpickles chunks: on 2 cores, 2 processes rather than 3 (the
    measurements are in docs/performance.md). Results come out in input order; at most a few
    chunks are held, whatever the input's size."""
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    resolutions = portable([t.resolution for t in tokenizers])
    here: list[Tokenizer] | None = None
    in_flight = 2 * (workers - 1)
    max_window = in_flight + 4
    window: deque[Future | ChunkResult] = deque()
    saved = os.environ.get("TOKENIZERS_PARALLELISM")

    def settled(item: Future | ChunkResult) -> ChunkResult:
        return item.result() if isinstance(item, Future) else item

    try:
        with _stopping(ProcessPoolExecutor(
            max_workers=workers - 1, mp_context=mp.get_context("spawn"),
            initializer=_init_worker, initargs=(resolutions, trust_remote_code),
        )) as pool:
            for ko, en in chunks:
                busy = sum(1 for x in window if isinstance(x, Future) and not x.done())
                if busy < in_flight:
                    window.append(pool.submit(_work, (ko, en, special, facts)))
                else:
                    if here is None:  # the same tokenizers a worker opens, one thread each
                        here = worker_tokenizers(resolutions, trust_remote_code, "this process")
                        single_threaded(here)
                    window.append(count_chunk(here, ko, en, special, facts))
                while window and (len(window) >= max_window or not isinstance(window[0], Future)
                                  or window[0].done()):
                    yield settled(window.popleft())
            while window:
                yield settled(window.popleft())
    except BrokenProcessPool as exc:  # from submit() or a result
        raise _broken(exc) from None
    finally:
        if saved is None:  # worker_tokenizers turned the Rust thread pool off for this process
            os.environ.pop("TOKENIZERS_PARALLELISM", None)
        else:
            os.environ["TOKENIZERS_PARALLELISM"] = saved
