"""Typed price, FX, cost and budget rows.

Field names are the shared vocabulary (price_date, price_age_days, price_confidence, price_variant,
retired, price_source, fx_rate, fx_date, fx_age_days, fx_source, tokenizer_match): a label is a
field of the row, so every renderer (table, JSON, CSV, Markdown, HTML, xlsx) carries it.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

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


class _MoneyRow(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: str
    provider: str
    currency: str
    tokenizer: str | None = None
    tokenizer_match: TokenizerMatch = "none"
    price_source: str | None = None
    price_date: date | None = None
    price_age_days: int | None = None
    price_confidence: Confidence | None = None
    price_variant: str | None = None
    price_window: str | None = None
    retired: bool = False
    fx_rate: float | None = None
    fx_date: date | None = None
    fx_age_days: int | None = None
    fx_source: str | None = None
    context_window: int | None = None
    input_limit: int | None = None
    warnings: list[str] = Field(default_factory=list)
    status: str = "ok"

    def as_row(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        return self.model_dump(mode="json")


class CostRecord(_MoneyRow):
    """One model's per-request cost (Korean and the same content in English)."""

    cost: float | None = None
    en_cost: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
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

    monthly_cost: float | None = None
    monthly_low: float | None = None
    monthly_high: float | None = None
    monthly_cost_en: float | None = None
    peak_share: float | None = None


def checked_rows(model: type[_MoneyRow], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` as they are, once each validates as ``model``: the boundary where cost and budget
    rows leave :mod:`tokcost.costing` (a label outside its vocabulary or a wrong type raises)."""
    for row in rows:
        model.model_validate(row)
    return rows
