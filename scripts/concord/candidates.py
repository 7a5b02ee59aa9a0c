"""From freebayes' candidates to the evidence of each allele, complex changes as one record.

freebayes writes a change as pieces when they are more than its haplotype length apart: a
4-base delins as a 1-base deletion and an SNV three bases on. The pieces carry the wrong
clinical meaning (a frameshift plus a missense is not an in-frame delins, and ClinVar knows
the delins), so nearby candidates are merged into one delins or MNV when the reads phase them
together: at least min_phased_fragments fragments carry both ALTs and few carry one without the
other. Distance alone never merges: two variants on different haplotypes stay two records.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import pysam

from concord.evidence import (
    ALT,
    OTHER,
    REF,
    Candidate,
    CandidateEvidence,
    Collected,
    EvidenceReader,
    EvidenceSettings,
    Reference,
)
from concord.vcfspec import trim_alleles


def joint_candidates(joint_vcf: str) -> list[Candidate]:
    """Every ALT of the joint call (already split and left-aligned), trimmed, once."""
    seen, out = set(), []
    with pysam.VariantFile(joint_vcf) as vcf:
        for rec in vcf:
            alt = rec.alts[0] if rec.alts else None
            if alt is None or alt == "*" or alt.startswith("<"):
                continue
            c = Candidate(rec.chrom, *trim_alleles(rec.pos, rec.ref.upper(), alt.upper()))
            if c not in seen:
                seen.add(c)
                out.append(c)
    return out


def proximity_groups(
    candidates: list[Candidate], contigs: list[str], gap: int
) -> Iterator[list[Candidate]]:
    """Candidates in reference order, grouped where each starts at most `gap` bases after the
    furthest end so far (only within a group can two candidates be merged)."""
    index = {c: i for i, c in enumerate(contigs)}
    group: list[Candidate] = []
    reach = -1
    for c in sorted(candidates, key=lambda c: (index[c.chrom], c.start, c.end, c.ref, c.alt)):
        if group and (c.chrom != group[-1].chrom or c.start - reach > gap):
            yield group
            group, reach = [], -1
        group.append(c)
        reach = max(reach, c.end)
    if group:
        yield group


def phase_counts(a: dict[str, str], b: dict[str, str]) -> tuple[int, int]:
    """Fragments that carry both ALTs, and fragments that carry one ALT and the other's REF."""
    together = apart = 0
    for name, allele in a.items():
        other = b.get(name)
        if other is None or OTHER in (allele, other) or allele == other == REF:
            continue
        if allele == other == ALT:
            together += 1
        else:
            apart += 1
    return together, apart


def phased(a: dict[str, str], b: dict[str, str], s: EvidenceSettings) -> bool:
    together, apart = phase_counts(a, b)
    return together >= s.min_phased_fragments and apart <= s.max_unphased_fraction * together


def merged_candidate(members: list[Candidate], ref: Reference) -> Candidate:
    """The one change the members make together, trimmed."""
    chrom = members[0].chrom
    start, end = min(m.start for m in members), max(m.end for m in members)
    sequence = ref.fetch(chrom, start, end)
    pieces, cursor = [], start
    for m in sorted(members):
        pieces += [sequence[cursor - start : m.start - start], m.alt]
        cursor = m.end
    pieces.append(sequence[cursor - start :])
    return Candidate(chrom, *trim_alleles(start + 1, sequence, "".join(pieces)))


def _components(collected: list[Collected], s: EvidenceSettings) -> list[list[int]]:
    """Chains of candidates (by index) that follow each other within merge_gap, phased."""
    parent = list(range(len(collected)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i, a in enumerate(collected):
        ca = a.evidence.candidate
        for j in range(i + 1, len(collected)):
            cb = collected[j].evidence.candidate
            if cb.start < ca.end:
                continue  # overlapping: two alleles of one site, never one change
            if cb.start - ca.end > s.merge_gap:
                break
            if phased(a.alleles, collected[j].alleles, s):
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(collected)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def merge_complex(collected: list[Collected], reader: EvidenceReader) -> list[CandidateEvidence]:
    """The evidence of a proximity group, phased neighbours replaced by their merged change."""
    s = reader.settings
    out: dict[Candidate, CandidateEvidence] = {}
    for members in _components(collected, s):
        candidates = [collected[i].evidence.candidate for i in members]
        disjoint = all(b.start >= a.end for a, b in pairwise(candidates))
        if len(members) > 1 and disjoint:
            merged_change = merged_candidate(candidates, reader.reference)
            others = tuple(
                c.evidence.candidate for c in collected if c.evidence.candidate not in candidates
            )
            merged = reader.collect(merged_change, others).evidence
            if merged.tumor.alt + merged.normal.alt >= s.min_phased_fragments:
                out.setdefault(merged.candidate, merged)
                continue
        for i in members:
            out.setdefault(collected[i].evidence.candidate, collected[i].evidence)
    return list(out.values())


def pair_evidence(
    joint_vcf: str, tumor_bam: str, normal_bam: str, reference: str, s: EvidenceSettings
) -> list[CandidateEvidence]:
    """Fragment evidence of every candidate of a pair's joint call, complex changes merged,
    in reference order."""
    reader = EvidenceReader(tumor_bam, normal_bam, reference, s)
    contigs = list(reader.reference.fasta.references)
    records: list[CandidateEvidence] = []
    for group in proximity_groups(joint_candidates(joint_vcf), contigs, s.merge_gap):
        neighbours = tuple(group)
        records += merge_complex([reader.collect(c, neighbours) for c in group], reader)
    index = {c: i for i, c in enumerate(contigs)}
    return sorted(
        set(records), key=lambda r: (index[r.candidate.chrom], r.candidate.pos, r.candidate.ref,
                                     r.candidate.alt),
    )  # fmt: skip
