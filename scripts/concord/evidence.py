"""Fragment-level evidence for candidate alleles, read from the tumour and normal BAMs.

freebayes proposes the candidates; this module decides, read by read, which allele each
fragment carries. A read is compared with the REF and the ALT haplotype over a window that holds
every equivalent placement of the change (an indel's repeat) and a few flanking bases, so the
verdict does not depend on where the aligner put an indel, and a read soft-clipped at the
change still counts. The two mates of a fragment give one observation. Each observation keeps
the Phred-scaled probability that it is an error, its strand, read orientation, mapping quality
and distance from the read end. docs/somatic-model.md explains every choice.
"""

from __future__ import annotations

import gzip
import os
import statistics
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields, replace
from itertools import pairwise

import pysam

from concord.somatic import SampleEvidence, qualities, variant_type

REF, ALT, OTHER = "ref", "alt", "other"
SKIPPED_FLAGS = 0x4 | 0x100 | 0x200 | 0x400 | 0x800  # unmapped, secondary, QC fail, dup, suppl.


@dataclass(frozen=True)
class EvidenceSettings:
    """How reads become fragment observations; part of the harmonized method (VCF header)."""

    min_mapping_quality: int = 20  # as freebayes' candidate input
    # a read supports the allele it matches better by this much (Phred: 10:1), else it is
    # ambiguous and not counted
    min_assignment_margin: int = 10
    indel_flank: int = 5  # reference bases on each side of an indel's repeat a read must show
    # indel errors: Q40 outside repeats, 3 less per further copy of the repeat unit, at least Q10
    indel_quality: int = 40
    indel_quality_per_repeat_unit: int = 3
    min_indel_quality: int = 10
    # two agreeing mates add their qualities up to this: a library PCR error is in both mates
    pcr_quality: int = 40
    # complex variants: ALTs at most merge_gap bases apart, carried together by at least
    # min_phased_fragments fragments and apart by at most max_unphased_fraction of those
    merge_gap: int = 5
    min_phased_fragments: int = 2
    max_unphased_fraction: float = 0.1

    def as_header(self) -> str:
        return ",".join(f"{k}={v}" for k, v in asdict(self).items())


@dataclass(frozen=True, order=True)
class Candidate:
    """A trimmed allele on the reference (1-based position, as in VCF)."""

    chrom: str
    pos: int
    ref: str
    alt: str

    @property
    def start(self) -> int:
        return self.pos - 1

    @property
    def end(self) -> int:
        return self.pos - 1 + len(self.ref)

    @property
    def kind(self) -> str:
        return variant_type(self.ref, self.alt)


@dataclass(frozen=True)
class Haplotype:
    sequence: str
    offset: int  # where the candidate's allele (REF or ALT) starts in it


@dataclass(frozen=True)
class Window:
    """The haplotypes a read is compared with over the reference interval [start, end): the
    candidate's REF and ALT, each alone and with every combination of the neighbouring
    candidates that reach into the window (so a read that carries a neighbour too still shows
    which allele it has here, and the two can be phased)."""

    start: int
    end: int
    ref: tuple[Haplotype, ...]
    alt: tuple[Haplotype, ...]
    flank: int  # reference bases beyond the change on each side
    # the Phred of an insertion or deletion observation (the indel error model); None where
    # the observation's quality is that of the bases that carry the change
    indel_quality: int | None


def repeat_unit(seq: str) -> str:
    """The shortest unit whose repeats make up seq ("ATAT" -> "AT")."""
    for size in range(1, len(seq) + 1):
        if len(seq) % size == 0 and seq[:size] * (len(seq) // size) == seq:
            return seq[:size]
    return seq


class Reference:
    """Uppercase reference sequence, fetched in blocks (indel windows walk base by base)."""

    def __init__(self, fasta: pysam.FastaFile):
        self.fasta = fasta

    def fetch(self, chrom: str, start: int, end: int) -> str:
        return self.fasta.fetch(chrom, max(0, start), end).upper()

    def shifted_end(self, chrom: str, point: int, seq: str) -> int:
        """How far right an indel of `seq` at `point` can slide: the end of its repeat."""
        end, block = point, ""
        while True:
            if end - point >= len(block):
                block = self.fetch(chrom, point, point + len(block) + 256)
                if end - point >= len(block):
                    return end  # contig end
            if block[end - point] != seq[0]:
                return end
            seq = seq[1:] + seq[0]
            end += 1

    def copies(self, chrom: str, start: int, unit: str, limit: int) -> int:
        """Tandem copies of unit in the reference from start (at most limit)."""
        text = self.fetch(chrom, start, start + len(unit) * limit)
        n = 0
        while text[n * len(unit) : (n + 1) * len(unit)] == unit:
            n += 1
        return n


def indel_quality(copies: int, s: EvidenceSettings) -> int:
    """Phred of an indel error at a site whose unit the reference repeats `copies` times."""
    penalty = s.indel_quality_per_repeat_unit * max(0, copies - 1)
    return max(s.min_indel_quality, s.indel_quality - penalty)


MAX_NEIGHBOURS = 4  # 2^4 haplotype pairs at most


def apply(sequence: str, start: int, variants: list[Candidate], c: Candidate) -> Haplotype:
    """The window sequence (from reference position start) with the variants applied, and
    where candidate c (one of them, or left as REF) starts in the result."""
    out, cursor = [], start
    for v in sorted(variants):
        out += [sequence[cursor - start : v.start - start], v.alt]
        cursor = v.end
    out.append(sequence[cursor - start :])
    shift = sum(len(v.alt) - len(v.ref) for v in variants if v.end <= c.start and v != c)
    return Haplotype("".join(out), c.start - start + shift)


def allele_window(
    ref: Reference, c: Candidate, s: EvidenceSettings, neighbours: tuple[Candidate, ...] = ()
) -> Window:
    """An SNV or MNV on its own bases; an indel over every position it could be written at,
    plus indel_flank bases on both sides; widened to hold the neighbours that reach into it."""
    kind = c.kind
    flank, quality = 0, None
    start, end = c.start, c.end
    if kind in ("INS", "DEL"):
        point = c.start + 1  # after the anchor base
        changed = c.alt[1:] if kind == "INS" else c.ref[1:]
        # the change slides right while the next reference base continues it
        span_end = ref.shifted_end(c.chrom, point if kind == "INS" else c.end, changed)
        quality = indel_quality(ref.copies(c.chrom, point, repeat_unit(changed), 64), s)
        flank, start, end = s.indel_flank, point, max(span_end, c.end)
    elif kind == "DELINS":  # written one way only after trimming
        flank = s.indel_flank
    start, end = max(0, start - flank), end + flank
    near = [n for n in neighbours if n.start < end and n.end > start and n != c]
    near = [n for n in near if n.end <= c.start or n.start >= c.end]  # not another allele here
    near = sorted(near, key=lambda n: (abs(n.start - c.start), n))[:MAX_NEIGHBOURS]
    if near:
        start, end = min(start, *(n.start for n in near)), max(end, *(n.end for n in near))
    sequence = ref.fetch(c.chrom, start, end)
    end = start + len(sequence)
    refs, alts = [], []
    for mask in range(2 ** len(near)):
        chosen = sorted(n for i, n in enumerate(near) if mask >> i & 1)
        if any(b.start < a.end for a, b in pairwise(chosen)):
            continue  # two neighbours over the same bases cannot both be carried
        refs.append(apply(sequence, start, chosen, c))
        alts.append(apply(sequence, start, sorted([*chosen, c]), c))
    return Window(start, end, tuple(refs), tuple(alts), flank, quality)


# --- one read ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """What one read, or one fragment, shows at a candidate."""

    allele: str  # ref, alt or other
    quality: int  # Phred of the probability that the observation is wrong (ref and alt only)
    reverse: bool
    f1r2: bool  # the fragment's orientation: read 1 forward, read 2 reverse
    mapq: int
    end_distance: int  # bases between the change and the nearer end of the read's alignment
    read1: bool


_CONSUMES = {0: (True, True), 1: (True, False), 2: (False, True), 3: (False, True),
             4: (True, False), 5: (False, False), 6: (False, False), 7: (True, True),
             8: (True, True)}  # fmt: skip


def query_position(read: pysam.AlignedSegment, ref_pos: int) -> int | None:
    """The read base aligned to reference position ref_pos (a match or mismatch), if any."""
    q, r = 0, read.reference_start
    for op, length in read.cigartuples:
        on_query, on_ref = _CONSUMES[op]
        if on_query and on_ref:
            if r <= ref_pos < r + length:
                return q + ref_pos - r
        if on_query:
            q += length
        if on_ref:
            r += length
            if r > ref_pos:
                return None
    return None


def _compare(seq: str, quals, first: int, haplotype: str) -> tuple[int, int]:
    """(sum of base qualities where the read differs from the haplotype, haplotype bases the
    read covers), the haplotype's first base placed at read index `first`."""
    lo, hi = max(first, 0), min(first + len(haplotype), len(seq))
    cost = sum(quals[i] for i in range(lo, hi) if seq[i] != haplotype[i - first])
    return cost, max(0, hi - lo)


def read_observation(
    read: pysam.AlignedSegment, c: Candidate, w: Window, s: EvidenceSettings
) -> Observation | None:
    """The allele one read shows at the candidate, or None when it does not tell.

    A read aligned at both ends of the window is compared base by base with each haplotype of
    its length (a read of no haplotype's length shows another allele). A read aligned at one
    end only (soft-clipped, or ending in the window) is compared from that end; it tells only
    when it reaches into the far flank of the haplotype it matches. A read supports the allele
    whose haplotype it matches (mismatches summing below the margin) when every haplotype of
    the other allele is worse by the margin.
    """
    left = query_position(read, w.start)
    right = query_position(read, w.end - 1)
    seq, quals = read.query_sequence, read.query_qualities
    if seq is None or quals is None:
        return None
    whole = left is not None and right is not None
    if not whole and read.reference_start <= w.start and read.reference_end >= w.end:
        # aligned across the window, but a deletion takes an end of it: the read has another
        # allele here (a deletion over an SNV: VCF's "*")
        return _observation(read, OTHER, 0, left if left is not None else right or 0)
    if left is None and right is None:
        return None
    # (cost, allele, haplotype, where its first base sits in the read, bases covered)
    compared = []
    for allele, haplotypes in ((REF, w.ref), (ALT, w.alt)):
        for h in haplotypes:
            size = len(h.sequence)
            if whole and right - left + 1 != size:
                continue  # the read holds another length here
            first = left if left is not None else right + 1 - size
            cost, covered = _compare(seq, quals, first, h.sequence)
            compared.append((cost, allele, h, first, covered))
    best = {}
    for entry in sorted(compared, key=lambda e: (e[0], e[1], e[2].sequence)):
        best.setdefault(entry[1], entry)
    ranked = sorted(best.values(), key=lambda e: (e[0], e[1]))
    allele, chosen = None, None
    if ranked and ranked[0][0] < s.min_assignment_margin:
        cost, candidate_allele, h, first, covered = ranked[0]
        reaches = covered >= len(h.sequence) - max(w.flank - 1, 0)
        if len(ranked) == 2:
            clear = ranked[1][0] - cost >= s.min_assignment_margin
        else:
            clear = whole  # the read's length fits this allele's haplotypes only
        if reaches and clear:
            allele, chosen = candidate_allele, ranked[0]
    if allele is None and whole and (not ranked or ranked[0][0] >= s.min_assignment_margin):
        allele = OTHER  # confidently neither: another allele, or a read full of errors
    if allele is None:
        return None
    quality = 0
    at = left if left is not None else right  # where the change is, roughly, for OTHER
    if chosen is not None:
        _, _, h, first, _ = chosen
        at = first + h.offset
        if w.indel_quality is not None:
            quality = w.indel_quality
        else:  # the bases that carry the change: an SNV's base, the replaced bases
            changed = c.alt if allele == ALT else c.ref
            positions = [p for p in range(at, at + len(changed)) if 0 <= p < len(seq)]
            if not positions:
                return None
            quality = sum(quals[p] for p in positions) // len(positions)
        quality = min(quality, read.mapping_quality)
    return _observation(read, allele, quality, at)


def _observation(read: pysam.AlignedSegment, allele: str, quality: int, at: int) -> Observation:
    """The observation of a read whose change sits at read index `at`."""
    end_distance = max(0, min(at - read.query_alignment_start, read.query_alignment_end - 1 - at))
    return Observation(
        allele=allele,
        quality=quality,
        reverse=read.is_reverse,
        f1r2=read.is_read1 != read.is_reverse,
        mapq=read.mapping_quality,
        end_distance=end_distance,
        read1=read.is_read1,
    )


# --- one fragment -----------------------------------------------------------------------------


def fragment_observation(reads: list[Observation], s: EvidenceSettings) -> Observation | None:
    """One observation per fragment from its reads' (overlapping mates).

    Mates that agree give the better mate's observation, its quality raised to their sum up to
    pcr_quality (an error in library PCR is in both mates). Mates that disagree give the
    better-quality mate's allele at the difference of their qualities (the likelihood ratio of
    the two reads together), or nothing when that difference is below the assignment margin.
    A mate that shows another allele does not outweigh one that shows REF or ALT.
    """
    ordered = sorted(reads, key=lambda o: not o.read1)  # read 1 first: independent of BAM order
    informative = [o for o in ordered if o.allele != OTHER]
    if not informative:
        return ordered[0] if ordered else None
    if len(informative) == 1:
        return informative[0]
    a, b = informative[:2]
    best, worst = (a, b) if a.quality >= b.quality else (b, a)
    if a.allele == b.allele:
        summed = min(a.quality + b.quality, max(s.pcr_quality, best.quality))
        return replace(best, quality=summed)
    difference = best.quality - worst.quality
    if difference < s.min_assignment_margin:
        return None
    return replace(best, quality=difference)


def summarize(fragments: Iterable[Observation]) -> SampleEvidence:
    ref_q, alt_q, distances = [], [], []
    names = ("other", "ref_forward", "ref_reverse", "alt_forward", "alt_reverse", "ref_f1r2",
             "ref_f2r1", "alt_f1r2", "alt_f2r1", "alt_mapq_sum")  # fmt: skip
    counts = dict.fromkeys(names, 0)
    for o in fragments:
        if o.allele == OTHER:
            counts["other"] += 1
            continue
        (alt_q if o.allele == ALT else ref_q).append(o.quality)
        counts[f"{o.allele}_{'reverse' if o.reverse else 'forward'}"] += 1
        counts[f"{o.allele}_{'f1r2' if o.f1r2 else 'f2r1'}"] += 1
        if o.allele == ALT:
            counts["alt_mapq_sum"] += o.mapq
            distances.append(o.end_distance)
    return SampleEvidence(
        ref_quals=qualities(ref_q),
        alt_quals=qualities(alt_q),
        alt_end_distance=float(statistics.median(distances)) if distances else None,
        **counts,
    )


def fragment_alleles(
    bam: pysam.AlignmentFile, c: Candidate, w: Window, s: EvidenceSettings
) -> dict[str, Observation]:
    """The observation of every fragment with a read over the candidate, by fragment name."""
    by_name: dict[str, list[Observation]] = {}
    for read in bam.fetch(c.chrom, w.start, w.end):
        if read.flag & SKIPPED_FLAGS or read.mapping_quality < s.min_mapping_quality:
            continue
        observation = read_observation(read, c, w, s)
        if observation is not None:
            by_name.setdefault(read.query_name, []).append(observation)
    fragments = {}
    for name, reads in by_name.items():
        observation = fragment_observation(reads, s)
        if observation is not None:
            fragments[name] = observation
    return fragments


# --- a candidate in both samples --------------------------------------------------------------


@dataclass(frozen=True)
class CandidateEvidence:
    candidate: Candidate
    tumor: SampleEvidence
    normal: SampleEvidence


@dataclass
class Collected:
    """Evidence of one candidate, with each fragment's allele kept for phasing."""

    evidence: CandidateEvidence
    alleles: dict[str, str]  # "T:<name>" / "N:<name>" -> ref, alt or other


class EvidenceReader:
    """Reads the tumour and normal BAMs at candidates."""

    def __init__(self, tumor_bam: str, normal_bam: str, reference: str, s: EvidenceSettings):
        self.bams = {"T": pysam.AlignmentFile(tumor_bam), "N": pysam.AlignmentFile(normal_bam)}
        self.reference = Reference(pysam.FastaFile(reference))
        self.settings = s

    def collect(self, c: Candidate, neighbours: tuple[Candidate, ...] = ()) -> Collected:
        w = allele_window(self.reference, c, self.settings, neighbours)
        summaries, alleles = {}, {}
        for sample, bam in self.bams.items():
            fragments = fragment_alleles(bam, c, w, self.settings)
            summaries[sample] = summarize(fragments.values())
            alleles |= {f"{sample}:{name}": o.allele for name, o in fragments.items()}
        return Collected(CandidateEvidence(c, summaries["T"], summaries["N"]), alleles)


# --- the evidence table -----------------------------------------------------------------------

SAMPLE_FIELDS = tuple(f.name for f in fields(SampleEvidence))
TABLE_COLUMNS = ("chrom", "pos", "ref", "alt") + tuple(
    f"{sample}_{name}" for sample in ("tumor", "normal") for name in SAMPLE_FIELDS
)


def _format(value) -> str:
    if value is None:
        return "."
    if isinstance(value, tuple):
        return ",".join(f"{q}:{n}" for q, n in value) or "."
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _parse_quals(text: str) -> tuple:
    """A quality histogram from its table text ("q:n,q:n", "." when empty)."""
    if text == ".":
        return ()
    return tuple(tuple(map(int, item.split(":"))) for item in text.split(","))


def _parsers() -> list:
    """One parser per SAMPLE_FIELDS column, chosen by its name once: quality histograms
    (remembered by their text: most sites share a few histograms' texts), the ALT fragments'
    distance from the read end (a float, "." for none) and counts (int)."""
    remembered: dict[str, tuple] = {}

    def quals(text: str) -> tuple:
        value = remembered.get(text)
        if value is None:
            value = remembered[text] = _parse_quals(text)
        return value

    def distance(text: str) -> float | None:
        return None if text == "." else float(text)

    return [
        quals if n.endswith("_quals") else distance if n == "alt_end_distance" else int
        for n in SAMPLE_FIELDS
    ]


def evidence_rows(records: Iterable[CandidateEvidence]) -> Iterator[str]:
    yield "\t".join(TABLE_COLUMNS)
    for r in records:
        c = r.candidate
        values = [c.chrom, str(c.pos), c.ref, c.alt]
        for sample in (r.tumor, r.normal):
            values += [_format(getattr(sample, name)) for name in SAMPLE_FIELDS]
        yield "\t".join(values)


def write_evidence_table(records: Iterable[CandidateEvidence], path: str) -> None:
    """A bgzipped TSV, one row per candidate allele (the same rows give the same bytes)."""
    plain = path.removesuffix(".gz")
    with open(plain, "w") as fh:
        fh.writelines(line + "\n" for line in evidence_rows(records))
    pysam.tabix_compress(plain, path, force=True)
    os.unlink(plain)


def read_evidence_table(path: str) -> list[CandidateEvidence]:
    parsers, width = _parsers(), len(SAMPLE_FIELDS)
    tumor_at, normal_at = range(4, 4 + width), range(4 + width, 4 + 2 * width)
    records = []
    with gzip.open(path, "rt") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        if tuple(header) != TABLE_COLUMNS:
            raise ValueError(f"{path}: not a concord evidence table (columns differ)")
        for line in fh:
            values = line.rstrip("\n").split("\t")
            if len(values) < len(TABLE_COLUMNS):
                raise ValueError(f"{path}: a row has {len(values)} columns, not {len(header)}")
            tumor = SampleEvidence(*[f(values[i]) for f, i in zip(parsers, tumor_at, strict=True)])
            normal = SampleEvidence(
                *[f(values[i]) for f, i in zip(parsers, normal_at, strict=True)]
            )
            c = Candidate(values[0], int(values[1]), values[2], values[3])
            records.append(CandidateEvidence(c, tumor, normal))
    return records
