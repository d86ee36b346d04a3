"""Hangul vocabulary coverage: which syllables a tokenizer encodes as one token.

Each syllable is encoded on its own, without special tokens. SentencePiece inserts a dummy-prefix
``▁`` before a text; when it comes out as a separate piece it is not counted, so that a syllable
that exists in the vocabulary counts as one token on every backend.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from tokcost.tokenizers.base import Tokenizer

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
N_HANGUL = HANGUL_LAST - HANGUL_FIRST + 1  # 11,172
N_KSX1001 = 2350


@cache
def hangul_syllables() -> tuple[str, ...]:
    """The 11,172 precomposed Hangul syllables U+AC00..U+D7A3."""
    return tuple(chr(c) for c in range(HANGUL_FIRST, HANGUL_LAST + 1))


def is_hangul_syllable(ch: str) -> bool:
    return HANGUL_FIRST <= ord(ch) <= HANGUL_LAST


@cache
def ksx1001_syllables() -> tuple[str, ...]:
    """The 2,350 common syllables of KS X 1001 (KS C 5601), derived from Python's EUC-KR codec:
    every 2-byte code in rows 0xB0–0xC8 × columns 0xA1–0xFE that decodes to a Hangul syllable."""
    out = []
    for row in range(0xB0, 0xC8 + 1):
        for col in range(0xA1, 0xFE + 1):
            try:
                ch = bytes([row, col]).decode("euc-kr")
            except UnicodeDecodeError:
                continue
            if len(ch) == 1 and is_hangul_syllable(ch):
                out.append(ch)
    if len(out) != N_KSX1001:
        raise AssertionError(f"KS X 1001 Hangul block has {len(out)} syllables, expected 2,350")
    return tuple(out)


def syllable_token_counts(tokenizer: Tokenizer, syllables: Sequence[str]) -> list[int]:
    """Tokens for each syllable encoded alone (a separate dummy-prefix ``▁`` not counted)."""
    from tokcost.diagnostics.fertility import isolated_token_counts

    return isolated_token_counts(tokenizer, syllables)


@dataclass(frozen=True)
class TextCoverage:
    """Coverage weighted by how often each syllable occurs in a text."""

    source: str
    occurrences: int  # syllable occurrences in the text (after NFC)
    distinct: int
    single_token_share: float  # share of occurrences whose syllable is one token
    mean_tokens_per_syllable: float  # frequency-weighted
    top_uncovered: tuple[tuple[str, int, int], ...] = ()  # (syllable, occurrences, tokens)


@dataclass(frozen=True)
class Coverage:
    tokenizer: str
    single_token: int  # of the 11,172
    single_token_share: float
    mean_tokens_per_syllable: float
    ksx1001_single_token: int  # of the 2,350
    ksx1001_share: float
    ksx1001_mean_tokens: float
    distribution: dict[str, int] = field(default_factory=dict)  # tokens → syllables ("4+")
    text: TextCoverage | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "tokenizer": self.tokenizer,
            "syllables": N_HANGUL,
            "single_token": self.single_token,
            "single_token_share": round(self.single_token_share, 4),
            "mean_tokens_per_syllable": round(self.mean_tokens_per_syllable, 4),
            "ksx1001_syllables": N_KSX1001,
            "ksx1001_single_token": self.ksx1001_single_token,
            "ksx1001_share": round(self.ksx1001_share, 4),
            "ksx1001_mean_tokens": round(self.ksx1001_mean_tokens, 4),
            "distribution": self.distribution,
        }
        t = self.text
        out.update({
            "text_source": t.source if t else None,
            "text_syllables": t.occurrences if t else None,
            "text_distinct": t.distinct if t else None,
            "text_single_token_share": round(t.single_token_share, 4) if t else None,
            "text_mean_tokens_per_syllable": round(t.mean_tokens_per_syllable, 4) if t else None,
            "text_top_uncovered": [
                {"syllable": s, "occurrences": n, "tokens": k} for s, n, k in t.top_uncovered
            ] if t else None,
        })
        return out


def syllable_frequencies(text: str) -> Counter[str]:
    """Occurrences of each precomposed syllable in ``text`` after NFC (so decomposed jamo count)."""
    return Counter(ch for ch in unicodedata.normalize("NFC", text) if is_hangul_syllable(ch))


def hangul_coverage(
    tokenizer: Tokenizer, text: str | None = None, *, source: str = "text", top: int = 10
) -> Coverage:
    """Single-token coverage of all syllables, of KS X 1001, and (with ``text``) of the syllables
    as they occur in that text."""
    syl = hangul_syllables()
    counts = dict(zip(syl, syllable_token_counts(tokenizer, syl), strict=True))
    ones = sum(1 for n in counts.values() if n == 1)
    ks = [counts[s] for s in ksx1001_syllables()]
    dist = Counter(min(n, 4) for n in counts.values())
    tc = None
    if text is not None:
        freq = syllable_frequencies(text)
        occ = sum(freq.values())
        single = sum(n for s, n in freq.items() if counts[s] == 1)
        weighted = sum(n * counts[s] for s, n in freq.items())
        missing = sorted(((s, n, counts[s]) for s, n in freq.items() if counts[s] != 1),
                         key=lambda r: (-r[1], r[0]))
        tc = TextCoverage(source, occ, len(freq), single / occ if occ else 0.0,
                          weighted / occ if occ else 0.0, tuple(missing[:top]))
    return Coverage(
        tokenizer.id, ones, ones / N_HANGUL, sum(counts.values()) / N_HANGUL,
        sum(1 for n in ks if n == 1), sum(1 for n in ks if n == 1) / N_KSX1001,
        sum(ks) / N_KSX1001,
        {("4+" if k == 4 else str(k)): dist[k] for k in sorted(dist)}, tc,
    )
