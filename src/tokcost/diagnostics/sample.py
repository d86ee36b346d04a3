"""The text a report's diagnostics run on, read in one streaming pass with flat memory.

Diagnostics (Hangul coverage, continued words, morphemes, token boundaries) tokenize their text
on every tokenizer again, pair by pair, and the morpheme analyser is slower than any tokenizer,
so on a large corpus they **sample**: a uniform random sample of at most ``SAMPLE_PAIRS`` pairs
(reservoir sampling, fixed seed, so the same corpus gives the same sample), kept in corpus
order. A corpus no larger than that (the shipped samples) is diagnosed whole. Memory holds the
sample and a few pairs per domain for the token-boundary view, never the corpus. The report
states the sample size on every diagnostics row (``sample_pairs`` of ``corpus_pairs``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from tokcost.diagnostics.sources import CorpusText

SAMPLE_PAIRS = 5000
SAMPLE_SEED = 20
KEEP_PER_DOMAIN = 6  # enough for the report's token-boundary picks (pair index <= 5 of a domain)
KEEP_FIRST = 16


@dataclass(frozen=True)
class DiagnosticText:
    text: CorpusText  # the sample (or the whole corpus when it is small)
    corpus_pairs: int  # pairs in the corpus
    kept: list[Any]  # a few pairs per domain and the first ones, in corpus order

    @property
    def sampled(self) -> bool:
        return len(self.text) < self.corpus_pairs

    def describe(self) -> dict[str, Any]:
        return {"method": "uniform reservoir sample" if self.sampled else "whole corpus",
                "seed": SAMPLE_SEED if self.sampled else None,
                "sample_pairs": len(self.text), "corpus_pairs": self.corpus_pairs}


def diagnostic_text(spec: str, limit: int = SAMPLE_PAIRS, seed: int = SAMPLE_SEED
                    ) -> DiagnosticText:
    """One pass over the corpus ``spec``: a uniform sample of at most ``limit`` pairs, the corpus's
    size, and the pairs the token-boundary view picks from."""
    from tokcost.corpora import open_corpus

    corpus = open_corpus(spec)
    rng = random.Random(seed)
    reservoir: list[tuple[int, Any]] = []
    kept: list[Any] = []
    per_domain: dict[str, int] = {}
    n = 0
    for pair in corpus.pairs():
        dom = pair.domain or ""
        seen = per_domain.get(dom, 0)
        if seen < KEEP_PER_DOMAIN or n < KEEP_FIRST:
            kept.append(pair)
        per_domain[dom] = seen + 1
        if n < limit:
            reservoir.append((n, pair))
        else:
            j = rng.randrange(n + 1)
            if j < limit:
                reservoir[j] = (n, pair)
        n += 1
    reservoir.sort(key=lambda x: x[0])
    ko = tuple(p.ko for _, p in reservoir)
    en = None if corpus.monolingual else tuple(p.en or "" for _, p in reservoir)
    return DiagnosticText(CorpusText(spec, ko, en, corpus.options.domain), n, kept)
