"""Two aligned plain-text files, one sentence per line (line i of each is the same sentence)."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import zip_longest
from pathlib import Path

from tokcost.corpora.base import Corpus, Pair, open_binary, raw_lines, read_lines
from tokcost.errors import CorpusError


def count_lines(path: Path) -> int:
    """Lines as ``read_lines`` counts them: ends at ``\\n``, ``\\r\\n`` or a lone ``\\r``."""
    with open_binary(path) as fh:
        n = 0
        for _ in raw_lines(fh):
            n += 1
        return n


class AlignedCorpus(Corpus):
    kind = "aligned"

    def __init__(self, name: str, ko: Path, en: Path, options=None, domain: str | None = None):
        super().__init__(name, [ko, en], options)
        self.domain = domain

    def check_alignment(self) -> None:
        ko, en = self.files
        n_ko, n_en = count_lines(ko), count_lines(en)
        if n_ko != n_en:
            raise CorpusError(
                f"aligned files differ in length: {ko} has {n_ko} lines, {en} has {n_en}",
                path=str(ko), hint="every line of one file must match the same line of the other",
            )

    def _hint_files(self) -> list[Path]:
        return list(self.files[0::2])  # the Korean file of each (ko, en) pair

    def _records(self) -> Iterator[Pair]:
        self.check_alignment()
        ko_path, en_path = self.files
        self._reading = (ko_path, en_path)  # where a record's texts come from (warnings)
        o = self.options
        on_bad = self.problem if self.problems is not None else None
        ko_lines = read_lines(ko_path, o.errors, self.stats, on_bad)
        en_lines = read_lines(en_path, o.errors, self.stats, on_bad)
        for a, b in zip_longest(ko_lines, en_lines):
            if a is None or b is None:  # changed while reading
                raise CorpusError("aligned files changed length while being read",
                                  path=str(ko_path))
            (no, ko), (_, en) = a, b
            if not ko.strip() or not en.strip():
                which = ko_path if not ko.strip() else en_path
                self.problem(CorpusError("empty line in an aligned file", path=str(which),
                                         line=no, hint="remove the pair from both files"))
                continue
            yield Pair(str(no), ko, en, self.domain, no)
