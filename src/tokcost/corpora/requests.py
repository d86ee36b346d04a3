"""Multi-turn chat requests in Korean and English, for per-request costing.

File format (JSON Lines): ``{"id", "title", "ko": [messages], "en": [messages]}`` where a message
is ``{"role": "system"|"user"|"assistant", "content": str}``. A single request file given to
``tokcost cost --request`` may also be one JSON object of that shape, or ``{"messages": [...]}``
(one language only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tokcost.errors import CorpusError

ROLES = ("system", "user", "assistant", "developer", "tool")


@dataclass(frozen=True)
class Message:
    role: str
    content: str


@dataclass(frozen=True)
class ChatRequest:
    id: str
    title: str
    ko: tuple[Message, ...]
    en: tuple[Message, ...] | None

    def texts(self, lang: str) -> list[str]:
        msgs = self.ko if lang == "ko" else self.en
        return [m.content for m in msgs or ()]


def _messages(raw: object, where: str, line: int) -> tuple[Message, ...]:
    if not isinstance(raw, list) or not raw:
        raise CorpusError("expected a non-empty list of messages", path=where, line=line)
    out = []
    for i, m in enumerate(raw, 1):
        if not isinstance(m, dict) or "content" not in m or "role" not in m:
            raise CorpusError(f"message {i} needs 'role' and 'content'", path=where, line=line)
        if m["role"] not in ROLES:
            raise CorpusError(f"message {i}: unknown role {m['role']!r}", path=where, line=line,
                              hint=f"use one of {', '.join(ROLES)}")
        if not isinstance(m["content"], str):
            raise CorpusError(f"message {i}: content must be text", path=where, line=line)
        out.append(Message(m["role"], m["content"]))
    return tuple(out)


def _request(obj: dict, where: str, line: int) -> ChatRequest:
    if "messages" in obj:
        return ChatRequest(str(obj.get("id", line)), str(obj.get("title", "")),
                           _messages(obj["messages"], where, line), None)
    if "ko" not in obj:
        raise CorpusError("a request needs 'ko' (and 'en') message lists, or 'messages'",
                          path=where, line=line)
    ko = _messages(obj["ko"], where, line)
    en = _messages(obj["en"], where, line) if "en" in obj else None
    if en is not None and [m.role for m in ko] != [m.role for m in en]:
        raise CorpusError("ko and en messages differ in roles or number", path=where, line=line,
                          hint="the English must translate the Korean turn by turn")
    return ChatRequest(str(obj.get("id", line)), str(obj.get("title", "")), ko, en)


def load_requests(path: Path) -> list[ChatRequest]:
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CorpusError("no such file", path=where) from None
    except UnicodeDecodeError as exc:
        raise CorpusError(f"invalid UTF-8 at byte {exc.start}", path=where) from None
    stripped = text.strip()
    if not stripped:
        raise CorpusError("empty request file", path=where)
    try:
        whole = json.loads(stripped)
    except json.JSONDecodeError:
        whole = None
    if isinstance(whole, dict):
        return [_request(whole, where, 1)]
    if isinstance(whole, list):
        return [_request(o, where, i) for i, o in enumerate(whole, 1)]
    out = []
    for no, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"invalid JSON ({exc.msg})", path=where, line=no) from None
        out.append(_request(obj, where, no))
    return out
