"""Tumour/normal identity: genotype concordance at the pair's own germline SNV sites.

The sites come from the data, not from a list made for one dataset: every SNV of the pair's
joint call where both samples have enough reads for a confident genotype and where the normal
carries the ALT or the tumour is homozygous ALT. Somatic mutations (tumour ALT, normal REF at
ordinary allele fractions) are therefore not counted against the pair, while the germline
variants of a different person are: a normal from another patient has ALT alleles the tumour
lacks. A site is concordant when the other sample carries the ALT too.
"""

from __future__ import annotations

from dataclasses import dataclass

from concord.joint_call import read_joint_calls, unique_sorted
from concord.jsonio import write_json
from concord.somatic import Counts, genotype_normal
from concord.versions import versions_of

# what the genotypes compared here were made with
SOFTWARE = ("freebayes", "bcftools", "pysam")


@dataclass(frozen=True)
class IdentityRule:
    min_depth: int
    min_gq: int
    min_concordance: float
    min_sites: int


@dataclass(frozen=True)
class IdentityResult:
    sites: int
    concordant: int

    @property
    def concordance(self) -> float | None:
        return self.concordant / self.sites if self.sites else None

    def verdict(self, rule: IdentityRule) -> str:
        if self.sites < rule.min_sites:
            return "warn"  # too few informative sites to judge
        return "pass" if self.concordance >= rule.min_concordance else "fail"


def confident_genotype(counts: Counts, rule: IdentityRule) -> str | None:
    if counts.depth < rule.min_depth:
        return None
    gt, gq = genotype_normal(counts)
    return gt if gq >= rule.min_gq else None


def site_concordance(tumor: Counts, normal: Counts, rule: IdentityRule) -> bool | None:
    """None when the site is not informative, else whether the two samples agree."""
    gt_t, gt_n = confident_genotype(tumor, rule), confident_genotype(normal, rule)
    if gt_t is None or gt_n is None:
        return None
    if gt_n != "0/0":
        return gt_t != "0/0"
    if gt_t == "1/1":
        return False
    return None


def pair_identity(joint_vcf: str, tumor: str, normal: str, rule: IdentityRule) -> IdentityResult:
    records = list(read_joint_calls(joint_vcf, tumor, normal))
    contigs = sorted({r.chrom for r in records})
    sites = concordant = 0
    for r in unique_sorted(records, contigs):
        if len(r.ref) != 1 or len(r.alt) != 1:
            continue
        agree = site_concordance(r.tumor, r.normal, rule)
        if agree is not None:
            sites += 1
            concordant += agree
    return IdentityResult(sites, concordant)


def write_identity(
    joint_vcf: str, tumor: str, normal: str, rule: dict, versions: str, output: str
) -> None:
    """The pair's identity record (results/qc/identity/...json): sites, concordance, verdict,
    the rule applied and the software the genotypes were made with."""
    identity_rule = IdentityRule(**rule)
    result = pair_identity(joint_vcf, tumor, normal, identity_rule)
    concordance = result.concordance
    record = {
        "tumor": tumor,
        "normal": normal,
        "sites": result.sites,
        "concordant": result.concordant,
        "concordance": None if concordance is None else round(concordance, 4),
        "verdict": result.verdict(identity_rule),
        "rule": rule,
        "software": versions_of(versions, SOFTWARE),
    }
    write_json(record, output)
