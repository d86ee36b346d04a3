"""``tokcost check`` and ``tokcost diff`` rows: a baseline's metrics against the current ones.

A metric is a ko/en ratio (keyed by ``tokenizer``, ``corpus``, ``domain``) or a cost per request
or per month (keyed by ``model``, ``currency``); a row carries exactly its kind's key fields.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from tokcost.schema.base import StrictRecord

MetricKind = Literal["ratio", "cost", "budget"]
_KEYS = {"ratio": ("tokenizer", "corpus", "domain"), "money": ("model", "currency")}


class _Keyed(StrictRecord):
    metric: str = Field(description="the metric's label, e.g. 'ko/en ratio · o200k_base · samples'")
    id: str = Field(description="kind:key, e.g. 'ratio:o200k_base:samples:all'")
    kind: MetricKind
    tokenizer: str | None = None
    corpus: str | None = None
    domain: str | None = None
    model: str | None = None
    currency: str | None = None

    @model_validator(mode="after")
    def _key_fields(self) -> _Keyed:
        want = _KEYS["ratio" if self.kind == "ratio" else "money"]
        given = {k for k in ("tokenizer", "corpus", "domain", "model", "currency")
                 if getattr(self, k) is not None}
        if given != set(want):
            raise ValueError(f"a {self.kind} row is keyed by {', '.join(want)} "
                             f"(got {', '.join(sorted(given)) or 'none'})")
        return self


class CheckRecord(_Keyed):
    """One compared metric of ``tokcost check`` (``rows`` of ``tokcost/check/1``); ``regression``,
    ``over max`` and ``missing`` fail the check."""

    baseline: float | None
    current: float | None
    change_pct: float | None
    limit_pct: float | None
    max_value: float | None
    status: Literal["regression", "over max", "missing", "ok", "lower", "new"]
    passed: bool
    notes: list[str]


class PromptRecord(StrictRecord):
    """One prompt file against its token budget (``prompts`` of ``tokcost/check/1``)."""

    file: str
    model: str = Field(description="the model id, or the tokenizer spec when given directly")
    tokenizer: str
    tokens: int = Field(ge=0)
    budget: int
    chars: int = Field(ge=0)
    headroom: int
    status: Literal["ok", "over budget"]
    passed: bool


class CheckThresholds(StrictRecord):
    max_ratio_increase: float | None
    max_cost_increase: float | None
    max_ratio: float | None


class CheckDocument(StrictRecord):
    """``tokcost check -f json`` (``thresholds`` only when a baseline was compared)."""

    schema_: Literal["tokcost/check/1"] = Field(alias="schema")
    tokcost_version: str
    passed: bool
    baseline: str | None
    current: str
    wrote_baseline: bool
    thresholds: CheckThresholds | None = None
    rows: list[CheckRecord]
    prompts: list[PromptRecord]


class DiffRecord(_Keyed):
    """One metric of ``tokcost diff`` (``rows`` of ``tokcost/diff/1``); ``n/a`` when either side
    has no value."""

    old: float | None
    new: float | None
    change: float | None
    change_pct: float | None
    status: Literal["same", "up", "down", "new", "removed", "n/a"]
