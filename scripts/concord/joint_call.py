"""freebayes' joint tumour/normal call as read counts (the identity check reads it).

The somatic and germline VCFs are made from fragment evidence (concord.evidence); the identity
check only needs each sample's genotype at germline sites, which freebayes' read counts give.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pysam

from concord.somatic import Counts
from concord.vcfspec import trim_alleles


@dataclass(frozen=True)
class JointRecord:
    chrom: str
    pos: int
    ref: str
    alt: str
    tumor: Counts
    normal: Counts


def _one(value):
    return value[0] if isinstance(value, tuple) else value


def _counts(sample) -> Counts:
    """REF, this ALT, other ALTs (bcftools norm --keep-sum AD folds them into AD[0]) and the
    ALT base-quality sum of one sample of a split record."""
    ref, alt = sample["RO"] or 0, _one(sample["AO"]) or 0
    ad = sample.get("AD")
    other = max(0, (ad[0] or 0) - ref) if ad and ad[0] is not None else 0
    return Counts(ref, alt, float(_one(sample["QA"]) or 0), other)


def read_joint_calls(path: str, tumor: str, normal: str) -> Iterator[JointRecord]:
    """One record per ALT of an input already split with bcftools norm -m -any."""
    with pysam.VariantFile(path) as vcf:
        for rec in vcf:
            alt = rec.alts[0]
            if alt == "*" or alt.startswith("<"):
                continue
            pos, ref, alt = trim_alleles(rec.pos, rec.ref.upper(), alt.upper())
            yield JointRecord(
                chrom=rec.chrom,
                pos=pos,
                ref=ref,
                alt=alt,
                tumor=_counts(rec.samples[tumor]),
                normal=_counts(rec.samples[normal]),
            )


def unique_sorted(records: list[JointRecord], contig_order: list[str]) -> list[JointRecord]:
    """Sorted by contig order, position and alleles; the first of identical sites is kept."""
    index = {c: i for i, c in enumerate(contig_order)}
    seen, out = set(), []
    for r in records:
        key = (r.chrom, r.pos, r.ref, r.alt)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return sorted(out, key=lambda r: (index[r.chrom], r.pos, r.ref, r.alt))
