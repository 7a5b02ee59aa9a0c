"""Match calls to truth by the sequence they produce, as `rtg vcfeval` does.

One change can be written in several ways: a 4-base delins as a deletion plus an SNV, an MNV as
SNVs, an indel in a repeat shifted left or right. Comparing records would count such a correct
call as false positives and a false negative. Here nearby variants of both sets are gathered
into clusters; within a cluster, the largest subsets of truth and calls that give the same
sequence when applied to the reference are matched. Variants within a cluster are taken to be
on one haplotype (somatic variants have no genotype to phase them by).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations

# Variants closer than this (bases between one's end and the next's start) share a cluster;
# a shifted indel in a repeat needs its repeat length, so an indel adds its own length.
CLUSTER_GAP = 10
# Beyond this many variants per side a cluster is matched record by record (2^n subsets).
MAX_SUBSET_SEARCH = 8

Fetch = Callable[[str, int, int], str]  # contig, 0-based start, end -> sequence


@dataclass(frozen=True, order=True)
class Allele:
    chrom: str
    pos: int  # 1-based, VCF convention
    ref: str
    alt: str

    @property
    def start(self) -> int:
        return self.pos - 1

    @property
    def end(self) -> int:
        return self.pos - 1 + len(self.ref)

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == 1 and len(self.alt) == 1

    @property
    def reach(self) -> int:
        """How far past its end a representation of this change may lie."""
        return CLUSTER_GAP + abs(len(self.ref) - len(self.alt))


def apply(variants: Iterable[Allele], seg_start: int, segment: str) -> str | None:
    """The segment with the variants applied; None when two of them overlap."""
    out, cursor = [], seg_start
    for v in sorted(variants):
        if v.start < cursor:
            return None
        out.append(segment[cursor - seg_start : v.start - seg_start])
        out.append(v.alt)
        cursor = v.end
    out.append(segment[cursor - seg_start :])
    return "".join(out)


def clusters(truth: set[Allele], calls: set[Allele]) -> list[tuple[set[Allele], set[Allele]]]:
    """Groups of nearby variants, per contig, each with its truth and its calls."""
    tagged = sorted([(v, True) for v in truth] + [(v, False) for v in calls])
    groups: list[tuple[set[Allele], set[Allele]]] = []
    chrom, reach = None, -1
    for v, is_truth in tagged:
        if v.chrom != chrom or v.start > reach:
            groups.append((set(), set()))
            chrom, reach = v.chrom, -1
        groups[-1][0 if is_truth else 1].add(v)
        reach = max(reach, v.end + v.reach)
    return groups


def _subsets(variants: set[Allele]):
    items = sorted(variants)
    for size in range(len(items), 0, -1):
        yield from combinations(items, size)


def match_cluster(
    truth: set[Allele], calls: set[Allele], fetch: Fetch
) -> tuple[set[Allele], set[Allele]]:
    """The truth and calls of one cluster that produce the same sequence (largest such sets)."""
    exact = truth & calls
    if not truth or not calls:
        return set(), set()
    if len(truth) > MAX_SUBSET_SEARCH or len(calls) > MAX_SUBSET_SEARCH:
        return exact, set(exact)
    every = truth | calls
    chrom = next(iter(every)).chrom
    seg_start = max(0, min(v.start for v in every) - 1)
    seg_end = max(v.end for v in every) + 1
    segment = fetch(chrom, seg_start, seg_end)
    reference = segment
    by_sequence: dict[str, tuple[Allele, ...]] = {}
    for subset in _subsets(calls):  # largest first: keep the largest per sequence
        seq = apply(subset, seg_start, segment)
        if seq is not None and seq != reference:
            by_sequence.setdefault(seq, subset)
    best: tuple[set[Allele], set[Allele]] = (exact, set(exact))
    for subset in _subsets(truth):
        seq = apply(subset, seg_start, segment)
        match = by_sequence.get(seq) if seq is not None else None
        if match and len(subset) + len(match) > len(best[0]) + len(best[1]):
            best = (set(subset), set(match))
    return best


def match(
    truth: set[Allele], calls: set[Allele], fetch: Fetch
) -> tuple[set[Allele], set[Allele], dict[Allele, set[Allele]]]:
    """(truth matched, calls matched, for each matched call the truth it matched with)."""
    matched_truth: set[Allele] = set()
    matched_calls: set[Allele] = set()
    partners: dict[Allele, set[Allele]] = {}
    for t, c in clusters(truth, calls):
        mt, mc = match_cluster(t, c, fetch)
        matched_truth |= mt
        matched_calls |= mc
        for call in mc:
            partners[call] = {call} if mt == mc else set(mt)
    return matched_truth, matched_calls, partners
