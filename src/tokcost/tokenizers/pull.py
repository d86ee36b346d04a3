"""Downloading tokenizer files: only through ``tokcost tokenizers pull`` or ``--download``.

Hub repos are fetched with ``huggingface_hub`` (:mod:`tokcost.tokenizers.hub`): ``HF_ENDPOINT``,
``HF_TOKEN`` (or a stored ``hf auth login`` token), its HEAD/ETag protocol, gated-repo errors and
its rule that the token never follows a redirect to the CDN; tokcost bounds every download in size
and time and pins sha256 on top. tiktoken encodings come from their published URL over a small
bounded client here. Files are verified by sha256 where the catalog knows it (a body check
otherwise) and only then moved into the mirror layout (``<org>/<repo>/<file>``,
``tiktoken/<enc>.tiktoken``), so a pulled directory can serve as ``TOKCOST_TOKENIZERS_DIR`` on an
air-gapped machine.

A failed download leaves nothing behind: no partial file, no temp or staging folder, no
directory it created. ``HF_HUB_OFFLINE`` is read when the download is asked for (not when a
module was imported), so nothing is fetched while it is set.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tokcost.errors import DownloadError, TokcostError, positive_env
from tokcost.hashing import sha256_file
from tokcost.paths import check_file_name, check_repo_id, tokenizer_cache_dir
from tokcost.tokenizers.catalog import DIR_CANDIDATES, CatalogEntry, load_catalog

DEFAULT_ENDPOINT = "https://huggingface.co"
TIMEOUT_ENV = "TOKCOST_DOWNLOAD_TIMEOUT"
MAX_MB_ENV = "TOKCOST_DOWNLOAD_MAX_MB"
DEFAULT_MAX_MB = 100  # the largest tokenizer.json in the catalog (Gemma 3) is 33 MB
_BLOCK = 1 << 16
_TRUE = {"1", "on", "yes", "true"}


def offline() -> bool:
    """``$HF_HUB_OFFLINE`` as huggingface_hub reads it: nothing is downloaded when set."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE


def _max_bytes() -> int:
    return int(positive_env(MAX_MB_ENV, DEFAULT_MAX_MB, "megabytes") * 1_000_000)


def _token() -> str | None:
    token = os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None
    if token is not None and (token != token.strip() or any(c.isspace() or ord(c) < 32
                                                            for c in token)):
        raise TokcostError("HF_TOKEN holds whitespace or control characters (not shown)",
                           hint="set it to the token exactly as the hub shows it, e.g. "
                           "HF_TOKEN=$(cat token.txt | tr -d '[:space:]')")
    return token


def check_body(path: Path, name: str, what: str) -> None:
    """Refuse a body that cannot be the tokenizer file it claims to be: empty, an HTML page, a
    gzip stream saved without decoding, a JSON file that does not parse (truncated), a
    .tiktoken file whose first line is not ``<base64> <rank>``."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    why = None
    if not head:
        why = "the body is empty"
    elif head[:2] == b"\x1f\x8b":
        why = "the body is gzip-compressed, not the file itself"
    elif head.lstrip()[:15].lower().startswith((b"<!doctype", b"<html", b"<?xml", b"<head")):
        why = "the body is an HTML page (a login or error page?), not the file"
    elif name.endswith(".json"):
        try:
            with open(path, "rb") as fh:
                doc = json.load(fh)
        except (ValueError, RecursionError):
            why = "the body is not valid JSON (truncated or corrupt)"
        else:
            if not isinstance(doc, dict):
                why = "the body is JSON but not a tokenizer file (no object at the top)"
    elif name.endswith(".tiktoken"):
        first = head.split(b"\n", 1)[0].split()
        if len(first) != 2 or not first[1].isdigit():
            why = "the body is not a .tiktoken rank file"
    if why:
        raise DownloadError(f"{what}: {why}", hint="nothing was kept; check HF_ENDPOINT / the "
                            "source, or copy a mirror and set TOKCOST_TOKENIZERS_DIR")


@dataclass(frozen=True)
class Pulled:
    tokenizer: str
    path: Path
    sha256: str
    status: str  # downloaded | present
    identity: str = "unverified"  # verified | unverified (``tokcost tokenizers verify`` on the file)
    identity_method: str | None = None  # sha256 | git-blob | llama.cpp
    identity_reason: str = ""
    recorded: bool = False  # the catalog records an identity for this tokenizer

    @property
    def verified(self) -> bool:
        return self.identity == "verified"

    @property
    def failed_identity(self) -> bool:
        """The catalog records an identity and this file has none of it (modified or tampered)."""
        return self.recorded and not self.verified

    def summary(self) -> str:
        """``downloaded PATH (sha256 …; verified by git-blob)`` — the status line's tail."""
        if self.verified:
            ident = f"verified by {self.identity_method}"
        elif self.recorded:
            ident = f"UNVERIFIED: {self.identity_reason}"
        else:
            ident = f"unverified: {self.identity_reason}"
        return f"{self.status} {self.path} (sha256 {self.sha256[:16]}…; {ident})"


def _verified(entry: CatalogEntry, got: Pulled) -> Pulled:
    """``got`` with its identity proven (or not) as ``tokcost tokenizers verify`` does: byte
    identities first, llama.cpp's check-text hash when they do not settle it."""
    from tokcost.tokenizers.identity import UNVERIFIED, check_file, identify

    target = entry
    if entry.adhoc:  # hf:ORG/REPO: whatever catalog entry records this file's sha256
        found = identify(got.path, got.sha256)
        if found is None:
            return dataclasses.replace(got, identity=UNVERIFIED, identity_reason="no catalog "
                                       "entry records this file's sha256")
        target = found
    try:
        res = check_file(got.path, target, digest=got.sha256, llamacpp=False)
    except TokcostError as err:
        return dataclasses.replace(got, identity=UNVERIFIED, recorded=target.has_identity,
                                   identity_reason=err.message)
    return dataclasses.replace(got, identity=res.identity, identity_method=res.method,
                               identity_reason=res.reason, recorded=target.has_identity)


@dataclass(frozen=True)
class _Target:
    url: str
    dest: Path
    repo: str | None  # hub repo id, None for a tiktoken URL
    name: str = ""  # the file in the hub repo
    revision: str = "main"


class _NotFound(Exception):
    pass


class _Denied(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _timeout() -> float:
    """Seconds a connect or a read may stall (``$TOKCOST_DOWNLOAD_TIMEOUT``, default 30)."""
    return positive_env(TIMEOUT_ENV, 30, "seconds")


def _endpoint() -> str:
    endpoint = os.environ.get("HF_ENDPOINT", DEFAULT_ENDPOINT).strip().rstrip("/")
    try:
        parts = urllib.parse.urlsplit(endpoint)
        parts.port  # noqa: B018  (raises on a bad port)
        bad = parts.scheme not in ("http", "https") or not parts.hostname
    except ValueError:
        bad = True
    if bad:
        raise TokcostError(f"HF_ENDPOINT={endpoint!r} is not an http(s) URL",
                           hint=f"set it like {DEFAULT_ENDPOINT} or your hub mirror's URL")
    return endpoint


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), parts.port or default


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but keep the bearer token with the origin it was sent to."""

    def redirect_request(self, req: urllib.request.Request, fp: Any, code: int, msg: str,
                         headers: Any, newurl: str) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and _origin(newurl) != _origin(req.full_url):
            new.remove_header("Authorization")
        return new


def _remaining(deadline: float, what: str, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise DownloadError(f"{what}: download of {url} took longer than {TIMEOUT_ENV}="
                            f"{_timeout():g} seconds", hint="nothing was kept; retry, or raise "
                            f"{TIMEOUT_ENV}")
    return left


def _open(url: str, token: str | None, what: str, deadline: float) -> Any:
    """The server's 200 response for ``url``; raises for anything else. Touches no file."""
    headers = {"User-Agent": "tokcost"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(_RedirectHandler)
    try:
        return opener.open(req, timeout=min(_timeout(), _remaining(deadline, what, url)))
    except urllib.error.HTTPError as err:
        err.close()
        if err.code in (404, 410):
            raise _NotFound from None
        if err.code in (401, 403):
            raise _Denied(err.code) from None
        raise DownloadError(f"{what}: HTTP {err.code} from {url}",
                            hint="retry later, or copy a mirror and set TOKCOST_TOKENIZERS_DIR",
                            ) from None
    except (ValueError, UnicodeError) as err:  # a malformed URL or header value
        raise TokcostError(f"{what}: cannot download {url!r} ({err})") from None
    except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
        reason = getattr(err, "reason", None) or err or type(err).__name__
        raise DownloadError(
            f"{what}: cannot download {url} ({reason})",
            hint="check the network, or copy a mirror and set TOKCOST_TOKENIZERS_DIR",
        ) from None


def _make_dirs(directory: Path) -> list[Path]:
    """Create ``directory``; return the directories this created, deepest first."""
    created = []
    p = directory
    while not p.exists() and p != p.parent:
        created.append(p)
        p = p.parent
    directory.mkdir(parents=True, exist_ok=True)
    return created


def _remove_dirs(created: list[Path]) -> None:
    for d in created:
        try:
            d.rmdir()
        except OSError:  # not empty (someone else wrote there) or never made
            break


def _download(target: _Target, *, token: str | None, expected: str | None, what: str,
              deadline: float) -> str:
    """Stream ``target.url`` into ``target.dest`` atomically; return its sha256.

    Bounded: at most ``$TOKCOST_DOWNLOAD_MAX_MB`` and the total deadline, even against a server
    that trickles one byte a second; the body is checked (:func:`check_body`) before it is kept.
    """
    url, dest = target.url, target.dest
    cap = _max_bytes()
    with _open(url, token, what, deadline) as resp:
        length = resp.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > cap:
            raise DownloadError(f"{what}: {url} announces {int(length):,} bytes, over the "
                                f"{cap // 1_000_000} MB limit", hint=f"raise {MAX_MB_ENV} if the "
                                "file really is that large")
        sock = None
        with contextlib.suppress(AttributeError):
            sock = resp.fp.raw._sock
        created: list[Path] = []
        tmp: str | None = None
        done = False
        try:
            created = _make_dirs(dest.parent)
            fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
            h = hashlib.sha256()
            size = 0
            with os.fdopen(fd, "wb") as out:
                while True:
                    left = _remaining(deadline, what, url)
                    if sock is not None:
                        with contextlib.suppress(OSError):
                            sock.settimeout(min(left, _timeout()))
                    try:
                        block = resp.read1(_BLOCK)
                    except (http.client.HTTPException, OSError) as err:
                        _remaining(deadline, what, url)  # the deadline, not the server, ended it
                        raise DownloadError(
                            f"{what}: download of {url} was cut off after {size} bytes "
                            f"({err or type(err).__name__})",
                            hint="retry; nothing was kept",
                        ) from None
                    if not block:
                        break
                    h.update(block)
                    out.write(block)
                    size += len(block)
                    if size > cap:
                        raise DownloadError(f"{what}: {url} sent more than the "
                                            f"{cap // 1_000_000} MB limit", hint="nothing was "
                                            f"kept; raise {MAX_MB_ENV} if the file really is "
                                            "that large")
                out.flush()
                os.fsync(out.fileno())
            if length.isdigit() and size != int(length):
                raise DownloadError(
                    f"{what}: download of {url} ended after {size} of {length} bytes",
                    hint="retry; nothing was kept",
                )
            digest = h.hexdigest()
            if expected and digest != expected:
                raise DownloadError(
                    f"{what}: sha256 mismatch for {url}: got {digest[:12]}…, "
                    f"expected {expected[:12]}…",
                    hint="the file was not kept; the source may have changed or been tampered with",
                )
            if not expected:  # a pinned sha256 match is the genuine file; anything else is checked
                check_body(Path(tmp), dest.name, what)
            os.replace(tmp, dest)
            done = True
            return digest
        except OSError as err:  # writing here, not the network (that is handled above)
            raise TokcostError(
                f"cannot write {dest} ({err.strerror or err})",
                hint="choose another --to directory, or check its permissions and free space",
            ) from None
        finally:
            if not done:
                if tmp is not None:
                    Path(tmp).unlink(missing_ok=True)
                _remove_dirs(created)


def _targets(entry: CatalogEntry, root: Path) -> list[_Target]:
    """Where to fetch from and write to, in the order to try until one exists upstream."""
    if entry.backend == "tiktoken":
        if not entry.url:
            raise TokcostError(f"{entry.id}: no download URL is known for this encoding")
        enc = check_file_name(str(entry.encoding), "tiktoken encoding name")
        return [_Target(entry.url, root / "tiktoken" / f"{enc}.tiktoken", None)]
    if not entry.repos:
        raise TokcostError(f"{entry.id}: no hub repository is known to download from")
    for repo in entry.repos:  # validated before any path is built from them
        check_repo_id(repo)
    endpoint = _endpoint()
    files = (entry.file,) if entry.file else DIR_CANDIDATES
    for name in files:
        check_file_name(name)
    revision = urllib.parse.quote(entry.revision, safe="")
    return [
        _Target(f"{endpoint}/{repo}/resolve/{revision}/{name}",
                root.joinpath(*repo.split("/"), name), repo, name, entry.revision)
        for repo in entry.repos
        for name in files
    ]


def _hub_download(target: _Target, *, token: str | None, expected: str | None, what: str,
                  deadline: float) -> str:
    """Fetch ``target`` with huggingface_hub into a staging folder beside its destination,
    verify it, move it into place; return its sha256. Nothing is left behind on failure."""
    from tokcost.tokenizers import hub

    assert target.repo is not None
    dest = target.dest
    created: list[Path] = []
    done = False
    try:
        created = _make_dirs(dest.parent)
        bounds = hub.Bounds(deadline, _max_bytes(), _timeout())
        try:
            got = hub.download(target.repo, target.name, target.revision, endpoint=_endpoint(),
                               token=token, staging_parent=dest.parent, bounds=bounds)
        except hub.HubNotFound:
            raise _NotFound from None
        except hub.HubDenied as err:
            raise _Denied(err.code) from None
        except hub.Overrun as err:
            raise DownloadError(f"{what}: {err.reason}", hint="nothing was kept; retry, or raise "
                                f"{TIMEOUT_ENV} / {MAX_MB_ENV}") from None
        except hub.HubFailed as err:
            raise DownloadError(f"{what}: cannot download {target.url} ({err.reason})",
                                hint="check the network and HF_ENDPOINT, or copy a mirror and "
                                "set TOKCOST_TOKENIZERS_DIR") from None
        stage = hub.staging_root(got, dest.parent)
        try:
            digest = sha256_file(got)
            if expected and digest != expected:
                raise DownloadError(
                    f"{what}: sha256 mismatch for {target.url}: got {digest[:12]}…, "
                    f"expected {expected[:12]}…",
                    hint="the file was not kept; the source may have changed or been tampered with",
                )
            if not expected:  # a pinned sha256 match is the genuine file; anything else is checked
                check_body(got, dest.name, what)
            os.replace(got, dest)
        finally:
            shutil.rmtree(stage, ignore_errors=True)
        done = True
        return digest
    except OSError as err:  # writing here; the network's errors are handled in hub.download
        raise TokcostError(
            f"cannot write {dest} ({err.strerror or err})",
            hint="choose another --to directory, or check its permissions and free space",
        ) from None
    finally:
        if not done:
            _remove_dirs(created)


def _denied_error(entry: CatalogEntry, denied: list[tuple[_Target, int]], token: bool
                  ) -> DownloadError:
    target, code = denied[0]
    where = f"{_endpoint()}/{target.repo}" if target.repo else target.url
    if token:
        return DownloadError(
            f"{entry.id}: access denied (HTTP {code}) at {where} although HF_TOKEN was sent",
            hint="accept the licence on that page with the account HF_TOKEN belongs to, "
            "or set HF_TOKEN to a token that has access",
        )
    return DownloadError(
        f"{entry.id}: access denied (HTTP {code}) at {where}: the repository is gated or private",
        hint="accept its licence on that page while logged in, then set HF_TOKEN to a read "
        "token of that account",
    )


def pull(entry: CatalogEntry, to: Path | None = None, *, force: bool = False) -> Pulled:
    """Fetch one tokenizer's file into ``to`` (default: tokcost's cache).

    A copy already there is kept ("present") when it matches the catalog's sha256, or when the
    catalog knows none and ``force`` is false; a copy that differs is replaced only with
    ``force``. Repos are tried in catalog order (``repo``, then ``alt_repos``), past 404s and
    401/403s, until one serves the file.

    The file's identity is then verified as ``tokcost tokenizers verify`` does (a sha256 pin is
    enforced while downloading; a git blob id or llama.cpp check hash is checked after): the
    result says ``verified`` or ``unverified``, and :attr:`Pulled.failed_identity` is true for a
    file that has none of the identities the catalog records (kept, but never labelled exact).
    """
    if entry.backend == "proxy":
        assert entry.proxy
        return pull(load_catalog()[entry.proxy], to, force=force)
    if entry.backend == "api":
        raise TokcostError(f"{entry.id}: {entry.name} publishes no tokenizer to download",
                           hint=entry.note or None)
    root = to if to is not None else tokenizer_cache_dir()
    targets = _targets(entry, root)
    _timeout()  # a bad setting is reported before anything else happens

    differing: list[Path] = []
    for t in targets:
        if not t.dest.is_file():
            continue
        digest = sha256_file(t.dest)
        if digest == entry.sha256 or (not entry.sha256 and not force):
            return _verified(entry, Pulled(entry.id, t.dest, digest, "present"))
        if entry.sha256:
            differing.append(t.dest)
    if differing and not force:
        raise TokcostError(
            f"{differing[0]} exists and differs from the catalog's sha256 for {entry.id}",
            hint="pass --force to replace it",
        )

    if offline():
        raise DownloadError(f"{entry.id}: HF_HUB_OFFLINE is set, so nothing is downloaded",
                            hint="unset HF_HUB_OFFLINE to download, or copy a mirror and set "
                            "TOKCOST_TOKENIZERS_DIR")
    token = _token()
    deadline = time.monotonic() + _timeout()
    not_found: list[str] = []
    denied: list[tuple[_Target, int]] = []
    for t in targets:
        try:
            if t.repo is None:  # a published URL, not the hub: HF_TOKEN is not for it
                digest = _download(t, token=None, expected=entry.sha256, what=entry.id,
                                   deadline=deadline)
            else:
                digest = _hub_download(t, token=token, expected=entry.sha256, what=entry.id,
                                       deadline=deadline)
        except _NotFound:
            not_found.append(t.url)
            continue
        except _Denied as err:
            denied.append((t, err.code))
            continue
        return _verified(entry, Pulled(entry.id, t.dest, digest, "downloaded"))
    if denied:
        from tokcost.tokenizers.hub import login_token_in_use

        sent = login_token_in_use(token) if denied[0][0].repo else False
        raise _denied_error(entry, denied, sent)
    raise DownloadError(
        f"{entry.id}: not found upstream (HTTP 404) at {', '.join(not_found)}",
        hint="the repository may have moved; report it, or name a file with -t ID=PATH",
    )


def korean_entries() -> list[CatalogEntry]:
    """Every public Korean-trained tokenizer in the catalog (no API-only, no proxy entries)."""
    return [e for e in load_catalog().values()
            if e.korean_trained and e.backend not in ("api", "proxy") and e.repos]


@dataclass(frozen=True)
class PullOutcome:
    entry: CatalogEntry
    pulled: Pulled | None
    error: str | None  # the one line, when it failed


def pull_many(entries: list[CatalogEntry], to: Path | None = None, *, force: bool = False,
              progress: Any = None) -> list[PullOutcome]:
    """Pull each entry in turn (only its tokenizer file, never weights); a failure (gated
    repository, 404, timeout) is recorded and the next one is tried. ``progress(i, n, entry,
    outcome)`` is called after each."""
    out: list[PullOutcome] = []
    for i, entry in enumerate(entries, 1):
        try:
            got = PullOutcome(entry, pull(entry, to, force=force), None)
        except TokcostError as err:
            got = PullOutcome(entry, None, err.render())
        out.append(got)
        if progress is not None:
            progress(i, len(entries), entry, got)
    return out
