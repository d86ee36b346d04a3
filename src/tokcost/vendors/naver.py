"""Naver CLOVA Studio ``POST /v1/api-tools/chat-tokenize/{model}`` (HyperCLOVA X, HCX-*).

Response: ``{"status": {"code": "20000", ...}, "result": {"messages": [{"role", "content",
"count"}]}}``; the count of the one user message is taken (its framing subtracted as measured).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

VENDOR = "naver"
KEY_ENVS = ("CLOVASTUDIO_API_KEY", "NCP_CLOVASTUDIO_API_KEY")
BASE_ENV = "CLOVASTUDIO_BASE_URL"
DEFAULT_BASE = "https://clovastudio.stream.ntruss.com"
WHOLE_MESSAGE = True


def request(base: str, key: str, model: str, text: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    headers = {"Authorization": f"Bearer {key}", "content-type": "application/json"}
    body = {"messages": [{"role": "user", "content": text}]}
    return f"{base.rstrip('/')}/v1/api-tools/chat-tokenize/{quote(model, safe='.-_')}", headers, body


def parse(body: Any) -> int:
    if not isinstance(body, dict):
        raise ValueError("the response is not a JSON object")
    status = body.get("status")
    if isinstance(status, dict) and str(status.get("code", "20000")) != "20000":
        raise ValueError(f"status {status.get('code')}: {status.get('message', '')}"[:200])
    result = body.get("result")
    messages = result.get("messages") if isinstance(result, dict) else None
    if not isinstance(messages, list) or not messages:
        raise ValueError("no result.messages in the response")
    total = 0
    for m in messages:
        n = m.get("count") if isinstance(m, dict) else None
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ValueError("a message without an integer count")
        total += n
    return total
