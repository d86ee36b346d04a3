"""Counting engine: one code path that turns a chunk of texts into per-text counts.

``count_chunk`` is what every engine runs — in this process, in a local process pool, or on a
distributed engine's workers — so that results are identical whichever runs it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tokcost.metrics.fallback import count_partial, count_unk
from tokcost.resolve import Resolution
from tokcost.tokenizers import Tokenizer, open_resolution

CHUNK_PAIRS = 2000


@dataclass
class TextCounts:
    """Per-text counts for one tokenizer over a chunk."""

    tokens: list[int]
    partial: list[int]
    unk: list[int]


def count_full(tok: Tokenizer, texts: Sequence[str], add_special_tokens: bool) -> TextCounts:
    """Token, byte-fallback and UNK counts of each text (each tokenized on its own)."""
    ids_list = tok.encode_batch(texts, add_special_tokens=add_special_tokens)
    table = tok.partial_table()
    unk = tok.unk_id()
    return TextCounts(
        [len(ids) for ids in ids_list],
        [count_partial(ids, table) for ids in ids_list],
        [count_unk(ids, unk) for ids in ids_list],
    )


# ---------------------------------------------------------------- worker processes
_WORKER_TOKS: dict[str, Tokenizer] = {}


def _init_worker(resolutions: Sequence[Resolution], trust_remote_code: bool) -> None:
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    for res in resolutions:
        _WORKER_TOKS[res.entry.id] = open_resolution(res, trust_remote_code=trust_remote_code)
        _WORKER_TOKS[res.entry.id].partial_table()


def _work(
    args: tuple[list[str], list[str] | None, bool],
) -> dict[str, tuple[TextCounts, TextCounts | None]]:
    ko, en, special = args
    out = {}
    for tid, tok in _WORKER_TOKS.items():
        out[tid] = (count_full(tok, ko, special), count_full(tok, en, special) if en else None)
    return out


def count_chunks(
    tokenizers: Sequence[Tokenizer],
    chunks: Iterator[tuple[list[str], list[str] | None]],
    *,
    add_special_tokens: bool,
    workers: int = 1,
    trust_remote_code: bool = False,
) -> Iterator[dict[str, tuple[TextCounts, TextCounts | None]]]:
    """Counts per chunk, in input order. ``workers > 1`` uses a local process pool whose
    workers load each tokenizer once."""
    if workers <= 1:
        for ko, en in chunks:
            yield {
                t.id: (count_full(t, ko, add_special_tokens),
                       count_full(t, en, add_special_tokens) if en else None)
                for t in tokenizers
            }
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker,
        initargs=([t.resolution for t in tokenizers], trust_remote_code),
    ) as pool:
        # A bounded window of chunks in flight: memory stays flat however large the input.
        from collections import deque

        window: deque = deque()
        for ko, en in chunks:
            window.append(pool.submit(_work, (ko, en, add_special_tokens)))
            if len(window) >= 2 * workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
