"""One way out: every table command hands its rows to :func:`emit`, which writes them as a
terminal table, JSON, CSV or Markdown; :func:`render` also writes an HTML table (escaped cells),
which the report builds its tables with (:func:`html_table`, with its own cells where it draws
badges). :func:`table_cells` gives the same headings and cells to any other renderer.

Labels are fields of the rows (how a count was made, how a price is known), so no format can drop
them: JSON and CSV carry every field, and the table and Markdown views append any label field the
rows carry that the command's chosen columns leave out. No heavy imports at module level.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("table", "json", "csv", "markdown")
RENDERINGS = (*FORMATS, "html")  # html: a table fragment, for documents (the report)

# Label fields (shared vocabulary of every typed row) and their column headings.
LABEL_FIELDS: tuple[tuple[str, str], ...] = (
    ("tokenizer_match", "tokenizer match"),
    ("identity", "identity"),
    ("counted", "counted"),
    ("price_variant", "price variant"),
    ("price_confidence", "confidence"),
    ("price_date", "price date"),
    ("price_age_days", "price age (d)"),
    ("retired", "retired"),
    ("fx_date", "FX date"),
)


@dataclass
class Output:
    """What a command shows: the versioned JSON schema name, the rows (plain JSON values), the
    columns of the table and Markdown views (key, heading), and extras for the envelope."""

    schema: str
    rows: list[dict[str, Any]]
    columns: Sequence[tuple[str, str]] = ()
    title: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)  # e.g. signatures, printed below tables
    csv_columns: Sequence[str] | None = None  # default: every field of the rows
    # Label fields the table/Markdown columns already show inside a composed column (e.g.
    # "tokenizer (match)"), so they are not appended a second time.
    shown_in: frozenset[str] = frozenset()
    # Columns aligned right in Markdown (``---:``) and classed ``n`` in HTML (numbers).
    right: frozenset[str] = frozenset()


def name_proxies(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows for the table and Markdown views with a proxy named in the tokenizer column
    (``gemini (proxy: gemma-3)``); JSON and CSV keep ``tokenizer`` and ``proxy_of`` apart."""
    return [{**r, "tokenizer": f"{r['tokenizer']} (proxy: {r['proxy_of']})"}
            if r.get("proxy_of") and r.get("tokenizer") else r for r in rows]


def shown_columns(out: Output) -> list[tuple[str, str]]:
    """The table/Markdown columns: the command's, then every label field the rows carry."""
    cols = list(out.columns) or [(k, k) for k in (out.rows[0] if out.rows else {})]
    have = {k for k, _ in cols} | out.shown_in
    for key, title in LABEL_FIELDS:
        if key not in have and any(r.get(key) not in (None, "", False) for r in out.rows):
            cols.append((key, title))
    return cols


def csv_columns(out: Output) -> list[str]:
    """The CSV columns: the command's choice (default: every field), then every label field the
    rows carry that the choice leaves out."""
    cols = list(out.csv_columns or _all_keys(out.rows))
    for key, _ in LABEL_FIELDS:
        if key not in cols and any(key in r for r in out.rows):
            cols.append(key)
    return cols


def table_cells(out: Output) -> tuple[list[str], list[list[str]]]:
    """Headings and formatted cells, for renderers that build their own tables (HTML)."""
    from tokcost.render import fmt_cell

    cols = shown_columns(out)
    return [t for _, t in cols], [[fmt_cell(r.get(k)) for k, _ in cols] for r in out.rows]


def html_table(out: Output, table_id: str | None = None,
               cell: Callable[[int, str, str], str | None] | None = None) -> str:
    """The table as HTML: every heading and cell escaped, each cell marked with its column
    (``data-col``). ``cell(row_index, key, text)`` may return a whole ``<td>`` of its own (already
    escaped by the caller), or None for the default."""
    import html

    cols = shown_columns(out)
    heads, cells = table_cells(out)
    ident = f' id="{html.escape(table_id)}"' if table_id else ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in heads)
    body = []
    for i, row in enumerate(cells):
        tds = []
        for (key, _), text in zip(cols, row, strict=True):
            own = cell(i, key, text) if cell is not None else None
            if own is None:
                cls = ' class="n"' if key in out.right else ""
                own = f'<td data-col="{html.escape(key)}"{cls}>{html.escape(text)}</td>'
            tds.append(own)
        body.append("<tr>" + "".join(tds) + "</tr>")
    caption = f"<caption>{html.escape(out.title)}</caption>" if out.title else ""
    return (f"<table{ident}>{caption}<thead><tr>{head}</tr></thead><tbody>" + "".join(body)
            + "</tbody></table>")


def renderable(out: Output) -> Any:
    """The table view as a rich renderable, for a command that prints it among other things
    (``inspect``: token boundaries, then this table); labels appended as in every format."""
    from tokcost.render import rich_table

    return rich_table(out.rows, shown_columns(out), title=out.title)


def render(out: Output, fmt: str, *, terminal: bool = False) -> str:
    """The document as text in ``fmt`` (one of :data:`RENDERINGS`); ``terminal`` renders tables
    for the screen."""
    from tokcost import render as r
    from tokcost.sanitize import markdown_code

    if fmt == "json":
        meta = dict(out.meta)
        meta.setdefault("warnings", out.warnings)
        return r.to_json(out.schema, out.rows, **meta)
    if fmt == "csv":
        return r.to_csv(out.rows, csv_columns(out))
    if fmt == "markdown":
        head = f"**{out.title}**\n\n" if out.title else ""
        text = head + r.to_markdown(out.rows, shown_columns(out), right=out.right)
        if out.footer:
            text += "\n" + "\n".join(f"{markdown_code(line)}  " for line in out.footer)
        return text if text.endswith("\n") else text + "\n"
    if fmt == "table":
        import io

        from rich.console import Console

        table = renderable(out)
        width = None
        if not (terminal and sys.stdout.isatty()):  # piped or a file: the table's natural width,
            probe = Console(width=100_000, soft_wrap=True, file=io.StringIO())  # never squeezed
            width = max(40, probe.measure(table).maximum)
        con = Console(record=not terminal, width=width, file=None if terminal else io.StringIO())
        con.print(table)
        for line in out.footer:
            con.print(line, highlight=False, markup=False)
        return "" if terminal else con.export_text()
    if fmt == "html":
        return html_table(out) + "\n"
    raise ValueError(f"unknown format {fmt!r} (one of {', '.join(RENDERINGS)})")


def emit(out: Output, fmt: str, output: Path | None = None, force: bool = False) -> None:
    """Write ``out`` in ``fmt`` to ``output`` (refusing to replace a file without ``force``) or
    to stdout; warnings go to stderr for the human formats and into the JSON envelope."""
    if fmt == "table" and output is None:
        render(out, "table", terminal=True)
    else:
        write_text(render(out, fmt), output, force)
    if fmt != "json":
        from tokcost.errors import one_line  # redacted, one printable line (as cli.common.warn)

        for w in out.warnings:
            sys.stderr.write(f"warning: {one_line(w)}\n")


def write_text(text: str, output: Path | None, force: bool) -> None:
    """``text`` to stdout, or atomically to ``output``; an existing file only with ``force``."""
    if output is None:
        sys.stdout.write(text)
        return
    from tokcost.errors import TokcostError
    from tokcost.paths import atomic_write_bytes

    if output.is_dir():  # before "exists": --force cannot replace a directory
        raise TokcostError(f"{output} is a directory", hint="name a file with -o")
    if output.exists() and not force:
        raise TokcostError(f"{output} exists", hint="pass --force to overwrite it")
    atomic_write_bytes(output, text.encode("utf-8"))


def _all_keys(rows: list[dict[str, Any]]) -> list[str]:
    keys: dict[str, None] = {}
    for row in rows:
        keys.update(dict.fromkeys(row))
    return list(keys)
