"""Our intervals agree with statsmodels on many random cases."""

import math
import random

import pytest
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint

from surveys.statistics import holm, newcombe, wilson


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
