"""``tokcost tokenizers verify``: prove a tokenizer file's identity (the checks themselves are in
:mod:`tokcost.tokenizers.identity`: sha256, git blob id, llama.cpp's pre-tokenizer hash)."""

from __future__ import annotations

from typing import Any

from tokcost.tokenizers.identity import (
    CHKTXT,
    CHKTXT_SHA256,
    UNVERIFIED,
    VERIFIED,
    Check,
    VerifyResult,
    check_file,
    chktxt_sha256,
    git_blob_id,
    identify,
    llamacpp_hash,
)

__all__ = ["CHKTXT", "CHKTXT_SHA256", "UNVERIFIED", "VERIFIED", "Check", "VerifyResult",
           "check_file", "chktxt_sha256", "git_blob_id", "identify", "llamacpp_hash", "verify"]


def verify(target: Any, *, llamacpp: bool = True) -> VerifyResult:
    """Verify a catalog id, an ``ID=PATH`` spec, a path, a ``CatalogEntry`` or a ``Resolution``.

    A catalog entry is checked on the file tokcost resolves for it (offline); a bare path is
    matched against the catalog (by sha256) and checked against the entry it turns out to be."""
    from tokcost.tokenizers.catalog import CatalogEntry, load_catalog, parse_spec
    from tokcost.tokenizers.resolver import Resolution, resolve

    if isinstance(target, Resolution):
        res = target
    else:
        if isinstance(target, CatalogEntry):
            entry, user_path = target, None
        else:
            from tokcost.tokenizers import split_spec

            ident, user_path = split_spec(str(target))
            entry = parse_spec(ident)
        if entry.backend in ("api",):
            return VerifyResult(entry.id, None, UNVERIFIED, None, (),
                                "not published: there is no file to verify (counted only through "
                                "the vendor's token-count API)")
        res = resolve(entry, user_path, check_identity=False)
    entry = res.entry
    if res.proxy_of:
        entry = load_catalog()[res.proxy_of]
    if entry.adhoc:
        found = identify(res.path, res.sha256)
        if found is None:
            return VerifyResult(entry.id, res.path, UNVERIFIED, None, (),
                                "no catalog entry records this file's sha256", res.sha256)
        out = check_file(res.path, found, digest=res.sha256, llamacpp=llamacpp)
        return VerifyResult(str(res.path), res.path, out.identity, out.method, out.checks,
                            f"{out.reason} (it is {found.id})", out.sha256, out.git_blob,
                            out.llamacpp_hash, found.id)
    return check_file(res.path, entry, digest=res.sha256, llamacpp=llamacpp)
