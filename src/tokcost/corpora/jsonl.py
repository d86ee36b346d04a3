"""JSON Lines pair files: one object per line with ``ko``, ``en`` and optional ``id``, ``domain``.

The reader is on the serial path of every measurement, so it is lean: the file is read in text
mode (lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``, as in ``read_lines``) and each line is
parsed with the json module's C scanner directly. Any line that path does not take cleanly (blank, surrounding
whitespace, not exactly one JSON value) goes through the plain path — line end dropped,
``json.loads`` — so every error and its message are what they always were; from the first invalid
UTF-8 on, the file is read line by line in binary as ``read_lines`` does.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TextIO

from tokcost.corpora.base import (
    Corpus,
    Pair,
    ReadStats,
    Span,
    decode_line,
    open_binary,
    raw_lines,
    span_stream,
    strip_end,
)
from tokcost.corpora.checks import PairChecker
from tokcost.errors import CorpusError

_scan_once = json.JSONDecoder().scan_once  # type: ignore[attr-defined] # (text, index) -> (value, end): the C scanner
_LINE_ENDS = frozenset(("\n", "\r\n", "\r", ""))


@contextlib.contextmanager
def _text(raw: BinaryIO, span: Span | None) -> Iterator[TextIO]:
    """``raw`` read as UTF-8 text, lines ending at ``\\n``, ``\\r\\n`` or a lone ``\\r``;
    afterwards ``raw`` is still open, for the binary path."""
    if span is None:
        with open(raw.fileno(), encoding="utf-8", newline="", closefd=False) as text:
            yield text
        return
    wrapper = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    try:
        yield wrapper
    finally:
        wrapper.detach()


def json_lines(path: Path, errors: str = "strict", stats: ReadStats | None = None,
               on_bad: Callable[[CorpusError], None] | None = None, span: Span | None = None,
               ) -> Iterator[tuple[int, str]]:
    """(line number, line) for each line of ``path`` (or of its ``span``, numbered from the
    span's first line): what ``read_lines`` yields (BOM dropped, invalid UTF-8 the same error for
    the same line) except that the line end may still be on (``strip_line`` drops it)."""
    first = span.first_line if span is not None else 1
    with open_binary(path) as whole:
        raw = span_stream(whole, span)
        no = first - 1
        try:
            with _text(raw, span) as text:
                for line in text:
                    no += 1
                    if no == 1 and line.startswith("\ufeff"):
                        line = line[1:]
                    yield no, line
            return
        except UnicodeDecodeError:
            pass
        # From the first invalid UTF-8 on: line by line, in binary, as read_lines does.
        raw.seek(0)
        done, after = no - first + 1, no + 1
        for no, data in enumerate(islice(raw_lines(raw), done, None), after):
            if no == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            body = strip_end(data)  # the line end is put back after decoding, as read_lines does
            end = data[len(body):].decode("ascii")
            yield no, decode_line(body, no, path, errors, stats, on_bad) + end


# How deeply a line's arrays and objects may nest: a fixed limit, so that a line is read or
# refused the same wherever it is read. The json module's limit is the recursion limit left at the
# reader's stack depth, which differs between one process reading a whole file, the calling
# process and a pool process reading byte ranges (a line nested 970 deep was read by one and
# refused by another); any stack tokcost reads at leaves room for this much.
MAX_DEPTH = 512
# a JSON string (skipped whole: brackets inside it do not nest) or a bracket
_NESTING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def too_deep(line: str) -> bool:
    """Whether ``line`` nests arrays and objects more than ``MAX_DEPTH`` deep (a line that
    short, or with that few brackets, cannot: the common case costs a comparison)."""
    if len(line) <= 2 * MAX_DEPTH or line.count("[") + line.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    for m in _NESTING.finditer(line):
        c = m.group()
        if c == "[" or c == "{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif c == "]" or c == "}":
            depth -= 1
    return False


# a JSON escape of a UTF-16 surrogate (\\ud800–\\udfff): a pair of them is one character, a
# lone one is no character at all and cannot be encoded as UTF-8 (nor tokenized)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def check_surrogates(pair: Pair, path: str, line: int) -> None:
    """One clear line for a record whose texts hold a lone surrogate (``"\\ud800"`` in JSON)."""
    for col, text in (("ko", pair.ko), ("en", pair.en), ("id", pair.id), ("domain", pair.domain)):
        if text is None:
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise CorpusError(
                f"{col!r} holds a lone surrogate \\u{ord(text[exc.start]):04x} at character "
                f"{exc.start + 1} (half of a UTF-16 pair: not a character)",
                path=path, line=line,
                hint="fix the escape (a pair \\ud83d\\ude00 is fine) or drop the record",
            ) from None


def strip_line(line: str) -> str:
    """The line without its line end, as ``read_lines`` gives it: one ``\\n``, then one ``\\r``."""
    if line.endswith("\n"):
        line = line[:-1]
    if line.endswith("\r"):
        line = line[:-1]
    return line


class JsonlCorpus(Corpus):
    kind = "jsonl"
    shardable = True
    line_records = True

    def _records(self) -> Iterator[Pair]:
        o = self.options
        scan, ends, deep_len = _scan_once, _LINE_ENDS, 2 * MAX_DEPTH
        for path in self.files:
            self._reading = (path, path)  # where a record comes from (warnings)
            check = PairChecker(str(path), (o.ko_column, o.en_column), o.id_column,
                                o.domain_column, corpus=self)
            to_pair = check.pair
            on_bad = self.problem if self.problems is not None else None
            for no, line in json_lines(path, o.errors, self.stats, on_bad, self.span):
                if len(line) > deep_len and too_deep(line):
                    self.problem(CorpusError("JSON nested too deeply", path=str(path), line=no,
                                             hint="each line must be one flat JSON object"))
                    continue
                try:
                    obj, end = scan(line, 0)  # fast path: exactly one JSON value on the line
                except (StopIteration, ValueError, RecursionError):
                    end = -1
                if end < 0 or line[end:] not in ends:
                    # BOM, blank, surrounding whitespace, trailing data or invalid: the plain
                    # path decides, with json.loads's own message
                    line = strip_line(line)
                    if not line.strip():
                        continue
                    bad = None
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        bad = CorpusError(f"invalid JSON ({exc.msg} at column {exc.colno})",
                                          path=str(path), line=no,
                                          hint="each line must be one JSON object")
                    except RecursionError:
                        bad = CorpusError("JSON nested too deeply", path=str(path), line=no,
                                          hint="each line must be one flat JSON object")
                    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
                        bad = CorpusError(f"invalid JSON ({exc})", path=str(path), line=no,
                                          hint="write long numbers as strings")
                    if bad is not None:
                        self.problem(bad)
                        continue
                if not isinstance(obj, dict):
                    self.problem(CorpusError("expected a JSON object", path=str(path), line=no))
                    continue
                try:
                    pair = to_pair(obj, no)
                    if "\\u" in line and _SURROGATE_ESCAPE.search(line):
                        check_surrogates(pair, str(path), no)
                except CorpusError as err:
                    self.problem(err)
                    continue
                yield pair
