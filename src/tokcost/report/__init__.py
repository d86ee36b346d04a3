"""``tokcost report``: measure and cost in one go, written as HTML, Markdown, JSON, CSV and xlsx.

>>> from tokcost.report import ReportOptions, write_report
>>> files = write_report("tokcost-report", ReportOptions())   # doctest: +SKIP

The folder is the tool's own: a manifest (``.tokcost-report.json``) lists the files it wrote, with
their sha256, so a second run overwrites exactly those files (when nobody edited them) and refuses
to touch anything else without ``force``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tokcost.errors import TokcostError
from tokcost.report.collect import SCHEMA_REPORT, ReportOptions, Timings, collect_results

__all__ = ["FILES", "MANIFEST", "SCHEMA_REPORT", "ReportOptions", "Timings", "check_out_dir",
           "collect_results", "render_files", "write_report"]

FILES = ("report.html", "report.md", "results.json", "results.csv", "cost.csv", "budget.csv",
         "results.xlsx")
MANIFEST = ".tokcost-report.json"
SCHEMA_MANIFEST = "tokcost/report-manifest/1"


def _csv(rows: list[dict[str, Any]]) -> str:
    """CSV of every key of every row; text cells a spreadsheet would evaluate are made text."""
    from tokcost.render import to_csv
    from tokcost.report.xlsx import safe_text

    cols = list(dict.fromkeys(k for r in rows for k in r))
    safe = [{k: safe_text(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]
    return to_csv(safe, cols)


def render_files(doc: dict[str, Any], timings: Timings | None = None) -> dict[str, str | bytes]:
    """The report's files (text, or bytes for the workbook), by file name."""
    from tokcost.report.document import render_charts, to_html, to_markdown
    from tokcost.report.xlsx import to_xlsx

    timings = timings or Timings()
    with timings.stage("charts"):
        svgs = render_charts(doc)
    with timings.stage("write"):
        files: dict[str, str | bytes] = {
            "report.html": to_html(doc, svgs),
            "report.md": to_markdown(doc),
            "results.json": json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
            "results.csv": _csv(doc["measure"]),
            "cost.csv": _csv(doc["cost"]),
            "budget.csv": _csv(doc["budget"]),
        }
        xlsx = to_xlsx(doc)
        if xlsx is not None:
            files["results.xlsx"] = xlsx
    return files


def _sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _manifest(out: Path) -> dict[str, str]:
    """File name -> sha256 of the files the previous run wrote (empty: no or unreadable manifest)."""
    try:
        raw = json.loads((out / MANIFEST).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    files = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(files, dict):
        return {}
    return {k: v for k, v in files.items() if k in FILES and isinstance(v, str)}


def check_out_dir(out: Path, force: bool = False) -> None:
    """Refuse a folder whose report files are not the tool's own unchanged output."""
    if out.exists() and not out.is_dir():
        raise TokcostError(f"{out}: exists and is not a folder", hint="choose another --out")
    if force or not out.exists():
        return
    own = _manifest(out)
    for name in FILES:
        p = out / name
        if not p.exists():
            continue
        if name not in own:
            raise TokcostError(f"{p}: already exists and was not written by tokcost report",
                               hint="pass --force to overwrite it, or choose another --out")
        if _sha(p) != own[name]:
            raise TokcostError(f"{p}: changed since tokcost report wrote it",
                               hint="pass --force to overwrite it, or choose another --out")


def write_report(out_dir: str | Path, opts: ReportOptions | None = None, *, force: bool = False,
                 timings: Timings | None = None) -> dict[str, Path]:
    """Collect, render and write the report folder. A previous report written here (listed in the
    manifest, unchanged) is replaced; any other existing file of the same name is kept unless
    ``force``. Each file is written atomically; the manifest last."""
    from tokcost.paths import atomic_write_bytes

    out = Path(out_dir)
    check_out_dir(out, force)
    timings = timings or Timings()
    doc = collect_results(opts, timings)
    files = render_files(doc, timings)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    shas = {}
    for name, content in files.items():
        data = content.encode("utf-8") if isinstance(content, str) else content
        atomic_write_bytes(out / name, data)
        written[name] = out / name
        shas[name] = hashlib.sha256(data).hexdigest()
    atomic_write_bytes(out / MANIFEST, (json.dumps(
        {"schema": SCHEMA_MANIFEST, "tokcost_version": doc["tokcost_version"],
         "generated": doc["generated"], "files": shas}, indent=2) + "\n").encode("utf-8"))
    return written
