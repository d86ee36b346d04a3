"""Dated, cited LLM price tables: loading, strict validation and the row in force on a date.

Files (schema in docs/pricing.md):

* ``pricing/<provider>.toml`` — one provider's models, each with dated ``[[model.price]]``
  rows (optionally with ``[[model.price.tier]]`` long-prompt tiers), or a ``[model.self_hosted]``
  table from which a price is derived (GPU cost / throughput).
* ``pricing/fx.toml`` — KRW/USD rates (``[[rate]]``).
* user files (``--pricing FILE``): the same schema. A user entry with the same provider and model id
  adds rows to the shipped model; where its rows apply they take precedence (negotiated prices).
  Later user files take precedence over earlier ones. A user file may also hold ``[[rate]]`` rows.

Rules:

* A row applies on ``as_of`` when ``effective <= as_of < end`` (``end`` is exclusive; no ``end``
  means open-ended).
* ``variant=None`` asks for the standard price: the row without a variant, else the variant row
  marked ``default = true``. Asking for a variant returns that variant's row or None.
* No row in force means *unpriced*: ``None``, never 0.
* Long-prompt tiers are chosen by the request's input tokens: the tier with the largest
  ``above_input_tokens`` strictly below the input token count prices the whole request.
"""

from __future__ import annotations

import difflib
import itertools
import math
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from tokcost import tomlsafe
from tokcost.errors import PricingError
from tokcost.paths import data_dir
from tokcost.pricing.fx import CURRENCIES, FxRate, override_rate
from tokcost.pricing.records import (
    CONFIDENCE,
    TOKENIZER_CONFIDENCE,
    Model,
    PriceRow,
    Provider,
    SelfHosted,
    SelfHostedOverride,
    Tier,
)

SCHEMA_VERSION = 1

FX_FILE = "fx.toml"
FEATURED_FILE = "featured.toml"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_PROVIDER_KEYS = frozenset({"schema", "provider", "provider_name", "pricing_url", "model", "rate"})
_MODEL_KEYS = frozenset({"id", "name", "tokenizer", "tokenizer_confidence", "tokenizer_note",
                         "context_window", "deprecated", "aliases", "price", "self_hosted",
                         "overrides", "override_reason", "input_limit", "tokenizer_match",
                         "alias_of", "drift_reason", "citation"})
MAINTAINED = "genai-prices"
_MODEL_META = ("name", "tokenizer", "tokenizer_confidence")
_PRICE_KEYS = frozenset({"effective", "end", "variant", "default", "currency", "input",
                         "cached_input", "cache_write", "output", "batch_discount", "source",
                         "snapshots", "confidence", "notes", "tier"})
_TIER_KEYS = frozenset({"above_input_tokens", "input", "cached_input", "cache_write", "output"})
_SELF_KEYS = frozenset({"effective", "gpu", "gpu_count", "gpu_hourly_usd", "output_tokens_per_s",
                        "prompt_tokens_per_s", "serving", "source", "confidence", "notes"})
_RATE_KEYS = frozenset({"date", "krw_per_usd", "source", "confidence", "default", "notes"})
#: The largest price, rate or count a table may hold: anything above is a typo (and 1e308, though
#: finite, makes every cost overflow to inf). The CLI's options have the same bound.
MAX_NUMBER = 1e15


# --------------------------------------------------------------------------- data types
# (the record types are in records.py)


@dataclass(frozen=True)
class Issue:
    """One validation finding, rendered as one line: ``file:line: model X: what (how to fix)``."""

    severity: str  # "error" | "warning"
    path: str
    message: str
    hint: str | None = None
    line: int | None = None

    def render(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        text = f"{where}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def as_error(self) -> PricingError:
        return PricingError(self.message, hint=self.hint, path=self.path, line=self.line)

    def as_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "file": self.path, "line": self.line,
                "message": self.message, "hint": self.hint}


# --------------------------------------------------------------------------- parsing
class _Lines:
    """Line numbers of ``[[model]]``, ``[[model.price]]``, ``[model.self_hosted]``, ``[[rate]]``."""

    _HEAD = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\- ]+?)\s*(\]\]?)\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self.models: list[int] = []
        self.prices: dict[int, list[int]] = {}
        self.selfs: dict[int, int] = {}
        self.rates: list[int] = []
        for no, raw in enumerate(text.splitlines(), 1):
            m = self._HEAD.match(raw)
            if not m:
                continue
            name = m.group(2).replace(" ", "")
            if name == "model" and m.group(1) == "[[":
                self.models.append(no)
            elif name == "model.price" and self.models:
                self.prices.setdefault(len(self.models) - 1, []).append(no)
            elif name == "model.self_hosted" and self.models:
                self.selfs[len(self.models) - 1] = no
            elif name == "rate":
                self.rates.append(no)

    def model(self, i: int) -> int | None:
        return self.models[i] if i < len(self.models) else None

    def price(self, i: int, j: int) -> int | None:
        rows = self.prices.get(i, [])
        return rows[j] if j < len(rows) else self.model(i)

    def self_hosted(self, i: int) -> int | None:
        return self.selfs.get(i, self.model(i))

    def rate(self, i: int) -> int | None:
        return self.rates[i] if i < len(self.rates) else None


@dataclass
class _ModelEntry:
    """A [[model]] as written in one file (metadata may be partial in user files)."""

    provider: str
    id: str
    meta: dict[str, Any]
    rows: list[PriceRow]
    self_hosted: tuple[SelfHosted, dict[str, Any]] | None
    path: str
    line: int | None
    layer: int


@dataclass
class _FileDoc:
    path: str
    layer: int
    provider: str | None = None
    provider_name: str | None = None
    pricing_url: str | None = None
    models: list[_ModelEntry] = field(default_factory=list)
    rates: list[FxRate] = field(default_factory=list)


class _Checker:
    """Collects issues for one file."""

    def __init__(self, path: str, issues: list[Issue]) -> None:
        self.path = path
        self.issues = issues
        self.failed = False

    def error(self, message: str, hint: str | None = None, line: int | None = None) -> None:
        self.failed = True
        self.issues.append(Issue("error", self.path, message, hint, line))

    def warn(self, message: str, hint: str | None = None, line: int | None = None) -> None:
        self.issues.append(Issue("warning", self.path, message, hint, line))

    # -- typed getters: return None (and record an error) when the value is wrong
    def unknown(self, raw: dict, allowed: frozenset[str], what: str, line: int | None) -> None:
        for key in raw:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f"did you mean {close[0]}?" if close else \
                    f"allowed keys: {', '.join(sorted(allowed))}"
                self.error(f"{what}: unknown key {key!r}", hint, line)

    def date_(self, raw: dict, key: str, what: str, line: int | None,
              required: bool = True) -> date | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.error(f"{what}: missing {key}", f"add {key} = 2026-01-31 (a TOML date)", line)
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.error(f"{what}: {key} must be a TOML date like 2026-01-31, got {value!r}",
                       "write the date unquoted, without a time", line)
            return None
        return value

    def number(self, raw: dict, key: str, what: str, line: int | None, *,
               required: bool = True, allow_zero: bool = False) -> float | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.error(f"{what}: missing {key}",
                           f"add {key} = <price per 1,000,000 tokens>" if key in
                           ("input", "output") else f"add {key}", line)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            self.error(f"{what}: {key} must be a number, got {value!r}", None, line)
            return None
        if value < 0:
            self.error(f"{what}: {key} is negative ({value})",
                       "prices and rates are never negative", line)
            return None
        if value > MAX_NUMBER:  # 1e308 is finite, but its costs overflow to inf
            self.error(f"{what}: {key} = {value:g} is absurdly large (at most {MAX_NUMBER:g})",
                       "write the price per 1,000,000 tokens (or the rate) as published", line)
            return None
        if value == 0 and not allow_zero:
            self.error(f"{what}: {key} is 0", "0 is not a price: omit the key (or the model) "
                       "when no price is published", line)
            return None
        return float(value)

    def string(self, raw: dict, key: str, what: str, line: int | None,
               required: bool = True) -> str | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.error(f"{what}: missing {key}", f'add {key} = "..."', line)
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(f"{what}: {key} must be a non-empty string, got {value!r}", None, line)
            return None
        return value

    def choice(self, raw: dict, key: str, options: Sequence[str], what: str,
               line: int | None, required: bool = True) -> str | None:
        value = self.string(raw, key, what, line, required)
        if value is not None and value not in options:
            self.error(f"{what}: {key} {value!r} is not allowed",
                       f"use one of {', '.join(options)}", line)
            return None
        return value

    def table_list(self, raw: dict, key: str, what: str, line: int | None,
                   header: str) -> list[dict]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.error(f"{what}: {key} must be an array of tables", f"write {header}", line)
            return []
        return value


def _parse_tier(ck: _Checker, raw: dict, what: str, line: int | None) -> Tier | None:
    ck.unknown(raw, _TIER_KEYS, what, line)
    above = raw.get("above_input_tokens")
    if isinstance(above, bool) or not isinstance(above, int) or above <= 0:
        ck.error(f"{what}: above_input_tokens must be a positive integer, got {above!r}",
                 "e.g. above_input_tokens = 200000", line)
        above = None
    inp = ck.number(raw, "input", what, line)
    out = ck.number(raw, "output", what, line)
    cached = ck.number(raw, "cached_input", what, line, required=False)
    write = ck.number(raw, "cache_write", what, line, required=False, allow_zero=True)
    if above is None or inp is None or out is None:
        return None
    return Tier(above, inp, out, cached, write)


def _parse_price(ck: _Checker, raw: dict, provider: str, model: str, path: str,
                 line: int | None, layer: int) -> PriceRow | None:
    what = f"model {model}: price row"
    ck.unknown(raw, _PRICE_KEYS, f"model {model}", line)
    before = len([i for i in ck.issues if i.severity == "error"])
    effective = ck.date_(raw, "effective", f"model {model}", line)
    end = ck.date_(raw, "end", f"model {model}", line, required=False)
    if effective and end and end <= effective:
        ck.error(f"model {model}: end {end} is not after effective {effective}",
                 "end is exclusive, the first day the row no longer applies; "
                 "it must be later than effective", line)
    currency = ck.choice(raw, "currency", CURRENCIES, f"model {model}", line)
    inp = ck.number(raw, "input", f"model {model}", line)
    out = ck.number(raw, "output", f"model {model}", line)
    cached = ck.number(raw, "cached_input", f"model {model}", line, required=False)
    write = ck.number(raw, "cache_write", f"model {model}", line, required=False,
                      allow_zero=True)
    batch = raw.get("batch_discount")
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int | float)
                              or not 0 < batch < 1):
        ck.error(f"model {model}: batch_discount must be a fraction between 0 and 1, "
                 f"got {batch!r}", "0.5 means 50 % off with the batch API", line)
    source = ck.string(raw, "source", f"model {model}", line)
    confidence = ck.choice(raw, "confidence", CONFIDENCE, f"model {model}", line)
    variant = ck.string(raw, "variant", f"model {model}", line, required=False)
    default = raw.get("default", False)
    if not isinstance(default, bool):
        ck.error(f"model {model}: default must be true or false, got {default!r}", None, line)
        default = False
    if default and variant is None:
        ck.error(f"model {model}: default = true on a row without a variant",
                 "default only picks among variant rows; remove it or add variant = \"...\"",
                 line)
    snapshots = raw.get("snapshots", [])
    if not isinstance(snapshots, list) or not all(isinstance(s, str) for s in snapshots):
        ck.error(f"model {model}: snapshots must be a list of strings", None, line)
        snapshots = []
    notes = raw.get("notes", "")
    if not isinstance(notes, str):
        ck.error(f"model {model}: notes must be a string", None, line)
        notes = ""
    tiers: list[Tier] = []
    for k, t in enumerate(ck.table_list(raw, "tier", what, line, "[[model.price.tier]]")):
        tier = _parse_tier(ck, t, f"model {model}: tier {k + 1}", line)
        if tier:
            tiers.append(tier)
    thresholds = [t.above_input_tokens for t in tiers]
    if len(set(thresholds)) != len(thresholds):
        ck.error(f"model {model}: two tiers share above_input_tokens", "give each tier its "
                 "own threshold", line)
    errors = len([i for i in ck.issues if i.severity == "error"])
    if errors > before or None in (effective, currency, inp, out, source, confidence):
        return None
    assert effective and currency and inp is not None and out is not None
    assert source and confidence
    return PriceRow(
        provider=provider, model=model, effective=effective, end=end, currency=currency,
        input=inp, output=out, cached_input=cached, cache_write=write,
        batch_discount=float(batch) if batch is not None else None, source=source,
        confidence=confidence, variant=variant, default=default, snapshots=tuple(snapshots),
        notes=notes, tiers=tuple(sorted(tiers, key=lambda t: t.above_input_tokens)),
        origin=path, line=line, layer=layer)


def _parse_self_hosted(ck: _Checker, raw: Any, model: str,
                       line: int | None) -> tuple[SelfHosted, dict[str, Any]] | None:
    what = f"model {model}: self_hosted"
    if not isinstance(raw, dict):
        ck.error(f"{what} must be a table", "write [model.self_hosted] under the [[model]]", line)
        return None
    ck.unknown(raw, _SELF_KEYS, what, line)
    before = sum(1 for i in ck.issues if i.severity == "error")
    effective = ck.date_(raw, "effective", what, line)
    gpu = ck.string(raw, "gpu", what, line)
    count = raw.get("gpu_count")
    if isinstance(count, bool) or not isinstance(count, int) or count <= 0:
        ck.error(f"{what}: gpu_count must be a positive integer, got {count!r}",
                 "e.g. gpu_count = 4", line)
    hourly = ck.number(raw, "gpu_hourly_usd", what, line)
    out_tps = ck.number(raw, "output_tokens_per_s", what, line)
    in_tps = ck.number(raw, "prompt_tokens_per_s", what, line)
    source = ck.string(raw, "source", what, line)
    confidence = ck.choice(raw, "confidence", CONFIDENCE, what, line)
    serving = raw.get("serving", "")
    notes = raw.get("notes", "")
    if not isinstance(serving, str) or not isinstance(notes, str):
        ck.error(f"{what}: serving and notes must be strings", None, line)
    if sum(1 for i in ck.issues if i.severity == "error") > before:
        return None
    spec = SelfHosted(gpu=str(gpu), gpu_count=int(count or 0), gpu_hourly_usd=float(hourly or 0),
                      output_tokens_per_s=float(out_tps or 0),
                      prompt_tokens_per_s=float(in_tps or 0), serving=str(serving))
    return spec, {"effective": effective, "source": source, "confidence": confidence,
                  "notes": notes}


def _parse_rate(ck: _Checker, raw: dict, i: int, line: int | None, path: str) -> FxRate | None:
    label = raw.get("date", i + 1)
    what = f"rate {label}"
    ck.unknown(raw, _RATE_KEYS, what, line)
    before = sum(1 for x in ck.issues if x.severity == "error")
    when = ck.date_(raw, "date", what, line)
    value = ck.number(raw, "krw_per_usd", what, line)
    source = ck.string(raw, "source", what, line)
    confidence = ck.choice(raw, "confidence", ("high", "medium", "low"), what, line)
    default = raw.get("default", False)
    if not isinstance(default, bool):
        ck.error(f"{what}: default must be true or false", None, line)
    if sum(1 for x in ck.issues if x.severity == "error") > before:
        return None
    assert value is not None and source and confidence
    return FxRate(krw_per_usd=value, date=when, source=source, confidence=confidence,
                  default=bool(default), notes=str(raw.get("notes", "")), origin=path,
                  line=line)


def _read_toml(path: Path, ck: _Checker) -> tuple[dict | None, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        ck.error("no such file", "check the path")
        return None, ""
    except (OSError, UnicodeDecodeError) as exc:
        ck.error(f"cannot read file ({exc})", "give a UTF-8 TOML file")
        return None, ""
    try:
        return tomlsafe.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        ck.error(f"invalid TOML: {msg}", "fix the TOML syntax",
                 int(m.group(1)) if m else None)
        return None, text


def _parse_file(path: Path, layer: int, shipped: bool, issues: list[Issue]) -> _FileDoc | None:
    shown = _display(path)
    ck = _Checker(shown, issues)
    doc, text = _read_toml(path, ck)
    if doc is None:
        return None
    lines = _Lines(text)
    out = _FileDoc(shown, layer)
    ck.unknown(doc, _PROVIDER_KEYS, "top level", None)
    if doc.get("schema") != SCHEMA_VERSION:
        ck.error(f"schema must be {SCHEMA_VERSION}, got {doc.get('schema')!r}",
                 f"put schema = {SCHEMA_VERSION} at the top")
    for i, raw in enumerate(ck.table_list(doc, "rate", "top level", None, "[[rate]]")):
        rate = _parse_rate(ck, raw, i, lines.rate(i), shown)
        if rate:
            out.rates.append(rate)
    _check_rates(ck, out)
    if "model" not in doc and "provider" not in doc:
        if not out.rates and not ck.failed:
            ck.error("no [[model]] and no [[rate]] entries",
                     "a price file needs provider = \"...\" and [[model]] tables")
        return out
    provider = ck.string(doc, "provider", "top level", None)
    if provider is not None and not _SLUG.match(provider):
        ck.error(f"provider {provider!r} is not a lowercase slug", "use e.g. provider = "
                 "\"openai\" (lowercase letters, digits, '-')")
        provider = None
    if shipped and provider and provider != path.stem:
        ck.error(f"provider {provider!r} does not match the file name {path.name}",
                 f"name the file {provider}.toml")
    out.provider = provider
    name = doc.get("provider_name")
    if name is not None and not isinstance(name, str):
        ck.error("provider_name must be a string")
        name = None
    if shipped and not name:
        ck.error("missing provider_name", 'add provider_name = "Display Name"')
    out.provider_name = name
    url = doc.get("pricing_url")
    if url is not None and not isinstance(url, str):
        ck.error("pricing_url must be a string")
        url = None
    out.pricing_url = url
    seen: set[str] = set()
    for i, raw in enumerate(ck.table_list(doc, "model", "top level", None, "[[model]]")):
        entry = _parse_model(ck, raw, i, lines, provider or "?", shown, layer, shipped)
        if entry is None:
            continue
        if entry.id in seen:
            ck.error(f"model {entry.id}: listed twice in this file",
                     "merge the two [[model]] entries", entry.line)
            continue
        seen.add(entry.id)
        out.models.append(entry)
    return out


def _parse_model(ck: _Checker, raw: dict, i: int, lines: _Lines, provider: str, path: str,
                 layer: int, shipped: bool) -> _ModelEntry | None:
    line = lines.model(i)
    mid = raw.get("id")
    if not isinstance(mid, str) or not mid.strip():
        ck.error(f"model #{i + 1}: missing id", 'add id = "<model id as used in the API>"', line)
        return None
    what = f"model {mid}"
    ck.unknown(raw, _MODEL_KEYS, what, line)
    meta: dict[str, Any] = {}
    overrides = raw.get("overrides")
    if overrides is not None:
        if overrides != MAINTAINED:
            ck.error(f"{what}: overrides must be {MAINTAINED!r}, got {overrides!r}", None, line)
        reason = ck.string(raw, "override_reason", what, line)
        meta["overrides"] = overrides
        meta["override_reason"] = reason
    elif "override_reason" in raw:
        ck.error(f"{what}: override_reason without overrides", f'add overrides = "{MAINTAINED}"',
                 line)
    if "input_limit" in raw:
        il = raw["input_limit"]
        if isinstance(il, bool) or not isinstance(il, int) or il <= 0:
            ck.error(f"{what}: input_limit must be a positive integer, got {il!r}", None, line)
        else:
            meta["input_limit"] = il
    if "drift_reason" in raw:
        meta["drift_reason"] = ck.string(raw, "drift_reason", what, line)
    if overrides is not None or "drift_reason" in raw:
        # an override (or an explained drift) says where its claim comes from
        meta["citation"] = ck.string(raw, "citation", what, line)
    elif "citation" in raw:
        ck.error(f"{what}: citation without overrides or drift_reason",
                 f'add overrides = "{MAINTAINED}" and override_reason, or drift_reason', line)
    if "alias_of" in raw:
        meta["alias_of"] = ck.string(raw, "alias_of", what, line)
        if overrides is None:
            ck.error(f"{what}: alias_of is an override", f'add overrides = "{MAINTAINED}"', line)
    if "tokenizer_match" in raw:
        from tokcost.tokenizers.families import TOKENIZER_MATCH

        meta["tokenizer_match"] = ck.choice(raw, "tokenizer_match", TOKENIZER_MATCH, what, line)
    for key in _MODEL_META:
        if key in raw or (shipped and overrides is None):
            if key == "tokenizer_confidence":
                meta[key] = ck.choice(raw, key, TOKENIZER_CONFIDENCE, what, line)
            else:
                meta[key] = ck.string(raw, key, what, line)
    if meta.get("tokenizer"):
        from tokcost.tokenizers.catalog import load_catalog

        catalog = load_catalog()
        if meta["tokenizer"] not in catalog:
            close = difflib.get_close_matches(meta["tokenizer"], list(catalog), n=2)
            ck.error(f"{what}: unknown tokenizer {meta['tokenizer']!r}",
                     f"did you mean {' or '.join(close)}?" if close else
                     "use a catalog id from `tokcost tokenizers list`", line)
    if "tokenizer_note" in raw:
        meta["tokenizer_note"] = ck.string(raw, "tokenizer_note", what, line) or ""
    if "context_window" in raw:
        cw = raw["context_window"]
        if isinstance(cw, bool) or not isinstance(cw, int) or cw <= 0:
            ck.error(f"{what}: context_window must be a positive integer, got {cw!r}", None, line)
        else:
            meta["context_window"] = cw
    if "deprecated" in raw:
        meta["deprecated"] = ck.date_(raw, "deprecated", what, line)
    if "aliases" in raw:
        al = raw["aliases"]
        if not isinstance(al, list) or not all(isinstance(a, str) and a for a in al):
            ck.error(f"{what}: aliases must be a list of model ids", None, line)
        else:
            meta["aliases"] = tuple(al)
    has_price = "price" in raw
    has_self = "self_hosted" in raw
    if has_price and has_self:
        ck.error(f"{what}: has both [[model.price]] rows and [model.self_hosted]",
                 "a model is either priced by its provider or self-hosted; split it in two",
                 line)
        return None
    rows: list[PriceRow] = []
    self_hosted = None
    if has_self:
        self_hosted = _parse_self_hosted(ck, raw["self_hosted"], mid, lines.self_hosted(i))
    elif has_price:
        for j, pr in enumerate(ck.table_list(raw, "price", what, line, "[[model.price]]")):
            row = _parse_price(ck, pr, provider, mid, path, lines.price(i, j), layer)
            if row:
                rows.append(row)
    elif overrides is None:
        ck.error(f"{what}: no [[model.price]] rows",
                 "add at least one dated [[model.price]] (or [model.self_hosted]), "
                 "or leave the model out: an unpriced model is never priced at 0", line)
        return None
    _check_rows(ck, mid, rows)
    return _ModelEntry(provider, mid, meta, rows, self_hosted, path, line, layer)


def _span(row: PriceRow) -> str:
    end = row.end.isoformat() if row.end else "open"
    return f"{row.effective}..{end}"


def _check_rows(ck: _Checker, model: str, rows: list[PriceRow]) -> None:
    """Rows of one model in one file: no two rows of the same variant overlap."""
    by_variant: dict[str | None, list[PriceRow]] = {}
    for r in rows:
        by_variant.setdefault(r.variant, []).append(r)
    for variant, group in by_variant.items():
        group.sort(key=lambda r: r.effective)
        for a, b in itertools.pairwise(group):
            if a.end is None or a.end > b.effective:
                label = f" (variant {variant})" if variant else ""
                ck.error(f"model {model}: price rows overlap{label}: {_span(a)} and {_span(b)}",
                         f"give the earlier row end = {b.effective}", b.line)


def _check_rates(ck: _Checker, doc: _FileDoc) -> None:
    defaults = [r for r in doc.rates if r.default]
    if len(defaults) > 1:
        ck.error(f"{len(defaults)} rates have default = true", "mark exactly one rate default",
                 defaults[1].line)
    dates = [r.date for r in doc.rates]
    for d in {d for d in dates if dates.count(d) > 1}:
        ck.error(f"rate {d}: listed twice", "keep one rate per date")


def _display(path: Path) -> str:
    """Shipped files as ``pricing/<name>``; user files as given."""
    try:
        return "pricing/" + str(path.resolve().relative_to((data_dir() / "pricing").resolve()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- the tables
class PriceTables:
    """All price tables merged: shipped files, then user files (later ones win).

    Build with :func:`load_tables`. Lookups never invent a price: no row in force means None.
    """

    def __init__(self, providers: dict[str, Provider], models: dict[tuple[str, str], Model],
                 rates: Sequence[FxRate], extra: Any = None,
                 user_files: Sequence[str] = ()) -> None:
        self.providers = providers
        self._models = models
        self.rates = tuple(rates)
        self.extra = extra
        self.user_files = tuple(user_files)
        self._index: dict[str, list[Model]] = {}
        for m in models.values():
            for key in (m.id, *m.aliases):
                self._index.setdefault(key, []).append(m)

    # -- models
    def default_models(self) -> list[Model]:
        """What cost / budget / report / check use without --model: the hand tables' models
        and the ids of ``pricing/featured.toml`` (resolved through genai-prices)."""
        out = [m for m in self._models.values()]
        seen = {(m.provider, m.id) for m in out}
        for mid in featured_ids():
            m = self.find_model(mid)
            if m is not None and (m.provider, m.id) not in seen:
                seen.add((m.provider, m.id))
                out.append(m)
        return out

    def hand_models(self) -> list[Model]:
        """The models of the hand-kept tables (and user files) only."""
        return list(self._models.values())

    @property
    def maintained(self) -> Any:
        """The maintained source (genai-prices), loaded on first use."""
        from tokcost.pricing.maintained import load_genai_prices

        return load_genai_prices()

    def models(self, provider: str | None = None, *, include_extra: bool = False,
               all_maintained: bool = False) -> list[Model]:
        """The hand tables' models, then genai-prices' (vendors' own current models; every
        host's with ``all_maintained``), then extra-source models (only when asked)."""
        out = [m for m in self._models.values() if provider in (None, m.provider)]
        hand = {(m.provider, m.id) for m in out} | set(self._index)
        for m in self.maintained.models(featured_only=not all_maintained):
            if provider in (None, m.provider) and (m.provider, m.id) not in hand \
                    and m.id not in self._index:
                out.append(m)
        if include_extra and self.extra is not None:
            out += [m for m in self.extra.models()
                    if provider in (None, m.provider) and m.id not in self._index]
        return out

    def find_model(self, model_id: str, provider: str | None = None) -> Model | None:
        """The model called ``model_id`` (id or alias), or None.

        Our cited tables are searched first; the extra source (if loaded) only for ids that
        are not in them. Raises if the id is ambiguous across providers and none is given.
        """
        hits = [m for m in self._index.get(model_id, []) if provider in (None, m.provider)]
        if len(hits) > 1:
            raise PricingError(
                f"model {model_id!r} is listed by {len(hits)} providers "
                f"({', '.join(m.provider for m in hits)})",
                hint="name one with provider= / --provider")
        if hits:
            return hits[0]
        found = self.maintained.model(model_id, provider)
        if found is not None:
            for m in self._index.get(found.id, []):
                if m.provider == found.provider:
                    return m  # a hand override reached through an alias genai-prices knows
            return found
        if self.extra is not None and model_id not in self._index:
            m = self.extra.model(model_id)
            if m is not None and provider in (None, m.provider):
                return m
        return None

    def model(self, model_id: str, provider: str | None = None) -> Model:
        """Like :meth:`find_model` but raises a one-line error with suggestions."""
        found = self.find_model(model_id, provider)
        if found is not None:
            return found
        names = list(self._index)
        close = difflib.get_close_matches(model_id, names, n=3, cutoff=0.5)
        hint = f"did you mean {', '.join(close)}?" if close else "see `tokcost pricing list`"
        if self.extra is None:
            hint += "; --extra-prices litellm looks in LiteLLM's price map too"
        where = f" for provider {provider}" if provider else ""
        raise PricingError(f"no price table lists model {model_id!r}{where}", hint=hint)

    def price_for(self, model_id: str, as_of: date, variant: str | None = None, *,
                  provider: str | None = None) -> PriceRow | None:
        """The row in force for ``model_id`` on ``as_of``; None when unknown or unpriced."""
        m = self.find_model(model_id, provider)
        return m.price_for(as_of, variant) if m else None

    # -- exchange rates
    def default_rate(self) -> FxRate:
        defaults = [r for r in self.rates if r.default]
        if not defaults:
            raise PricingError("no default exchange rate", path="pricing/fx.toml",
                               hint="mark one [[rate]] default = true, or pass --fx")
        return defaults[-1]  # user files come after the shipped file

    def fx_rate(self, as_of: date | None = None, override: float | None = None) -> FxRate:
        """The KRW/USD rate to use.

        ``override`` (``--fx``) wins. Without ``as_of``: the default rate. With ``as_of``: the
        latest rate dated on or before it, else the default rate.
        """
        if override is not None:
            return override_rate(override, as_of)
        if as_of is None:
            return self.default_rate()
        older = [r for r in self.rates if r.date is not None and r.date <= as_of]
        if not older:
            return self.default_rate()
        return max(older, key=lambda r: (r.date, self.rates.index(r)))


# --------------------------------------------------------------------------- building
def shipped_files() -> list[Path]:
    """The shipped table files, fx.toml last."""
    folder = data_dir() / "pricing"
    files = sorted(p for p in folder.glob("*.toml") if p.name not in (FX_FILE, FEATURED_FILE))
    return [*files, folder / FX_FILE]


@cache
def featured_ids() -> tuple[str, ...]:
    """Model ids of ``pricing/featured.toml``."""
    path = data_dir() / "pricing" / FEATURED_FILE
    try:
        raw = tomlsafe.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PricingError(f"cannot read {FEATURED_FILE} ({exc})", path=str(path)) from None
    ids = raw.get("models", [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise PricingError("models must be a list of model ids", path=str(path))
    return tuple(ids)


@cache
def _shipped_docs() -> tuple[tuple[_FileDoc, ...], tuple[Issue, ...]]:
    issues: list[Issue] = []
    docs = [d for p in shipped_files() if (d := _parse_file(p, 0, True, issues)) is not None]
    return tuple(docs), tuple(issues)


def _self_hosted_row(entry: _ModelEntry, override: SelfHostedOverride | None) -> PriceRow | None:
    if entry.self_hosted is None:
        return None
    spec, extra = entry.self_hosted
    if extra["effective"] is None:
        return None
    if override:
        spec = override.apply(spec)
    notes = extra["notes"] or ""
    if spec.overridden:
        changed = ", ".join(f"{k}={getattr(spec, k):g}" for k in spec.overridden)
        notes = f"Overridden on the command line: {changed}. {notes}".strip()
    return PriceRow(
        provider=entry.provider, model=entry.id, effective=extra["effective"], currency="USD",
        input=spec.input_per_1m, output=spec.output_per_1m, source=extra["source"],
        confidence=extra["confidence"], notes=notes, self_hosted=spec, origin=entry.path,
        line=entry.line, layer=entry.layer,
        snapshots=("derived: hourly cost / (tokens/s x 3600) x 1e6",))


def _merge(docs: Sequence[_FileDoc], issues: list[Issue],
           override: SelfHostedOverride | None) -> PriceTables:
    providers: dict[str, Provider] = {}
    entries: dict[tuple[str, str], list[_ModelEntry]] = {}
    rates: list[FxRate] = []
    for doc in docs:
        rates.extend(doc.rates)
        if doc.provider is None:
            continue
        old = providers.get(doc.provider)
        if old is None and not doc.provider_name:
            issues.append(Issue("error", doc.path, f"provider {doc.provider}: missing "
                                "provider_name", "a provider not in the shipped tables needs "
                                'provider_name = "Display Name"'))
        providers[doc.provider] = Provider(
            doc.provider, doc.provider_name or (old.name if old else doc.provider),
            doc.pricing_url or (old.pricing_url if old else None),
            (old.files if old else ()) + (doc.path,))
        for e in doc.models:
            entries.setdefault((e.provider, e.id), []).append(e)

    models: dict[tuple[str, str], Model] = {}
    for key, group in entries.items():
        meta: dict[str, Any] = {}
        for e in group:
            meta.update({k: v for k, v in e.meta.items() if v is not None})
        first = group[0]
        base = _maintained_model(key[1], key[0]) if (
            meta.get("overrides") or any(k not in meta for k in _MODEL_META)) else None
        if base is None and any(k not in meta for k in _MODEL_META) and first.layer > 0:
            base = _maintained_model(key[1], None)
        if meta.get("overrides") and base is None:
            issues.append(Issue(
                "error", first.path, f"model {first.id}: overrides {MAINTAINED} but "
                f"{MAINTAINED} lists no such model", "remove overrides (a hand-only row needs "
                "name, tokenizer, tokenizer_confidence)", first.line))
            continue
        if base is not None:
            for k, v in (("name", base.name), ("tokenizer", base.tokenizer),
                         ("tokenizer_confidence", base.tokenizer_confidence),
                         ("tokenizer_note", base.tokenizer_note),
                         ("context_window", base.context_window),
                         ("tokenizer_match", base.tokenizer_match)):
                if meta.get(k) is None and v is not None:
                    meta[k] = v
            if meta.get("tokenizer") is None:
                meta["tokenizer"] = ""
        elif first.layer == 0 and not meta.get("overrides"):
            dup = _maintained_model(key[1], key[0], exact=True)
            if dup is not None:
                issues.append(Issue(
                    "error", first.path, f"model {first.id}: {MAINTAINED} already lists it "
                    f"({dup.provider}/{dup.id})", f'remove the hand row, or mark it overrides = '
                    f'"{MAINTAINED}" with an override_reason and a cited source', first.line))
        missing = [k for k in _MODEL_META if k not in meta or meta[k] is None]
        if missing:
            issues.append(Issue(
                "error", first.path, f"model {first.id}: missing {', '.join(missing)}",
                "a model not in the shipped tables needs name, tokenizer and "
                "tokenizer_confidence", first.line))
            continue
        rows: list[PriceRow] = []
        kind = "api"
        hand_rows = any(e.rows or e.self_hosted for e in group if e.layer == 0)
        if meta.get("alias_of"):
            target = _maintained_model(meta["alias_of"], key[0])
            if target is None:
                issues.append(Issue("error", first.path, f"model {first.id}: alias_of "
                                    f"{meta['alias_of']!r} is not in {MAINTAINED}", None,
                                    first.line))
                continue
            rows.extend(replace(r, model=key[1], source=f"{r.source} as {target.id} "
                                f"({first.path})")
                        for r in target.prices)
            hand_rows = True
        if base is not None and not hand_rows:
            rows.extend(base.prices)  # metadata-only override, or user rows on top
        for e in group:
            rows.extend(e.rows)
            sh = _self_hosted_row(e, override)
            if sh is not None:
                rows.append(sh)
                if e is first:
                    kind = "self-hosted"
        models[key] = Model(
            provider=key[0], id=key[1], name=meta["name"],
            tokenizer_confidence=meta["tokenizer_confidence"],
            tokenizer_note=meta.get("tokenizer_note", ""),
            context_window=meta.get("context_window"), deprecated=meta.get("deprecated"),
            aliases=tuple(meta.get("aliases", ())), prices=tuple(rows), kind=kind,
            tokenizer=meta["tokenizer"] or None, tokenizer_match=meta.get("tokenizer_match"),
            input_limit=meta.get("input_limit"), override_reason=meta.get("override_reason"),
            drift_reason=meta.get("drift_reason"), citation=meta.get("citation"),
            retired_flag=base.retired_flag if base is not None else False,
            source=first.path if (hand_rows or base is None) else
            f"{base.source} + {first.path}")
        _check_defaults(models[key], issues)
    _check_aliases(models, issues)
    if not any(r.default for r in rates):
        issues.append(Issue("error", "pricing/fx.toml", "no [[rate]] has default = true",
                            "mark exactly one rate default"))
    return PriceTables(providers, models, rates)


def _maintained_model(model_id: str, provider: str | None, exact: bool = False) -> Model | None:
    """The genai-prices model for an id (``exact``: the same id of the same provider only)."""
    from tokcost.pricing.maintained import load_genai_prices

    gp = load_genai_prices()
    m = gp.model(model_id, provider if provider in _provider_ids(gp) else None)
    if m is None and provider is not None:
        m = gp.model(model_id)
    if m is not None and exact and (m.id != model_id or (provider and m.provider != provider)):
        return None
    return m


def _provider_ids(gp: Any) -> set[str]:
    return {p.id for p in gp.providers}


def _check_defaults(model: Model, issues: list[Issue]) -> None:
    """On every date: variant-only rows need exactly one default per file (layer)."""
    points = sorted({r.effective for r in model.prices} |
                    {r.end for r in model.prices if r.end is not None})
    reported: set[tuple[str, str]] = set()
    for p in points:
        live = model.rows_in_force(p)
        if not live:
            continue
        by_layer: dict[int, list[PriceRow]] = {}
        for r in live:
            if r.default:
                by_layer.setdefault(r.layer, []).append(r)
        for rows in by_layer.values():
            if len(rows) > 1 and ("many", rows[0].origin) not in reported:
                reported.add(("many", rows[0].origin))
                names = ", ".join(str(r.variant) for r in rows)
                issues.append(Issue(
                    "error", rows[0].origin,
                    f"model {model.id}: {len(rows)} rows marked default = true apply on {p} "
                    f"({names})", "keep default = true on exactly one variant", rows[1].line))
        if any(r.variant is None for r in live) or any(r.default for r in live):
            continue
        top = max(live, key=lambda r: r.layer)
        if ("none", top.origin) in reported:
            continue
        reported.add(("none", top.origin))
        names = ", ".join(dict.fromkeys(str(r.variant) for r in live))
        issues.append(Issue(
            "error", top.origin,
            f"model {model.id}: on {p} only variant rows apply ({names}) and none has "
            "default = true", "mark exactly one of them default = true", top.line))


def _check_aliases(models: dict[tuple[str, str], Model], issues: list[Issue]) -> None:
    owner: dict[str, Model] = {}
    for m in models.values():
        owner.setdefault(m.id, m)
    for m in models.values():
        for a in m.aliases:
            other = owner.get(a)
            if other is not None and other is not m:
                path = m.prices[0].origin if m.prices else m.provider
                issues.append(Issue(
                    "error", path, f"model {m.id}: alias {a!r} is already the id or an alias of "
                    f"{other.provider}/{other.id}", "remove the alias", None))
            owner[a] = m


def _build(user_files: Sequence[str | Path], override: SelfHostedOverride | None,
           issues: list[Issue]) -> PriceTables:
    shipped, shipped_issues = _shipped_docs()
    issues.extend(shipped_issues)
    docs = list(shipped)
    for n, f in enumerate(user_files, 1):
        doc = _parse_file(Path(f).expanduser(), n, False, issues)
        if doc is not None:
            docs.append(doc)
    return _merge(docs, issues, override)


def load_tables(user_files: Iterable[str | Path] = (), extra: Any = None, *,
                self_hosted: SelfHostedOverride | None = None) -> PriceTables:
    """Load the shipped price tables, then ``user_files`` (later files win), strictly validated.

    ``extra="litellm"`` adds LiteLLM's bundled price map (from the installed wheel) for model ids
    that are not in our tables; it never overrides them. ``self_hosted`` replaces assumptions of
    every self-hosted entry (GPU hourly price, throughputs).

    Raises :class:`~tokcost.errors.PricingError` (one line: ``file:line: model X: what (fix)``)
    on the first error; ``tokcost pricing validate`` lists them all.
    """
    files = tuple(str(f) for f in user_files)
    if not files and extra is None and not self_hosted:
        return _default_tables()
    issues: list[Issue] = []
    tables = _build(files, self_hosted, issues)
    _raise_first(issues)
    tables.user_files = files
    if extra is not None:  # an extra source, already loaded (tokcost.pricing.load_tables)
        tables.extra = extra
    return tables


@cache
def _default_tables() -> PriceTables:
    issues: list[Issue] = []
    tables = _build((), None, issues)
    _raise_first(issues)
    return tables


def _raise_first(issues: Sequence[Issue]) -> None:
    errors = [i for i in issues if i.severity == "error"]
    if not errors:
        return
    err = errors[0].as_error()
    if len(errors) > 1:
        err = PricingError(err.message, path=err.path, line=err.line,
                           hint=(err.hint + "; " if err.hint else "") +
                           f"{len(errors) - 1} more: run `tokcost pricing validate`")
    raise err


# --------------------------------------------------------------------------- validation
def validate(paths: Iterable[str | Path] = (), *, today: date | None = None,
             max_age_days: int = 180) -> list[Issue]:
    """Every issue in the tables, errors and warnings, one line each.

    Without ``paths``: the shipped tables. With ``paths``: those files, read on top of the
    shipped tables (so a negotiated-price file may refer to shipped models); only their issues
    are returned. Warnings: prices in force on ``today`` that are older than ``max_age_days``,
    a default exchange rate older than that, and models retired before ``today``.
    """
    today = today or date.today()
    files = [str(p) for p in paths]
    issues: list[Issue] = []
    tables = _build(files, None, issues)
    if files:
        shown = {_display(Path(f).expanduser()) for f in files}
        issues = [i for i in issues if i.path in shown]
        models = [m for m in tables.models() if any(r.origin in shown for r in m.prices)]
        rates = [r for r in tables.rates if r.origin in shown and r.default]
    else:
        models = list(tables._models.values())  # the hand layer (genai-prices: `pricing drift`)
        rates = [r for r in tables.rates if r.default]
    for m in models:
        issues.extend(_staleness(m, today, max_age_days))
    for r in rates:
        if r.date and (today - r.date).days > max_age_days:
            issues.append(Issue(
                "warning", r.origin, f"rate {r.date}: the default exchange rate is "
                f"{(today - r.date).days} days old on {today}",
                "add a newer [[rate]] and make it default, or pass --fx", r.line))
    return issues


def _staleness(m: Model, today: date, max_age_days: int) -> list[Issue]:
    out: list[Issue] = []
    live = m.rows_in_force(today)
    first = m.prices[0] if m.prices else None
    path = first.origin if first else m.provider
    if m.deprecated and m.deprecated <= today:
        out.append(Issue("warning", path, f"model {m.id}: deprecated or retired since "
                         f"{m.deprecated}", "keep it for history, or remove it",
                         first.line if first else None))
    if not live:
        if m.prices and all(r.end is not None and r.end <= today for r in m.prices):
            out.append(Issue("warning", path, f"model {m.id}: no price in force on {today}: "
                             "every row has ended", "add the current price as a new row",
                             first.line if first else None))
        return out
    newest = max(live, key=lambda r: r.shown_date)
    age = (today - newest.shown_date).days
    if age > max_age_days:
        out.append(Issue(
            "warning", newest.origin, f"model {m.id}: the price in force is dated "
            f"{newest.shown_date}, {age} days before {today}",
            f"re-check {newest.source} and add a dated row, or raise --max-age-days",
            newest.line))
    return out
