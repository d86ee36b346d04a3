"""Script breakdown: how many tokens a code-mixed text spends on each kind of character.

Each character gets one class: ``code`` inside backtick spans and fenced blocks, else ``hangul``,
``latin``, ``digit``, ``punct``, ``space`` or ``other``. Each token goes to the class most of the
characters it touches belong to (ties: a class other than ``space`` first, then the earliest), so
byte-fallback pieces go with the character they are a part of, a leading space goes with the word
after it, and the classes add up to the token count exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from tokcost.diagnostics.alignment import Alignment, align
from tokcost.tokenizers.base import Tokenizer

CLASSES = ("hangul", "latin", "digit", "punct", "space", "other", "code")

_FENCE = re.compile(r"(?ms)^[ \t]*```.*?(?:^[ \t]*```[^\n]*$|\Z)")
_INLINE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)


def code_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of fenced ``` blocks (to the closing fence, or the end) and of inline
    backtick spans outside them, backticks included."""
    spans = [m.span() for m in _FENCE.finditer(text)]
    masked = list(text)
    for a, b in spans:
        masked[a:b] = " " * (b - a)
    flat = "".join(masked)
    spans += [m.span() for m in _INLINE.finditer(flat) if "\n\n" not in m.group(0)]
    return sorted(spans)


def _is_hangul(cp: int) -> bool:
    return (0xAC00 <= cp <= 0xD7A3 or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F
            or 0xA960 <= cp <= 0xA97F or 0xD7B0 <= cp <= 0xD7FF or 0xFFA0 <= cp <= 0xFFDC)


def char_class(ch: str) -> str:
    """The class of one character, ignoring code spans."""
    if ch.isspace():
        return "space"
    cp = ord(ch)
    if _is_hangul(cp):
        return "hangul"
    cat = unicodedata.category(ch)
    if cat == "Nd":
        return "digit"
    if cat[0] == "L" and unicodedata.name(ch, "").startswith("LATIN"):
        return "latin"
    if cat[0] == "P" or cat in ("Sm", "Sc", "Sk"):
        return "punct"
    return "other"


def char_classes(text: str) -> list[str]:
    """One class per character; combining marks take the class of the character before them."""
    out: list[str] = []
    for ch in text:
        if out and unicodedata.category(ch)[0] == "M":
            out.append(out[-1])
        else:
            out.append(char_class(ch))
    for a, b in code_spans(text):
        out[a:b] = ["code"] * (b - a)
    return out


@dataclass(frozen=True)
class Breakdown:
    tokenizer: str
    total: int
    tokens: dict[str, int]  # class → tokens, every class present, sums to ``total``
    chars: dict[str, int]  # class → characters of the input

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"tokenizer": self.tokenizer, "total": self.total}
        out.update(self.tokens)
        out.update({f"share_{k}": round(v / self.total, 4) if self.total else None
                    for k, v in self.tokens.items()})
        return out


def attribute(alignment: Alignment, classes: list[str]) -> list[str]:
    """The class of each token: the class of most of the view characters it touches."""
    out = []
    for t in alignment.tokens:
        if t.end <= t.start:
            out.append("other")  # special/unknown token: no characters
            continue
        seen = classes[t.start:t.end]
        votes = Counter(seen)
        best = max(votes.values())
        tied = [c for c in seen if votes[c] == best]
        out.append(next((c for c in tied if c != "space"), tied[0]))
    return out


def script_breakdown(tokenizer: Tokenizer, text: str) -> Breakdown:
    """Tokens of ``text`` per character class on one tokenizer."""
    al = align(tokenizer, text)
    per_token = attribute(al, char_classes(al.view))
    tokens = Counter(per_token)
    chars = Counter(char_classes(text))
    return Breakdown(tokenizer.id, len(al.tokens), {c: tokens[c] for c in CLASSES},
                     {c: chars[c] for c in CLASSES})
