"""Hub downloads on ``huggingface_hub``, bounded in size and time.

``huggingface_hub`` does the hub's part: the HEAD/ETag/commit protocol, ``HF_TOKEN`` (or a stored
``hf auth login`` token), redirects to the CDN without the token, gated/private/missing repos as
typed errors, and an atomic ``.incomplete`` → file rename. tokcost adds what a tokenizer download
needs on top, through huggingface_hub's public ``set_client_factory`` hook:

* a **size cap** (``$TOKCOST_DOWNLOAD_MAX_MB``) checked on the announced size and on every byte
  received, so a lying or endless server cannot fill the disk;
* a **total deadline** (``$TOKCOST_DOWNLOAD_TIMEOUT``) on the whole exchange, HEAD and GET and any
  retry, which also ends a server that trickles one byte a second (per-read timeouts alone do
  not);
* no telemetry: ``HF_HUB_DISABLE_TELEMETRY=1`` unless the user set it (huggingface_hub would
  otherwise fetch an "agent harness" registry from the endpoint to build its user agent — a
  request nobody asked for);
* the body always over this one bounded HTTP client: Xet transfer (its own connections, meant for
  model weights) is not offered to huggingface_hub, and a compressed body is refused because
  the request asked for ``identity``.

The file lands in a private staging folder first (huggingface_hub's ``local_dir`` download); the
caller verifies it (sha256 pin, body check) and only then renames it into the mirror layout.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the heavy imports happen only when something is downloaded
    import httpx2


class Overrun(Exception):
    """The download broke a bound (size or time); ``reason`` is the one line to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class HubNotFound(Exception):
    """HTTP 404/410 for the repo, revision or file: the next candidate may have it."""


class HubDenied(Exception):
    """HTTP 401/403: gated, private, or a token without access."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class HubFailed(Exception):
    """Anything else the hub or the network did; ``reason`` is the one line to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Bounds:
    deadline: float  # time.monotonic() by which everything must be done
    max_bytes: int
    timeout: float  # the configured total, for messages
    last_error: str | None = None  # the last network failure, if the deadline ends retries


_XET_HEADERS = ("X-Xet-Hash", "X-Xet-Refresh-Route", "X-Xet-Cas-Url", "X-Xet-Access-Token",
                "X-Xet-Token-Expiration")


def _announced(headers: httpx2.Headers) -> int | None:
    for name in ("X-Linked-Size", "Content-Length"):
        raw = headers.get(name, "")
        if raw.isdigit():
            return int(raw)
    return None


def _client(bounds: Bounds) -> httpx2.Client:
    """An ``httpx2.Client`` like huggingface_hub's default, on a transport that enforces
    ``bounds``."""
    import httpx2
    from huggingface_hub.utils._http import hf_request_event_hook

    class BoundedStream(httpx2.SyncByteStream):
        def __init__(self, inner: httpx2.SyncByteStream, url: str) -> None:
            self.inner, self.url = inner, url

        def __iter__(self) -> Iterator[bytes]:
            size = 0
            for chunk in self.inner:
                size += len(chunk)
                if size > bounds.max_bytes:
                    raise Overrun(f"{self.url} sent more than the "
                                  f"{bounds.max_bytes // 1_000_000} MB limit")
                if time.monotonic() > bounds.deadline:
                    raise Overrun(f"download of {self.url} took longer than "
                                  f"TOKCOST_DOWNLOAD_TIMEOUT={bounds.timeout:g} seconds")
                yield chunk

        def close(self) -> None:
            self.inner.close()

    class BoundedTransport(httpx2.BaseTransport):
        def __init__(self) -> None:
            self.inner = httpx2.HTTPTransport()

        def handle_request(self, request: httpx2.Request) -> httpx2.Response:
            left = bounds.deadline - time.monotonic()
            if left <= 0:
                if bounds.last_error:  # huggingface_hub was retrying a failure: name it
                    raise HubFailed(bounds.last_error)
                raise Overrun(f"download of {request.url} took longer than "
                              f"TOKCOST_DOWNLOAD_TIMEOUT={bounds.timeout:g} seconds")
            # every connect, read and write may wait at most what is left of the deadline
            timeouts = dict(request.extensions.get("timeout") or {})
            for key in ("connect", "read", "write", "pool"):
                value = timeouts.get(key)
                timeouts[key] = left if value is None else min(value, left)
            request.extensions["timeout"] = timeouts
            request.headers["Accept-Encoding"] = "identity"
            try:
                response = self.inner.handle_request(request)
            except httpx2.TransportError as err:
                bounds.last_error = _network_reason(err)
                raise
            for name in _XET_HEADERS:  # the body comes over this client, never hf_xet's
                response.headers.pop(name, None)
            size = _announced(response.headers)
            if size is not None and size > bounds.max_bytes:
                response.close()
                raise Overrun(f"{request.url} announces {size:,} bytes, over the "
                              f"{bounds.max_bytes // 1_000_000} MB limit (raise "
                              "TOKCOST_DOWNLOAD_MAX_MB if the file really is that large)")
            encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
            if request.method == "GET" and encoding not in ("", "identity"):
                response.close()
                raise Overrun(f"{request.url} sent a {encoding}-compressed body although "
                              "'identity' was asked for")
            assert isinstance(response.stream, httpx2.SyncByteStream)
            response.stream = BoundedStream(response.stream, str(request.url))
            return response

        def close(self) -> None:
            self.inner.close()

    return httpx2.Client(transport=BoundedTransport(), follow_redirects=True, timeout=None,
                         event_hooks={"request": [hf_request_event_hook]})


@contextlib.contextmanager
def _bounded_session(bounds: Bounds) -> Iterator[None]:
    """huggingface_hub's shared client is this bounded one for the duration, then its default
    again; progress bars are off (tokcost prints one line per file)."""
    from huggingface_hub import set_client_factory
    from huggingface_hub.utils import (
        are_progress_bars_disabled,
        disable_progress_bars,
        enable_progress_bars,
    )
    from huggingface_hub.utils import logging as hf_logging
    from huggingface_hub.utils._http import default_client_factory

    bars_were_off = are_progress_bars_disabled()
    verbosity = hf_logging.get_verbosity()
    disable_progress_bars()
    hf_logging.set_verbosity(hf_logging.CRITICAL + 1)  # its retry warnings: tokcost says one line
    set_client_factory(lambda: _client(bounds))
    try:
        yield
    finally:
        set_client_factory(default_client_factory)
        hf_logging.set_verbosity(verbosity)
        if not bars_were_off:
            enable_progress_bars()


def _status(err: BaseException) -> int | None:
    response = getattr(err, "response", None)
    code = getattr(response, "status_code", None)
    return code if isinstance(code, int) else None


def download(repo: str, filename: str, revision: str, *, endpoint: str, token: str | None,
             staging_parent: Path, bounds: Bounds) -> Path:
    """Download ``repo``'s ``filename`` at ``revision`` into a new staging folder under
    ``staging_parent``; return the file's path there. The caller moves the file out and removes
    :func:`staging_root` of it. Raises :class:`HubNotFound`, :class:`HubDenied`,
    :class:`Overrun` or :class:`HubFailed`; leaves nothing behind when it raises."""
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")  # read when huggingface_hub loads
    from huggingface_hub import hf_hub_download

    staging = Path(tempfile.mkdtemp(dir=staging_parent, prefix=".tokcost-pull-"))
    ok = False
    try:
        with _bounded_session(bounds):
            try:
                got = hf_hub_download(repo, filename, revision=revision, local_dir=staging,
                                      endpoint=endpoint, token=token,
                                      etag_timeout=max(0.1, bounds.deadline - time.monotonic()))
            except Exception as err:  # huggingface_hub's, httpx2's, OSError, ours
                raise _translate(err, f"{endpoint}/{repo}") from None
        path = Path(got)
        ok = True
        return path
    finally:
        if not ok:
            shutil.rmtree(staging, ignore_errors=True)


def _translate(err: BaseException, where: str) -> Exception:
    """The one exception of this module that ``err`` (or what caused it) amounts to."""
    from huggingface_hub.errors import (
        EntryNotFoundError,
        HfHubHTTPError,
        OfflineModeIsEnabled,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    chain: list[BaseException] = []
    e: BaseException | None = err
    while e is not None and e not in chain:
        chain.append(e)
        e = e.__cause__ or e.__context__
    for e in chain:
        if isinstance(e, Overrun | HubFailed):
            return e
        if isinstance(e, OfflineModeIsEnabled):
            return HubFailed("HF_HUB_OFFLINE is set, so nothing is downloaded")
        if isinstance(e, HfHubHTTPError):
            code = _status(e)
            if code in (401, 403):
                return HubDenied(code)
            if code in (404, 410) or (code is None and isinstance(
                    e, RepositoryNotFoundError | RevisionNotFoundError)):
                return HubNotFound()
            return HubFailed(f"HTTP {code} from {where}")
        if isinstance(e, EntryNotFoundError) and not isinstance(e, FileNotFoundError):
            return HubNotFound()
    return HubFailed(_network_reason(chain[-1]))


def login_token_in_use(token: str | None) -> bool:
    """Whether a token goes with the request: ``HF_TOKEN`` or a stored ``hf auth login``."""
    if token:
        return True
    try:
        from huggingface_hub import get_token

        return get_token() is not None
    except Exception:  # an OIDC exchange that fails, an unreadable token file
        return False


def staging_root(path: Path, staging_parent: Path) -> Path:
    """The staging folder :func:`download` made for ``path``."""
    rel = path.relative_to(staging_parent)
    return staging_parent / rel.parts[0]


def _network_reason(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    first = text[0] if text else ""
    name = type(err).__name__
    if "X-Repo-Commit" in first or "ETag" in first:
        return "the server does not answer like a Hugging Face hub (no X-Repo-Commit/ETag)"
    if not first:
        return name
    return f"{name}: {first[:200]}"
