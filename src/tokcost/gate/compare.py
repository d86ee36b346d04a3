"""Comparing results with a baseline (``tokcost check``) or with each other (``tokcost diff``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tokcost.gate.results import Metric, Results

if TYPE_CHECKING:
    from tokcost.output import Output

CHECK_SCHEMA = "tokcost/check/1"
DIFF_SCHEMA = "tokcost/diff/1"
DEFAULT_MAX_RATIO_INCREASE = 5.0
DEFAULT_MAX_COST_INCREASE = 10.0
EPS = 1e-9
COLLAPSE_AFTER = 25  # longer tables fold their unchanged rows into <details>

# statuses of a compared metric; the first three fail the check
REGRESSION, OVER_MAX, MISSING, OK, LOWER, NEW = (
    "regression", "over max", "missing", "ok", "lower", "new")
FAILING = (REGRESSION, OVER_MAX, MISSING)


@dataclass
class Thresholds:
    """Allowed change. Percentages are increases over the baseline; ``max_ratio`` is a ceiling on
    every current ratio (new rows included). ``None`` turns a limit off."""

    max_ratio_increase: float | None = DEFAULT_MAX_RATIO_INCREASE
    max_cost_increase: float | None = DEFAULT_MAX_COST_INCREASE
    max_ratio: float | None = None

    def pct_for(self, kind: str) -> float | None:
        return self.max_ratio_increase if kind == "ratio" else self.max_cost_increase


@dataclass
class CheckRow:
    metric: Metric  # the current metric, or the baseline one when missing
    baseline: float | None
    current: float | None
    change_pct: float | None
    limit_pct: float | None
    max_value: float | None
    status: str
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status in FAILING

    def limit_text(self) -> str:
        return _limit_text(self.limit_pct, self.max_value)

    def as_dict(self) -> dict[str, Any]:
        """The row as written (validated as :class:`tokcost.schema.gate.CheckRecord`)."""
        from tokcost.schema.base import checked
        from tokcost.schema.gate import CheckRecord

        return checked(CheckRecord, [{
            "metric": self.metric.label, "id": self.metric.id, "kind": self.metric.kind,
            **self.metric.fields(), "baseline": self.baseline, "current": self.current,
            "change_pct": self.change_pct, "limit_pct": self.limit_pct,
            "max_value": self.max_value, "status": self.status, "passed": not self.failed,
            "notes": self.notes}])[0]


@dataclass
class Comparison:
    baseline: Results
    current: Results
    thresholds: Thresholds
    rows: list[CheckRow]

    @property
    def failures(self) -> list[CheckRow]:
        return [r for r in self.rows if r.failed]

    @property
    def passed(self) -> bool:
        return not self.failures

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in self.rows:
            out[r.status] = out.get(r.status, 0) + 1
        return out


def change_pct(old: float | None, new: float | None) -> float | None:
    if old is None or new is None or old == 0:
        return None
    return (new / old - 1.0) * 100.0


def _notes(base: Metric, cur: Metric) -> list[str]:
    notes = []
    for key, what in (("tokenizer_sha256", "tokenizer file"), ("corpus_sha256", "corpus")):
        a, b = base.facts.get(key), cur.facts.get(key)
        if a and b and a != b:
            notes.append(f"{what} changed ({str(a)[:12]} → {str(b)[:12]})")
    a, b = base.facts.get("price_date"), cur.facts.get("price_date")
    if a and b and a != b:
        notes.append(f"price row changed ({a} → {b})")
    return notes


def _over_max(m: Metric, th: Thresholds) -> float | None:
    return th.max_ratio if m.kind == "ratio" else None


def compare(baseline: Results, current: Results, thresholds: Thresholds | None = None
            ) -> Comparison:
    """Every metric of the baseline against the current results, then the new ones."""
    th = thresholds or Thresholds()
    rows: list[CheckRow] = []
    for mid, base in baseline.metrics.items():
        limit = th.pct_for(base.kind)
        ceiling = _over_max(base, th)
        cur = current.metrics.get(mid)
        if base.value is None:
            continue  # nothing was measured in the baseline: nothing to hold the line on
        if cur is None or cur.value is None:
            why = [] if cur is None else [f"now: {cur.status}"]
            rows.append(CheckRow(base, base.value, None, None, limit, ceiling, MISSING, why))
            continue
        pct = change_pct(base.value, cur.value)
        if ceiling is not None and cur.value > ceiling + EPS:
            status = OVER_MAX
        elif limit is not None and cur.value > base.value and (
                pct is None or pct > limit + EPS):
            status = REGRESSION
        elif cur.value < base.value - EPS * max(1.0, abs(base.value)):
            status = LOWER
        else:
            status = OK
        rows.append(CheckRow(cur, base.value, cur.value, pct, limit, ceiling, status,
                             _notes(base, cur)))
    for mid, cur in current.metrics.items():
        if mid in baseline.metrics and baseline.metrics[mid].value is not None:
            continue
        if cur.value is None:
            continue
        ceiling = _over_max(cur, th)
        status = OVER_MAX if ceiling is not None and cur.value > ceiling + EPS else NEW
        rows.append(CheckRow(cur, None, cur.value, None, th.pct_for(cur.kind), ceiling, status))
    order = {"ratio": 0, "cost": 1, "budget": 2}
    rows.sort(key=lambda r: (not r.failed, order.get(r.metric.kind, 9), r.metric.id))
    return Comparison(baseline, current, th, rows)


# ------------------------------------------------------------------------------ diff
def diff_rows(old: Results, new: Results) -> list[dict[str, Any]]:
    """Per metric: old, new, change and change %, status ``same``/``up``/``down``/``new``/
    ``removed`` (``n/a`` when either side has no value)."""
    out = []
    ids = list(old.metrics) + [m for m in new.metrics if m not in old.metrics]
    for mid in ids:
        a, b = old.metrics.get(mid), new.metrics.get(mid)
        m = b or a
        assert m is not None
        va = a.value if a else None
        vb = b.value if b else None
        if a is None:
            status = "new"
        elif b is None:
            status = "removed"
        elif va is None or vb is None:
            status = "n/a"
        elif abs(vb - va) <= EPS * max(1.0, abs(va)):
            status = "same"
        else:
            status = "up" if vb > va else "down"
        out.append({"metric": m.label, "id": mid, "kind": m.kind, **m.fields(), "old": va,
                    "new": vb, "change": (vb - va) if va is not None and vb is not None else None,
                    "change_pct": change_pct(va, vb), "status": status})
    order = {"ratio": 0, "cost": 1, "budget": 2}
    out.sort(key=lambda r: (order.get(r["kind"], 9), r["id"]))
    from tokcost.schema.base import checked
    from tokcost.schema.gate import DiffRecord

    return checked(DiffRecord, out)  # the rows as written: a renamed key fails here


# ------------------------------------------------------------------------------ text
def fmt_value(kind: str, value: float | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    if kind == "ratio":
        return f"{value:.3f}"
    sign = "₩" if currency == "KRW" else "$"
    if abs(value) >= 10_000 and currency == "KRW":
        return f"{sign}{value:,.0f}"
    if abs(value) >= 1:
        return f"{sign}{value:,.2f}"
    return f"{sign}{value:.6f}".rstrip("0").rstrip(".") if value else f"{sign}0"


def fmt_pct(pct: float | None) -> str:
    return "—" if pct is None else f"{pct:+.2f}%"


def _labels(record: dict[str, Any]) -> dict[str, Any]:
    """The label fields a row carries (how it was counted or priced), kept in every view."""
    from tokcost.output import LABEL_FIELDS

    return {k: record[k] for k, _ in LABEL_FIELDS if k in record}


def _status_md(status: str) -> str:
    return f"**{status.upper()}**" if status in FAILING else status


CHECK_COLUMNS = (("metric", "metric"), ("baseline", "baseline"), ("current", "current"),
                 ("change", "change"), ("limit", "limit"), ("status", "status"))
DIFF_COLUMNS = (("metric", "metric"), ("old", "old"), ("new", "new"), ("change", "change"),
                ("change_pct", "change %"), ("status", "status"))


def check_view(record: dict[str, Any], *, markdown: bool = False) -> dict[str, Any]:
    """One ``tokcost check`` row (a :class:`CheckRecord` dict) as the table shows it: values
    formatted, a failing status in capitals (bold in Markdown), its label fields kept."""
    cur = record.get("currency") if record["kind"] != "ratio" else None
    status = record["status"]
    return {**_labels(record), "metric": record["metric"],
            "baseline": fmt_value(record["kind"], record["baseline"], cur),
            "current": fmt_value(record["kind"], record["current"], cur),
            "change": fmt_pct(record["change_pct"]),
            "limit": _limit_text(record["limit_pct"], record["max_value"]),
            "status": (_status_md(status) if markdown
                       else status.upper() if status in FAILING else status)}


def check_output(records: list[dict[str, Any]], *, fmt: str, title: str | None = None) -> Output:
    """``tokcost check`` rows as one :class:`~tokcost.output.Output`: the records themselves
    for JSON and CSV, the formatted view for the table and Markdown (labels kept either way)."""
    from tokcost.output import Output

    rows = records if fmt in ("json", "csv") else [
        check_view(r, markdown=fmt == "markdown") for r in records]
    return Output(CHECK_SCHEMA, rows, CHECK_COLUMNS, title=title,
                  right=frozenset({"baseline", "current", "change"}))


def _limit_text(limit_pct: float | None, max_value: float | None) -> str:
    parts = []
    if limit_pct is not None:
        parts.append(f"+{limit_pct:g}%")
    if max_value is not None:
        parts.append(f"≤ {max_value:g}")
    return ", ".join(parts) or "—"


def comparison_markdown(cmp: Comparison, *, baseline_name: str, current_name: str,
                        title: str | None = None) -> str:
    """The summary line, the diff table and notes, as GitHub-flavoured Markdown."""
    from tokcost.output import render
    from tokcost.sanitize import markdown_code, markdown_inline

    counts = cmp.counts()
    n_fail = len(cmp.failures)
    verdict = "passed" if cmp.passed else "FAILED"
    tally = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda x: x[0])) or "none"
    lines = [f"### {title or 'tokcost check: ' + verdict}", "",
             f"{len(cmp.rows)} metrics ({tally}); baseline {markdown_code(baseline_name)}, "
             f"current {markdown_code(current_name)}."]
    if n_fail:
        lines[-1] += f" {n_fail} outside the limits."
    notes = []
    fold = len(cmp.rows) > COLLAPSE_AFTER
    shown: list[dict[str, Any]] = []
    quiet: list[dict[str, Any]] = []
    for r in cmp.rows:
        if r.notes:
            notes.append(f"- {markdown_inline(r.metric.label)}: {markdown_inline('; '.join(r.notes))}")
        unchanged = r.status == OK and (r.change_pct or 0.0) == 0.0
        (quiet if fold and unchanged else shown).append(r.as_dict())

    def table(records: list[dict[str, Any]]) -> list[str]:
        out = check_output(records, fmt="markdown")
        if not records:
            out.rows = [dict.fromkeys(k for k, _ in CHECK_COLUMNS) | {"metric": "(no changes)"}]
        return render(out, "markdown").rstrip("\n").split("\n")

    if shown or not quiet:
        lines += ["", *table(shown)]
    if quiet:
        lines += ["", f"<details><summary>{len(quiet)} unchanged metrics</summary>", "",
                  *table(quiet), "", "</details>"]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines) + "\n"


def diff_view(record: dict[str, Any]) -> dict[str, Any]:
    """One ``tokcost diff`` row (a :class:`DiffRecord` dict) as the table shows it, labels kept."""
    cur = record.get("currency")
    change = record["change"]
    ch = "—" if change is None else (
        f"{change:+.3f}" if record["kind"] == "ratio"
        else ("-" if change < 0 else "+") + fmt_value(record["kind"], abs(change), cur))
    return {**_labels(record), "metric": record["metric"],
            "old": fmt_value(record["kind"], record["old"], cur),
            "new": fmt_value(record["kind"], record["new"], cur), "change": ch,
            "change_pct": fmt_pct(record["change_pct"]), "status": record["status"]}


def diff_output(records: list[dict[str, Any]], *, fmt: str, title: str | None = None,
                **meta: Any) -> Output:
    """``tokcost diff`` rows as one :class:`~tokcost.output.Output` (records for JSON and CSV,
    the formatted view for the table and Markdown, labels kept either way)."""
    from tokcost.output import Output

    rows = records if fmt in ("json", "csv") else [diff_view(r) for r in records]
    return Output(DIFF_SCHEMA, rows, DIFF_COLUMNS, title=title, meta=meta,
                  right=frozenset({"old", "new", "change", "change_pct"}))


def diff_markdown(rows: list[dict[str, Any]]) -> str:
    from tokcost.output import render

    return render(diff_output(rows, fmt="markdown"), "markdown")
