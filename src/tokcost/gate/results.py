"""Reading tokcost result documents and turning them into comparable metrics.

Readable documents (see docs/json-schema.md): ``tokcost/measure/1``, ``tokcost/cost/1``,
``tokcost/budget/1`` and ``tokcost/report/1``. Every one becomes a set of :class:`Metric`:

* ``ratio`` — the Korean/English token ratio per (tokenizer, corpus, domain);
* ``cost`` — cost of one typical request per (model, currency);
* ``budget`` — monthly cost per (model, currency).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokcost.errors import TokcostError

READS = {"measure": 1, "cost": 1, "budget": 1, "report": 1}
REPORT_SCHEMA = "tokcost/report/1"
KINDS = ("ratio", "cost", "budget")


class ResultsError(TokcostError):
    """A result document is missing, not JSON, or not one tokcost can compare."""


@dataclass(frozen=True)
class Metric:
    kind: str  # ratio | cost | budget
    key: tuple[str, ...]  # (tokenizer, corpus, domain) or (model, currency)
    value: float | None  # None: present but not measurable (unpriced, not counted offline ...)
    status: str = "ok"  # the row's own status when value is None
    facts: dict[str, Any] = field(default_factory=dict, compare=False)  # hashes, price date ...

    @property
    def id(self) -> str:
        return f"{self.kind}:" + ":".join(self.key)

    @property
    def label(self) -> str:
        """The metric as check and diff name it, with the labels of how it was counted: a
        presumed mapping (money rows), a proxy tokenizer, an unverified tokenizer file."""
        match = self.facts.get("tokenizer_match")
        marks = []
        if match == "proxy" or (match == "presumed" and self.kind != "ratio"):
            marks.append(f"{match} tokenizer")
        if self.facts.get("identity") == "unverified":
            marks.append("unverified")
        said = ", ".join(marks)
        if self.kind == "ratio":
            tok, corpus, domain = self.key
            where = corpus if domain in ("all", "") else f"{corpus}/{domain}"
            return f"ko/en ratio · {tok}{f' ({said})' if said else ''} · {where}"
        model, cur = self.key
        if said:  # an inferred or stand-in tokenizer, an unverified file: said so
            model = f"{model} ({said})"
        return f"{'cost/request' if self.kind == 'cost' else 'monthly cost'} · {model} · {cur}"

    def fields(self) -> dict[str, Any]:
        if self.kind == "ratio":
            return dict(zip(("tokenizer", "corpus", "domain"), self.key, strict=True))
        return dict(zip(("model", "currency"), self.key, strict=True))


@dataclass
class Results:
    """One result document, normalised."""

    source: str
    schema: str
    metrics: dict[str, Metric]
    doc: dict[str, Any]

    @property
    def settings(self) -> dict[str, Any]:
        s = self.doc.get("settings")
        return s if isinstance(s, dict) else {}


def parse_schema(schema: Any, source: str) -> tuple[str, int]:
    if not isinstance(schema, str) or schema.count("/") != 2 or not schema.startswith("tokcost/"):
        raise ResultsError(f"not a tokcost result document (schema {schema!r})", path=source,
                           hint="use a file written by tokcost report, tokcost measure/cost/budget "
                           "--format json, or tokcost check --update-baseline")
    _, kind, ver = schema.split("/")
    if kind not in READS:
        raise ResultsError(f"schema {schema} holds no comparable results", path=source,
                           hint="compare tokcost/report, measure, cost or budget documents")
    if not ver.isdigit() or int(ver) != READS[kind]:
        raise ResultsError(
            f"schema {schema} is not supported: this tokcost reads tokcost/{kind}/{READS[kind]}",
            path=source, hint="regenerate the file with this tokcost version, or upgrade tokcost")
    return kind, int(ver)


def measure_metrics(rows: Sequence[Any]) -> list[Metric]:
    """Ratio metrics of validated measurement rows (:class:`tokcost.schema.results.RatioRowIn`)."""
    out = []
    for r in rows:
        if r.ratio is None and r.monolingual:
            continue  # monolingual corpora have no ratio to compare
        facts = {k: v for k, v in (("tokenizer_sha256", r.signature.get("tokenizer_sha256")),
                                   ("corpus_sha256", r.signature.get("corpus_sha256")),
                                   ("ko_tokens", r.ko_tokens), ("en_tokens", r.en_tokens),
                                   ("ratio_ci_low", r.ratio_ci_low),
                                   ("ratio_ci_high", r.ratio_ci_high),
                                   ("tokenizer_match", r.tokenizer_match),
                                   ("identity", r.identity)) if v is not None}
        out.append(Metric("ratio", (r.tokenizer, r.corpus, r.domain), r.ratio,
                          "ok" if r.ratio is not None else "no ratio", facts))
    return out


def money_metrics(rows: Sequence[Any], kind: str) -> list[Metric]:
    """Cost or budget metrics of validated money rows (``CostRowIn`` / ``BudgetRowIn``)."""
    out = []
    for r in rows:
        value = r.cost if kind == "cost" else r.monthly_cost
        facts = {k: getattr(r, k) for k in ("tokenizer", "price_date", "input_tokens",
                                            "output_tokens", "tokenizer_match", "identity")
                 if getattr(r, k) is not None}
        out.append(Metric(kind, (r.model, r.currency), value,
                          r.status if value is None else "ok", facts))
    return out


def normalize(doc: Any, source: str) -> Results:
    """Metrics of any readable document, keyed by :attr:`Metric.id` (first occurrence wins)."""
    if not isinstance(doc, dict):
        raise ResultsError("not a tokcost result document (expected a JSON object)", path=source)
    schema = doc.get("schema")
    kind, _ = parse_schema(schema, source)
    from pydantic import ValidationError

    from tokcost.schema.results import DOCUMENTS, explain_results

    try:
        typed: Any = DOCUMENTS[kind].model_validate(doc)
    except ValidationError as exc:
        what, hint = explain_results(exc)
        raise ResultsError(what, path=source, hint=hint) from None
    if kind == "report":
        metrics = (measure_metrics(typed.measure) + money_metrics(typed.cost, "cost")
                   + money_metrics(typed.budget, "budget"))
    elif kind == "measure":
        metrics = measure_metrics(typed.rows)
    else:
        metrics = money_metrics(typed.rows, kind)
    out: dict[str, Metric] = {}
    for m in metrics:
        out.setdefault(m.id, m)
    return Results(source, str(schema), out, doc)


def load_results(path: Path | str, *, what: str = "results file") -> Results:
    """Read and normalise one result file; every problem is a one-line :class:`ResultsError`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ResultsError(f"no such {what}", path=str(p)) from None
    except IsADirectoryError:
        raise ResultsError(f"{what} is a directory", path=str(p)) from None
    except UnicodeDecodeError:
        raise ResultsError(f"{what} is not UTF-8 text", path=str(p)) from None
    except OSError as exc:
        raise ResultsError(f"cannot read {what}: {exc.strerror}", path=str(p)) from None
    from tokcost.sanitize import strict_json

    try:
        doc = strict_json(text)
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{what} is not valid JSON (column {exc.colno}): {exc.msg}",
                           path=str(p), line=exc.lineno,
                           hint="regenerate it with tokcost check --update-baseline or "
                           "tokcost report") from None
    except ValueError as exc:
        raise ResultsError(f"{what} is not JSON tokcost accepts: {exc}", path=str(p),
                           hint="regenerate it with tokcost check --update-baseline or "
                           "tokcost report") from None
    return normalize(doc, str(p))
