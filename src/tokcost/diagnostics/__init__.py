"""Korean diagnostics: token boundaries, Hangul coverage, normalisation, script breakdown and the
eojeol that cost the most. Every function returns plain dataclasses or dicts (``as_dict``) so that
JSON, Markdown and HTML reports can include them. See docs/diagnostics.md.
"""

from __future__ import annotations

from tokcost.diagnostics.alignment import Alignment, TokenGroup, TokenSpan, align, group_tokens
from tokcost.diagnostics.boundaries import Inspection, inspect_text, render_plain, render_rich
from tokcost.diagnostics.breakdown import CLASSES, Breakdown, code_spans, script_breakdown
from tokcost.diagnostics.coverage import (
    Coverage,
    TextCoverage,
    hangul_coverage,
    hangul_syllables,
    ksx1001_syllables,
    syllable_token_counts,
)
from tokcost.diagnostics.explain import (
    Comparison,
    EojeolProfile,
    compare_profiles,
    eojeol_profile,
    explain,
)
from tokcost.diagnostics.normalization import NormalizationRow, normalization_audit

__all__ = [
    "CLASSES",
    "Alignment",
    "Breakdown",
    "Comparison",
    "Coverage",
    "EojeolProfile",
    "Inspection",
    "NormalizationRow",
    "TextCoverage",
    "TokenGroup",
    "TokenSpan",
    "align",
    "code_spans",
    "compare_profiles",
    "eojeol_profile",
    "explain",
    "group_tokens",
    "hangul_coverage",
    "hangul_syllables",
    "inspect_text",
    "ksx1001_syllables",
    "normalization_audit",
    "render_plain",
    "render_rich",
    "script_breakdown",
    "syllable_token_counts",
]
