"""Typed price, FX, cost and budget rows.

Field names are the shared vocabulary (price_date, price_age_days, price_confidence, price_variant,
retired, price_source, fx_rate, fx_date, fx_age_days, fx_source, tokenizer_match): a label is a
field of the row, so every renderer (table, JSON, CSV, Markdown, HTML, xlsx) carries it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from tokcost.schema.base import Row

Confidence = Literal["high", "medium", "low", "assumption"]
TokenizerMatch = Literal["exact", "presumed", "proxy", "vendor-api", "none"]


class FxRecord(BaseModel):
    """The exchange rate a money row used."""

    model_config = ConfigDict(frozen=True)

    fx_rate: float = Field(gt=0, description="KRW per USD")
    fx_date: date | None
    fx_age_days: int | None
    fx_source: str


class PriceRecord(BaseModel):
    """How one price is known: where from, how old, how sure, which variant/window."""

    model_config = ConfigDict(frozen=True)

    provider: str
    model: str
    price_source: str | None = None
    price_date: date | None = None
    price_age_days: int | None = None
    price_confidence: Confidence | None = None
    price_variant: str | None = None
    price_window: str | None = None
    retired: bool = False
    currency: str | None = None
    input: float | None = Field(default=None, ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    cache_write: float | None = Field(default=None, ge=0)
    output: float | None = Field(default=None, ge=0)
    context_window: int | None = Field(default=None, gt=0)
    input_limit: int | None = Field(default=None, gt=0)
    tokenizer: str | None = None
    tokenizer_match: TokenizerMatch = "none"
    override_reason: str | None = None

    @property
    def effective_input_limit(self) -> int | None:
        """The input limit where the vendor has one, else the context window."""
        return self.input_limit or self.context_window


Number = int | float  # a count or an amount as given (an int is not rewritten as a float)
Identity = Literal["verified", "unverified"]


class _MoneyRow(Row):
    """What cost and budget rows share: the model, its price and FX labels, how its tokens were
    counted, and the status. Unknown keys are refused (``extra="forbid"``, from :class:`Row`):
    a misspelt field fails where the row leaves :mod:`tokcost.costing`. A field the stage did not
    set is left out of the JSON form (:meth:`Row.as_row`), as the rows always were."""

    model: str
    provider: str
    currency: str = Field(description="currency of the amounts (USD or KRW)")
    listed_currency: str | None = Field(
        default=None, description="currency the price is listed in; null when unpriced")
    tokenizer: str | None = Field(default=None, description="catalog id of the model's tokenizer")
    proxy_of: str | None = Field(
        default=None, description="the tokenizer a proxy stands in for, when it is one")
    tokenizer_match: TokenizerMatch = "none"
    exactness: str | None = Field(
        default=None, description="the catalog's exactness of the tokenizer that counted")
    identity: Identity | None = Field(
        default=None, description="whether the tokenizer file's identity was verified")
    identity_method: str | None = Field(
        default=None, description="which recorded identity matched (sha256, blob, llama.cpp)")
    counted_date: str | None = Field(
        default=None, description="vendor-api: day(s) the vendor counted, YYYY-MM-DD[..YYYY-MM-DD]")
    price_source: str | None = None
    price_date: date | None = None
    price_age_days: int | None = None
    price_confidence: Confidence | None = None
    price_variant: str | None = None
    price_window: str | None = None
    price_stale: bool = Field(
        default=False, description="price older than this run's --max-price-age")
    retired: bool = False
    deprecated: date | None = Field(default=None, description="day the model was retired")
    override_reason: str | None = Field(
        default=None, description="why the hand price layer overrides genai-prices")
    fx_rate: Number | None = Field(default=None, description="KRW per USD used")
    fx_krw_per_usd: Number | None = Field(default=None, description="the same rate (kept for "
                                          "older readers)")
    fx_date: date | None = None
    fx_age_days: int | None = None
    fx_source: str | None = None
    fx_stale: bool = Field(
        default=False, description="converted at a rate older than the FX threshold")
    context_window: int | None = None
    input_limit: int | None = None
    effective_input_limit: int | None = Field(
        default=None, description="the input limit where the vendor has one, else the context "
        "window")
    context_chars_ko: int | None = Field(
        default=None, description="Korean characters that fit in the effective input limit "
        "(measured characters per token)")
    context_words_en: int | None = Field(
        default=None, description="English words that fit (measured English fertility)")
    input_tokens: int | None = Field(default=None, description="Korean input tokens per request")
    output_tokens: int | None = Field(default=None,
                                      description="Korean output tokens per request")
    premium_pct: float | None = Field(
        default=None, description="how much more Korean costs than English, in %")
    warnings: list[str] = Field(default_factory=list)
    status: str = "ok"


class CostRecord(_MoneyRow):
    """One model's per-request cost (Korean and the same content in English)."""

    name: str | None = Field(default=None, description="the model's display name")
    kind: str | None = Field(default=None, description="api or self-hosted")
    vat_included: bool = False
    cost: float | None = None
    en_cost: float | None = None
    en_input_tokens: int | None = None
    en_output_tokens: int | None = None
    output_premium: float | None = Field(
        default=None, description="Korean answer tokens per English answer token")
    output_premium_basis: str | None = Field(
        default=None, description="where output_premium comes from")
    tiers_used: list[int] | None = Field(
        default=None, description="price tiers the requests fell in (tiered prices)")
    chat_framing: str | None = Field(
        default=None, description="chat requests: where the chat framing counted in "
        "input_tokens comes from (template:<file>, vendor:openai-per-message) or 'not counted: "
        "<why>'")
    framing_tokens: float | None = Field(
        default=None, description="chat requests: mean framing tokens per request in "
        "input_tokens (Korean); null when not counted")
    en_framing_tokens: float | None = Field(
        default=None, description="the same for en_input_tokens (English)")


class BudgetRecord(_MoneyRow):
    """One model's cost over a period; ``peak_share`` set when a peak/off-peak blend was used."""

    requests: Number | None = Field(default=None, description="requests in the period")
    monthly_cost: float | None = None
    monthly_low: float | None = None
    monthly_high: float | None = None
    monthly_cost_en: float | None = None
    range_basis: str | None = Field(default=None,
                                    description="what monthly_low/monthly_high are")
    peak_share: float | None = None
    ratio: float | None = Field(default=None,
                                description="measured Korean/English ratio on the corpus")
    ratio_ci_low: float | None = None
    ratio_ci_high: float | None = None


M = TypeVar("M", bound=_MoneyRow)


def money_records(model: type[M], rows: Iterable[Mapping[str, Any]]) -> list[M]:
    """``rows`` as typed ``model`` records: the boundary where cost and budget rows leave
    :mod:`tokcost.costing`. An unknown or misspelt key, a label outside its vocabulary or a wrong
    type raises ``pydantic.ValidationError`` here, in the producer."""
    return [model.model_validate(row) for row in rows]
