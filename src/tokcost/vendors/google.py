"""Google Gemini ``POST /v1beta/models/{model}:countTokens``: ``{"totalTokens": N}``.

The key goes in the ``x-goog-api-key`` header (never in the URL, which may be logged).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

VENDOR = "google"
KEY_ENVS = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
BASE_ENV = "GEMINI_BASE_URL"
DEFAULT_BASE = "https://generativelanguage.googleapis.com"
WHOLE_MESSAGE = True


def request(base: str, key: str, model: str, text: str) -> tuple[str, dict[str, str], dict[str, Any]]:
    headers = {"x-goog-api-key": key, "content-type": "application/json"}
    body = {"contents": [{"role": "user", "parts": [{"text": text}]}]}
    return f"{base.rstrip('/')}/v1beta/models/{quote(model, safe='.-_')}:countTokens", headers, body


def parse(body: Any) -> int:
    value = body.get("totalTokens") if isinstance(body, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("no integer totalTokens in the response")
    return value
