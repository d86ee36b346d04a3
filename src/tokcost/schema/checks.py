"""The one way a typed input record reports a problem in tokcost's words."""

from __future__ import annotations

from pydantic_core import PydanticCustomError


def fail(message: str, hint: str | None = None, at: tuple[int | str, ...] = ()) -> Exception:
    """A validation error whose message is tokcost's ``what`` and whose ``ctx`` carries the
    ``hint`` (how to fix) and ``at``, a path below the validated table (to point at a row's
    line). Raise it from a validator; pydantic collects it like its own errors."""
    return PydanticCustomError("tokcost", message, {"hint": hint or "", "at": at})
