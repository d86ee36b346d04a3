"""One row of Korean diagnostics per tokenizer, for reports: ``tokcost.diagnostics.summary``.

>>> from tokcost.diagnostics import summary
>>> rows = summary(["o200k_base", "exaone-4.0"], "samples")        # doctest: +SKIP
>>> rows[1]["tokens_per_morpheme"], rows[1]["ko_continued_share"]   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tokcost.diagnostics.sources import CorpusText
from tokcost.tokenizers.base import Tokenizer

SCHEMA = "tokcost/diagnostics-summary/1"

FIELDS = (
    "tokenizer", "korean_trained", "proxy_of", "corpus", "domain", "units",
    "hangul_single_token_share", "ksx1001_single_token_share", "mean_tokens_per_syllable",
    "ksx1001_mean_tokens_per_syllable", "text_mean_tokens_per_syllable",
    "text_single_token_share", "ko_tokens", "ko_words", "ko_fertility", "ko_continued_share",
    "en_tokens", "en_words", "en_fertility", "en_continued_share", "morphemes",
    "tokens_per_morpheme", "morph_analyser",
)


def summary(
    tokenizers: Sequence[str | Tokenizer],
    corpus: str | CorpusText = "samples",
    *,
    domain: str | None = None,
    morphemes: bool | None = None,
    download: bool = False,
    totals: dict[str, tuple[int, int | None]] | None = None,
    morpheme_count: tuple[int, str] | None = None,
) -> list[dict[str, Any]]:
    """Per tokenizer: Hangul coverage (shares of the 11,172 and the 2,350 KS X 1001 syllables that
    are one token; mean tokens per syllable, over all syllables and weighted by the corpus),
    fertility and proportion of continued words for Korean eojeol and English words, and tokens
    per morpheme (None when the ``morph`` extra is not installed, or ``morphemes=False``).

    ``corpus`` is a shipped name (``samples``, ``samples/DOMAIN``, ``requests``), a path, or a
    :class:`CorpusText`. The fields are listed in :data:`FIELDS` and docs/diagnostics.md. The
    shipped samples take a few seconds for a dozen tokenizers. ``morpheme_count``: the texts'
    morphemes counted once by the caller (see ``fertility_rows``)."""
    from tokcost.diagnostics.coverage import hangul_coverage
    from tokcost.diagnostics.fertility import fertility_rows
    from tokcost.diagnostics.sources import read_corpus
    from tokcost.tokenizers import load_tokenizer

    text = corpus if isinstance(corpus, CorpusText) else read_corpus(corpus, domain=domain)
    toks = [t if isinstance(t, Tokenizer) else load_tokenizer(t, download=download)
            for t in tokenizers]
    rows = fertility_rows(toks, text.ko, text.en, corpus=text.label, domain=text.domain,
                          morphemes=morphemes, totals=totals, morpheme_count=morpheme_count)
    joined = "\n".join(text.ko)
    out = []
    for tok, frow in zip(toks, rows, strict=True):
        cov = hangul_coverage(tok, joined, source=text.label, top=0)
        f = frow.as_dict()
        entry = tok.resolution.entry
        t = cov.text if cov.text is not None and cov.text.occurrences else None
        row = {
            "tokenizer": tok.id,
            "korean_trained": entry.korean_trained,
            "proxy_of": tok.resolution.proxy_of,
            "corpus": text.label,
            "domain": f["domain"],
            "units": f["units"],
            "hangul_single_token_share": round(cov.single_token_share, 4),
            "ksx1001_single_token_share": round(cov.ksx1001_share, 4),
            "mean_tokens_per_syllable": round(cov.mean_tokens_per_syllable, 4),
            "ksx1001_mean_tokens_per_syllable": round(cov.ksx1001_mean_tokens, 4),
            "text_mean_tokens_per_syllable": round(t.mean_tokens_per_syllable, 4) if t else None,
            "text_single_token_share": round(t.single_token_share, 4) if t else None,
            **{k: f[k] for k in FIELDS if k in f and k not in ("tokenizer", "corpus", "domain",
                                                              "units")},
        }
        out.append({k: row[k] for k in FIELDS})
    from tokcost.schema.base import checked
    from tokcost.schema.diagnostics import DiagnosticsSummaryRow

    return checked(DiagnosticsSummaryRow, out)  # a key or type the record does not name fails here
