"""Mapping tokens to the characters they cover, by accumulating the bytes of their pieces.

The pieces' bytes, joined, are the text *as the tokenizer saw it* (the "view"). For most tokenizers
the view is the input, byte for byte. It differs when a tokenizer normalises before splitting:
SentencePiece's dummy prefix adds a leading space (its ``▁`` piece), Qwen's normaliser turns
decomposed Hangul into precomposed syllables (NFC). Offsets are therefore into the view, which makes
every token land on real characters and every attribution sum to the token count exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tokcost.tokenizers.base import Piece, Tokenizer


@dataclass(frozen=True)
class TokenSpan:
    """One token and the characters of the view it touches.

    ``start``/``end`` are character offsets into :attr:`Alignment.view`; a byte-fallback piece
    touches the one character it is a part of, so several pieces may share a character.
    Tokens without bytes (special or unknown tokens) have ``start == end``.
    """

    index: int
    id: int
    text: str
    raw: bytes | None
    byte_fallback: bool
    special: bool
    byte_start: int
    byte_end: int
    start: int
    end: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "bytes": self.raw.hex() if self.raw is not None else None,
            "byte_fallback": self.byte_fallback,
            "special": self.special,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Alignment:
    """A text tokenized by one tokenizer, each token mapped to character offsets in ``view``."""

    tokenizer: str
    text: str
    view: str
    tokens: tuple[TokenSpan, ...]

    @property
    def normalized(self) -> bool:
        """Whether the tokenizer saw something other than the input (dummy prefix, NFC, …)."""
        return self.view != self.text

    def __len__(self) -> int:
        return len(self.tokens)


def _char_lengths(view: str) -> list[int]:
    # ``surrogateescape`` turns each undecodable byte into one lone surrogate: one byte each.
    return [1 if 0xDC80 <= ord(c) <= 0xDCFF else len(c.encode("utf-8")) for c in view]


def align_pieces(tokenizer_id: str, text: str, pieces: Sequence[Piece]) -> Alignment:
    """Accumulate the pieces' bytes and map each token to the characters it covers."""
    stream = b"".join(p.raw or b"" for p in pieces)
    view = stream.decode("utf-8", errors="surrogateescape")
    char_at: list[int] = []
    for ci, n in enumerate(_char_lengths(view)):
        char_at.extend([ci] * n)
    spans = []
    pos = 0
    for i, p in enumerate(pieces):
        n = len(p.raw) if p.raw is not None else 0
        if n:
            start, end = char_at[pos], char_at[pos + n - 1] + 1
        else:
            start = end = char_at[pos] if pos < len(char_at) else len(view)
        spans.append(TokenSpan(i, p.id, p.text, p.raw, p.byte_fallback, p.special,
                               pos, pos + n, start, end))
        pos += n
    return Alignment(tokenizer_id, text, view, tuple(spans))


def align(tokenizer: Tokenizer, text: str) -> Alignment:
    """Tokenize ``text`` (no special tokens) and map every token to its characters."""
    return align_pieces(tokenizer.id, text, tokenizer.pieces(text))


@dataclass(frozen=True)
class TokenGroup:
    """Consecutive tokens that share characters, shown as one unit.

    A single whole-character token is a group of one. Byte-fallback pieces that together form a
    character (e.g. a Hangul syllable split into three UTF-8 byte tokens) make one group.
    """

    first: int  # index of the first token
    count: int  # number of tokens
    start: int
    end: int
    text: str  # the characters of the view the group covers
    byte_fallback: bool
    special: bool = False


def group_tokens(
    alignment: Alignment, tokens: Sequence[TokenSpan] | None = None
) -> list[TokenGroup]:
    """Merge consecutive tokens whose character ranges overlap (always byte-fallback pieces)."""
    spans = alignment.tokens if tokens is None else tokens
    view = alignment.view
    groups: list[TokenGroup] = []
    for t in spans:
        last = groups[-1] if groups else None
        if (last is not None and not last.special and t.end > t.start
                and t.start < last.end and last.first + last.count == t.index):
            groups[-1] = TokenGroup(last.first, last.count + 1, last.start, max(last.end, t.end),
                                    view[last.start:max(last.end, t.end)],
                                    last.byte_fallback or t.byte_fallback)
            continue
        special = t.start == t.end
        groups.append(TokenGroup(t.index, 1, t.start, t.end,
                                 t.text if special else view[t.start:t.end],
                                 t.byte_fallback, special=special))
    return groups


def printable(s: str) -> str:
    """``s`` safe for JSON and terminals: undecodable bytes become U+FFFD."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
