"""Which typed records have a published JSON Schema, by name."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from tokcost.schema.catalog import CatalogIn
from tokcost.schema.config import ConfigIn
from tokcost.schema.count import CountDocument, CountRecord
from tokcost.schema.diagnostics import (
    BreakdownRecord,
    CoverageRecord,
    DiagnosticsSummaryRow,
    ExplainComparison,
    ExplainRecord,
    FertilityRecord,
    InspectRecord,
    NormalizationRecord,
)
from tokcost.schema.gate import CheckDocument, CheckRecord, DiffRecord, PromptRecord
from tokcost.schema.inputs import ChatRequestRecord
from tokcost.schema.listing import (
    CorpusListRecord,
    CorpusShowRecord,
    DriftRecord,
    FxEnvelopeRecord,
    FxListRecord,
    PriceIssueRecord,
    PriceListRecord,
    PriceShowRecord,
    TokenizerListRecord,
    TokenizerShowRecord,
    ValidateRecord,
)
from tokcost.schema.measure import MeasureDocument, MeasureRow
from tokcost.schema.pricing import BudgetRecord, CostRecord
from tokcost.schema.report import ReportDocument
from tokcost.schema.results import ReportDocIn
from tokcost.schema.tables import FeaturedIn, FxFileIn, PriceFileIn


def _models() -> dict[str, type[BaseModel]]:
    return {"measure-row": MeasureRow, "measure": MeasureDocument, "cost-row": CostRecord,
            "budget-row": BudgetRecord, "chat-request": ChatRequestRecord,
            "count-row": CountRecord, "count": CountDocument,
            "coverage-row": CoverageRecord, "normalization-row": NormalizationRecord,
            "breakdown-row": BreakdownRecord, "fertility-row": FertilityRecord,
            "diagnostics-summary-row": DiagnosticsSummaryRow,
            "inspect-row": InspectRecord, "explain-row": ExplainRecord,
            "explain-comparison": ExplainComparison,
            "tokenizers-list-row": TokenizerListRecord, "tokenizers-show": TokenizerShowRecord,
            "pricing-list-row": PriceListRecord, "pricing-show": PriceShowRecord,
            "pricing-fx-row": FxListRecord, "pricing-fx": FxEnvelopeRecord,
            "pricing-validate-row": PriceIssueRecord, "pricing-drift-row": DriftRecord,
            "corpora-list-row": CorpusListRecord, "corpora-show-row": CorpusShowRecord,
            "validate-row": ValidateRecord,
            "check-row": CheckRecord, "check-prompt-row": PromptRecord, "check": CheckDocument,
            "diff-row": DiffRecord, "report": ReportDocument,
            "price-table": PriceFileIn, "fx": FxFileIn, "featured": FeaturedIn, "config": ConfigIn,
            "baseline": ReportDocIn, "catalog": CatalogIn}


SCHEMAS = tuple(_models())


def schema_of(name: str) -> dict[str, Any]:
    model = _models()[name]
    doc = model.model_json_schema(by_alias=True)
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema",
           "$id": f"https://github.com/tokcost/tokcost/docs/schemas/{name}.schema.json", **doc}
    return doc


def schema_text(name: str) -> str:
    return json.dumps(schema_of(name), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
