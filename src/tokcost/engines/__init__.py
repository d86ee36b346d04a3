"""Scale out: the same counting on an existing distributed engine.

``tokcost.engines.local.count_chunks(..., engine="dask", cluster=ADDRESS)`` hands its chunk iterator to
the engine named here. Every engine runs the same ``tokcost.engines.local.count_chunk`` on its workers,
with tokenizers opened once per worker process from the client's resolution (path + sha256,
verified on the worker, never downloaded there), and yields results in input order with a bounded
number of chunks in flight — so results are identical to the local engine. See docs/scale.md.

Only the registry lives here (cheap to import); an engine's module imports its library lazily and
says which extra installs it when it is missing.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from tokcost.errors import TokcostError
from tokcost.tokenizers.resolver import Resolution

if TYPE_CHECKING:
    from tokcost.engines.local import ChunkResult

__all__ = ["ENGINES", "Engine", "engine_names", "get_engine", "library_versions"]

# name -> (module, extra that installs the engine)
ENGINES: dict[str, tuple[str, str]] = {
    "dask": ("tokcost.engines.dask_engine", "dask"),
}

# Libraries whose version decides a count: a worker with other versions refuses to count.
COUNTING_LIBRARIES = ("tokcost", "tiktoken", "tokenizers", "sentencepiece")


class Engine(Protocol):
    name: str

    def require(self) -> None:
        """Raise a one-line TokcostError naming the extra when the engine is not installed."""

    def count_chunks(
        self,
        resolutions: Sequence[Resolution],
        chunks: Iterator[tuple[list[str], list[str] | None]],
        *,
        add_special_tokens: bool,
        workers: int,
        cluster: str | None,
        trust_remote_code: bool,
    ) -> Iterator[ChunkResult]:
        """``tokcost.engines.local.count_chunk`` of each chunk on the engine's workers, in input order."""
        ...

    def count_shards(
        self,
        resolutions: Sequence[Resolution],
        shards: Sequence[tuple[Any, str]],
        *,
        settings: Any,
        workers: int,
        cluster: str | None,
        trust_remote_code: bool,
        count: Any,
    ) -> Iterator[Any]:
        """``count(shard, tokenizers, settings)`` (the caller's, e.g.
        ``tokcost.measurement.count_shard``) of each (one-file corpus, its sha256) on workers that
        read the file themselves, in file order."""
        ...


def engine_names() -> list[str]:
    return ["local", *ENGINES]


def get_engine(name: str) -> Engine:
    """The engine called ``name``, checked to be installed."""
    if name not in ENGINES:
        raise TokcostError(f"unknown engine {name!r}", hint=f"choose one of: {', '.join(engine_names())}")
    module, _extra = ENGINES[name]
    engine: Engine = importlib.import_module(module).ENGINE
    engine.require()
    return engine


def check_engine(name: str) -> None:
    """Fail early (before reading any input) when ``name`` is unknown or not installed."""
    if name != "local":
        get_engine(name)


def library_versions(resolutions: Sequence[Resolution] = (),
                     names: Sequence[str] | None = None) -> dict[str, str | None]:
    """Installed versions of the libraries that decide a count (compared client vs worker):
    the core ones, and ``transformers`` when a resolution counts with it."""
    from importlib import metadata

    if names is None:
        names = [*COUNTING_LIBRARIES,
                 *(["transformers"] if any(r.backend == "transformers" for r in resolutions) else [])]
    out: dict[str, str | None] = {}
    for dist in names:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = None
    return out


def check_versions(client: dict[str, str | None], where: str) -> None:
    """Refuse to count on a worker whose counting libraries differ from the client's."""
    mine = library_versions(names=list(client))
    diff = [f"{k} {mine.get(k)} (client {v})" for k, v in client.items() if mine.get(k) != v]
    if diff:
        raise TokcostError(
            f"{where} has other versions than the client: {', '.join(diff)}",
            hint="install the same tokcost and tokenizer libraries on every worker, "
            "so that counts are identical",
        )
