"""SentencePiece ``.model`` files."""

from __future__ import annotations

from collections.abc import Sequence

from tokcost.tokenizers.base import Tokenizer
from tokcost.tokenizers.resolver import Resolution


class SentencePieceTokenizer(Tokenizer):
    backend = "sentencepiece"

    def __init__(self, resolution: Resolution) -> None:
        super().__init__(resolution)
        from importlib import metadata

        self.counter = f"sentencepiece {metadata.version('sentencepiece')}"
        import sentencepiece as spm

        self._sp = spm.SentencePieceProcessor(model_file=str(resolution.path))
        self._special: frozenset[int] | None = None
        # Threads of a list encode: -1 is sentencepiece's default (every core). tokcost's worker
        # processes set 1 (``set_num_threads``): the processes already use every core, and
        # threads on top of them only compete (docs/performance.md).
        self.num_threads = -1

    def set_num_threads(self, n: int) -> None:
        """Threads for encoding a list of texts (-1: sentencepiece's default, every core)."""
        self.num_threads = n

    @property
    def vocab_size(self) -> int:
        return int(self._sp.get_piece_size())

    def encode(self, text: str, *, add_special_tokens: bool = False) -> list[int]:
        return list(self._sp.encode(text, add_bos=add_special_tokens))

    def encode_batch(
        self, texts: Sequence[str], *, add_special_tokens: bool = False
    ) -> list[list[int]]:
        return self._sp.encode(list(texts), add_bos=add_special_tokens,
                               num_threads=self.num_threads)

    def count(self, texts: Sequence[str], *, add_special_tokens: bool = False) -> list[int]:
        return [len(ids) for ids in self._sp.encode(list(texts), add_bos=add_special_tokens,
                                                    num_threads=self.num_threads)]

    def unk_id(self) -> int | None:
        return int(self._sp.unk_id())

    def special_ids(self) -> frozenset[int]:
        if self._special is None:  # a scan of the whole vocabulary: once
            sp = self._sp
            self._special = frozenset(i for i in range(sp.get_piece_size()) if sp.is_control(i))
        return self._special

    def token_bytes(self, token_id: int) -> bytes | None:
        sp = self._sp
        if sp.is_control(token_id) or sp.is_unknown(token_id):
            return None
        piece = sp.id_to_piece(token_id)
        if sp.is_byte(token_id):
            return bytes([int(piece[3:5], 16)])
        return piece.replace("▁", " ").encode("utf-8")
