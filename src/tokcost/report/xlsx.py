"""``results.xlsx``: the report's tables as an Excel workbook (openpyxl, the ``report`` extra).

Sheets: premium (ratio per tokenizer), cost (per request and per batch), budget (monthly, USD and
KRW), assumptions (workload, FX, VAT, labels and self-hosted assumptions) and sources (price
sources). Numbers stay numbers; text cells that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, tab, CR, ``|``, ``%``; not plain numbers such as ``-3.5``) are
written as plain text, by the same rule as the CSV files.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from tokcost.sanitize import csv_cell

PREMIUM = ("corpus", "tokenizer", "korean_trained", "ratio", "ratio_ci_low", "ratio_ci_high",
           "ko_tokens", "en_tokens", "ko_chars_per_token", "ko_fertility", "en_fertility")
LABELS = ("tokenizer_match", "tokenizer_confidence", "price_confidence", "price_variant",
          "price_date", "price_age_days", "retired", "assumption", "price_source")
COST = ("model", "provider", "tokenizer", "kind", "currency", "input_tokens", "output_tokens",
        "cost", "cost_per_batch", "en_cost", "en_cost_per_batch", "premium_pct", "premium_basis",
        *LABELS, "status")
BUDGET = ("model", "provider", "tokenizer", "kind", "currency", "requests", "monthly_cost",
          "monthly_low", "monthly_high", "monthly_cost_en", "premium_pct", "premium_basis",
          "premium_corpus", *LABELS, "status")


def safe_text(value: str) -> str:
    """A string a spreadsheet shows as text, never evaluates (OWASP CSV injection guidance):
    the project-wide rule of :func:`tokcost.sanitize.csv_cell`."""
    return str(csv_cell(value))


def _cell(v: Any) -> Any:
    if v is None or isinstance(v, bool | int | float):
        return v
    if isinstance(v, list | tuple):
        v = ", ".join(map(str, v))
    return safe_text(str(v))


def _sheet(wb: Any, title: str, rows: Sequence[dict[str, Any]], cols: Sequence[str]) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(title)
    ws.append(list(cols))
    for c in ws[1]:
        c.font = Font(bold=True)
    for r in rows:
        ws.append([_cell(r.get(k)) for k in cols])
    for i, k in enumerate(cols, start=1):
        width = max([len(k)] + [len(str(r.get(k) or "")) for r in rows[:200]])
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width + 2)
    ws.freeze_panes = "A2"


def to_xlsx(doc: dict[str, Any]) -> bytes | None:
    """The workbook's bytes, or None when openpyxl is not installed."""
    try:
        from openpyxl import Workbook
    except ImportError:
        return None
    wb = Workbook()
    wb.remove(wb.active)
    premium = [r for r in doc["measure"] if r["domain"] == "all"]
    _sheet(wb, "premium", premium, PREMIUM)
    _sheet(wb, "cost", doc["cost"], COST)
    _sheet(wb, "budget", doc["budget"], BUDGET)
    st = doc["settings"]
    b = st["budget"]
    facts = [
        {"setting": "requests_per_day", "value": b["requests_per_day"]},
        {"setting": "days", "value": b["days"]},
        {"setting": "input_chars", "value": b["input_chars"]},
        {"setting": "output_chars", "value": b["output_chars"]},
        {"setting": "workload_source", "value": b.get("source")},
        {"setting": "shortlist", "value": ", ".join(b.get("shortlist", []))},
        {"setting": "premium_corpus (budget)", "value": b.get("corpus")},
        {"setting": "premium_basis (cost)", "value": st.get("requests")},
        {"setting": "output_tokens (cost)", "value": st["output_tokens"]},
        {"setting": "as_of", "value": st["as_of"]},
        {"setting": "fx_krw_per_usd", "value": st["fx_krw_per_usd"]},
        {"setting": "vat", "value": st["vat"]},
    ]
    for r in doc["cost"]:
        if r["currency"] == "USD" and (r.get("assumption") or r.get("tokenizer_match") != "exact"
                                       or r.get("price_confidence") != "high" or r.get("retired")):
            facts.append({"setting": f"labels: {r['model']}",
                          "value": "; ".join(f"{k}={r.get(k)}" for k in LABELS[:-1])})
    _sheet(wb, "assumptions", facts, ("setting", "value"))
    sources = sorted({(r["provider"], r.get("price_source") or "", r.get("price_date") or "")
                      for r in doc["cost"] if r.get("price_source")})
    _sheet(wb, "sources", [{"provider": p, "price_source": s, "price_date": d} for p, s, d in sources],
           ("provider", "price_source", "price_date"))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
