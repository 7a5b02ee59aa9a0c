"""concord's somatic model: classify each candidate allele as PASS or a named reason.

The input is fragment-level evidence (concord.evidence): for each candidate allele and each
sample, the fragments that carry REF, this ALT or something else, each REF/ALT fragment with
the Phred-scaled probability that its observation is an error. The decision rests on two
likelihood ratios, not on count floors: the tumour log-odds that the allele is present at its
estimated fraction rather than absent (TLOD), and the normal log-odds that the normal lacks it,
up to a tolerated share of tumour cells, rather than carrying it as a germline heterozygote
(NLOD). docs/somatic-model.md derives every threshold from a stated error model.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import asdict, dataclass
from functools import cache


@dataclass(frozen=True)
class SomaticThresholds:
    """Each value is derived from a stated error rate, not fitted to a kit (concord.null_model,
    bench/somatic_thresholds.py, docs/somatic-model.md)."""

    # TLOD: sequencing errors give at most 1 false positive per Mb at depths 30-500 and base
    # qualities Q25-40
    min_tumor_lod: float = 5.9
    # NLOD: at most 0.1 germline heterozygotes per Mb look absent from a normal of 8-200
    # fragments (1,000 heterozygous sites per Mb)
    min_normal_lod: float = 3.8
    # the normal may hold this share of the tumour's allele fraction (tumour cells in the normal)
    tumor_in_normal: float = 0.05
    # NALOD: sequencing errors in the normal cost at most 1 in 1,000 true somatic calls
    max_normal_artifact_lod: float = 2.6
    # a normal fraction a heterozygote gives with p >= this is germline-like (two-sided binomial)
    germline_balance_p: float = 0.001
    # strand and read-orientation artefacts: log-odds of "one side only" (the other side's few
    # fragments errors at bias_artifact_rate) over "split as the REF"; at most 1 in 1,000 true
    # variants reach it by chance
    max_bias_lod: float = 2.7
    bias_artifact_rate: float = 0.01
    # median distance of ALT observations from the aligned read end (bases): at most 0.5 % of
    # true 3-fragment variants with 2x150 reads fall below it by chance
    min_read_end_distance: float = 3.0
    min_alt_mapq: float = 30.0

    def as_header(self) -> str:
        return ",".join(f"{k}={v}" for k, v in asdict(self).items())


# The closed FILTER vocabulary of the concord somatic VCF, in the order reasons are listed.
SOMATIC_FILTERS = {
    "PASS": "All filters passed: somatic call",
    "germline": (
        "NLOD below min_normal_lod and the normal's ALT fraction is what a germline genotype gives"
    ),
    "normal_evidence": (
        "NALOD at or above max_normal_artifact_lod: the normal carries the ALT beyond "
        "tumor_in_normal"
    ),
    "low_normal_depth": (
        "NLOD below min_normal_lod without ALT evidence in the normal: too few normal fragments "
        "to rule out a germline variant"
    ),
    "low_evidence": "TLOD below min_tumor_lod: the tumour's fragments do not show the allele",
    "strand_bias": "ALT fragments on one strand only (bias log-odds >= max_bias_lod)",
    "orientation_bias": "ALT fragments in one read orientation, F1R2 or F2R1 (>= max_bias_lod)",
    "read_end": "Median distance of tumour ALT observations from read ends < min_read_end_distance",
    "low_mapq": "Mean mapping quality of ALT fragments below min_alt_mapq",
}

GERMLINE_FILTERS = {
    "PASS": "All filters passed: germline variant of the normal",
    "low_depth": "Normal depth below min_depth",
    "low_genotype_quality": "Genotype quality of the normal (from fragment counts) below min_gq",
    "allele_imbalance": (
        "Heterozygous call whose ALT fraction a heterozygote would give with probability below "
        "allele_balance_p (two-sided binomial test at 0.5)"
    ),
    "high_depth": (
        "Normal depth above max_depth_factor x the normal's median depth over the call's sites "
        "(a collapsed repeat or paralog)"
    ),
}


@dataclass(frozen=True)
class GermlineThresholds:
    min_depth: int = 8
    min_gq: int = 20
    allele_balance_p: float = 0.001
    max_depth_factor: float = 3.0

    def as_header(self) -> str:
        return ",".join(f"{k}={v}" for k, v in asdict(self).items())


@dataclass(frozen=True)
class Counts:
    """Reads or fragments supporting REF, this ALT and any other allele at the site in one
    sample, and the sum of this ALT's base qualities (freebayes' counts carry it)."""

    ref: int
    alt: int
    alt_qual_sum: float = 0.0
    other: int = 0

    @property
    def depth(self) -> int:
        return self.ref + self.alt + self.other

    @property
    def vaf(self) -> float:
        return self.alt / self.depth if self.depth else 0.0


# Phred quality -> number of fragments, sorted by quality
Qualities = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SampleEvidence:
    """The fragments of one sample at one candidate allele (concord.evidence makes it)."""

    ref_quals: Qualities = ()
    alt_quals: Qualities = ()
    other: int = 0
    ref_forward: int = 0
    ref_reverse: int = 0
    alt_forward: int = 0
    alt_reverse: int = 0
    ref_f1r2: int = 0
    ref_f2r1: int = 0
    alt_f1r2: int = 0
    alt_f2r1: int = 0
    alt_mapq_sum: int = 0
    alt_end_distance: float | None = None  # median over ALT fragments

    def __post_init__(self):
        # the REF and ALT fragment counts, read many times by the model: plain attributes set
        # once (not fields: not in the evidence table, equality or repr)
        object.__setattr__(self, "ref", sum(n for _, n in self.ref_quals))
        object.__setattr__(self, "alt", sum(n for _, n in self.alt_quals))

    @property
    def counts(self) -> Counts:
        return Counts(self.ref, self.alt, other=self.other)

    @property
    def alt_fraction(self) -> float:
        """ALT among REF and ALT fragments: the maximum-likelihood fraction when observations
        are error-free (other alleles do not inform it)."""
        informative = self.ref + self.alt
        return self.alt / informative if informative else 0.0


def qualities(values) -> Qualities:
    """A sorted quality histogram from an iterable of Phred values."""
    histogram: dict[int, int] = {}
    for q in values:
        histogram[q] = histogram.get(q, 0) + 1
    return tuple(sorted(histogram.items()))


def median_or_none(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


# --- the likelihood model ----------------------------------------------------------------------


def error_divisor(variant_kind: str) -> float:
    """How many wrong alleles an error spreads over: a substitution error gives this ALT base
    with a third of its probability; an indel error is taken to give this very indel."""
    return 3.0 if variant_kind in ("SNV", "MNV") else 1.0


@cache
def error_probability(q: int) -> float:
    """10^(-Q/10) of a Phred quality (at least Q1)."""
    return 10 ** (-max(q, 1) / 10)


def log10_likelihood(ev: SampleEvidence, fraction: float, divisor: float) -> float:
    """log10 P(observations | the allele in `fraction` of the fragments), each observation wrong
    with its own error probability 10^(-Q/10)."""
    total = 0.0
    for quals, shows_alt in ((ev.alt_quals, True), (ev.ref_quals, False)):
        for q, n in quals:
            error = error_probability(q)
            p_alt = fraction * (1 - error) + (1 - fraction) * error / divisor
            p_ref = (1 - fraction) * (1 - error) + fraction * error / divisor
            total += n * math.log10(p_alt if shows_alt else p_ref)
    return total


def tumor_lod(tumor: SampleEvidence, divisor: float) -> float:
    """TLOD: log10 odds of the allele at its estimated fraction against its absence."""
    if not tumor.alt:
        return 0.0
    f = tumor.alt_fraction
    return log10_likelihood(tumor, f, divisor) - log10_likelihood(tumor, 0.0, divisor)


def normal_lod(normal: SampleEvidence, tolerated: float, divisor: float) -> float:
    """NLOD: log10 odds that the normal lacks the allele (up to the tolerated fraction of tumour
    cells) against the normal being heterozygous for it."""
    return log10_likelihood(normal, tolerated, divisor) - log10_likelihood(normal, 0.5, divisor)


def normal_artifact_lod(normal: SampleEvidence, tolerated: float, divisor: float) -> float:
    """NALOD: log10 odds that the normal carries the allele at its own fraction against the
    tolerated fraction of tumour cells; 0 when its fraction is within that tolerance."""
    f = normal.alt_fraction
    if f <= tolerated:
        return 0.0
    return log10_likelihood(normal, f, divisor) - log10_likelihood(normal, tolerated, divisor)


def bias_lod(alt_a: int, alt_b: int, ref_a: int, ref_b: int, artifact_rate: float) -> float:
    """log10 odds that the ALT fragments come from one side only (strand, or read orientation),
    the few on the other side being errors at `artifact_rate`, against the ALT fragments being
    split between the sides as the REF fragments are."""
    if not alt_a + alt_b:
        return 0.0
    p = (ref_a + 1) / (ref_a + ref_b + 2)  # the REF's share of side a, with a pseudo-count
    one, rest = math.log10(1 - artifact_rate), math.log10(artifact_rate)
    only_a, only_b = alt_a * one + alt_b * rest, alt_b * one + alt_a * rest
    top = max(only_a, only_b)
    artifact = top + math.log10(0.5 + 0.5 * 10 ** (min(only_a, only_b) - top))
    real = alt_a * math.log10(p) + alt_b * math.log10(1 - p)
    return artifact - real


@dataclass(frozen=True)
class SomaticScores:
    """The log-odds behind one classification (written to INFO)."""

    tlod: float
    nlod: float
    nalod: float


def somatic_scores(
    tumor: SampleEvidence, normal: SampleEvidence, variant_kind: str, th: SomaticThresholds
) -> SomaticScores:
    divisor = error_divisor(variant_kind)
    tolerated = th.tumor_in_normal * tumor.alt_fraction
    return SomaticScores(
        tlod=tumor_lod(tumor, divisor),
        nlod=normal_lod(normal, tolerated, divisor),
        nalod=normal_artifact_lod(normal, tolerated, divisor),
    )


def germline_like(normal: SampleEvidence, tolerated: float, th: SomaticThresholds) -> bool:
    """The normal shows the ALT beyond the tolerance, at a fraction a germline genotype gives."""
    f = normal.alt_fraction
    if f <= tolerated:
        return False
    return f >= 0.5 or heterozygote_p(normal.alt, normal.ref + normal.alt) >= th.germline_balance_p


def mean_alt_mapq(tumor: SampleEvidence, normal: SampleEvidence) -> float:
    alt = tumor.alt + normal.alt
    return (tumor.alt_mapq_sum + normal.alt_mapq_sum) / alt if alt else 0.0


def classify_somatic(
    tumor: SampleEvidence,
    normal: SampleEvidence,
    variant_kind: str,
    th: SomaticThresholds,
    scores: SomaticScores | None = None,
) -> list[str]:
    """Every reason this ALT is not a somatic call, in vocabulary order; [] means PASS."""
    s = scores or somatic_scores(tumor, normal, variant_kind, th)
    tolerated = th.tumor_in_normal * tumor.alt_fraction
    germline = s.nlod < th.min_normal_lod and germline_like(normal, tolerated, th)
    artifact = not germline and s.nalod >= th.max_normal_artifact_lod
    flags = {
        "germline": germline,
        "normal_evidence": artifact,
        "low_normal_depth": s.nlod < th.min_normal_lod and not germline and not artifact,
        "low_evidence": s.tlod < th.min_tumor_lod,
        "strand_bias": bias_lod(
            tumor.alt_forward, tumor.alt_reverse, tumor.ref_forward, tumor.ref_reverse,
            th.bias_artifact_rate,
        ) >= th.max_bias_lod,
        "orientation_bias": bias_lod(
            tumor.alt_f1r2, tumor.alt_f2r1, tumor.ref_f1r2, tumor.ref_f2r1, th.bias_artifact_rate
        ) >= th.max_bias_lod,
        "read_end": tumor.alt_end_distance is not None
        and tumor.alt_end_distance < th.min_read_end_distance,
        "low_mapq": (tumor.alt + normal.alt) > 0
        and mean_alt_mapq(tumor, normal) < th.min_alt_mapq,
    }  # fmt: skip
    return [reason for reason in SOMATIC_FILTERS if flags.get(reason)]


# --- the germline genotype of the normal -------------------------------------------------------


def genotype_normal(normal: Counts, error_rate: float = 0.01) -> tuple[str, int]:
    """Diploid genotype from REF/ALT counts alone (binomial likelihoods) and its quality.

    Counts are the only input, so the genotype cannot depend on how the genome was chunked
    (freebayes' own GQ does, slightly). GQ = phred(best / second best likelihood), at most 99.
    """
    if normal.depth == 0:
        return "./.", 0
    # "not this ALT" is REF or another ALT: a 1/2 heterozygote is 0/1 for each of its ALTs
    rest = normal.depth - normal.alt
    log_l = {}
    for gt, p_alt in (("0/0", error_rate), ("0/1", 0.5), ("1/1", 1 - error_rate)):
        log_l[gt] = normal.alt * math.log10(p_alt) + rest * math.log10(1 - p_alt)
    ranked = sorted(log_l.items(), key=lambda kv: kv[1], reverse=True)
    gq = min(99, int(round(10 * (ranked[0][1] - ranked[1][1]))))
    return ranked[0][0], gq


@cache  # a pure function of two counts, asked again for every site with the same counts
def heterozygote_p(alt: int, depth: int) -> float:
    """Two-sided binomial p-value of `alt` ALT reads out of `depth` for a heterozygote (0.5)."""
    k = min(alt, depth - alt)
    log_terms = [
        math.lgamma(depth + 1) - math.lgamma(i + 1) - math.lgamma(depth - i + 1)
        for i in range(k + 1)
    ]
    tail = sum(math.exp(t - depth * math.log(2)) for t in log_terms)
    return min(1.0, 2 * tail)


def max_normal_depth(depths: list[int], th: GermlineThresholds) -> int | None:
    """The depth above which a site is a pile-up: max_depth_factor x the median normal depth
    over the joint call's sites (the sample's own typical depth); None without sites."""
    covered = sorted(d for d in depths if d > 0)
    if not covered:
        return None
    median = covered[len(covered) // 2]
    return int(th.max_depth_factor * median)


def classify_germline(
    normal: Counts, th: GermlineThresholds, max_depth: int | None = None
) -> tuple[str, int, list[str]] | None:
    """None when the normal does not carry the ALT; else (GT, GQ, filter reasons; [] = PASS)."""
    gt, gq = genotype_normal(normal)
    if "1" not in gt:
        return None
    reasons = []
    if normal.depth < th.min_depth:
        reasons.append("low_depth")
    if gq < th.min_gq:
        reasons.append("low_genotype_quality")
    if gt == "0/1" and heterozygote_p(normal.alt, normal.depth) < th.allele_balance_p:
        reasons.append("allele_imbalance")
    if max_depth is not None and normal.depth > max_depth:
        reasons.append("high_depth")
    return gt, gq, reasons


def variant_type(ref: str, alt: str) -> str:
    if len(ref) == len(alt):
        return "SNV" if len(ref) == 1 else "MNV"
    if len(ref) == 1 and alt.startswith(ref):
        return "INS"
    if len(alt) == 1 and ref.startswith(alt):
        return "DEL"
    return "DELINS"
