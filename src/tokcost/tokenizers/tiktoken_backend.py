"""OpenAI tiktoken encodings (``*.tiktoken`` rank files)."""

from __future__ import annotations

import marshal
import threading
from array import array
from collections.abc import Sequence
from contextlib import contextmanager
from typing import Any

from tokcost.errors import TokcostError
from tokcost.tokenizers.base import Tokenizer
from tokcost.tokenizers.resolver import Resolution

_PATCH_LOCK = threading.Lock()


@contextmanager
def _ranks_from(ranks: dict[bytes, int]):
    """Make tiktoken's own constructor use ranks we loaded, so that its pattern and special
    tokens (which live only in tiktoken_ext) are taken from tiktoken itself, never copied."""
    import tiktoken_ext.openai_public as oai

    with _PATCH_LOCK:
        saved = oai.load_tiktoken_bpe
        oai.load_tiktoken_bpe = lambda *_a, **_k: ranks  # type: ignore[assignment,unused-ignore]
        try:
            yield oai
        finally:
            oai.load_tiktoken_bpe = saved  # type: ignore[assignment,unused-ignore]


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
        ranks = _cached_ranks(resolution)
        if ranks is None:
            ranks = load_tiktoken_bpe(str(resolution.path))
            _store_ranks(resolution, ranks)
        self._enc = tiktoken.Encoding(**encoding_kwargs(name, ranks))
        self._ranks_reverse: list[bytes] | None = None
        # The buffer encoder behind tiktoken's own encode_to_numpy: one uint32 buffer per text,
        # no Python int per token. Private to tiktoken, so used only when present (tested).
        self._to_buffer = getattr(self._enc._core_bpe, "encode_to_tiktoken_buffer", None)
        self._eot_bytes = array("I", [self._enc.eot_token]).tobytes()
        # The fast exact counter over the same file where it was shown equal (fast_counter.py),
        # loaded in the background once there is enough to count and checked on the probe
        # texts; until then, or if it is absent or differs, tiktoken counts.
        from tokcost.tokenizers import fast_counter

        path = str(resolution.path)
        self._warm = fast_counter.Warmup(
            lambda: fast_counter.try_tiktoken(path, name),
            lambda ts: [self._enc.encode_ordinary(t) for t in ts])
        self._reference = f"tiktoken {_tiktoken_version()}"
        self._eligible = name in fast_counter.TIKTOKEN_ENCODINGS

    @property
    def counter(self) -> str:  # type: ignore[override]
        """The counter(s) as the signature records them (``Warmup.counter``)."""
        return self._warm.counter(self._eligible, self._reference)

    def fast(self, n_texts: int = 0, *, wait: bool = False, bulk: bool = True):
        """The fast counter when ready for a batch of ``n_texts`` (see ``Warmup.get``)."""
        return self._warm.get(n_texts, wait=wait, bulk=bulk)

    @property
    def vocab_size(self) -> int:
        return int(self._enc.n_vocab)

    def encode(self, text: str, *, add_special_tokens: bool = False) -> list[int]:
        # Text is content: special-token strings inside it are plain text, as in an API request.
        # add_special_tokens adds nothing: OpenAI's encoders add no token to a text (the
        # end-of-text token separates pre-training documents; tokenizers/specials.py)
        return self._enc.encode_ordinary(text)

    def encode_flat(self, texts: Sequence[str], *, add_special_tokens: bool = False
                    ) -> tuple[list[int], array[int] | bytes]:
        fast = self.fast(len(texts))
        if fast is not None:
            return fast.encode_flat(texts)  # no special token, as in encode
        to_buffer = self._to_buffer
        if to_buffer is None:
            return super().encode_flat(texts, add_special_tokens=add_special_tokens)
        # No special token allowed: special-token strings in the text are encoded as text, the
        # same ids as encode_ordinary (tests/test_tokenizers.py compares them).
        none: set[str] = set()
        parts = [to_buffer(text, none) for text in texts]
        lens = [memoryview(p).nbytes >> 2 for p in parts]
        return lens, b"".join(parts)  # no special token, as in encode

    def count(self, texts: Sequence[str], *, add_special_tokens: bool = False) -> list[int]:
        fast = self.fast(len(texts), bulk=False)
        if fast is not None:
            return list(fast.counts(texts))
        enc = self._enc.encode_ordinary
        return [len(enc(t)) for t in texts]  # no special token, as in encode

    def token_bytes(self, token_id: int) -> bytes | None:
        if token_id in self.special_ids():
            return None
        try:
            return self._enc.decode_single_token_bytes(token_id)
        except KeyError:
            return None

    def special_ids(self) -> frozenset[int]:
        return frozenset(self._enc._special_tokens.values())


def _tiktoken_version() -> str:
    from importlib import metadata

    return metadata.version("tiktoken")


def _ranks_path(resolution: Resolution):
    from tokcost.paths import derived_path

    return derived_path("tiktoken-ranks", f"{resolution.sha256}.marshal")


def _cached_ranks(resolution: Resolution) -> dict[bytes, int] | None:
    """The rank table decoded before from the same file (by sha256): a marshalled dict loads in
    ~30 ms where decoding the base64 rank file takes ~110 ms (o200k_base), paid by every worker
    process. Kept beside the result cache and checked against its own digest."""
    from tokcost.paths import read_checked

    raw = read_checked(_ranks_path(resolution))
    if raw is None:
        return None
    try:
        ranks = marshal.loads(raw)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(ranks, dict) or not _agrees(ranks, resolution):
        return None  # a poisoned or stale table is decoded again from the verified file
    return ranks


def _agrees(ranks: dict, resolution: Resolution) -> bool:
    """Verify a cached rank table against its source file before it is used, exactly: written
    back in the file's own layout (base64 token, space, rank, newline, in table order) it must
    be the file byte for byte. Then decoding the file gives this very table, so a table changed
    in even one rank (a poisoned cache keeps its own digest right) is decoded again. The check
    runs in C (``map`` over ``base64.b64encode`` and bytes formatting) and costs less than the
    decoding it saves; a file in another layout just means the cache is never used."""
    import base64

    try:
        data = resolution.path.read_bytes()
    except OSError:
        return False
    # only bytes -> int (b"%d" would also print a float or a bool)
    if not (set(map(type, ranks)) <= {bytes} and set(map(type, ranks.values())) <= {int}):
        return False
    try:
        text = b"".join(map(b"%s %d\n".__mod__, zip(map(base64.b64encode, ranks),
                                                    ranks.values(), strict=True)))
    except (TypeError, ValueError, OverflowError):
        return False
    return text == data or (not data.endswith(b"\n") and text[:-1] == data)


def _store_ranks(resolution: Resolution, ranks: dict[bytes, int]) -> None:
    from tokcost.paths import write_checked

    write_checked(_ranks_path(resolution), marshal.dumps(ranks))
