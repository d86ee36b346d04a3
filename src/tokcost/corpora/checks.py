"""Checks shared by the record-oriented formats: columns, empty texts, duplicate ids.

Duplicate ids are found with flat memory: while streaming, a ``PairChecker`` keeps one 8-byte
digest per record (``hash()`` of the id, in an ``array('q')``: 24 MB for 3.1 M records, where a
dictionary of id strings took ~390 MB). At the end of the stream (``end_of_stream``, called by
``Corpus.pairs()``) the digests are sorted in place; only when two are equal is the file read a
second time, keeping just the ids with a repeated digest, to name both lines and to confirm that
the ids themselves are equal (two different ids that share a digest are not an error). The second
read runs the corpus's own reader, so it sees exactly the records (ids, line numbers, skipped bad
records) the first one saw. Standard input is spooled to a temporary file by ``open_corpus``, so it
is re-read the same way.

Past ``SPILL_AT`` records (2 MB of digests) a checker spills them to temporary files partitioned
by their low bits and, at the end, sorts one partition at a time: memory stays flat whatever the
file's size, at 8 bytes per record of temporary disk.

``hash()`` rather than a cryptographic digest: the digests never leave the process (stream and
re-read happen in the same one), a str caches its hash, and it costs ~0.07 µs per id against
~0.4 µs for ``blake2b(digest_size=8)`` (1.3 s per 3.1 M records on the serial read path).

A file read in byte ranges by several processes (``Corpus.span``, ``--workers N``) cannot use
``hash()``, which is seeded per process: there the checker only collects the ids, and turns them
into ``stable_digests`` (the same in every process) a batch at a time, with numpy; the process
that merges the ranges looks for repeats among every range's digests (``DigestSet``) and, only
when there is one, re-reads the file to name the first (``first_repeat``).
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tokcost.corpora.records import Pair, ReadStats
from tokcost.errors import CorpusError

if TYPE_CHECKING:
    from tokcost.corpora.base import Corpus

# Digests kept in memory before they are spilled to disk (2 MB), and the number of spill buckets
# (a power of two): at the end one bucket at a time is sorted, ~1/BUCKETS of all the digests.
SPILL_AT = 1 << 18
BUCKETS = 64
# ids collected by a range's checker before they become stable digests (a batch for numpy)
ID_BATCH = 1 << 16
_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)


def stable_digests(ids: list[str]) -> Any:
    """A 64-bit digest of each id that is the same in every process (unlike ``hash()``), for
    many ids at once: a polynomial hash of the code points mod 2**64 with the length mixed in,
    computed with numpy (~0.02 µs per id). Two different ids may share one; that only costs a
    re-read that compares the ids themselves. An int64 array."""
    import numpy as np

    lens = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
    if not len(ids):
        return np.zeros(0, dtype=np.int64)
    codes = np.frombuffer("".join(ids).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    out = lens.astype(np.uint64) * np.uint64(_MIX[0])
    full = lens > 0
    if codes.size:
        starts = np.cumsum(lens) - lens
        pos = np.arange(codes.size, dtype=np.int64) - np.repeat(starts, lens)
        powers = np.empty(int(lens.max()), dtype=np.uint64)
        powers[0] = 1
        powers[1:] = np.uint64(_MIX[1] | 1)
        np.cumprod(powers, out=powers)
        with np.errstate(over="ignore"):
            terms = (codes.astype(np.uint64) + np.uint64(1)) * powers[pos]
            out[full] += np.add.reduceat(terms, starts[full])
            out ^= out >> np.uint64(31)
            out *= np.uint64(_MIX[2])
            out ^= out >> np.uint64(29)
    return out.view(np.int64)



class PairChecker:
    """Turns one record into a Pair, or raises one clear line naming file, line and fix.

    Given the ``corpus`` whose reader makes it, it registers with that corpus so that
    ``Corpus.pairs()`` checks its ids for repeats at the end of the stream (without a corpus, ids
    are not checked)."""

    def __init__(self, path: str, columns: tuple[str, str], id_column: str = "id",
                 domain_column: str = "domain", corpus: Corpus | None = None) -> None:
        self.path = path
        self.ko_col, self.en_col = columns
        self.id_col = id_column
        self.domain_col = domain_column
        self.digests: array[int] = array("q")
        self._add = self.digests.append
        self._buckets: list[Path] | None = None  # digests spilled to disk, by bucket
        # re-read mode: digests seen twice in the stream, the ids met so far whose digest is one
        # of them (id -> first line), and the repeats confirmed (id, first line, line)
        self.suspects: set[int] | None = None
        self.raise_first = True
        self.first_line: dict[str, int] = {}
        self.repeats: list[tuple[str, int, int]] = []
        # reading one byte range of the file (corpus.span): the ids, for stable digests
        self.ids: list[str] | None = None
        owner = corpus
        if owner is not None:
            owner.pair_checkers.append(self)
            rescan = owner.pair_rescan
            if rescan is not None:
                self.suspects = rescan[0].get(path, set())
                self.raise_first = rescan[1]
            elif owner.span is not None:
                self.ids = []

    def pair(self, rec: Mapping[str, Any], line: int) -> Pair:
        try:
            ko, en = rec[self.ko_col], rec[self.en_col]
        except KeyError:
            ko = en = None
        # One cheap test for the common case (two non-blank strings; isspace() makes no copy,
        # unlike strip()); anything else gets the full checks and their messages.
        if (type(ko) is not str or type(en) is not str or not ko or not en
                or ko.isspace() or en.isspace()):
            self._reject(rec, line)
            ko, en = rec[self.ko_col], rec[self.en_col]  # str subclasses pass the full checks
        rid = rec.get(self.id_col)
        rid = str(rid) if rid not in (None, "") else f"{line}"
        if self.ids is not None:
            self.ids.append(rid)
            if len(self.ids) >= ID_BATCH:
                self.stable_flush()
        elif self.suspects is None:
            self._add(hash(rid))
            if len(self.digests) >= SPILL_AT:
                self._spill()
        elif hash(rid) in self.suspects:
            self._recheck(rid, line)
        dom = rec.get(self.domain_col)
        return Pair(rid, ko, en, str(dom) if dom not in (None, "") else None, line)

    def _reject(self, rec: Mapping[str, Any], line: int) -> None:
        """Raise the first problem of a record that failed ``pair``'s quick test (the full
        checks, in their order, with their messages)."""
        for col in (self.ko_col, self.en_col):
            if col not in rec:
                have = ", ".join(map(str, rec.keys())) or "none"
                raise CorpusError(
                    f"missing column {col!r} (columns here: {have})", path=self.path, line=line,
                    hint="rename it, or pass --ko-column/--en-column",
                )
        for col in (self.ko_col, self.en_col):
            val = rec[col]
            if not isinstance(val, str):
                raise CorpusError(f"column {col!r} is not text", path=self.path, line=line)
            if not val.strip():
                raise CorpusError(f"empty {col!r} text", path=self.path, line=line,
                                  hint="remove the pair or fill it in")

    def stable_flush(self) -> None:
        """The ids collected so far (a range's checker) into ``digests``, as stable digests. They
        stay in memory (8 bytes per record of a range of at most ``SPAN_MAX_BYTES``), never
        spilled: ``range_digests`` sends every one of them back."""
        if self.ids:
            self.digests.frombytes(stable_digests(self.ids).tobytes())
            self.ids = []

    def add_digests(self, raw: bytes) -> None:
        """Add digests (int64, native order) made elsewhere, spilling past ``SPILL_AT``."""
        self.digests.frombytes(raw)
        if len(self.digests) >= SPILL_AT:
            self._spill()

    def _recheck(self, rid: str, line: int) -> None:
        first = self.first_line.get(rid)
        if first is None:
            self.first_line[rid] = line
            return
        if self.raise_first:
            raise duplicate_error(self.path, rid, first, line)
        self.repeats.append((rid, first, line))

    def _spill(self) -> None:
        """Move the in-memory digests to BUCKETS files on disk, partitioned by their low bits, so
        memory stays flat however many records a file has (8 B per record on disk instead)."""
        import tempfile
        import weakref

        import numpy as np

        if self._buckets is None:
            tmp = Path(tempfile.mkdtemp(prefix="tokcost-ids-"))
            self._buckets = [tmp / f"{b:02d}.bin" for b in range(BUCKETS)]
            self._cleanup = weakref.finalize(self, _rmtree, tmp)  # also if a read is abandoned
        d = np.frombuffer(self.digests, dtype=np.int64)
        low = d & (BUCKETS - 1)  # one small pass per bucket: transient memory ~2 × the array
        for i, path in enumerate(self._buckets):
            part = d[low == i]
            if part.size:
                with path.open("ab") as fh:
                    part.tofile(fh)
        del d, low
        self.digests = array("q")
        self._add = self.digests.append

    def repeated_digests(self) -> set[int]:
        """Digests that occur more than once (sorting the digests in place), and frees them."""
        import numpy as np

        if self._buckets is not None:  # spilled: one bucket in memory at a time
            self._spill()
            found: set[int] = set()
            for path in self._buckets:
                if path.exists():
                    d = np.fromfile(path, dtype=np.int64)
                    d.sort()
                    same = d[1:] == d[:-1]
                    if same.any():
                        found.update(d[1:][same].tolist())
                    path.unlink()
            self._buckets = None
            self._cleanup()
            return found
        digests, self.digests = self.digests, array("q")
        self._add = self.digests.append
        if len(digests) < 2:
            return set()
        d = np.frombuffer(digests, dtype=np.int64)
        d.sort()
        same = d[1:] == d[:-1]
        found = set(d[1:][same].tolist()) if same.any() else set()
        del d
        return found


def _rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def duplicate_error(path: str, rid: str, first: int, line: int) -> CorpusError:
    return CorpusError(f"duplicate id {rid!r} (first on line {first})", path=path, line=line,
                       hint="ids must be unique")


class DigestSet:
    """The stable digests of every byte range of a corpus's files, by file, merged where the
    ranges' results meet (flat memory: each file's checker spills them past ``SPILL_AT``)."""

    def __init__(self) -> None:
        self.by_path: dict[str, PairChecker] = {}

    def add(self, path: str, raw: bytes) -> None:
        checker = self.by_path.get(path)
        if checker is None:
            checker = self.by_path[path] = PairChecker(path, ("", ""))
        checker.add_digests(raw)

    def repeated(self) -> dict[str, set[int]]:
        """Stable digests seen more than once, by file (none: no id repeats in any file)."""
        return {p: s for p, c in self.by_path.items() if (s := c.repeated_digests())}


def range_digests(corpus: Corpus) -> dict[str, bytes]:
    """After a byte range was read (``corpus.span``): its ids' stable digests, by file."""
    out: dict[str, bytes] = {}
    for c in corpus.pair_checkers:
        c.stable_flush()
        out[c.path] = out.get(c.path, b"") + c.digests.tobytes()
    corpus.pair_checkers = []
    return out


def first_repeat(corpus: Corpus, suspects: dict[str, set[int]]) -> None:
    """Re-read ``corpus`` (every record, as its reader gives them) and raise the first id, in
    file order, met a second time among those whose stable digest is in ``suspects`` (by file):
    what ``end_of_stream`` raises for a corpus read in one piece."""
    saved_stats, saved_problems, saved_span = corpus.stats, corpus.problems, corpus.span
    corpus.stats, corpus.problems, corpus.span = ReadStats(), None, None
    corpus.pair_rescan = ({}, True)  # the reader's own checkers keep nothing this time
    batch: list[Pair] = []
    seen: dict[str, dict[str, int]] = {}
    path = ""

    def flush() -> None:
        sus = suspects.get(path)
        if sus and batch:
            first = seen.setdefault(path, {})
            for pair, d in zip(batch, stable_digests([p.id for p in batch]).tolist(),
                               strict=True):
                if d in sus:
                    at = first.setdefault(pair.id, pair.line)
                    if at != pair.line:
                        raise duplicate_error(path, pair.id, at, pair.line)
        batch.clear()

    try:
        for pair in corpus._records():
            where = corpus._source(0)
            if where != path:
                flush()
                path = where
            batch.append(pair)
            if len(batch) >= ID_BATCH:
                flush()
        flush()
    finally:
        corpus.pair_checkers, corpus.pair_rescan = [], None
        corpus.stats, corpus.problems, corpus.span = saved_stats, saved_problems, saved_span


def end_of_stream(corpus: Corpus) -> None:
    """After a corpus's records were all read: raise the first repeated id (in file order), or,
    when validating (``corpus.problems`` is a list), record every repeat there."""
    checkers: list[PairChecker] = corpus.pair_checkers
    corpus.pair_checkers = []
    suspects = {c.path: s for c in checkers if (s := c.repeated_digests())}
    if not suspects:
        return
    raise_first = corpus.problems is None
    saved_stats, saved_problems = corpus.stats, corpus.problems
    corpus.stats = ReadStats()  # the re-read must not count anything twice
    corpus.problems = None if raise_first else []
    corpus.pair_rescan = (suspects, raise_first)
    try:
        for _ in corpus._records():
            pass
    finally:
        corpus.pair_rescan = None
        rescanned: list[PairChecker] = corpus.pair_checkers
        corpus.pair_checkers = []
        corpus.stats, corpus.problems = saved_stats, saved_problems
    for c in rescanned:
        for rid, first, line in c.repeats:
            corpus.problem(duplicate_error(c.path, rid, first, line))
