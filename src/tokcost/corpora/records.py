"""The records every corpus reader makes: a pair, the read options, the read statistics.

A module of its own so that the readers, the record checks (``checks.py``) and the corpus base
class (``base.py``) import it one way, with no cycle."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from tokcost.errors import CorpusError

NORMALIZATIONS = ("none", "nfc")


class Pair(NamedTuple):
    """One aligned unit. ``en`` is None for monolingual input. A named tuple: immutable like a
    frozen dataclass, and ~2.5x cheaper to create (one per record, so it shows on large files)."""

    id: str
    ko: str
    en: str | None
    domain: str | None = None
    line: int = 0  # 1-based line in the source file (first line of the record)


@dataclass
class ReadOptions:
    errors: str = "strict"  # strict | replace (invalid UTF-8)
    normalize: str = "none"  # none | nfc
    ko_column: str = "ko"
    en_column: str = "en"
    id_column: str = "id"
    domain_column: str = "domain"
    split: str = "dev"  # FLORES: dev | devtest | all
    domain: str | None = None  # keep only this domain

    def __post_init__(self) -> None:
        if self.errors not in ("strict", "replace"):
            raise CorpusError(f"--errors must be strict or replace, not {self.errors!r}")
        if self.normalize not in NORMALIZATIONS:
            raise CorpusError(f"--normalize must be nfc or none, not {self.normalize!r}")


@dataclass
class ReadStats:
    """What the reader saw, for warnings and the result signature."""

    records: int = 0
    non_nfc: int = 0  # texts that are not in NFC
    jamo: int = 0  # texts with conjoining jamo (decomposed Hangul, U+1100–U+11FF)
    replaced: int = 0  # lines with invalid UTF-8 replaced (--errors replace)
    first_non_nfc: tuple[str, int] | None = None
    samples_non_nfc: list[str] = field(default_factory=list)  # the first SAMPLES of them

    SAMPLES = 50

    def merge(self, later: ReadStats) -> None:
        """Add the statistics of a later part of the same corpus (a file read elsewhere)."""
        self.records += later.records
        self.non_nfc += later.non_nfc
        self.jamo += later.jamo
        self.replaced += later.replaced
        self.first_non_nfc = self.first_non_nfc or later.first_non_nfc
        room = self.SAMPLES - len(self.samples_non_nfc)
        self.samples_non_nfc.extend(later.samples_non_nfc[:max(room, 0)])
