"""Fertility and the proportion of continued words (Rust et al. 2021), per word and per morpheme.

Definitions follow ``../shared/reference/metrics.md`` (W = whitespace-separated words, eojeol for
Korean; T = tokens with no special tokens):

- fertility ``F = Σ T / Σ W``, where each unit of the corpus (a sentence, a message) is tokenized
  whole, so that F is the ``fertility`` of ``tokcost measure``;
- proportion of continued words ``PCW`` = share of word occurrences whose *own* tokenization (the
  word encoded alone) has two or more tokens. A separate leading dummy-prefix ``▁`` that
  SentencePiece adds to a text is not counted, so a word in the vocabulary is one token on every
  backend (the rule of ``tokcost coverage``);
- morpheme fertility ``Σ T / Σ M``, with M the morphemes Kiwi finds in the Korean units
  (the ``morph`` extra).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tokcost.tokenizers.base import Tokenizer


def isolated_token_counts(tokenizer: Tokenizer, words: Sequence[str]) -> list[int]:
    """Tokens of each word encoded on its own, a separate leading dummy-prefix ``▁`` not counted."""
    out = []
    for ids in tokenizer.encode_batch(list(words)):
        n = len(ids)
        if n > 1 and tokenizer.token_bytes(ids[0]) == b" ":
            n -= 1
        out.append(n)
    return out


@dataclass(frozen=True)
class WordStats:
    """Fertility and continued words of one tokenizer on one side (``ko`` or ``en``)."""

    tokenizer: str
    lang: str
    units: int
    tokens: int  # Σ T over the units, each tokenized whole
    words: int  # word occurrences
    distinct_words: int
    continued: int  # word occurrences whose own tokenization has ≥ 2 tokens

    @property
    def fertility(self) -> float | None:
        return self.tokens / self.words if self.words else None

    @property
    def continued_share(self) -> float | None:
        return self.continued / self.words if self.words else None


def word_stats(tokenizer: Tokenizer, texts: Sequence[str], lang: str = "ko",
               tokens: int | None = None) -> WordStats:
    """Fertility and proportion of continued words of ``texts`` on one tokenizer.

    Each distinct word is encoded once; occurrences are weighted by their counts. ``tokens``: the
    texts' token total when already counted (e.g. by ``measure``), so they are not counted again."""
    freq: Counter[str] = Counter()
    for text in texts:
        freq.update(text.split())
    distinct = list(freq)
    counts = isolated_token_counts(tokenizer, distinct)
    continued = sum(freq[w] for w, n in zip(distinct, counts, strict=True) if n >= 2)
    if tokens is None:
        tokens = sum(tokenizer.count(list(texts))) if texts else 0
    return WordStats(tokenizer.id, lang, len(texts), tokens, sum(freq.values()), len(distinct),
                     continued)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


@dataclass(frozen=True)
class FertilityRow:
    """Word- and morpheme-level figures of one tokenizer on one corpus."""

    tokenizer: str
    corpus: str
    domain: str | None
    ko: WordStats
    en: WordStats | None
    morphemes: int | None  # None: the morph extra is not installed (or not asked for)
    analyser: str | None

    @property
    def tokens_per_morpheme(self) -> float | None:
        return self.ko.tokens / self.morphemes if self.morphemes else None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tokenizer": self.tokenizer, "corpus": self.corpus,
                               "domain": self.domain or "all", "units": self.ko.units}
        for side, s in (("ko", self.ko), ("en", self.en)):
            out.update({
                f"{side}_tokens": s.tokens if s else None,
                f"{side}_words": s.words if s else None,
                f"{side}_distinct_words": s.distinct_words if s else None,
                f"{side}_continued_words": s.continued if s else None,
                f"{side}_fertility": _r(s.fertility) if s else None,
                f"{side}_continued_share": _r(s.continued_share) if s else None,
            })
        out.update({"morphemes": self.morphemes,
                    "tokens_per_morpheme": _r(self.tokens_per_morpheme),
                    "morph_analyser": self.analyser})
        return out


def count_morphemes_of(ko: Sequence[str], morphemes: bool | None = None
                       ) -> tuple[int, str] | None:
    """``(morphemes in ko, analyser)``, or None when ``morphemes`` is False or (None) the analyser
    is not installed; True requires it (``MorphAnalyserMissing``)."""
    from tokcost.diagnostics import morphemes as morph

    if morphemes is None:
        morphemes = morph.available()
    if not morphemes:
        return None
    return sum(morph.count_morphemes(ko)), morph.analyser_name()


def fertility_rows(
    tokenizers: Iterable[Tokenizer], ko: Sequence[str], en: Sequence[str] | None = None, *,
    corpus: str = "text", domain: str | None = None, morphemes: bool | None = None,
    totals: Mapping[str, tuple[int, int | None]] | None = None,
    morpheme_count: tuple[int, str] | None = None,
) -> list[FertilityRow]:
    """Per tokenizer: fertility and continued words for the Korean units ``ko`` (and the
    English ``en``), and tokens per morpheme.

    ``morphemes``: True requires the ``morph`` extra (raises ``MorphAnalyserMissing`` without
    it), False skips morphemes, None uses the analyser when it is installed. ``totals``: the
    (Korean, English) token totals of these texts per tokenizer id, when already measured.
    ``morpheme_count``: ``(morphemes in ko, analyser)`` from :func:`count_morphemes_of` when the
    caller diagnoses the same texts one tokenizer at a time (the analysis is run once)."""
    n_morph: int | None = None
    analyser: str | None = None
    if morpheme_count is not None:
        n_morph, analyser = morpheme_count
    elif (morph_counted := count_morphemes_of(ko, morphemes)) is not None:
        n_morph, analyser = morph_counted
    rows = []
    for tok in tokenizers:
        ko_total, en_total = (totals or {}).get(tok.id, (None, None))
        rows.append(FertilityRow(
            tok.id, corpus, domain, word_stats(tok, ko, "ko", ko_total),
            word_stats(tok, en, "en", en_total) if en is not None else None, n_morph, analyser,
        ))
    return rows
