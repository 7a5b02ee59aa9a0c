"""The error model behind the somatic thresholds: how often chance alone reaches a log-odds.

Each threshold of concord.somatic.SomaticThresholds is the smallest value (in steps of 0.1) that
keeps one stated error rate below its target over a grid of depths and qualities; nothing here
looks at a kit. bench/somatic_thresholds.py prints the grids; docs/somatic-model.md gives the
reasoning; tests/unit/test_null_model.py checks that the shipped thresholds are the derived ones.
"""

from __future__ import annotations

import math
from functools import cache

from concord.somatic import (
    SampleEvidence,
    bias_lod,
    error_divisor,
    normal_artifact_lod,
    normal_lod,
    tumor_lod,
)

DEPTHS = range(30, 501, 5)  # fragments at the site
QUALITIES = range(25, 41)  # Phred of every observation
NORMAL_DEPTHS = range(8, 201)
STEP = 0.1
# alternative alleles one site offers to errors: the 3 other bases; for indels the insertion
# and the deletion of one repeat unit, the slips a polymerase makes
ERROR_ALLELES = {"SNV": 3, "DEL": 2}
HETEROZYGOUS_SITES_PER_MB = 1000  # human heterozygosity, about 1 in 1,000 bases


def binomial_pmf(k: int, n: int, p: float) -> float:
    if p <= 0:
        return 1.0 if k == 0 else 0.0
    log = (
        math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
        + k * math.log(p) + (n - k) * math.log1p(-p)
    )  # fmt: skip
    return math.exp(log)


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return min(1.0, sum(binomial_pmf(i, n, p) for i in range(k, min(n, k + 60) + 1)))


def observations(ref: int, alt: int, q: int) -> SampleEvidence:
    return SampleEvidence(
        ref_quals=((q, ref),) if ref else (), alt_quals=((q, alt),) if alt else ()
    )


@cache
def _tlods(n: int, q: int, kind: str, k_max: int = 40) -> tuple[float, ...]:
    divisor = error_divisor(kind)
    return tuple(tumor_lod(observations(n - k, k, q), divisor) for k in range(min(k_max, n) + 1))


def false_positives_per_mb(t: float, n: int, q: int, kind: str) -> float:
    """Expected calls per Mb with TLOD >= t where the allele is absent and every one of n
    fragments errs with probability 10^(-q/10), spread over the site's error alleles."""
    tlods = _tlods(n, q, kind)
    k = next((k for k, lod in enumerate(tlods) if lod >= t), None)
    if k is None:
        return 0.0
    error = 10 ** (-q / 10)
    per_allele = binomial_tail(k, n, error / error_divisor(kind))
    return 1e6 * ERROR_ALLELES[kind] * per_allele


def worst_false_positives(t: float, kind: str) -> tuple[float, int, int]:
    """(false positives per Mb, depth, quality) at the worst point of the grid."""
    return max((false_positives_per_mb(t, n, q, kind), n, q) for n in DEPTHS for q in QUALITIES)


def _smallest(threshold_ok, low: float = 0.0, high: float = 20.0) -> float:
    """The smallest multiple of STEP in [low, high] that passes (the error rates fall as the
    threshold rises, so a bisection finds it)."""
    lo, hi = round(low / STEP), round(high / STEP)
    while lo < hi:
        mid = (lo + hi) // 2
        if threshold_ok(mid * STEP):
            hi = mid
        else:
            lo = mid + 1
    return round(lo * STEP, 1)


def tumor_lod_threshold(max_per_mb: float = 1.0) -> float:
    """The smallest TLOD threshold that keeps sequencing errors under max_per_mb false
    positives per Mb at every depth and quality of the grid, for SNVs and indels."""
    return _smallest(
        lambda t: all(worst_false_positives(t, kind)[0] <= max_per_mb for kind in ERROR_ALLELES)
    )


def germline_leak_per_mb(t: float, n: int, tumor_fraction: float = 0.5, q: int = 30) -> float:
    """Expected germline heterozygous sites per Mb whose n normal fragments give NLOD >= t
    (they would look somatic), with tumor_in_normal tolerance at the tumour's fraction."""
    from concord.somatic import SomaticThresholds

    tolerated = SomaticThresholds().tumor_in_normal * tumor_fraction
    leak = sum(
        binomial_pmf(k, n, 0.5)
        for k in range(n + 1)
        if normal_lod(observations(n - k, k, q), tolerated, error_divisor("SNV")) >= t
    )
    return HETEROZYGOUS_SITES_PER_MB * leak


def normal_lod_threshold(max_per_mb: float = 0.1) -> float:
    """The smallest NLOD threshold with at most max_per_mb germline leaks per Mb at any normal
    depth from 8 to 200."""
    return _smallest(lambda t: max(germline_leak_per_mb(t, n) for n in NORMAL_DEPTHS) <= max_per_mb)


def normal_artifact_loss(t: float, n: int, q: int) -> float:
    """Probability that sequencing errors in a normal of n fragments give NALOD >= t at a true
    somatic site (tolerance 0: the worst case, a tumour allele fraction near 0)."""
    divisor = error_divisor("SNV")
    for k in range(1, n + 1):
        if normal_artifact_lod(observations(n - k, k, q), 0.0, divisor) >= t:
            return binomial_tail(k, n, 10 ** (-q / 10) / divisor)
    return 0.0


def normal_artifact_threshold(max_loss: float = 1e-3) -> float:
    return _smallest(
        lambda t: max(normal_artifact_loss(t, n, q) for n in DEPTHS for q in QUALITIES) <= max_loss
    )


def bias_loss(t: float, k: int, artifact_rate: float) -> float:
    """Probability that a true variant's k fragments, split evenly between the sides in
    expectation (as its REF fragments are), give a bias log-odds >= t."""
    return sum(
        binomial_pmf(a, k, 0.5)
        for a in range(k + 1)
        if bias_lod(a, k - a, 50, 50, artifact_rate) >= t
    )


def bias_threshold(artifact_rate: float, max_loss: float = 1e-3, k_max: int = 200) -> float:
    return _smallest(
        lambda t: max(bias_loss(t, k, artifact_rate) for k in range(1, k_max + 1)) <= max_loss
    )


def read_end_loss(distance: float, read_length: int, k: int) -> float:
    """Probability that the median distance of k true-variant observations from the nearer
    aligned read end is below `distance`, positions uniform along the read: exact for one,
    two and an odd number of observations, an upper bound (the lower middle one) otherwise."""
    half = read_length / 2
    p = min(1.0, distance / half)  # one observation that close to an end
    if k == 2:  # the mean of two uniform distances
        return min(1.0, 2 * p * p) if p <= 0.5 else 1.0
    need = (k + 1) // 2 if k % 2 else k // 2
    return sum(binomial_pmf(i, k, p) for i in range(need, k + 1))


def read_end_distance(max_loss: float = 0.005, read_length: int = 150, fragments: int = 3) -> int:
    """The largest distance whose read_end filter loses at most max_loss of true variants
    with the given number of fragments."""
    d = 0
    while read_end_loss(d + 1, read_length, fragments) <= max_loss:
        d += 1
    return d
