"""Mistral Tekken ``tekken.json`` files.

Built exactly as mistral-common's ``Tekkenizer`` builds it: a tiktoken BPE over the first
``default_vocab_size - default_num_special_tokens`` ranks with the file's pattern; token ids are
offset by the number of special tokens. Tests compare every count with mistral-common itself.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence

from tokcost.errors import TokcostError
from tokcost.tokenizers.base import Tokenizer
from tokcost.tokenizers.resolver import Resolution


class TekkenTokenizer(Tokenizer):
    backend = "tekken"

    def __init__(self, resolution: Resolution) -> None:
        super().__init__(resolution)
        from importlib import metadata

        self.counter = f"tiktoken {metadata.version('tiktoken')}"
        import tiktoken

        with resolution.path.open(encoding="utf-8") as fh:
            doc = json.load(fh)
        try:
            config = doc["config"]
            self._n_special = int(config["default_num_special_tokens"])
            self._vocab_size = int(config["default_vocab_size"])
            inner = self._vocab_size - self._n_special
            ranks = {
                base64.b64decode(tok["token_bytes"]): int(tok["rank"])
                for tok in doc["vocab"][:inner]
            }
            pattern = config["pattern"]
        except (KeyError, TypeError, ValueError) as exc:
            raise TokcostError(
                f"not a Tekken tokenizer file ({exc})", path=str(resolution.path)
            ) from None
        self._enc = tiktoken.Encoding(
            name=resolution.path.stem, pat_str=pattern, mergeable_ranks=ranks, special_tokens={}
        )

    @property
    def vocab_size(self) -> int:
        return self._vocab_size

    def encode(self, text: str, *, add_special_tokens: bool = False) -> list[int]:
        off = self._n_special
        ids = [i + off for i in self._enc.encode_ordinary(text)]
        return [1, *ids] if add_special_tokens else ids  # BOS is id 1 in every Tekken file

    def count(self, texts: Sequence[str], *, add_special_tokens: bool = False) -> list[int]:
        enc = self._enc.encode_ordinary
        extra = 1 if add_special_tokens else 0
        return [len(enc(t)) + extra for t in texts]

    def special_ids(self) -> frozenset[int]:
        return frozenset(range(self._n_special))

    def token_bytes(self, token_id: int) -> bytes | None:
        if token_id < self._n_special:
            return None
        return self._enc.decode_single_token_bytes(token_id - self._n_special)
