"""Counting a text or files with several tokenizers: ``tokcost count`` and ``tokcost.count``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tokcost.errors import TokcostError
from tokcost.tokenizers import Tokenizer, load_tokenizer
from tokcost.tokenizers.catalog import load_catalog
from tokcost.tokenizers.resolver import is_available

_LEFT_OUT_NOTED: set[str] = set()


def available_tokenizer_ids() -> list[str]:
    """Catalog ids whose files are on this machine (proxy entries included, labelled); with
    ``--api-count``, the API-counted entries whose vendor's key is set (the others are named on
    stderr once, with the variable to set, instead of failing the whole run)."""
    from tokcost.tokenizers.switches import api_key_envs, api_key_set

    ids: list[str] = []
    left_out: list[str] = []
    for e in load_catalog().values():
        if not (e.countable and is_available(e)):
            continue
        if e.backend == "api" and e.api and not api_key_set(e.api):
            left_out.append(f"{e.id} ({api_key_envs(e.api)} not set)")
            continue
        ids.append(e.id)
    note = ", ".join(x for x in left_out if x not in _LEFT_OUT_NOTED)
    if note:
        import sys

        _LEFT_OUT_NOTED.update(left_out)
        sys.stderr.write(f"warning: not counted through a vendor API: {note}\n")
    return ids


def load_many(
    specs: Sequence[str] | None, *, download: bool = False, trust_remote_code: bool = False
) -> list[Tokenizer]:
    ids = list(specs) if specs else available_tokenizer_ids()
    if not ids:
        raise TokcostError(
            "no tokenizer is available offline",
            hint="pip install 'tokcost[offline]', set TOKCOST_TOKENIZERS_DIR, "
            "or run `tokcost tokenizers pull o200k_base`",
        )
    return one_per_id([load_tokenizer(s, download=download, trust_remote_code=trust_remote_code)
                       for s in ids], ids)


T = TypeVar("T")


def one_per_id(toks: Sequence[T], specs: Sequence[str]) -> list[T]:
    """Each tokenizer id once: rows, caches and engines are keyed by id, so two files under one
    id (``-t ax-4.0 -t ax-4.0=OTHER``) would show one file's counts twice. The same file given
    twice is kept once; two different files under one id are one clear line."""
    seen: dict[str, tuple[str, str]] = {}
    out: list[T] = []
    for tok, spec in zip(toks, specs, strict=True):
        tid = tok.id  # type: ignore[attr-defined]
        sha = tok.resolution.sha256  # type: ignore[attr-defined]
        if tid in seen:
            first_spec, first_sha = seen[tid]
            if first_sha == sha:
                continue
            raise TokcostError(
                f"-t {first_spec!r} and -t {spec!r} are two different files under one id "
                f"{tid!r} (sha256 {first_sha[:12]} and {sha[:12]}): their rows would collide",
                hint="measure one of them at a time, or give the other copy by its path alone "
                "(-t PATH), which is its own id",
            )
        seen[tid] = (spec, sha)
        out.append(tok)
    return out


def check_text(text: str, label: str = "text") -> None:
    """A text no tokenizer can count — a lone surrogate such as ``"\\ud800"``, which is not a
    character and has no UTF-8 form — is one clear line (``TokcostError``), not a traceback."""
    if not isinstance(text, str):
        raise TokcostError(f"{label}: expected text (str), got {type(text).__name__}")
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise TokcostError(
            f"{label}: lone surrogate U+{ord(text[exc.start]):04X} at character {exc.start + 1} "
            "(half of a UTF-16 pair, not a character)",
            hint="fix the text's encoding; a whole pair such as \\ud83d\\ude00 is one character",
        ) from None


@dataclass(frozen=True)
class CountRow:
    tokenizer: str
    label: str
    tokens: int
    chars: int
    bytes: int
    exactness: str
    proxy_of: str | None
    sha256: str
    labels: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The row as written (``tokcost/count/1``), validated as
        :class:`tokcost.schema.count.CountRecord`: a renamed, missing or extra key fails here."""
        from tokcost.schema.base import checked
        from tokcost.schema.count import CountRecord

        (row,) = checked(CountRecord, [self._dict()])
        return row

    def _dict(self) -> dict[str, Any]:
        return {
            "tokenizer": self.tokenizer,
            "input": self.label,
            "tokens": self.tokens,
            "chars": self.chars,
            "bytes": self.bytes,
            "chars_per_token": round(self.chars / self.tokens, 4) if self.tokens else None,
            "bytes_per_token": round(self.bytes / self.tokens, 4) if self.tokens else None,
            "exactness": self.exactness,
            "proxy_of": self.proxy_of,
            "tokenizer_sha256": self.sha256,
            **(self.labels or {}),
        }


def rows_from_counts(
    tokenizers: Sequence[Tokenizer],
    labels: Sequence[str],
    sizes: Sequence[tuple[int, int]],
    counts: dict[str, list[int]],
    *,
    total: bool = False,
) -> list[CountRow]:
    """One row per tokenizer × input from tokens counted elsewhere (an engine): ``sizes`` are
    each input's (characters, UTF-8 bytes), ``counts`` each tokenizer id's tokens per input, in
    the order of ``labels``. ``total`` folds the inputs into one row per tokenizer."""
    if total and labels:
        labels = [f"{len(labels)} inputs" if len(labels) > 1 else labels[0]]
        sizes = [(sum(c for c, _ in sizes), sum(b for _, b in sizes))]
        counts = {k: [sum(v)] for k, v in counts.items()}
    rows = []
    for tok in tokenizers:
        res = tok.resolution
        for label, (nchars, nbytes), n in zip(labels, sizes, counts[tok.id], strict=True):
            rows.append(CountRow(tok.id, label, n, nchars, nbytes,
                                 res.entry.exactness if not res.entry.adhoc else "exact",
                                 res.proxy_of, res.sha256, res.labels()))
    return rows


def count_texts(
    texts: Sequence[tuple[str, str]],
    tokenizers: Sequence[Tokenizer],
    *,
    add_special_tokens: bool = False,
) -> list[CountRow]:
    """One row per (tokenizer, labelled text); each text is tokenized whole."""
    for label, text in texts:
        check_text(text, label)
    counts = {tok.id: tok.count([t for _, t in texts], add_special_tokens=add_special_tokens)
              for tok in tokenizers}
    return rows_from_counts(tokenizers, [label for label, _ in texts],
                            [(len(t), len(t.encode("utf-8"))) for _, t in texts], counts)


def count(
    text: str, tokenizers: Sequence[str] | None = None, *, add_special_tokens: bool = False
) -> list[dict[str, Any]]:
    """Library API: token counts of ``text`` on each tokenizer (default: all available)."""
    toks = load_many(tokenizers)
    return [r.as_dict() for r in count_texts([("text", text)], toks,
                                             add_special_tokens=add_special_tokens)]
