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
#: Fewer pairs than this get no interval: the bootstrap of a handful of pairs only re-shuffles
#: them (one pair gives a zero-width "interval"), so its percentiles say nothing about the
#: population. Ten is the smallest corpus whose 95 % percentile interval is not made of the same
#: one or two extreme pairs in most replicates (docs/measure.md, "Confidence interval").
MIN_PAIRS = 10
MAX_RESAMPLES = 1_000_000
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
    """Paired percentile-bootstrap interval of Σko/Σen from a histogram of (ko, en) pairs; None
    when there are fewer than ``MIN_PAIRS`` pairs (see ``ci_note``) or no English token."""
    import numpy as np

    check_settings(resamples, confidence)
    items = sorted((k, c) for k, c in cells.items() if c > 0)
    n = sum(c for _, c in items)
    if n < MIN_PAIRS or sum(e * c for (_, e), c in items) == 0:
        return None
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


def check_settings(resamples: int, confidence: float) -> None:
    """Resamples a whole number in [1, MAX_RESAMPLES], confidence strictly between 0 and 1."""
    import math

    from tokcost.errors import TokcostError

    if isinstance(resamples, bool) or not isinstance(resamples, int) \
            or not 1 <= resamples <= MAX_RESAMPLES:
        raise TokcostError(f"--resamples must be a whole number from 1 to {MAX_RESAMPLES:,}, "
                           f"not {resamples!r}", hint="the default is 1000")
    if not (isinstance(confidence, int | float) and math.isfinite(confidence)
            and 0 < confidence < 1):
        raise TokcostError(f"confidence must be between 0 and 1, not {confidence!r}",
                           hint="e.g. 0.95")


def ci_note(pairs: int) -> str | None:
    """Why a ratio has no interval (a field of the row), or None when it has one."""
    if pairs < MIN_PAIRS:
        return f"no interval: {pairs} pair{'s' if pairs != 1 else ''}, fewer than {MIN_PAIRS}"
    return None


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
