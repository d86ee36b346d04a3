"""The one way a typed input record reports a problem in tokcost's words."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic_core import PydanticCustomError


def fail(message: str, hint: str | None = None, at: tuple[int | str, ...] = ()) -> Exception:
    """A validation error whose message is tokcost's ``what`` and whose ``ctx`` carries the
    ``hint`` (how to fix) and ``at``, a path below the validated table (to point at a row's
    line). Raise it from a validator; pydantic collects it like its own errors."""
    return PydanticCustomError("tokcost", message, {"hint": hint or "", "at": at})


# Value checks shared by the input records (used as pydantic ``BeforeValidator``s).
def text(value: Any) -> str:
    """A non-blank string."""
    if not isinstance(value, str) or not value.strip():
        raise fail(f"must be a non-empty string, got {value!r}", 'write it as "text"')
    return value


def string(value: Any) -> str:
    """Any string (empty allowed)."""
    if not isinstance(value, str):
        raise fail(f"must be a string, got {value!r}", 'write it as "text"')
    return value


def flag(value: Any) -> bool:
    """A TOML boolean (not 0/1, not a quoted word)."""
    if not isinstance(value, bool):
        raise fail(f"must be true or false, got {value!r}", "write true or false, unquoted")
    return value


def choice(options: Sequence[str]) -> Callable[[Any], str]:
    """One of ``options``."""
    def check(value: Any) -> str:
        text(value)
        if value not in options:
            raise fail(f"{value!r} is not allowed", f"use one of {', '.join(options)}")
        return str(value)
    return check
