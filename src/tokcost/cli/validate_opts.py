"""Checks of numeric command-line options, shared by every command.

A NaN, an infinity or an absurd value in an option would flow into the money and the statistics
and come out as ``$nan``, ``₩inf`` or ``Infinity`` in JSON. Each helper returns the value when it
is sound and otherwise raises one clear line (``TokcostError``, exit 2) naming the option, the
value and what is allowed. ``None`` (an option left out) passes through.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from tokcost.errors import TokcostError

#: No real workload or price needs more: beyond it a product of a few options overflows float
#: arithmetic long before a user would notice (a price of 1e308 USD per token times 2 tokens is inf).
ABSURD = 1e15


def _fail(name: str, value: object, allowed: str, hint: str | None = None) -> TokcostError:
    return TokcostError(f"{name} must be {allowed}, not {value!r}", hint=hint)


def finite(name: str, value: float | None, *, lo: float = -ABSURD, hi: float = ABSURD,
           lo_open: bool = False, allowed: str | None = None) -> float | None:
    """A finite number in [lo, hi] (or (lo, hi] with ``lo_open``)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(name, value, allowed or "a number")
    ok = math.isfinite(value) and (value > lo if lo_open else value >= lo) and value <= hi
    if not ok:
        if allowed is None:
            left = "(" if lo_open else "["
            allowed = f"a finite number in {left}{lo:g}, {hi:g}]"
        raise _fail(name, value, allowed)
    return float(value)


def positive(name: str, value: float | None, *, hi: float = ABSURD) -> float | None:
    """A finite number above 0 (and at most ``hi``)."""
    return finite(name, value, lo=0.0, hi=hi, lo_open=True,
                  allowed=f"a finite number above 0 (at most {hi:g})")


def non_negative(name: str, value: float | None, *, hi: float = ABSURD) -> float | None:
    return finite(name, value, lo=0.0, hi=hi, allowed=f"a finite number from 0 to {hi:g}")


def share(name: str, value: float | None) -> float | None:
    """A fraction from 0 to 1 (a share of input read from cache, say)."""
    return finite(name, value, lo=0.0, hi=1.0, allowed="a fraction from 0 to 1 (e.g. 0.3)")


def whole(name: str, value: int | None, *, lo: int = 1, hi: int = 10**12) -> int | None:
    """A whole number in [lo, hi]."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _fail(name, value, f"a whole number from {lo:,} to {hi:,}")
    return value


def check_all(checks: Mapping[str, tuple[object, str]]) -> None:
    """Several options at once: {option name: (value, kind)} with kind one of ``positive``,
    ``non_negative``, ``share``, ``whole`` (≥ 1), ``whole0`` (≥ 0) or ``finite``."""
    for name, (value, kind) in checks.items():
        if kind == "positive":
            positive(name, value)  # type: ignore[arg-type]
        elif kind == "non_negative":
            non_negative(name, value)  # type: ignore[arg-type]
        elif kind == "share":
            share(name, value)  # type: ignore[arg-type]
        elif kind == "whole":
            whole(name, value)  # type: ignore[arg-type]
        elif kind == "whole0":
            whole(name, value, lo=0)  # type: ignore[arg-type]
        elif kind == "finite":
            finite(name, value)  # type: ignore[arg-type]
        else:  # pragma: no cover - a programming error
            raise ValueError(kind)
