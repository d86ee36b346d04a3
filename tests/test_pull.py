"""``tokcost tokenizers pull`` and ``--download`` end to end, against a hub served on 127.0.0.1.

The server hands out the REAL tokenizer files of the mirror (only the tampered-file cases alter
bytes) and answers 404, 401/403 (gated), redirects and truncated bodies where a test asks it to.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tokcost.errors import DownloadError, TokcostError
from tokcost.hashing import sha256_file
from tokcost.tokenizers.catalog import load_catalog
from tokcost.tokenizers.pull import pull

AX = load_catalog()["ax-4.0"]
AX_PRIMARY = "/skt/A.X-4.0/resolve/main/tokenizer.json"
AX_ALT = "/skt/A.X-4.0-Light/resolve/main/tokenizer.json"
NUMBERS = "2025년 7월 15일 매출 1234567원"  # 15 tokens with the official tokenizer.json


# --------------------------------------------------------------------------- a tiny hub


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    token: str | None = None  # answer 401 unless "Authorization: Bearer <token>" is sent
    location: str | None = None  # answer 302 to this URL
    truncate: bool = False  # announce the full Content-Length, send half, hang up
    headers: dict[str, str] = field(default_factory=dict)  # extra response headers
    length: int | None = None  # a Content-Length other than the body's
    plain: bool = False  # a plain web server: no X-Repo-Commit, no ETag


@dataclass
class Hub:
    url: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Authorization)
    methods: list[str] = field(default_factory=list)  # HEAD / GET, in step with ``seen``
    linked: dict[str, bytes] = field(default_factory=dict)  # redirect target URL -> its body
    trickle: float = 0.0  # seconds between bytes of a body

    def serve(self, path: str, body: bytes, **kw) -> None:
        self.routes[path] = Route(body=body, **kw)

    def status(self, path: str, code: int) -> None:
        self.routes[path] = Route(status=code, body=b'{"error": "nope"}')

    def paths(self) -> list[str]:
        """The paths asked for, in order; a HEAD and the GET that follows it count once."""
        out: list[str] = []
        for p, _ in self.seen:
            if not out or out[-1] != p:
                out.append(p)
        return out


COMMIT = "0123456789abcdef0123456789abcdef01234567"  # the X-Repo-Commit a real hub sends


class _Handler(BaseHTTPRequestHandler):
    """Answers like the Hugging Face hub: HEAD with X-Repo-Commit, ETag and the size (for a
    redirect, X-Linked-Size / X-Linked-Etag), then GET with the body."""

    server: _HubServer

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        hub = self.server.hub
        auth = self.headers.get("Authorization")
        hub.seen.append((self.path, auth))
        hub.methods.append(self.command)
        route = hub.routes.get(self.path)
        if route is None:
            return self._reply(404, b'{"error": "Entry not found"}', head=head)
        if route.token and auth != f"Bearer {route.token}":  # the hub's gated answer
            return self._reply(401, b'{"error": "Access to model is restricted."}', head=head)
        meta = {} if route.plain else {
            "X-Repo-Commit": COMMIT, "ETag": '"' + hashlib.sha256(route.body).hexdigest() + '"'}
        if route.location:
            target = hub.linked.get(route.location, b"")
            return self._reply(302, b"", {"Location": route.location, "X-Repo-Commit": COMMIT,
                                          "X-Linked-Size": str(len(target)),
                                          "X-Linked-Etag": '"' + hashlib.sha256(target).hexdigest()
                                          + '"'}, head=head)
        if route.truncate and not head:
            return self._reply(200, route.body[: len(route.body) // 2], meta,
                               length=len(route.body))
        if route.status != 200:
            return self._reply(route.status, route.body, route.headers, head=head)
        return self._reply(200, route.body, {**meta, **route.headers}, head=head,
                           length=route.length)

    def _reply(self, code: int, body: bytes, headers: dict[str, str] | None = None,
               length: int | None = None, head: bool = False) -> None:
        self.send_response(code)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if head:
            return
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            if self.server.hub.trickle:
                for i in range(len(body)):
                    self.wfile.write(body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(self.server.hub.trickle)
            else:
                self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _HubServer(ThreadingHTTPServer):
    daemon_threads = True
    hub: Hub


def _start(hub: Hub) -> _HubServer:
    server = _HubServer(("127.0.0.1", 0), _Handler)
    server.hub = hub
    hub.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                     daemon=True).start()
    return server


@pytest.fixture
def hub(monkeypatch) -> Iterator[Hub]:
    h = Hub()
    server = _start(h)
    monkeypatch.setenv("HF_ENDPOINT", h.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # conftest sets it for every other test
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.setenv("TOKCOST_DOWNLOAD_TIMEOUT", "5")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # a developer's proxy must not
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")  # stand between test and server
    yield h
    server.shutdown()
    server.server_close()


@pytest.fixture
def other_hub() -> Iterator[Hub]:
    """A second origin (another port), e.g. the CDN a hub redirects to."""
    h = Hub()
    server = _start(h)
    yield h
    server.shutdown()
    server.server_close()


# --------------------------------------------------------------------------- helpers


def ax_bytes(mirror: Path) -> bytes:
    return (mirror / "skt" / "A.X-4.0-Light" / "tokenizer.json").read_bytes()


def tokcost(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real CLI (``python -m tokcost``) with the test's environment."""
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run([sys.executable, "-m", "tokcost", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, env=env, check=False)


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """The CLI failed the way tokcost promises: exit 2, one line on stderr, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tokcost: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def leftovers(root: Path) -> list[str]:
    """Everything under ``root``: files, temp files and directories alike."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


def count_tokens(text: str, *extra: str) -> int:
    proc = tokcost("count", "-t", "ax-4.0", text, "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema"] == "tokcost/count/1"
    [row] = doc["rows"]
    assert row["tokenizer"] == "ax-4.0"
    return row["tokens"]


# --------------------------------------------------------------------------- 1. success


def test_pull_to_dir_then_count_offline(mirror, hub, tmp_path, monkeypatch):
    hub.serve(AX_PRIMARY, ax_bytes(mirror))
    out = tmp_path / "airgap"
    proc = tokcost("tokenizers", "pull", "ax-4.0", "--to", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("ax-4.0: downloaded ")
    got = out / "skt" / "A.X-4.0" / "tokenizer.json"
    assert sha256_file(got) == AX.sha256
    assert [p for p in out.rglob("*") if p.is_file()] == [got]  # no temp files
    assert hub.paths() == [AX_PRIMARY]

    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(out))
    assert count_tokens(NUMBERS) == 15

    hub.seen.clear()
    again = tokcost("tokenizers", "pull", "ax-4.0", "--to", str(out))
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("ax-4.0: present ")
    assert hub.seen == []  # not downloaded again


def test_pull_tiktoken_encoding_from_catalog_url(mirror, hub, tmp_path):
    data = (mirror / "tiktoken" / "cl100k_base.tiktoken").read_bytes()
    hub.serve("/encodings/cl100k_base.tiktoken", data)
    entry = dataclasses.replace(load_catalog()["cl100k_base"],
                                url=f"{hub.url}/encodings/cl100k_base.tiktoken")
    got = pull(entry, tmp_path)
    assert got.status == "downloaded"
    assert got.path == tmp_path / "tiktoken" / "cl100k_base.tiktoken"
    assert got.sha256 == entry.sha256 == sha256_file(got.path)
    assert leftovers(tmp_path) == ["tiktoken", "tiktoken/cl100k_base.tiktoken"]
    assert pull(entry, tmp_path).status == "present"
    assert hub.paths() == ["/encodings/cl100k_base.tiktoken"]


def test_proxy_entry_pulls_its_target(mirror, hub, tmp_path):
    hub.serve("/google/gemma-3-27b-it/resolve/main/tokenizer.json",
              (mirror / "google" / "gemma-3-27b-it" / "tokenizer.json").read_bytes())
    proc = tokcost("tokenizers", "pull", "gemini", "--to", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("gemini (proxy: gemma-3): downloaded ")
    got = tmp_path / "google" / "gemma-3-27b-it" / "tokenizer.json"
    assert sha256_file(got) == load_catalog()["gemma-3"].sha256


def test_unpublished_tokenizer_cannot_be_pulled(hub, tmp_path):
    line = one_line_error(tokcost("tokenizers", "pull", "claude", "--to", str(tmp_path)))
    assert "publishes no tokenizer" in line
    assert hub.seen == [] and leftovers(tmp_path) == []


# --------------------------------------------------------------------------- 2. sha256 mismatch


def test_tampered_file_is_rejected_and_nothing_is_kept(mirror, hub, tmp_path):
    data = bytearray(ax_bytes(mirror))
    data[1000] ^= 0x01  # one flipped bit
    hub.serve(AX_PRIMARY, bytes(data))
    out = tmp_path / "airgap"
    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(out)))
    assert "sha256" in line
    assert leftovers(out) == []


def test_tampered_tiktoken_file_is_rejected(mirror, hub, tmp_path):
    data = (mirror / "tiktoken" / "cl100k_base.tiktoken").read_bytes()
    hub.serve("/cl100k_base.tiktoken", data.replace(b" 0\n", b" 1\n", 1))
    entry = dataclasses.replace(load_catalog()["cl100k_base"],
                                url=f"{hub.url}/cl100k_base.tiktoken")
    with pytest.raises(DownloadError, match="sha256 mismatch") as err:
        pull(entry, tmp_path)
    assert "\n" not in str(err.value)
    assert leftovers(tmp_path) == []


def test_truncated_body_is_not_kept(mirror, hub, tmp_path):
    """hf:ORG/REPO has no catalog sha256: a short read must still be caught."""
    hub.serve(AX_PRIMARY, ax_bytes(mirror), truncate=True)
    line = one_line_error(tokcost("tokenizers", "pull", "hf:skt/A.X-4.0", "--to", str(tmp_path)))
    assert "skt/A.X-4.0" in line
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------- 3. 404 and alt repos


def test_404_on_primary_falls_through_to_alt_repo(mirror, hub, tmp_path):
    hub.serve(AX_ALT, ax_bytes(mirror))
    proc = tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert hub.paths() == [AX_PRIMARY, AX_ALT]
    got = tmp_path / "skt" / "A.X-4.0-Light" / "tokenizer.json"
    assert sha256_file(got) == AX.sha256
    assert leftovers(tmp_path) == ["skt", "skt/A.X-4.0-Light", "skt/A.X-4.0-Light/tokenizer.json"]

    hub.seen.clear()
    again = tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path))
    assert again.returncode == 0, again.stderr
    assert "present" in again.stdout and str(got) in again.stdout
    assert hub.seen == []  # the copy from the alt repo counts: no network at all


def test_404_everywhere_is_one_clear_line(hub, tmp_path):
    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path)))
    assert "not found" in line and "404" in line
    assert "skt/A.X-4.0/" in line and "skt/A.X-4.0-Light/" in line
    assert hub.paths() == [AX_PRIMARY, AX_ALT]
    assert leftovers(tmp_path) == []


def test_404_for_tiktoken_encoding(hub, tmp_path):
    entry = dataclasses.replace(load_catalog()["cl100k_base"], url=f"{hub.url}/gone.tiktoken")
    with pytest.raises(DownloadError, match="404"):
        pull(entry, tmp_path)
    assert leftovers(tmp_path) == []


# --------------------------------------------------------------------------- 4. gated repos


def test_gated_repo_without_token_says_what_to_do(mirror, hub, tmp_path):
    hub.serve(AX_PRIMARY, ax_bytes(mirror), token="hf_secret")
    hub.serve(AX_ALT, ax_bytes(mirror), token="hf_secret")
    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path)))
    assert "401" in line and "licence" in line and "HF_TOKEN" in line
    assert all(auth is None for _, auth in hub.seen)
    assert leftovers(tmp_path) == []


def test_gated_repo_with_token_sends_it(mirror, hub, tmp_path, monkeypatch):
    hub.serve(AX_PRIMARY, ax_bytes(mirror), token="hf_secret")
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    proc = tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert set(hub.seen) == {(AX_PRIMARY, "Bearer hf_secret")}
    assert hub.methods == ["HEAD", "GET"]  # huggingface_hub's protocol: metadata, then body
    assert sha256_file(tmp_path / "skt" / "A.X-4.0" / "tokenizer.json") == AX.sha256


def test_token_without_access_is_told_apart(hub, tmp_path, monkeypatch):
    hub.status(AX_PRIMARY, 403)
    hub.status(AX_ALT, 403)
    monkeypatch.setenv("HF_TOKEN", "hf_wrong")
    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path)))
    assert "403" in line and "HF_TOKEN" in line and "licence" in line
    assert "hf_wrong" not in line  # the token itself is never printed
    assert leftovers(tmp_path) == []


def test_gated_primary_falls_through_to_open_alt(mirror, hub, tmp_path):
    hub.serve(AX_PRIMARY, ax_bytes(mirror), token="hf_secret")
    hub.serve(AX_ALT, ax_bytes(mirror))
    got = pull(AX, tmp_path)
    assert got.status == "downloaded"
    assert got.path == tmp_path / "skt" / "A.X-4.0-Light" / "tokenizer.json"
    assert leftovers(tmp_path) == ["skt", "skt/A.X-4.0-Light", "skt/A.X-4.0-Light/tokenizer.json"]


def test_token_is_not_forwarded_to_another_origin(mirror, hub, other_hub, tmp_path, monkeypatch):
    """The hub redirects file downloads to a CDN: the bearer token must stay with the hub."""
    other_hub.serve("/cdn/blob", ax_bytes(mirror))
    hub.serve(AX_PRIMARY, b"", location=f"{other_hub.url}/cdn/blob")
    hub.linked[f"{other_hub.url}/cdn/blob"] = ax_bytes(mirror)
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    got = pull(AX, tmp_path)
    assert got.sha256 == AX.sha256
    assert hub.seen == [(AX_PRIMARY, "Bearer hf_secret")]
    assert other_hub.seen == [("/cdn/blob", None)]


# --------------------------------------------------------------------------- 5. network down


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_network_down_fails_fast(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("TOKCOST_DOWNLOAD_TIMEOUT", "2")
    out = tmp_path / "airgap"
    start = time.monotonic()
    proc = tokcost("tokenizers", "pull", "ax-4.0", "--to", str(out), timeout=30)
    assert time.monotonic() - start < 10
    line = one_line_error(proc)
    assert "cannot download" in line and "TOKCOST_TOKENIZERS_DIR" in line
    assert leftovers(out) == []


def test_silent_server_times_out(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    """A server that accepts the connection and never answers: the timeout ends the wait."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(4)  # never accepted: the kernel completes the handshake, nobody answers
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{s.getsockname()[1]}")
        monkeypatch.setenv("TOKCOST_DOWNLOAD_TIMEOUT", "0.5")
        start = time.monotonic()
        with pytest.raises(DownloadError, match="cannot download") as err:
            pull(AX, tmp_path)
        assert time.monotonic() - start < 5
    assert "\n" not in str(err.value)
    assert leftovers(tmp_path) == []


def test_bad_settings_are_one_line_errors(hub, tmp_path, monkeypatch):
    monkeypatch.setenv("TOKCOST_DOWNLOAD_TIMEOUT", "soon")
    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path)))
    assert "TOKCOST_DOWNLOAD_TIMEOUT" in line
    monkeypatch.setenv("TOKCOST_DOWNLOAD_TIMEOUT", "5")
    monkeypatch.setenv("HF_ENDPOINT", "127.0.0.1:9")  # no scheme
    with pytest.raises(TokcostError, match="HF_ENDPOINT"):
        pull(AX, tmp_path)
    assert leftovers(tmp_path) == [] and hub.seen == []


def test_to_an_existing_file_is_a_one_line_error(mirror, hub, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    hub.serve(AX_PRIMARY, ax_bytes(mirror))
    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(blocker)))
    assert "not-a-dir" in line
    assert blocker.read_text() == "x"


# --------------------------------------------------------------------------- 6. --force


def test_different_file_needs_force(mirror, hub, tmp_path):
    hub.serve(AX_PRIMARY, ax_bytes(mirror))
    dest = tmp_path / "skt" / "A.X-4.0" / "tokenizer.json"
    dest.parent.mkdir(parents=True)
    other = mirror / "LGAI-EXAONE" / "EXAONE-4.0-1.2B" / "tokenizer.json"  # a real, other file
    dest.write_bytes(other.read_bytes())

    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path)))
    assert "differs" in line and "--force" in line
    assert sha256_file(dest) == sha256_file(other)  # untouched
    assert hub.seen == []

    proc = tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path), "--force")
    assert proc.returncode == 0, proc.stderr
    assert "downloaded" in proc.stdout
    assert sha256_file(dest) == AX.sha256
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [dest]


def test_force_refreshes_a_file_without_catalog_hash(mirror, hub, tmp_path):
    """hf:ORG/REPO has no catalog sha256: present as is, replaced with --force."""
    hub.serve(AX_PRIMARY, ax_bytes(mirror))
    dest = tmp_path / "skt" / "A.X-4.0" / "tokenizer.json"
    dest.parent.mkdir(parents=True)
    dest.write_bytes((mirror / "Qwen" / "Qwen3-1.7B" / "tokenizer.json").read_bytes())
    proc = tokcost("tokenizers", "pull", "hf:skt/A.X-4.0", "--to", str(tmp_path))
    assert proc.returncode == 0 and "present" in proc.stdout, proc.stderr
    assert hub.seen == []
    proc = tokcost("tokenizers", "pull", "hf:skt/A.X-4.0", "--to", str(tmp_path), "--force")
    assert proc.returncode == 0 and "downloaded" in proc.stdout, proc.stderr
    assert sha256_file(dest) == AX.sha256


# --------------------------------------------------------------------------- 7. count --download


def test_count_download_fills_the_cache(mirror, hub, tmp_path, monkeypatch):
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(empty))
    hub.serve(AX_PRIMARY, ax_bytes(mirror))

    offline = tokcost("count", "-t", "ax-4.0", NUMBERS)
    assert "tokcost tokenizers pull ax-4.0" in one_line_error(offline)
    assert hub.seen == []  # never the network without --download

    assert count_tokens(NUMBERS, "--download") == 15
    cached = Path(os.environ["TOKCOST_CACHE_DIR"]) / "tokenizers" / "skt" / "A.X-4.0"
    assert sha256_file(cached / "tokenizer.json") == AX.sha256
    assert leftovers(empty) == []
    assert hub.paths() == [AX_PRIMARY]

    hub.seen.clear()
    assert count_tokens(NUMBERS) == 15  # now offline, from the cache
    assert hub.seen == []


# --------------------------------------------------------------------------- pull --korean


def test_pull_korean_fetches_every_public_korean_tokenizer_with_progress(mirror, hub, tmp_path):
    """The real EXAONE 4.0 and A.X 4.0 files under their hub repo ids (an alt repo each, as the
    mirror holds them); the rest of the Korean catalog answers 404 (gated: 401). Every entry is
    tried, progress is one line per tokenizer, the two real ones land verified, exit 1 says some
    failed, and a gated repository's line names its licence page."""
    from tokcost.tokenizers.pull import korean_entries

    exaone = (mirror / "LGAI-EXAONE" / "EXAONE-4.0-1.2B" / "tokenizer.json").read_bytes()
    hub.serve("/LGAI-EXAONE/EXAONE-4.0-1.2B/resolve/main/tokenizer.json", exaone)
    hub.serve(AX_ALT, ax_bytes(mirror))
    hub.serve("/upstage/solar-pro2-tokenizer/resolve/main/tokenizer.json", b"{}",
              token="hf_secret_for_gate")  # gated: 401 without the token
    out = tmp_path / "mirror"
    proc = tokcost("tokenizers", "pull", "--korean", "--to", str(out), timeout=180)
    assert proc.returncode == 1, proc.stderr
    n = len(korean_entries())
    progress = [ln for ln in proc.stderr.splitlines() if ln.startswith("[")]
    assert len(progress) == n and progress[0].startswith(f"[1/{n}] exaone-4.0: downloaded")
    assert progress[0].endswith("; verified by sha256)")  # pull runs verify on what it got
    ax_line = next(ln for ln in progress if " ax-4.0: " in ln)
    assert ax_line.startswith(f"[4/{n}] ax-4.0: downloaded") and "verified by sha256" in ax_line
    gated = next(ln for ln in progress if "solar-pro2:" in ln)
    assert "FAILED" in gated and f"{hub.url}/upstage/solar-pro2-tokenizer" in gated
    assert "licence" in gated and "HF_TOKEN" in gated  # one line naming the licence page
    assert f"2 of {n} tokenizers on this machine (2 verified)" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sha256_file(out / "LGAI-EXAONE" / "EXAONE-4.0-1.2B" / "tokenizer.json") == \
        load_catalog()["exaone-4.0"].sha256
    assert sha256_file(out / "skt" / "A.X-4.0-Light" / "tokenizer.json") == AX.sha256
    # only tokenizer files were asked for: never a weight, never a listing
    assert all(p.rsplit("/", 1)[-1] in ("tokenizer.json",) for p in hub.paths())
    # and the pulled mirror counts offline
    proc = subprocess.run([sys.executable, "-m", "tokcost", "count", "-t", "ax-4.0", NUMBERS,
                           "--format", "json"], capture_output=True, text=True,
                          env={**os.environ, "TOKCOST_TOKENIZERS_DIR": str(out),
                               "HF_HUB_OFFLINE": "1"}, check=False)
    assert proc.returncode == 0 and json.loads(proc.stdout)["rows"][0]["tokens"] == 15


def test_pull_needs_a_name_or_korean(hub):
    line = one_line_error(tokcost("tokenizers", "pull"))
    assert "--korean" in line


# --------------------------------------------------------------------------- on huggingface_hub


def test_a_server_that_is_not_a_hub_is_one_line(mirror, hub, tmp_path):
    """A plain web server (no X-Repo-Commit / ETag) is not taken for a hub."""
    hub.serve(AX_PRIMARY, ax_bytes(mirror))
    hub.serve(AX_ALT, ax_bytes(mirror))
    for route in hub.routes.values():
        route.plain = True
    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path)))
    assert "cannot download" in line and "does not answer like a Hugging Face hub" in line
    assert leftovers(tmp_path) == []


def test_xet_is_not_offered_the_file_comes_over_the_bounded_client(mirror, hub, tmp_path):
    """A HEAD that advertises Xet storage still ends in a plain, bounded GET of the file."""
    hub.serve(AX_PRIMARY, ax_bytes(mirror),
              headers={"X-Xet-Hash": "ab" * 32, "X-Xet-Refresh-Route": "/api/xet-token"})
    got = pull(AX, tmp_path)
    assert got.status == "downloaded" and got.sha256 == AX.sha256
    assert hub.methods == ["HEAD", "GET"] and hub.paths() == [AX_PRIMARY]


def test_a_compressed_body_is_refused(mirror, hub, tmp_path):
    """tokcost asks for identity; a server that compresses anyway is not trusted to have sent
    the file (a small gzip stream can decode to gigabytes)."""
    import gzip

    hub.serve(AX_PRIMARY, gzip.compress(ax_bytes(mirror)), headers={"Content-Encoding": "gzip"})
    with pytest.raises(DownloadError, match="gzip-compressed") as err:
        pull(AX, tmp_path)
    assert "\n" not in str(err.value)
    assert leftovers(tmp_path) == []


def test_the_hubs_own_gated_answer(mirror, hub, tmp_path):
    """The hub's 403 with X-Error-Code: GatedRepo is huggingface_hub's GatedRepoError: one line
    naming the page where the licence is accepted."""
    hub.status(AX_PRIMARY, 403)
    hub.status(AX_ALT, 403)
    for route in hub.routes.values():
        route.headers["X-Error-Code"] = "GatedRepo"
    line = one_line_error(tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path)))
    assert "403" in line and "licence" in line and f"{hub.url}/skt/A.X-4.0" in line


def test_no_request_but_the_file(mirror, hub, tmp_path):
    """huggingface_hub's telemetry (an 'agent harness' registry fetched from the endpoint) is
    off: the hub sees the file's HEAD and GET and nothing else."""
    hub.serve(AX_PRIMARY, ax_bytes(mirror))
    proc = tokcost("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert [p for p, _ in hub.seen] == [AX_PRIMARY, AX_PRIMARY]
    assert proc.stderr == ""  # no progress bar, no warning from huggingface_hub


def test_hf_token_is_not_sent_to_a_tiktoken_url(mirror, hub, tmp_path, monkeypatch):
    """The token is the hub's; an encoding's published URL (another host in real life) gets none."""
    data = (mirror / "tiktoken" / "cl100k_base.tiktoken").read_bytes()
    hub.serve("/encodings/cl100k_base.tiktoken", data)
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    entry = dataclasses.replace(load_catalog()["cl100k_base"],
                                url=f"{hub.url}/encodings/cl100k_base.tiktoken")
    assert pull(entry, tmp_path).status == "downloaded"
    assert hub.seen == [("/encodings/cl100k_base.tiktoken", None)]


# --------------------------------------------------------------------------- pull runs verify

LLAMA = "/meta-llama/Meta-Llama-3-8B/resolve/main/tokenizer.json"


def _digit_split(data: bytes) -> bytes:
    """The same tokenizer.json with every digit split off: other ids on llama.cpp's check text."""
    doc = json.loads(data)
    doc["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Digits", "individual_digits": True}, doc["pre_tokenizer"]]}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def test_pull_verifies_by_llamacpp_hash_where_no_sha256_is_pinned(mirror, hub, tmp_path):
    """Llama 3 has no sha256 pin, only llama.cpp's check hash: the genuine file comes out
    verified by it; a tampered one is kept but UNVERIFIED, exit 1, and is never counted exact."""
    assert load_catalog()["llama-3"].sha256 is None and load_catalog()["llama-3"].llamacpp_hash
    genuine = (mirror / "meta-llama" / "Meta-Llama-3-8B" / "tokenizer.json").read_bytes()
    hub.serve(LLAMA, genuine)
    good = tokcost("tokenizers", "pull", "llama-3", "--to", str(tmp_path / "good"))
    assert good.returncode == 0, good.stderr
    assert good.stdout.startswith("llama-3: downloaded ")
    assert good.stdout.rstrip().endswith("; verified by llama.cpp)")

    hub.serve(LLAMA, _digit_split(genuine))
    bad_dir = tmp_path / "bad"
    bad = tokcost("tokenizers", "pull", "llama-3", "--to", str(bad_dir))
    assert bad.returncode == 1, (bad.stdout, bad.stderr)
    assert "UNVERIFIED: llama.cpp differs from the catalog" in bad.stdout
    assert "llama-3: the file fails the identity the catalog records" in bad.stderr
    assert "Traceback" not in bad.stderr
    kept = bad_dir / "meta-llama" / "Meta-Llama-3-8B" / "tokenizer.json"
    proc = subprocess.run([sys.executable, "-m", "tokcost", "count", "-t", "llama-3", NUMBERS,
                           "--format", "json"], capture_output=True, text=True, check=False,
                          env={**os.environ, "TOKCOST_TOKENIZERS_DIR": str(bad_dir)})
    assert proc.returncode == 0, proc.stderr
    [row] = json.loads(proc.stdout)["rows"]
    assert row["identity"] == "unverified" and row["tokenizer_match"] == "presumed"
    assert kept.is_file()

    # pulling again finds the tampered copy present and says so again (exit 1)
    again = tokcost("tokenizers", "pull", "llama-3", "--to", str(bad_dir))
    assert again.returncode == 1 and "present" in again.stdout and "UNVERIFIED" in again.stdout


def test_pull_of_an_entry_with_nothing_recorded_says_unverified_but_succeeds(mirror, hub,
                                                                             tmp_path):
    """hf:ORG/REPO for a file no catalog entry records: kept, unverified, exit 0; the same
    request for the genuine A.X 4.0 bytes is recognised as ax-4.0 and verified."""
    hub.serve("/someone/unknown/resolve/main/tokenizer.json", _digit_split(ax_bytes(mirror)))
    proc = tokcost("tokenizers", "pull", "hf:someone/unknown", "--to", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "unverified: no catalog entry records this file's sha256" in proc.stdout
    hub.serve("/someone/copy/resolve/main/tokenizer.json", ax_bytes(mirror))
    got = pull(load_catalog_spec("hf:someone/copy"), tmp_path)
    assert got.verified and got.identity_method == "sha256"


def load_catalog_spec(spec: str):
    from tokcost.tokenizers.catalog import parse_spec

    return parse_spec(spec)


# --------------------------------------------------------------------------- report --pull


def test_report_pull_fetches_the_korean_tokenizers_and_reports_them(mirror, hub, tmp_path,
                                                                  monkeypatch):
    """`tokcost report --pull` on a machine with no mirror: the Korean tokenizers come from the
    hub into the cache (progress on stderr, verified), and the report measures them as exact."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(empty))
    hub.serve(AX_ALT, ax_bytes(mirror))
    hub.serve("/LGAI-EXAONE/EXAONE-4.0-1.2B/resolve/main/tokenizer.json",
              (mirror / "LGAI-EXAONE" / "EXAONE-4.0-1.2B" / "tokenizer.json").read_bytes())
    out = tmp_path / "rep"
    proc = tokcost("report", "--pull", "--out", str(out), "-c", "samples/news",
                   "--no-diagnostics", "-m", "skt/A.X-4.0", "-m", "gpt-4o", "--workers", "1",
                   timeout=300)
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("[")]
    assert any(" ax-4.0: downloaded " in ln and "verified by sha256" in ln for ln in lines)
    assert any(" exaone-4.0: downloaded " in ln for ln in lines)
    assert all(p.rsplit("/", 1)[-1] == "tokenizer.json" for p in hub.paths())
    doc = json.loads((out / "results.json").read_text("utf-8"))
    rows = {r["tokenizer"]: r for r in doc["measure"]}
    assert rows["ax-4.0"]["identity"] == "verified"
    assert rows["ax-4.0"]["tokenizer_match"] == "exact"
    assert "exaone-4.0" in rows
    cached = Path(os.environ["TOKCOST_CACHE_DIR"]) / "tokenizers" / "skt" / "A.X-4.0-Light"
    assert sha256_file(cached / "tokenizer.json") == AX.sha256
