"""``transformers`` AutoTokenizer: only for repos that ship nothing lighter. Imported lazily.

Remote code (``trust_remote_code``) runs only when the user passes ``--trust-remote-code``.
"""

from __future__ import annotations

from collections.abc import Sequence

from tokcost.errors import TokcostError
from tokcost.tokenizers.base import Tokenizer
from tokcost.tokenizers.resolver import Resolution


class TransformersTokenizer(Tokenizer):
    backend = "transformers"

    def __init__(self, resolution: Resolution, *, trust_remote_code: bool = False) -> None:
        super().__init__(resolution)
        try:
            from transformers import AutoTokenizer
        except ImportError:
            raise TokcostError(
                f"{resolution.entry.id} needs the transformers library",
                hint="pip install 'tokcost[transformers]'",
            ) from None
        folder = resolution.path if resolution.path.is_dir() else resolution.path.parent
        if resolution.entry.trust_remote_code and not trust_remote_code:
            raise TokcostError(
                f"{resolution.entry.id} runs code from its repository to tokenize",
                hint="read that code, then pass --trust-remote-code to allow it",
            )
        self._tok = AutoTokenizer.from_pretrained(
            str(folder), trust_remote_code=trust_remote_code, local_files_only=True
        )

    @property
    def vocab_size(self) -> int:
        return len(self._tok)

    def encode(self, text: str, *, add_special_tokens: bool = False) -> list[int]:
        return list(self._tok.encode(text, add_special_tokens=add_special_tokens))

    def encode_batch(
        self, texts: Sequence[str], *, add_special_tokens: bool = False
    ) -> list[list[int]]:
        out = self._tok(list(texts), add_special_tokens=add_special_tokens)["input_ids"]
        return [list(x) for x in out]

    def special_ids(self) -> frozenset[int]:
        return frozenset(self._tok.all_special_ids)

    def unk_id(self) -> int | None:
        return self._tok.unk_token_id

    def token_bytes(self, token_id: int) -> bytes | None:
        if token_id in self.special_ids():
            return None
        return self._tok.decode([token_id]).encode("utf-8")
