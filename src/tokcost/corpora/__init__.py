"""Corpora: shipped samples, pair files, aligned files, FLORES directories, monolingual text.

``open_corpus(spec)`` accepts:

- a shipped corpus name: ``samples`` (all domains) or ``samples/DOMAIN``;
- a ``.jsonl`` / ``.csv`` / ``.tsv`` pair file;
- two aligned plain-text files ``KO_FILE,EN_FILE``;
- a FLORES-200 / FLORES+ directory (``flores:DIR`` or just ``DIR``; split in ``ReadOptions``);
- ``mono:FILE`` or any other single text file: monolingual Korean, one unit per line;
- a glob of many files as one corpus (``logs/**/*.txt``, ``mono:logs/*.log``, ``pairs/*.jsonl``):
  read in sorted path order, so the corpus sha256 is the same wherever the files are listed from;
  all files must be of one kind (by extension);
- ``-``: standard input (JSON Lines if it starts with ``{``, else monolingual lines).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import stat
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from tokcost.corpora.aligned import AlignedCorpus
from tokcost.corpora.base import Corpus, Pair, ReadOptions, ReadStats, open_binary
from tokcost.corpora.delimited import DelimitedCorpus
from tokcost.corpora.flores import FloresCorpus, is_flores_dir
from tokcost.corpora.jsonl import JsonlCorpus
from tokcost.corpora.mono import MonolingualCorpus
from tokcost.errors import CorpusError
from tokcost.paths import data_dir

__all__ = [
    "Corpus", "Pair", "ReadOptions", "ReadStats", "open_corpus", "shipped_corpora",
    "shipped_domains",
]

SHIPPED = "samples"


def _samples_dir() -> Path:
    return data_dir() / "corpora" / "samples"


def shipped_domains() -> list[str]:
    return sorted(p.stem for p in _samples_dir().glob("*.jsonl"))


def shipped_corpora() -> dict[str, Path]:
    return {SHIPPED: _samples_dir(), "requests": data_dir() / "corpora" / "requests"}


def requests_file() -> Path:
    return data_dir() / "corpora" / "requests" / "requests.jsonl"


def _shipped(domain: str | None, options: ReadOptions) -> Corpus:
    files = sorted(_samples_dir().glob("*.jsonl"))
    if domain is not None:
        if domain not in shipped_domains():
            raise CorpusError(f"no shipped domain {domain!r}",
                              hint=f"known: {', '.join(shipped_domains())}")
        options = replace(options, domain=domain)
    return JsonlCorpus(SHIPPED, files, options)


def _spool(source: BinaryIO) -> Path:
    """A stream (stdin, a FIFO) copied once into a temporary file, so it can be hashed and read
    (twice when ids repeat); the file is deleted when the process ends."""
    fd, name = tempfile.mkstemp(prefix="tokcost-stdin-", suffix=".txt")
    path = Path(name)
    atexit.register(_unlink, path)
    with os.fdopen(fd, "wb") as tmp:
        shutil.copyfileobj(source, tmp)
    return path


def _unlink(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _stdin_to_file() -> Path:
    from tokcost.errors import PATH_ALIASES

    path = _spool(sys.stdin.buffer)
    PATH_ALIASES[str(path)] = "<stdin>"
    return path


def readable_file(spec: str, path: Path, spooled: dict[Path, str]) -> Path:
    """``path`` checked as a corpus file: a regular file that can be opened, or a FIFO (e.g.
    ``<(zcat x.gz)``), which is read once into a temporary file (recorded in ``spooled``, the
    path returned is that file's). Anything else is one clear line."""
    try:
        st = path.stat()
    except FileNotFoundError:
        _must_exist(path)
        raise
    except OSError as exc:
        raise CorpusError(f"cannot read file ({exc.strerror or exc})", path=str(path)) from None
    mode = st.st_mode
    if stat.S_ISDIR(mode):
        raise CorpusError("is a directory, expected a file", path=str(path),
                          hint="give a file (a directory is a corpus only as a FLORES root)")
    if stat.S_ISFIFO(mode):
        with open_binary(path) as fh:
            tmp = _spool(fh)
        spooled[tmp] = path.name
        from tokcost.errors import PATH_ALIASES

        PATH_ALIASES[str(tmp)] = str(path)
        return tmp
    if not stat.S_ISREG(mode):
        kind = ("a character device" if stat.S_ISCHR(mode) else "a block device"
                if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file")
        raise CorpusError(f"{kind}, not a regular file (it may never end)", path=str(path),
                          hint="copy what you want to measure into a file, or pipe it to -c -")
    with open_binary(path):  # unreadable (permissions): one line now, not a traceback later
        pass
    return path


def _by_extension(path: Path, options: ReadOptions, name: str | None = None) -> Corpus:
    name = name or path.stem
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        return JsonlCorpus(name, [path], options)
    if suffix == ".csv":
        return DelimitedCorpus(name, [path], options, delimiter=",")
    if suffix == ".tsv":
        return DelimitedCorpus(name, [path], options, delimiter="\t")
    return MonolingualCorpus(name, [path], options)


_KINDS = {".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv"}


def is_glob(spec: str) -> bool:
    """A pattern (``*``, ``?``, ``[``) that is not itself an existing path."""
    return any(c in spec for c in "*?[") and not Path(spec).expanduser().exists()


def glob_files(pattern: str) -> list[Path]:
    """The files a glob matches (``**`` recurses), sorted component by component: a fixed order,
    so the corpus fingerprint does not depend on the file system's listing order."""
    import glob

    found = (Path(p) for p in glob.glob(str(Path(pattern).expanduser()), recursive=True))
    files = sorted({p for p in found if p.is_file()}, key=lambda p: p.parts)
    if not files:
        raise CorpusError("no file matches this pattern", path=pattern,
                          hint="check the pattern, and quote it so the shell does not expand it")
    return files


def _globbed(pattern: str, options: ReadOptions, mono: bool = False) -> Corpus:
    files = glob_files(pattern)
    if mono:
        return MonolingualCorpus(pattern, files, options)
    kinds = {_KINDS.get(f.suffix.lower(), "mono") for f in files}
    if len(kinds) > 1:
        raise CorpusError(f"the pattern matches files of several kinds ({', '.join(sorted(kinds))})",
                          path=pattern, hint="narrow the pattern to one extension")
    kind = kinds.pop()
    if kind == "jsonl":
        return JsonlCorpus(pattern, files, options)
    if kind in ("csv", "tsv"):
        return DelimitedCorpus(pattern, files, options, delimiter="," if kind == "csv" else "\t")
    return MonolingualCorpus(pattern, files, options)


def open_corpus(spec: str, options: ReadOptions | None = None) -> Corpus:
    options = options or ReadOptions()
    spooled: dict[Path, str] = {}
    corpus = _open(spec, options, spooled)
    corpus.spooled.update(spooled)
    return corpus


def _open(spec: str, options: ReadOptions, spooled: dict[Path, str]) -> Corpus:
    if spec == SHIPPED or spec.startswith((f"{SHIPPED}/", f"{SHIPPED}:")):
        domain = spec[len(SHIPPED) + 1:] or None
        if domain and options.domain and domain != options.domain:
            raise CorpusError(f"the corpus {spec!r} is domain {domain!r}, but --domain is "
                              f"{options.domain!r}", hint="give the domain once")
        return _shipped(domain or options.domain, options)
    if spec == "-":
        path = _stdin_to_file()
        spooled[path] = "-"
        with path.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith(b"{"):
            return JsonlCorpus("stdin", [path], options)
        return MonolingualCorpus("stdin", [path], options)
    if spec.startswith("mono:"):
        if is_glob(spec[5:]):
            return _globbed(spec[5:], options, mono=True)
        path = Path(spec[5:]).expanduser()
        if not spec[5:].strip():
            raise CorpusError("mono: needs a file", path=spec, hint="write mono:FILE")
        real = readable_file(spec, path, spooled)
        return MonolingualCorpus(path.stem, [real], options)
    if spec.startswith("flores:"):
        root = Path(spec[7:]).expanduser()
        _must_exist(root)
        if not root.is_dir():
            raise CorpusError("not a directory", path=str(root),
                              hint="flores: takes the FLORES root that holds dev/ and devtest/")
        return FloresCorpus(root, options)
    if not spec.strip():
        raise CorpusError("empty corpus spec", hint="give a file, KO_FILE,EN_FILE, a FLORES "
                          "directory, mono:FILE, - or a shipped name (samples)")
    if is_glob(spec):
        return _globbed(spec, options)
    if spec.startswith("aligned:") or ("," in spec and not Path(spec).exists()):
        body = spec.removeprefix("aligned:")
        parts = body.split(",")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise CorpusError(f"bad aligned spec {spec!r}", hint="write KO_FILE,EN_FILE")
        ko, en = (Path(p).expanduser() for p in parts)
        real_ko = readable_file(spec, ko, spooled)
        real_en = readable_file(spec, en, spooled)
        return AlignedCorpus(ko.stem, real_ko, real_en, options)
    path = Path(spec).expanduser()
    _must_exist(path)
    if path.is_dir():
        if is_flores_dir(path):
            return FloresCorpus(path, options)
        raise CorpusError("a directory, but not a FLORES one", path=str(path),
                          hint="give a file, or a FLORES root with dev/ and devtest/")
    real = readable_file(spec, path, spooled)
    if real != path:  # a FIFO: its kind from its own name's extension
        corpus = _by_extension(path, options)
        corpus.files = [real]
        return corpus
    return _by_extension(path, options)


def _must_exist(path: Path) -> None:
    if not path.exists():
        try:
            path.stat()
        except FileNotFoundError:
            pass
        except OSError as exc:  # there, but not reachable: a symlink loop, a path too long
            raise CorpusError(f"cannot read file ({exc.strerror or exc})",
                              path=str(path)) from None
        hint = f"shipped corpora: {SHIPPED}, {SHIPPED}/DOMAIN" if "/" not in str(path) else None
        raise CorpusError("no such file or corpus", path=str(path), hint=hint)
