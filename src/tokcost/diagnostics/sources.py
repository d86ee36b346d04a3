"""Reading the text a diagnostic runs on: a UTF-8 file now, corpus names later."""

from __future__ import annotations

from pathlib import Path

from tokcost.corpora.base import read_text_file
from tokcost.errors import CorpusError

__all__ = ["nonempty_lines", "read_corpus_text", "read_text_file"]


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
