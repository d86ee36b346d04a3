"""A fresh measurement for ``tokcost check``: the same ``tokcost/report/1`` document that
``tokcost report`` writes as results.json (via :func:`tokcost.report.collect_results`), so a
baseline may come from either command."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tokcost.costing import DEFAULT_OUTPUT_TOKENS


@dataclass
class FreshSettings:
    corpora: list[str] = field(default_factory=lambda: ["samples"])  # as recorded in the document
    tokenizers: list[str] | None = None  # None: every tokenizer available offline
    models: list[str] | None = None  # None: every model in the price tables; []: none
    requests: str | None = None  # request file for the typical-request cost; None: shipped
    output_tokens: int = DEFAULT_OUTPUT_TOKENS
    budget: dict[str, Any] = field(default_factory=dict)  # requests_per_day, days, input/output_chars
    vat: bool = False
    as_of: Any = None  # a datetime.date for prices and FX (None = today); not recorded


def collect_fresh(settings: FreshSettings, *, corpus_specs: list[str] | None = None,
                  requests_path: str | None = None, download: bool = False) -> dict[str, Any]:
    """Measure and cost now. ``corpus_specs``/``requests_path`` are what to open (paths resolved);
    ``settings`` is what the document records, so it stays valid on another machine."""
    from tokcost.report.collect import ReportOptions, collect_results

    if download and settings.tokenizers:
        from tokcost.tokenizers import load_tokenizer

        for spec in settings.tokenizers:  # fetch into the cache once; collecting finds them there
            load_tokenizer(spec, download=True)
    budget = {k: settings.budget[k] for k in ("requests_per_day", "days", "input_chars",
                                              "output_chars") if k in settings.budget}
    opts = ReportOptions(corpora=corpus_specs or settings.corpora, tokenizers=settings.tokenizers,
                         models=settings.models or None, requests=requests_path or settings.requests,
                         output_tokens=settings.output_tokens, vat=settings.vat,
                         diagnostics=False, **budget,
                         **({"as_of": settings.as_of} if settings.as_of is not None else {}))
    doc = collect_results(opts)
    if settings.models == []:  # a baseline without costs: compare none
        doc["cost"], doc["budget"] = [], []
        doc["settings"]["models"] = []
    doc["settings"] = {**doc.get("settings", {}), "corpora": list(settings.corpora),
                       "requests": settings.requests or "requests"}
    return doc
