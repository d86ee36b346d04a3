"""Compression and fertility (Rust et al. 2021): characters, bytes and words per token (the
engines count characters, bytes and whitespace-separated words: ``engines.local.text_facts``)."""

from __future__ import annotations


def per(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None
