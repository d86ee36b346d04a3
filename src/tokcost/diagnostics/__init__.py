"""Korean diagnostics: token boundaries, Hangul coverage, normalisation, script breakdown, the
eojeol that cost the most, and fertility per word and per morpheme (``summary`` gives one row per
tokenizer for reports). Every function returns plain dataclasses or dicts (``as_dict``) so that
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
from tokcost.diagnostics.fertility import (
    FertilityRow,
    WordStats,
    fertility_rows,
    isolated_token_counts,
    word_stats,
)
from tokcost.diagnostics.normalization import NormalizationRow, normalization_audit
from tokcost.diagnostics.overview import summary
from tokcost.diagnostics.sources import CorpusText, read_corpus

__all__ = [
    "CLASSES",
    "Alignment",
    "Breakdown",
    "Comparison",
    "CorpusText",
    "Coverage",
    "EojeolProfile",
    "FertilityRow",
    "Inspection",
    "NormalizationRow",
    "TextCoverage",
    "TokenGroup",
    "TokenSpan",
    "WordStats",
    "align",
    "code_spans",
    "compare_profiles",
    "eojeol_profile",
    "explain",
    "fertility_rows",
    "group_tokens",
    "hangul_coverage",
    "hangul_syllables",
    "inspect_text",
    "isolated_token_counts",
    "ksx1001_syllables",
    "normalization_audit",
    "read_corpus",
    "render_plain",
    "render_rich",
    "script_breakdown",
    "summary",
    "syllable_token_counts",
    "word_stats",
]
