"""Calls into a native tokenizer library that must fail as one line, never as a Rust panic.

A hostile ``tokenizer.json`` can hold a pre-tokenizer regex that backtracks without end; the
``tokenizers`` library's regex engine (Oniguruma) then stops at its retry limit and the Rust code
*panics*: pyo3 raises ``PanicException`` (a ``BaseException``, so ``except Exception`` misses it)
after Rust's panic hook has written its report straight to file descriptor 2. :func:`guarded`
turns that into one :class:`~tokcost.errors.TokcostError` line (exit 2) and keeps the native
report off the terminal: while a guarded call runs, fd 2 goes to a private temporary file, which
is written back to the real stderr afterwards unless the call panicked.

The redirection is reference-counted, so calls from several threads share it; it costs a few
system calls per batch, not per text.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from typing import IO

from tokcost.errors import TokcostError

_lock = threading.Lock()
_depth = 0
_saved: int | None = None
_capture: IO[bytes] | None = None
_panicked = False


def _enter() -> None:
    global _depth, _saved, _capture, _panicked
    with _lock:
        if _depth == 0:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            try:
                if _capture is None:
                    _capture = tempfile.TemporaryFile()  # noqa: SIM115 (kept for the process)
                _capture.seek(0)
                _capture.truncate()
                _saved = os.dup(2)
                os.dup2(_capture.fileno(), 2)
            except OSError:  # no fd 2 to borrow: run unguarded
                _saved = None
            _panicked = False
        _depth += 1


def _leave(panicked: bool) -> None:
    global _depth, _saved, _panicked
    with _lock:
        _panicked = _panicked or panicked
        _depth -= 1
        if _depth or _saved is None:
            return
        saved, _saved = _saved, None
        os.dup2(saved, 2)
        os.close(saved)
        if not _panicked and _capture is not None:
            _capture.seek(0)
            data = _capture.read()
            if data:
                with contextlib.suppress(OSError):
                    os.write(2, data)


def is_panic(exc: BaseException) -> bool:
    """pyo3's ``PanicException`` (not importable by name)."""
    return type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def guarded(tokenizer_id: str, path: object) -> Iterator[None]:
    """Run a native tokenizer call; a Rust panic becomes one TokcostError line."""
    _enter()
    panicked = False
    try:
        yield
    except BaseException as exc:
        if not is_panic(exc):
            raise
        panicked = True
        reason = (str(exc).strip().splitlines() or ["a panic"])[0][:200]
        onig = "retry-limit" in reason
        raise TokcostError(
            f"tokenizer {tokenizer_id}: the tokenizers library failed on this text "
            f"({reason})" + ("; a regex in the file backtracks without end on it" if onig
                             else ""),
            hint=f"{path} is not a tokenizer file tokcost can count with; check it with "
            "`tokcost tokenizers verify`, or use the catalog's genuine file",
        ) from None
    finally:
        _leave(panicked)
