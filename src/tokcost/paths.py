"""Where tokcost keeps things: package data, the user cache, mirror directories."""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

MIRROR_ENV = "TOKCOST_TOKENIZERS_DIR"
CACHE_ENV = "TOKCOST_CACHE_DIR"


def data_dir() -> Path:
    """The folder that holds the reviewable data, ``corpora/`` and ``pricing/``.

    In a checkout (an editable install or tests) that is the repository's top level, where
    people review and edit it; in an installed wheel the same folders ship as ``tokcost/_data``.
    """
    package = Path(str(resources.files("tokcost")))
    checkout = package.parent.parent
    if (checkout / "pyproject.toml").is_file() and (checkout / "corpora").is_dir():
        return checkout
    return package / "_data"


def cache_dir() -> Path:
    """tokcost's user cache: ``$TOKCOST_CACHE_DIR`` or the platform cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("tokcost", appauthor=False))


def tokenizer_cache_dir() -> Path:
    return cache_dir() / "tokenizers"


def mirror_dirs() -> list[Path]:
    """Directories named in ``$TOKCOST_TOKENIZERS_DIR`` (os.pathsep-separated), in order."""
    raw = os.environ.get(MIRROR_ENV, "")
    return [Path(p).expanduser() for p in raw.split(os.pathsep) if p.strip()]


def tiktoken_cache_dir() -> Path:
    """tiktoken's own download cache, resolved the way tiktoken resolves it."""
    import tempfile

    for var in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR"):
        if os.environ.get(var):
            return Path(os.environ[var])
    return Path(tempfile.gettempdir()) / "data-gym-cache"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers never see a partial file.

    Only a regular file (or a new name) is ever replaced: a directory, a device such as
    ``/dev/full``, a FIFO or a socket at ``path`` is a one-line error, never renamed over."""
    import stat
    import tempfile

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    if mode is not None and not stat.S_ISREG(mode):
        from tokcost.errors import TokcostError

        kind = "a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise TokcostError(f"{kind}; tokcost writes only regular files", path=str(path),
                           hint="name a file path, e.g. DIR/results.json")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path.parent)) from None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # a read-only directory: name the file asked for, not a temp name
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600; give the file the permissions a plain open() would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:  # name the file asked for, not the temporary one
        Path(tmp).unlink(missing_ok=True)
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_cache_bytes(path: Path, data: bytes) -> bool:
    """:func:`atomic_write_bytes` for a cache entry; False when it could not be written. A
    read-only cache, a full disk, a cache dir that is a file or an entry that is a directory (or
    a device) is never an error: the next run only pays for deriving it again."""
    from tokcost.errors import TokcostError

    try:
        atomic_write_bytes(path, data)
    except (OSError, ValueError, TokcostError):
        return False
    return True


def derived_path(kind: str, name: str) -> Path:
    """Where a file derived from a tokenizer file (a lookup table, a decoded rank list) is kept:
    under the cache directory, ``name`` made a single path component."""
    return cache_dir() / kind / name.replace("/", "_")


def read_checked(path: Path) -> bytes | None:
    """What ``write_checked`` stored at ``path``, or None when it is missing, unreadable or does
    not match its own sha256 (a torn or tampered file only costs the time to derive it again)."""
    import hashlib

    try:
        data = path.read_bytes()
    except (OSError, ValueError):
        return None
    digest, raw = data[:32], data[32:]
    return raw if len(digest) == 32 and hashlib.sha256(raw).digest() == digest else None


def write_checked(path: Path, raw: bytes) -> None:
    """Store ``raw`` with its sha256 in front, atomically; a read-only cache is not an error."""
    import hashlib

    write_cache_bytes(path, hashlib.sha256(raw).digest() + raw)


# ------------------------------------------------------------------ names that become paths
# Repo ids, file names and encoding names can come from someone else's tokcost.toml. They are
# checked against these rules (the hub's own: letters, digits, '.', '_', '-', no '..' or '--',
# at most 96 characters per part) BEFORE any path is built from them, so none can climb out of
# the directory it is meant for.
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}")
_FILE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")


def _bad_part(part: str) -> bool:
    return (not _PART.fullmatch(part) or ".." in part or "--" in part or part.endswith(".")
            or part.endswith(".git"))


def check_repo_id(repo: str) -> str:
    """``repo`` when it is a valid hub repo id ``ORG/NAME``; otherwise a one-line error."""
    from tokcost.errors import TokcostError

    parts = repo.split("/")
    if len(parts) != 2 or any(_bad_part(p) for p in parts):
        raise TokcostError(f"{repo!r} is not a valid hub repo id",
                           hint="write ORG/NAME: letters, digits, '.', '_' and '-', no '..' or "
                           "'--', at most 96 characters each")
    return repo


def check_file_name(name: str, what: str = "file name") -> str:
    """``name`` when it is one plain path component (no separator, no '..'); else an error."""
    from tokcost.errors import TokcostError

    if not _FILE.fullmatch(name) or ".." in name:
        raise TokcostError(f"{name!r} is not a valid {what}",
                           hint="letters, digits, '.', '_' and '-' only, no '/' or '..'")
    return name
