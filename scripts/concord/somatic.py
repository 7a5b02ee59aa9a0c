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
}


@dataclass(frozen=True)
class GermlineThresholds:
    min_depth: int = 8
    min_gq: int = 20

    def as_header(self) -> str:
        return ",".join(f"{k}={v}" for k, v in asdict(self).items())


@dataclass(frozen=True)
class Counts:
    """Reads supporting REF and ALT in one sample, and the sum of ALT base qualities."""

    ref: int
    alt: int
    alt_qual_sum: float = 0.0

    @property
    def depth(self) -> int:
        return self.ref + self.alt

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
    log_l = {}
    for gt, p_alt in (("0/0", error_rate), ("0/1", 0.5), ("1/1", 1 - error_rate)):
        log_l[gt] = normal.alt * math.log10(p_alt) + normal.ref * math.log10(1 - p_alt)
    ranked = sorted(log_l.items(), key=lambda kv: kv[1], reverse=True)
    gq = min(99, int(round(10 * (ranked[0][1] - ranked[1][1]))))
    return ranked[0][0], gq


def classify_germline(normal: Counts, th: GermlineThresholds) -> tuple[str, int, list[str]] | None:
    """None when the normal does not carry the ALT; else (GT, GQ, filter reasons; [] = PASS)."""
    gt, gq = genotype_normal(normal)
    if "1" not in gt:
        return None
    reasons = []
    if normal.depth < th.min_depth:
        reasons.append("low_depth")
    if gq < th.min_gq:
        reasons.append("low_genotype_quality")
    return gt, gq, reasons


def variant_type(ref: str, alt: str) -> str:
    if len(ref) == len(alt):
        return "SNV" if len(ref) == 1 else "MNV"
    if len(ref) == 1 and alt.startswith(ref):
        return "INS"
    if len(alt) == 1 and ref.startswith(alt):
        return "DEL"
    return "DELINS"
