"""The listings: ``tokcost tokenizers list|show``, ``tokcost pricing list|show|fx`` and
``tokcost corpora list|show`` rows (and the ``tokenizers show``, ``pricing show`` and ``pricing
fx`` envelopes), as the library makes them (``tokcost.tokenizers.listing``,
``tokcost.pricing.listing``, ``tokcost.corpora.listing``) and the commands write them;
``tokcost pricing validate`` rows (``tokcost.pricing.tables.Issue.as_dict``), ``tokcost pricing
drift`` rows (``tokcost.pricing.drift.DriftRow.as_dict``) and ``tokcost validate`` rows
(``tokcost.reproduce.validate_rows``)."""

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
    identity: Literal["verified", "unverified"] | None = Field(
        default=None, description="whether the file found is the one the catalog records "
        "(None when none is found)")
    tokenizer_match: TokenizerMatch | None = Field(
        default=None, description="how counts with the file found stand for the entry's "
        "models: exact, presumed (an unverified file is never exact), proxy, none")


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
    identity_method: str | None
    identity_reason: str | None
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


class FxRateRecord(StrictRecord):
    """A KRW/USD exchange rate with its provenance, as ``tokcost pricing fx`` (its ``used``) and
    ``pricing show`` (its ``fx``) write it."""

    krw_per_usd: float = Field(gt=0, description="KRW per USD")
    date: str | None = Field(description="the day the rate was quoted (YYYY-MM-DD); None for an "
                             "undated --fx override")
    source: str = Field(description="where the rate comes from ('--fx override' for --fx)")
    confidence: Literal["high", "medium", "low", "user"] = Field(
        description="high, medium or low for a rate of the tables; user for --fx")
    default: bool = Field(description="the rate used when no date or --fx is given")
    notes: str = Field(description="notes of the table row ('' when none)")


class FxListRecord(FxRateRecord):
    """``tokcost/pricing-fx/1``: one KRW/USD rate tokcost knows (the tables' rates, then the
    --fx override when one is given) and whether it is the one used."""

    used: bool = Field(description="the rate the command converts with")


class MoneyRecord(StrictRecord):
    """An amount of money in one currency."""

    amount: float = Field(description="the amount")
    currency: Literal["USD", "KRW"] = Field(description="its currency")
    vat_included: bool = Field(description="whether 10 % Korean VAT is included (--vat)")


class FxConversionRecord(StrictRecord):
    """``pricing fx --amount``: the amount given and what it is in the other currency."""

    from_: MoneyRecord = Field(alias="from", description="the amount as given (--amount, --from)")
    to: MoneyRecord = Field(description="the amount converted at the rate used")


class FxEnvelopeRecord(StrictRecord):
    """``tokcost/pricing-fx/1``: the envelope's fields (its ``rows`` are
    :class:`FxListRecord`)."""

    as_of: str | None = Field(description="the day the rate is looked up for (--as-of, "
                              "YYYY-MM-DD); None: the default rate")
    used: FxRateRecord = Field(description="the rate the command converts with")
    conversion: FxConversionRecord | None = Field(
        default=None, description="only with --amount: the amount and its conversion")


class PriceShowRecord(StrictRecord):
    """``tokcost/pricing-show/1``: the envelope's fields, the model header (its ``rows`` are
    :class:`PriceListRecord`, one per price row of the model)."""

    provider: str = Field(description="provider id (e.g. openai, naver, self-hosted)")
    model: str = Field(description="model id")
    name: str = Field(description="display name")
    tokenizer: str | None = Field(description="catalog id of the model's tokenizer; None when "
                                  "unknown (extra sources only)")
    tokenizer_confidence: str = Field(description="how sure the tables are of the tokenizer")
    tokenizer_note: str = Field(description="what is known of the tokenizer ('' when nothing)")
    context_window: int | None = Field(description="total context window in tokens, if known")
    deprecated: str | None = Field(description="the day the model is deprecated or retired "
                                   "(YYYY-MM-DD), or None")
    aliases: list[str] = Field(description="other ids the model is found by")
    kind: str = Field(description="api (a published price), self-hosted (derived from "
                      "assumptions) or extra (an opt-in extra source)")
    tokenizer_match: TokenizerMatch = Field(description="label: how the model's tokens are "
                                            "counted")
    input_limit: int | None = Field(description="the vendor's input-token limit, if it has one")
    retired: bool = Field(description="label: marked deprecated by the source (no date known)")
    price_source: str = Field(description="label: where the model's prices come from (a hand "
                              "file, 'genai-prices X.Y.Z', …)")
    override_reason: str | None = Field(description="why a hand entry overrides the maintained "
                                        "source, or None")
    citation: str | None = Field(description="where the override's or drift reason's claim "
                                 "comes from, or None")
    as_of: str = Field(description="the day the prices are looked up for (YYYY-MM-DD)")
    currency: str | None = Field(description="the currency asked for (--currency); None: as "
                                 "published")
    vat_included: bool = Field(description="whether 10 % Korean VAT was added (--vat)")
    fx: FxRateRecord | None = Field(description="the KRW/USD rate used to convert; None when "
                                    "no currency or --fx was given")
    price_in_force: PriceListRecord = Field(description="the row used on as_of (status "
                                            "unpriced when none is in force)")


class PriceIssueRecord(StrictRecord):
    """``tokcost/pricing-validate/1``: one problem found in the price tables, as one line
    (``file:line: message (hint)``)."""

    severity: Literal["error", "warning"] = Field(description="an error makes the command exit "
                                                  "1; a warning does not")
    file: str = Field(description="the price or rate file the problem is in")
    line: int | None = Field(ge=1, description="1-based line of the offending table or key; "
                             "None when the problem has no line (a missing file)")
    message: str = Field(description="what is wrong")
    hint: str | None = Field(description="how to fix it, or None")


class DriftRecord(StrictRecord):
    """``tokcost/pricing-drift/1``: one hand-kept model compared with one other source
    (genai-prices, LiteLLM's price map, LiteLLM's input limit)."""

    provider: str = Field(description="provider id of the hand entry")
    model: str = Field(description="model id of the hand entry")
    against: str = Field(description="the other source and its version; '(input limit)' when "
                         "the input limit is compared")
    status: Literal["match", "explained", "only-here", "differs"] = Field(
        description="differs (unexplained; the command exits 1), explained (the hand entry "
        "says why), only-here (no other price to compare) or match")
    ours: str = Field(description="the hand price (input / cached / output per 1M tokens and "
                      "currency) or input limit")
    theirs: str = Field(description="the other source's, in the same form ('—' when none)")
    reason: str = Field(description="why it differs, with its citation ('' when nothing to "
                        "explain)")


class CorpusShowRecord(StrictRecord):
    """``tokcost/corpora-show/1``: one pair of a corpus, as read (and NFC-normalized with
    --normalize nfc)."""

    id: str = Field(description="the pair's id (its id field, else its line number)")
    domain: str | None = Field(description="the pair's domain, or None")
    ko: str = Field(description="the Korean text")
    en: str | None = Field(description="the English text; None for a Korean-only corpus")
