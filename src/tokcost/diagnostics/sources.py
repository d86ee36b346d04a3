"""Reading the text a diagnostic runs on: a UTF-8 file now, corpus names later."""

from __future__ import annotations

from pathlib import Path

from tokcost.errors import CorpusError


def read_text_file(path: str | Path) -> str:
    """A whole UTF-8 text file (a BOM is dropped); one-line errors with the byte's line."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise CorpusError("no such file", path=str(p), hint="check the path") from None
    except IsADirectoryError:
        raise CorpusError("is a directory, not a text file", path=str(p)) from None
    except OSError as exc:
        raise CorpusError(f"cannot read file ({exc.strerror})", path=str(p)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"invalid UTF-8 at byte {exc.start}", path=str(p), line=line,
            hint="convert the file to UTF-8 (e.g. iconv -f cp949 -t utf-8)",
        ) from None


def read_corpus_text(spec: str | Path) -> tuple[str, str]:
    """``(label, text)`` for ``--corpus``: for now a plain UTF-8 text file path.

    Corpus names (the bundled samples, FLORES, …) will be accepted once the corpus layer lands.
    """
    p = Path(spec).expanduser()
    if not p.exists():
        raise CorpusError(
            f"no such file {str(spec)!r}",
            hint="give a UTF-8 plain text file; corpus names are not supported here yet",
        )
    return str(spec), read_text_file(p)


def nonempty_lines(text: str) -> list[str]:
    """The lines of a file that hold something, each to be tokenized on its own."""
    return [ln for ln in text.splitlines() if ln.strip()]
