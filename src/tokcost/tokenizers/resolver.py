"""Where a tokenizer's files are found, offline first.

Order (see docs/tokenizers.md):
1. a file or directory the user names (``-t ID=PATH`` or a path spec);
2. the directories in ``$TOKCOST_TOKENIZERS_DIR`` (``<org>/<repo>/…``, ``tiktoken/<enc>.tiktoken``);
3. tokcost's user cache, then tiktoken's / the Hugging Face hub's own caches;
4. genuine copies bundled inside installed wheels (litellm, mistral-common), verified by sha256;
5. a download, only when asked (``tokcost tokenizers pull`` or ``--download``).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from tokcost.errors import TokcostError, TokenizerUnavailable
from tokcost.hashing import sha256_file
from tokcost.paths import mirror_dirs, tiktoken_cache_dir, tokenizer_cache_dir
from tokcost.tokenizers.catalog import DIR_CANDIDATES, CatalogEntry, backend_for_file, load_catalog


@dataclass(frozen=True)
class Candidate:
    origin: str  # user | mirror | cache | tiktoken-cache | hf-cache | bundled
    path: Path
    found: bool
    note: str = ""


@dataclass(frozen=True)
class Resolution:
    entry: CatalogEntry
    backend: str
    path: Path
    origin: str
    sha256: str
    verified: bool | None  # True: equals the catalog's sha256; False: differs; None: none known
    tried: tuple[Candidate, ...] = field(default=(), compare=False)
    proxy_of: str | None = None  # set when ``entry`` is counted with another entry's files
    # What is known of the file (docs/tokenizers.md, "Identity"): ``verified`` when a recorded
    # sha256, git blob id or llama.cpp check hash matches, else ``unverified``.
    identity: str = "unverified"
    identity_method: str | None = None
    identity_reason: str = ""

    @property
    def source(self) -> str:
        return f"{self.origin}:{self.path}"

    @property
    def tokenizer_match(self) -> str:
        """How the entry's models are tied to this count: ``vendor-api``, ``proxy``, ``none``,
        ``exact`` (a documented tokenizer whose file is verified) or ``presumed`` (unverified)."""
        if self.backend == "vendor-api":
            return "vendor-api"
        if self.proxy_of or self.entry.exactness == "proxy":
            return "proxy"
        if self.entry.exactness == "none":
            return "none"
        return "exact" if self.identity == "verified" else "presumed"

    def labels(self) -> dict[str, object]:
        """The identity fields every count / measure / cost row carries."""
        return {"identity": self.identity, "identity_method": self.identity_method,
                "tokenizer_match": self.tokenizer_match}


def _file_in_dir(directory: Path, entry: CatalogEntry) -> Path | None:
    names = (entry.file,) if entry.file else DIR_CANDIDATES
    for name in names:
        p = directory / name
        if p.is_file():
            return p
    return None


def _relative_paths(entry: CatalogEntry) -> list[Path]:
    """Where the entry's file sits inside a mirror or cache directory (layout 2)."""
    if entry.backend == "tiktoken":
        return [Path("tiktoken") / f"{entry.encoding}.tiktoken"]
    return [Path(*repo.split("/")) for repo in entry.repos]


def _hf_hub_cache() -> Path:
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "huggingface"
    )
    return Path(home) / "hub"


def _hf_cached_file(repo: str, entry: CatalogEntry) -> Path | None:
    base = _hf_hub_cache() / ("models--" + repo.replace("/", "--"))
    ref = base / "refs" / entry.revision
    if not ref.is_file():
        return None
    snapshot = base / "snapshots" / ref.read_text().strip()
    return _file_in_dir(snapshot, entry) if snapshot.is_dir() else None


def _bundled_file(distribution: str, rel: str) -> Path | None:
    """A file inside an installed distribution, located without importing it."""
    from importlib import metadata

    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return None
    p = Path(str(dist.locate_file(rel)))
    return p if p.is_file() else None


def candidates(entry: CatalogEntry, user_path: Path | None = None) -> list[Candidate]:
    """Every place the entry's file is looked for, in order, and whether it is there."""
    out: list[Candidate] = []
    if user_path is not None:
        p = _file_in_dir(user_path, entry) if user_path.is_dir() else user_path
        out.append(Candidate("user", p or user_path, bool(p and p.is_file())))
        return out
    if entry.adhoc and entry.repo is None and entry.encoding is None:
        p = Path(entry.id)
        f = _file_in_dir(p, entry) if p.is_dir() else p
        out.append(Candidate("user", f or p, bool(f and f.is_file())))
        return out
    for root in mirror_dirs():
        for rel in _relative_paths(entry):
            d = root / rel
            if entry.backend == "tiktoken":
                out.append(Candidate("mirror", d, d.is_file()))
            else:
                f = _file_in_dir(d, entry)
                out.append(Candidate("mirror", f or d, f is not None))
    cache = tokenizer_cache_dir()
    for rel in _relative_paths(entry):
        d = cache / rel
        if entry.backend == "tiktoken":
            out.append(Candidate("cache", d, d.is_file()))
        else:
            f = _file_in_dir(d, entry)
            out.append(Candidate("cache", f or d, f is not None))
    if entry.backend == "tiktoken" and entry.url:
        p = tiktoken_cache_dir() / hashlib.sha1(entry.url.encode()).hexdigest()
        out.append(Candidate("tiktoken-cache", p, p.is_file()))
    if entry.backend != "tiktoken":
        for repo in entry.repos:
            f = _hf_cached_file(repo, entry)
            d = _hf_hub_cache() / ("models--" + repo.replace("/", "--"))
            out.append(Candidate("hf-cache", f or d, f is not None))
    for b in entry.bundled:
        p = _bundled_file(b.distribution, b.path)
        out.append(
            Candidate("bundled", p or Path(f"<{b.distribution}>/{b.path}"), p is not None,
                      "" if p else f"pip install {b.distribution}")
        )
    return out


_WARNED: set[tuple[str, str]] = set()
STRICT_ENV = "TOKCOST_STRICT"


def strict_identity() -> bool:
    """``--strict``: an unverified tokenizer file is an error, not a warning."""
    return os.environ.get(STRICT_ENV, "").lower() not in ("", "0", "false", "no")


def with_identity(res: Resolution) -> Resolution:
    """``res`` with its identity checked (tokcost.tokenizers.verify), warned about once per file
    when unverified, and refused under ``--strict``."""
    from tokcost.tokenizers.identity import UNVERIFIED, check_file, identify

    entry = res.entry
    if entry.adhoc:
        found = identify(res.path, res.sha256)
        if found is None:
            out = None
            reason = "no catalog entry records this file's sha256"
        else:
            out = check_file(res.path, found, digest=res.sha256, llamacpp=False)
            reason = f"{out.reason} (it is {found.id})"
    else:
        out = check_file(res.path, entry, digest=res.sha256, llamacpp=False)
        reason = out.reason
    identity = out.identity if out else UNVERIFIED
    res = replace(res, identity=identity, identity_method=out.method if out else None,
                  identity_reason=reason)
    if identity == UNVERIFIED:
        message = (f"tokenizer {entry.id}: {res.path} is unverified ({reason}); its counts are "
                   "labelled identity=unverified")
        if strict_identity():
            raise TokcostError(message, hint="check the file with `tokcost tokenizers verify "
                               f"{entry.id}`, or drop --strict")
        key = (entry.id, res.sha256)
        if key not in _WARNED:
            _WARNED.add(key)
            import sys

            sys.stderr.write(f"warning: {message}; --strict makes this an error\n")
    return res


def resolve(entry: CatalogEntry, user_path: Path | None = None, *,
            check_identity: bool = True) -> Resolution:
    """The first usable copy of the entry's tokenizer file; raises if none is on this machine.
    With ``check_identity`` the file's identity is checked against the catalog (``with_identity``)."""
    if entry.api:
        from tokcost.tokenizers.switches import api_counting_enabled, api_key_envs, api_key_set

        if api_counting_enabled():  # --api-count: the vendor's endpoint counts (even a proxy entry)
            if entry.backend != "proxy" or api_key_set(entry.api):
                return api_resolution(entry)
            # a proxy entry without its vendor's key: counted with its (labelled) proxy
            if ("no-key", entry.id) not in _WARNED:
                _WARNED.add(("no-key", entry.id))
                import sys

                sys.stderr.write(f"warning: {entry.id}: {api_key_envs(entry.api)} is not set, so "
                                 f"it is counted with its proxy {entry.proxy}, not through the "
                                 "vendor's API\n")
    if entry.backend == "proxy":
        assert entry.proxy is not None
        target = resolve(load_catalog()[entry.proxy], user_path, check_identity=check_identity)
        return replace(target, entry=entry, proxy_of=target.entry.id)
    if entry.backend == "api":
        raise TokenizerUnavailable(
            f"{entry.id}: {entry.name} publishes no tokenizer, so tokcost cannot count it offline",
            hint=entry.note or None,
        )
    tried: list[Candidate] = []
    for cand in candidates(entry, user_path):
        if not cand.found:
            tried.append(cand)
            continue
        digest = sha256_file(cand.path)
        verified = None if not entry.sha256 else digest == entry.sha256
        strict = cand.origin in ("bundled", "tiktoken-cache") or entry.backend == "tiktoken"
        if verified is False and strict and cand.origin != "user":
            tried.append(Candidate(cand.origin, cand.path, False, "sha256 mismatch, ignored"))
            continue
        backend = entry.backend
        if entry.adhoc and backend == "hf":
            backend = backend_for_file(cand.path)
        res = Resolution(entry, backend, cand.path, cand.origin, digest, verified,
                         (*tried, cand))
        return with_identity(res) if check_identity else res
    raise TokenizerUnavailable(
        f"tokenizer {entry.id} is not on this machine",
        hint=f"get it with `{pull_hint(entry)}`, or set TOKCOST_TOKENIZERS_DIR to a mirror",
    )


def pull_hint(entry: CatalogEntry) -> str:
    if entry.bundled:
        dists = " ".join(sorted({b.distribution for b in entry.bundled}))
        return f"tokcost tokenizers pull {entry.id}` or `pip install {dists}"
    return f"tokcost tokenizers pull {entry.id}"


def is_available(entry: CatalogEntry) -> bool:
    try:
        resolve(entry, check_identity=False)
    except TokcostError:
        return False
    return True


def api_resolution(entry: CatalogEntry) -> Resolution:
    """The resolution of an ``api`` entry when API counting is on: no file, the vendor counts
    (the ``vendor-api`` backend, tokenizers/api_backend.py)."""
    import hashlib

    from tokcost.tokenizers.switches import api_model

    model = api_model(entry)
    ident = f"vendor-api:{entry.api}:{model}"
    return Resolution(entry, "vendor-api", Path(ident), "vendor-api",
                      hashlib.sha256(ident.encode()).hexdigest(), None,
                      identity="verified", identity_method="vendor-api",
                      identity_reason=f"counted by {entry.api}'s token-count endpoint ({model})")
