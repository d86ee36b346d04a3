"""The Dask (distributed) engine: ``--engine dask [--cluster tcp://HOST:8786]``.

Without ``--cluster`` it starts a ``LocalCluster`` of worker processes on this machine. Each task
is one chunk: the worker runs ``tokcost.engines.local.count_chunk`` with tokenizers opened once per
worker process (``tokcost.engines.local.worker_tokenizers``). A worker that dies mid-task is replaced by
its nanny and the task re-run elsewhere, up to ``distributed.scheduler.allowed-failures`` times;
past that the run stops with one clear line and nothing is written.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from tokcost.engines import check_versions, library_versions
from tokcost.engines.local import Chunk, ChunkResult, count_chunk, ordered_window, worker_tokenizers
from tokcost.errors import TokcostError, positive_env
from tokcost.tokenizers.resolver import Resolution

EXTRA_HINT = "pip install 'tokcost[dask]'"
CONNECT_TIMEOUT = "10s"
PROBE_TIMEOUT = 10.0
WORKERS_TIMEOUT = 60  # default of $TOKCOST_DASK_WORKERS_TIMEOUT
WORKERS_TIMEOUT_ENV = "TOKCOST_DASK_WORKERS_TIMEOUT"
RESULT_POLL = 2.0


def _scheduler_address(cluster: str) -> str:
    """The address in a scheduler file, read strictly (a garbage file is one line, not Dask's
    traceback), or ``cluster`` itself."""
    if not (cluster.endswith(".json") and Path(cluster).is_file()):
        return cluster
    from tokcost.sanitize import strict_json

    try:
        doc = strict_json(Path(cluster).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise TokcostError(f"not a dask scheduler file ({exc})", path=cluster,
                           hint="give the file `dask scheduler --scheduler-file` wrote") from None
    address = doc.get("address") if isinstance(doc, dict) else None
    if not isinstance(address, str) or "://" not in address:
        raise TokcostError("not a dask scheduler file (no \"address\": \"tcp://HOST:PORT\")",
                           path=cluster, hint="give the file `dask scheduler --scheduler-file` "
                           "wrote")
    return address


def probe_scheduler(address: str, timeout: float = PROBE_TIMEOUT) -> None:
    """Check, within ``timeout`` seconds in all, that a Dask scheduler answers at ``address``.

    A Dask comm greets first: on connect, the server sends a handshake frame whose first 8
    bytes are a small little-endian count. An HTTP server (or anything else) sends nothing, or
    text; Dask itself would read that text as a frame length and try to allocate exabytes."""
    import socket
    import time
    import urllib.parse

    parts = urllib.parse.urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme not in ("tcp", "tls"):
        return  # inproc://, ucx:// ...: leave them to Dask
    try:
        host, port = parts.hostname, parts.port or 8786
    except ValueError:
        host, port = None, None
    if not host:
        raise TokcostError(f"{address!r} is not a dask scheduler address",
                           hint="give tcp://HOST:PORT")
    end = time.monotonic() + timeout
    why = None
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            head = b""
            while len(head) < 8:
                left = end - time.monotonic()
                if left <= 0:
                    why = f"nothing answered within {timeout:g} s"
                    break
                sock.settimeout(left)
                try:
                    part = sock.recv(8 - len(head))
                except TimeoutError:
                    why = f"nothing answered within {timeout:g} s"
                    break
                if not part:
                    why = "the connection was closed without a Dask greeting"
                    break
                head += part
            if why is None and parts.scheme == "tcp" and int.from_bytes(head, "little") > 1 << 16:
                why = f"it answered {head!r}, which is not the Dask protocol"
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
    if why:
        raise TokcostError(f"no dask scheduler at {address}: {why}",
                           hint="give tcp://HOST:PORT of a running `dask scheduler` (or its "
                           "scheduler file), or drop --cluster to start workers on this machine")


def workers_timeout() -> float:
    """Seconds a cluster may be without workers (``$TOKCOST_DASK_WORKERS_TIMEOUT``, default 60)
    before the run ends with one line: waiting for the first one, or after the last one died."""
    return positive_env(WORKERS_TIMEOUT_ENV, WORKERS_TIMEOUT, "seconds")


def _quiet_dask_logs() -> None:
    """Dask's own loggers print tens of lines and tracebacks when a scheduler or worker dies;
    tokcost reports that in one line, so only Dask's critical messages are kept."""
    for name in ("distributed", "distributed.client", "distributed.comm", "distributed.core",
                 "distributed.batched", "tornado", "asyncio"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _where() -> str:
    try:
        from distributed import get_worker

        return f"dask worker {get_worker().address}"
    except (ImportError, ValueError):
        return "dask worker"


def _count_task(resolutions: Sequence[Resolution], trust_remote_code: bool,
                versions: dict[str, str | None], ko: list[str], en: list[str] | None,
                add_special_tokens: bool) -> ChunkResult:
    """Runs on a dask worker: the same counting as the local engine."""
    where = _where()
    check_versions(versions, where)
    toks = worker_tokenizers(resolutions, trust_remote_code, where)
    return count_chunk(toks, ko, en, add_special_tokens)


def _shard_task(count: Any, resolutions: Sequence[Resolution], trust_remote_code: bool,
                versions: dict[str, str | None], shard: Any, sha256: str, settings: Any) -> Any:
    """Runs on a dask worker that reads one file of the corpus itself: the file must be there
    with the sha256 the client hashed (the result's signature names it), then it is counted as
    the local engine counts a corpus (``count``, the caller's shard counter: the engine never
    imports the stage above it)."""
    from tokcost.hashing import sha256_file

    where = _where()
    check_versions(versions, where)
    path = shard.files[0]
    if not path.is_file():
        raise TokcostError(
            f"{path} is not reachable on {where}",
            hint="put the corpus where every worker sees it at the same path, or add "
            "--client-reads to read it here and send the workers chunks",
        )
    digest = sha256_file(path)
    if digest != sha256:
        raise TokcostError(
            f"{path} on {where} has sha256 {digest[:12]}…, the client hashed {sha256[:12]}…",
            hint="the workers must see the same file as this machine (or add --client-reads)",
        )
    toks = worker_tokenizers(resolutions, trust_remote_code, where)
    return count(shard, toks, settings)


class DaskEngine:
    name = "dask"

    def require(self) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError:
            raise TokcostError("the dask engine needs dask.distributed, which is not installed",
                               hint=EXTRA_HINT) from None

    def _connect(self, cluster: str | None, workers: int) -> tuple[Any, Any]:
        from distributed import Client, LocalCluster

        if cluster is None:
            n = workers if workers > 1 else (os.cpu_count() or 1)
            try:
                local = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                     host="127.0.0.1", dashboard_address=None,
                                     silence_logs=logging.ERROR)
            except (OSError, RuntimeError, TimeoutError) as exc:
                raise TokcostError(
                    f"could not start {n} local dask workers ({type(exc).__name__}: {exc})",
                    hint="in a Python program, call tokcost under `if __name__ == \"__main__\":`; "
                    "or start a cluster (`dask scheduler`, `dask worker`) and pass --cluster",
                ) from None
            return Client(local), local
        address = _scheduler_address(cluster)
        workers_timeout()  # a bad setting is one line before anything connects
        probe_scheduler(address)
        try:
            client = Client(address, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError, MemoryError, OverflowError) as exc:
            raise TokcostError(
                f"cannot reach the dask scheduler at {cluster} ({type(exc).__name__}: {exc})",
                hint="give tcp://HOST:PORT of a running `dask scheduler` (or its scheduler file), "
                "or drop --cluster to start workers on this machine",
            ) from None
        try:
            client.wait_for_workers(1, timeout=workers_timeout())
        except TimeoutError:
            client.close()
            raise TokcostError(f"the dask cluster at {cluster} has no workers",
                               hint="start some with `dask worker ADDRESS`") from None
        return client, None

    def count_chunks(
        self,
        resolutions: Sequence[Resolution],
        chunks: Iterator[Chunk],
        *,
        add_special_tokens: bool,
        workers: int,
        cluster: str | None,
        trust_remote_code: bool,
    ) -> Iterator[ChunkResult]:
        versions = library_versions(resolutions)
        res = list(resolutions)
        offset = [0]

        def task(i: int, chunk: Chunk) -> tuple[tuple[Any, ...], str]:
            ko, en = chunk
            start = offset[0]
            offset[0] += len(ko)
            return ((_count_task, res, trust_remote_code, versions, ko, en, add_special_tokens),
                    f"chunk {i + 1} (pairs {start + 1}–{start + len(ko)})")

        yield from self._ordered(task, chunks, workers, cluster)

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
        """``count(shard, tokenizers, settings)`` of each (corpus restricted to one file, that
        file's sha256) on the workers, which read the file themselves; in file order."""
        versions = library_versions(resolutions)
        res = list(resolutions)

        def task(_i: int, item: tuple[Any, str]) -> tuple[tuple[Any, ...], str]:
            shard, sha256 = item
            return ((_shard_task, count, res, trust_remote_code, versions, shard, sha256, settings),
                    f"file {shard.files[0]}")

        yield from self._ordered(task, iter(shards), workers, cluster)

    def _ordered(self, task: Any, items: Iterator[Any], workers: int, cluster: str | None
                 ) -> Iterator[Any]:
        """Submit ``task(i, item)`` (a function and its arguments, and what it works on, for
        messages) for each item, at most two per worker thread in flight; results in order."""
        self.require()
        from distributed import KilledWorker

        _quiet_dask_logs()
        patience = workers_timeout()
        client, local = self._connect(cluster, workers)
        run = uuid.uuid4().hex[:12]
        threads = sum(client.nthreads().values()) or 1
        pending: list[Any] = []

        def submit(i: int, item: Any) -> tuple[str, Any]:
            (fn, *args), what = task(i, item)
            fut = client.submit(fn, *args, key=f"tokcost-count-{run}-{i}", pure=False,
                                priority=-i)
            pending.append(fut)
            return what, fut

        def wait(fut: Any, where: str) -> Any:
            """``fut.result()``, but a cluster left without workers (the only one died) or
            without its scheduler ends the run with one line instead of waiting forever."""
            import time

            idle_since: float | None = None
            while True:
                try:
                    return fut.result(timeout=RESULT_POLL)
                except TimeoutError:
                    pass
                try:
                    alive = bool(client.nthreads())
                except Exception as exc:  # the scheduler is gone
                    raise TokcostError(f"lost the dask scheduler while counting {where} "
                                       f"({type(exc).__name__}); nothing was written",
                                       hint="check that the scheduler is up") from None
                if alive:
                    idle_since = None
                    continue
                idle_since = idle_since or time.monotonic()
                if time.monotonic() - idle_since > patience:
                    raise TokcostError(f"the dask cluster has had no workers for "
                                       f"{patience:g} s while counting {where}; nothing "
                                       "was written", hint="start workers with `dask worker "
                                       "ADDRESS`, or drop --cluster")

        def result(item: tuple[str, Any]) -> Any:
            where, fut = item
            try:
                out = wait(fut, where)
            except TokcostError:
                raise
            except KilledWorker as exc:
                raise TokcostError(
                    f"dask workers died while counting {where}, more often than the cluster "
                    f"retries ({exc}); nothing was written",
                    hint="check the workers' memory and logs, or raise "
                    "distributed.scheduler.allowed-failures",
                ) from None
            except Exception as exc:
                raise TokcostError(
                    f"the dask engine failed while counting {where}: {type(exc).__name__}: {exc}; "
                    "nothing was written",
                    hint="check that the scheduler and workers are up (see their logs)",
                ) from None
            pending.remove(fut)
            fut.release()
            return out

        try:
            yield from ordered_window(submit, items, max(2, 2 * threads), result)
        finally:
            for fut in pending:
                fut.cancel()
            client.close()
            if local is not None:
                local.close()


ENGINE = DaskEngine()
