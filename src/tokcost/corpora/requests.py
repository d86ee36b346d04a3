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


def _request(obj: object, where: str, line: int) -> ChatRequest:
    """One request, validated by its typed record (:class:`tokcost.schema.inputs.ChatRequestRecord`);
    a problem is one line naming the file, the line and the field."""
    from pydantic import ValidationError

    from tokcost.schema.inputs import ChatRequestRecord, explain

    try:
        rec = ChatRequestRecord.model_validate(obj)
    except ValidationError as err:
        what, hint = explain(err)
        raise CorpusError(what, path=where, line=line, hint=hint) from None
    rid = str(rec.id if rec.id is not None else line)

    def msgs(ms: list) -> tuple[Message, ...]:
        return tuple(Message(m.role, m.content) for m in ms)

    if rec.messages is not None:
        return ChatRequest(rid, str(rec.title), msgs(rec.messages), None)
    assert rec.ko is not None  # the record's validator
    return ChatRequest(rid, str(rec.title), msgs(rec.ko),
                       msgs(rec.en) if rec.en is not None else None)


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
