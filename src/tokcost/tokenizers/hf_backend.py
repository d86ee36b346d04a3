"""Hugging Face ``tokenizer.json`` files, read with the ``tokenizers`` library."""

from __future__ import annotations

import contextlib
from array import array
from collections.abc import Sequence

from tokcost.tokenizers.base import Tokenizer
from tokcost.tokenizers.native import guarded
from tokcost.tokenizers.resolver import Resolution


def _byte_decoder() -> dict[str, int]:
    """Inverse of GPT-2's bytes_to_unicode table (the ByteLevel alphabet)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    bs += list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {chr(c): b for b, c in zip(bs, cs, strict=True)}


class HFTokenizer(Tokenizer):
    backend = "hf"

    def __init__(self, resolution: Resolution) -> None:
        super().__init__(resolution)
        from tokenizers import Tokenizer as _HF

        self._tok = _HF.from_file(str(resolution.path))
        # Ids without offsets (tokenizers >= 0.20): the same ids as encode_batch, 1.08x as fast
        # (docs/performance.md, library calls); tests/test_tokenizers.py compares the two.
        self._batch = getattr(self._tok, "encode_batch_fast", self._tok.encode_batch)
        self._specials = self._special_from_added()
        self._byte_level = "ByteLevel" in repr(self._tok.decoder)
        from tokcost.tokenizers.specials import hf_plan

        # what --add-special-tokens adds: the tokenizer's own configuration (specials.py)
        self.special_plan = hf_plan(resolution.path, resolution.entry.id, self._tok)

        # The fast exact counter over the same file (fast_counter.py), loaded in the background
        # once there is enough to count and used only when it gives this library's ids on the
        # probe texts and on the file's own added tokens; never with special tokens added (the
        # post-processor's BOS/EOS are this library's job).
        from tokcost.tokenizers import fast_counter

        added = [t.content for t in self._tok.get_added_tokens_decoder().values()][:200]
        extra = [*added, " ".join(added), f"x{''.join(added[:20])}y 안녕"]
        ref = self._batch
        path = str(resolution.path)

        def reference(ts: list[str]) -> list[list[int]]:
            return [e.ids for e in ref(ts, add_special_tokens=False)]

        self._warm = fast_counter.Warmup(lambda: fast_counter.try_hf(path), reference, extra)
        self._reference = f"tokenizers {_tokenizers_version()}"
        self._eligible = True

    @property
    def counter(self) -> str:  # type: ignore[override]
        """The counter(s) as the signature records them (``Warmup.counter``)."""
        return self._warm.counter(self._eligible, self._reference)

    def fast(self, n_texts: int = 0, *, wait: bool = False, special: bool = False,
             bulk: bool = True):
        """The fast counter when ready for a batch of ``n_texts`` (see ``Warmup.get``)."""
        return None if special else self._warm.get(n_texts, wait=wait, bulk=bulk)

    def _special_from_added(self) -> frozenset[int]:
        decoder = self._tok.get_added_tokens_decoder()
        return frozenset(i for i, tok in decoder.items() if tok.special)

    @property
    def vocab_size(self) -> int:
        return int(self._tok.get_vocab_size(with_added_tokens=True))

    def _guard(self) -> contextlib.AbstractContextManager[None]:
        """A panic in the native library (a hostile regex) is one line (native.py)."""
        return guarded(self.id, self.resolution.path)

    def encode(self, text: str, *, add_special_tokens: bool = False) -> list[int]:
        with self._guard():
            ids = list(self._tok.encode(text, add_special_tokens=add_special_tokens).ids)
        if add_special_tokens and self.special_plan.extra:
            plan = self.special_plan
            return [*plan.prefix, *ids, *plan.suffix]
        return ids

    def encode_batch(
        self, texts: Sequence[str], *, add_special_tokens: bool = False
    ) -> list[list[int]]:
        with self._guard():
            encs = self._batch(list(texts), add_special_tokens=add_special_tokens)
        if add_special_tokens and self.special_plan.extra:
            pre, post = list(self.special_plan.prefix), list(self.special_plan.suffix)
            return [[*pre, *e.ids, *post] for e in encs]
        return [e.ids for e in encs]

    def encode_flat(self, texts: Sequence[str], *, add_special_tokens: bool = False
                    ) -> tuple[list[int], array[int] | bytes]:
        fast = self.fast(len(texts), special=add_special_tokens)
        if fast is not None:
            return fast.encode_flat(texts)
        return super().encode_flat(texts, add_special_tokens=add_special_tokens)

    def count(self, texts: Sequence[str], *, add_special_tokens: bool = False) -> list[int]:
        fast = self.fast(len(texts), special=add_special_tokens, bulk=False)
        if fast is not None:
            return fast.counts(texts)
        with self._guard():
            encs = self._batch(list(texts), add_special_tokens=add_special_tokens)
        extra = self.special_plan.extra if add_special_tokens else 0
        return [len(e.ids) + extra for e in encs]

    def special_ids(self) -> frozenset[int]:
        return self._specials

    def unk_id(self) -> int | None:
        unk = getattr(self._tok.model, "unk_token", None)
        return None if unk is None else self._tok.token_to_id(unk)

    def token_bytes(self, token_id: int) -> bytes | None:
        if token_id in self._specials:
            return None
        piece = self._tok.id_to_token(token_id)
        if piece is None:
            return None
        if self._byte_level:
            table = _BYTE_DECODER
            try:
                return bytes(table[c] for c in piece)
            except KeyError:
                return piece.encode("utf-8")  # an added token written as plain text
        if len(piece) == 6 and piece.startswith("<0x") and piece.endswith(">"):
            return bytes([int(piece[3:5], 16)])
        return piece.replace("▁", " ").encode("utf-8")


def _tokenizers_version() -> str:
    from importlib import metadata

    return metadata.version("tokenizers")


_BYTE_DECODER = _byte_decoder()
