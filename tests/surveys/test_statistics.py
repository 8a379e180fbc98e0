"""Our intervals agree with statsmodels on many random cases."""

import math
import random

import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint
from statsmodels.stats.weightstats import DescrStatsW

from surveys.analysis.statistics import (
    difference_p,
    expected_counts_small,
    holm,
    mean_interval,
    newcombe,
    nps_interval,
    wilson,
)


@pytest.mark.parametrize("seed", range(200))
def test_wilson_matches_statsmodels(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 2000)
    count = rng.randint(0, n)
    ours = wilson(count, n)
    theirs = proportion_confint(count, n, alpha=0.05, method="wilson")
    assert ours == pytest.approx(theirs, abs=1e-9)


@pytest.mark.parametrize("seed", range(200))
def test_newcombe_matches_statsmodels(seed):
    rng = random.Random(1000 + seed)
    n1, n2 = rng.randint(1, 1500), rng.randint(1, 1500)
    c1, c2 = rng.randint(0, n1), rng.randint(0, n2)
    _diff, low, high = newcombe(c1, n1, c2, n2)
    theirs = confint_proportions_2indep(
        c1, n1, c2, n2, method="newcomb", compare="diff"
    )
    assert (low, high) == pytest.approx(theirs, abs=1e-9)


def test_holm_matches_statsmodels():
    rng = random.Random(7)
    for _ in range(50):
        p = [rng.random() ** 3 for _ in range(rng.randint(1, 12))]
        expected = multipletests(p, method="holm")[1]
        assert holm(p) == pytest.approx(list(expected), abs=1e-12)


def test_empty_groups_give_no_interval():
    assert all(math.isnan(x) for x in wilson(0, 0))


@pytest.mark.parametrize("seed", range(100))
def test_mean_interval_matches_statsmodels(seed):
    rng = random.Random(3000 + seed)
    counts = {point: rng.randint(0, 40) for point in range(1, 6)}
    counts[rng.randint(1, 5)] += 2  # at least two answers
    values = [p for p, c in counts.items() for _ in range(c)]
    mean, low, high = mean_interval(counts)
    described = DescrStatsW(values)
    assert mean == pytest.approx(described.mean, abs=1e-12)
    assert (low, high) == pytest.approx(described.tconfint_mean(alpha=0.05), abs=1e-9)


@pytest.mark.parametrize("seed", range(100))
def test_nps_interval_is_statsmodels_interval_of_the_scores(seed):
    """The NPS is 100 × the mean of +1 (9–10), 0 (7–8), −1 (0–6)."""
    rng = random.Random(4000 + seed)
    counts = {point: rng.randint(0, 15) for point in range(0, 11)}
    counts[rng.randint(0, 10)] += 2
    scores = [
        1 if p >= 9 else 0 if p >= 7 else -1
        for p, c in counts.items()
        for _ in range(c)
    ]
    nps, low, high = nps_interval(counts)
    described = DescrStatsW(scores)
    assert nps == pytest.approx(100 * described.mean, abs=1e-9)
    low_theirs, high_theirs = described.tconfint_mean(alpha=0.05)
    assert (low, high) == pytest.approx((100 * low_theirs, 100 * high_theirs), abs=1e-7)


@pytest.mark.parametrize("seed", range(300))
def test_the_p_value_agrees_with_the_interval_shown(seed):
    """Below 0.05 exactly when the 95 % interval of the difference leaves out 0."""
    rng = random.Random(5000 + seed)
    n1, n2 = rng.randint(20, 800), rng.randint(20, 800)
    c1, c2 = rng.randint(0, n1), rng.randint(0, n2)
    if expected_counts_small(c1, n1, c2, n2):
        return
    _difference, low, high = newcombe(c1, n1, c2, n2)
    p = difference_p(c1, n1, c2, n2)
    assert (p < 0.05) == (low > 0 or high < 0)


@pytest.mark.parametrize("seed", range(100))
def test_small_expected_counts_use_fishers_exact_test(seed):
    from scipy.stats import fisher_exact

    rng = random.Random(6000 + seed)
    n1, n2 = rng.randint(1, 60), rng.randint(1, 60)
    c1, c2 = rng.randint(0, min(n1, 4)), rng.randint(0, min(n2, 4))
    assert expected_counts_small(c1, n1, c2, n2)
    _odds, exact = fisher_exact([[c1, n1 - c1], [c2, n2 - c2]])
    assert difference_p(c1, n1, c2, n2) == pytest.approx(exact, rel=1e-9)
