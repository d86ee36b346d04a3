"""CSV and TSV pair files with a header row (default columns ``ko``, ``en``, ``id``, ``domain``).

CSV is RFC 4180: a quoted field may hold the delimiter, quotes (doubled) and line ends, which are
kept as they are in the file. TSV is tab-separated text (the IANA ``text/tab-separated-values``
type): every field is taken literally, quotes included; a field cannot hold a tab or a line end.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator

from tokcost.corpora.base import Corpus, Pair, read_lines_keepends
from tokcost.corpora.checks import PairChecker
from tokcost.errors import CorpusError


class DelimitedCorpus(Corpus):
    kind = "csv"
    shardable = True

    def __init__(self, *args, delimiter: str = ",", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.delimiter = delimiter
        self.kind = "tsv" if delimiter == "\t" else "csv"

    def _hint_overhead(self) -> int:
        return 1  # the header row

    def _records(self) -> Iterator[Pair]:
        o = self.options
        for path in self.files:
            self._reading = (path, path)  # where a record comes from (warnings)
            numbered = read_lines_keepends(path, o.errors, self.stats,
                                           self.problem if self.problems is not None else None)
            line_of = [0]

            def texts(src=numbered, line_of=line_of):
                for no, text in src:
                    line_of[0] = no
                    yield text

            if self.delimiter == "\t":  # literal fields: no quoting, no escapes
                reader = csv.reader(texts(), delimiter="\t", quoting=csv.QUOTE_NONE)
            else:
                reader = csv.reader(texts(), delimiter=self.delimiter)
            try:
                header = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise CorpusError(f"bad CSV header ({exc})", path=str(path), line=1) from None
            header = [h.strip() for h in header]
            check = PairChecker(str(path), (o.ko_column, o.en_column), o.id_column,
                                o.domain_column, corpus=self)
            missing = [c for c in (o.ko_column, o.en_column) if c not in header]
            if missing:
                raise CorpusError(
                    f"missing column {missing[0]!r} in the header (columns: {', '.join(header)})",
                    path=str(path), line=1, hint="rename it, or pass --ko-column/--en-column",
                )
            while True:
                start = line_of[0] + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    raise CorpusError(f"bad CSV ({exc})", path=str(path), line=start) from None
                if not row or all(not c.strip() for c in row):
                    continue
                try:
                    if len(row) != len(header):
                        raise CorpusError(
                            f"{len(row)} fields, the header has {len(header)}", path=str(path),
                            line=start, hint="quote fields that contain the delimiter",
                        )
                    pair = check.pair(dict(zip(header, row, strict=True)), start)
                except CorpusError as err:
                    self.problem(err)
                    continue
                yield pair
