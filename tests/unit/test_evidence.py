"""Fragment evidence from hand-made reads: one observation per fragment, indels wherever the
aligner put them, per-type qualities, and complex changes merged only when the reads phase them."""

from __future__ import annotations

import random

import pysam
import pytest
from concord.candidates import pair_evidence
from concord.evidence import (
    Candidate,
    EvidenceReader,
    EvidenceSettings,
    read_evidence_table,
    write_evidence_table,
)

SETTINGS = EvidenceSettings()
READ = 50


def _reference() -> str:
    rng = random.Random(7)
    seq = [rng.choice("ACGT") for _ in range(600)]
    seq[200:212] = "GCAGAGAGTCTA"  # an AG repeat: a deletion of AG can be written at 3 places
    return "".join(seq)


REF = _reference()


def aligned(variants: list[tuple[int, str, str]]) -> list[tuple[int | None, str | None]]:
    """The haplotype with the variants (0-based pos, REF, ALT) as (reference position, base)
    pairs: a deleted base has no base, an inserted base no reference position."""
    out, i = [], 0
    for pos, ref, alt in sorted(variants):
        out += [(j, REF[j]) for j in range(i, pos)]
        shared = 1 if len(ref) != len(alt) and ref[0] == alt[0] else 0
        common = min(len(ref), len(alt))
        out += [(pos + k, alt[k]) for k in range(common)]
        out += [(pos + k, None) for k in range(common, len(ref))]
        out += [(None, b) for b in alt[max(common, shared) :]]
        i = pos + len(ref)
    return out + [(j, REF[j]) for j in range(i, len(REF))]


def read_from(haplotype, ref_start: int, length: int = READ, clip_end: int = 0):
    """(reference start, sequence, cigar) of a read of the haplotype starting at ref_start."""
    first = next(i for i, (pos, _) in enumerate(haplotype) if pos == ref_start)
    ops, seq = [], []
    for pos, base in haplotype[first:]:
        if len(seq) == length:
            break
        op = 0 if pos is not None and base is not None else (2 if base is None else 1)
        if base is not None:
            seq.append(base)
        if ops and ops[-1][0] == op:
            ops[-1][1] += 1
        else:
            ops.append([op, 1])
    if clip_end:
        kept, tail = [], clip_end
        for op, n in reversed(ops):
            if tail and op in (0, 1):
                cut = min(n, tail)
                tail -= cut
                if n > cut:
                    kept.append([op, n - cut])
            elif not tail:
                kept.append([op, n])
        ops = list(reversed(kept)) + [[4, clip_end]]
    return ref_start, "".join(seq), [tuple(o) for o in ops]


class Bam:
    """Fragments written as read pairs into a sorted, indexed BAM."""

    def __init__(self):
        self.reads = []

    def pair(self, name, haplotype, r1_start, r2_start, quals=None, mates=(True, True)):
        """A fragment: read 1 forward at r1_start, read 2 reverse at r2_start; `quals` sets the
        base quality of read 1 and 2 at reference positions {(mate, ref_pos): q}."""
        for mate, start, reverse in ((1, r1_start, False), (2, r2_start, True)):
            if not mates[mate - 1]:
                continue
            self.reads.append((name, mate, reverse, *read_from(haplotype, start), quals or {}))

    def clipped(self, name, haplotype, start, clip_end):
        self.reads.append((name, 1, False, *read_from(haplotype, start, clip_end=clip_end), {}))

    def write(self, path) -> str:
        header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "c1", "LN": len(REF)}]}
        unsorted = f"{path}.unsorted.bam"
        with pysam.AlignmentFile(unsorted, "wb", header=header) as out:
            for name, mate, reverse, start, seq, cigar, quals in self.reads:
                a = pysam.AlignedSegment()
                a.query_name, a.query_sequence = name, seq
                a.flag = 0x1 | 0x2 | (0x40 if mate == 1 else 0x80) | (0x10 if reverse else 0x20)
                a.reference_id, a.reference_start, a.mapping_quality = 0, start, 60
                a.cigartuples = cigar
                a.next_reference_id, a.next_reference_start = 0, start
                q = [30] * len(seq)
                ref_pos, qpos = start, 0
                for op, n in cigar:
                    for _ in range(n):
                        if op == 0 and (mate, ref_pos) in quals:
                            q[qpos] = quals[(mate, ref_pos)]
                        qpos += op in (0, 1, 4)
                        ref_pos += op in (0, 2)
                a.query_qualities = pysam.qualitystring_to_array("".join(chr(x + 33) for x in q))
                out.write(a)
        pysam.sort("-o", str(path), unsorted)
        pysam.index(str(path))
        return str(path)


@pytest.fixture
def reference(tmp_path):
    path = tmp_path / "ref.fa"
    path.write_text(f">c1\n{REF}\n")
    pysam.faidx(str(path))
    return str(path)


def normal_bam(tmp_path, start=250) -> str:
    bam = Bam()
    for i in range(30):
        bam.pair(f"n{i}", aligned([]), start - 40 + i, start + 30 + i)
    return bam.write(tmp_path / "normal.bam")


def tumor_evidence(tmp_path, reference, bam: Bam, candidate: Candidate):
    reader = EvidenceReader(
        bam.write(tmp_path / "tumor.bam"), normal_bam(tmp_path), reference, SETTINGS
    )
    return reader.collect(candidate).evidence.tumor


def snv(pos: int) -> tuple[int, str, str]:
    return pos, REF[pos], "A" if REF[pos] != "A" else "C"


def test_overlapping_mates_are_one_fragment(tmp_path, reference):
    pos, ref, alt = snv(300)
    bam = Bam()
    for i in range(10):  # both mates over the SNV
        bam.pair(f"alt{i}", aligned([(pos, ref, alt)]), 270 + i, 280 + i)
    for i in range(20):  # mates apart: one read over the SNV
        bam.pair(f"ref{i}", aligned([]), 275 + i, 340 + i)
    ev = tumor_evidence(tmp_path, reference, bam, Candidate("c1", pos + 1, ref, alt))
    assert (ev.ref, ev.alt, ev.other) == (20, 10, 0)
    # two agreeing Q30 mates: their sum, up to the PCR ceiling of Q40
    assert ev.alt_quals == ((40, 10),) and ev.ref_quals == ((30, 20),)
    assert (ev.alt_f1r2, ev.alt_f2r1) == (10, 0)


def test_disagreeing_mates_net_their_qualities(tmp_path, reference):
    pos, ref, alt = snv(300)
    bam = Bam()
    # read 1 shows ALT at Q35; read 2 is a REF read of the same fragment at Q20
    alt_read = aligned([(pos, ref, alt)])
    bam.reads.append(("f1", 1, False, *read_from(alt_read, 280), {(1, pos): 35}))
    bam.reads.append(("f1", 2, True, *read_from(aligned([]), 290), {(2, pos): 20}))
    # Q30 against Q25: a difference below the margin, the fragment tells nothing
    bam.reads.append(("f2", 1, False, *read_from(alt_read, 281), {}))
    bam.reads.append(("f2", 2, True, *read_from(aligned([]), 291), {(2, pos): 25}))
    ev = tumor_evidence(tmp_path, reference, bam, Candidate("c1", pos + 1, ref, alt))
    assert (ev.ref, ev.alt) == (0, 1)
    assert ev.alt_quals == ((15, 1),)


def test_a_deletion_in_a_repeat_counts_wherever_the_aligner_put_it(tmp_path, reference):
    left = (201, "CAG", "C")  # GC[AG]AGAG: left-aligned after the anchor C at 201
    right = (205, "GAG", "G")  # the same haplotype written at the repeat's end
    assert "".join(b for _, b in aligned([left]) if b) == "".join(
        b for _, b in aligned([right]) if b
    )
    bam = Bam()
    for i in range(4):
        bam.pair(f"left{i}", aligned([left]), 170 + i, 230 + i, mates=(True, False))
        bam.pair(f"right{i}", aligned([right]), 175 + i, 230 + i, mates=(True, False))
    for i in range(3):  # the read ends 8 bases past the repeat, soft-clipped by the aligner
        bam.clipped(f"clip{i}", aligned([left]), 200 - READ + 18 + i, clip_end=10 + i)
    for i in range(10):
        bam.pair(f"ref{i}", aligned([]), 180 + i, 260 + i, mates=(True, False))
    ev = tumor_evidence(tmp_path, reference, bam, Candidate("c1", 202, "CAG", "C"))
    assert (ev.ref, ev.alt) == (10, 11)
    # the indel error model, not base quality: Q40 less 3 for each further copy of AG (3)
    assert ev.alt_quals == ((34, 11),)


def test_an_insertion_outside_repeats_has_the_indel_quality(tmp_path, reference):
    pos = 400
    ins = (pos, REF[pos], REF[pos] + "TTG")
    bam = Bam()
    for i in range(5):
        bam.pair(f"alt{i}", aligned([ins]), 370 + i, 440 + i, mates=(True, False))
    ev = tumor_evidence(tmp_path, reference, bam, Candidate("c1", pos + 1, *ins[1:]))
    assert ev.alt_quals == ((40, 5),)


def joint_vcf(tmp_path, records: list[tuple[int, str, str]]) -> str:
    path = tmp_path / "joint.vcf"
    lines = ["##fileformat=VCFv4.2", f"##contig=<ID=c1,length={len(REF)}>",
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]  # fmt: skip
    lines += [f"c1\t{p + 1}\t.\t{r}\t{a}\t.\t.\t." for p, r, a in records]
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def pieces_called(tmp_path, reference, haplotypes, pieces):
    """pair_evidence over a joint call of `pieces`, the tumour's fragments drawn from the
    haplotypes [(variants, fragments)] and 30 REF fragments; the normal is REF only."""
    bam = Bam()
    n = 0
    for variants, count in [*haplotypes, ([], 30)]:
        for _ in range(count):
            bam.pair(f"f{n}", aligned(variants), 270 + n % 25, 330 + n % 25)
            n += 1
    records = pair_evidence(
        joint_vcf(tmp_path, pieces), bam.write(tmp_path / "tumor.bam"), normal_bam(tmp_path),
        reference, SETTINGS,
    )  # fmt: skip
    return [(r.candidate.pos, r.candidate.ref, r.candidate.alt, r.tumor.alt) for r in records]


def test_a_deletion_and_an_snv_on_the_same_fragments_are_one_delins(tmp_path, reference):
    deletion = (300, REF[300:302], REF[300])  # one base deleted after 300
    change = snv(305)
    calls = pieces_called(tmp_path, reference, [([deletion, change], 12)], [deletion, change])
    merged_ref = REF[301:306]
    merged_alt = REF[302:305] + change[2]
    assert calls == [(302, merged_ref, merged_alt, 12)]


def test_two_snvs_on_the_same_fragments_are_one_mnv(tmp_path, reference):
    first, second = snv(300), snv(302)
    calls = pieces_called(tmp_path, reference, [([first, second], 12)], [first, second])
    assert calls == [(301, REF[300:303], first[2] + REF[301] + second[2], 12)]


def test_nearby_variants_on_different_haplotypes_stay_apart(tmp_path, reference):
    first, second = snv(300), snv(303)
    calls = pieces_called(tmp_path, reference, [([first], 10), ([second], 10)], [first, second])
    assert calls == [(301, first[1], first[2], 10), (304, second[1], second[2], 10)]


def test_the_evidence_table_reads_back_what_was_written(tmp_path, reference):
    first, second = snv(300), snv(303)
    bam = Bam()
    for i in range(8):
        bam.pair(f"a{i}", aligned([first]), 270 + i, 330 + i)
    records = pair_evidence(
        joint_vcf(tmp_path, [first, second]), bam.write(tmp_path / "tumor.bam"),
        normal_bam(tmp_path), reference, SETTINGS,
    )  # fmt: skip
    path = str(tmp_path / "evidence.tsv.gz")
    write_evidence_table(records, path)
    assert read_evidence_table(path) == records
