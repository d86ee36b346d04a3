"""TOML parsing that fails the same way on every hostile input.

``tomllib`` raises :class:`tomllib.TOMLDecodeError` for syntax errors, but a deeply nested
array (``[[[[…``) exhausts the recursion limit and an integer of more than 4,300 digits trips
Python's int-conversion guard (``ValueError``). Files tokcost reads — configs, price tables,
catalogs — may come from someone else's repository, so both become ordinary decode errors here
and the callers' one-line ``file: line: what is wrong`` messages cover them.
"""

from __future__ import annotations

import tomllib
from typing import Any

MAX_NESTING = 64  # arrays/inline tables deeper than this are refused before parsing


def _too_deep(text: str) -> bool:
    depth = 0
    in_str: str | None = None
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if in_str is not None:
            if c == "\\" and in_str == '"':
                i += 2
                continue
            if c == in_str or c == "\n":
                in_str = None
        elif c in "\"'":
            in_str = c
        elif c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        elif c in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif c in "]}":
            depth = max(0, depth - 1)
        i += 1
    return False


INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # TOML's integers: "must" be an error beyond 64 bits


def _check_integers(doc: dict[str, Any]) -> None:
    """Refuse integers outside TOML's 64-bit range (tomllib accepts up to 4,300 digits, and a
    caller's ``math.isfinite`` or ``float()`` of one past 1e308 raises ``OverflowError``).
    Iterative: dotted keys can nest tables deeper than any recursion limit."""
    stack: list[Any] = [doc]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, int) and not isinstance(node, bool) \
                and not INT_MIN <= node <= INT_MAX:
            raise TomlLimitError(f"value out of range (an integer of {len(str(abs(node)))} "
                                 "digits; TOML integers are 64-bit)")


class TomlLimitError(tomllib.TOMLDecodeError):
    """A decode error for input tomllib cannot bound itself (depth, huge integers)."""

    def __init__(self, msg: str) -> None:
        ValueError.__init__(self, msg)


def loads(text: str) -> dict[str, Any]:
    """Parse *text*; every failure is a :class:`tomllib.TOMLDecodeError`."""
    if _too_deep(text):
        raise TomlLimitError(f"nesting deeper than {MAX_NESTING} levels")
    try:
        doc = tomllib.loads(text)
        _check_integers(doc)
        return doc
    except tomllib.TOMLDecodeError:
        raise
    except RecursionError:
        raise TomlLimitError(f"nesting deeper than {MAX_NESTING} levels") from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise TomlLimitError(f"value out of range ({str(exc).split(';')[0]})") from None
