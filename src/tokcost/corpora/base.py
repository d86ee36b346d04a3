"""The corpus interface: a named, fingerprinted stream of Korean–English pairs."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from tokcost.corpora.records import NORMALIZATIONS, Pair, ReadOptions, ReadStats
from tokcost.errors import CorpusError

__all__ = ["NORMALIZATIONS", "Corpus", "Pair", "ReadOptions", "ReadStats", "Span",
           "line_spans", "open_binary", "read_lines", "read_text_file"]


class Span(NamedTuple):
    """A byte range of a file that starts at a line start (``start``: 0 or just after a
    ``\\n``), and the true number of the line it starts with: a reader given it reads those bytes
    only and numbers their lines from ``first_line``, as a read of the whole file would."""

    start: int
    end: int
    first_line: int


def has_jamo(text: str) -> bool:
    return any("\u1100" <= ch <= "\u11ff" for ch in text)


class Corpus(ABC):
    """A parallel (or monolingual) corpus, read lazily: memory does not grow with file size."""

    kind: str = "?"
    #: Every file is read on its own (no record spans files; ids are checked per file), so a
    #: distributed engine may hand whole files to workers that read them (``shard``).
    shardable: bool = False
    #: Every record is one line, read the same whatever came before it (no header, no record
    #: spanning lines), so a file may be read in byte ranges cut at line starts (``shard_span``)
    #: by several processes, the ranges' results merged in file order.
    line_records: bool = False

    def __init__(self, name: str, files: list[Path], options: ReadOptions | None = None) -> None:
        self.name = name
        self.files = files
        self.options = options or ReadOptions()
        self.stats = ReadStats()
        self._sha256: str | None = None
        self.problems: list[CorpusError] | None = None  # collect instead of raise (validate)
        # the files the record being read comes from (Korean text, English text): set by the
        # readers, for warnings that name a file and line
        self._reading: tuple[Path, Path] | None = None
        # temporary files holding a stream read once (stdin, a FIFO) -> the name they stand for
        self.spooled: dict[Path, str] = {}
        # the record checkers made during the current read (corpora/checks.py registers them),
        # and, while repeated ids are re-read, (suspect digests by path, raise the first?)
        self.pair_checkers: list[Any] = []
        self.pair_rescan: tuple[dict[str, set[int]], bool] | None = None
        # Reading one byte range of files[0] (``shard_span``): the checks that need the whole
        # file (repeated ids, a domain no record has) are left to whoever merges the ranges.
        self.span: Span | None = None
        self.skipped_domains: dict[str, None] = {}  # the first domains skipped, in file order

    def shard(self, path: Path) -> Corpus:
        """This corpus restricted to one of its files, read afresh (for a worker that reads that
        file itself); same kind, options and name."""
        import copy

        if not self.shardable or path not in self.files:
            raise ValueError(f"{self.name}: cannot read {path} on its own")
        sub = copy.copy(self)
        sub.pair_checkers = []
        sub.files = [path]
        sub.stats = ReadStats()
        sub._sha256 = None
        sub.problems = None
        return sub

    def shard_span(self, path: Path, span: Span) -> Corpus:
        """This corpus restricted to one byte range of one of its files (``line_records`` kinds
        only), read afresh with true line numbers (for a worker that reads that range)."""
        if not self.line_records:
            raise ValueError(f"{self.name}: cannot read a byte range of {path} on its own")
        sub = self.shard(path)  # every line_records kind is shardable
        sub.span = span
        sub.skipped_domains = {}
        return sub

    def _source(self, side: int) -> str:
        """The file the record just read came from, for its Korean (0) or English (1) text."""
        from tokcost.errors import PATH_ALIASES  # a spooled stream: what it stands for

        if self._reading is not None:
            path = str(self._reading[side])
        else:
            path = str(self.files[0]) if self.files else self.name
        return PATH_ALIASES.get(path, path)

    def problem(self, err: CorpusError) -> None:
        """Raise ``err``, or record it and go on when validating."""
        if self.problems is None:
            raise err
        self.problems.append(err)

    @property
    def monolingual(self) -> bool:
        return False

    def sha256(self) -> str:
        """Fingerprint of the bytes read plus the options that change what is read."""
        if self._sha256 is None:
            from tokcost.hashing import sha256_file

            h = hashlib.sha256()
            h.update(f"{self.kind}\0".encode())
            for f in self.files:  # each file's digest is memoised (tokcost/hashing.py)
                # a spooled stream (stdin, a FIFO) is named by what it was, not by its temporary
                # file, so the same bytes give the same fingerprint on every run
                name = self.spooled.get(f, f.name)
                try:
                    digest = sha256_file(f)
                except OSError as exc:
                    raise CorpusError(f"cannot read file ({exc.strerror or exc})",
                                      path=str(f)) from None
                h.update(f"{name}\0{digest}\0".encode())
            o = self.options
            h.update(f"{o.ko_column},{o.en_column},{o.split},{o.domain},{o.errors}".encode())
            self._sha256 = h.hexdigest()
        return self._sha256

    #: the most bytes :meth:`records_hint` reads to count lines (beyond that: no estimate)
    HINT_MAX_BYTES = 2_000_000_000

    def _hint_files(self) -> list[Path]:
        """The files whose lines are records (one side of an aligned pair)."""
        return list(self.files)

    def _hint_overhead(self) -> int:
        """Lines per file that are not records (a header row)."""
        return 0

    def records_hint(self) -> int | None:
        """About how many records a read gives, for a progress bar's total: the lines of the
        record files, counted fast (about 30 ms for 50 MB). An estimate, not a count: blank
        lines, records that span lines and domain filters make it differ. ``None`` for a stream
        or more than :attr:`HINT_MAX_BYTES`."""
        files = self._hint_files()
        try:
            sizes = [f.stat().st_size for f in files]
            if not all(f.is_file() for f in files) or sum(sizes) > self.HINT_MAX_BYTES:
                return None
            total = 0
            for f, size in zip(files, sizes, strict=True):
                with open(f, "rb") as fh:
                    n = 0
                    last = b"\n"
                    while block := fh.read(1 << 20):
                        n += block.count(b"\n")
                        last = block[-1:]
                    if size and last != b"\n":
                        n += 1  # a last line without its newline
                total += max(0, n - self._hint_overhead())
        except OSError:
            return None
        return total

    @abstractmethod
    def _records(self) -> Iterator[Pair]:
        """Raw pairs, before normalisation and domain filtering."""

    def pairs(self) -> Iterator[Pair]:
        from tokcost.corpora.checks import end_of_stream

        stats = self.stats = ReadStats()
        self.pair_checkers = []  # from a read that was not finished
        nfc = self.options.normalize == "nfc"
        want = self.options.domain
        # the first domains skipped, to name them when none is ``want``
        others: dict[str, None] = {}
        self.skipped_domains = others
        normalized = unicodedata.is_normalized
        records = 0  # kept here, added to the statistics when the read ends (one per record)
        try:
            for pair in self._records():
                if want is not None and pair.domain != want:
                    if len(others) < 50:
                        others[pair.domain or "-"] = None
                    continue
                records += 1
                ko, en = pair.ko, pair.en
                if not ko.isascii() and not normalized("NFC", ko):
                    self._not_nfc(ko, 0, pair.line)
                if en is not None and not en.isascii() and not normalized("NFC", en):
                    self._not_nfc(en, 1, pair.line)
                if nfc:
                    pair = Pair(
                        pair.id,
                        unicodedata.normalize("NFC", ko),
                        unicodedata.normalize("NFC", en) if en is not None else None,
                        pair.domain,
                        pair.line,
                    )
                yield pair
        finally:
            stats.records += records
        if self.span is not None:  # one range of a file: the merger checks the whole
            return
        end_of_stream(self)  # repeated ids (see corpora/checks.py)
        self.check_domain_found(self.stats.records, others)

    def _not_nfc(self, text: str, side: int, line: int) -> None:
        """Note a text that is not in NFC (Korean ``side`` 0, English 1) in the statistics."""
        st = self.stats
        st.non_nfc += 1
        if len(st.samples_non_nfc) < ReadStats.SAMPLES:
            st.samples_non_nfc.append(text)
        if st.first_non_nfc is None:
            st.first_non_nfc = (self._source(side), line)
        if has_jamo(text):
            st.jamo += 1

    def check_domain_found(self, records: int, others: Iterable[str]) -> None:
        """One clear line when ``--domain`` kept no record (``others``: domains skipped)."""
        want = self.options.domain
        if want is not None and records == 0:
            self.problem(CorpusError(
                f"no pair has domain {want!r}", path=self.name,
                hint=(f"domains here: {', '.join(sorted(others))}" if others
                      else "this corpus has no pairs"),
            ))

    def read_warnings(self) -> list[str]:
        """Warnings about what the last read changed in the text (for the results' warnings)."""
        out = []
        st = self.stats
        if st.replaced:
            out.append(f"{self.name}: {st.replaced} lines had invalid UTF-8 replaced by U+FFFD "
                       "(--errors replace): their counts are of the replaced text")
        return out

    def __iter__(self) -> Iterator[Pair]:
        return self.pairs()

    def describe(self) -> dict[str, object]:
        return {
            "corpus": self.name,
            "kind": self.kind,
            "files": [str(f) for f in self.files],
            "sha256": self.sha256(),
            "normalization": self.options.normalize,
            "domain": self.options.domain,
        }


def open_binary(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes, or one clear line saying why it cannot be."""
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise CorpusError("no such file", path=str(path), hint="check the path") from None
    except IsADirectoryError:
        raise CorpusError("is a directory, expected a file", path=str(path)) from None
    except OSError as exc:
        raise CorpusError(f"cannot read file ({exc.strerror})", path=str(path)) from None


def decode_line(raw: bytes, no: int, path: Path, errors: str = "strict",
                stats: ReadStats | None = None,
                on_bad: Callable[[CorpusError], None] | None = None) -> str:
    """One line's bytes (BOM and line end already removed) as text; invalid UTF-8 raises one
    clear line unless ``errors == "replace"`` (or ``on_bad`` notes it and the line goes on)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if errors != "replace":
            err = CorpusError(
                f"invalid UTF-8 at byte {exc.start + 1} of the line "
                f"({raw[exc.start:exc.start + 4]!r})",
                path=str(path), line=no,
                hint="convert the file to UTF-8 (e.g. iconv -f cp949 -t utf-8), "
                "or pass --errors replace to go on",
            )
            if on_bad is None:
                raise err from None
            on_bad(err)  # validating: note it, go on with the line as far as it reads
        if stats is not None:
            stats.replaced += 1
        return raw.decode("utf-8", errors="replace")


_LONE_CR = re.compile(rb"(?<=\r)(?!\n)")  # a split point after a CR that is not part of CRLF


def raw_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The lines of a binary stream with their line ends kept, a line ending at ``\\n``,
    ``\\r\\n`` or a lone ``\\r`` (what text mode with ``newline=""`` gives, so CR-only files from
    old Macs are read line by line, not as one line)."""
    split = _LONE_CR.split
    for raw in stream:
        # a CR before the line end (a CRLF's CR is not looked at; the last line of a file may
        # have no \n, so its last-but-one byte may be a lone CR): lone CRs inside
        stop = len(raw) - 2 if raw.endswith(b"\n") else len(raw) - 1
        if raw.find(b"\r", 0, stop) >= 0:
            yield from (p for p in split(raw) if p)
        else:
            yield raw


def strip_end(raw: bytes) -> bytes:
    """One line end (``\\n``, ``\\r\\n`` or ``\\r``) off a raw line."""
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return raw


class _SpanIO(io.RawIOBase):
    """The bytes ``[start, end)`` of an open file as a stream of their own (positions relative to
    ``start``); closing it leaves the file open."""

    def __init__(self, raw: Any, start: int, end: int) -> None:
        super().__init__()
        self._raw, self._start, self._end = raw, start, max(start, end)
        self._pos = start
        raw.seek(start)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self._end - self._pos)
        if n <= 0:
            return 0
        got = self._raw.readinto(memoryview(buffer).cast("B")[:n]) or 0
        self._pos += got
        return got

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: self._start, 1: self._pos, 2: self._end}[whence]
        self._pos = min(max(base + offset, self._start), self._end)
        self._raw.seek(self._pos)
        return self._pos - self._start

    def tell(self) -> int:
        return self._pos - self._start


def span_stream(stream: BinaryIO, span: Span | None) -> BinaryIO:
    """``stream`` (a file opened by ``open_binary``), or only its ``span``'s bytes."""
    if span is None:
        return stream
    raw = getattr(stream, "raw", stream)
    return io.BufferedReader(_SpanIO(raw, span.start, span.end), 1 << 16)


def count_line_ends(stream: BinaryIO, start: int, end: int) -> int:
    """How many lines end in the bytes ``[start, end)`` of ``stream``, where a line ends at
    ``\\n``, ``\\r\\n`` or a lone ``\\r`` (as ``raw_lines`` and text mode with ``newline=""``
    split them); a few C-level passes per MB."""
    stream.seek(start)
    left, n, cr_tail = end - start, 0, False
    while left > 0:
        block = stream.read(min(left, 1 << 22))
        if not block:
            break
        left -= len(block)
        n += block.count(b"\n")
        if b"\r" in block:
            n += block.count(b"\r") - block.count(b"\r\n")
        if cr_tail and block[:1] == b"\n":
            n -= 1  # the previous block's last \r and this \n are one CRLF
        cr_tail = block[-1:] == b"\r"
    return n


def line_spans(path: Path, pieces: int | Sequence[float]) -> list[Span]:
    """``path`` cut into about ``pieces`` byte ranges of similar size (or, given a sequence of
    weights, of about those relative sizes, in that order), each starting at a line start (just
    after a ``\\n``), with the true number of its first line (line ends counted in one pass over
    the file). Never empty: an empty file is one empty range."""
    size = path.stat().st_size
    weights = [1.0] * max(1, pieces) if isinstance(pieces, int) else [float(w) for w in pieces]
    total = sum(weights) or 1.0
    ends = list(itertools.accumulate(weights))[:-1]
    cuts = [0]
    with open_binary(path) as f:
        for upto in ends:
            off = int(size * upto / total)
            if off <= cuts[-1]:
                continue
            f.seek(off - 1)  # a cut exactly at a line start stays there
            f.readline()
            pos = f.tell()
            if cuts[-1] < pos < size:
                cuts.append(pos)
        cuts.append(size)
        spans, first = [], 1
        for a, b in itertools.pairwise(cuts):
            spans.append(Span(a, b, first))
            first += count_line_ends(f, a, b)
    return spans


def read_lines(path: Path, errors: str = "strict", stats: ReadStats | None = None,
               on_bad: Callable[[CorpusError], None] | None = None, span: Span | None = None,
               ) -> Iterable[tuple[int, str]]:
    """(line number, text) for each line of a UTF-8 file (or of its ``span``), streamed. BOM,
    CRLF and CR-only line ends are handled silently; invalid UTF-8 raises one clear line unless
    ``errors == "replace"``."""
    with open_binary(path) as whole:
        stream = span_stream(whole, span)
        for no, raw in enumerate(raw_lines(stream), span.first_line if span else 1):
            if no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield no, decode_line(strip_end(raw), no, path, errors, stats, on_bad)


def read_lines_keepends(path: Path, errors: str = "strict", stats: ReadStats | None = None,
                        on_bad: Callable[[CorpusError], None] | None = None
                        ) -> Iterable[tuple[int, str]]:
    """``read_lines`` with each line's end kept as it is in the file (for the CSV reader, which
    must see the newlines inside quoted fields)."""
    with open_binary(path) as stream:
        for no, raw in enumerate(raw_lines(stream), 1):
            if no == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            body = strip_end(raw)
            end = raw[len(body):].decode("ascii")
            yield no, decode_line(body, no, path, errors, stats, on_bad) + end


def read_text_file(path: str | Path) -> str:
    """A whole UTF-8 text file (a BOM is dropped); one-line errors with the byte's line."""
    import os
    import stat

    p = Path(path)
    with open_binary(p) as stream:
        mode = os.fstat(stream.fileno()).st_mode
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise CorpusError("a device or socket, not a regular file (it may never end)",
                              path=str(p), hint="copy the text into a file, or pipe it to -")
        data = stream.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"invalid UTF-8 at byte {exc.start}", path=str(p), line=line,
            hint="convert the file to UTF-8 (e.g. iconv -f cp949 -t utf-8)",
        ) from None
