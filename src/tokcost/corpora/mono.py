"""Monolingual Korean text (a team's logs or prompts): one unit per non-empty line."""

from __future__ import annotations

from collections.abc import Iterator

from tokcost.corpora.base import Corpus, Pair, read_lines


class MonolingualCorpus(Corpus):
    kind = "mono"
    shardable = True
    line_records = True

    @property
    def monolingual(self) -> bool:
        return True

    def _records(self) -> Iterator[Pair]:
        for path in self.files:
            self._reading = (path, path)  # where a record comes from (warnings)
            on_bad = self.problem if self.problems is not None else None
            for no, line in read_lines(path, self.options.errors, self.stats, on_bad,
                                            self.span):
                if line.strip():
                    yield Pair(str(no), line, None, None, no)
