"""The listings: ``tokcost tokenizers list|show``, ``tokcost pricing list|show`` and
``tokcost corpora list`` rows, as the library makes them (``tokcost.tokenizers.listing``,
``tokcost.pricing.listing``, ``tokcost.corpora.listing``) and the commands write them, and
``tokcost validate`` rows (``tokcost.reproduce.validate_rows``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from tokcost.schema.base import StrictRecord

TokenizerMatch = Literal["exact", "presumed", "proxy", "vendor-api", "none"]


class TokenizerListRecord(StrictRecord):
    """``tokcost/tokenizers-list/1``: one catalog entry and where its files resolve from
    (``available`` False and no ``source`` when it is not on this machine)."""

    id: str
    name: str
    vendor: str
    country: str
    korean_trained: bool
    backend: str
    exactness: str
    proxy: str | None
    models: list[str]
    repo: str | None
    encoding: str | None
    licence: str
    available: bool
    source: str | None = Field(description="where the file was found (mirror, cache, bundled, "
                               "a path), 'not published' for a vendor-API entry, or None")
    path: str | None
    sha256: str | None


class ResolutionStep(StrictRecord):
    """One place a tokenizer's file is looked for, in order."""

    step: str
    path: str
    found: bool
    note: str | None
    sha256_matches: bool | None


class TokenizerShowRecord(TokenizerListRecord):
    """``tokcost/tokenizers-show/1``: the envelope's fields (its ``rows`` are ``resolution``)."""

    note: str
    refs: list[str]
    catalog_sha256: str | None
    sha256_verified: bool | None
    identity: Literal["verified", "unverified"] | None
    identity_method: str | None
    identity_reason: str | None
    tokenizer_match: TokenizerMatch | None
    resolution: list[ResolutionStep]


class PriceListRecord(StrictRecord):
    """``tokcost/pricing-list/1`` (and each row of ``tokcost/pricing-show/1``): one model and one
    price row per 1,000,000 tokens, in the currency shown; ``status`` ``unpriced`` (every price
    None, never 0) when no row is in force on the date."""

    provider: str
    model: str
    name: str
    tokenizer: str | None
    currency: str | None
    input: float | None
    cached_input: float | None
    output: float | None
    effective: str | None
    end: str | None
    source: str | None
    confidence: str | None
    variant: str | None
    default: bool
    cache_write: float | None
    batch_discount: float | None
    tiers: list[dict[str, Any]]
    listed_currency: str | None
    kind: str
    deprecated: str | None
    status: Literal["priced", "unpriced"]
    vat_included: bool
    self_hosted: dict[str, Any] | None
    notes: str
    tokenizer_match: TokenizerMatch
    context_window: int | None
    input_limit: int | None
    retired: bool
    override_reason: str | None
    citation: str | None
    price_source: str | None
    price_date: str | None
    price_age_days: int | None
    price_confidence: str | None
    price_variant: str | None
    price_window: str | None
    # pricing show only: the row's place in the tables
    in_force: bool | None = None
    used: bool | None = None
    file: str | None = None
    line: int | None = None
    snapshots: list[str] | None = None


class CorpusListRecord(StrictRecord):
    """``tokcost/corpora-list/1``: one shipped corpus, or one domain of it."""

    name: str = Field(description="what --corpus takes: samples, samples/DOMAIN, requests")
    corpus: str
    domain: str = Field(description="the domain, 'all' for the whole corpus, 'chat-requests'")
    pairs: int = Field(ge=0, description="pairs (requests for the chat requests)")


class ValidateRecord(StrictRecord):
    """``tokcost/validate/1``: a published FLORES-200 token count against tokcost's."""

    tokenizer: str
    split: str
    method: Literal["joined", "per sentence"]
    published_ko: int = Field(ge=0)
    published_en: int = Field(ge=0)
    tokcost_ko: int = Field(ge=0)
    tokcost_en: int = Field(ge=0)
    published_ratio: float
    tokcost_ratio: float | None
    match: bool
    source: str
