"""Compression and fertility (Rust et al. 2021): characters, bytes and words per token."""

from __future__ import annotations


def words(text: str) -> int:
    """Whitespace-separated words (eojeol for Korean)."""
    return len(text.split())


def per(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None
