"""Vendor token-count APIs end to end against local servers on 127.0.0.1 that imitate each
vendor's documented request and response shapes (nothing here reaches a network)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from typer.testing import CliRunner

from tokcost.cli.app import app
from tokcost.tokenizers import load_tokenizer
from tokcost.tokenizers.api_backend import ApiError, VendorCounter
from tokcost.tokenizers.catalog import load_catalog

FRAMING = {"anthropic": 7, "google": 0, "naver": 3}
KEYS = {"anthropic": "sk-ant-test-SECRET", "google": "g-test-SECRET", "naver": "nv-test-SECRET"}


def fake_count(text: str) -> int:
    """The imitation servers' 'tokenizer': one token per character."""
    return len(text)


class Vendor(BaseHTTPRequestHandler):
    vendor = "anthropic"
    calls: list[dict]
    fail_first: list[int]  # status codes to answer before succeeding
    retry_after: str | None = None
    error_message = "slow down"

    def log_message(self, *args):  # keep test output clean
        pass

    def _reply(self, code: int, body: dict, headers: dict | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.calls.append({"path": self.path, "headers": dict(self.headers), "body": body})
        v = self.vendor
        if self.fail_first:
            code = self.fail_first.pop(0)
            hdr = {"Retry-After": self.retry_after} if self.retry_after and code == 429 else {}
            return self._reply(code, {"error": {"message": self.error_message}}, hdr)
        if v == "anthropic":
            ok = (self.path == "/v1/messages/count_tokens"
                  and self.headers.get("x-api-key") == KEYS[v]
                  and self.headers.get("anthropic-version") == "2023-06-01")
            if not ok:
                return self._reply(401, {"type": "error", "error": {"type": "authentication_error"}})
            text = body["messages"][0]["content"]
            return self._reply(200, {"input_tokens": fake_count(text) + FRAMING[v]})
        if v == "google":
            if self.headers.get("x-goog-api-key") != KEYS[v] or not self.path.endswith(":countTokens"):
                return self._reply(403, {"error": {"code": 403, "message": "API key not valid"}})
            text = body["contents"][0]["parts"][0]["text"]
            return self._reply(200, {"totalTokens": fake_count(text) + FRAMING[v]})
        if self.headers.get("Authorization") != f"Bearer {KEYS[v]}":
            return self._reply(401, {"status": {"code": "40100", "message": "Unauthorized"}})
        assert self.path.startswith("/v1/api-tools/chat-tokenize/")
        msgs = [{"role": m["role"], "content": m["content"],
                 "count": fake_count(m["content"]) + FRAMING[v]} for m in body["messages"]]
        return self._reply(200, {"status": {"code": "20000", "message": "OK"},
                                 "result": {"messages": msgs}})


@pytest.fixture
def server(monkeypatch):
    started = []

    def start(vendor: str, fail_first=(), retry_after=None):
        handler = type("H", (Vendor,), {"vendor": vendor, "calls": [],
                                        "fail_first": list(fail_first), "retry_after": retry_after})
        srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        started.append(srv)
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        env = {"anthropic": "ANTHROPIC_BASE_URL", "google": "GEMINI_BASE_URL",
               "naver": "CLOVASTUDIO_BASE_URL"}[vendor]
        monkeypatch.setenv(env, base)
        key_env = {"anthropic": "ANTHROPIC_API_KEY", "google": "GEMINI_API_KEY",
                   "naver": "CLOVASTUDIO_API_KEY"}[vendor]
        monkeypatch.setenv(key_env, KEYS[vendor])
        return handler

    yield start
    for srv in started:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def api_on(monkeypatch):
    monkeypatch.setenv("TOKCOST_API_COUNT", "1")
    monkeypatch.setenv("TOKCOST_API_MAX_WAIT", "5")


TEXTS = ["안녕하세요", "대한민국의 인공지능", "Hello", "안녕하세요"]


@pytest.mark.parametrize("vendor,tid", [("anthropic", "claude"), ("google", "gemini"),
                                        ("naver", "hcx-api")])
def test_counts_subtract_framing_and_cache(server, api_on, vendor, tid):
    h = server(vendor)
    tok = load_tokenizer(tid)
    assert tok.resolution.tokenizer_match == "vendor-api"
    assert tok.count(TEXTS) == [fake_count(t) for t in TEXTS]
    # one framing probe + 3 distinct texts; the repeated text is not sent twice
    assert len(h.calls) == 4
    model = load_catalog()[tid].api_model
    assert model in json.dumps(h.calls[-1]) or model in h.calls[-1]["path"]
    from tokcost.tokenizers import _load_cached

    _load_cached.cache_clear()
    again = load_tokenizer(tid)
    assert again.count(TEXTS) == [fake_count(t) for t in TEXTS]
    assert len(h.calls) == 4  # a re-run costs no call


def test_empty_text_costs_no_call(server, api_on):
    h = server("anthropic")
    assert load_tokenizer("claude").count(["", ""]) == [0, 0]
    assert h.calls == []


def test_retries_429_and_5xx_honouring_retry_after(server, api_on):
    h = server("anthropic", fail_first=[429, 503, 500], retry_after="0")
    counter = VendorCounter("anthropic", "claude-sonnet-4-5")
    assert counter.count(["한국어"]) == [3]
    assert counter.stats.retries == 3
    assert len(h.calls) == 5  # three failures, the framing probe, the text


def test_retries_are_bounded_in_time(server, api_on, monkeypatch):
    monkeypatch.setenv("TOKCOST_API_MAX_WAIT", "1")
    server("google", fail_first=[429] * 50, retry_after="0.3")
    with pytest.raises(ApiError, match="gave up"):
        VendorCounter("google", "gemini-2.5-flash").count(["x"])


@pytest.mark.parametrize("vendor,tid,env", [("naver", "hcx-api", "CLOVASTUDIO_API_KEY"),
                                            ("anthropic", "claude", "ANTHROPIC_API_KEY"),
                                            ("google", "gemini", "GEMINI_API_KEY")])
def test_bad_key_is_one_line_without_the_key(server, api_on, monkeypatch, vendor, tid, env):
    server(vendor)
    monkeypatch.setenv(env, "WRONG-SECRET")
    runner = CliRunner()
    res = runner.invoke(app, ["--api-count", "count", "안녕", "-t", tid])
    assert res.exit_code == 2
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tokcost: error: "), res.output
    assert "rejected the API key" in res.output and env in res.output
    assert "SECRET" not in res.output and "Traceback" not in res.output


def test_missing_key_names_the_variable(api_on, monkeypatch):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    with pytest.raises(ApiError, match="ANTHROPIC_API_KEY"):
        VendorCounter("anthropic", "claude-sonnet-4-5").count(["x"])


def test_off_by_default_claude_not_counted(server):
    h = server("anthropic")
    from tokcost.errors import TokcostError

    with pytest.raises(TokcostError):
        load_tokenizer("claude")
    assert h.calls == []


def test_dry_run_says_how_many_calls(server, api_on):
    h = server("anthropic")
    runner = CliRunner()
    res = runner.invoke(app, ["tokenizers", "api-plan", "-t", "claude", "-c", "samples/news",
                              "-f", "json"])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)["rows"][0]
    assert plan["calls"] > 10 and plan["cached"] == 0
    assert plan["key_set"] is True and plan["key_env"] == "ANTHROPIC_API_KEY"
    assert h.calls == []
    # count the first two texts: the plan then needs two calls fewer and no framing probe
    from tokcost.corpora import open_corpus

    pairs = list(open_corpus("samples/news"))
    VendorCounter("anthropic", "claude-sonnet-4-5").count([pairs[0].ko, pairs[1].ko])
    after = json.loads(runner.invoke(app, ["tokenizers", "api-plan", "-t", "claude", "-c",
                                           "samples/news", "-f", "json"]).stdout)["rows"][0]
    assert after["cached"] == 2 and after["calls"] == plan["calls"] - 3  # 2 texts + the probe
    assert len(h.calls) == 3


def test_an_error_message_echoing_the_key_does_not_print_it(server, api_on):
    h = server("google", fail_first=[400])
    h.error_message = "API key g-test-SECRET is not valid for this model"
    with pytest.raises(ApiError) as err:
        VendorCounter("google", "gemini-2.5-flash").count(["x"])
    assert "SECRET" not in err.value.render() and "<key>" in err.value.render()


def test_ad_hoc_model_spec(server, api_on):
    h = server("anthropic")
    tok = load_tokenizer("api:anthropic/claude-opus-4-5")
    assert tok.count(["abc"]) == [3]
    assert h.calls[-1]["body"]["model"] == "claude-opus-4-5"


def test_cost_rows_counted_by_vendor_api(server, api_on):
    server("anthropic")
    from tokcost.costing import CostOptions, Workload, cost_rows

    rows = cost_rows(Workload("t", ko_texts=["안녕하세요 반갑습니다"], en_texts=["Nice to meet you"]),
                     ["claude-sonnet-4-5"], CostOptions())
    row = rows[0]
    assert row["tokenizer_match"] == "vendor-api"
    assert row["input_tokens"] == len("안녕하세요 반갑습니다") and row["cost"] is not None
    assert row["counted_date"]


def test_measure_counts_through_the_api(server, api_on):
    h = server("google")
    from tokcost.corpora import open_corpus
    from tokcost.measurement import run_measure

    pairs = list(open_corpus("samples/news"))
    row = run_measure(["samples/news"], ["gemini"]).rows[0]
    assert row["tokenizer_match"] == "vendor-api" and row["identity"] == "verified"
    assert row["ko_tokens"] == sum(len(p.ko) for p in pairs)
    assert row["en_tokens"] == sum(len(p.en or "") for p in pairs)
    assert len(h.calls) > 0


def test_report_side_by_side_with_api_counts(server, api_on, mirror, tmp_path):
    """Korean-trained, English-centric and API-counted tokenizers in one table, grouped in that
    order, each row saying what counted it and whether its file is verified (or the day the
    vendor counted); the API rows claim no byte-fallback figure."""
    server("anthropic")
    server("naver")
    from tokcost.report import ReportOptions, write_report
    from tokcost.report.collect import collect_results

    opts = ReportOptions(corpora=["samples/news"], tokenizers=["o200k_base", "claude"],
                         models=["gpt-4o", "claude-sonnet-4-5"])
    doc = collect_results(opts)
    by_tok = {r["tokenizer"]: r for r in doc["measure"]}
    assert by_tok["claude"]["tokenizer_match"] == "vendor-api"
    assert by_tok["o200k_base"]["tokenizer_match"] == "exact"
    costed = {r["model"]: r for r in doc["cost"]}
    assert costed["claude-sonnet-4-5"]["cost"] is not None
    assert costed["claude-sonnet-4-5"]["tokenizer_match"] == "vendor-api"
    # the report's chat requests: OpenAI's per-message framing; none claimed for the endpoint,
    # which counts each message on its own (its framing subtracted)
    assert costed["gpt-4o"]["chat_framing"] == "vendor:openai-per-message"
    assert costed["claude-sonnet-4-5"]["chat_framing"].startswith(
        "not counted: the vendor's endpoint counts each message's text on its own")
    assert costed["claude-sonnet-4-5"]["framing_tokens"] is None
    assert all(b["tokenizer"] != "claude" for b in doc["boundaries"])

    import datetime

    today = datetime.date.today().isoformat()
    files = write_report(tmp_path / "rep", ReportOptions(
        corpora=["samples"], tokenizers=["o200k_base", "claude", "ax-4.0", "hcx-api"],
        models=["gpt-4o", "claude-sonnet-4-5"], diagnostics=False, workers=1))
    md = files["report.md"].read_text("utf-8")
    table = md[md.index("| tokenizer | kind |"):].split("\n\n")[0].splitlines()[2:]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in table]
    assert [c[1] for c in cells] == ["Korean-trained", "English-centric", "API-counted",
                                     "API-counted"]
    assert [c[0] for c in cells][:2] == ["ax-4.0", "o200k_base"]
    how = {c[0]: c[-1] for c in cells}
    bf = {c[0]: c[-2] for c in cells}
    assert "tokenizers" in how["ax-4.0"] and how["ax-4.0"].endswith("· verified (sha256)")
    assert "tiktoken" in how["o200k_base"] and how["o200k_base"].endswith("· verified (sha256)")
    assert how["claude"] == f"anthropic token-count API (claude-sonnet-4-5), counted {today}"
    assert how["hcx-api"] == f"naver token-count API (HCX-007), counted {today}"
    assert bf["claude"] == "—" and bf["ax-4.0"].endswith("%")
    rows = {r["tokenizer"]: r for r in json.loads(files["results.json"].read_text("utf-8"))
            ["measure"] if r["domain"] == "all"}
    assert rows["claude"]["ko_byte_fallback_rate"] is None
    assert rows["claude"]["counted_date"] == today


def test_backoff_without_retry_after_waits_and_doubles(server, api_on):
    """No Retry-After: exponential backoff from 0.5 s (0.5 then 1.0 s before the third try)."""
    import time

    server("naver", fail_first=[503, 502])
    counter = VendorCounter("naver", "HCX-007")
    start = time.monotonic()
    assert counter.count(["한국어 문장"]) == [len("한국어 문장")]
    assert time.monotonic() - start >= 1.4
    assert counter.stats.retries == 2


def test_concurrency_is_bounded(server, api_on, monkeypatch):
    """TOKCOST_API_CONCURRENCY=2: never more than two calls in flight, and two are used."""
    import time

    monkeypatch.setenv("TOKCOST_API_CONCURRENCY", "2")
    h = server("anthropic")
    lock = threading.Lock()
    state = {"now": 0, "max": 0}
    orig = h.do_POST

    def slow(self):
        with lock:
            state["now"] += 1
            state["max"] = max(state["max"], state["now"])
        time.sleep(0.05)
        try:
            orig(self)
        finally:
            with lock:
                state["now"] -= 1

    h.do_POST = slow
    texts = [f"문장 {i}" for i in range(12)]
    assert VendorCounter("anthropic", "claude-sonnet-4-5").count(texts) == [len(t) for t in texts]
    assert state["max"] == 2
    assert len(h.calls) == 13  # the framing probe and twelve texts


def test_counted_date_is_the_day_the_vendor_counted_not_today(server, api_on):
    """A re-run from the cache keeps the day the count was made, in measure, cost and budget."""
    from tokcost.tokenizers import _load_cached
    from tokcost.tokenizers.api_backend import CountCache

    h = server("anthropic")
    texts = ["안녕하세요 반갑습니다", "Nice to meet you"]
    tok = load_tokenizer("claude")
    tok.count(texts)
    import datetime

    assert tok.counted_date == datetime.date.today().isoformat()
    cache = CountCache("anthropic", "claude-sonnet-4-5")
    doc = json.loads(cache.path.read_text("utf-8"))
    doc["counts"] = {k: [n, "2026-11-30"] for k, (n, _) in doc["counts"].items()}
    cache.path.write_text(json.dumps(doc), "utf-8")
    _load_cached.cache_clear()
    calls = len(h.calls)
    again = load_tokenizer("claude")
    assert again.count(texts) == [len(t) for t in texts]
    assert len(h.calls) == calls  # from the cache
    assert again.counted_date == "2026-11-30"
    again.count(["새 문장"])  # counted today: the rows now span two days
    assert again.counted_date == f"2026-11-30..{datetime.date.today().isoformat()}"

    from tokcost.costing import CostOptions, Workload, cost_rows

    _load_cached.cache_clear()
    [row] = cost_rows(Workload("t", ko_texts=texts[:1], en_texts=texts[1:]),
                      ["claude-sonnet-4-5"], CostOptions())
    assert row["counted_date"] == "2026-11-30"


def test_measure_and_budget_rows_carry_the_counted_date(server, api_on):
    from tokcost import api
    from tokcost.measurement import run_measure

    server("google")
    [row] = run_measure(["samples/news"], ["gemini"]).rows
    assert row["tokenizer_match"] == "vendor-api"
    import datetime

    assert row["counted_date"] == datetime.date.today().isoformat()
    budget = api.budget(1000, models=["gemini-2.5-flash"], corpus="samples/news")
    [b] = [r for r in budget if r["model"] == "gemini-2.5-flash"]
    assert b["tokenizer_match"] == "vendor-api" and b["monthly_cost"] is not None
    assert b["counted_date"] == row["counted_date"]


def test_worker_processes_sharing_a_cache_keep_each_others_counts(server, api_on):
    """Two counters (as two worker processes would be) save their own texts: the file holds
    both, so the next run makes no call."""
    h = server("naver")
    a = VendorCounter("naver", "HCX-007")
    b = VendorCounter("naver", "HCX-007")  # loaded before a saved anything
    a.count(["첫째 문장"])
    b.count(["둘째 문장"])
    calls = len(h.calls)
    c = VendorCounter("naver", "HCX-007")
    assert c.plan(["첫째 문장", "둘째 문장"])["calls"] == 0
    assert c.count(["첫째 문장", "둘째 문장"]) == [5, 5]
    assert len(h.calls) == calls


def test_progress_bar_on_a_terminal_advances_per_call(server, api_on, monkeypatch):
    import sys

    from tokcost.tokenizers import api_backend

    assert api_backend._progress_bar("x", 50) is None  # not a terminal (pytest captures)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert api_backend._progress_bar("x", 9) is None  # a few calls: no bar
    seen: list[tuple[str, int]] = []

    class Bar:
        def __init__(self, label, total):
            seen.append((label, total))
            self.done = 0

        def advance(self, k):
            self.done += k

        def close(self):
            seen.append(("closed", self.done))

    monkeypatch.setattr(api_backend, "_Bar", Bar)
    server("anthropic")
    texts = [f"문장 {i}" for i in range(15)]
    load_tokenizer("claude").count(texts)
    assert seen == [("claude via anthropic API", 16), ("closed", 15)]


def test_default_tokenizers_leave_out_vendors_without_a_key(server, api_on, monkeypatch, capsys):
    """`tokcost --api-count report` with only ANTHROPIC_API_KEY: Claude is counted through the
    API; HyperCLOVA X is left out (named, with the variable to set) rather than failing the
    run; Gemini falls back to its labelled Gemma 3 proxy. Named explicitly, a keyless vendor is
    still the one-line error naming the variable."""
    from tokcost.counting import available_tokenizer_ids, load_many
    from tokcost.errors import TokcostError

    for env in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "CLOVASTUDIO_API_KEY",
                "NCP_CLOVASTUDIO_API_KEY"):
        monkeypatch.delenv(env, raising=False)
    from tokcost import counting
    from tokcost.tokenizers import resolver

    monkeypatch.setattr(counting, "_LEFT_OUT_NOTED", set())  # warned once per process
    monkeypatch.setattr(resolver, "_WARNED", set())
    server("anthropic")
    ids = available_tokenizer_ids()
    assert "claude" in ids and "claude-5" in ids and "hcx-api" not in ids and "gemini" in ids
    err = capsys.readouterr().err
    assert "hcx-api (CLOVASTUDIO_API_KEY or NCP_CLOVASTUDIO_API_KEY not set)" in err
    assert "gemini: GEMINI_API_KEY or GOOGLE_API_KEY is not set" in err
    toks = {t.id: t for t in load_many(["claude", "gemini"])}
    assert toks["claude"].resolution.tokenizer_match == "vendor-api"
    assert toks["gemini"].resolution.tokenizer_match == "proxy"
    assert toks["gemini"].resolution.proxy_of == "gemma-3"
    assert toks["gemini"].count(["안녕하세요"]) == load_tokenizer("gemma-3").count(["안녕하세요"])
    with pytest.raises(TokcostError, match="CLOVASTUDIO_API_KEY"):
        load_tokenizer("hcx-api").count(["안녕"])


def test_readme_two_commands_give_the_full_comparison(server, mirror, tmp_path, monkeypatch):
    """The README's promise, end to end on a machine with no mirror: `tokcost tokenizers pull
    --korean` against a local hub serving the real EXAONE 4.0 and A.X 4.0 files, then
    `tokcost --api-count report` against the three vendors' imitation servers. The report holds
    Korean-trained, English-centric and API-counted rows side by side, Claude and HyperCLOVA X
    models are costed, and a second report makes no API call."""
    import os
    import subprocess
    import sys

    from tests.test_pull import AX_ALT, Hub, _start, ax_bytes

    hub = Hub()
    hub_server = _start(hub)
    try:
        empty = tmp_path / "no-mirror"
        empty.mkdir()
        monkeypatch.setenv("TOKCOST_TOKENIZERS_DIR", str(empty))
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
        hub.serve(AX_ALT, ax_bytes(mirror))
        hub.serve("/LGAI-EXAONE/EXAONE-4.0-1.2B/resolve/main/tokenizer.json",
                  (mirror / "LGAI-EXAONE" / "EXAONE-4.0-1.2B" / "tokenizer.json").read_bytes())
        vendors = {v: server(v) for v in ("anthropic", "google", "naver")}

        def run(*args: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([sys.executable, "-m", "tokcost", *args], capture_output=True,
                                  text=True, timeout=600, cwd=tmp_path, check=False,
                                  env={**os.environ, "PYTHONUTF8": "1"})

        pulled = run("tokenizers", "pull", "--korean")
        assert pulled.returncode == 1, pulled.stderr  # the rest of the catalog answers 404 here
        assert "2 of 18 tokenizers on this machine (2 verified)" in pulled.stderr
        rep = run("--api-count", "report")
        assert rep.returncode == 0, rep.stderr
        doc = json.loads((tmp_path / "tokcost-report" / "results.json").read_text("utf-8"))
        main = {r["tokenizer"]: r for r in doc["measure"] if r["domain"] == "all"}
        assert {"exaone-4.0", "ax-4.0"} <= {t for t, r in main.items() if r["korean_trained"]
                                            and r["tokenizer_match"] == "exact"}
        assert "o200k_base" in main and main["o200k_base"]["identity"] == "verified"
        assert {"claude", "claude-5", "gemini", "hcx-api"} <= {
            t for t, r in main.items() if r["tokenizer_match"] == "vendor-api"}
        costed = {r["model"] for r in doc["cost"] if r["cost"] is not None
                  and r["tokenizer_match"] == "vendor-api"}
        assert any(m.startswith("claude") for m in costed)
        assert any(m.lower().startswith("hcx") for m in costed)
        md = (tmp_path / "tokcost-report" / "report.md").read_text("utf-8")
        assert "| Korean-trained |" in md and "| English-centric |" in md
        assert "| API-counted |" in md
        calls = {v: len(h.calls) for v, h in vendors.items()}
        assert all(calls.values())
        again = run("--api-count", "report", "--force")
        assert again.returncode == 0, again.stderr
        assert {v: len(h.calls) for v, h in vendors.items()} == calls  # all from the cache
    finally:
        hub_server.shutdown()
        hub_server.server_close()


@pytest.mark.parametrize("model", ["HCX-007", "claude-sonnet-4-5"])
def test_price_listing_labels_a_vendor_counted_model_as_its_cost_rows_are(monkeypatch, model):
    """`pricing show/list` gave HCX and Claude `tokenizer_match: none` even with vendor counting
    on, while their cost rows said `vendor-api`; the listing now follows the switch."""
    def match(on: bool) -> tuple[str, set[str]]:
        if on:
            monkeypatch.setenv("TOKCOST_API_COUNT", "1")
        else:
            monkeypatch.delenv("TOKCOST_API_COUNT", raising=False)
        show = CliRunner().invoke(app, ["pricing", "show", model, "-f", "json"])
        assert show.exit_code == 0, show.output
        listed = CliRunner().invoke(app, ["pricing", "list", "-f", "json"])
        assert listed.exit_code == 0, listed.output
        rows = {r["tokenizer_match"] for r in json.loads(listed.output)["rows"]
                if r["model"] == model}
        return json.loads(show.output)["tokenizer_match"], rows

    assert match(False) == ("none", {"none"})
    assert match(True) == ("vendor-api", {"vendor-api"})
