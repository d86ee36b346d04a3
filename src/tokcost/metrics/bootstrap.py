"""Paired bootstrap confidence interval for a ratio of sums, computed from a histogram.

Method (documented in docs/measure.md): the paired bootstrap resamples the N pairs with
replacement B times (the Korean and English counts of a pair stay together), computes
Σko*/Σen* for each replicate and takes the 2.5th and 97.5th percentiles (percentile bootstrap).

Drawing N pairs with replacement from N pairs is the same, in distribution, as drawing how many
times each *distinct* pair (ko tokens, en tokens) is picked: a multinomial(N, c/N) over the K
distinct cells with counts c. So a replicate costs O(K) instead of O(N), and only the histogram
of pairs is needed: memory does not grow with the corpus. numpy's PCG64 seeded with ``seed``
draws the multinomials over the cells in sorted order, so the same seed, B and data give the
same interval on every machine and however the counts were gathered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 0
_CELLS_PER_BATCH = 1_000_000  # replicates × cells drawn at once: bounds memory (8 MB)


def histogram(ko: Sequence[int], en: Sequence[int]) -> Counter[tuple[int, int]]:
    """Counts of each distinct (ko, en) pair."""
    return Counter(zip(ko, en, strict=True))


def ratio_ci_hist(
    cells: Mapping[tuple[int, int], int],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    """Paired percentile-bootstrap interval of Σko/Σen from a histogram of (ko, en) pairs."""
    import numpy as np

    items = sorted((k, c) for k, c in cells.items() if c > 0)
    n = sum(c for _, c in items)
    if n == 0 or sum(e * c for (_, e), c in items) == 0:
        return None
    if n == 1:
        (k, e), _ = items[0]
        r = k / e if e else None
        return (r, r) if r is not None else None
    ko = np.array([k for (k, _), _ in items], dtype=np.float64)
    en = np.array([e for (_, e), _ in items], dtype=np.float64)
    p = np.array([c for _, c in items], dtype=np.float64) / n
    rng = np.random.default_rng(seed)
    out = np.empty(resamples)
    batch = max(1, _CELLS_PER_BATCH // len(items))
    done = 0
    while done < resamples:
        b = min(batch, resamples - done)
        w = rng.multinomial(n, p, size=b).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[done:done + b] = (w @ ko) / (w @ en)
        done += b
    out = out[np.isfinite(out)]
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(out, [alpha, 1 - alpha])
    return float(lo), float(hi)


def ratio_ci(
    ko: Sequence[int],
    en: Sequence[int],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    confidence: float = 0.95,
) -> tuple[float, float] | None:
    """The same interval from per-pair counts (builds the histogram first)."""
    return ratio_ci_hist(histogram(ko, en), resamples=resamples, seed=seed, confidence=confidence)
