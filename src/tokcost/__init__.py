"""tokcost — what Korean text really costs on today's language models.

Library API (the CLI is a thin layer over these)::

    import tokcost
    tokcost.count("안녕하세요", ["o200k_base"])
    tokcost.measure(corpora=["samples"], tokenizers=["o200k_base", "ax-4.0"])
    tokcost.load_tokenizer("exaone-4.0").count(["문장"])

Imports are lazy so that ``tokcost --help`` stays instant.
"""

from __future__ import annotations

from typing import Any

from tokcost._version import __version__

__all__ = ["__version__", "count", "load_tokenizer", "measure", "open_corpus", "run_measure"]


def __getattr__(name: str) -> Any:
    if name == "count":
        from tokcost.counting import count

        return count
    if name == "load_tokenizer":
        from tokcost.tokenizers import load_tokenizer

        return load_tokenizer
    if name in ("measure", "run_measure"):
        from tokcost import measurement as m

        return getattr(m, name)
    if name == "open_corpus":
        from tokcost.corpora import open_corpus

        return open_corpus
    raise AttributeError(name)
