"""The Korean premium (Petrov et al. 2023) and the spread per sentence, on histograms.

P = Σ T(ko_i) / Σ T(en_i), each sentence on its own. The engines count into histograms
(``{(ko_tokens, en_tokens): pairs}``, or ``{tokens: texts}``), so the per-sentence figures are
taken on multisets ``{value: count}``: the same numbers as on the list of values, without it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

#: The quantiles every row reports (name, q), besides the mean.
QUANTILES: tuple[tuple[str, float], ...] = (("median", 0.5), ("p10", 0.1), ("p90", 0.9))


def premium(ko_tokens: int, en_tokens: int) -> float | None:
    """Σko / Σen from the two totals; None without English tokens."""
    return ko_tokens / en_tokens if en_tokens else None


def sentence_ratios(cells: Mapping[tuple[int, int], int]) -> Counter[float]:
    """r_i = T(ko_i) / T(en_i) as a multiset, from a pair histogram; pairs whose English side has
    no token have no ratio."""
    out: Counter[float] = Counter()
    for (k, e), c in cells.items():
        if e:
            out[k / e] += c
    return out


def quantile_position(n: int, q: float) -> tuple[int, int, float]:
    """numpy's default 'linear' quantile of ``n`` sorted values: the two ranks it interpolates
    between and the weight of the upper one."""
    pos = (n - 1) * q
    lo = int(pos)
    return lo, min(lo + 1, n - 1), pos - lo


def quantile(values: Sequence[tuple[float, int]], n: int, q: float) -> float | None:
    """Linear-interpolation quantile (numpy's default 'linear' method) of the multiset given as
    sorted (value, count) pairs holding ``n`` values."""
    if n == 0:
        return None
    lo, hi, frac = quantile_position(n, q)
    v_lo = v_hi = None
    seen = 0
    for v, c in values:
        seen += c
        if v_lo is None and lo < seen:
            v_lo = v
        if hi < seen:
            v_hi = v
            break
    assert v_lo is not None and v_hi is not None
    return v_lo + (v_hi - v_lo) * frac


def summary(counts: Mapping[float, int],
            qs: Sequence[tuple[str, float]] = QUANTILES) -> dict[str, float | None]:
    """Mean and quantiles of a multiset {value: count} (None for an empty one)."""
    values = sorted(counts.items())
    n = sum(c for _, c in values)
    out: dict[str, float | None] = {"mean": sum(v * c for v, c in values) / n if n else None}
    for name, q in qs:
        out[name] = quantile(values, n, q)
    return out
