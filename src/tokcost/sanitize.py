"""Making data from someone else's files safe to show: in a terminal, a spreadsheet, Markdown.

Corpus text, domain names, file names, model ids and notes can all come from another person's
repository. Before any of them is written out:

* :func:`terminal` strips terminal control sequences (ANSI CSI/OSC escapes, C0/C1 control
  characters except tab and newline), so ``tokcost explain`` cannot retitle the window, hide
  text or move the cursor;
* :func:`csv_cell` neutralises spreadsheet formulas (a cell that begins with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return gets a leading ``'``, the OWASP recommendation), except for plain
  numbers such as ``-3.5``;
* :func:`markdown_inline` escapes Markdown and HTML so a value stays one table cell of text:
  no raw HTML (``<img>``), no line breaks (no injected ``### heading``), no links or images;
* :func:`strict_json` reads JSON the way every tokcost loader must: no ``NaN``/``Infinity``,
  no lone surrogates, bounded nesting and number size, every failure a ``ValueError`` with one
  line of text.

No heavy imports: this module is used by every renderer.
"""

from __future__ import annotations

import json
import re
from typing import Any

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), other two-byte ESC sequences, then any
# remaining C0/C1 control character except \t and \n. DEL too.
_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"        # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC, terminated by BEL or ST (or not at all)
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS, SOS, PM, APC strings
    r"|\x1b[@-Z\\-_]?"                 # other ESC sequences, or a lone ESC
    r"|\x9b[0-?]*[ -/]*[@-~]"          # 8-bit CSI
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")  # embedding/override/isolate controls


def terminal(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` without terminal escape sequences, control or bidi-override characters."""
    out = _CONTROL.sub("", _ANSI.sub("", text))
    out = _BIDI.sub("", out)
    if not keep_newlines:
        out = out.replace("\n", " ")
    return out


def one_line(text: str) -> str:
    """``text`` as a single printable line: controls removed, line breaks shown as ``\\n``."""
    return terminal(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n"))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")


def csv_cell(value: Any) -> Any:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula.

    Numbers (int/float, and strings that are plain numbers like ``-3.5``) are left alone so
    columns stay numeric."""
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


_MD_SPECIAL = re.compile(r"([\\`\[\]|])")


def html(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def markdown_inline(text: str) -> str:
    """``text`` escaped for a Markdown table cell, list item or heading: one line, no HTML
    (``<img>``, ``<details>``), no links or images, no code spans, no cell breaks. Plain words,
    numbers and ids (``o200k_base``) are unchanged."""
    return _MD_SPECIAL.sub(r"\\\1", html(one_line(text)))


def markdown_code(text: str) -> str:
    """``text`` inside a Markdown code span: one line, no backtick to break out of it."""
    return "`" + one_line(text).replace("`", "'") + "`"



# --------------------------------------------------------------------------- strict JSON

MAX_DEPTH = 64
MAX_NUMBER_DIGITS = 400


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number tokcost accepts (only finite numbers)")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits is too large")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS:
        raise ValueError(f"a number of {len(text)} characters is too long")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text[:20]} overflows a float")
    return value


def _has_surrogate(s: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in s)


def check_tree(doc: Any, max_depth: int = MAX_DEPTH) -> None:
    """Raise ValueError when ``doc`` nests deeper than ``max_depth`` or holds a lone surrogate."""
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > max_depth:
            raise ValueError(f"nested deeper than {max_depth} levels")
        if isinstance(node, str):
            if _has_surrogate(node):
                raise ValueError("holds a lone surrogate (\\ud800-\\udfff), which is not text")
        elif isinstance(node, dict):
            for k, v in node.items():
                if _has_surrogate(k):
                    raise ValueError("holds a lone surrogate (\\ud800-\\udfff), which is not text")
                stack.append((v, depth + 1))
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)


def strict_json(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """Parse ``text``; raise ``ValueError`` (one line) for anything tokcost will not accept."""
    # Cheap pre-check: the C scanner recurses per nesting level.
    depth = 0
    deepest = 0
    if text.count("[") + text.count("{") > max_depth:
        in_str = esc = False
        for ch in text:
            if in_str:
                if esc:
                    esc = False
                elif ch == "\\":
                    esc = True
                elif ch == '"':
                    in_str = False
            elif ch == '"':
                in_str = True
            elif ch in "[{":
                depth += 1
                deepest = max(deepest, depth)
                if deepest > max_depth:
                    raise ValueError(f"nested deeper than {max_depth} levels")
            elif ch in "]}":
                depth -= 1
    try:
        doc = json.loads(text, parse_constant=_no_constant, parse_int=_int,
                         parse_float=_float)
    except RecursionError:
        raise ValueError(f"nested deeper than {max_depth} levels") from None
    check_tree(doc, max_depth)
    return doc
