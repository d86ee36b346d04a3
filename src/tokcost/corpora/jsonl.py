"""JSON Lines pair files: one object per line with ``ko``, ``en`` and optional ``id``, ``domain``."""

from __future__ import annotations

import json
from collections.abc import Iterator

from tokcost.corpora.base import Corpus, Pair, read_lines
from tokcost.corpora.checks import PairChecker
from tokcost.errors import CorpusError


class JsonlCorpus(Corpus):
    kind = "jsonl"

    def _records(self) -> Iterator[Pair]:
        o = self.options
        for path in self.files:
            check = PairChecker(str(path), (o.ko_column, o.en_column))
            on_bad = self.problem if self.problems is not None else None
            for no, line in read_lines(path, o.errors, self.stats, on_bad):
                if not line.strip():
                    continue
                try:
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise CorpusError(f"invalid JSON ({exc.msg} at column {exc.colno})",
                                          path=str(path), line=no,
                                          hint="each line must be one JSON object") from None
                    if not isinstance(obj, dict):
                        raise CorpusError("expected a JSON object", path=str(path), line=no)
                    pair = check.pair(obj, no)
                except CorpusError as err:
                    self.problem(err)
                    continue
                yield pair
