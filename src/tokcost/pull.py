"""Downloading tokenizer files: only through ``tokcost tokenizers pull`` or ``--download``.

Hub repos are fetched from ``$HF_ENDPOINT/<repo>/resolve/<revision>/<file>`` (default
https://huggingface.co) with ``$HF_TOKEN`` as bearer token, the same variables huggingface_hub
reads; tiktoken encodings from their published URL. Files are verified by sha256 where the
catalog knows it and written atomically in the mirror layout (``<org>/<repo>/<file>``,
``tiktoken/<enc>.tiktoken``), so a pulled directory can serve as ``TOKCOST_TOKENIZERS_DIR``
on an air-gapped machine.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tokcost.catalog import DIR_CANDIDATES, CatalogEntry, load_catalog
from tokcost.errors import DownloadError, TokcostError
from tokcost.hashing import sha256_file
from tokcost.paths import tokenizer_cache_dir

DEFAULT_ENDPOINT = "https://huggingface.co"


@dataclass(frozen=True)
class Pulled:
    tokenizer: str
    path: Path
    sha256: str
    status: str  # downloaded | present


def _timeout() -> float:
    return float(os.environ.get("TOKCOST_DOWNLOAD_TIMEOUT", "30"))


class _NotFound(Exception):
    pass


def _fetch(url: str, dest: Path, *, token: str | None, expected: str | None, what: str) -> str:
    """Stream ``url`` into ``dest`` atomically; return its sha256. Nothing is left on failure."""
    headers = {"User-Agent": "tokcost"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, headers=headers)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    h = hashlib.sha256()
    try:
        try:
            with urllib.request.urlopen(req, timeout=_timeout()) as resp, os.fdopen(fd, "wb") as out:
                for block in iter(lambda: resp.read(1 << 20), b""):
                    h.update(block)
                    out.write(block)
        except urllib.error.HTTPError as err:
            if err.code == 404:
                raise _NotFound from None
            if err.code in (401, 403):
                raise DownloadError(
                    f"{what}: access denied (HTTP {err.code}); the repository is gated or private",
                    hint="accept its licence on the hub, then set HF_TOKEN to a token with access",
                ) from None
            raise DownloadError(f"{what}: HTTP {err.code} from {url}") from None
        except (urllib.error.URLError, socket.timeout, ConnectionError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise DownloadError(
                f"{what}: cannot download {url} ({reason})",
                hint="check the network, or copy a mirror and set TOKCOST_TOKENIZERS_DIR",
            ) from None
        digest = h.hexdigest()
        if expected and digest != expected:
            raise DownloadError(
                f"{what}: sha256 mismatch for {url}: got {digest[:12]}…, expected {expected[:12]}…",
                hint="the file was not kept; the source may have changed or been tampered with",
            )
        os.replace(tmp, dest)
        return digest
    finally:
        Path(tmp).unlink(missing_ok=True)


def _target_paths(entry: CatalogEntry, root: Path) -> list[tuple[str, Path]]:
    """(url, destination) pairs to try in order until one exists upstream."""
    if entry.backend == "tiktoken":
        if not entry.url:
            raise TokcostError(f"{entry.id}: no download URL is known for this encoding")
        return [(entry.url, root / "tiktoken" / f"{entry.encoding}.tiktoken")]
    endpoint = os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).rstrip("/")
    files = (entry.file,) if entry.file else DIR_CANDIDATES
    out = []
    for repo in entry.repos:
        for name in files:
            url = f"{endpoint}/{repo}/resolve/{entry.revision}/{name}"
            out.append((url, root.joinpath(*repo.split("/"), name)))
    return out


def pull(entry: CatalogEntry, to: Path | None = None, *, force: bool = False) -> Pulled:
    """Fetch one tokenizer's file into ``to`` (default: tokcost's cache)."""
    if entry.backend == "proxy":
        assert entry.proxy
        return pull(load_catalog()[entry.proxy], to, force=force)
    if entry.backend == "api":
        raise TokcostError(f"{entry.id}: {entry.name} publishes no tokenizer to download")
    root = to if to is not None else tokenizer_cache_dir()
    token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN")
    tried = []
    for url, dest in _target_paths(entry, root):
        if dest.exists():
            digest = sha256_file(dest)
            if not entry.sha256 or digest == entry.sha256:
                return Pulled(entry.id, dest, digest, "present")
            if not force:
                raise TokcostError(
                    f"{dest} exists and differs from the catalog's sha256",
                    hint="pass --force to replace it",
                )
        try:
            digest = _fetch(url, dest, token=token, expected=entry.sha256, what=entry.id)
        except _NotFound:
            tried.append(url)
            continue
        return Pulled(entry.id, dest, digest, "downloaded")
    raise DownloadError(
        f"{entry.id}: not found upstream (HTTP 404) at {', '.join(tried)}",
        hint="the repository may have moved; report it, or name a file with -t ID=PATH",
    )
