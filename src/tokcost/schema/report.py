"""The report document, ``results.json`` (``tokcost/report/1``, ``tokcost report``).

``measure`` holds the published measure rows; ``cost`` and ``budget`` the published cost and
budget rows with the report's own per-batch figures and labels (:class:`ReportCostRecord`,
:class:`ReportBudgetRecord`); the other sections are typed here, one model each.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tokcost.schema.base import StrictRecord
from tokcost.schema.diagnostics import DiagnosticsSummaryRow
from tokcost.schema.measure import MeasureRow
from tokcost.schema.pricing import BudgetRecord, Confidence, CostRecord, TokenizerMatch

IsoDate = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")


class ReportCostRecord(CostRecord):
    """A ``tokcost/cost/1`` row as the report shows it: the cost of a batch of requests, and
    the labels the report adds from the catalog and the price tables."""

    korean_trained: bool = Field(description="the tokenizer was trained with Korean in mind")
    requests: int = Field(gt=0, description="requests in a batch (cost_per_batch)")
    cost_per_batch: float | None = Field(description="cost × requests; null when not costed")
    en_cost_per_batch: float | None = Field(description="en_cost × requests")
    premium_basis: Literal["requests"] = Field(
        description="the premium compares the requests' Korean and English versions")
    tokenizer_confidence: str | None = Field(
        default=None, description="the price table's confidence in the model → tokenizer match")
    assumption: Literal["self-hosted"] | None = Field(
        description="self-hosted: the price is an assumed GPU cost, not a list price")


class ReportBudgetRecord(BudgetRecord):
    """A ``tokcost/budget/1`` row as the report shows it, with the labels the report adds."""

    kind: str | None = Field(description="api or self-hosted (from the price tables)")
    korean_trained: bool = Field(description="the tokenizer was trained with Korean in mind")
    premium_basis: Literal["corpus"] = Field(
        description="the premium comes from the measured ratio on premium_corpus")
    premium_corpus: str = Field(description="the corpus whose measured ratio scales the budget")
    tokenizer_confidence: str | None = Field(
        default=None, description="the price table's confidence in the model → tokenizer match")
    assumption: Literal["self-hosted"] | None = Field(
        description="self-hosted: the price is an assumed GPU cost, not a list price")


class BudgetSettings(StrictRecord):
    """The workload the budget rows price."""

    requests_per_day: float
    days: int
    input_chars: int
    output_chars: int
    requests_per_month: float
    corpus: str = Field(description="the corpus whose measured ratio scales the budget")
    source: str = Field(description="where the workload came from: defaults, flags, tokcost.toml")
    shortlist: list[str] = Field(description="the headline's models")
    shortlist_given: bool


class MeasureSettings(StrictRecord):
    special: bool
    resamples: int = Field(ge=0)
    seed: int
    confidence: float = Field(gt=0, lt=1)
    by_domain: bool


class DiagnosticsSampling(StrictRecord):
    """How the diagnostics corpus was read: whole, or a uniform sample of it."""

    method: Literal["whole corpus", "uniform reservoir sample"]
    seed: int | None
    sample_pairs: int = Field(ge=0)
    corpus_pairs: int = Field(ge=0)


class ReportSettings(StrictRecord):
    corpora: list[str]
    tokenizers: list[str]
    models: list[str] | Literal["all"]
    requests: str
    requests_in_file: int = Field(ge=0)
    requests_per_batch: int = Field(gt=0)
    output_tokens: int = Field(ge=0)
    as_of: str = IsoDate
    fx_krw_per_usd: float | None
    vat: bool
    budget: BudgetSettings
    measure: MeasureSettings
    diagnostics: DiagnosticsSampling | None = Field(description="None: --no-diagnostics")


class StalePrice(StrictRecord):
    model: str
    price_date: str | None
    price_age_days: int


class StaleFx(StrictRecord):
    fx_rate: float | None
    fx_date: str | None
    fx_age_days: int | None
    threshold_days: int


class ReportSummary(StrictRecord):
    """The facts the plain-words summary states. The ratio facts are absent without a measured
    ratio, the English-centric / Korean-trained ones without such a tokenizer, the cheapest /
    dearest ones without a USD cost."""

    corpus: str | None
    lowest_ratio_tokenizer: str | None = None
    lowest_ratio: float | None = None
    highest_ratio_tokenizer: str | None = None
    highest_ratio: float | None = None
    english_centric_ratio_min: float | None = None
    english_centric_ratio_max: float | None = None
    english_centric_premium_pct_min: float | None = None
    english_centric_premium_pct_max: float | None = None
    english_centric_tokenizers: int | None = None
    korean_trained_ratio_min: float | None = None
    korean_trained_ratio_max: float | None = None
    korean_trained_tokenizers: int | None = None
    claim_347_ratio_needed: float | None = None
    claim_347_max_ratio_ci_high: float | None = None
    claim_347_max_tokenizer: str | None = None
    claim_347_holds: bool | None = None
    claim_347_loose_ratio: float | None = None
    claim_347_loose_reached_by: list[str] | None = None
    cheapest_model: str | None = None
    cheapest_provider: str | None = None
    cheapest_tokenizer: str | None = None
    cheapest_cost_usd_per_batch: float | None = None
    cheapest_kind: str | None = None
    cheapest_api_model: str | None = None
    cheapest_api_provider: str | None = None
    cheapest_api_cost_usd_per_batch: float | None = None
    dearest_model: str | None = None
    dearest_cost_usd_per_batch: float | None = None
    models_priced: int = Field(ge=0)
    models_not_costed: list[str]
    price_age_threshold_days: int
    stale_prices: list[StalePrice]
    stale_fx: StaleFx | None


class HeadlineRow(StrictRecord):
    """The page's first answer: one shortlisted model's monthly cost, USD and KRW, Korean and
    English, with the range (fields of its budget rows; None where a row lacks one)."""

    model: str
    provider: str | None
    tokenizer: str | None
    korean_trained: bool | None
    requests: float | None
    input_tokens: int | None
    output_tokens: int | None
    premium_pct: float | None
    premium_basis: str | None
    premium_corpus: str | None
    status: str | None
    kind: str | None
    tokenizer_match: TokenizerMatch | None
    identity: Literal["verified", "unverified"] | None = Field(
        default=None, description="whether the tokenizer file counted with is the catalog's")
    identity_method: str | None = None
    tokenizer_confidence: str | None
    price_source: str | None
    price_date: str | None
    price_age_days: int | None
    price_confidence: Confidence | None
    price_variant: str | None
    retired: bool | None
    assumption: Literal["self-hosted"] | None
    deprecated: str | None
    monthly_usd: float | None
    monthly_low_usd: float | None
    monthly_high_usd: float | None
    monthly_en_usd: float | None
    monthly_krw: float | None
    monthly_low_krw: float | None
    monthly_high_krw: float | None
    monthly_en_krw: float | None


class ReportDiagnosticsRow(DiagnosticsSummaryRow):
    """A ``tokcost/diagnostics-summary/1`` row and how much of the corpus it was computed on."""

    sample_pairs: int = Field(ge=0)
    corpus_pairs: int = Field(ge=0)


class Sample(StrictRecord):
    """A pair shown in the token-boundary view."""

    id: str
    domain: str | None
    ko: str
    en: str | None


class TokenGroup(StrictRecord):
    text: str
    tokens: int = Field(ge=0)
    byte_fallback: bool
    special: bool


class BoundaryRow(StrictRecord):
    """One sample's Korean as one tokenizer splits it."""

    sample: str
    domain: str | None
    tokenizer: str
    tokens: int = Field(ge=0)
    byte_fallback_tokens: int = Field(ge=0)
    groups: list[TokenGroup]


class ReportDocument(StrictRecord):
    """``results.json``: every number a report shows."""

    schema_: Literal["tokcost/report/1"] = Field(alias="schema")
    lang: Literal["en", "ko"]
    tokcost_version: str
    generated: str = Field(description="UTC time, ISO 8601")
    settings: ReportSettings
    summary: ReportSummary
    headline: list[HeadlineRow]
    measure: list[MeasureRow]
    cost: list[ReportCostRecord]
    budget: list[ReportBudgetRecord]
    diagnostics: list[ReportDiagnosticsRow]
    samples: list[Sample]
    boundaries: list[BoundaryRow]
    warnings: list[str]
