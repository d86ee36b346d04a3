"""Opt-in extra price source: LiteLLM's bundled price map (``--extra-prices litellm``).

The JSON file ``litellm/model_prices_and_context_window_backup.json`` ships inside the LiteLLM
wheel. tokcost reads it from the installed distribution (located with importlib.metadata; LiteLLM
is never imported) and uses it ONLY for model ids that are not in tokcost's own cited tables.

Every row from it is labelled ``source = "LiteLLM <version> price map"``, ``confidence = "low"``:
the map has no dates, no history and no per-price citations we have checked. Its ``effective``
date is the day the installed file was written (a first-seen date on this machine), so an
``as_of`` before that returns None. Chat, completion and responses models with a positive
per-token input and output price are used; everything else is skipped (never priced at 0).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from tokcost.errors import TokcostError
from tokcost.pricing.records import PER_TOKENS, Model, PriceRow, Tier

DISTRIBUTION = "litellm"
JSON_PATH = "litellm/model_prices_and_context_window_backup.json"
MODES = frozenset({"chat", "completion", "responses"})
_TIER = re.compile(r"^input_cost_per_token_above_(\d+)k_tokens$")


def _per_m(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return round(float(value) * PER_TOKENS, 10)


@dataclass
class LiteLLMPrices:
    """LiteLLM's price map as an extra, low-confidence source."""

    version: str
    path: Path
    seen: date
    _raw: dict[str, Any] = field(repr=False, default_factory=dict)
    _cache: dict[str, Model | None] = field(repr=False, default_factory=dict)

    @property
    def label(self) -> str:
        return f"LiteLLM {self.version} price map"

    def model(self, model_id: str) -> Model | None:
        """LiteLLM's entry for exactly ``model_id`` as a :class:`Model`, or None."""
        if model_id not in self._cache:
            raw = self._raw.get(model_id)
            self._cache[model_id] = self._to_model(model_id, raw) if isinstance(raw, dict) \
                else None
        return self._cache[model_id]

    def models(self) -> Iterator[Model]:
        for key in self._raw:
            m = self.model(key)
            if m is not None:
                yield m

    def _to_model(self, key: str, raw: dict[str, Any]) -> Model | None:
        if key == "sample_spec" or raw.get("mode") not in MODES:
            return None
        inp = _per_m(raw.get("input_cost_per_token"))
        out = _per_m(raw.get("output_cost_per_token"))
        if not inp or not out:  # absent or 0: unpriced, never 0
            return None
        tiers = []
        for k in raw:
            m = _TIER.match(k)
            if not m:
                continue
            n = m.group(1)
            t_in = _per_m(raw[k])
            t_out = _per_m(raw.get(f"output_cost_per_token_above_{n}k_tokens"))
            if t_in and t_out:
                tiers.append(Tier(int(n) * 1000, t_in, t_out,
                                  _per_m(raw.get(f"cache_read_input_token_cost_above_{n}k_tokens")) or None,
                                  _per_m(raw.get(f"cache_creation_input_token_cost_above_{n}k_tokens"))))
        notes = [f"From {self.label} (bundled in the installed wheel): no dates, no history, "
                 "not checked by tokcost. Used only because this model is not in tokcost's "
                 "cited tables. effective = the day the file was installed here."]
        if "off_peak_pricing" in raw:
            notes.append("LiteLLM also lists off-peak prices; the standard (peak) price is used.")
        if "tiered_pricing" in raw:
            notes.append("LiteLLM lists tiered pricing for this model; only the base price is used.")
        url = raw.get("source")
        if isinstance(url, str) and url:
            notes.append(f"LiteLLM cites {url}.")
        provider = str(raw.get("litellm_provider") or "litellm")
        from tokcost.tokenizers.families import family_for

        fam = family_for(key)  # the same family rules as genai-prices' models, same labels
        row = PriceRow(
            provider=provider, model=key, effective=self.seen, currency="USD", input=inp,
            output=out, cached_input=_per_m(raw.get("cache_read_input_token_cost")) or None,
            cache_write=_per_m(raw.get("cache_creation_input_token_cost")),
            source=self.label, snapshots=(f"LiteLLM {self.version}",), confidence="low",
            notes=" ".join(notes), tiers=tuple(sorted(tiers, key=lambda t: t.above_input_tokens)),
            origin=str(self.path), layer=-1)
        deprecated = None
        dep = raw.get("deprecation_date")
        if isinstance(dep, str):
            try:
                deprecated = date.fromisoformat(dep)
            except ValueError:
                deprecated = None
        ctx = raw.get("max_input_tokens")
        return Model(
            provider=provider, id=key, name=key, tokenizer=fam.tokenizer,
            tokenizer_confidence="high" if fam.tokenizer_match == "exact" else "low",
            tokenizer_note=fam.note, tokenizer_match=fam.tokenizer_match,
            context_window=ctx if isinstance(ctx, int) and not isinstance(ctx, bool) and ctx > 0
            else None,
            deprecated=deprecated, prices=(row,), kind="extra")


def locate_litellm_json() -> tuple[str, Path]:
    """(version, path) of LiteLLM's price map in the installed wheel, or a one-line error."""
    from importlib import metadata

    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise TokcostError(
            "--extra-prices litellm needs the litellm package installed",
            hint="pip install 'tokcost[offline]' (or pip install litellm); it is read, "
            "never imported") from None
    path = Path(str(dist.locate_file(JSON_PATH)))
    if not path.is_file():
        raise TokcostError(f"litellm {dist.version} has no {JSON_PATH}",
                           hint="install a litellm release that bundles its price map")
    return dist.version, path


@cache
def _load(version: str, path: Path, mtime_ns: int) -> LiteLLMPrices:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TokcostError(f"cannot read LiteLLM's price map ({exc})", path=str(path)) from None
    if not isinstance(raw, dict):
        raise TokcostError("LiteLLM's price map is not a JSON object", path=str(path))
    seen = date.fromtimestamp(mtime_ns / 1e9)
    return LiteLLMPrices(version=version, path=path, seen=seen, _raw=raw)


def load_litellm() -> LiteLLMPrices:
    """LiteLLM's price map from the installed wheel (cached per file version)."""
    version, path = locate_litellm_json()
    return _load(version, path, path.stat().st_mtime_ns)
