"""The one small interface every tokenizer backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

from tokcost.tokenizers.resolver import Resolution


@dataclass(frozen=True)
class Piece:
    """One token, for inspection: its id, its text (best effort) and its raw bytes when known."""

    id: int
    text: str
    raw: bytes | None
    byte_fallback: bool  # a raw byte or a part of a character, not whole characters
    special: bool = False


class Tokenizer(ABC):
    """A loaded tokenizer.

    ``count`` is the hot path; it must give exactly the reference library's token count for each
    text, without BOS/EOS or chat-template tokens unless ``add_special_tokens`` is true.
    """

    backend: str = "?"
    # The library (and version) that produces the counts, e.g. "fastokens 0.3.5" or
    # "tiktoken 0.12.0": recorded in every result's signature. Backends set it when loaded.
    counter: str = ""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self._partial: bytearray | None = None

    def for_resolution(self, resolution: Resolution) -> Tokenizer:
        """This loaded tokenizer under another resolution of the same file (another catalog id,
        e.g. a proxy): the library object is shared, the id and labels are ``resolution``'s."""
        import copy

        other = copy.copy(self)
        other.resolution = resolution
        return other

    @property
    def id(self) -> str:
        return self.resolution.entry.id

    @property
    def sha256(self) -> str:
        return self.resolution.sha256

    @property
    @abstractmethod
    def vocab_size(self) -> int: ...

    @abstractmethod
    def encode(self, text: str, *, add_special_tokens: bool = False) -> list[int]: ...

    def encode_batch(
        self, texts: Sequence[str], *, add_special_tokens: bool = False
    ) -> list[list[int]]:
        return [self.encode(t, add_special_tokens=add_special_tokens) for t in texts]

    def encode_flat(self, texts: Sequence[str], *, add_special_tokens: bool = False
                    ) -> tuple[list[int], array[int] | bytes]:
        """The token ids of every text packed into one native-endian uint32 buffer, and each
        text's number of tokens: the hot path of counting (``engine.count_full`` looks the ids up
        in flag tables at once). Backends override it when their library can fill the buffer
        without a Python list per text."""
        flat: array[int] = array("I")
        lens: list[int] = []
        push, extend = lens.append, flat.extend
        if type(self).encode_batch is Tokenizer.encode_batch:  # no native batch: inline
            encode = self.encode
            for text in texts:
                ids = encode(text, add_special_tokens=add_special_tokens)
                push(len(ids))
                extend(ids)
        else:
            for ids in self.encode_batch(texts, add_special_tokens=add_special_tokens):
                push(len(ids))
                extend(ids)
        return lens, flat

    def count(self, texts: Sequence[str], *, add_special_tokens: bool = False) -> list[int]:
        """Token count of each text, each tokenized on its own."""
        return [len(ids) for ids in self.encode_batch(texts, add_special_tokens=add_special_tokens)]

    @abstractmethod
    def token_bytes(self, token_id: int) -> bytes | None:
        """The raw bytes a token stands for (``None`` for special/control tokens)."""

    def unk_id(self) -> int | None:
        return None

    def special_ids(self) -> frozenset[int]:
        return frozenset()

    def partial_table(self) -> bytearray:
        """Per token id: 1 when the token is a raw byte or not whole UTF-8 characters."""
        if self._partial is None:
            table = bytearray(self.vocab_size)
            for i in range(self.vocab_size):
                raw = self.token_bytes(i)
                if raw is None:
                    continue
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    table[i] = 1
            self._partial = table
        return self._partial

    def adopt_partial_table(self, table: bytes) -> None:
        """Use ``table`` as :meth:`partial_table` (one already computed for this same file, e.g.
        kept on disk by the engine), instead of walking the vocabulary again."""
        if len(table) != self.vocab_size:
            raise ValueError(f"partial table of {len(table)} entries for {self.vocab_size} tokens")
        self._partial = bytearray(table)

    def pieces(self, text: str) -> list[Piece]:
        ids = self.encode(text)
        table = self.partial_table()
        specials = self.special_ids()
        out = []
        for i in ids:
            raw = self.token_bytes(i)
            shown = raw.decode("utf-8", errors="replace") if raw is not None else f"<{i}>"
            out.append(
                Piece(i, shown, raw, bool(i < len(table) and table[i]), special=i in specials)
            )
        return out

    def describe(self) -> dict[str, object]:
        r = self.resolution
        return {
            "tokenizer": r.entry.id,
            "backend": self.backend,
            "file": r.path.name,
            "sha256": r.sha256,
            "source": r.origin,
            "vocab_size": self.vocab_size,
            "counter": self.counter or self.backend,
            "exactness": r.entry.exactness if not r.entry.adhoc else "exact",
            **r.labels(),
        }
