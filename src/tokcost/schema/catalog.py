"""The typed record of the tokenizer catalog (``src/tokcost/tokenizers/catalog.toml``, or a catalog
given by path): one :class:`TokenizerIn` per ``[[tokenizer]]``.

:class:`CatalogIn` IS the validation of that file: unknown fields are refused, required ones
named, backends, exactness and API vendors are choices, hashes are hex of the right length, ids
are unique and a proxy names an entry of the catalog. :func:`explain_catalog` gives the first
problem as ``(entry index, what, how to fix)``; the loader adds the file and the entry's line.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from tokcost.schema.checks import choice as _choice
from tokcost.schema.checks import fail
from tokcost.schema.checks import flag as _flag
from tokcost.schema.checks import string as _string
from tokcost.schema.checks import text as _text

BACKENDS = ("tiktoken", "hf", "sentencepiece", "tekken", "transformers", "proxy", "api")
EXACTNESS = ("exact", "proxy", "none")
API_VENDORS = ("anthropic", "google", "naver")


def _strings(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
        raise fail(f"must be a string or a list of strings, not {v!r}", 'write ["...", "..."]')
    return tuple(v)


def _hex(n: int, what: str) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if not (isinstance(v, str) and len(v) == n and all(c in "0123456789abcdef" for c in v)):
            raise fail(f"not a {n}-digit hex {what}: {v!r}",
                       f"give the {n} lowercase hex digits of the {what}")
        return v
    return check


def _hexes(n: int, what: str) -> Callable[[Any], tuple[str, ...]]:
    one = _hex(n, what)

    def check(v: Any) -> tuple[str, ...]:
        return tuple(one(x) for x in _strings(v))
    return check


def _positive(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
        raise fail(f"must be a positive integer, not {v!r}", "e.g. vocab_size = 200019")
    return v


def _tables(v: Any) -> Any:
    if not isinstance(v, list) or not all(isinstance(r, dict) for r in v):
        raise fail("the tokenizer catalog must hold [[tokenizer]] tables",
                   "reinstall tokcost or fix the catalog")
    return v


Text = Annotated[str, Field(min_length=1), BeforeValidator(_text)]
Str = Annotated[str, BeforeValidator(_string)]
Flag = Annotated[bool, BeforeValidator(_flag)]
Strings = Annotated[tuple[str, ...], BeforeValidator(_strings)]
Sha256 = Annotated[str, Field(pattern="^[0-9a-f]{64}$"), BeforeValidator(_hex(64, "sha256"))]


class BundledIn(BaseModel):
    """A genuine copy of the tokenizer file inside an installed distribution's wheel."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    distribution: Text
    path: Text


class TokenizerIn(BaseModel):
    """``[[tokenizer]]``: one tokenizer, where its file comes from and how it is recognised
    (field reference: docs/tokenizers.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Text
    name: Text
    vendor: Text
    country: Text
    backend: Annotated[Literal["tiktoken", "hf", "sentencepiece", "tekken", "transformers",
                               "proxy", "api"], BeforeValidator(_choice(BACKENDS))]
    licence: Text
    exactness: Annotated[Literal["exact", "proxy", "none"], BeforeValidator(_choice(EXACTNESS))]
    korean_trained: Flag = False
    models: Strings = ()
    encoding: Text | None = None
    url: Text | None = None
    sha256: Sha256 | None = None
    repo: Text | None = None
    alt_repos: Strings = ()
    file: Text | None = None
    revision: Text = "main"
    gated: Flag = False
    vocab_size: Annotated[int, Field(gt=0), BeforeValidator(_positive)] | None = None
    note: Str = ""
    refs: Strings = ()
    bundled: tuple[BundledIn, ...] = ()
    proxy: Text | None = None
    trust_remote_code: Flag = False
    sha256_alt: Annotated[tuple[str, ...], BeforeValidator(_hexes(64, "sha256"))] = ()
    git_blob: Annotated[tuple[str, ...], BeforeValidator(_hexes(40, "git blob id"))] = ()
    llamacpp: Text | None = None  # llama.cpp's name for the pre-tokenizer (tokenizer.ggml.pre)
    llamacpp_hash: Sha256 | None = None  # its chkhsh (get_vocab_base_pre)
    llamacpp_bos: Text | None = None  # the BOS token the reference HF tokenizer prepends
    ko_check_hash: Sha256 | None = None  # tokcost's Korean check hash of the genuine file
    api: Annotated[Literal["anthropic", "google", "naver"],
                   BeforeValidator(_choice(API_VENDORS))] | None = None
    api_model: Text | None = None  # the model the endpoint counts with by default


class CatalogIn(BaseModel):
    """The catalog file: ``schema = 1`` and its ``[[tokenizer]]`` entries."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_: Literal[1] = Field(default=1, alias="schema")
    tokenizer: Annotated[list[TokenizerIn], BeforeValidator(_tables)] = []

    @model_validator(mode="after")
    def _ids(self) -> CatalogIn:
        ids = [t.id for t in self.tokenizer]
        for i, tid in enumerate(ids):
            if tid in ids[:i]:
                raise fail(f"duplicate catalog id {tid!r}", "give each [[tokenizer]] its own id",
                           ("tokenizer", i))
        for i, t in enumerate(self.tokenizer):
            if t.backend == "proxy" and t.proxy not in ids:
                raise fail(f"{t.id}: proxy {t.proxy!r} is not in the catalog",
                           "name the catalog id it is counted with", ("tokenizer", i))
        return self


def explain_catalog(err: ValidationError, doc: Any) -> tuple[int | None, str, str | None]:
    """The first problem as ``(entry index or None, what, how to fix)``; ``what`` names the
    entry (``[[tokenizer]] 3 (gpt2)``) and the field."""
    errors = err.errors(include_url=False)
    e = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])  # typos first
    loc = tuple(e["loc"])
    ctx = e.get("ctx") or {}
    at = tuple(ctx.get("at") or ())
    full = loc + at
    index = full[1] if len(full) > 1 and full[0] == "tokenizer" and isinstance(full[1], int) \
        else None
    rows = doc.get("tokenizer") if isinstance(doc, dict) else None
    raw = rows[index] if index is not None and isinstance(rows, list) else {}
    tid = raw.get("id", "?") if isinstance(raw, dict) else "?"
    entry = f"[[tokenizer]] {index + 1} ({tid})" if index is not None else ""
    field = _path(loc[2:]) if index is not None and not at else \
        str(loc[-1]) if loc and index is None and isinstance(loc[-1], str) else ""
    kind = str(e["type"])
    hint = str(ctx.get("hint") or "") or None
    if kind == "extra_forbidden":
        owner = BundledIn if "bundled" in loc else TokenizerIn if index is not None else CatalogIn
        allowed = sorted(f.alias or n for n, f in owner.model_fields.items())
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        what = f"unknown field {loc[-1]!r}"
        hint = f"did you mean {close[0]}?" if close else f"known fields: {', '.join(allowed)}"
        field = _path(loc[2:-1])
    elif kind == "missing":
        what, hint = f"missing {loc[-1]}", f'add {loc[-1]} = "..."'
        field = _path(loc[2:-1])
    elif kind == "tokcost":
        what = str(e["msg"])
    else:
        what, hint = str(e["msg"]), "see docs/tokenizers.md"
    where = " ".join(p for p in (entry, field) if p)
    return index, f"{where}: {what}" if where else what, hint


def _path(loc: tuple[int | str, ...]) -> str:
    """``('bundled', 0, 'path')`` → ``bundled 1 path`` (items counted from 1)."""
    return " ".join(str(p + 1) if isinstance(p, int) else p for p in loc)
