"""Byte-fallback and UNK rates (tokscope's definition, see docs/measure.md).

A token is byte fallback when it stands for a raw byte or for bytes that are not whole UTF-8
characters (SentencePiece ``<0xNN>`` pieces and byte-level BPE tokens that split a character).
"""

from __future__ import annotations

from collections.abc import Sequence


def count_partial(ids: Sequence[int], table: bytes | bytearray) -> int:
    """Byte-fallback tokens among ``ids`` (``table`` from ``Tokenizer.partial_table()``)."""
    return sum(map(table.__getitem__, ids))


def count_unk(ids: list[int], unk_id: int | None) -> int:
    return 0 if unk_id is None else ids.count(unk_id)
