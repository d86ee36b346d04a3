"""Metrics over per-pair token counts: one small module each.

- :mod:`tokcost.metrics.ratio` — the Korean premium Σko/Σen and per-sentence ratios;
- :mod:`tokcost.metrics.bootstrap` — paired bootstrap confidence intervals;
- :mod:`tokcost.metrics.compression` — characters, bytes and words per token (fertility);
- :mod:`tokcost.metrics.fallback` — byte-fallback and UNK rates.
"""
