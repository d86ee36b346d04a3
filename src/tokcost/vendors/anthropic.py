"""Anthropic ``POST /v1/messages/count_tokens`` (Claude): ``{"input_tokens": N}`` for a request.

The count covers the whole request (the user turn's framing included), so the API backend
subtracts the framing measured on a one-character message (docs/tokenizers.md).
"""

from __future__ import annotations

from typing import Any

VENDOR = "anthropic"
KEY_ENVS = ("ANTHROPIC_API_KEY",)
BASE_ENV = "ANTHROPIC_BASE_URL"
DEFAULT_BASE = "https://api.anthropic.com"
API_VERSION = "2023-06-01"
WHOLE_MESSAGE = True


def request(base: str, key: str, model: str, text: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    headers = {"x-api-key": key, "anthropic-version": API_VERSION, "content-type": "application/json"}
    body = {"model": model, "messages": [{"role": "user", "content": text}]}
    return f"{base.rstrip('/')}/v1/messages/count_tokens", headers, body


def parse(body: Any) -> int:
    value = body.get("input_tokens") if isinstance(body, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("no integer input_tokens in the response")
    return value
