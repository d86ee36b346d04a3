"""``tokcost report``: measure and cost in one go, written as HTML, Markdown, JSON and CSV.

>>> from tokcost.report import ReportOptions, write_report
>>> files = write_report("tokcost-report", ReportOptions())   # doctest: +SKIP
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tokcost.errors import TokcostError
from tokcost.report.collect import SCHEMA_REPORT, ReportOptions, Timings, collect_results

__all__ = ["FILES", "SCHEMA_REPORT", "ReportOptions", "Timings", "collect_results", "render_files",
           "write_report"]

FILES = ("report.html", "report.md", "results.json", "results.csv", "cost.csv")


def render_files(doc: dict[str, Any], timings: Timings | None = None) -> dict[str, str]:
    """The report's files as text, by file name."""
    from tokcost.render import to_csv
    from tokcost.report.document import render_charts, to_html, to_markdown

    timings = timings or Timings()
    with timings.stage("charts"):
        svgs = render_charts(doc)
    with timings.stage("write"):
        files = {
            "report.html": to_html(doc, svgs),
            "report.md": to_markdown(doc),
            "results.json": json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
            "results.csv": to_csv(doc["measure"]),
            "cost.csv": to_csv(doc["cost"]),
        }
    return files


def write_report(out_dir: str | Path, opts: ReportOptions | None = None, *, force: bool = False,
                 timings: Timings | None = None) -> dict[str, Path]:
    """Collect, render and write the report folder. Existing report files are kept unless
    ``force``; each file is written atomically."""
    from tokcost.paths import atomic_write_bytes

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise TokcostError(f"{out}: exists and is not a folder", hint="choose another --out")
    clash = [f for f in FILES if (out / f).exists()]
    if clash and not force:
        raise TokcostError(f"{out / clash[0]}: already exists",
                           hint="pass --force to overwrite the report, or choose another --out")
    timings = timings or Timings()
    doc = collect_results(opts, timings)
    files = render_files(doc, timings)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, text in files.items():
        atomic_write_bytes(out / name, text.encode("utf-8"))
        written[name] = out / name
    return written
