"""The measurement record: one row per tokenizer × corpus × domain (``tokcost measure -f json``)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from tokcost.schema.base import Record, Row


class Bootstrap(Record):
    resamples: int = Field(ge=0)
    seed: int
    confidence: float = Field(gt=0, lt=1)
    method: str


class Signature(Record):
    """What a result was computed from: enough to reproduce it exactly."""

    tool: Literal["tokcost"]
    version: str
    tokenizer: str
    tokenizer_file: str
    tokenizer_sha256: str
    proxy_of: str | None
    corpus: str
    corpus_sha256: str
    normalization: str
    special_tokens: str
    counter: str | None = None  # the library that counted (e.g. "fastokens 0.3.5 + tiktoken 0.14.0")
    bootstrap: Bootstrap


class MeasureRow(Row):
    """Korean/English token statistics of one tokenizer on one corpus (``domain`` ``all`` is the
    whole corpus). English fields are None for a monolingual corpus; the ratio fields are None
    when there is no English side (and the interval is None below the minimum number of pairs)."""

    tokenizer: str
    tokenizer_name: str
    korean_trained: bool
    exactness: str
    proxy_of: str | None
    identity: Literal["verified", "unverified"] = "unverified"
    identity_method: str | None = None  # which recorded identity matched (sha256, blob, llama.cpp)
    tokenizer_match: Literal["exact", "presumed", "proxy", "vendor-api", "none"] | None = None
    counted_date: str | None = None  # vendor-api: day(s) counted, YYYY-MM-DD[..YYYY-MM-DD]
    corpus: str
    domain: str
    monolingual: bool
    pairs: int = Field(ge=0)
    ko_tokens: int = Field(ge=0)
    en_tokens: int | None = Field(default=None, ge=0)
    ratio: float | None = None
    ratio_ci_low: float | None = None
    ratio_ci_high: float | None = None
    ratio_ci_note: str | None = None  # why there is no interval (too few pairs)
    ratio_sentence_mean: float | None = None
    ratio_sentence_median: float | None = None
    ratio_sentence_p10: float | None = None
    ratio_sentence_p90: float | None = None
    ko_tokens_per_sentence_mean: float | None = None
    ko_tokens_per_sentence_median: float | None = None
    ko_tokens_per_sentence_p10: float | None = None
    ko_tokens_per_sentence_p90: float | None = None
    ko_chars: int = Field(ge=0)
    ko_bytes: int = Field(ge=0)
    ko_words: int = Field(ge=0)
    ko_chars_per_token: float | None = None
    ko_bytes_per_token: float | None = None
    ko_fertility: float | None = None
    ko_byte_fallback_rate: float | None = None
    ko_unk_rate: float | None = None
    en_tokens_per_sentence_mean: float | None = None
    en_tokens_per_sentence_median: float | None = None
    en_tokens_per_sentence_p10: float | None = None
    en_tokens_per_sentence_p90: float | None = None
    en_chars: int | None = Field(default=None, ge=0)
    en_bytes: int | None = Field(default=None, ge=0)
    en_words: int | None = Field(default=None, ge=0)
    en_chars_per_token: float | None = None
    en_bytes_per_token: float | None = None
    en_fertility: float | None = None
    en_byte_fallback_rate: float | None = None
    en_unk_rate: float | None = None
    signature: Signature
    signature_string: str


class MeasureDocument(Record):
    """``tokcost measure -f json`` and ``results.json``'s measurement part."""

    model_config = ConfigDict(extra="allow", frozen=True)  # envelope metadata varies by command

    schema_: Literal["tokcost/measure/1"] = Field(alias="schema")
    tokcost_version: str
    warnings: list[str] = Field(default=[])
    rows: list[MeasureRow]
