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
            return self._reply(code, {"error": {"message": "slow down"}}, hdr)
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


def test_bad_key_is_one_line_without_the_key(server, api_on, monkeypatch):
    server("naver")
    monkeypatch.setenv("CLOVASTUDIO_API_KEY", "nv-WRONG-SECRET")
    runner = CliRunner()
    res = runner.invoke(app, ["--api-count", "count", "안녕", "-t", "hcx-api"])
    assert res.exit_code == 2
    assert "rejected the API key" in res.output and "CLOVASTUDIO_API_KEY" in res.output
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
    assert h.calls == []


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


def test_report_side_by_side_with_api_counts(server, api_on):
    server("anthropic")
    from tokcost.report.collect import ReportOptions, collect_results

    doc = collect_results(ReportOptions(corpora=["samples/news"], tokenizers=["o200k_base", "claude"],
                                        models=["gpt-4o", "claude-sonnet-4-5"]))
    by_tok = {r["tokenizer"]: r for r in doc["measure"]}
    assert by_tok["claude"]["tokenizer_match"] == "vendor-api"
    assert by_tok["o200k_base"]["tokenizer_match"] == "exact"
    costed = {r["model"]: r for r in doc["cost"]}
    assert costed["claude-sonnet-4-5"]["cost"] is not None
    assert costed["claude-sonnet-4-5"]["tokenizer_match"] == "vendor-api"
    assert all(b["tokenizer"] != "claude" for b in doc["boundaries"])
