"""What ``tokcost tokenizers list|show`` shows, as typed rows (``schema.listing``): each catalog
entry and where its file resolves from on this machine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokcost.tokenizers.catalog import CatalogEntry
from tokcost.tokenizers.resolver import Candidate, Resolution


def entry_row(entry: CatalogEntry, *, check: bool = True) -> dict[str, Any]:
    """One entry as ``tokcost/tokenizers-list/1`` writes it; ``check`` looks for its file."""
    from tokcost.schema.base import checked
    from tokcost.schema.listing import TokenizerListRecord

    return checked(TokenizerListRecord, [_entry_fields(entry, check=check)])[0]


def _entry_fields(entry: CatalogEntry, *, check: bool) -> dict[str, Any]:
    from tokcost.errors import TokcostError
    from tokcost.tokenizers.resolver import resolve

    row: dict[str, Any] = {
        "id": entry.id, "name": entry.name, "vendor": entry.vendor, "country": entry.country,
        "korean_trained": entry.korean_trained, "backend": entry.backend,
        "exactness": entry.exactness, "proxy": entry.proxy, "models": list(entry.models),
        "repo": entry.repo, "encoding": entry.encoding, "licence": entry.licence,
        "available": False, "source": None, "path": None, "sha256": None,
        "identity": None, "tokenizer_match": None,
    }
    if check and entry.countable:
        try:
            res = resolve(entry)
        except TokcostError:
            pass
        else:
            row.update(available=True, source=res.origin, path=str(res.path), sha256=res.sha256,
                       identity=res.identity, tokenizer_match=res.tokenizer_match)
    if entry.backend == "api":
        row["source"] = "not published"
    return row


def catalog_rows(*, available_only: bool = False) -> list[dict[str, Any]]:
    """Every catalog entry (or only those on this machine) with where it resolves from."""
    from tokcost.tokenizers.catalog import load_catalog

    rows = [entry_row(e) for e in load_catalog().values()]
    return [r for r in rows if r["available"]] if available_only else rows


@dataclass(frozen=True)
class EntryDetail:
    """One entry in full: ``info`` is the ``tokcost/tokenizers-show/1`` record; the rest is
    what the terminal view walks (the proxied entry, the places looked at, what was used)."""

    entry: CatalogEntry
    target: CatalogEntry  # the entry itself, or the one a proxy counts with
    candidates: list[Candidate]
    resolution: Resolution | None
    info: dict[str, Any]


def entry_detail(spec: str) -> EntryDetail:
    """``spec`` (a catalog id or ``ID=PATH``): its metadata, every place its file is looked for
    in order (with whether each copy has the catalog's sha256), and the one used."""
    from tokcost.errors import TokcostError
    from tokcost.schema.base import checked
    from tokcost.schema.listing import TokenizerShowRecord
    from tokcost.tokenizers import split_spec
    from tokcost.tokenizers.catalog import load_catalog, parse_spec
    from tokcost.tokenizers.resolver import candidates, resolve

    ident, user_path = split_spec(spec)
    entry = parse_spec(ident)
    target = load_catalog()[entry.proxy] if entry.backend == "proxy" and entry.proxy else entry
    cands = candidates(target, user_path) if entry.countable else []
    try:
        res = resolve(entry, user_path) if entry.countable else None
    except TokcostError:
        res = None
    info = _entry_fields(entry, check=False)
    info.update(
        note=entry.note,
        refs=list(entry.refs),
        catalog_sha256=target.sha256,
        available=res is not None,
        source=res.origin if res else None,
        path=str(res.path) if res else None,
        sha256=res.sha256 if res else None,
        sha256_verified=res.verified if res else None,
        identity=res.identity if res else None,
        identity_method=res.identity_method if res else None,
        identity_reason=res.identity_reason if res else None,
        tokenizer_match=res.tokenizer_match if res else None,
        resolution=[{"step": c.origin, "path": str(c.path), "found": c.found, "note": c.note,
                     "sha256_matches": _matches(c.path, target.sha256) if c.found else None}
                    for c in cands],
    )
    checked(TokenizerShowRecord, [info])
    return EntryDetail(entry, target, cands, res, info)


def _matches(path: Path, expected: str | None) -> bool | None:
    """Whether ``path`` has the catalog's sha256 (None: the catalog records none)."""
    from tokcost.hashing import sha256_file

    if not expected or not path.is_file():
        return None
    try:
        return sha256_file(path) == expected
    except OSError:
        return False
