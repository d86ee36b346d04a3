"""OpenAI tiktoken encodings (``*.tiktoken`` rank files)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any

from tokcost.errors import TokcostError
from tokcost.resolve import Resolution
from tokcost.tokenizers.base import Tokenizer

_PATCH_LOCK = threading.Lock()


@contextmanager
def _ranks_from(ranks: dict[bytes, int]):
    """Make tiktoken's own constructor use ranks we loaded, so that its pattern and special
    tokens (which live only in tiktoken_ext) are taken from tiktoken itself, never copied."""
    import tiktoken_ext.openai_public as oai

    with _PATCH_LOCK:
        saved = oai.load_tiktoken_bpe
        oai.load_tiktoken_bpe = lambda *_a, **_k: ranks  # type: ignore[assignment]
        try:
            yield oai
        finally:
            oai.load_tiktoken_bpe = saved  # type: ignore[assignment]


def encoding_kwargs(name: str, ranks: dict[bytes, int]) -> dict[str, Any]:
    with _ranks_from(ranks) as oai:
        ctor = getattr(oai, name, None)
        if ctor is None or name.startswith("_"):
            raise TokcostError(
                f"tiktoken does not know the encoding {name!r}",
                hint="known: o200k_base, cl100k_base, p50k_base, r50k_base",
            )
        return ctor()


class TiktokenTokenizer(Tokenizer):
    backend = "tiktoken"

    def __init__(self, resolution: Resolution) -> None:
        super().__init__(resolution)
        import tiktoken
        from tiktoken.load import load_tiktoken_bpe

        entry = resolution.entry
        name = entry.encoding or resolution.path.stem
        ranks = load_tiktoken_bpe(str(resolution.path))
        self._enc = tiktoken.Encoding(**encoding_kwargs(name, ranks))
        self._ranks_reverse: list[bytes] | None = None

    @property
    def vocab_size(self) -> int:
        return int(self._enc.n_vocab)

    def encode(self, text: str, *, add_special_tokens: bool = False) -> list[int]:
        # Text is content: special-token strings inside it are plain text, as in an API request.
        ids = self._enc.encode_ordinary(text)
        if add_special_tokens:
            ids = [*ids, self._enc.eot_token]
        return ids

    def count(self, texts: Sequence[str], *, add_special_tokens: bool = False) -> list[int]:
        enc = self._enc.encode_ordinary
        extra = 1 if add_special_tokens else 0
        return [len(enc(t)) + extra for t in texts]

    def token_bytes(self, token_id: int) -> bytes | None:
        if token_id in self.special_ids():
            return None
        try:
            return self._enc.decode_single_token_bytes(token_id)
        except KeyError:
            return None

    def special_ids(self) -> frozenset[int]:
        return frozenset(self._enc._special_tokens.values())
