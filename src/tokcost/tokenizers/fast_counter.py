"""The fast exact counter: fastokens (Rust, Apache-2.0) over the same file the reference reads.

tokcost counts with the reference library's own numbers (tiktoken, ``tokenizers``). fastokens
reads the same ``*.tiktoken`` or ``tokenizer.json`` file and gives the same ids two to four times
as fast (benchmarks/counters.py compares them text by text on FLORES, the shipped corpora and
adversarial text; tests/test_fast_counters.py does so in CI on every file of the mirror). It is
used only where it was shown equal (``SUPPORTED`` below); everywhere else, and whenever it is
not installed or cannot load a file, the reference library counts. ``TOKCOST_COUNTER=reference``
turns it off. Which counter ran is recorded in each result's signature (``counter``).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

REFERENCE = "reference"
FAST = "fastokens"
# Loading fastokens takes seconds (o200k_base ~2 s, Gemma 3 ~4.5 s on the benchmark machine) and
# as much memory again as the reference (the report on the shipped samples: 2.5 GB with it, 1.3 GB
# without), where the reference loads in a fraction of a second. So by default (``auto``) it is
# loaded in a background thread (the load releases the GIL) only once a tokenizer has been asked
# for this many texts in bulk (``encode_flat``: the measuring engine's chunks), while the reference
# counts; from then on it counts. Small inputs (the shipped samples are 2,200 texts) and the
# diagnostics' calls (``count``, ``encode``) never start it; they use it only when it is loaded.
WARM_AFTER_TEXTS = 8000

# tiktoken encodings whose fastokens ids equal tiktoken's encode_ordinary on every text tried
# (benchmarks/counters.py; tests/test_fast_counters.py).
TIKTOKEN_ENCODINGS = frozenset({"o200k_base", "cl100k_base"})


def mode() -> str:
    """``TOKCOST_COUNTER``: ``auto`` (default: the fast counter once loaded in the background),
    ``fastokens`` (wait for it: every text counted by it) or ``reference`` (never used)."""
    value = os.environ.get("TOKCOST_COUNTER", "auto").strip().lower()
    if value in {REFERENCE, "off", "0", "tiktoken", "tokenizers"}:
        return REFERENCE
    return FAST if value == FAST else "auto"


def wanted() -> bool:
    """False when the user asked for the reference library only (``TOKCOST_COUNTER=reference``)."""
    return mode() != REFERENCE


def expected(backend: str, encoding: str | None) -> bool:
    """Whether a tokenizer of ``backend`` (tiktoken: ``encoding``) will count with fastokens here,
    known before it is opened: fastokens installed, not turned off, a file kind it reads (it can
    still be rejected on load, when the reference counts)."""
    if mode() == REFERENCE or version() is None:
        return False
    return backend == "hf" or (backend == "tiktoken" and encoding in TIKTOKEN_ENCODINGS)


def version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("fastokens")
    except metadata.PackageNotFoundError:
        return None


class FastBPE:
    """fastokens over one tokenizer file: ids of a batch of texts in one flat uint32 buffer.

    Special-token strings inside a text are handled as the reference library handles them:
    encoded as text for tiktoken (``encode_ordinary``; ``split_special_tokens``), matched as
    added tokens for ``tokenizers`` (its ``encode`` default). No post-processor tokens are
    added: the caller adds them."""

    def __init__(self, native: Any, split_special_tokens: bool) -> None:
        self._tok = native
        self._split = split_special_tokens

    @classmethod
    def from_tiktoken(cls, path: str, encoding: str) -> FastBPE:
        """fastokens' own preset for ``encoding`` (its pattern and special tokens) over the rank
        file at ``path``. Only o200k_base and cl100k_base have presets; fastokens 0.3.5 refuses
        p50k_base and r50k_base given as a pattern ("non-contiguous tokens"), so tiktoken counts
        those."""
        import fastokens  # type: ignore[import-untyped,unused-ignore]

        return cls(fastokens.Tokenizer.from_tiktoken(path, encoding=encoding), True)

    @classmethod
    def from_hf(cls, path: str) -> FastBPE:
        import fastokens  # type: ignore[import-untyped,unused-ignore]

        return cls(fastokens.Tokenizer.from_file(path), False)

    def encode_flat(self, texts: Sequence[str]) -> tuple[list[int], bytes]:
        """Each text's number of tokens and every id, packed (native-endian uint32 on the
        little-endian machines fastokens ships wheels for)."""
        import numpy as np

        ids, offsets = self._tok.encode_batch_flat(list(texts), add_special_tokens=False,
                                                   split_special_tokens=self._split)
        lens = np.diff(np.frombuffer(offsets, dtype=np.uint64)).tolist()
        return lens, ids

    def encode_batch(self, texts: Sequence[str]) -> list[list[int]]:
        import numpy as np

        lens, ids = self.encode_flat(texts)
        flat = np.frombuffer(ids, dtype=np.uint32).tolist()
        out, pos = [], 0
        for n in lens:
            out.append(flat[pos:pos + n])
            pos += n
        return out

    def counts(self, texts: Sequence[str]) -> list[int]:
        return self.encode_flat(texts)[0]


def try_tiktoken(path: str, encoding: str) -> FastBPE | None:
    """fastokens for a tiktoken encoding it was shown equal on, or None (use tiktoken)."""
    if encoding not in TIKTOKEN_ENCODINGS or not wanted():
        return None
    try:
        return FastBPE.from_tiktoken(path, encoding)
    except ImportError:
        return None
    except Exception:  # a file or version fastokens cannot read: the reference counts
        return None


def try_hf(path: str) -> FastBPE | None:
    """fastokens for a ``tokenizer.json``, or None (use ``tokenizers``). The caller checks the
    result against ``tokenizers`` on a probe text before trusting it (``probe_equal``)."""
    if not wanted():
        return None
    try:
        return FastBPE.from_hf(path)
    except ImportError:
        return None
    except Exception:
        return None


# A few texts on which BPE implementations part ways (runs, whitespace, digits, emoji, mixed
# scripts, byte fallback, special-token strings): every fast counter is checked against the
# reference library on them, and on the file's own added tokens, when it is loaded. A
# difference means the reference counts (docs/performance.md).
PROBE = (
    "", " ", "  \n\n\t ", "a" * 300, "가" * 200, " " * 200, "\n" * 50, "1234567890" * 20,
    "3 33 333 3333 33333 333333", "😀" * 20, "👨‍👩‍👧‍👦🇰🇷", "e\u0301 \u1100\u1161\u11a8",
    "\ufeff\u200b\u200d\u2060\x00\x7f\ufffd\U0010ffff", "don't I'll we've 'S 'll",
    "Hello,world!Привет,мир!こんにちは世界！안녕하세요,세계!مرحبا 中文 ꧁꧂ 𒀱",
    "$ 1,234.56 ₩1,380원 12:30 2026-12-01", "a\r\nb\rc\n\r\nd",
    "<|endoftext|> <|im_start|><s></s>[INST]<unk><pad><bos><eos>",
    "코스피가 사흘 만에 반등했다. The KOSPI rebounded for the first time in three days.",
)


def probe_equal(fast: FastBPE, reference: Any, extra: Sequence[str] = ()) -> bool:
    """True when ``fast`` gives ``reference``'s ids (a callable: texts -> list of id lists) on
    ``PROBE`` and ``extra`` (e.g. the file's added tokens, alone and inside text)."""
    texts = [*PROBE, *extra]
    try:
        got = fast.encode_batch(texts)
    except Exception:
        return False
    want = reference(texts)
    return all(list(a) == list(b) for a, b in zip(got, want, strict=True))


class Warmup:
    """A fast counter loaded and checked (``probe_equal``) in a background thread, started on
    demand; ``get()`` is the counter once ready and equal, else None (the reference counts)."""

    def __init__(self, load: Callable[[], FastBPE | None], reference: Callable[[list[str]], Any],
                 extra: Sequence[str] = ()) -> None:
        self._load, self._reference, self._extra = load, reference, tuple(extra)
        self._thread: threading.Thread | None = None
        self._fast: FastBPE | None = None
        self._seen = 0
        self._mode = mode()
        self.rejected = False  # it could not load, or gave other ids than the reference

    def _run(self) -> None:
        fast = self._load()
        if fast is not None and probe_equal(fast, self._reference, self._extra):
            self._fast = fast
        else:
            self.rejected = True

    def counter(self, eligible: bool, reference: str) -> str:
        """What counts this tokenizer's texts, as the signature records it: the same for every
        run and engine on one installation (``fastokens X + REFERENCE``: fastokens once loaded,
        the reference before that; the counts are identical), else the reference alone."""
        v = version()
        if not eligible or self._mode == REFERENCE or v is None or self.rejected:
            return reference
        return f"fastokens {v} + {reference}"

    def start(self) -> None:
        if self._thread is None and self._mode != REFERENCE:
            # Not a daemon: the interpreter waits for the load before it finalizes (a daemon
            # thread still inside the native load at exit aborts the process).
            self._thread = threading.Thread(target=self._run, name="tokcost-fast-counter",
                                            daemon=False)
            self._thread.start()

    def get(self, n_texts: int = 0, *, wait: bool = False, bulk: bool = True) -> FastBPE | None:
        """The fast counter for a batch of ``n_texts`` when it is ready (``wait``: load it now
        and wait for it), starting its load once enough texts have been asked for in bulk
        (``bulk=False``: a diagnostic's call, which uses it when loaded but never starts it)."""
        if self._mode == REFERENCE:
            return None
        if not bulk and not wait and self._mode != FAST:
            thread = self._thread
            return self._fast if thread is not None and not thread.is_alive() else None
        self._seen += n_texts
        if self._thread is None and (wait or self._mode == FAST
                                     or self._seen >= WARM_AFTER_TEXTS):
            self.start()
        thread = self._thread
        if thread is not None and thread.is_alive():
            if not (wait or self._mode == FAST):
                return None
            thread.join()
        return self._fast
