"""Measure: tokens per Korean vs English sentence, with honest statistics.

>>> import tokcost
>>> rows = tokcost.measure(corpora=["samples"], tokenizers=["o200k_base"])  # doctest: +SKIP
>>> rows[0]["ratio"], rows[0]["ratio_ci_low"], rows[0]["ratio_ci_high"]     # doctest: +SKIP
"""

from __future__ import annotations

import unicodedata
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from tokcost._version import __version__
from tokcost.corpora import Corpus, ReadOptions, open_corpus
from tokcost.corpora.base import ReadStats
from tokcost.engines.local import (
    CHUNK_PAIRS,
    LOCAL,
    ChunkFacts,
    TextCounts,
    auto_workers,
    corpus_bytes,
    count_chunks,
    text_facts,
)
from tokcost.errors import TokcostError
from tokcost.metrics import bootstrap, ratio
from tokcost.metrics.compression import per
from tokcost.tokenizers import Tokenizer, file_key

if TYPE_CHECKING:
    from tokcost.schema.measure import MeasureRow

#: ``factory(corpus name, tokenizer ids, about how many records or None)`` -> ``advance(n)``
#: (or None): how a front end shows progress; the library never draws anything itself.
ProgressFactory = Callable[[str, str, int | None], Callable[[int], None] | None]

SCHEMA = "tokcost/measure/1"
DEFAULT_CORPORA = ("samples",)


@dataclass
class Settings:
    add_special_tokens: bool = False
    resamples: int = bootstrap.DEFAULT_RESAMPLES
    seed: int = bootstrap.DEFAULT_SEED
    confidence: float = 0.95
    by_domain: bool = False
    # How to count, not what: every engine gives identical results, so these are in neither
    # key() nor the signature. engine: local | dask (tokcost.engines); cluster: its address.
    engine: str = "local"
    cluster: str | None = None
    # With a distributed engine: workers read whole files themselves (True), or this process
    # reads and ships chunks (False); None: workers read on a cluster started here (same files).
    workers_read: bool | None = None

    def key(self) -> dict[str, Any]:
        return {"special": self.add_special_tokens, "resamples": self.resamples,
                "seed": self.seed, "confidence": self.confidence, "by_domain": self.by_domain}


@dataclass
class _Hist:
    """What one tokenizer saw on one domain, in memory that does not grow with the corpus: a
    histogram of per-pair token counts — (ko, en) for pairs, ko alone for monolingual input —
    and the byte-fallback and UNK totals per side. Its size is the number of distinct counts,
    which stops growing long before the corpus does. Every per-sentence figure (quantiles,
    ratio distribution, the paired bootstrap) is exact from it."""

    cells: Counter = field(default_factory=Counter)
    partial: list[int] = field(default_factory=lambda: [0, 0])
    unk: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, other: _Hist) -> None:
        self.cells.update(other.cells)
        for i in (0, 1):
            self.partial[i] += other.partial[i]
            self.unk[i] += other.unk[i]


@dataclass
class _Shared:
    """Tokenizer-independent facts: chars, bytes and words of each side, per domain."""

    ko_chars: int = 0
    en_chars: int = 0
    ko_bytes: int = 0
    en_bytes: int = 0
    ko_words: int = 0
    en_words: int = 0
    per_domain: dict[str, list[int]] = field(default_factory=dict)  # chars, bytes, words ×2
    counters: dict[str, str] = field(default_factory=dict)  # tokenizer id -> library that counted

    def add(self, f: ChunkFacts, domain: str | None = None) -> None:
        """A chunk's facts as counted with its tokens (by the engine, wherever it ran); with
        ``domain``, also that domain's."""
        self.ko_chars += f.ko_chars
        self.ko_bytes += f.ko_bytes
        self.ko_words += f.ko_words
        self.en_chars += f.en_chars
        self.en_bytes += f.en_bytes
        self.en_words += f.en_words
        if domain is not None:
            d = self.per_domain.setdefault(domain, [0] * 6)
            for i, v in enumerate((f.ko_chars, f.en_chars, f.ko_bytes, f.en_bytes, f.ko_words,
                                   f.en_words)):
                d[i] += v

    def merge(self, later: _Shared) -> None:
        """Add the facts of a later part of the same corpus (a file a worker read)."""
        self.add(ChunkFacts(later.ko_chars, later.ko_bytes, later.ko_words, later.en_chars,
                            later.en_bytes, later.en_words))
        for dom, vals in later.per_domain.items():
            acc = self.per_domain.setdefault(dom, [0] * 6)
            acc[:] = [a + b for a, b in zip(acc, vals, strict=True)]
        for tid, c in later.counters.items():
            self.add_counter(tid, c)

    def add_counter(self, tid: str, counter: str) -> None:
        """Record that ``counter`` (possibly "a + b") counted some of ``tid``'s texts."""
        parts = {*self.counters.get(tid, "").split(" + "), *counter.split(" + ")} - {""}
        self.counters[tid] = " + ".join(sorted(parts))


@dataclass
class MeasureResult:
    """What :func:`run_measure` returns: ``rows`` in their JSON form (what the cache stores and
    ``tokcost measure -f json`` writes) and :meth:`records`, the same rows typed, which the
    stages after measurement (costing, the report) read."""

    rows: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)
    _records: list[MeasureRow] | None = field(default=None, init=False, repr=False,
                                               compare=False)

    def to_json(self) -> str:
        from tokcost.render import to_json

        return to_json(SCHEMA, self.rows, warnings=self.warnings)

    def records(self) -> list[MeasureRow]:
        """The rows as typed records (validated once: a key the schema does not name is an
        error)."""
        from tokcost.schema.measure import MeasureRow

        if self._records is None:
            self._records = [MeasureRow.model_validate(r) for r in self.rows]
        return self._records

    def dataframe(self) -> Any:
        """The rows as a pandas DataFrame (``pip install "tokcost[pandas]"``), signature fields
        flattened to ``signature.*`` columns."""
        try:
            import pandas as pd
        except ImportError as exc:  # an optional extra, not a core dependency
            raise TokcostError('a DataFrame needs pandas: pip install "tokcost[pandas]"') from exc
        return pd.json_normalize(self.rows)


def signature(tok: Tokenizer, corpus: Corpus, settings: Settings, counter: str | None = None
              ) -> dict[str, Any]:
    """What decides a result. ``counter``: the library that counted (e.g. ``fastokens 0.3.5``,
    ``tiktoken 0.12.0``); every counter tokcost uses gives the reference library's counts."""
    r = tok.resolution
    return {
        "tool": "tokcost",
        "version": __version__,
        "tokenizer": r.entry.id,
        "tokenizer_file": r.path.name,
        "tokenizer_sha256": r.sha256,
        "proxy_of": r.proxy_of,
        "corpus": corpus.name,
        "corpus_sha256": corpus.sha256(),
        "normalization": corpus.options.normalize,
        "special_tokens": "added" if settings.add_special_tokens else "excluded",
        "counter": counter or getattr(tok, "counter", None) or r.backend,
        "bootstrap": {"resamples": settings.resamples, "seed": settings.seed,
                      "confidence": settings.confidence, "method": "paired percentile"},
    }


def signature_string(sig: dict[str, Any]) -> str:
    """Compact form, sacrebleu style: one line to paste under a table."""
    return (
        f"tokcost:{sig['version']}|tok:{sig['tokenizer']}@{sig['tokenizer_sha256'][:12]}"
        f"|corpus:{sig['corpus']}@{sig['corpus_sha256'][:12]}|norm:{sig['normalization']}"
        f"|special:{sig['special_tokens']}|boot:{sig['bootstrap']['resamples']}"
        f"/seed{sig['bootstrap']['seed']}"
        + (f"|counter:{sig['counter'].replace(' ', '-')}" if sig.get("counter") else "")
    )


def _account(shared: _Shared, ko: list[str], en: list[str], doms: list[str] | None) -> None:
    """Add a chunk's characters, bytes and words to the totals (and per domain when asked)."""
    groups: dict[str, tuple[list[str], list[str]]]
    if doms is None:
        groups = {"": (ko, en)}
    else:
        groups = {}
        for j, dom in enumerate(doms):
            g = groups.get(dom)
            if g is None:
                g = groups[dom] = ([], [])
            g[0].append(ko[j])
            if en:
                g[1].append(en[j])
    for dom, (k, e) in groups.items():
        shared.add(ChunkFacts(*text_facts(k), *text_facts(e)), dom if doms is not None else None)


def _chunks(corpus: Corpus, shared: _Shared, pending: deque[list[str] | None], by_domain: bool
            ) -> Iterator[tuple[list[str], list[str] | None]]:
    """Chunks of texts for the engine; each chunk's domains (when asked for) go to ``pending`` in
    the same order, where the consumer of the in-order results picks them up. Only with
    ``by_domain`` are the characters, bytes and words counted here, per domain; otherwise the
    engine counts them with the tokens (``ChunkResult.facts``), off this process's serial path."""
    ko: list[str] = []
    en: list[str] = []
    doms: list[str] = []
    mono = corpus.monolingual
    ko_add, en_add, dom_add = ko.append, en.append, doms.append
    for pair in corpus.pairs():
        ko_add(pair.ko)
        if not mono:
            en_add(pair.en or "")
        if by_domain:
            dom_add(pair.domain or "-")
        if len(ko) >= CHUNK_PAIRS:
            if by_domain:
                _account(shared, ko, en, doms)
            pending.append(doms if by_domain else None)
            yield ko, (en if not mono else None)
            ko, en, doms = [], [], []
            ko_add, en_add, dom_add = ko.append, en.append, doms.append
    if ko:
        if by_domain:
            _account(shared, ko, en, doms)
        pending.append(doms if by_domain else None)
        yield ko, (en if not mono else None)


def _add_chunk(hists: dict[str, _Hist], doms: list[str] | None, ko: TextCounts,
               en: TextCounts | None) -> None:
    """Fold one chunk's per-text counts into the histograms (one per domain, or ``*``)."""
    if doms is None:
        h = hists.get("*")
        if h is None:
            h = hists["*"] = _Hist()
        h.cells.update(ko.tokens if en is None else zip(ko.tokens, en.tokens, strict=True))
        h.partial[0] += sum(ko.partial)
        h.unk[0] += sum(ko.unk)
        if en is not None:
            h.partial[1] += sum(en.partial)
            h.unk[1] += sum(en.unk)
        return
    for j, dom in enumerate(doms):
        h = hists.get(dom)
        if h is None:
            h = hists[dom] = _Hist()
        if en is None:
            h.cells[ko.tokens[j]] += 1
        else:
            h.cells[(ko.tokens[j], en.tokens[j])] += 1
            h.partial[1] += en.partial[j]
            h.unk[1] += en.unk[j]
        h.partial[0] += ko.partial[j]
        h.unk[0] += ko.unk[j]


def _row(tok: Any, corpus: Corpus, settings: Settings, hist: _Hist, domain: str,
         facts: Sequence[int], counter: str | None = None) -> dict[str, Any]:
    mono = corpus.monolingual
    cells = hist.cells
    ko_marg: Counter = Counter()
    en_marg: Counter = Counter()
    if mono:
        ko_marg = cells
    else:
        for (k, e), c in cells.items():
            ko_marg[k] += c
            en_marg[e] += c
    n = sum(ko_marg.values())
    kt = sum(k * c for k, c in ko_marg.items())
    et = sum(e * c for e, c in en_marg.items())
    ko_chars, en_chars, ko_bytes, en_bytes, ko_words, en_words = facts
    entry = tok.resolution.entry
    sig = signature(tok, corpus, settings, counter)
    row: dict[str, Any] = {
        "tokenizer": tok.id,
        "tokenizer_name": entry.name,
        "korean_trained": entry.korean_trained,
        "exactness": entry.exactness if not entry.adhoc else "exact",
        "proxy_of": tok.resolution.proxy_of,
        **tok.resolution.labels(),
        "corpus": corpus.name,
        "domain": domain,
        "monolingual": mono,
        "pairs": n,
        "ko_tokens": kt,
        "en_tokens": None if mono else et,
        "ratio": None,
        "ratio_ci_low": None,
        "ratio_ci_high": None,
        "ratio_ci_note": None,  # why there is no interval (too few pairs), when there is none
    }
    if tok.backend == "vendor-api":  # the day(s) the vendor counted (a cached count keeps its day)
        row["counted_date"] = getattr(tok, "counted_date", None)
    if not mono and et:
        row["ratio"] = ratio.premium(kt, et)
        ci = bootstrap.ratio_ci_hist(cells, resamples=settings.resamples, seed=settings.seed,
                                     confidence=settings.confidence)
        if ci:
            row["ratio_ci_low"], row["ratio_ci_high"] = ci
        else:
            row["ratio_ci_note"] = bootstrap.ci_note(n)
        rs = ratio.summary(ratio.sentence_ratios(cells))
        row.update({f"ratio_sentence_{k}": rs[k] for k in ("mean", "median", "p10", "p90")})
    for i, (side, marg, total, chars, nbytes, nwords) in enumerate((
        ("ko", ko_marg, kt, ko_chars, ko_bytes, ko_words),
        ("en", en_marg, et, en_chars, en_bytes, en_words),
    )):
        if side == "en" and mono:
            continue
        s = ratio.summary(marg)
        row.update({
            f"{side}_tokens_per_sentence_mean": s["mean"],
            f"{side}_tokens_per_sentence_median": s["median"],
            f"{side}_tokens_per_sentence_p10": s["p10"],
            f"{side}_tokens_per_sentence_p90": s["p90"],
            f"{side}_chars": chars,
            f"{side}_bytes": nbytes,
            f"{side}_words": nwords,
            f"{side}_chars_per_token": per(chars, total),
            f"{side}_bytes_per_token": per(nbytes, total),
            f"{side}_fertility": per(total, nwords),
            f"{side}_byte_fallback_rate": per(hist.partial[i], total),
            f"{side}_unk_rate": per(hist.unk[i], total),
        })
    if tok.backend == "vendor-api":  # counts without tokens: nothing to say about fallback / UNK
        for side in ("ko", "en"):
            if f"{side}_byte_fallback_rate" in row:
                row[f"{side}_byte_fallback_rate"] = row[f"{side}_unk_rate"] = None
    row["signature"] = sig
    row["signature_string"] = signature_string(sig)
    return row


def _aggregate(corpus: Corpus, toks: Sequence[Any], settings: Settings, workers: int | str,
               progress: Callable[[int], None] | None,
               ) -> tuple[dict[str, dict[str, _Hist]], _Shared, Sequence[Any]]:
    """Read ``corpus`` here and count it (in this process, a local pool or a distributed
    engine's workers): the histograms per tokenizer and domain, the shared facts, and the
    tokenizers as used (opened when this process counted)."""
    shared = _Shared()
    hists: dict[str, dict[str, _Hist]] = {t.id: {} for t in toks}
    pending: deque[list[str] | None] = deque()
    chunk_iter = _chunks(corpus, shared, pending, settings.by_domain)
    if workers == "auto":
        workers = auto_workers(toks, corpus_bytes(corpus), engine=settings.engine)
    if settings.engine == LOCAL and isinstance(workers, int) and workers <= 1:
        toks = [t.open() if isinstance(t, _Unopened) else t for t in toks]
    # else: worker processes open the tokenizers; this process never needs to.
    # the user's --trust-remote-code reaches worker processes too (they open the tokenizers)
    trust = any(getattr(t, "trust_remote_code", False) for t in toks)
    for result in count_chunks(toks, chunk_iter, add_special_tokens=settings.add_special_tokens,
                               workers=workers, engine=settings.engine, cluster=settings.cluster,
                               facts=not settings.by_domain, trust_remote_code=trust):
        doms = pending.popleft()
        for tid, c in (result.counters or {}).items():
            shared.add_counter(tid, c)
        if not settings.by_domain:
            assert result.facts is not None
            shared.add(result.facts)
        n = 0
        for tid, (ko_c, en_c) in result.items():
            n = len(ko_c.tokens)
            _add_chunk(hists[tid], doms, ko_c, en_c)
        if progress:
            progress(n)
    return hists, shared, toks


def count_shard(shard: Corpus, toks: Sequence[Tokenizer], settings: Settings
                ) -> tuple[dict[str, dict[str, _Hist]], _Shared, ReadStats]:
    """What a worker that reads one file of a corpus itself sends back (``--workers-read``):
    that file counted in the worker's process, as histograms, facts and read statistics, which
    the client merges (``_merge``) into exactly what reading the whole corpus here gives."""
    here = replace(settings, engine=LOCAL, cluster=None)
    hists, shared, _ = _aggregate(shard, toks, here, 1, None)
    return hists, shared, shard.stats


def count_span(shard: Corpus, toks: Sequence[Tokenizer], settings: Settings
               ) -> tuple[dict[str, dict[str, _Hist]], _Shared, ReadStats, dict[str, bytes],
                          list[str]]:
    """What a process that reads one byte range of a file itself sends back (``--workers N`` on a
    line-oriented file): ``count_shard``'s histograms, facts and read statistics, plus what the
    whole-file checks need from the range — its ids' stable digests by file and the first
    domains it skipped (``_count_spans`` merges them)."""
    from tokcost.corpora.checks import range_digests

    hists, shared, stats = count_shard(shard, toks, settings)
    return hists, shared, stats, range_digests(shard), list(shard.skipped_domains)


# --workers N on a line-oriented corpus (``Corpus.line_records``): each file is cut into byte
# ranges at line starts, about this many per process, each at least SPAN_MIN_BYTES (a range
# costs a task and a merge) and at most SPAN_MAX_BYTES (a range's ids are held until it ends),
# counted by whichever process is free (docs/performance.md).
SPAN_PIECES_PER_WORKER = 8
SPAN_MIN_BYTES = 1 << 20
SPAN_MAX_BYTES = 64 << 20
SPAN_TAIL_SPLIT = 8  # the last ranges, cut finer (_spans)
# Each process waits for its fast exact counter before counting when its share of the input is
# at least this much (``engines.local.warm_fast``): loading it takes ~1.3 s (o200k_base) and
# saves ~0.1 s per MB over the reference.
FAST_WAIT_BYTES = 16 << 20


def _spans(corpus: Corpus, settings: Settings, workers: int | str) -> list[Corpus] | None:
    """The byte ranges the processes read themselves, as one-range corpora in file order; None
    when this process reads and ships chunks instead (one worker, a distributed engine, a format
    whose records may span lines or need the header, validation, fewer than two ranges, or
    files under a quarter of ``SPAN_MIN_BYTES`` on average)."""
    from tokcost.corpora.base import line_spans

    if (settings.engine != LOCAL or not isinstance(workers, int) or workers < 2
            or not corpus.line_records or corpus.problems is not None):
        return None
    try:
        sizes = [f.stat().st_size for f in corpus.files]
    except OSError:
        return None
    total = sum(sizes)
    piece = min(max(total // (workers * SPAN_PIECES_PER_WORKER), SPAN_MIN_BYTES), SPAN_MAX_BYTES)
    if total < 2 * piece:
        return None
    if total < len(corpus.files) * (SPAN_MIN_BYTES // 4):
        return None  # many small files: a task per file would cost more than shipping chunks
    counts = [max(1, round(size / piece)) for size in sizes]
    # The last ranges are handed out when every process is about to run dry: cut the last
    # ``workers`` ranges of the input into SPAN_TAIL_SPLIT each, so no process idles at the end
    # while another counts a whole range (two workers on 100 MB: the calling process sat idle
    # for the last 0.7 s of 7 while its worker counted the last two 6 MB ranges).
    weights: list[list[float]] = [[1.0] * n for n in counts]
    left = workers
    for w in reversed(weights):
        take = min(left, len(w))
        w[len(w) - take:] = [1.0 / SPAN_TAIL_SPLIT] * (take * SPAN_TAIL_SPLIT)
        left -= take
        if not left:
            break
    pieces = [corpus.shard_span(f, span) for f, w in zip(corpus.files, weights, strict=True)
              for span in line_spans(f, w)]
    return pieces if len(pieces) >= 2 else None


def _count_spans(corpus: Corpus, toks: Sequence[Any], pieces: Sequence[Corpus],
                 settings: Settings, workers: int, progress: Callable[[int], None] | None,
                 ) -> tuple[dict[str, dict[str, _Hist]], _Shared, Sequence[Any]]:
    """Every range counted by the process that reads it (``engines.local.count_pieces``), the
    results merged in file order as ``_merge`` does; then the checks that need the whole file:
    an id repeated anywhere in a file (the ranges' stable digests together, and only when two
    are equal a re-read here to name the first repeat in file order, as ``end_of_stream``
    does) and ``--domain`` matching no record. A range's error is raised as the first in file
    order (``count_pieces``), before any of these, as a read in one piece raises them."""
    from tokcost.corpora.checks import DigestSet, first_repeat
    from tokcost.engines.local import count_pieces

    trust = any(getattr(t, "trust_remote_code", False) for t in toks)
    size = sum(p.span.end - p.span.start for p in pieces if p.span is not None)
    warm = size >= workers * FAST_WAIT_BYTES
    digests = DigestSet()
    skipped: dict[str, None] = {}

    def parts() -> Iterator[tuple[dict[str, dict[str, _Hist]], _Shared, ReadStats]]:
        for hists, shared, stats, dig, skip in count_pieces(toks, pieces, count_span, settings,
                                                            workers, trust, warm):
            for path, raw in dig.items():
                digests.add(path, raw)
            for dom in skip:
                if len(skipped) < 50:
                    skipped[dom] = None
            yield hists, shared, stats

    hists, shared = _merge(parts(), toks, corpus, progress)
    repeated = digests.repeated()
    if repeated:
        first_repeat(corpus, repeated)
    corpus.check_domain_found(corpus.stats.records, skipped)
    return hists, shared, toks


def _merge(parts: Iterator[tuple[dict[str, dict[str, _Hist]], _Shared, ReadStats]],
           toks: Sequence[Any], corpus: Corpus, progress: Callable[[int], None] | None,
           ) -> tuple[dict[str, dict[str, _Hist]], _Shared]:
    """Fold the files' results, in file order, into one corpus's; ``corpus.stats`` becomes the
    sum of the files' read statistics (first non-NFC text: the first file's that has one)."""
    hists: dict[str, dict[str, _Hist]] = {t.id: {} for t in toks}
    shared = _Shared()
    stats = ReadStats()
    for part_hists, part_shared, part_stats in parts:
        for tid, per_dom in part_hists.items():
            for dom, h in per_dom.items():
                hists[tid].setdefault(dom, _Hist()).add(h)
        shared.merge(part_shared)
        stats.merge(part_stats)
        if progress:
            progress(part_stats.records)
    corpus.stats = stats
    return hists, shared


def _workers_read(corpus: Corpus, settings: Settings) -> bool:
    """Hand whole files to the workers (they read them) rather than chunks read here: on a
    distributed engine, for a corpus of several files each readable on its own, when asked
    (``--workers-read``) or by default on a cluster started on this machine (same files)."""
    if settings.engine == LOCAL or not corpus.shardable or len(corpus.files) < 2:
        return False
    if settings.workers_read is not None:
        return settings.workers_read
    return settings.cluster is None


def _distinct(toks: Sequence[Any]) -> tuple[list[Any], dict[str, str]]:
    """The tokenizers to count (one per file) and, for every id, the id whose counts it takes."""
    first: dict[tuple[str, ...], Any] = {}
    counted: list[Any] = []
    source: dict[str, str] = {}
    for tok in toks:
        key = file_key(tok.resolution)
        if key is not None and key in first:
            source[tok.id] = first[key].id
            continue
        if key is not None:
            first[key] = tok
        counted.append(tok)
        source[tok.id] = tok.id
    return counted, source


def _measure_one(
    corpus: Corpus, toks: Sequence[Any], settings: Settings, workers: int | str,
    progress: Callable[[int], None] | None,
) -> dict[str, list[dict[str, Any]]]:
    """Rows for every tokenizer in ``toks``; a file shared by several ids is counted once."""
    counted, source = _distinct(toks)
    hists, shared, used = _count_distinct(corpus, counted, settings, workers, progress)
    by_id = {t.id: t for t in used}
    out: dict[str, list[dict[str, Any]]] = {}
    facts = (shared.ko_chars, shared.en_chars, shared.ko_bytes, shared.en_bytes,
             shared.ko_words, shared.en_words)
    label = corpus.options.domain or "all"
    for tok in toks:
        src = source[tok.id]
        if src == tok.id:
            tok = by_id.get(tok.id, tok)  # as opened (when this process counted)
        per_dom = hists[src]
        total = _Hist()
        for h in per_dom.values():
            total.add(h)
        counter = shared.counters.get(src)
        rows = [_row(tok, corpus, settings, total, label, facts, counter)]
        if settings.by_domain and len(shared.per_domain) > 1:
            for d in sorted(shared.per_domain):
                rows.append(_row(tok, corpus, settings, per_dom.get(d, _Hist()), d,
                                 shared.per_domain[d], counter))
        out[tok.id] = rows
    return out


def passes(corpus: Corpus, toks: Sequence[Any], settings: Settings) -> int:
    """How many times ``corpus`` is read to count ``toks``: once per distinct tokenizer file on
    the local engine (one tokenizer held at a time in each process: a dozen tokenizers, each with
    its fast counter, in every worker took gigabytes), else once."""
    if settings.engine != LOCAL or _workers_read(corpus, settings):
        return 1
    return max(1, len(_distinct(toks)[0]))


def release(toks: Sequence[Any]) -> None:
    """Drop this process's hold on the tokenizers ``toks`` opened for counting (an ``_Unopened``
    forgets what it opened; the copies the local engine opened in this process for a pool it
    shared the work with are dropped), then collect, so that the next tokenizer does not load
    beside them. A ``Tokenizer`` the caller passed in stays the caller's."""
    import gc

    from tokcost.engines import local

    for tok in toks:
        if isinstance(tok, _Unopened):
            tok.close()
    local.forget_worker_tokenizers([(tok.id, tok.sha256) for tok in toks])
    gc.collect()
    trim_memory()


def trim_memory() -> None:
    """Give the C heap's free memory back to the system (glibc's ``malloc_trim``; elsewhere
    nothing). Without it a process's resident size stays at its highest point after a tokenizer
    is freed (measured: 373 MB after Gemma 3 was released, 51 MB after the trim, 40 ms)."""
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to trim with
        pass


def _count_distinct(
    corpus: Corpus, toks: Sequence[Any], settings: Settings, workers: int | str,
    progress: Callable[[int], None] | None,
) -> tuple[dict[str, dict[str, _Hist]], _Shared, Sequence[Any]]:
    """Histograms per tokenizer id and domain, the shared facts, and the tokenizers as used.

    On the local engine each tokenizer is counted in a pass of its own over the corpus and
    released before the next one is opened (``passes``): every process holds one tokenizer at a
    time. The facts (characters, bytes, words per domain) are the same in every pass and are
    taken from the first; the rows are identical to one pass with every tokenizer (tested)."""
    if len(toks) > 1 and passes(corpus, toks, settings) > 1:
        hists: dict[str, dict[str, _Hist]] = {}
        shared: _Shared | None = None
        used: list[Any] = []
        for tok in toks:
            # one tokenizer: the pass below (byte ranges, or this process reading)
            h, sh, opened = _count_distinct(corpus, [tok], settings, workers, progress)
            hists.update(h)
            if shared is None:
                shared = sh
            else:
                for tid, c in sh.counters.items():
                    shared.add_counter(tid, c)
            # the rows need the id, resolution and counter, not the loaded tokenizer
            used.append(tok if isinstance(tok, _Unopened) else opened[0])
            del h, sh, opened
            release([tok])
        assert shared is not None
        return hists, shared, used
    if _workers_read(corpus, settings):
        from tokcost.engines import get_engine
        from tokcost.engines.local import portable
        from tokcost.hashing import sha256_file

        if workers == "auto":
            workers = auto_workers(toks, None, engine=settings.engine)
        assert isinstance(workers, int)
        trust = any(getattr(t, "trust_remote_code", False) for t in toks)
        shards = [(corpus.shard(f), sha256_file(f)) for f in corpus.files]
        parts = get_engine(settings.engine).count_shards(
            portable([t.resolution for t in toks]), shards, settings=settings, workers=workers,
            cluster=settings.cluster, trust_remote_code=trust, count=count_shard)
        hists, shared = _merge(parts, toks, corpus, progress)
        return hists, shared, toks
    if workers == "auto" and settings.engine == LOCAL:
        workers = auto_workers(toks, corpus_bytes(corpus), engine=settings.engine,
                               ranges=corpus.line_records and corpus.problems is None)
    pieces = _spans(corpus, settings, workers)
    if pieces is not None:
        assert isinstance(workers, int)
        return _count_spans(corpus, toks, pieces, settings, workers, progress)
    return _aggregate(corpus, toks, settings, workers, progress)


def _nfc_inflation(corpus: Corpus, tok: Any) -> str | None:
    st = corpus.stats
    if not st.non_nfc or corpus.options.normalize == "nfc":
        return None
    sample = st.samples_non_nfc
    if isinstance(tok, _Unopened):
        was_open = tok.is_open
        opened = tok.open()
        raw = sum(opened.count(sample))
        nfc = sum(opened.count([unicodedata.normalize("NFC", t) for t in sample]))
        if not was_open:
            tok.close()
    else:
        raw = sum(tok.count(sample))
        nfc = sum(tok.count([unicodedata.normalize("NFC", t) for t in sample]))
    grow = (raw / nfc - 1) * 100 if nfc else 0.0
    where = f"{st.first_non_nfc[0]}:{st.first_non_nfc[1]}" if st.first_non_nfc else corpus.name
    kind = "decomposed Hangul (NFD jamo)" if st.jamo else "not NFC"
    return (f"{corpus.name}: {st.non_nfc} texts are {kind} (first at {where}); on {tok.id} they "
            f"take {grow:.0f}% more tokens than in NFC — re-run with --normalize nfc")


class _Unopened:
    """A tokenizer resolved (catalog id and file sha256: all the cache key needs) but opened only
    when some result is not cached, so an unchanged re-run does not pay for loading it."""

    def __init__(self, spec: str, resolution: Any, download: bool, trust_remote_code: bool
                 ) -> None:
        self.spec, self.resolution = spec, resolution
        self.download, self.trust_remote_code = download, trust_remote_code
        self._tok: Tokenizer | None = None
        self._counter: str | None = None
        self._counted_date: str | None = None

    @property
    def id(self) -> str:
        return self.resolution.entry.id

    @property
    def sha256(self) -> str:
        return self.resolution.sha256

    @property
    def backend(self) -> str:
        return self.resolution.backend

    @property
    def counter(self) -> str | None:
        """The opened tokenizer's counter (kept by ``close``); None before it was opened."""
        return self._tok.counter if self._tok is not None else self._counter

    def open(self) -> Tokenizer:
        """The tokenizer, opened from the resolution on first use and held by this object only
        (not by ``load_tokenizer``'s process-wide cache), so that ``close`` frees it."""
        if self._tok is None:
            from tokcost.tokenizers import open_resolution

            self._tok = open_resolution(self.resolution, trust_remote_code=self.trust_remote_code)
        return self._tok

    @property
    def counted_date(self) -> str | None:
        """A vendor API's day(s) of counting (kept by ``close``), as the opened tokenizer has it."""
        if self._tok is not None:
            return getattr(self._tok, "counted_date", None)
        return self._counted_date

    @property
    def is_open(self) -> bool:
        return self._tok is not None

    def close(self) -> None:
        """Forget the opened tokenizer (``open`` loads it again); what the rows read from it
        (its counter, a vendor's counting day) is kept."""
        if self._tok is not None:
            self._counter = self._tok.counter
            self._counted_date = getattr(self._tok, "counted_date", None)
        self._tok = None


def resolve_many(specs: Sequence[str] | None, download: bool = False,
                 trust_remote_code: bool = False) -> list[_Unopened]:
    """The tokenizers ``specs`` name (default: every one available offline), resolved (catalog
    entry, file, sha256) but not loaded; each opens when it counts (``_Unopened``)."""
    from tokcost.counting import available_tokenizer_ids, load_many
    from tokcost.tokenizers import resolve_spec

    ids = list(specs) if specs else available_tokenizer_ids()
    if not ids:
        load_many(ids)  # raises the one-line "no tokenizer is available offline"
    from tokcost.counting import one_per_id

    return one_per_id([_Unopened(s, resolve_spec(s, download=download), download,
                                 trust_remote_code) for s in ids], ids)


def run_measure(
    corpora: Sequence[str | Corpus] | None = None,
    tokenizers: Sequence[str | Tokenizer | _Unopened] | None = None,
    *,
    read_options: ReadOptions | None = None,
    settings: Settings | None = None,
    use_cache: bool = True,
    workers: int | str = 1,
    progress_factory: ProgressFactory | None = None,
    download: bool = False,
    trust_remote_code: bool = False,
    engine: str | None = None,
    cluster: str | None = None,
) -> MeasureResult:
    """Measure every tokenizer on every corpus. Results are cached on disk by tokenizer sha256,
    corpus sha256, tool version and options.

    ``workers``: 1 (this process), N worker processes, or ``"auto"`` (what ``tokcost measure``
    does by default: a process per CPU for large inputs). Worker processes are spawned, so a
    script that passes N > 1 or ``"auto"`` must call this under ``if __name__ == "__main__":``."""
    from tokcost import cache

    settings = settings or Settings()
    if engine is not None or cluster is not None:  # distributed counting: see docs/scale.md
        settings = replace(settings, engine=engine or settings.engine,
                           cluster=cluster or settings.cluster)
    # a Tokenizer (loaded by the caller) or an _Unopened (from resolve_many) is used as given
    toks: list[Tokenizer | _Unopened] = [t for t in tokenizers or []
                                         if isinstance(t, (Tokenizer, _Unopened))]
    specs = [t for t in tokenizers or [] if isinstance(t, str)]
    if specs or not toks:
        toks += resolve_many(specs or None, download, trust_remote_code)
    rows: list[dict[str, Any]] = []
    warnings: list[str] = []
    for spec in corpora or DEFAULT_CORPORA:
        corpus = spec if isinstance(spec, Corpus) else open_corpus(spec, read_options)
        todo: list[tuple[Tokenizer | _Unopened, str]] = []
        cached: dict[str, list[dict[str, Any]]] = {}
        for tok in toks:
            key = cache.measure_key(tok.sha256, tok.id, corpus.sha256(), corpus.options,
                                    settings.key())
            hit = cache.load(key) if use_cache else None
            if hit is not None:
                cached[tok.id] = hit["rows"]
                warnings.extend(hit.get("warnings", []))
            else:
                todo.append((tok, key))
        if todo:
            # the bar's total: an estimate of the records (lines), counted only for a bar, once
            # per pass over the corpus
            cb = None
            if progress_factory:
                hint = corpus.records_hint()
                n = passes(corpus, [t for t, _ in todo], settings)
                cb = progress_factory(corpus.name, ", ".join(t.id for t, _ in todo),
                                      hint * n if hint is not None else None)
            fresh = _measure_one(corpus, [t for t, _ in todo], settings, workers, cb)
            note = _nfc_inflation(corpus, todo[0][0])
            extra = ([note] if note else []) + corpus.read_warnings()
            warnings.extend(extra)
            for tok, key in todo:
                cached[tok.id] = fresh[tok.id]
                if use_cache:
                    cache.store(key, {"rows": fresh[tok.id], "warnings": extra})
        for tok in toks:
            rows.extend(cached[tok.id])
    result = MeasureResult(rows, list(dict.fromkeys(warnings)))
    result.records()  # the boundary: every row must match the published schema
    return result


def measure(
    corpora: Sequence[str | Corpus] | None = None,
    tokenizers: Sequence[str | Tokenizer] | None = None,
    *,
    dataframe: bool = False,
    **kwargs: Any,
):
    """Library API: the same rows as ``tokcost measure --format json`` (a list of dicts), or a
    pandas DataFrame with ``dataframe=True``."""
    result = run_measure(corpora, tokenizers, **kwargs)
    return result.dataframe() if dataframe else result.rows
