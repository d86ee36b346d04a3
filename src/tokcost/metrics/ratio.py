"""The Korean premium (Petrov et al. 2023): P = Σ T(ko_i) / Σ T(en_i), each sentence on its own."""

from __future__ import annotations

from collections.abc import Sequence


def premium(ko_tokens: Sequence[int], en_tokens: Sequence[int]) -> float | None:
    en = sum(en_tokens)
    return sum(ko_tokens) / en if en else None


def per_sentence_ratios(ko_tokens: Sequence[int], en_tokens: Sequence[int]) -> list[float]:
    """r_i = T(ko_i) / T(en_i) for pairs whose English side has at least one token."""
    return [k / e for k, e in zip(ko_tokens, en_tokens, strict=True) if e]


def quantile_position(n: int, q: float) -> tuple[int, int, float]:
    """numpy's default 'linear' quantile of ``n`` sorted values: the two ranks it interpolates
    between and the weight of the upper one."""
    pos = (n - 1) * q
    lo = int(pos)
    return lo, min(lo + 1, n - 1), pos - lo


def quantile(sorted_values: Sequence[float], q: float) -> float | None:
    """Linear-interpolation quantile (numpy's default 'linear' method) of sorted values."""
    n = len(sorted_values)
    if n == 0:
        return None
    lo, hi, frac = quantile_position(n, q)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * frac


def summary(values: Sequence[float]) -> dict[str, float | None]:
    s = sorted(values)
    return {
        "mean": sum(s) / len(s) if s else None,
        "median": quantile(s, 0.5),
        "p10": quantile(s, 0.1),
        "p90": quantile(s, 0.9),
    }
