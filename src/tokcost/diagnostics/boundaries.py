"""``tokcost inspect``: where each tokenizer cuts a text, and which pieces are raw bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tokcost.diagnostics.alignment import Alignment, TokenGroup, align, group_tokens, printable
from tokcost.tokenizers.base import Tokenizer


@dataclass(frozen=True)
class Inspection:
    """One tokenizer's view of a text: its tokens and the groups they are shown in."""

    tokenizer: str
    alignment: Alignment
    groups: tuple[TokenGroup, ...]

    @property
    def tokens(self) -> int:
        return len(self.alignment.tokens)

    @property
    def byte_fallback_tokens(self) -> int:
        return sum(1 for t in self.alignment.tokens if t.byte_fallback)

    def summary(self) -> dict[str, Any]:
        text = self.alignment.text
        return {
            "tokenizer": self.tokenizer,
            "tokens": self.tokens,
            "chars": len(text),
            "bytes": len(text.encode("utf-8")),
            "chars_per_token": round(len(text) / self.tokens, 4) if self.tokens else None,
            "byte_fallback_tokens": self.byte_fallback_tokens,
            "byte_fallback_groups": sum(1 for g in self.groups if g.byte_fallback),
            "normalized": self.alignment.normalized,
        }

    def as_dict(self) -> dict[str, Any]:
        out = self.summary()
        if self.alignment.normalized:
            out["view"] = printable(self.alignment.view)
        out["pieces"] = [t.as_dict() for t in self.alignment.tokens]
        return out


def inspect_text(text: str, tokenizers: Sequence[Tokenizer]) -> list[Inspection]:
    """Token boundaries of ``text`` on each tokenizer (no special tokens)."""
    out = []
    for tok in tokenizers:
        al = align(tok, text)
        out.append(Inspection(tok.id, al, tuple(group_tokens(al))))
    return out


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _visible(s: str) -> str:
    return printable(s).replace("\t", "→").replace("\r", "␍").replace("\n", "↵\n")


def render_plain(insp: Inspection) -> str:
    """Boundaries without colour: ``|`` between tokens, ``⟦…⟧ⁿ`` around ``n`` byte-fallback
    pieces that together form the characters inside."""
    parts = []
    for g in insp.groups:
        shown = _visible(g.text)
        if g.byte_fallback:
            shown = f"⟦{shown}⟧" + str(g.count).translate(_SUPERSCRIPT)
        parts.append(shown)
    return "|".join(parts)


BACKGROUNDS = ("on grey23", "on dark_blue")
FALLBACK_STYLE = "bold underline red"


def render_rich(insp: Inspection) -> Any:
    """A ``rich.text.Text``: alternating backgrounds per token, byte-fallback groups in
    bold underlined red (with the number of pieces as a superscript)."""
    from rich.text import Text

    out = Text()
    for n, g in enumerate(insp.groups):
        bg = BACKGROUNDS[n % 2]
        shown = _visible(g.text)
        if g.special:
            out.append(shown, style=f"dim italic {bg}")
        elif g.byte_fallback:
            out.append(shown, style=f"{FALLBACK_STYLE} {bg}")
            out.append(str(g.count).translate(_SUPERSCRIPT), style="red")
        else:
            out.append(shown, style=f"white {bg}")
    return out
