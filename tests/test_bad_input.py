"""Hostile and careless input, one case per row: the command, the exit code, the one line.

Every case runs the real CLI (``python -m tokcost``) and asserts what tokcost promises: the
expected exit code, exactly one ``tokcost: error:`` line on stderr carrying the expected text, no
traceback, no secret, nothing of the user's overwritten. The hostile-hub cases run against a
server on 127.0.0.1 that the test starts; nothing reaches a network. Add a row for every new
case (issue #17 keeps growing).
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SECRET = "hf_SeCrEtToKeN1234567890"
GOOD = {"schema": "tokcost/measure/1", "rows": [
    {"tokenizer": "o200k_base", "corpus": "pairs", "domain": "all", "ratio": 1.25}]}


def run(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
        stdin: str | None = None, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "PYTHONUTF8": "1", **(env or {})}
    for k, v in list(full.items()):
        if v is None:
            del full[k]
    return subprocess.run([sys.executable, "-m", "tokcost", *args], capture_output=True,
                          text=True, encoding="utf-8", errors="replace", timeout=timeout,
                          env=full, cwd=cwd, input=stdin, check=False)


def one_line(proc: subprocess.CompletedProcess[str], code: int, text: str) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    lines = [ln for ln in proc.stderr.strip().splitlines() if not ln.startswith("warning: ")]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tokcost: error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    assert text in lines[0], lines[0]
    return lines[0]


def write_json(path: Path, doc: object) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- a hostile hub


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    length: int | None = None  # announce this Content-Length instead of len(body)
    unannounced: bool = False  # GET: no Content-Length, the body ends when the connection closes
    trickle: float = 0.0  # seconds between single bytes


@dataclass
class Hub:
    url: str = ""
    replies: dict[str, Reply] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_HEAD(self) -> None:  # the hub's metadata call: what huggingface_hub asks first
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        hub = self.server.hub
        hub.seen.append(self.path)
        r = hub.replies.get(self.path, Reply(b'{"error": "Entry not found"}', 404))
        self.send_response(r.status)
        if r.unannounced and not head:
            self.close_connection = True
            self.send_header("Connection", "close")
        else:
            self.send_header("Content-Length",
                             str(len(r.body) if r.length is None else r.length))
        if r.status == 200:  # as the hub answers: the commit and an ETag
            self.send_header("X-Repo-Commit", "0123456789abcdef0123456789abcdef01234567")
            self.send_header("ETag", '"' + hashlib.sha256(r.body).hexdigest() + '"')
        for k, v in r.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if head:
            return
        with contextlib.suppress(OSError):
            if r.trickle:
                for i in range(len(r.body)):
                    self.wfile.write(r.body[i:i + 1])
                    self.wfile.flush()
                    time.sleep(r.trickle)
            else:
                self.wfile.write(r.body)

    def log_message(self, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    hub: Hub


@pytest.fixture
def hub(monkeypatch) -> Iterator[Hub]:
    h = Hub()
    server = _Server(("127.0.0.1", 0), _Handler)
    server.hub = h
    h.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                     daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", h.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("TOKCOST_DOWNLOAD_TIMEOUT", "5")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    yield h
    server.shutdown()
    server.server_close()


def leftovers(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")) if root.exists() else []


# --------------------------------------------------------------------------- 1. data loss


def test_update_baseline_refuses_to_replace_a_non_baseline(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# my project\n", encoding="utf-8")
    good = write_json(tmp_path / "good.json", GOOD)
    for extra in ((), ("--force",)):
        proc = run("check", "--baseline", str(readme), "--update-baseline", "--results",
                   str(good), *extra, cwd=tmp_path)
        one_line(proc, 2, "refusing to replace a file that is not a tokcost baseline")
    assert readme.read_text(encoding="utf-8") == "# my project\n"


def test_update_baseline_replaces_an_existing_baseline_only_with_force(tmp_path):
    base = write_json(tmp_path / "base.json", GOOD)
    before = base.read_bytes()
    newer = write_json(tmp_path / "new.json", {**GOOD, "rows": [{**GOOD["rows"][0],
                                                                   "ratio": 1.5}]})
    proc = run("check", "-b", str(base), "--update-baseline", "--results", str(newer),
               cwd=tmp_path)
    one_line(proc, 2, "only with --force")
    assert base.read_bytes() == before
    proc = run("check", "-b", str(base), "--update-baseline", "--results", str(newer),
               "--force", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(base.read_text(encoding="utf-8"))["rows"][0]["ratio"] == 1.5


# --------------------------------------------------------------------------- 8. the CI gate


@pytest.mark.parametrize("bad,text", [
    ('{"schema": "tokcost/measure/1", "rows": [{"tokenizer": "o200k_base", "corpus": "pairs",'
     ' "domain": "all", "ratio": NaN}]}', "NaN is not a number"),
    ('{"schema": "tokcost/measure/1", "rows": [{"tokenizer": "o200k_base", "corpus": "pairs",'
     ' "domain": "all", "ratio": Infinity}]}', "Infinity is not a number"),
    ('{"schema": "tokcost/measure/1", "rows": [{"tokenizer": "o200k_base", "corpus": "pairs",'
     ' "domain": "all", "ratio": -1.0}]}', "must be a finite number of zero or more"),
    ('{"schema": "tokcost/cost/1", "rows": [{"model": "gpt-5", "currency": "USD",'
     ' "cost": 1e999}]}', "overflows"),
    ('{"schema": "tokcost/measure/1", "rows": [{"tokenizer": "\\ud800", "corpus": "p",'
     ' "ratio": 1}]}', "lone surrogate"),
    ('[' * 100_000 + ']' * 100_000, "nested deeper than"),
    ('{"schema": "tokcost/measure/1", "n": ' + "9" * 5000 + '}', "too large"),
])
def test_impossible_baseline_is_exit_2(tmp_path, bad, text):
    base = tmp_path / "base.json"
    base.write_text(bad, encoding="utf-8")
    good = write_json(tmp_path / "good.json", GOOD)
    one_line(run("check", "-b", str(base), "--results", str(good), cwd=tmp_path), 2, text)
    # the same document as --results is refused the same way
    one_line(run("check", "-b", str(good), "--results", str(base), cwd=tmp_path), 2, text)


def test_nan_threshold_in_config_or_flag_is_exit_2(tmp_path):
    good = write_json(tmp_path / "good.json", GOOD)
    (tmp_path / "tokcost.toml").write_text("[check]\nmax_ratio_increase = nan\n",
                                           encoding="utf-8")
    one_line(run("check", "-b", str(good), "--results", str(good), cwd=tmp_path), 2,
             "must be a finite number")
    (tmp_path / "tokcost.toml").unlink()
    one_line(run("check", "-b", str(good), "--results", str(good), "--max-ratio-increase", "inf",
                 cwd=tmp_path), 2, "--max-ratio-increase must be a finite number")
    proc = run("check", "-b", str(good), "--results", str(good), "--max-ratio-increase", "nan",
               cwd=tmp_path)  # click's own usage error
    assert proc.returncode == 2 and "Invalid value for '--max-ratio-increase'" in proc.stderr


@pytest.mark.parametrize(("toml", "text"), [
    ("models = " + "[" * 3000, "nesting deeper than 64"),
    ("[check]\nmax_ratio = " + "9" * 5000 + "\n", "value out of range"),
    ("[workload]\nrequests_per_day = " + "9" * 350 + "\n", "an integer of 350 digits"),
    ("[check]\nmax_ratio = 9223372036854775808\n", "TOML integers are 64-bit"),
])
def test_hostile_toml_config_is_exit_2(tmp_path, toml, text):
    # found by tests/fuzz_readers.py: RecursionError / int-digit ValueError escaped (seed 17);
    # an integer of 309-400 digits was an OverflowError, exit 70 (seed 31337)
    good = write_json(tmp_path / "good.json", GOOD)
    (tmp_path / "tokcost.toml").write_text(toml, encoding="utf-8")
    line = one_line(run("check", "-b", str(good), "--results", str(good), cwd=tmp_path), 2, text)
    assert "tokcost.toml" in line


@pytest.mark.parametrize("toml", ["tier = " + "{a = " * 200, "x = " + "1" * 4400, "huge input"])
def test_hostile_toml_price_table_is_exit_2(tmp_path, toml):
    table = tmp_path / "mine.toml"
    if toml == "huge input":  # a real table with one price of 350 digits (was exit 70)
        import re

        shipped = Path(__file__).resolve().parents[1] / "pricing" / "alibaba.toml"
        toml, n = re.subn(r"(?m)^(\s*input = ).*$", lambda m: m.group(1) + "9" * 350,
                          shipped.read_text(encoding="utf-8"), count=1)
        assert n == 1
    table.write_text(toml, encoding="utf-8")
    # validate reports findings and exits 1 (its documented "table has errors" code) ...
    proc = run("pricing", "validate", str(table), cwd=tmp_path)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "mine.toml: invalid TOML:" in proc.stdout
    # ... and a command that uses the table refuses it in one line, exit 2
    one_line(run("cost", "--text", "안녕하세요", "-m", "gpt-5", "--pricing", str(table),
                 cwd=tmp_path), 2, "mine.toml")


def test_broken_tokenizer_catalog_is_one_line(tmp_path):
    from tokcost.errors import TokcostError
    from tokcost.tokenizers.catalog import load_catalog

    bad = tmp_path / "catalog.toml"
    for body, text in [("[[tokenizer]\nid = 1", "not valid TOML"),
                       ("tokenizer = 3\n", "must hold [[tokenizer]] tables"),
                       (b"\xff\xfe".decode("latin-1"), "cannot read")]:
        if text == "cannot read":
            bad.write_bytes(b"\xff\xfe\x00")
        else:
            bad.write_text(body, encoding="utf-8")
        with pytest.raises(TokcostError, match=text.replace("[", r"\[")) as err:
            load_catalog(str(bad))
        assert "\n" not in str(err.value) and "catalog.toml" in str(err.value)


@pytest.mark.parametrize(("body", "text"), [
    ("[[tokenizer]\nid = 1\n", "the tokenizer catalog is not valid TOML"),
    ("[[tokenizer]]\nid = 'x'\nbackend = 'nosuch'\n", "catalog.toml"),
    ("", "unknown tokenizer 'o200k_base'")])
def test_broken_shipped_catalog_through_the_cli(tmp_path, body, text):
    """The installed package's own catalog.toml broken: every command that needs it says so in
    one line (a copy of the package, so the real one is untouched)."""
    import shutil

    import tokcost

    pkg = tmp_path / "site"
    shutil.copytree(Path(tokcost.__file__).parent, pkg / "tokcost",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (pkg / "tokcost" / "tokenizers" / "catalog.toml").write_text(body, encoding="utf-8")
    env = {"PYTHONPATH": str(pkg)}
    for args in (("count", "안녕하세요", "-t", "o200k_base"), ("tokenizers", "show", "o200k_base"),
                 ("measure", "-c", "samples", "-t", "o200k_base")):
        one_line(run(*args, env=env, cwd=tmp_path), 2, text)


# --------------------------------------------------------------------------- 5. injection


def test_step_summary_and_markdown_carry_no_injected_markup(tmp_path):
    evil = "o200k_base\n### tokcost check: passed\n<img src=https://evil.example/x.png>"
    doc = {"schema": "tokcost/measure/1", "rows": [
        {"tokenizer": evil, "corpus": "pairs", "domain": "all", "ratio": 1.25}]}
    good = write_json(tmp_path / "good.json", doc)
    summary = tmp_path / "summary.md"
    proc = run("check", "-b", str(good), "--results", str(good),
               env={"GITHUB_STEP_SUMMARY": str(summary)}, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = summary.read_text(encoding="utf-8")
    assert "<img" not in text and "&lt;img" in text
    assert [ln for ln in text.splitlines() if ln.startswith("###")] == [
        "### tokcost check: passed"]


EVIL_DOMAIN = "<img src=https://evil.example/x.png>"


def _evil_corpus(tmp_path: Path) -> Path:
    # a file name that would close a Markdown code span and open raw HTML, and domains that
    # are HTML, a cell break and a spreadsheet formula
    path = tmp_path / "a`<img src=https:evil>`b.jsonl"
    path.write_text(json.dumps({"ko": "안녕하세요 반갑습니다", "en": "hello, nice to meet you",
                                "domain": EVIL_DOMAIN}) + "\n"
                    + json.dumps({"ko": "감사합니다", "en": "thank you",
                                  "domain": "=HYPERLINK(\"http://e\")|x"}) + "\n",
                    encoding="utf-8")
    return path


def _no_raw_html(markdown: str) -> None:
    import re

    outside_code = re.sub(r"`[^`\n]*`", "", markdown)  # inside a code span '<' is text
    assert "<img" not in outside_code and "&lt;img" in outside_code, markdown


def test_measure_markdown_and_csv_carry_no_injected_markup(mirror, tmp_path):
    corpus = _evil_corpus(tmp_path)
    proc = run("measure", "-c", str(corpus), "-t", "o200k_base", "--by-domain", "-f",
               "markdown", "--no-cache", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    _no_raw_html(proc.stdout)
    sig = [ln for ln in proc.stdout.splitlines() if ln.startswith("`tokcost:")]
    assert len(sig) == 1 and sig[0].count("`") == 2, sig  # one code span, nothing outside it
    proc = run("measure", "-c", str(corpus), "-t", "o200k_base", "--by-domain", "-f", "csv",
               "--no-cache", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    import csv
    import io

    cells = [c for row in csv.reader(io.StringIO(proc.stdout)) for c in row]
    assert "'=HYPERLINK(\"http://e\")|x" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or
                (c[:1] == "-" and not c[1:].replace(".", "").isdigit())]


def test_report_md_and_csv_carry_no_injected_markup(mirror, tmp_path):
    corpus = _evil_corpus(tmp_path)
    out = tmp_path / "rep"
    proc = run("report", "-c", str(corpus), "-t", "o200k_base", "-m", "gpt-5", "-o", str(out),
               "--no-diagnostics", cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    md = (out / "report.md").read_text(encoding="utf-8")
    _no_raw_html(md)
    assert "=HYPERLINK(&quot;http://e&quot;)\\|x" in md  # its own cell, '|' escaped
    for line in md.splitlines():  # every code span closes on its line
        assert line.count("`") % 2 == 0, line
    import csv

    with (out / "results.csv").open(encoding="utf-8", newline="") as fh:
        domains = [row["domain"] for row in csv.DictReader(fh)]
    assert "'=HYPERLINK(\"http://e\")|x" in domains and EVIL_DOMAIN in domains


def test_csv_cells_never_start_a_formula():
    from tokcost.render import to_csv

    out = to_csv([{"a": "=HYPERLINK(\"http://x\")", "b": "+1+1", "c": "-2+3", "d": "@SUM(A1)",
                   "e": "-3.5", "f": 7}])
    assert out.splitlines()[1] == "\"'=HYPERLINK(\"\"http://x\"\")\",'+1+1,'-2+3,'@SUM(A1),-3.5,7"


def test_explain_strips_terminal_escapes():
    proc = run("explain", "-t", "o200k_base", "안녕\x1b]0;pwned\x07 세상\x1b[31m 빨강\x9b2J")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b" not in proc.stdout and "\x07" not in proc.stdout and "\x9b" not in proc.stdout
    assert "세상" in proc.stdout


# --------------------------------------------------------------------------- 2-4, 6: the hub


def test_token_with_newline_is_never_printed(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    proc = run("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path / "o"),
               env={"HF_TOKEN": SECRET + "\n", "HF_ENDPOINT": "http://127.0.0.1:1"})
    one_line(proc, 2, "HF_TOKEN holds whitespace")
    assert SECRET not in proc.stdout + proc.stderr


def test_credentials_in_endpoint_are_never_printed(tmp_path, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    proc = run("tokenizers", "pull", "ax-4.0", "--to", str(tmp_path / "o"),
               env={"HF_ENDPOINT": "http://alice:pa55w0rd-secret@127.0.0.1:1",
                    "TOKCOST_DOWNLOAD_TIMEOUT": "2"})
    one_line(proc, 2, "cannot download")
    assert "pa55w0rd-secret" not in proc.stdout + proc.stderr


def test_redaction_is_central():
    from tokcost.errors import TokcostError

    os.environ["HF_TOKEN"] = SECRET
    try:
        err = TokcostError(f"header b'Bearer {SECRET}\\n' rejected by https://u:p4ss@h/x")
        assert SECRET not in err.render() and "p4ss" not in err.render()
    finally:
        del os.environ["HF_TOKEN"]


@pytest.mark.parametrize("spec,text", [
    ("hf:../..", "not a valid hub repo id"), ("hf:a/../../b", "bad spec"),
    ("hf:..%2f../x", "not a valid hub repo id"), ("hf:a/b/c", "bad spec"),
    ("hf:a--b/c", "not a valid hub repo id"), ("hf:./x", "not a valid hub repo id")])
def test_path_traversal_in_repo_ids_is_refused_before_any_path(hub, tmp_path, spec, text):
    inner = tmp_path / "a" / "b" / "inner"
    one_line(run("tokenizers", "pull", spec, "--to", str(inner)), 2, text)
    assert leftovers(tmp_path) == []
    assert hub.seen == []


def test_path_traversal_via_count_download(hub, tmp_path):
    one_line(run("count", "-t", "hf:../..", "--download", "x"), 2, "not a valid hub repo id")
    one_line(run("count", "-t", "tiktoken:../../evil", "--download", "x"), 2,
             "not a valid tiktoken encoding name")
    assert hub.seen == []


def test_hf_hub_offline_is_honoured(hub, tmp_path):
    proc = run("tokenizers", "pull", "hf:org/repo", "--to", str(tmp_path / "o"),
               env={"HF_HUB_OFFLINE": "1"})
    one_line(proc, 2, "HF_HUB_OFFLINE is set")
    one_line(run("count", "-t", "hf:org/repo", "--download", "x", env={"HF_HUB_OFFLINE": "1"}),
             2, "HF_HUB_OFFLINE is set")
    assert hub.seen == []


BODY = "/org/repo/resolve/main/tokenizer.json"


@pytest.mark.parametrize("reply,text", [
    (Reply(b"<!DOCTYPE html><html><body>Sign in</body></html>"), "HTML page"),
    (Reply(gzip.compress(b'{"model": {}}')), "gzip-compressed"),
    (Reply(b'{"model": {"vocab": {"a": 1'), "not valid JSON"),
    (Reply(b""), "body is empty"),
    (Reply(b"[1, 2, 3]"), "not a tokenizer file"),
    (Reply(b"x" * 10, length=300_000_000), "over the 100 MB limit"),
])
def test_bad_bodies_are_refused_and_nothing_is_kept(hub, tmp_path, reply, text):
    hub.replies[BODY] = reply
    out = tmp_path / "o"
    one_line(run("tokenizers", "pull", "hf:org/repo", "--to", str(out)), 2, text)
    assert leftovers(out) == []


def test_more_bytes_than_the_cap_are_refused(hub, tmp_path):
    hub.replies[BODY] = Reply(b'{"a": "' + b"x" * 3_000_000 + b'"}')
    out = tmp_path / "o"
    one_line(run("tokenizers", "pull", "hf:org/repo", "--to", str(out),
                 env={"TOKCOST_DOWNLOAD_MAX_MB": "1"}), 2, "over the 1 MB limit")
    assert leftovers(out) == []


def test_a_body_longer_than_announced_is_cut_at_the_cap(hub, tmp_path):
    # HEAD says 20 bytes; the GET sends 3 MB without a Content-Length until it closes
    hub.replies[BODY] = Reply(b'{"a": "' + b"x" * 3_000_000 + b'"}', length=20,
                              unannounced=True)
    out = tmp_path / "o"
    one_line(run("tokenizers", "pull", "hf:org/repo", "--to", str(out),
                 env={"TOKCOST_DOWNLOAD_MAX_MB": "1"}), 2, "sent more than the 1 MB limit")
    assert leftovers(out) == []


def test_trickling_server_hits_the_total_deadline(hub, tmp_path):
    hub.replies[BODY] = Reply(b'{"model": {}}' * 10, trickle=1.0)
    out = tmp_path / "o"
    t0 = time.monotonic()
    one_line(run("tokenizers", "pull", "hf:org/repo", "--to", str(out),
                 env={"TOKCOST_DOWNLOAD_TIMEOUT": "3"}), 2, "took longer than")
    assert time.monotonic() - t0 < 20
    assert leftovers(out) == []


def test_sigterm_during_pull_leaves_no_part_file(hub, tmp_path):
    hub.replies[BODY] = Reply(b'{"model": {}}' * 50, trickle=0.2)
    out = tmp_path / "o"
    env = {**os.environ, "PYTHONUTF8": "1", "TOKCOST_DOWNLOAD_TIMEOUT": "60"}
    proc = subprocess.Popen([sys.executable, "-m", "tokcost", "tokenizers", "pull",
                             "hf:org/repo", "--to", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    def started() -> bool:  # huggingface_hub's .incomplete file in tokcost's staging folder
        return out.exists() and any(p.name.endswith((".part", ".incomplete"))
                                    for p in out.rglob("*"))

    while not started():
        assert time.monotonic() < deadline, "the download never started"
        time.sleep(0.1)
    proc.terminate()
    proc.communicate(timeout=30)
    assert proc.returncode != 0
    assert leftovers(out) == []


def test_sigterm_during_a_tiktoken_pull_leaves_no_part_file(hub, tmp_path):
    """The other download path: a tiktoken encoding from its published URL (here the catalog's
    URL pointed at the local server) streams into a .part file."""
    hub.replies["/enc/cl100k_base.tiktoken"] = Reply(b"IQ== 0\n" * 200, trickle=0.2)
    out = tmp_path / "o"
    code = ("import dataclasses, sys\n"
            "from tokcost.tokenizers import catalog\n"
            "cat = catalog.load_catalog()\n"
            "cat['cl100k_base'] = dataclasses.replace(cat['cl100k_base'], url=sys.argv[1])\n"
            "sys.argv = ['tokcost', 'tokenizers', 'pull', 'cl100k_base', '--to', sys.argv[2]]\n"
            "from tokcost.cli.app import main\n"
            "main()\n")
    env = {**os.environ, "PYTHONUTF8": "1", "TOKCOST_DOWNLOAD_TIMEOUT": "60"}
    proc = subprocess.Popen([sys.executable, "-c", code, f"{hub.url}/enc/cl100k_base.tiktoken",
                             str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not (out.exists() and any(p.name.endswith(".part") for p in out.rglob("*"))):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.1)
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and b"Traceback" not in err, err
    assert leftovers(out) == []


@pytest.mark.parametrize("endpoint", ["http://[::1", "ftp://x", "http://h:99999", "http://"])
def test_malformed_endpoint_is_one_line(tmp_path, monkeypatch, endpoint):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    one_line(run("tokenizers", "pull", "hf:org/repo", "--to", str(tmp_path / "o"),
                 env={"HF_ENDPOINT": endpoint}), 2, "is not an http(s) URL")


# --------------------------------------------------------------------------- 11. tokenizer files


def _truncated(mirror: Path, tmp: Path) -> Path:
    p = tmp / "tokenizer.json"
    p.write_bytes((mirror / "skt" / "A.X-4.0-Light" / "tokenizer.json").read_bytes()[:5000])
    return p


CASES: list[tuple[str, Callable[[Path, Path], str], str]] = [
    ("truncated tokenizer.json", lambda m, t: str(_truncated(m, t)), "cannot load this file"),
    ("empty tokenizer.json", lambda m, t: str((t / "e.json", (t / "e.json").write_bytes(b""))[0]),
     "cannot load this file"),
    ("/etc/passwd as o200k_base", lambda m, t: "o200k_base=/etc/passwd", "cannot load this file"),
    ("garbage SentencePiece model",
     lambda m, t: str((t / "g.model", (t / "g.model").write_bytes(os.urandom(3000)))[0]),
     "cannot load this file"),
    ("truncated tekken.json", lambda m, t: str((t / "tekken.json", (t / "tekken.json").write_bytes(
        (m / "mistralai" / "Mistral-Nemo-Instruct-2407" / "tekken.json").read_bytes()[:4000]))[0]),
     "cannot load this file"),
]


@pytest.mark.parametrize("name,make,text", CASES, ids=[c[0] for c in CASES])
def test_garbage_tokenizer_files_are_one_line(mirror, tmp_path, name, make, text):
    spec = make(mirror, tmp_path)
    one_line(run("count", "-t", spec, "안녕하세요"), 2, text)


# --------------------------------------------------------------------------- 9, 11. corpora

HOSTILE_LINES = {
    "surrogate": '{"ko": "가", "en": "\\ud800"}',
    "deep": '{"ko": "가", "en": "a", "x": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "digits": '{"ko": "가", "en": "a", "n": ' + "9" * 5000 + "}",
}

# (case, the arguments ({ko} a file, {dir} a directory, {h} a file of that hostile line), the text
# of the one line). Every row: exit 2, one line, no traceback. (tests/test_fidelity.py holds the
# same cases in-process, with corpora validate.)
CORPUS_CASES = [
    ("-c a.ko,DIR", ("measure", "-c", "{ko},{dir}"), "is a directory, expected a file"),
    ("-c ,", ("measure", "-c", ","), "bad aligned spec ','"),
    ("-c mono:", ("measure", "-c", "mono:"), "mono: needs a file"),
    ("-c ''", ("measure", "-c", ""), "empty corpus spec"),
    ("-c mono:DIR", ("measure", "-c", "mono:{dir}"), "is a directory"),
    ("-c mono:/dev/zero", ("measure", "-c", "mono:/dev/zero"), "not a regular file"),
    ("-c /dev/zero", ("measure", "-c", "/dev/zero"), "not a regular file"),
    ("count --file /dev/zero", ("count", "--file", "/dev/zero"), "not a regular file"),
    ("jsonl lone surrogate", ("measure", "-c", "{surrogate}"), "holds a lone surrogate"),
    ("jsonl 100,000-deep", ("measure", "-c", "{deep}"), "h.jsonl:1:"),
    ("jsonl 5,000 digits", ("measure", "-c", "{digits}"), "h.jsonl:1:"),
    ("count: invalid UTF-8 in argv", ("count", "\udcff\udcfeab"), "not valid UTF-8"),
    ("-c a symlink loop", ("measure", "-c", "{loop}"),
     "cannot read file (Too many levels of symbolic links)"),  # not "no such file"
]


@pytest.mark.parametrize(("case", "args", "text"), CORPUS_CASES, ids=[c[0] for c in CORPUS_CASES])
def test_bad_corpus_or_count_input_is_one_line(mirror, tmp_path, case, args, text):
    (tmp_path / "a.ko").write_text("가\n", encoding="utf-8")
    (tmp_path / "d").mkdir()
    os.symlink(tmp_path / "loop.jsonl", tmp_path / "loop.jsonl")  # ELOOP, even for root
    paths = {"ko": str(tmp_path / "a.ko"), "dir": str(tmp_path / "d"),
             "loop": str(tmp_path / "loop.jsonl")}
    for name, line in HOSTILE_LINES.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "h.jsonl").write_text(line + "\n", encoding="utf-8")
        paths[name] = str(tmp_path / name / "h.jsonl")
    # (the argv case: a surrogate-escaped str reaches the child as the raw bytes ff fe)
    one_line(run(*(a.format(**paths) for a in args), "-t", "o200k_base", timeout=60), 2, text)


def test_invalid_utf8_on_stdin_is_one_line(mirror, tmp_path):
    for args in (("count", "-"), ("measure", "-c", "-", "--no-cache")):
        proc = subprocess.run([sys.executable, "-m", "tokcost", *args, "-t", "o200k_base"],
                              input=b"ok\n\xff\xfe\n", capture_output=True, timeout=60,
                              env={**os.environ, "PYTHONUTF8": "1", "TMPDIR": str(tmp_path)},
                              check=False)
        done = subprocess.CompletedProcess(proc.args, proc.returncode,
                                           proc.stdout.decode("utf-8", "replace"),
                                           proc.stderr.decode("utf-8", "replace"))
        one_line(done, 2, "<stdin>:2: invalid UTF-8")  # not the name of a deleted spool file
    assert leftovers(tmp_path) == []  # the stdin spool file is gone, after an error too


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_corpus_is_read_once_and_finishes(mirror, tmp_path):
    fifo = tmp_path / "pairs.jsonl"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONUTF8": "1", "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "tokcost", "measure", "-c", str(fifo), "-t",
                             "o200k_base", "-f", "json", "--no-cache"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with fifo.open("w", encoding="utf-8") as fh:
        fh.write('{"ko": "안녕", "en": "hi"}\n{"ko": "세계", "en": "world"}\n')
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 0, err
    assert json.loads(out)["rows"][0]["pairs"] == 2
    assert leftovers(tmp_path) == ["pairs.jsonl"]  # and its spool file is gone


# --------------------------------------------------------------------------- 11. corpora


def _without_root_powers() -> list[str]:
    """A command prefix under which file permissions hold: nothing for a normal user; for root
    (CI containers), setpriv dropping the capabilities that bypass them."""
    if os.geteuid() != 0:
        return []
    import shutil

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root reads files whatever their permissions, and setpriv is absent")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={caps}", f"--bounding-set={caps}"]


@pytest.mark.parametrize("kind", ["k.jsonl", "k.csv", "k.tsv", "k.txt", "mono", "aligned"])
def test_permission_denied_in_every_reader(mirror, tmp_path, kind):
    # tests/test_fidelity.py has the same in-process, skipped as root; this one runs there too
    files = {"k.jsonl": '{"ko": "가", "en": "a"}\n', "k.csv": "ko,en\n가,a\n",
             "k.tsv": "ko\ten\n가\ta\n", "k.txt": "가\n"}
    for name, body in files.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        (tmp_path / name).chmod(0)
    txt = tmp_path / "k.txt"
    spec = {"mono": f"mono:{txt}", "aligned": f"{txt},{txt}"}.get(kind, str(tmp_path / kind))
    prefix = _without_root_powers()
    for args in (("measure", "-c", spec, "-t", "o200k_base"), ("corpora", "validate", spec)):
        proc = subprocess.run([*prefix, sys.executable, "-m", "tokcost", *args],
                              capture_output=True, text=True, timeout=120, check=False,
                              env={**os.environ, "PYTHONUTF8": "1"})
        line = one_line(proc, 2, "Permission denied")
        assert "cannot read" in line and str(tmp_path) in line


# --------------------------------------------------------------------------- 11. output


def test_output_that_is_a_directory_is_one_line_even_with_force(tmp_path):
    (tmp_path / "d").mkdir()
    one_line(run("measure", "-c", "samples/news", "-t", "o200k_base", "-f", "json", "-o",
                 str(tmp_path / "d"), "--force"), 2, "d is a directory (name a file with -o)")
    (tmp_path / "rep" / "report.html").mkdir(parents=True)
    one_line(run("report", "-c", "samples/news", "-t", "o200k_base", "-m", "gpt-5",
                 "--no-diagnostics", "-o", str(tmp_path / "rep"), "--force", timeout=300), 2,
             "report.html: a directory")
    assert (tmp_path / "rep" / "report.html").is_dir()


def _read_only_dir(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o555)
        return d
    # root writes through permissions; /sys refuses new files even to root
    if not Path("/sys").is_dir() or _can_create(Path("/sys")):
        pytest.skip("no directory here refuses writes")
    return Path("/sys")


def _can_create(d: Path) -> bool:
    try:
        (d / "tokcost-probe").touch()
    except OSError:
        return False
    (d / "tokcost-probe").unlink()
    return True


def test_read_only_output_directory_is_one_line(tmp_path):
    target = _read_only_dir(tmp_path) / "tokcost-results.json"
    line = one_line(run("measure", "-c", "samples/news", "-t", "o200k_base", "-f", "json", "-o",
                        str(target)), 2, "Permission denied")
    assert str(target) in line and ".tmp" not in line  # the file asked for, not a temp name


def test_full_disk_is_one_line(tmp_path):
    # ENOSPC where a real full disk reports it for a small file: when the data is flushed
    code = ("import errno, os, runpy, sys\n"
            "def full(fd):\n"
            "    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))\n"
            "os.fsync = full\n"
            "sys.argv = ['tokcost'] + sys.argv[1:]\n"
            "runpy.run_module('tokcost', run_name='__main__')\n")
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-c", code, "measure", "-c", "samples/news", "-t",
                           "o200k_base", "-f", "json", "-o", str(out)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONUTF8": "1"},
                          check=False)
    line = one_line(proc, 2, "No space left on device")
    assert str(out) in line
    assert leftovers(tmp_path) == []  # no temporary file left behind


@pytest.mark.parametrize("entry", ["measure", "sha256-memo.json", "tiktoken-ranks", "partial"])
def test_cache_entries_that_are_directories_are_misses(tmp_path, entry):
    """Every cache file replaced by a directory: the run still gives the right numbers."""
    cache = tmp_path / "cache"
    env = {"TOKCOST_CACHE_DIR": str(cache)}
    args = ("measure", "-c", "samples/news", "-t", "o200k_base", "-f", "json")
    first = run(*args, env=env)
    assert first.returncode == 0, first.stderr
    files = [p for p in cache.rglob("*") if p.is_file()
             and p.relative_to(cache).parts[0] == entry]
    assert files, sorted(str(p) for p in cache.rglob("*"))
    for f in files:
        f.unlink()
        f.mkdir()
    again = run(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["rows"] == json.loads(first.stdout)["rows"]
    assert all(f.is_dir() for f in files)


def test_cache_dir_that_is_a_file(tmp_path):
    cache = tmp_path / "cache"
    cache.write_text("not a directory\n", encoding="utf-8")
    args = ("measure", "-c", "samples/news", "-t", "o200k_base", "-f", "json")
    proc = run(*args, env={"TOKCOST_CACHE_DIR": str(cache)})
    assert proc.returncode == 0, proc.stderr
    plain = run(*args, "--no-cache", env={"TOKCOST_CACHE_DIR": str(tmp_path / "c2")})
    assert json.loads(proc.stdout)["rows"] == json.loads(plain.stdout)["rows"]
    assert cache.read_text(encoding="utf-8") == "not a directory\n"


# --------------------------------------------------------------------------- 7, 11: caches


def _poison(ranks: dict[bytes, int], how: str, ids: list[int]) -> dict:
    if how == "all shifted":
        return {k: (v + 1) % len(ranks) for k, v in ranks.items()}
    if how == "two swapped":  # targeted: only the two tokens this text starts with
        inv = {v: k for k, v in ranks.items()}
        a, b = inv[ids[0]], inv[ids[1]]
        return {**ranks, a: ranks[b], b: ranks[a]}
    if how == "one dropped":
        return {k: v for k, v in ranks.items() if v != ids[0]}
    return {k: float(v) for k, v in ranks.items()}  # "floats": prints like the file


@pytest.mark.parametrize("how", ["all shifted", "two swapped", "one dropped", "floats"])
def test_poisoned_tiktoken_rank_cache_is_not_trusted(mirror, monkeypatch, how):
    import marshal

    from tokcost.paths import write_checked
    from tokcost.tokenizers import load_tokenizer, open_resolution, resolve_spec
    from tokcost.tokenizers import tiktoken_backend as tb

    text = "안녕하세요 세상, 토큰 비용"
    good = load_tokenizer("o200k_base").encode(text)
    res = resolve_spec("o200k_base")
    ranks = marshal.loads(tb._ranks_path(res).read_bytes()[32:])
    assert tb._agrees(ranks, res)  # the genuine table passes and is used:
    import tiktoken.load

    def no_decoding(*_a: object, **_k: object) -> dict[bytes, int]:
        raise AssertionError("decoded although the cache was genuine")

    with monkeypatch.context() as m:
        m.setattr(tiktoken.load, "load_tiktoken_bpe", no_decoding)
        assert open_resolution(res).encode(text) == good
    # poisoned, with a self-consistent digest (write_checked): decoded again from the file
    write_checked(tb._ranks_path(res), marshal.dumps(_poison(ranks, how, good)))
    assert not tb._agrees(marshal.loads(tb._ranks_path(res).read_bytes()[32:]), res)
    assert open_resolution(res).encode(text) == good
    assert marshal.loads(tb._ranks_path(res).read_bytes()[32:]) == ranks  # and repaired


def test_show_does_not_call_a_tampered_mirror_copy_found(mirror, tmp_path):
    copy = tmp_path / "m" / "skt" / "A.X-4.0-Light" / "tokenizer.json"
    copy.parent.mkdir(parents=True)
    copy.write_bytes((mirror / "skt" / "A.X-4.0-Light" / "tokenizer.json").read_bytes() + b" ")
    proc = run("tokenizers", "show", "ax-4.0", "-f", "json",
               env={"TOKCOST_TOKENIZERS_DIR": str(tmp_path / "m")})
    assert proc.returncode == 0, proc.stderr
    steps = [s for s in json.loads(proc.stdout)["resolution"] if s["found"]]
    assert steps and steps[0]["path"].startswith(str(copy.parent))
    assert steps[0]["sha256_matches"] is False
    proc = run("tokenizers", "show", "ax-4.0", env={"TOKCOST_TOKENIZERS_DIR": str(tmp_path / "m"),
                                                     "COLUMNS": "250"})
    mirror_lines = [ln for ln in proc.stdout.splitlines() if ". mirror " in ln]
    assert any("sha256 differs (unverified)" in ln for ln in mirror_lines)
    assert not any(" found " in ln for ln in mirror_lines)


def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and "spawn_main" in (stat.parent / "cmdline").read_text():
                out.append(int(stat.parent.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigterm_on_measure_with_workers_stops_the_workers(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text("안녕하세요 감사합니다 대한민국 토큰 비용 측정 문장 한국어\n" * 300_000,
                   encoding="utf-8")
    env = {**os.environ, "PYTHONUTF8": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "tokcost", "measure", "-c", f"mono:{big}",
                             "-t", "o200k_base", "--workers", "2", "--no-cache"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    kids: list[int] = []
    while not kids and proc.poll() is None:
        assert time.monotonic() < deadline, "no worker started"
        time.sleep(0.2)
        kids = _children(proc.pid)
    if not kids:
        pytest.skip("the run finished before a worker was seen")
    proc.terminate()
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 15
    while any(Path(f"/proc/{k}").exists() for k in kids):
        assert time.monotonic() < deadline, "workers still alive 15 s after SIGTERM"
        time.sleep(0.2)


# --------------------------------------------------------------------------- 10. Dask


def test_dask_cluster_that_is_an_http_server_is_one_line_fast(hub, tmp_path):
    pytest.importorskip("distributed")
    t0 = time.monotonic()
    one_line(run("measure", "-c", "samples", "-t", "o200k_base", "--engine", "dask",
                 "--cluster", hub.url.replace("http://", "tcp://"), timeout=120), 2,
             "no dask scheduler at")
    assert time.monotonic() - t0 < 60


@pytest.mark.parametrize("body,text", [
    ("garbage{", "not a dask scheduler file"),
    ('{"address": 5}', "not a dask scheduler file"),
    ('[' * 100_000, "not a dask scheduler file"),
])
def test_garbage_scheduler_file_is_one_line(tmp_path, body, text):
    pytest.importorskip("distributed")
    f = tmp_path / "scheduler.json"
    f.write_text(body, encoding="utf-8")
    one_line(run("measure", "-c", "samples", "-t", "o200k_base", "--engine", "dask",
                 "--cluster", str(f), timeout=120), 2, text)


def test_scheduler_file_pointing_at_a_non_dask_server(hub, tmp_path):
    pytest.importorskip("distributed")
    f = write_json(tmp_path / "scheduler.json",
                   {"address": hub.url.replace("http://", "tcp://")})
    one_line(run("measure", "-c", "samples", "-t", "o200k_base", "--engine", "dask",
                 "--cluster", str(f), timeout=120), 2, "no dask scheduler at")


@dataclass
class DaskProcs:
    address: str
    scheduler: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    marker: Path  # created by the worker when chunk 0 starts


def _chunk_plugin(marker: Path, action: str):
    """A worker plugin for chunk 0 of a tokcost run: ``die`` (the process exits) or ``hang``
    (the task sleeps), after creating ``marker``. Defined here so that it is pickled by value."""
    from distributed.diagnostics.plugin import WorkerPlugin

    class OnChunk0(WorkerPlugin):
        name = "tokcost-test-chunk0"

        def transition(self, key, start, finish, **kwargs):
            if finish == "executing" and str(key).startswith("tokcost-count-") \
                    and str(key).endswith("-0"):
                marker.touch()
                if action == "die":
                    os._exit(1)
                time.sleep(60)

    return OnChunk0()


@pytest.fixture
def dask_procs(tmp_path) -> Iterator[DaskProcs]:
    """A real `dask scheduler` and ONE `dask worker` without a nanny (nothing restarts it), on
    127.0.0.1, stopped by the test (their logs go to files, not to tokcost's stderr)."""
    pytest.importorskip("distributed")

    sched_file = tmp_path / "scheduler.json"
    py = [sys.executable, "-m"]
    logs = [(tmp_path / n).open("wb") for n in ("scheduler.log", "worker.log")]
    sched = subprocess.Popen([*py, "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                              "--port", "0", "--no-dashboard", "--scheduler-file",
                              str(sched_file)], stdout=logs[0], stderr=logs[0])
    worker = subprocess.Popen([*py, "distributed.cli.dask_worker", "--scheduler-file",
                               str(sched_file), "--nthreads", "1", "--no-nanny",
                               "--no-dashboard", "--host", "127.0.0.1"],
                              stdout=logs[1], stderr=logs[1])
    try:
        deadline = time.monotonic() + 60
        while not sched_file.exists():
            assert time.monotonic() < deadline and sched.poll() is None, "no scheduler"
            time.sleep(0.2)
        address = json.loads(sched_file.read_text(encoding="utf-8"))["address"]
        yield DaskProcs(address, sched, worker, tmp_path / "chunk0-started")
    finally:
        for p in (worker, sched):
            if p.poll() is None:
                p.kill()
            p.wait(timeout=30)
        for f in logs:
            f.close()


def _arm(procs: DaskProcs, action: str) -> None:
    from distributed import Client

    with Client(procs.address, timeout="20s") as client:
        client.wait_for_workers(1, timeout=60)
        client.register_plugin(_chunk_plugin(procs.marker, action))


def test_dask_run_whose_only_worker_dies_ends_in_one_line(dask_procs):
    _arm(dask_procs, "die")
    t0 = time.monotonic()
    proc = run("measure", "-c", "samples", "-t", "o200k_base", "--engine", "dask", "--cluster",
               dask_procs.address, "--no-cache", env={"TOKCOST_DASK_WORKERS_TIMEOUT": "4"},
               timeout=120)
    line = one_line(proc, 2, "the dask cluster has had no workers for 4 s while counting chunk")
    assert "nothing was written" in line
    assert dask_procs.marker.exists() and dask_procs.worker.wait(timeout=5) == 1
    assert time.monotonic() - t0 < 60


def test_dask_scheduler_dying_is_one_line_without_dask_logs(dask_procs, tmp_path):
    _arm(dask_procs, "hang")
    out = tmp_path / "rows.json"
    env = {**os.environ, "PYTHONUTF8": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "tokcost", "measure", "-c", "samples", "-t",
                             "o200k_base", "--engine", "dask", "--cluster", dask_procs.address,
                             "--no-cache", "-f", "json", "-o", str(out)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not dask_procs.marker.exists():
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    dask_procs.scheduler.kill()
    stdout, stderr = proc.communicate(timeout=60)
    done = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    one_line(done, 2, "nothing was written")  # one line: no Dask log lines, no traceback
    assert "distributed." not in stderr and not out.exists()


def _backtracking_tokenizer(mirror: Path, tmp: Path) -> Path:
    """The genuine A.X 4.0 file with its pre-tokenizer swapped for a regex that backtracks
    exponentially: Oniguruma hits its retry limit and the Rust library panics."""
    doc = json.loads((mirror / "skt" / "A.X-4.0-Light" / "tokenizer.json").read_text("utf-8"))
    doc["pre_tokenizer"] = {"type": "Split", "pattern": {"Regex": "(a|a)+b"},
                            "behavior": "Isolated", "invert": False}
    return write_json(tmp / "tokenizer.json", doc)


@pytest.mark.parametrize("source", ["argv", "stdin", "corpus"])
def test_a_regex_that_trips_onigs_retry_limit_is_one_line(mirror, tmp_path, source):
    path = _backtracking_tokenizer(mirror, tmp_path)
    text = "a" * 40
    if source == "argv":
        proc = run("count", "-t", f"ax-4.0={path}", text)
    elif source == "stdin":
        proc = run("count", "-t", f"ax-4.0={path}", "-", stdin=text + "\n")
    else:
        corpus = tmp_path / "c.jsonl"
        corpus.write_text(json.dumps({"ko": text, "en": "plain words"}) + "\n", "utf-8")
        proc = run("measure", "-c", str(corpus), "-t", f"ax-4.0={path}", "--no-cache")
    line = one_line(proc, 2, "retry-limit")
    assert "tokenizer ax-4.0" in line and "backtracks" in line
    assert "panicked" not in proc.stderr and "RUST_BACKTRACE" not in proc.stderr
    # the same file counts text it can handle, and the native library's stderr is not lost
    ok = run("count", "-t", f"ax-4.0={path}", "aaab", "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["rows"][0]["tokens"] == 2


def test_negative_corpora_show_limit_is_a_usage_error_not_an_internal_error():
    # was "internal error: ValueError" from islice
    proc = run("corpora", "show", "samples/news", "-n", "-1")
    assert proc.returncode == 2, proc.stderr
    assert "Invalid value for '--limit'" in proc.stderr and "internal error" not in proc.stderr
    assert "Traceback" not in proc.stderr
    ok = run("corpora", "show", "samples/news", "-n", "0", "-f", "json")
    assert ok.returncode == 0 and json.loads(ok.stdout)["rows"] == []
