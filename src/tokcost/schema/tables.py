"""Typed records of the hand price tables (``pricing/<provider>.toml``, user ``--pricing`` files)
and of the KRW/USD rates (``pricing/fx.toml``, ``[[rate]]`` rows in any table file).

These models ARE the validation of those files: unknown keys are refused, every value is checked
for type and range, and the rules within one table (end after effective, default needs a variant,
no overlapping rows, one default rate ...) are validators here. :func:`explain_table` turns each
pydantic error into tokcost's words: ``(where, what, how to fix)``, where ``where`` is the path to
the offending table (``("model", 2, "price", 0)``) so the loader can point at its line.

Rules that need other files (an unknown tokenizer id, genai-prices overrides, aliases across
providers, defaults across layers) stay in :mod:`tokcost.pricing.tables`.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from tokcost.pricing.fx import CURRENCIES
from tokcost.pricing.records import CONFIDENCE, TOKENIZER_CONFIDENCE
from tokcost.schema.checks import choice as _choice
from tokcost.schema.checks import fail
from tokcost.schema.checks import flag as _flag
from tokcost.schema.checks import string as _string
from tokcost.schema.checks import text as _text
from tokcost.tokenizers.families import TOKENIZER_MATCH

MAINTAINED = "genai-prices"
RATE_CONFIDENCE = ("high", "medium", "low")
SCHEMA_VERSION = 1
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


_fail = fail


# --------------------------------------------------------------------------- value types
def _date(value: Any) -> Date:
    if isinstance(value, datetime) or not isinstance(value, Date):
        raise _fail(f"must be a TOML date like 2026-01-31, got {value!r}",
                    "write the date unquoted, without a time")
    return value


#: The largest price, rate or count a table may hold: anything above is a typo (and 1e308, though
#: finite, makes every cost overflow to inf). The CLI's options have the same bound.
MAX_NUMBER = 1e15


def _number(allow_zero: bool) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            raise _fail(f"must be a number, got {value!r}", "write a number, e.g. 2.5")
        if value < 0:
            raise _fail(f"is negative ({value})", "prices and rates are never negative")
        if value > MAX_NUMBER:  # 1e308 is finite, but its costs overflow to inf
            raise _fail(f"= {value:g} is absurdly large (at most {MAX_NUMBER:g})",
                        "write the price per 1,000,000 tokens (or the rate) as published")
        if value == 0 and not allow_zero:
            raise _fail("is 0", "0 is not a price: omit the key (or the model) when no price "
                        "is published")
        return float(value)
    return check


def _positive_int(example: str) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _fail(f"must be a positive integer, got {value!r}", f"e.g. {example}")
        return value
    return check


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise _fail(f"must be a fraction between 0 and 1, got {value!r}",
                    "0.5 means 50 % off with the batch API")
    return float(value)


def _strings(what: str) -> Callable[[Any], list[str]]:
    def check(value: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(s, str) and s for s in value):
            raise _fail(f"must be a list of {what}", f'write ["...", "..."] ({what})')
        return list(value)
    return check


def _tables(header: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise _fail("must be an array of tables", f"write {header}")
        return value
    return check


Day = Annotated[Date, BeforeValidator(_date)]
Price = Annotated[float, Field(gt=0, description="per 1,000,000 tokens"),
                  BeforeValidator(_number(False))]
Positive = Annotated[float, Field(gt=0), BeforeValidator(_number(False))]
ZeroOk = Annotated[float, Field(ge=0), BeforeValidator(_number(True))]
Text = Annotated[str, Field(min_length=1), BeforeValidator(_text)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Currency = Annotated[Literal["USD", "KRW"], BeforeValidator(_choice(CURRENCIES))]
Confidence = Annotated[Literal["high", "medium", "low", "assumption"],
                       BeforeValidator(_choice(CONFIDENCE))]
RateConfidence = Annotated[Literal["high", "medium", "low"],
                           BeforeValidator(_choice(RATE_CONFIDENCE))]
TokConfidence = Annotated[Literal["high", "medium", "low"],
                          BeforeValidator(_choice(TOKENIZER_CONFIDENCE))]
Match = Annotated[Literal["exact", "presumed", "proxy", "vendor-api", "none"],
                  BeforeValidator(_choice(TOKENIZER_MATCH))]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# --------------------------------------------------------------------------- tables
class TierIn(_Table):
    """``[[model.price.tier]]``: the price of the whole request above a prompt length."""

    above_input_tokens: Annotated[int, Field(gt=0),
                                  BeforeValidator(_positive_int("above_input_tokens = 200000"))]
    input: Price
    output: Price
    cached_input: Price | None = None
    cache_write: ZeroOk | None = None


class PriceIn(_Table):
    """``[[model.price]]``: one dated, cited price row (``end`` exclusive)."""

    effective: Day
    end: Day | None = None
    variant: Text | None = None
    default: Flag = False
    currency: Currency
    input: Price
    output: Price
    cached_input: Price | None = None
    cache_write: ZeroOk | None = None
    batch_discount: Annotated[float, Field(gt=0, lt=1), BeforeValidator(_fraction)] | None = None
    source: Text
    snapshots: Annotated[list[str], BeforeValidator(_strings("strings"))] = []
    confidence: Confidence
    notes: Annotated[str, BeforeValidator(_string)] = ""
    tier: Annotated[list[TierIn], BeforeValidator(_tables("[[model.price.tier]]"))] = []

    @model_validator(mode="after")
    def _rules(self) -> PriceIn:
        if self.end is not None and self.end <= self.effective:
            raise _fail(f"end {self.end} is not after effective {self.effective}",
                        "end is exclusive, the first day the row no longer applies; it must be "
                        "later than effective")
        if self.default and self.variant is None:
            raise _fail("default = true on a row without a variant",
                        'default only picks among variant rows; remove it or add variant = "..."')
        above = [t.above_input_tokens for t in self.tier]
        if len(set(above)) != len(above):
            raise _fail("two tiers share above_input_tokens", "give each tier its own threshold")
        return self


class SelfHostedIn(_Table):
    """``[model.self_hosted]``: a price derived from GPU cost and throughput."""

    effective: Day
    gpu: Text
    gpu_count: Annotated[int, Field(gt=0), BeforeValidator(_positive_int("gpu_count = 4"))]
    gpu_hourly_usd: Positive
    output_tokens_per_s: Positive
    prompt_tokens_per_s: Positive
    serving: Annotated[str, BeforeValidator(_string)] = ""
    source: Text
    confidence: Confidence
    notes: Annotated[str, BeforeValidator(_string)] = ""


def _span(row: PriceIn) -> str:
    return f"{row.effective}..{row.end.isoformat() if row.end else 'open'}"


class ModelIn(_Table):
    """``[[model]]``: a model with dated price rows, a self-hosted spec, or an override of
    genai-prices (``overrides = "genai-prices"``, metadata and a citation only).

    In a shipped table (validation context ``{"shipped": True}``) a model that overrides nothing
    needs ``name``, ``tokenizer`` and ``tokenizer_confidence``."""

    id: Text
    name: Text | None = None
    tokenizer: Text | None = None
    tokenizer_confidence: TokConfidence | None = None
    tokenizer_note: Text | None = None
    tokenizer_match: Match | None = None
    context_window: Annotated[int, Field(gt=0), BeforeValidator(
        _positive_int("context_window = 128000"))] | None = None
    input_limit: Annotated[int, Field(gt=0), BeforeValidator(
        _positive_int("input_limit = 100000"))] | None = None
    deprecated: Day | None = None
    aliases: Annotated[list[str], BeforeValidator(_strings("model ids"))] | None = None
    overrides: Annotated[Literal["genai-prices"], BeforeValidator(_choice((MAINTAINED,)))] | None \
        = None
    override_reason: Text | None = None
    drift_reason: Text | None = None
    citation: Text | None = None
    alias_of: Text | None = None
    price: Annotated[list[PriceIn], BeforeValidator(_tables("[[model.price]]"))] | None = None
    self_hosted: SelfHostedIn | None = None

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> ModelIn:
        fix = f'add overrides = "{MAINTAINED}"'
        if self.overrides is not None and self.override_reason is None:
            raise _fail("missing override_reason", 'add override_reason = "..."')
        if self.overrides is None and self.override_reason is not None:
            raise _fail("override_reason without overrides", fix)
        if self.overrides is not None or self.drift_reason is not None:
            if self.citation is None:  # an override (or an explained drift) says where from
                raise _fail("missing citation", 'add citation = "<url or document>"')
        elif self.citation is not None:
            raise _fail("citation without overrides or drift_reason",
                        f"{fix} and override_reason, or drift_reason")
        if self.alias_of is not None and self.overrides is None:
            raise _fail("alias_of is an override", fix)
        if info.context and info.context.get("shipped") and self.overrides is None:
            for key in ("name", "tokenizer", "tokenizer_confidence"):
                if getattr(self, key) is None:
                    raise _fail(f"missing {key}", f'add {key} = "..."')
        if self.price is not None and self.self_hosted is not None:
            raise _fail("has both [[model.price]] rows and [model.self_hosted]",
                        "a model is either priced by its provider or self-hosted; split it in two")
        if self.price is None and self.self_hosted is None and self.overrides is None:
            raise _fail("no [[model.price]] rows",
                        "add at least one dated [[model.price]] (or [model.self_hosted]), or "
                        "leave the model out: an unpriced model is never priced at 0")
        by_variant: dict[str | None, list[tuple[int, PriceIn]]] = {}
        for j, row in enumerate(self.price or []):
            by_variant.setdefault(row.variant, []).append((j, row))
        for variant, group in by_variant.items():
            group.sort(key=lambda jr: jr[1].effective)
            for (_, a), (jb, b) in itertools.pairwise(group):
                if a.end is None or a.end > b.effective:
                    label = f" (variant {variant})" if variant else ""
                    raise _fail(f"price rows overlap{label}: {_span(a)} and {_span(b)}",
                                f"give the earlier row end = {b.effective}", ("price", jb))
        return self


class RateIn(_Table):
    """``[[rate]]``: a dated KRW/USD exchange rate; one rate is ``default = true``."""

    date: Day
    krw_per_usd: Positive
    source: Text
    confidence: RateConfidence
    default: Flag = False
    notes: Annotated[str, BeforeValidator(_string)] = ""


def _check_schema(data: Any) -> Any:
    if isinstance(data, dict) and data.get("schema") != SCHEMA_VERSION:
        raise _fail(f"schema must be {SCHEMA_VERSION}, got {data.get('schema')!r}",
                    f"put schema = {SCHEMA_VERSION} at the top")
    return data


def _check_rates(rates: Sequence[RateIn]) -> None:
    defaults = [i for i, r in enumerate(rates) if r.default]
    if len(defaults) > 1:
        raise _fail(f"{len(defaults)} rates have default = true",
                    "mark exactly one rate default", ("rate", defaults[1]))
    dates = [r.date for r in rates]
    for i, d in enumerate(dates):
        if d in dates[:i]:
            raise _fail(f"rate {d}: listed twice", "keep one rate per date", ("rate", i))


Rates = Annotated[list[RateIn], BeforeValidator(_tables("[[rate]]"))]


class FxFileIn(_Table):
    """``pricing/fx.toml``: dated KRW/USD rates, exactly one of them ``default = true``."""

    schema_: Literal[1] = Field(alias="schema")
    rate: Rates

    @model_validator(mode="before")
    @classmethod
    def _version(cls, data: Any) -> Any:
        return _check_schema(data)

    @model_validator(mode="after")
    def _rules(self) -> FxFileIn:
        _check_rates(self.rate)
        if not any(r.default for r in self.rate):
            raise _fail("no [[rate]] has default = true", "mark exactly one rate default")
        return self


class PriceFileIn(_Table):
    """A price table file: ``pricing/<provider>.toml`` or a user ``--pricing`` file (which may
    also hold ``[[rate]]`` rows). Validation context: ``shipped`` (bool) and ``stem`` (the file
    name without ``.toml``, which a shipped table's provider must equal)."""

    schema_: Literal[1] = Field(alias="schema")
    provider: Text | None = None
    provider_name: Annotated[str, BeforeValidator(_string)] | None = None
    pricing_url: Annotated[str, BeforeValidator(_string)] | None = None
    model: Annotated[list[ModelIn], BeforeValidator(_tables("[[model]]"))] | None = None
    rate: Rates = []

    @model_validator(mode="before")
    @classmethod
    def _version(cls, data: Any) -> Any:
        return _check_schema(data)

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> PriceFileIn:
        ctx = info.context or {}
        _check_rates(self.rate)
        if self.model is None and self.provider is None:
            if not self.rate:
                raise _fail("no [[model]] and no [[rate]] entries",
                            'a price file needs provider = "..." and [[model]] tables')
            return self
        if self.provider is None:
            raise _fail("missing provider", 'add provider = "..."')
        if not _SLUG.match(self.provider):
            raise _fail(f"provider {self.provider!r} is not a lowercase slug",
                        "use e.g. provider = \"openai\" (lowercase letters, digits, '-')")
        if ctx.get("shipped") and self.provider != ctx.get("stem"):
            raise _fail(f"provider {self.provider!r} does not match the file name "
                        f"{ctx.get('stem')}.toml", f"name the file {self.provider}.toml")
        if ctx.get("shipped") and not self.provider_name:
            raise _fail("missing provider_name", 'add provider_name = "Display Name"')
        ids = [m.id for m in self.model or []]
        for i, mid in enumerate(ids):
            if mid in ids[:i]:
                raise _fail(f"model {mid}: listed twice in this file",
                            "merge the two [[model]] entries", ("model", i))
        return self


class FeaturedIn(_Table):
    """``pricing/featured.toml``: the model ids used when no ``--model`` is given."""

    schema_: Literal[1] = Field(default=1, alias="schema")
    models: Annotated[list[str], BeforeValidator(_strings("model ids"))] = []


@dataclass
class Parts:
    """What a table file holds, once valid: its provider, models and rates (with their index in
    the file, for line numbers)."""

    provider: str | None = None
    name: str | None = None
    url: str | None = None
    models: list[tuple[int, ModelIn]] = field(default_factory=list)
    rates: list[tuple[int, RateIn]] = field(default_factory=list)


def parts(typed: PriceFileIn | FxFileIn | None, doc: dict[str, Any], shipped: bool) -> Parts:
    """The parts of a validated file; for a file that failed validation (``typed`` None), the
    models and rates that are valid on their own and the provider as written, so that
    ``pricing validate`` can still report cross-file problems of the rest."""
    if isinstance(typed, FxFileIn):
        return Parts(rates=list(enumerate(typed.rate)))
    if typed is not None:
        return Parts(typed.provider, typed.provider_name, typed.pricing_url,
                     list(enumerate(typed.model or [])), list(enumerate(typed.rate)))
    out = Parts()
    for i, raw in enumerate(_list(doc.get("model"))):
        with contextlib.suppress(ValidationError):  # reported by the whole-file validation
            out.models.append((i, validate_model(raw, shipped=shipped)))
    for i, raw in enumerate(_list(doc.get("rate"))):
        with contextlib.suppress(ValidationError):
            out.rates.append((i, RateIn.model_validate(raw)))
    prov, name, url = doc.get("provider"), doc.get("provider_name"), doc.get("pricing_url")
    out.provider = prov if isinstance(prov, str) and _SLUG.match(prov) else None
    out.name = name if isinstance(name, str) else None
    out.url = url if isinstance(url, str) else None
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


# --------------------------------------------------------------------------- errors
_CLASSES: dict[str, type[_Table]] = { "model": ModelIn, "price": PriceIn,
                                     "tier": TierIn, "self_hosted": SelfHostedIn, "rate": RateIn}


def _keys(cls: type[BaseModel]) -> list[str]:
    return sorted(f.alias or name for name, f in cls.model_fields.items())


def _table_of(path: tuple[int | str, ...]) -> str:
    """The kind of table a location path ends in (``("model", 0, "price", 1)`` → ``price``)."""
    names = [p for p in path if isinstance(p, str)]
    return names[-1] if names else ""


def _label(doc: Any, path: tuple[int | str, ...]) -> str:
    """How tokcost names the table at ``path``: ``model gpt-4o``, ``model gpt-4o: tier 2``,
    ``model gpt-4o: self_hosted``, ``rate 2026-01-02`` (price rows are named by their model;
    the line number says which row)."""
    label = ""
    node = doc
    for k, p in enumerate(path):
        node = node.get(p) if isinstance(node, dict) and isinstance(p, str) else \
            node[p] if isinstance(node, list) and isinstance(p, int) and p < len(node) else None
        if not isinstance(p, int):
            if p == "self_hosted":
                label += ": self_hosted"
            continue
        kind = path[k - 1]
        raw = node if isinstance(node, dict) else {}
        if kind == "model":
            mid = raw.get("id")
            label = f"model {mid}" if isinstance(mid, str) and mid.strip() else f"model #{p + 1}"
        elif kind == "rate":
            label = f"rate {raw.get('date', p + 1)}"
        elif kind == "tier":
            label += f": tier {p + 1}"
    return label


def _missing_hint(key: str) -> str:
    if key in ("input", "output"):
        return f"add {key} = <price per 1,000,000 tokens>"
    if key in ("effective", "date"):
        return f"add {key} = 2026-01-31 (a TOML date)"
    if key in ("currency", "confidence", "source", "gpu", "id", "name"):
        return f'add {key} = "..."'
    return f"add {key}"


def explain_table(err: ValidationError, doc: Any, root: type[BaseModel] = PriceFileIn,
                  ) -> list[tuple[tuple[int | str, ...], str, str]]:
    """Every problem of ``err`` (raised validating ``doc`` as :class:`PriceFileIn`) as
    ``(table path, what, how to fix)``; the table path leads to the ``[[model]]``,
    ``[[model.price]]``, ``[model.self_hosted]`` or ``[[rate]]`` it is in."""
    out = []
    for e in err.errors(include_url=False):
        loc = tuple(e["loc"])
        ctx = e.get("ctx") or {}
        kind = str(e["type"])
        at = tuple(ctx.get("at", ()))
        # the key is the last name of loc; a table's own rule has a table (or ()) as loc
        key = loc[-1] if loc and isinstance(loc[-1], str) else None
        table = loc[:-1] if key is not None else loc
        if key == "self_hosted" and kind in ("model_type", "dict_type"):
            what, hint = "self_hosted must be a table", "write [model.self_hosted] under the " \
                "[[model]]"
            table = loc[:-1]
            key = None
        elif kind == "extra_forbidden":
            kind_of = _table_of(table)
            allowed = _keys(_CLASSES[kind_of] if kind_of else root)
            close = difflib.get_close_matches(str(key), allowed, n=1)
            what = f"unknown key {key!r}"
            hint = f"did you mean {close[0]}?" if close else f"allowed keys: {', '.join(allowed)}"
            key = None
        elif kind == "missing":
            what, hint = f"missing {key}", _missing_hint(str(key))
            key = None
        elif kind == "tokcost":
            what, hint = str(e["msg"]), str(ctx.get("hint") or "") or "see docs/pricing.md"
        elif kind in ("model_type", "dict_type"):
            what, hint = "must be a table", "see docs/pricing.md for the layout"
        elif kind == "literal_error":
            what = f"{e.get('input')!r} is not allowed"
            hint = f"use {ctx.get('expected', '')}"
        else:
            what, hint = str(e["msg"]), "see docs/pricing.md"
        if key is not None:
            what = f"{key} {what}"
        label = _label(doc, table)
        if label and not label.startswith(": "):
            what = f"{label}: {what}"
        elif label:
            what = f"{label[2:]}: {what}"
        elif table == () and kind == "extra_forbidden":
            what = f"top level: {what}"
        out.append((table + at, what, hint))
    return out


def validate_table(doc: Any, *, shipped: bool, stem: str) -> PriceFileIn | FxFileIn:
    """``doc`` (a parsed TOML table file) as a :class:`PriceFileIn` (the shipped ``fx.toml`` as
    an :class:`FxFileIn`); raises ValidationError."""
    return root_of(shipped, stem).model_validate(doc, context={"shipped": shipped, "stem": stem})


def root_of(shipped: bool, stem: str) -> type[PriceFileIn] | type[FxFileIn]:
    """The record a table file is read as: the shipped ``fx.toml`` holds rates only."""
    return FxFileIn if shipped and stem == "fx" else PriceFileIn


def validate_model(raw: Any, *, shipped: bool) -> ModelIn:
    return ModelIn.model_validate(raw, context={"shipped": shipped})


