"""Rendering result rows as a table, JSON, CSV or Markdown. No heavy imports."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from tokcost._version import __version__
from tokcost.sanitize import csv_cell, markdown_inline, terminal

FORMATS = ("table", "json", "csv", "markdown")


def envelope(schema: str, rows: list[dict[str, Any]], **meta: Any) -> dict[str, Any]:
    """The versioned JSON document every command writes (see docs/json-schema.md)."""
    return {"schema": schema, "tokcost_version": __version__, **meta, "rows": rows}


def to_json(schema: str, rows: list[dict[str, Any]], **meta: Any) -> str:
    """The JSON document; a NaN or infinite number (which JSON cannot hold: ``NaN``/``Infinity``
    would be written) is one clear line instead, never a silent invalid document."""
    try:
        return json.dumps(envelope(schema, rows, **meta), ensure_ascii=False, indent=2,
                          allow_nan=False) + "\n"
    except ValueError:
        from tokcost.errors import TokcostError

        bad = sorted({k for r in rows for k, v in r.items()
                      if isinstance(v, float) and not math.isfinite(v)})
        raise TokcostError(f"a result is not a finite number ({', '.join(bad) or 'a field'})",
                           hint="an input is absurdly large: check prices, rates and options"
                           ) from None


def _flat(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def to_csv(rows: list[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    cols = list(columns or (rows[0].keys() if rows else []))
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: csv_cell(_flat(r.get(k))) for k in cols})
    return buf.getvalue()


def money(value: float | None, currency: str) -> str | None:
    """An amount as tokcost shows it everywhere (CLI tables, report, charts): won whole from
    ₩100 up, dollars to the cent from $1 up, smaller amounts with enough digits to differ."""
    if value is None:
        return None
    if currency == "KRW":
        return f"₩{value:,.0f}" if value >= 100 else f"₩{value:,.2f}"
    return f"${value:,.2f}" if value >= 1 else f"${value:,.4f}"


def fmt_cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def to_markdown(
    rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str]],
    right: Collection[str] = (),
) -> str:
    """A GitHub Markdown table; the columns in ``right`` are aligned right (``---:``)."""
    head = "| " + " | ".join(markdown_inline(title) for _, title in columns) + " |"
    sep = "|" + "|".join("---:" if key in right else "---" for key, _ in columns) + "|"
    lines = [head, sep]
    for r in rows:
        cells = [markdown_inline(fmt_cell(r.get(key))) for key, _ in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def rich_table(
    rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, str]], title: str | None = None
):
    from rich.table import Table
    from rich.text import Text

    rows = list(rows)
    # Cells are Text, not strings: rich would read "[...]" from the data as markup, and a
    # terminal would obey escape sequences in it.
    table = Table(title=Text(terminal(title)) if title else None, header_style="bold",
                  show_lines=False)
    for key, label in columns:
        values = [r.get(key) for r in rows if r.get(key) is not None]
        numeric = bool(values) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        )
        table.add_column(label, justify="right" if numeric else "left", overflow="fold")
    for r in rows:
        table.add_row(*(Text(terminal(fmt_cell(r.get(k)))) for k, _ in columns))
    return table
