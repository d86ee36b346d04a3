"""Model id -> catalog tokenizer family rules (``families.toml``), with a ``tokenizer_match`` label.

Every priced model that does not name its tokenizer (all genai-prices models) gets one here; a
model no rule matches is ``none``: reported, never costed with an unrelated tokenizer.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tokcost import tomlsafe
from tokcost.errors import TokcostError

TOKENIZER_MATCH = ("exact", "presumed", "proxy", "vendor-api", "none")
FAMILIES_FILE = Path(__file__).with_name("families.toml")


@dataclass(frozen=True)
class Family:
    """One rule: model-id globs -> a catalog tokenizer id (None = no public tokenizer)."""

    match: tuple[str, ...]
    tokenizer: str | None
    tokenizer_match: str
    note: str = ""

    def matches(self, model_id: str) -> bool:
        mid = model_id.lower()
        tail = mid.rsplit("/", 1)[-1]
        return any(fnmatch.fnmatchcase(mid, p.lower()) or fnmatch.fnmatchcase(tail, p.lower())
                   for p in self.match)


NO_RULE = Family((), None, "none", "no family rule matches this model id: reported, never costed")


def _parse(raw: dict, path: Path) -> tuple[Family, ...]:
    if raw.get("schema") != 1:
        raise TokcostError("families.toml: schema must be 1", path=str(path))
    out: list[Family] = []
    for i, fam in enumerate(raw.get("family", []), 1):
        pats = fam.get("match")
        label = fam.get("tokenizer_match")
        tok = fam.get("tokenizer")
        if not isinstance(pats, list) or not pats or not all(isinstance(p, str) for p in pats):
            raise TokcostError(f"families.toml: family {i}: match must be a list of globs",
                               path=str(path))
        if label not in TOKENIZER_MATCH:
            raise TokcostError(f"families.toml: family {i}: tokenizer_match {label!r}",
                               hint=f"use one of {', '.join(TOKENIZER_MATCH)}", path=str(path))
        if not isinstance(tok, str):
            raise TokcostError(f"families.toml: family {i}: tokenizer must be a string",
                               path=str(path))
        out.append(Family(tuple(pats), tok or None, label, str(fam.get("note", ""))))
    return tuple(out)


@cache
def load_families(path: Path = FAMILIES_FILE) -> tuple[Family, ...]:
    """The rules of ``families.toml`` in order (validated; a catalog id must exist)."""
    from tokcost.tokenizers.catalog import load_catalog

    try:
        raw = tomlsafe.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TokcostError(f"cannot read families.toml ({exc})", path=str(path)) from None
    rules = _parse(raw, path)
    catalog = load_catalog()
    for r in rules:
        if r.tokenizer is not None and r.tokenizer not in catalog:
            raise TokcostError(f"families.toml: unknown tokenizer {r.tokenizer!r}",
                               hint="use a catalog id from `tokcost tokenizers list`",
                               path=str(path))
    return rules


def family_for(model_id: str) -> Family:
    """The first rule matching ``model_id``, else :data:`NO_RULE` (``none``)."""
    for rule in load_families():
        if rule.matches(model_id):
            return rule
    return NO_RULE
