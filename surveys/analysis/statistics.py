"""Intervals and tests: Wilson 95 % for one share, Newcombe's hybrid score interval
for the difference of two (method 10 of Newcombe 1998) with the p-value that agrees
with it (Fisher's exact test where expected counts are below 5), t intervals for
means and the NPS, Holm's correction."""

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
    # None chose it (or all did): the end is exactly 0 (1), not rounding noise.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return (low, high)


def newcombe(
    count1: int, n1: int, count2: int, n2: int, z: float = Z95
) -> tuple[float, float, float]:
    """Difference p1 - p2 with Newcombe's interval built from both Wilson intervals."""
    if n1 == 0 or n2 == 0:
        return (math.nan, math.nan, math.nan)
    p1, p2 = count1 / n1, count2 / n2
    l1, u1 = wilson(count1, n1, z)
    l2, u2 = wilson(count2, n2, z)
    difference = p1 - p2
    lower = difference - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    upper = difference + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (difference, lower, upper)


def expected_counts_small(count1: int, n1: int, count2: int, n2: int) -> bool:
    """Whether a cell of the 2 × 2 table would expect fewer than 5 people."""
    total = n1 + n2
    chose = count1 + count2
    return any(n * k / total < 5 for n in (n1, n2) for k in (chose, total - chose))


def fisher_exact_p(count1: int, n1: int, count2: int, n2: int) -> float:
    """Two-sided p-value of Fisher's exact test of the 2 × 2 table: the chance of
    every table with the same margins that is at most as likely as the one seen."""
    chose = count1 + count2
    total = n1 + n2

    def chance(k: int) -> float:
        return math.comb(n1, k) * math.comb(n2, chose - k) / math.comb(total, chose)

    seen = chance(count1)
    tables = range(max(0, chose - n2), min(n1, chose) + 1)
    # The relative tolerance scipy uses: tables as likely as the one seen count.
    p = sum(c for c in map(chance, tables) if c <= seen * (1 + 1e-7))
    return min(1.0, p)


def difference_p(count1: int, n1: int, count2: int, n2: int) -> float:
    """Two-sided p-value for p1 = p2 that agrees with the interval shown: the
    smallest level at which Newcombe's interval leaves out 0 (so p < 0.05 exactly
    when the 95 % interval does); Fisher's exact test where expected counts are
    below 5."""
    if n1 == 0 or n2 == 0:
        return math.nan
    if expected_counts_small(count1, n1, count2, n2):
        return fisher_exact_p(count1, n1, count2, n2)
    if count1 * n2 == count2 * n1:
        return 1.0

    def leaves_out_zero(z: float) -> bool:
        _difference, low, high = newcombe(count1, n1, count2, n2, z)
        return low > 0 or high < 0

    low_z, high_z = 0.0, 40.0
    if leaves_out_zero(high_z):
        return math.erfc(high_z / math.sqrt(2))
    for _ in range(100):  # the interval widens as z grows: bisect its edge
        middle = (low_z + high_z) / 2
        low_z, high_z = (middle, high_z) if leaves_out_zero(middle) else (low_z, middle)
    return math.erfc(low_z / math.sqrt(2))


def mean_interval(counts: dict[int, int]) -> tuple[float, float, float]:
    """Mean of scale answers (point → how many gave it) with its 95 % t interval."""
    n = sum(counts.values())
    if n == 0:
        return (math.nan, math.nan, math.nan)
    mean = sum(p * c for p, c in counts.items()) / n
    if n < 2:
        return (mean, math.nan, math.nan)
    # scipy.special, not scipy.stats: the same quantile without seconds of import.
    from scipy.special import stdtrit

    variance = sum(c * (p - mean) ** 2 for p, c in counts.items()) / (n - 1)
    half = float(stdtrit(n - 1, 0.975)) * math.sqrt(variance / n)
    return (mean, mean - half, mean + half)


def nps_interval(counts: dict[int, int]) -> tuple[float, float, float]:
    """Net Promoter Score (points 0–10 → how many) with its 95 % interval: the
    NPS is 100 × the mean of +1 (9–10), 0 (7–8) and −1 (0–6)."""
    scores: dict[int, int] = {}
    for point, count in counts.items():
        score = 1 if point >= 9 else 0 if point >= 7 else -1
        scores[score] = scores.get(score, 0) + count
    mean, low, high = mean_interval(scores)
    return (100 * mean, 100 * low, 100 * high)


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
