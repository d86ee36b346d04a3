"""The typed record of the project configuration: ``tokcost.toml`` or ``[tool.tokcost]`` in
``pyproject.toml`` (see :mod:`tokcost.config`).

:class:`ConfigIn` IS the validation of that file: unknown keys are refused, every value is checked
for type and range. :func:`explain_config` turns the first pydantic error into tokcost's words:
``(key, what, how to fix)``; :mod:`tokcost.config` adds the file and the key's line.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from tokcost.schema.checks import fail


def _number(integer: bool, positive: bool) -> Callable[[Any], float]:
    kind = "an integer" if integer else "a number"
    least = "positive" if positive else "zero or more"

    def check(v: Any) -> float:
        ok = isinstance(v, int) if integer else isinstance(v, int | float)
        if isinstance(v, bool) or not ok:
            raise fail(f"must be {kind}, not {v!r}", f"write {kind}, unquoted")
        if not math.isfinite(v):
            raise fail(f"must be a finite number, not {v!r}", f"write {kind}, unquoted")
        if v < 0 or (positive and v == 0):
            raise fail(f"must be {least}, not {v!r}", f"write a number that is {least}")
        return float(v) if not integer else int(v)
    return check


def _strings(scalar_ok: bool) -> Callable[[Any], list[str]]:
    what = "a string or a list of strings" if scalar_ok else "a list of strings"

    def check(v: Any) -> list[str]:
        if scalar_ok and isinstance(v, str):
            v = [v]
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            raise fail(f"must be {what}", 'write ["...", "..."]' + (' or "..."' if scalar_ok
                                                                   else ""))
        return list(v)
    return check


def _text(v: Any) -> str:
    if not isinstance(v, str) or not v:
        raise fail("must be a non-empty string", 'write it as "text"')
    return v


def _lang(v: Any) -> str:
    _text(v)
    if v not in ("en", "ko"):
        raise fail(f"must be one of en, ko, not {v!r}", 'write lang = "en" or lang = "ko"')
    return str(v)


def _table(name: str) -> Callable[[Any], Any]:
    def check(v: Any) -> Any:
        if not isinstance(v, dict):
            raise fail(f"must be a table ([{name}])", f"write [{name}] and its keys below it")
        return v
    return check


def _tables(v: Any) -> Any:
    if isinstance(v, dict):  # a single [prompts] table
        v = [v]
    if not isinstance(v, list) or not all(isinstance(p, dict) for p in v):
        raise fail("must be tables ([[prompts]])", "write [[prompts]] with glob and max_tokens")
    return v


Strings = Annotated[list[str], BeforeValidator(_strings(False))]
OneOrMore = Annotated[list[str], BeforeValidator(_strings(True))]
Text = Annotated[str, Field(min_length=1), BeforeValidator(_text)]
Count = Annotated[int, Field(ge=0), BeforeValidator(_number(True, False))]
PositiveInt = Annotated[int, Field(gt=0), BeforeValidator(_number(True, True))]
NonNegative = Annotated[float, Field(ge=0), BeforeValidator(_number(False, False))]
Positive = Annotated[float, Field(gt=0), BeforeValidator(_number(False, True))]


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckIn(_Table):
    """``[check]``: the CI gate's baseline and limits (percent increases; an absolute ratio)."""

    baseline: Text | None = None
    max_ratio_increase: NonNegative | None = None
    max_cost_increase: NonNegative | None = None
    max_ratio: Positive | None = None


class WorkloadIn(_Table):
    """``[workload]``: the report's budget headline (and ``tokcost budget``)."""

    requests_per_day: Positive | None = None
    days: PositiveInt | None = None
    input_chars: Count | None = None
    output_chars: Count | None = None
    models: OneOrMore | None = None


class ReportIn(_Table):
    """``[report]``: the report's language and folder."""

    lang: Annotated[Literal["en", "ko"], BeforeValidator(_lang)] | None = None
    out: Text | None = None


class PromptIn(_Table):
    """``[[prompts]]``: files matching ``glob`` hold at most ``max_tokens`` tokens on each
    ``model``'s (or ``tokenizer``'s) tokenizer."""

    glob: OneOrMore
    max_tokens: PositiveInt
    model: OneOrMore = []
    tokenizer: OneOrMore = []

    @model_validator(mode="before")
    @classmethod
    def _needs(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("glob" not in data or "max_tokens" not in data):
            raise fail("each [[prompts]] needs glob and max_tokens",
                       'add glob = "prompts/**/*.txt" and max_tokens = 1500', ("glob",))
        return data

    @model_validator(mode="after")
    def _target(self) -> PromptIn:
        if not self.glob:
            raise fail("each [[prompts]] needs glob and max_tokens",
                       'add glob = "prompts/**/*.txt"', ("glob",))
        if not self.model and not self.tokenizer:
            raise fail(f"a [[prompts]] entry for {self.glob[0]!r} needs model or tokenizer",
                       'add model = "gpt-5-mini" (or tokenizer = "o200k_base")', ("glob",))
        return self


class ConfigIn(_Table):
    """``tokcost.toml`` (or ``[tool.tokcost]``): project defaults for every command."""

    corpora: Strings | None = None
    tokenizers: Strings | None = None
    models: Strings | None = None
    requests: Text | None = None
    output_tokens: Count | None = None
    check: Annotated[CheckIn, BeforeValidator(_table("check"))] = CheckIn()
    workload: Annotated[WorkloadIn, BeforeValidator(_table("workload"))] = WorkloadIn()
    report: Annotated[ReportIn, BeforeValidator(_table("report"))] = ReportIn()
    prompts: Annotated[list[PromptIn], BeforeValidator(_tables)] = []


_TABLES: dict[str, type[BaseModel]] = {"check": CheckIn, "workload": WorkloadIn,
                                       "report": ReportIn, "prompts": PromptIn}
TOP_KEYS = tuple(ConfigIn.model_fields)


def explain_config(err: ValidationError, prefix: str = "") -> tuple[str | None, str, str | None]:
    """The first problem of ``err`` as ``(key, what, how to fix)``; ``key`` is the key to point at
    (its line), ``prefix`` the table the file's keys live in (``tool.tokcost`` in pyproject)."""
    e = err.errors(include_url=False)[0]
    loc = [p for p in e["loc"] if isinstance(p, str)]
    kind = str(e["type"])
    ctx = e.get("ctx") or {}
    key = loc[-1] if loc else None
    sub = loc[0] if len(loc) > 1 else ""  # the table the key is in
    name = ".".join(p for p in (prefix, sub) if p)
    table = f"[{name}]" if name else "the top level"
    if kind == "extra_forbidden":
        allowed = tuple((_TABLES[sub] if sub else ConfigIn).model_fields)
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]}?" if close else f"known keys: {', '.join(allowed)}"
        return key, f"unknown key {key!r} in {table}", hint
    at = ctx.get("at") or ()
    if kind == "tokcost" and at:  # a table's own rule, pointed at one of its keys
        what = str(e["msg"])
        if prefix:
            what = what.replace("[[prompts]]", f"[[{prefix}.prompts]]")
        return str(at[-1]), what, str(ctx.get("hint") or "") or None
    msg = str(e["msg"]) if kind == "tokcost" else f"is not valid ({e['msg']})"
    fix = str(ctx.get("hint") or "") if kind == "tokcost" else "see tokcost.toml in docs/ci.md"
    return key, f"{key} in {table} {msg}", fix or None
