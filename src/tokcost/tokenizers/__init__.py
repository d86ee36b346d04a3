"""Tokenizer backends and the loader that picks one.

>>> from tokcost.tokenizers import load_tokenizer
>>> tok = load_tokenizer("o200k_base")          # doctest: +SKIP
>>> tok.count(["안녕하세요", "Hello"])           # doctest: +SKIP
[2, 1]
"""

from __future__ import annotations

import weakref
from functools import lru_cache
from pathlib import Path

from tokcost.errors import TokcostError
from tokcost.tokenizers.base import Piece, Tokenizer
from tokcost.tokenizers.catalog import CatalogEntry, parse_spec
from tokcost.tokenizers.resolver import Resolution, resolve

__all__ = ["Piece", "Tokenizer", "file_key", "load_tokenizer", "open_resolution", "split_spec"]


def split_spec(spec: str) -> tuple[str, Path | None]:
    """``ID=PATH`` names a file or directory for a catalog entry (resolution step 1)."""
    if "=" in spec and not spec.startswith(("hf:", "tiktoken:")):
        ident, _, path = spec.partition("=")
        return ident, Path(path).expanduser()
    return spec, None


# Backends whose counts depend only on the file (and, for tiktoken, the encoding's name).
_FILE_BACKENDS = frozenset({"tiktoken", "hf", "sentencepiece", "tekken"})
# Tokenizers open in this process by file_key: a second catalog id on the same file (``gemini``
# is counted with ``gemma-3``'s file) shares the loaded library object instead of loading it again.
_OPEN: weakref.WeakValueDictionary[tuple[str, ...], Tokenizer] = weakref.WeakValueDictionary()


def file_key(res: Resolution) -> tuple[str, str, str] | None:
    """What alone decides the counts of ``res`` — backend, file sha256 and tiktoken encoding —
    for the backends where the file does; ``None`` for vendor APIs and transformers (per-id
    options, remote code), which are never shared."""
    if res.backend not in _FILE_BACKENDS:
        return None
    return (res.backend, res.sha256, res.entry.encoding or "")


def open_resolution(res: Resolution, *, trust_remote_code: bool = False) -> Tokenizer:
    """The backend's tokenizer for ``res``; a file the backend cannot read (truncated or empty
    tokenizer.json, ``-t o200k_base=/etc/passwd``, a garbage SentencePiece model, a truncated
    tekken.json) is one line naming the file, never the library's traceback. A file already
    open in this process under another id is not loaded again (``file_key``)."""
    same = file_key(res)
    key: tuple[str, ...] | None = None
    if same is not None:
        from tokcost.tokenizers import fast_counter

        key = (*same, fast_counter.mode())  # TOKCOST_COUNTER is read when a file is opened
        loaded = _OPEN.get(key)
        if loaded is not None and loaded.id != res.entry.id:  # the same id opens afresh
            return loaded.for_resolution(res)
    try:
        tok = _open_backend(res, trust_remote_code=trust_remote_code)
        if key is not None:
            _OPEN[key] = tok
        return tok
    except (TokcostError, ImportError, KeyboardInterrupt):
        raise
    except MemoryError:
        raise TokcostError(f"{res.entry.id}: {res.path} is too large to load", path=str(res.path)
                           ) from None
    except Exception as err:  # tokenizers/tiktoken/sentencepiece raise what they like
        text = str(err).split("\n", 1)[0][:200] or type(err).__name__
        raise TokcostError(f"cannot load this file as a {res.backend} tokenizer "
                           f"for {res.entry.id}: {text}", path=str(res.path),
                           hint="it is truncated, corrupt or not a tokenizer file; pull it again "
                           "(tokcost tokenizers pull --force) or name the right file") from None


def _open_backend(res: Resolution, *, trust_remote_code: bool = False) -> Tokenizer:
    backend = res.backend
    if backend == "tiktoken":
        from tokcost.tokenizers.tiktoken_backend import TiktokenTokenizer

        return TiktokenTokenizer(res)
    if backend == "hf":
        from tokcost.tokenizers.hf_backend import HFTokenizer

        return HFTokenizer(res)
    if backend == "sentencepiece":
        from tokcost.tokenizers.sentencepiece_backend import SentencePieceTokenizer

        return SentencePieceTokenizer(res)
    if backend == "tekken":
        from tokcost.tokenizers.tekken_backend import TekkenTokenizer

        return TekkenTokenizer(res)
    if backend == "vendor-api":
        from tokcost.tokenizers.api_backend import ApiTokenizer

        return ApiTokenizer(res)
    if backend == "transformers":
        from tokcost.tokenizers.transformers_backend import TransformersTokenizer

        return TransformersTokenizer(res, trust_remote_code=trust_remote_code)
    raise TokcostError(f"{res.entry.id}: backend {backend!r} cannot count tokens")


def resolve_spec(
    spec: str | CatalogEntry, *, download: bool = False
) -> Resolution:
    if isinstance(spec, CatalogEntry):
        entry, user_path = spec, None
    else:
        ident, user_path = split_spec(spec)
        entry = parse_spec(ident)
    try:
        return resolve(entry, user_path)
    except TokcostError:
        if not download or user_path is not None:
            raise
    from tokcost.tokenizers.pull import pull

    pull(entry)
    return resolve(entry)


@lru_cache(maxsize=64)
def _load_cached(spec: str, download: bool, trust_remote_code: bool, key: str) -> Tokenizer:
    return open_resolution(resolve_spec(spec, download=download),
                           trust_remote_code=trust_remote_code)


def forget_loaded() -> None:
    """Drop the tokenizers ``load_tokenizer`` keeps for this process (each loads again on its
    next use); a caller that still holds one keeps it."""
    _load_cached.cache_clear()


def load_tokenizer(
    spec: str | CatalogEntry, *, download: bool = False, trust_remote_code: bool = False
) -> Tokenizer:
    """Load a tokenizer from a catalog id, an ad-hoc spec (``hf:ORG/REPO``, ``tiktoken:NAME``,
    a path) or ``ID=PATH``. Never touches the network unless ``download`` is true."""
    if isinstance(spec, CatalogEntry):
        return open_resolution(resolve_spec(spec, download=download),
                               trust_remote_code=trust_remote_code)
    import os

    # --strict and --api-count change what a spec resolves to
    key = "\0".join(os.environ.get(v, "") for v in
                     ("TOKCOST_TOKENIZERS_DIR", "TOKCOST_STRICT", "TOKCOST_API_COUNT"))
    return _load_cached(spec, download, trust_remote_code, key)
