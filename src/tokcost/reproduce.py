"""``tokcost validate``: reproduce published token counts on FLORES-200.

Each check names its source; tokcost's number must equal the published one exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokcost.corpora import ReadOptions
from tokcost.corpora.flores import FloresCorpus
from tokcost.tokenizers import load_tokenizer


@dataclass(frozen=True)
class Published:
    tokenizer: str
    split: str  # dev | devtest | all
    joined: bool  # True: each language joined with single spaces into one string (Petrov)
    ko_tokens: int
    en_tokens: int
    source: str


PUBLISHED = (
    Published("cl100k_base", "all", True, 125_737, 52_835,
              "Petrov et al. 2023, NeurIPS, assets/tokenization_lengths.csv"),
    Published("r50k_base", "all", True, 266_663, 52_567,
              "Petrov et al. 2023, NeurIPS, assets/tokenization_lengths.csv"),
    Published("o200k_base", "dev", False, 37_589, 25_536,
              "mothertoken benchmark, data/benchmark.json (2026-03-26)"),
    Published("cl100k_base", "dev", False, 61_165, 25_801,
              "mothertoken benchmark, data/benchmark.json (2026-03-26)"),
)


@dataclass(frozen=True)
class Check:
    published: Published
    ko_tokens: int
    en_tokens: int

    @property
    def ok(self) -> bool:
        return (self.ko_tokens, self.en_tokens) == (self.published.ko_tokens,
                                                    self.published.en_tokens)

    def as_dict(self) -> dict[str, Any]:
        """The row as ``tokcost validate`` writes it (``schema.listing.ValidateRecord``)."""
        from tokcost.schema.base import checked
        from tokcost.schema.listing import ValidateRecord

        p = self.published
        return checked(ValidateRecord, [{
            "tokenizer": p.tokenizer, "split": p.split,
            "method": "joined" if p.joined else "per sentence",
            "published_ko": p.ko_tokens, "published_en": p.en_tokens,
            "tokcost_ko": self.ko_tokens, "tokcost_en": self.en_tokens,
            "published_ratio": p.ko_tokens / p.en_tokens,
            "tokcost_ratio": self.ko_tokens / self.en_tokens if self.en_tokens else None,
            "match": self.ok, "source": p.source,
        }])[0]


def _petrov_join(corpus: FloresCorpus, lang: str) -> str:
    """Petrov et al.'s joined string: each split file's text split on newlines (keeping the empty
    string after the final newline), all splits concatenated, joined with single spaces."""
    parts: list[str] = []
    for path in corpus.files:
        if path.name.startswith(lang):
            parts += path.read_text(encoding="utf-8").split("\n")
    return " ".join(parts)


def run_checks(flores_dir: Path) -> list[Check]:
    out = []
    for p in PUBLISHED:
        corpus = FloresCorpus(flores_dir, ReadOptions(split=p.split))
        pairs = list(corpus)
        tok = load_tokenizer(p.tokenizer)
        if p.joined:
            ko, en = tok.count([_petrov_join(corpus, "kor_Hang"), _petrov_join(corpus, "eng_Latn")])
        else:
            ko = sum(tok.count([x.ko for x in pairs]))
            en = sum(tok.count([x.en or "" for x in pairs]))
        out.append(Check(p, ko, en))
    return out
