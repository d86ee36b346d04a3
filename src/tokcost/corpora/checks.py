"""Checks shared by the record-oriented formats: columns, empty texts, duplicate ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tokcost.corpora.base import Pair
from tokcost.errors import CorpusError


class PairChecker:
    """Turns one record into a Pair, or raises one clear line naming file, line and fix."""

    def __init__(self, path: str, columns: tuple[str, str], id_column: str = "id",
                 domain_column: str = "domain") -> None:
        self.path = path
        self.ko_col, self.en_col = columns
        self.id_col = id_column
        self.domain_col = domain_column
        self.seen: dict[str, int] = {}

    def pair(self, rec: Mapping[str, Any], line: int) -> Pair:
        for col in (self.ko_col, self.en_col):
            if col not in rec:
                have = ", ".join(map(str, rec.keys())) or "none"
                raise CorpusError(
                    f"missing column {col!r} (columns here: {have})", path=self.path, line=line,
                    hint="rename it, or pass --ko-column/--en-column",
                )
        ko, en = rec[self.ko_col], rec[self.en_col]
        for col, val in ((self.ko_col, ko), (self.en_col, en)):
            if not isinstance(val, str):
                raise CorpusError(f"column {col!r} is not text", path=self.path, line=line)
            if not val.strip():
                raise CorpusError(f"empty {col!r} text", path=self.path, line=line,
                                  hint="remove the pair or fill it in")
        rid = rec.get(self.id_col)
        rid = str(rid) if rid not in (None, "") else f"{line}"
        if rid in self.seen:
            raise CorpusError(
                f"duplicate id {rid!r} (first on line {self.seen[rid]})", path=self.path,
                line=line, hint="ids must be unique",
            )
        self.seen[rid] = line
        dom = rec.get(self.domain_col)
        return Pair(rid, ko, en, str(dom) if dom not in (None, "") else None, line)
