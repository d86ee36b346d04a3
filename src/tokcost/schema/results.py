"""Typed records of what ``tokcost check`` reads from a baseline (or a results file): the rows of
``tokcost/measure/1``, ``cost/1``, ``budget/1`` and ``report/1`` documents, only the fields the
gate compares. Other fields are kept as they are (``extra="allow"``): these documents carry many
more, and a newer tokcost may add some.

These models ARE the validation of a baseline's rows; :func:`explain_results` gives the first
problem in tokcost's words (``rows[2]: ratio must be ...``).
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from tokcost.schema.checks import fail


def _amount(v: Any) -> float | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise fail(f"must be a number or null, not {v!r}", "regenerate the file")
    try:
        value = float(v)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value) or value < 0:
        raise fail(f"must be a finite number of zero or more, not {v!r}",
                   "a ratio or cost that is NaN, infinite or negative cannot be compared; "
                   "regenerate the file")
    return value


def _text(v: Any) -> str:
    if not isinstance(v, str) or not v:
        raise fail("needs a text field", "regenerate the file")
    return v


def _rows(v: Any) -> list[Any]:
    if v is None:
        return []
    if not isinstance(v, list) or not all(isinstance(r, dict) for r in v):
        raise fail("must be a list of objects", "regenerate the file")
    return v


def _dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}  # a signature that is not an object is no fact


def _status(v: Any) -> str:
    return v if isinstance(v, str) else "ok"


Text = Annotated[str, Field(min_length=1), BeforeValidator(_text)]
Amount = Annotated[float, Field(ge=0), BeforeValidator(_amount)] | None


class _Row(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class RatioRowIn(_Row):
    """A measurement row: the Korean/English ratio of one tokenizer on one corpus (and domain)."""

    tokenizer: Text
    corpus: Text
    domain: Text = "all"
    ratio: Amount = None
    monolingual: Any = None
    signature: Annotated[dict[str, Any], BeforeValidator(_dict)] = {}
    ko_tokens: Any = None
    en_tokens: Any = None
    ratio_ci_low: Any = None
    ratio_ci_high: Any = None
    tokenizer_match: Any = None
    identity: Any = None


class _MoneyIn(_Row):
    model: Text
    currency: Text
    status: Annotated[str, BeforeValidator(_status)] = "ok"
    tokenizer: Any = None
    price_date: Any = None
    input_tokens: Any = None
    output_tokens: Any = None
    tokenizer_match: Any = None
    identity: Any = None


class CostRowIn(_MoneyIn):
    """A cost row: one model's per-request cost in one currency."""

    cost: Amount = None


class BudgetRowIn(_MoneyIn):
    """A budget row: one model's monthly cost in one currency."""

    monthly_cost: Amount = None


RatioRows = Annotated[list[RatioRowIn], BeforeValidator(_rows)]
CostRows = Annotated[list[CostRowIn], BeforeValidator(_rows)]
BudgetRows = Annotated[list[BudgetRowIn], BeforeValidator(_rows)]


class _Doc(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    schema_: str = Field(alias="schema")


class MeasureDocIn(_Doc):
    """``tokcost/measure/1``."""

    rows: RatioRows = []


class CostDocIn(_Doc):
    """``tokcost/cost/1``."""

    rows: CostRows = []


class BudgetDocIn(_Doc):
    """``tokcost/budget/1``."""

    rows: BudgetRows = []


class ReportDocIn(_Doc):
    """``tokcost/report/1`` (``results.json``, a baseline written by ``check --update-baseline``)."""

    measure: RatioRows = []
    cost: CostRows = []
    budget: BudgetRows = []


DOCUMENTS: dict[str, type[_Doc]] = {"measure": MeasureDocIn, "cost": CostDocIn,
                                    "budget": BudgetDocIn, "report": ReportDocIn}


def explain_results(err: ValidationError) -> tuple[str, str | None]:
    """The first problem as (what, how to fix): ``rows[2]: ratio must be ...`` (rows from 1)."""
    e = err.errors(include_url=False)[0]
    loc = tuple(e["loc"])
    ctx = e.get("ctx") or {}
    hint = str(ctx.get("hint") or "") or None
    if len(loc) == 1:  # the list itself
        return f"{loc[0]!r} {e['msg']}", hint
    section, index, key = loc[0], loc[1], loc[-1]
    where = f"{section}[{int(index) + 1}]"
    msg = str(e["msg"])
    if msg == "needs a text field" or e["type"] == "missing":
        return f"{where}: needs a text field {key!r}", hint or "regenerate the file"
    return f"{where}: {key} {msg}", hint
