"""Korean diagnostics rows: ``tokcost coverage | normalization | breakdown | fertility`` and
``tokcost.diagnostics.summary()`` (the report's diagnostics section).

The command rows carry the labels of the tokenizer that counted them (:class:`TokenizerLabels`),
so every format has them. ``inspect`` rows hold their pieces; ``explain`` rows hold their costliest
eojeol, and its comparisons (``--against``) are a list of their own in the envelope.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tokcost.schema.base import Record, StrictRecord

TokenizerMatch = Literal["exact", "presumed", "proxy", "vendor-api", "none"]


class TokenizerLabels(StrictRecord):
    """How the counting tokenizer is known (``tokenizers.resolver.Resolution.labels``)."""

    proxy_of: str | None
    identity: Literal["verified", "unverified"]
    identity_method: str | None
    tokenizer_match: TokenizerMatch


class UncoveredSyllable(StrictRecord):
    syllable: str
    occurrences: int = Field(ge=0)
    tokens: int = Field(ge=0)


class CoverageRecord(TokenizerLabels):
    """``tokcost/coverage/1``: Hangul syllables one tokenizer encodes as one token; the ``text_``
    fields are None without ``--corpus``."""

    tokenizer: str
    syllables: int = Field(ge=0)
    single_token: int = Field(ge=0)
    single_token_share: float
    mean_tokens_per_syllable: float
    ksx1001_syllables: int = Field(ge=0)
    ksx1001_single_token: int = Field(ge=0)
    ksx1001_share: float
    ksx1001_mean_tokens: float
    distribution: dict[str, int] = Field(description="tokens per syllable ('1', '2', '3', '4+') "
                                         "→ number of syllables")
    text_source: str | None
    text_syllables: int | None
    text_distinct: int | None
    text_single_token_share: float | None
    text_mean_tokens_per_syllable: float | None
    text_top_uncovered: list[UncoveredSyllable] | None


class NormalizationRecord(TokenizerLabels):
    """``tokcost/normalization/1``: tokens of one text as given and as NFC, NFD and NFKC."""

    tokenizer: str
    input_form: Literal["NFC", "other"]
    tokens_input: int = Field(ge=0)
    tokens_nfc: int = Field(ge=0)
    tokens_nfd: int = Field(ge=0)
    tokens_nfkc: int = Field(ge=0)
    nfd_over_nfc: float | None
    nfkc_over_nfc: float | None
    chars_nfc: int = Field(ge=0)
    chars_nfd: int = Field(ge=0)


class BreakdownRecord(TokenizerLabels):
    """``tokcost/breakdown/1``: tokens per character class (they add up to ``total``) and their
    shares (None for an empty text)."""

    tokenizer: str
    total: int = Field(ge=0)
    hangul: int = Field(ge=0)
    latin: int = Field(ge=0)
    digit: int = Field(ge=0)
    punct: int = Field(ge=0)
    space: int = Field(ge=0)
    other: int = Field(ge=0)
    code: int = Field(ge=0)
    share_hangul: float | None
    share_latin: float | None
    share_digit: float | None
    share_punct: float | None
    share_space: float | None
    share_other: float | None
    share_code: float | None


class FertilityFields(StrictRecord):
    """Word- and morpheme-level figures of one tokenizer on one corpus; ``en_`` fields None for a
    monolingual corpus, the morpheme fields None without the ``morph`` extra."""

    tokenizer: str
    corpus: str
    domain: str
    units: int = Field(ge=0)
    ko_tokens: int = Field(ge=0)
    ko_words: int = Field(ge=0)
    ko_distinct_words: int = Field(ge=0)
    ko_continued_words: int = Field(ge=0)
    ko_fertility: float | None
    ko_continued_share: float | None
    en_tokens: int | None
    en_words: int | None
    en_distinct_words: int | None
    en_continued_words: int | None
    en_fertility: float | None
    en_continued_share: float | None
    morphemes: int | None
    tokens_per_morpheme: float | None
    morph_analyser: str | None


class FertilityRecord(FertilityFields, TokenizerLabels):
    """``tokcost/fertility/1``."""


class DiagnosticsSummaryRow(StrictRecord):
    """``tokcost/diagnostics-summary/1``: one row per tokenizer (``tokcost.diagnostics.summary``);
    the ``text_`` fields are None when the corpus has no Hangul syllable."""

    tokenizer: str
    korean_trained: bool
    proxy_of: str | None
    corpus: str
    domain: str
    units: int = Field(ge=0)
    hangul_single_token_share: float
    ksx1001_single_token_share: float
    mean_tokens_per_syllable: float
    ksx1001_mean_tokens_per_syllable: float
    text_mean_tokens_per_syllable: float | None
    text_single_token_share: float | None
    ko_tokens: int = Field(ge=0)
    ko_words: int = Field(ge=0)
    ko_fertility: float | None
    ko_continued_share: float | None
    en_tokens: int | None
    en_words: int | None
    en_fertility: float | None
    en_continued_share: float | None
    morphemes: int | None
    tokens_per_morpheme: float | None
    morph_analyser: str | None


class InspectPiece(StrictRecord):
    """One token of ``tokcost inspect``: its id, its text as shown, its bytes in hex (None for a
    token without bytes) and its character offsets in the (normalised) text."""

    id: int
    text: str
    bytes: str | None
    byte_fallback: bool
    special: bool
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class InspectRecord(TokenizerLabels):
    """``tokcost/inspect/1``: one text on one tokenizer; ``view`` is the text as the tokenizer's
    normaliser left it (only when it changed it)."""

    tokenizer: str
    tokens: int = Field(ge=0)
    chars: int = Field(ge=0)
    bytes: int = Field(ge=0)
    chars_per_token: float | None
    byte_fallback_tokens: int = Field(ge=0)
    byte_fallback_groups: int = Field(ge=0)
    normalized: bool
    view: str | None = None
    pieces: list[InspectPiece]


class EojeolCostRecord(StrictRecord):
    """One eojeol of ``tokcost explain``: tokens over all its occurrences and how its first
    occurrence was cut (pieces joined by ``|``, ``▁`` for a space, ``⟦…⟧`` byte fallback)."""

    eojeol: str
    occurrences: int = Field(ge=1)
    tokens: int = Field(ge=0)
    tokens_per_occurrence: float
    split: str


class ExplainRecord(TokenizerLabels):
    """``tokcost/explain/1``: tokens per eojeol on one tokenizer (``eojeol_tokens +
    other_tokens == total_tokens``) and its costliest eojeol."""

    tokenizer: str
    total_tokens: int = Field(ge=0)
    eojeol: int = Field(ge=0)
    distinct_eojeol: int = Field(ge=0)
    eojeol_tokens: int = Field(ge=0)
    other_tokens: int = Field(ge=0)
    fertility: float | None
    continued_share: float | None
    top: list[EojeolCostRecord]


class SavingRecord(StrictRecord):
    """One eojeol on two tokenizers (``saved = tokens_against - tokens``)."""

    eojeol: str
    occurrences: int = Field(ge=1)
    tokens: int = Field(ge=0)
    tokens_against: int = Field(ge=0)
    saved: int
    split: str
    split_against: str


class ExplainComparison(StrictRecord):
    """``tokcost explain --against``: where ``tokenizer`` saves tokens against ``against``, in the
    envelope's ``comparisons``."""

    tokenizer: str
    against: str
    eojeol_tokens: int = Field(ge=0)
    eojeol_tokens_against: int = Field(ge=0)
    saved: int
    saved_share: float | None
    eojeol_cheaper: int = Field(ge=0)
    eojeol_dearer: int = Field(ge=0)
    top_savings: list[SavingRecord]
    top_losses: list[SavingRecord]


#: The row record of each diagnostics command's JSON ``schema``.
BY_SCHEMA: dict[str, type[Record]] = {
    "tokcost/coverage/1": CoverageRecord,
    "tokcost/normalization/1": NormalizationRecord,
    "tokcost/breakdown/1": BreakdownRecord,
    "tokcost/fertility/1": FertilityRecord,
    "tokcost/inspect/1": InspectRecord,
    "tokcost/explain/1": ExplainRecord,
    "tokcost/diagnostics-summary/1": DiagnosticsSummaryRow,
}
