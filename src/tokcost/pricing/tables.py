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
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from tokcost import tomlsafe
from tokcost.errors import PricingError
from tokcost.paths import data_dir
from tokcost.pricing.fx import FxRate, override_rate
from tokcost.pricing.records import (
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

MAINTAINED = "genai-prices"
_MODEL_META = ("name", "tokenizer", "tokenizer_confidence")
_META_KEYS = ("name", "tokenizer", "tokenizer_confidence", "tokenizer_note", "tokenizer_match",
              "context_window", "input_limit", "deprecated", "aliases", "overrides",
              "override_reason", "drift_reason", "citation", "alias_of")


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
        """The row as ``tokcost pricing validate`` writes it
        (``schema.listing.PriceIssueRecord``)."""
        from tokcost.schema.base import checked
        from tokcost.schema.listing import PriceIssueRecord

        return checked(PriceIssueRecord, [{"severity": self.severity, "file": self.path,
                                           "line": self.line, "message": self.message,
                                           "hint": self.hint}])[0]


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


def _line(lines: _Lines, at: tuple[int | str, ...]) -> int | None:
    """The line of the table at ``at`` (``("model", 2, "price", 0, ...)``)."""
    if len(at) >= 2 and at[0] == "rate" and isinstance(at[1], int):
        return lines.rate(at[1])
    if len(at) < 2 or at[0] != "model" or not isinstance(at[1], int):
        return None
    i = at[1]
    if len(at) >= 4 and at[2] == "price" and isinstance(at[3], int):
        return lines.price(i, at[3])
    if len(at) >= 3 and at[2] == "self_hosted":
        return lines.self_hosted(i)
    return lines.model(i)


def _read_toml(path: Path, shown: str, issues: list[Issue]) -> tuple[dict | None, str]:
    def error(message: str, hint: str, line: int | None = None) -> None:
        issues.append(Issue("error", shown, message, hint, line))

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        error("no such file", "check the path")
        return None, ""
    except (OSError, UnicodeDecodeError) as exc:
        error(f"cannot read file ({exc})", "give a UTF-8 TOML file")
        return None, ""
    try:
        return tomlsafe.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        error(f"invalid TOML: {msg}", "fix the TOML syntax", int(m.group(1)) if m else None)
        return None, text


def _parse_file(path: Path, layer: int, shipped: bool, issues: list[Issue]) -> _FileDoc | None:
    """One table file, validated by :class:`tokcost.schema.tables.PriceFileIn`: every problem
    becomes one :class:`Issue` at the line of its table. When the file has errors, the models
    and rates that are valid on their own are still returned (``pricing validate`` then reports
    the cross-file problems of those too)."""
    from pydantic import ValidationError

    from tokcost.schema import tables as schema

    shown = _display(path)
    doc, text = _read_toml(path, shown, issues)
    if doc is None:
        return None
    lines = _Lines(text)
    out = _FileDoc(shown, layer)
    try:
        typed = schema.validate_table(doc, shipped=shipped, stem=path.stem)
    except ValidationError as exc:
        for at, what, hint in schema.explain_table(exc, doc, schema.root_of(shipped, path.stem)):
            issues.append(Issue("error", shown, what, hint, _line(lines, at)))
        typed = None
    part = schema.parts(typed, doc, shipped)
    models, rates = part.models, part.rates
    out.provider, out.provider_name, out.pricing_url = part.provider, part.name, part.url
    for i, r in rates:
        out.rates.append(FxRate(krw_per_usd=r.krw_per_usd, date=r.date, source=r.source,
                                confidence=r.confidence, default=r.default, notes=r.notes,
                                origin=shown, line=lines.rate(i)))
    seen: set[str] = set()
    for i, m in models:
        if m.id in seen:
            continue
        seen.add(m.id)
        entry = _entry(m, i, lines, out.provider or "?", shown, layer, issues)
        if entry is not None:
            out.models.append(entry)
    return out


def _entry(m: Any, i: int, lines: _Lines, provider: str, path: str, layer: int,
           issues: list[Issue]) -> _ModelEntry | None:
    """A validated [[model]] as the loader keeps it; checks its tokenizer against the catalog."""
    line = lines.model(i)
    meta: dict[str, Any] = {k: getattr(m, k) for k in _META_KEYS if getattr(m, k) is not None}
    if "aliases" in meta:
        meta["aliases"] = tuple(meta["aliases"])
    if meta.get("tokenizer"):
        from tokcost.tokenizers.catalog import load_catalog

        catalog = load_catalog()
        if meta["tokenizer"] not in catalog:
            close = difflib.get_close_matches(meta["tokenizer"], list(catalog), n=2)
            issues.append(Issue(
                "error", path, f"model {m.id}: unknown tokenizer {meta['tokenizer']!r}",
                f"did you mean {' or '.join(close)}?" if close else
                "use a catalog id from `tokcost tokenizers list`", line))
    rows = [PriceRow(
        provider=provider, model=m.id, effective=p.effective, end=p.end, currency=p.currency,
        input=p.input, output=p.output, cached_input=p.cached_input, cache_write=p.cache_write,
        batch_discount=p.batch_discount, source=p.source, confidence=p.confidence,
        variant=p.variant, default=p.default, snapshots=tuple(p.snapshots), notes=p.notes,
        tiers=tuple(sorted((Tier(t.above_input_tokens, t.input, t.output, t.cached_input,
                                 t.cache_write) for t in p.tier),
                           key=lambda t: t.above_input_tokens)),
        origin=path, line=lines.price(i, j), layer=layer) for j, p in enumerate(m.price or [])]
    self_hosted = None
    if m.self_hosted is not None:
        sh = m.self_hosted
        spec = SelfHosted(gpu=sh.gpu, gpu_count=sh.gpu_count, gpu_hourly_usd=sh.gpu_hourly_usd,
                          output_tokens_per_s=sh.output_tokens_per_s,
                          prompt_tokens_per_s=sh.prompt_tokens_per_s, serving=sh.serving)
        self_hosted = (spec, {"effective": sh.effective, "source": sh.source,
                              "confidence": sh.confidence, "notes": sh.notes})
    return _ModelEntry(provider, m.id, meta, rows, self_hosted, path, line, layer)


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
    from pydantic import ValidationError

    from tokcost.schema.inputs import explain
    from tokcost.schema.tables import FeaturedIn

    try:
        return tuple(FeaturedIn.model_validate(raw).models)
    except ValidationError as exc:
        what, hint = explain(exc)
        raise PricingError(what, hint=hint, path=str(path)) from None


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
