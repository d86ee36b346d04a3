"""Reading the text a diagnostic runs on: shipped corpus names, corpus files and plain text files.

``read_corpus(spec)`` accepts everything ``tokcost measure --corpus`` accepts (``samples``,
``samples/DOMAIN``, a ``.jsonl``/``.csv``/``.tsv`` pair file, ``KO_FILE,EN_FILE``, a FLORES
directory, ``mono:FILE`` or any other text file, one unit per non-empty line) plus the shipped chat
requests, ``requests``, whose units are the messages of every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tokcost.corpora.base import read_text_file
from tokcost.errors import CorpusError

if TYPE_CHECKING:
    from tokcost.corpora import ReadOptions

__all__ = ["CorpusText", "nonempty_lines", "read_corpus", "read_corpus_text", "read_text_file"]

REQUESTS = "requests"


@dataclass(frozen=True)
class CorpusText:
    """The units of a corpus, each to be tokenized on its own. ``en`` is None when monolingual,
    else aligned with ``ko`` one to one."""

    label: str
    ko: tuple[str, ...]
    en: tuple[str, ...] | None
    domain: str | None = None

    @property
    def monolingual(self) -> bool:
        return self.en is None

    def __len__(self) -> int:
        return len(self.ko)


def _requests(domain: str | None) -> CorpusText:
    from tokcost.corpora import requests_file
    from tokcost.corpora.requests import load_requests

    if domain is not None:
        raise CorpusError("the shipped requests have no domains",
                          hint="drop --domain, or use samples/DOMAIN")
    reqs = load_requests(requests_file())
    ko = tuple(m.content for r in reqs for m in r.ko)
    en = tuple(m.content for r in reqs for m in r.en or ())
    return CorpusText(REQUESTS, ko, en if len(en) == len(ko) else None)


def read_corpus(
    spec: str, *, domain: str | None = None, options: ReadOptions | None = None
) -> CorpusText:
    """The units of a corpus given by name or path; ``domain`` keeps the pairs of one domain.

    ``options`` is a :class:`tokcost.corpora.ReadOptions` (columns, split, errors,
    normalisation); its ``domain`` is replaced by ``domain`` when that is given."""
    from dataclasses import replace

    from tokcost.corpora import ReadOptions, open_corpus

    if spec == REQUESTS:
        return _requests(domain)
    opts = options or ReadOptions()
    if domain is not None:
        opts = replace(opts, domain=domain)
    corpus = open_corpus(spec, opts)
    ko: list[str] = []
    en: list[str] = []
    for pair in corpus.pairs():
        ko.append(pair.ko)
        if pair.en is not None:
            en.append(pair.en)
    if not ko:
        where = f" of domain {corpus.options.domain!r}" if corpus.options.domain else ""
        raise CorpusError(f"no Korean text{where} in it", path=spec,
                          hint="check the corpus name, the --domain or the file's columns")
    return CorpusText(spec, tuple(ko), None if corpus.monolingual else tuple(en),
                      corpus.options.domain)


def read_corpus_text(spec: str | Path, *, domain: str | None = None) -> tuple[str, str]:
    """``(label, text)`` for ``--corpus``: the Korean units of a corpus name or file, one per line."""
    c = read_corpus(str(spec), domain=domain)
    return c.label, "\n".join(c.ko)


def nonempty_lines(text: str) -> list[str]:
    """The lines of a file that hold something, each to be tokenized on its own."""
    return [ln for ln in text.splitlines() if ln.strip()]
