"""tokcost — what Korean text really costs on today's language models.

The library API (the CLI is a thin layer over it; see :mod:`tokcost.api`)::

    import tokcost
    tokcost.count("안녕하세요", ["o200k_base"])
    tokcost.measure(["samples"], ["o200k_base", "ax-4.0"])            # rows, or dataframe=True
    tokcost.cost(["gpt-5-mini"], text="환불 규정을 알려주세요", en_text="Tell me the refund policy")
    tokcost.budget(10_000, models=["gpt-5-mini", "deepseek-v4-flash"], currency="KRW")
    tokcost.report("tokcost-report")
    tokcost.check(baseline="tokcost-baseline.json").passed
    tokcost.load_tokenizer("exaone-4.0").count(["문장"])
    tokcost.open_corpus("samples/law")

Imports are lazy so that ``import tokcost`` and ``tokcost --help`` stay instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tokcost._version import __version__

if TYPE_CHECKING:  # what editors and type checkers see; at run time each name loads on use
    from tokcost.api import (
        budget,
        check,
        cost,
        count,
        load_tokenizer,
        measure,
        open_corpus,
        report,
    )
    from tokcost.measurement import run_measure

__all__ = ["__version__", "budget", "check", "cost", "count", "load_tokenizer", "measure",
           "open_corpus", "report", "run_measure"]

_API = {"budget", "check", "cost", "count", "load_tokenizer", "measure", "open_corpus", "report"}


def __getattr__(name: str) -> Any:
    if name in _API:
        from tokcost import api

        return getattr(api, name)
    if name == "run_measure":
        from tokcost.measurement import run_measure

        return run_measure
    raise AttributeError(f"module 'tokcost' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
