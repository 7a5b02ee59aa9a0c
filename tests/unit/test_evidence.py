"""Fragment evidence from hand-made reads: one observation per fragment, indels wherever the
aligner put them, per-type qualities, and complex changes merged only when the reads phase them."""

from __future__ import annotations

import random

import handmade_reads
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


def aligned(variants):
    return handmade_reads.aligned(REF, variants)


def read_from(haplotype, start, clip_end=0):
    return handmade_reads.read_from(haplotype, start, READ, clip_end)


def new_bam() -> handmade_reads.Bam:
    return handmade_reads.Bam("c1", len(REF), READ)


@pytest.fixture
def reference(tmp_path):
    path = tmp_path / "ref.fa"
    path.write_text(f">c1\n{REF}\n")
    pysam.faidx(str(path))
    return str(path)


def normal_bam(tmp_path, start=250) -> str:
    bam = new_bam()
    for i in range(30):
        bam.pair(f"n{i}", aligned([]), start - 40 + i, start + 30 + i)
    return bam.write(tmp_path / "normal.bam")


def tumor_evidence(tmp_path, reference, bam, candidate: Candidate):
    reader = EvidenceReader(
        bam.write(tmp_path / "tumor.bam"), normal_bam(tmp_path), reference, SETTINGS
    )
    return reader.collect(candidate).evidence.tumor


def snv(pos: int) -> tuple[int, str, str]:
    return pos, REF[pos], "A" if REF[pos] != "A" else "C"


def test_overlapping_mates_are_one_fragment(tmp_path, reference):
    pos, ref, alt = snv(300)
    bam = new_bam()
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
    bam = new_bam()
    # read 1 shows ALT at Q35; read 2 is a REF read of the same fragment at Q20
    alt_read = aligned([(pos, ref, alt)])
    bam.read("f1", 1, False, alt_read, 280, quals={pos: 35})
    bam.read("f1", 2, True, aligned([]), 290, quals={pos: 20})
    # Q30 against Q25: a difference below the margin, the fragment tells nothing
    bam.read("f2", 1, False, alt_read, 281)
    bam.read("f2", 2, True, aligned([]), 291, quals={pos: 25})
    ev = tumor_evidence(tmp_path, reference, bam, Candidate("c1", pos + 1, ref, alt))
    assert (ev.ref, ev.alt) == (0, 1)
    assert ev.alt_quals == ((15, 1),)


def test_a_read_that_deletes_the_base_shows_another_allele(tmp_path, reference):
    pos, ref, alt = snv(300)
    bam = new_bam()
    for i in range(6):  # a homozygous-looking SNV inside a deletion most reads carry
        bam.pair(f"alt{i}", aligned([(pos, ref, alt)]), 270 + i, 330 + i, mates=(True, False))
    for i in range(20):
        deletion = (298, REF[298:303], REF[298])
        bam.pair(f"del{i}", aligned([deletion]), 270 + i, 330 + i, mates=(True, False))
    ev = tumor_evidence(tmp_path, reference, bam, Candidate("c1", pos + 1, ref, alt))
    assert (ev.ref, ev.alt, ev.other) == (0, 6, 20)


def test_a_deletion_in_a_repeat_counts_wherever_the_aligner_put_it(tmp_path, reference):
    left = (201, "CAG", "C")  # GC[AG]AGAG: left-aligned after the anchor C at 201
    right = (205, "GAG", "G")  # the same haplotype written at the repeat's end
    assert "".join(b for _, b in aligned([left]) if b) == "".join(
        b for _, b in aligned([right]) if b
    )
    bam = new_bam()
    for i in range(4):
        bam.pair(f"left{i}", aligned([left]), 170 + i, 230 + i, mates=(True, False))
        bam.pair(f"right{i}", aligned([right]), 175 + i, 230 + i, mates=(True, False))
    for i in range(3):  # the read ends 8 bases past the repeat, soft-clipped by the aligner
        bam.read(f"clip{i}", 1, False, aligned([left]), 200 - READ + 18 + i, clip_end=10 + i)
    for i in range(10):
        bam.pair(f"ref{i}", aligned([]), 180 + i, 260 + i, mates=(True, False))
    ev = tumor_evidence(tmp_path, reference, bam, Candidate("c1", 202, "CAG", "C"))
    assert (ev.ref, ev.alt) == (10, 11)
    # the indel error model, not base quality: Q40 less 3 for each further copy of AG (3)
    assert ev.alt_quals == ((34, 11),)


def test_an_insertion_outside_repeats_has_the_indel_quality(tmp_path, reference):
    pos = 400
    ins = (pos, REF[pos], REF[pos] + "TTG")
    bam = new_bam()
    for i in range(5):
        bam.pair(f"alt{i}", aligned([ins]), 370 + i, 440 + i, mates=(True, False))
    ev = tumor_evidence(tmp_path, reference, bam, Candidate("c1", pos + 1, *ins[1:]))
    assert ev.alt_quals == ((40, 5),)


def joint_vcf(tmp_path, records) -> str:
    return handmade_reads.joint_vcf(tmp_path / "joint.vcf", "c1", len(REF), records)


def pieces_called(tmp_path, reference, haplotypes, pieces):
    """pair_evidence over a joint call of `pieces`, the tumour's fragments drawn from the
    haplotypes [(variants, fragments)] and 30 REF fragments; the normal is REF only."""
    bam = new_bam()
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
    bam = new_bam()
    for i in range(8):
        bam.pair(f"a{i}", aligned([first]), 270 + i, 330 + i)
    records = pair_evidence(
        joint_vcf(tmp_path, [first, second]), bam.write(tmp_path / "tumor.bam"),
        normal_bam(tmp_path), reference, SETTINGS,
    )  # fmt: skip
    path = str(tmp_path / "evidence.tsv.gz")
    write_evidence_table(records, path)
    assert read_evidence_table(path) == records
