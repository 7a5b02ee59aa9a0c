"""concord's somatic model: classify each joint tumour/normal site as PASS or a named reason.

Input is freebayes' joint call of tumour and normal, split to one ALT per record and normalized
(bcftools norm -m -any). The model uses only allele counts, depths, mapping and base quality and
strand counts, so it is the same wherever it runs. docs/somatic-model.md gives the reasoning
and the measurements behind each threshold.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class SomaticThresholds:
    min_tumor_depth: int = 10
    min_normal_depth: int = 8
    min_tumor_alt: int = 3
    min_tumor_vaf: float = 0.02
    germline_normal_vaf: float = 0.15
    max_normal_alt: int = 1
    max_normal_vaf: float = 0.02
    min_alt_mapq: float = 30.0
    min_alt_base_quality: float = 20.0
    strand_bias_min_alt: int = 8
    strand_bias_min_fraction: float = 0.05

    def as_header(self) -> str:
        return ",".join(f"{k}={v}" for k, v in asdict(self).items())


# The closed FILTER vocabulary of the concord somatic VCF, in the order reasons are listed.
SOMATIC_FILTERS = {
    "PASS": "All filters passed: somatic call",
    "germline": "ALT in the normal at VAF >= germline_normal_vaf: a germline variant",
    "normal_evidence": "ALT reads in the normal above max_normal_alt and max_normal_vaf",
    "low_normal_depth": "Normal depth below min_normal_depth: germline origin cannot be ruled out",
    "low_tumor_depth": "Tumour depth below min_tumor_depth",
    "low_alt_reads": "Fewer than min_tumor_alt ALT reads in the tumour",
    "low_vaf": "Tumour VAF below min_tumor_vaf",
    "low_mapq": "Mean mapping quality of ALT reads below min_alt_mapq",
    "low_base_quality": (
        "Mean base quality of ALT observations in the tumour below min_alt_base_quality"
    ),
    "strand_bias": "ALT reads (>= strand_bias_min_alt) almost all on one strand",
}

GERMLINE_FILTERS = {
    "PASS": "All filters passed: germline variant of the normal",
    "low_depth": "Normal depth below min_depth",
    "low_genotype_quality": "Genotype quality of the normal (from its read counts) below min_gq",
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
    """Reads supporting REF, this ALT and any other ALT of the site in one sample, and the sum
    of this ALT's base qualities. A multiallelic site split to one record per ALT keeps the
    other ALTs' reads in `other`, so each record still sees the whole site."""

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


@dataclass(frozen=True)
class SiteEvidence:
    """Site-wide evidence for one ALT: mean ALT mapping quality and ALT reads per strand."""

    alt_mapq: float
    alt_forward: int
    alt_reverse: int


def classify_somatic(
    tumor: Counts, normal: Counts, site: SiteEvidence, th: SomaticThresholds
) -> list[str]:
    """Every reason this ALT is not a somatic call, in vocabulary order; [] means PASS."""
    reasons = []
    if normal.depth and normal.vaf >= th.germline_normal_vaf:
        reasons.append("germline")
    elif normal.alt > th.max_normal_alt and normal.vaf > th.max_normal_vaf:
        reasons.append("normal_evidence")
    if normal.depth < th.min_normal_depth:
        reasons.append("low_normal_depth")
    if tumor.depth < th.min_tumor_depth:
        reasons.append("low_tumor_depth")
    if tumor.alt < th.min_tumor_alt:
        reasons.append("low_alt_reads")
    if tumor.vaf < th.min_tumor_vaf:
        reasons.append("low_vaf")
    if site.alt_mapq < th.min_alt_mapq:
        reasons.append("low_mapq")
    if tumor.alt and tumor.alt_qual_sum / tumor.alt < th.min_alt_base_quality:
        reasons.append("low_base_quality")
    strand_total = site.alt_forward + site.alt_reverse
    if strand_total >= th.strand_bias_min_alt and (
        min(site.alt_forward, site.alt_reverse) / strand_total < th.strand_bias_min_fraction
    ):
        reasons.append("strand_bias")
    return reasons


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
