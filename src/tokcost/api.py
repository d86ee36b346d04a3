"""tokcost's library API: what the CLI does, as functions for notebooks and CI scripts.

Each function runs the stages in their one direction (corpus → counts → metrics → cost →
render) and returns plain rows (lists of dicts with the same fields as the command's
``--format json``), or typed objects where the CLI has them. Heavy imports happen inside.

>>> import tokcost
>>> tokcost.count("안녕하세요", ["o200k_base"])[0]["tokens"]            # doctest: +SKIP
2
>>> rows = tokcost.budget(10_000, models=["gpt-5-mini"], currency="KRW")  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

if TYPE_CHECKING:
    from tokcost.corpora import Corpus, ReadOptions
    from tokcost.costing import CostOptions, Workload
    from tokcost.gate.check import CheckOutcome, CheckRequest
    from tokcost.report.collect import ReportOptions
    from tokcost.schema.measure import MeasureRow
    from tokcost.tokenizers import Tokenizer

__all__ = ["budget", "check", "cost", "count", "load_tokenizer", "measure", "open_corpus", "report"]


def count(text: str, tokenizers: Sequence[str] | None = None, *,
          add_special_tokens: bool = False) -> list[dict[str, Any]]:
    """Token counts of ``text`` on each tokenizer (default: every one on this machine), with
    characters and bytes per token and the labels (``identity``, ``tokenizer_match``)."""
    from tokcost.counting import count as _count

    return _count(text, tokenizers, add_special_tokens=add_special_tokens)


@overload
def measure(corpora: Sequence[str | Corpus] | None = None,
            tokenizers: Sequence[str | Tokenizer] | None = None, *,
            dataframe: Literal[False] = False, **kwargs: Any) -> list[dict[str, Any]]: ...


@overload
def measure(corpora: Sequence[str | Corpus] | None = None,
            tokenizers: Sequence[str | Tokenizer] | None = None, *,
            dataframe: Literal[True], **kwargs: Any) -> Any: ...


def measure(corpora: Sequence[str | Corpus] | None = None,
            tokenizers: Sequence[str | Tokenizer] | None = None, *, dataframe: bool = False,
            **kwargs: Any) -> list[dict[str, Any]] | Any:
    """Korean/English ratios with bootstrap intervals, tokens per sentence, compression and
    byte fallback: the rows of ``tokcost measure -f json`` (a pandas DataFrame with
    ``dataframe=True``, which needs ``pip install "tokcost[pandas]"``). ``kwargs`` go to
    :func:`tokcost.measurement.run_measure` (``workers``, ``settings``, ``use_cache`` …)."""
    from tokcost.measurement import measure as _measure

    return _measure(corpora, tokenizers, dataframe=dataframe, **kwargs)


def _options(options: CostOptions | None, **given: Any) -> CostOptions:
    from dataclasses import replace

    from tokcost.costing import CostOptions

    opts = options or CostOptions()
    changes = {k: v for k, v in given.items() if v is not None}
    return replace(opts, **changes) if changes else opts


def cost(models: Sequence[str] | None = None, *, text: str | None = None,
         en_text: str | None = None, requests: str | Path | None = None,
         currency: str | None = None, as_of: date | None = None,
         options: CostOptions | None = None) -> list[dict[str, Any]]:
    """Per-request cost of Korean and the same content in English on each model's own
    tokenizer: ``text`` (with ``en_text``), or a chat-request file (default: the shipped
    multi-turn requests). Unpriced or uncountable models come back with a ``status``, never $0."""
    from tokcost.corpora import requests_file
    from tokcost.corpora.requests import load_requests
    from tokcost.costing import DEFAULT_OUTPUT_TOKENS, Workload, cost_rows

    opts = _options(options, currency=currency, as_of=as_of)
    if opts.output_tokens is None and opts.output_ratio is None:  # as `tokcost cost` does
        opts = _options(opts, output_tokens=DEFAULT_OUTPUT_TOKENS)
    if text is not None:
        wl = Workload("text", [text], [en_text] if en_text else None)
    else:
        path = Path(requests) if requests is not None else requests_file()
        wl = Workload.from_requests(str(path), load_requests(path))  # tiers per request
    return cost_rows(wl, models, opts, measured=answer_ratios(wl, models, opts))


def measured_rows(models: Sequence[str] | None, opts: CostOptions,
                  corpus: str = "samples") -> dict[str, MeasureRow]:
    """``corpus`` measured (cached) on the tokenizers ``models`` need: typed measure rows by
    tokenizer id, for :func:`tokcost.costing.budget_rows` and :func:`tokcost.costing.cost_rows`."""
    from tokcost.costing import budget_tokenizers
    from tokcost.measurement import run_measure

    toks = budget_tokenizers(models, opts)
    measured: dict[str, MeasureRow] = {}
    if toks:
        for r in run_measure([corpus], toks).records():
            measured.setdefault(r.tokenizer, r)
    return measured


def answer_ratios(workload: Workload, models: Sequence[str] | None,
                  opts: CostOptions) -> dict[str, MeasureRow] | None:
    """A workload without English (``--text`` without ``--en-text``) sizes the Korean answer by
    each tokenizer's Korean/English ratio measured on the shipped corpora; None otherwise."""
    if workload.en_texts is not None or opts.output_ratio is not None:
        return None
    return measured_rows(models, opts)


def budget(requests_per_day: float, *, models: Sequence[str] | None = None, days: int = 30,
           input_chars: int | None = None, output_chars: int | None = None,
           corpus: str = "samples", currency: str | None = None, as_of: date | None = None,
           options: CostOptions | None = None) -> list[dict[str, Any]]:
    """Monthly cost per model for Korean traffic, with the range from the measured ratio's
    interval and the same content in English: measures ``corpus`` on the tokenizers the models
    need (cached), then prices it (:func:`tokcost.costing.budget_rows`)."""
    from tokcost.costing import BudgetInput, budget_rows

    opts = _options(options, currency=currency, as_of=as_of)
    measured = measured_rows(models, opts, corpus)
    return budget_rows(BudgetInput(requests_per_day, days, input_chars, output_chars, corpus),
                       models, opts, measured=measured)


def report(out_dir: str | Path = "tokcost-report", options: ReportOptions | None = None, *,
           force: bool = False) -> dict[str, Path]:
    """Write the report folder (HTML, Markdown, JSON, CSV, xlsx); returns the files by name."""
    from tokcost.report import write_report

    return write_report(out_dir, options, force=force)


def check(request: CheckRequest | None = None, **fields: Any) -> CheckOutcome:
    """The CI gate: a fresh measurement against the committed baseline and prompt budgets.
    ``fields`` are those of :class:`tokcost.gate.check.CheckRequest` (``baseline``,
    ``max_ratio_increase`` …); ``outcome.passed`` is what ``tokcost check``'s exit code says."""
    from dataclasses import replace

    from tokcost.gate.check import CheckRequest, run_check

    req = replace(request or CheckRequest(), **fields)
    return run_check(req)


def load_tokenizer(spec: str, *, download: bool = False,
                   trust_remote_code: bool = False) -> Tokenizer:
    """A tokenizer by catalog id, ``ID=PATH`` or ``hf:ORG/REPO`` (see ``tokcost tokenizers``)."""
    from tokcost.tokenizers import load_tokenizer as _load

    return _load(spec, download=download, trust_remote_code=trust_remote_code)


def open_corpus(spec: str, options: ReadOptions | None = None) -> Corpus:
    """A corpus by shipped name (``samples``, ``samples/law``), file, ``KO,EN`` pair or folder."""
    from tokcost.corpora import open_corpus as _open

    return _open(spec, options)
