"""The CI gate: compare results with a committed baseline, diff two result files, and hold
prompt files to token budgets. ``tokcost check`` and ``tokcost diff`` are thin layers on this.

>>> from tokcost.gate import load_results, compare, Thresholds
>>> cmp = compare(load_results("baseline.json"), load_results("results.json"),
...               Thresholds(max_ratio_increase=5))                          # doctest: +SKIP
>>> cmp.passed, [r.metric.label for r in cmp.failures]                        # doctest: +SKIP
"""

from __future__ import annotations

from tokcost.gate.check import CheckOutcome, CheckRequest, run_check, write_baseline
from tokcost.gate.collect import FreshSettings, collect_fresh
from tokcost.gate.compare import (
    CHECK_SCHEMA,
    DIFF_SCHEMA,
    CheckRow,
    Comparison,
    Thresholds,
    compare,
    comparison_markdown,
    diff_markdown,
    diff_rows,
)
from tokcost.gate.junit import junit_xml
from tokcost.gate.prompts import PromptRow, check_prompts, prompts_markdown
from tokcost.gate.results import Metric, Results, ResultsError, load_results, normalize

__all__ = [
    "CHECK_SCHEMA",
    "DIFF_SCHEMA",
    "CheckOutcome",
    "CheckRequest",
    "CheckRow",
    "Comparison",
    "FreshSettings",
    "Metric",
    "PromptRow",
    "Results",
    "ResultsError",
    "Thresholds",
    "check_prompts",
    "collect_fresh",
    "compare",
    "comparison_markdown",
    "diff_markdown",
    "diff_rows",
    "junit_xml",
    "load_results",
    "normalize",
    "prompts_markdown",
    "run_check",
    "write_baseline",
]
