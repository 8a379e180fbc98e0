"""Intervals and tests for shares: Wilson 95 % for one share, Newcombe's hybrid score
interval for the difference of two (method 10 of Newcombe 1998), Holm's correction."""

import math

Z95 = 1.959963984540054


def wilson(count: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for count/n."""
    if n == 0:
        return (math.nan, math.nan)
    p = count / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def newcombe(count1: int, n1: int, count2: int, n2: int) -> tuple[float, float, float]:
    """Difference p1 - p2 with Newcombe's interval built from both Wilson intervals."""
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan, math.nan)
    p1, p2 = count1 / n1, count2 / n2
    l1, u1 = wilson(count1, n1)
    l2, u2 = wilson(count2, n2)
    difference = p1 - p2
    lower = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (difference, lower, upper)


def two_proportion_p(count1: int, n1: int, count2: int, n2: int) -> float:
    """Two-sided p-value of the pooled z-test for p1 = p2."""
    if n1 == 0 or n2 == 0:
        return math.nan
    pooled = (count1 + count2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance == 0:
        return 1.0
    z = (count1 / n1 - count2 / n2) / math.sqrt(variance)
    return math.erfc(abs(z) / math.sqrt(2))


def holm(p_values: list[float]) -> list[float]:
    """Holm-adjusted p-values (NaN stays NaN), in the given order."""
    indexed = sorted((p, i) for i, p in enumerate(p_values) if not math.isnan(p))
    adjusted = [math.nan] * len(p_values)
    running = 0.0
    m = len(indexed)
    for rank, (p, index) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[index] = running
    return adjusted
