"""Typed records of input files, validated by pydantic, and the one line a validation error
becomes (``file:line: what (how to fix)``, through :class:`tokcost.errors.TokcostError`).

Chat requests (``tokcost cost --request``, the shipped ``corpora/requests``) are read this way;
the price tables and FX by :mod:`tokcost.schema.tables`.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError, model_validator

Role = Literal["system", "user", "assistant", "developer", "tool"]


class ChatMessage(BaseModel):
    """One turn: who speaks and what they say."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    role: Role
    content: StrictStr


class ChatRequestRecord(BaseModel):
    """One request: ``ko`` (and ``en``, its translation turn by turn) message lists, or
    ``messages`` (one language). Other keys are ignored; ``id`` and ``title`` are shown as text."""

    model_config = ConfigDict(extra="ignore")

    id: Any = None
    title: Any = ""
    messages: list[ChatMessage] | None = Field(default=None, min_length=1)
    ko: list[ChatMessage] | None = Field(default=None, min_length=1)
    en: list[ChatMessage] | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_request(self) -> ChatRequestRecord:
        if self.messages is not None:
            return self
        if self.ko is None:
            raise ValueError("a request needs 'ko' (and 'en') message lists, or 'messages'")
        if self.en is not None and [m.role for m in self.ko] != [m.role for m in self.en]:
            raise ValueError("ko and en messages differ in roles or number; the English must "
                             "translate the Korean turn by turn")
        return self


_HINTS = {
    "missing": "add it",
    "string_type": "give it as a JSON string",
    "list_type": "give a JSON list of {\"role\": …, \"content\": …} messages",
    "too_short": "give at least one message",
    "model_type": "each request is a JSON object",
    "dict_type": "each message is a JSON object with 'role' and 'content'",
}


def _where(loc: tuple[int | str, ...]) -> str:
    """``('ko', 1, 'role')`` → ``ko message 2 role`` (messages counted from 1, as people do)."""
    parts: list[str] = []
    for p in loc:
        parts.append(f"message {p + 1}" if isinstance(p, int) else str(p))
    return " ".join(parts)


def explain(err: ValidationError) -> tuple[str, str | None]:
    """The first problem of ``err`` as (what, how to fix), in tokcost's words."""
    first = err.errors(include_url=False)[0]
    kind = str(first["type"])
    loc = _where(tuple(first["loc"]))
    msg = str(first["msg"]).removeprefix("Value error, ")
    hint = _HINTS.get(kind)
    if kind == "literal_error":
        msg = f"{first.get('input')!r} is not allowed"
        hint = f"use one of {first.get('ctx', {}).get('expected', '')}"
    elif kind == "missing":
        msg = "missing"
    elif kind in ("model_type", "dict_type"):
        msg = "not a JSON object"
        hint = _HINTS["dict_type" if first["loc"] else "model_type"]
    what = f"{loc}: {msg}" if loc else msg
    return what, hint
