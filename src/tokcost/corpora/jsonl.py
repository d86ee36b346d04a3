"""JSON Lines pair files: one object per line with ``ko``, ``en`` and optional ``id``, ``domain``.

The reader is on the serial path of every measurement, so it is lean: the file is read in text
mode (lines end at ``\\n`` only, as in ``read_lines``) and each line is parsed with the json
module's C scanner directly. Any line that path does not take cleanly (blank, surrounding
whitespace, not exactly one JSON value) goes through the plain path — line end dropped,
``json.loads`` — so every error and its message are what they always were; from the first invalid
UTF-8 on, the file is read line by line in binary as ``read_lines`` does.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from tokcost.corpora.base import Corpus, Pair, ReadStats, decode_line, open_binary
from tokcost.corpora.checks import PairChecker
from tokcost.errors import CorpusError

_scan_once = json.JSONDecoder().scan_once  # (text, index) -> (value, end): the C scanner
_LINE_ENDS = frozenset(("\n", "\r\n", ""))


def json_lines(path: Path, errors: str = "strict", stats: ReadStats | None = None,
               on_bad: Callable[[CorpusError], None] | None = None
               ) -> Iterator[tuple[int, str]]:
    """(line number, line) for each line of ``path``: what ``read_lines`` yields (BOM dropped,
    invalid UTF-8 the same error for the same line) except that the line end may still be on
    (``strip_line`` drops it)."""
    with open_binary(path) as raw:
        no = 0
        with open(raw.fileno(), encoding="utf-8", newline="\n", closefd=False) as text:
            try:
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
        done = no
        for no, data in enumerate(islice(raw, done, None), done + 1):
            if no == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            end = ""  # the line end, put back after decoding the line as read_lines does
            if data.endswith(b"\n"):
                data, end = data[:-1], "\n"
            if data.endswith(b"\r"):
                data, end = data[:-1], "\r" + end
            yield no, decode_line(data, no, path, errors, stats, on_bad) + end


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

    def _records(self) -> Iterator[Pair]:
        o = self.options
        scan, ends = _scan_once, _LINE_ENDS
        for path in self.files:
            self._reading = (path, path)  # where a record comes from (warnings)
            check = PairChecker(str(path), (o.ko_column, o.en_column), corpus=self)
            to_pair = check.pair
            on_bad = self.problem if self.problems is not None else None
            for no, line in json_lines(path, o.errors, self.stats, on_bad):
                try:
                    obj, end = scan(line, 0)  # fast path: exactly one JSON value on the line
                except (StopIteration, ValueError):
                    end = -1
                if end < 0 or line[end:] not in ends:
                    # BOM, blank, surrounding whitespace, trailing data or invalid: the plain
                    # path decides, with json.loads's own message
                    line = strip_line(line)
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        bad = CorpusError(f"invalid JSON ({exc.msg} at column {exc.colno})",
                                          path=str(path), line=no,
                                          hint="each line must be one JSON object")
                    else:
                        bad = None
                    if bad is not None:
                        self.problem(bad)
                        continue
                if not isinstance(obj, dict):
                    self.problem(CorpusError("expected a JSON object", path=str(path), line=no))
                    continue
                try:
                    pair = to_pair(obj, no)
                except CorpusError as err:
                    self.problem(err)
                    continue
                yield pair
