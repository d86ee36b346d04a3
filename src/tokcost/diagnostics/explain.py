"""``tokcost explain``: which words (eojeol) cost the most tokens, and where one tokenizer saves
against another.

An eojeol is a whitespace-separated word of the input (``str.split``), punctuation attached, as
Korean writes it. Each text is tokenized whole, as it would be sent to a model; every token goes to
the eojeol holding most of its non-space characters (a GPT-style leading space goes with the word
after it). Tokens with no non-space character (whitespace runs, SentencePiece's lone ``▁``,
special tokens) are counted apart, so ``eojeol_tokens + other_tokens == total_tokens``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tokcost.diagnostics.alignment import Alignment, align, group_tokens, printable
from tokcost.errors import TokcostError
from tokcost.tokenizers.base import Tokenizer

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class EojeolCost:
    eojeol: str
    occurrences: int
    tokens: int  # over all occurrences
    split: str  # how its first occurrence was cut: pieces joined by "|", ▁ = space

    @property
    def tokens_per_occurrence(self) -> float:
        return self.tokens / self.occurrences

    def as_dict(self) -> dict[str, Any]:
        return {"eojeol": self.eojeol, "occurrences": self.occurrences, "tokens": self.tokens,
                "tokens_per_occurrence": round(self.tokens_per_occurrence, 4),
                "split": self.split}


@dataclass(frozen=True)
class EojeolProfile:
    """Tokens per eojeol on one tokenizer, over one or more texts."""

    tokenizer: str
    total_tokens: int
    eojeol_occurrences: int
    eojeol_tokens: int
    other_tokens: int  # whitespace-only and special tokens
    continued: int  # occurrences cut into two or more tokens
    costs: tuple[EojeolCost, ...]  # one per distinct eojeol, in order of first occurrence

    @property
    def fertility(self) -> float | None:
        """Tokens per eojeol (Rust et al. 2021)."""
        return self.eojeol_tokens / self.eojeol_occurrences if self.eojeol_occurrences else None

    @property
    def continued_share(self) -> float | None:
        """Proportion of continued words: occurrences of two or more tokens (Rust et al. 2021)."""
        return self.continued / self.eojeol_occurrences if self.eojeol_occurrences else None

    def top(self, n: int = 15, by: str = "occurrence") -> list[EojeolCost]:
        """The ``n`` costliest eojeol: ``by="occurrence"`` ranks by tokens per occurrence (ties:
        more occurrences first), ``by="total"`` by tokens over all occurrences."""
        if by == "total":
            return sorted(self.costs, key=lambda c: (-c.tokens, -c.tokens_per_occurrence))[:n]
        if by != "occurrence":
            raise ValueError(f"by must be 'occurrence' or 'total', not {by!r}")
        return sorted(self.costs, key=lambda c: (-c.tokens_per_occurrence, -c.occurrences))[:n]

    def summary(self) -> dict[str, Any]:
        f, c = self.fertility, self.continued_share
        return {
            "tokenizer": self.tokenizer,
            "total_tokens": self.total_tokens,
            "eojeol": self.eojeol_occurrences,
            "distinct_eojeol": len(self.costs),
            "eojeol_tokens": self.eojeol_tokens,
            "other_tokens": self.other_tokens,
            "fertility": None if f is None else round(f, 4),
            "continued_share": None if c is None else round(c, 4),
        }


def _show(text: str) -> str:
    return printable(text).replace(" ", "▁").replace("\n", "↵").replace("\t", "→")


def _eojeol_of_tokens(al: Alignment, n_input_words: int) -> tuple[list[int | None], int]:
    """For each token, the index of its eojeol in the text (None: no non-space character)."""
    words = [m.span() for m in _WORD.finditer(al.view)]
    if len(words) != n_input_words:
        raise TokcostError(
            f"{al.tokenizer}: its normaliser changes the number of words "
            f"({n_input_words} → {len(words)}), so eojeol cannot be matched",
            hint="normalise the text to NFC first, or leave this tokenizer out",
        )
    word_at = [-1] * len(al.view)
    for w, (a, b) in enumerate(words):
        word_at[a:b] = [w] * (b - a)
    out: list[int | None] = []
    for t in al.tokens:
        votes = Counter(word_at[i] for i in range(t.start, t.end) if word_at[i] >= 0)
        if not votes:
            out.append(None)
            continue
        best = max(votes.values())
        out.append(next(word_at[i] for i in range(t.start, t.end) if votes.get(word_at[i]) == best))
    return out, len(words)


def eojeol_profile(tokenizer: Tokenizer, texts: Sequence[str]) -> EojeolProfile:
    """Tokens per eojeol of ``texts`` (each tokenized whole) on one tokenizer."""
    tokens: Counter[str] = Counter()
    occurrences: Counter[str] = Counter()
    splits: dict[str, str] = {}
    total = other = continued = n_occ = 0
    for text in texts:
        words = text.split()
        al = align(tokenizer, text)
        owner, _ = _eojeol_of_tokens(al, len(words))
        total += len(al.tokens)
        per_word: list[list[int]] = [[] for _ in words]
        for t, w in zip(al.tokens, owner, strict=True):
            if w is None:
                other += 1
            else:
                per_word[w].append(t.index)
        for word, idx in zip(words, per_word, strict=True):
            key = unicodedata.normalize("NFC", word)
            occurrences[key] += 1
            tokens[key] += len(idx)
            n_occ += 1
            continued += len(idx) >= 2
            if key not in splits:
                groups = group_tokens(al, [al.tokens[i] for i in idx])
                splits[key] = "|".join(
                    (f"⟦{_show(g.text)}⟧" if g.byte_fallback else _show(g.text)) for g in groups)
    costs = tuple(EojeolCost(w, occurrences[w], tokens[w], splits[w]) for w in occurrences)
    return EojeolProfile(tokenizer.id, total, n_occ, sum(tokens.values()), other, continued, costs)


@dataclass(frozen=True)
class Saving:
    eojeol: str
    occurrences: int
    tokens: int  # on the tokenizer
    tokens_against: int  # on the tokenizer compared against
    split: str
    split_against: str

    @property
    def saved(self) -> int:
        return self.tokens_against - self.tokens

    def as_dict(self) -> dict[str, Any]:
        return {"eojeol": self.eojeol, "occurrences": self.occurrences, "tokens": self.tokens,
                "tokens_against": self.tokens_against, "saved": self.saved,
                "split": self.split, "split_against": self.split_against}


@dataclass(frozen=True)
class Comparison:
    """Where ``tokenizer`` saves tokens against ``against``, eojeol by eojeol."""

    tokenizer: str
    against: str
    savings: tuple[Saving, ...]  # every distinct eojeol, most saved first

    @property
    def eojeol_tokens(self) -> int:
        return sum(s.tokens for s in self.savings)

    @property
    def eojeol_tokens_against(self) -> int:
        return sum(s.tokens_against for s in self.savings)

    @property
    def total_saved(self) -> int:
        """Sum of per-eojeol savings; equals ``eojeol_tokens_against - eojeol_tokens``."""
        return sum(s.saved for s in self.savings)

    def top_savings(self, n: int = 15) -> list[Saving]:
        return [s for s in self.savings if s.saved > 0][:n]

    def top_losses(self, n: int = 15) -> list[Saving]:
        return [s for s in reversed(self.savings) if s.saved < 0][:n]

    def summary(self) -> dict[str, Any]:
        base = self.eojeol_tokens_against
        return {
            "tokenizer": self.tokenizer,
            "against": self.against,
            "eojeol_tokens": self.eojeol_tokens,
            "eojeol_tokens_against": base,
            "saved": self.total_saved,
            "saved_share": round(self.total_saved / base, 4) if base else None,
            "eojeol_cheaper": sum(1 for s in self.savings if s.saved > 0),
            "eojeol_dearer": sum(1 for s in self.savings if s.saved < 0),
        }


def compare_profiles(profile: EojeolProfile, against: EojeolProfile) -> Comparison:
    """Eojeol-by-eojeol difference of two profiles of the same texts."""
    theirs = {c.eojeol: c for c in against.costs}
    if set(theirs) != {c.eojeol for c in profile.costs}:
        raise TokcostError(
            f"{profile.tokenizer} and {against.tokenizer} were profiled on different texts")
    rows = [Saving(c.eojeol, c.occurrences, c.tokens, theirs[c.eojeol].tokens, c.split,
                   theirs[c.eojeol].split) for c in profile.costs]
    rows.sort(key=lambda s: (-s.saved, -s.occurrences))
    return Comparison(profile.tokenizer, against.tokenizer, tuple(rows))


def explain(
    texts: Sequence[str],
    tokenizers: Sequence[Tokenizer],
    against: Tokenizer | None = None,
    *,
    top: int = 15,
    by: str = "occurrence",
) -> dict[str, Any]:
    """Library entry point: per tokenizer, a summary and its costliest eojeol; with ``against``,
    the comparison of each tokenizer with it. Plain dicts, ready for JSON."""
    profiles = [eojeol_profile(t, texts) for t in tokenizers]
    out: dict[str, Any] = {
        "tokenizers": [
            {**p.summary(), "top": [c.as_dict() for c in p.top(top, by)]} for p in profiles
        ],
        "comparisons": [],
    }
    if against is not None:
        base = eojeol_profile(against, texts)
        for p in profiles:
            if p.tokenizer == base.tokenizer:
                continue
            cmp = compare_profiles(p, base)
            out["comparisons"].append({
                **cmp.summary(),
                "top_savings": [s.as_dict() for s in cmp.top_savings(top)],
                "top_losses": [s.as_dict() for s in cmp.top_losses(top)],
            })
    return out
