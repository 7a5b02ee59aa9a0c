"""Panel transcripts are checked against the reference, and a GTF that does not fit the FASTA
is refused (concord.annotation_check), on hand-made models and on the demo shifted by a few
bases."""

import shutil

import pysam
import pytest
from concord.annotation_check import annotation_fit, check_panel_transcript
from concord.transcripts import TranscriptModel, read_transcripts
from conftest import DEMO


def fetcher(seq: str):
    return lambda contig, start, end: seq[max(0, start) : end]


# exon 1: ATG AAA G|GT...AG|CA TAA  -> CDS ATGAAAGCA + stop TAA, one GT-AG intron
GENOME = "CC" + "ATGAAAG" + "GTAAGTTTTTTTTTTCAG" + "CATAA" + "GGG"


def model(**changes) -> TranscriptModel:
    m = TranscriptModel("T1", "G1", "c1", "+")
    m.exons = [(0, 9), (27, 35)]
    m.cds = [(2, 9), (27, 29)]
    m.stop_codon = [(29, 32)]
    for key, value in changes.items():
        setattr(m, key, value)
    return m


def test_a_valid_model_has_no_problem():
    assert GENOME[27:32] == "CATAA"
    assert check_panel_transcript(model(), fetcher(GENOME)) == []


def test_each_defect_is_named():
    no_atg = GENOME.replace("CCATG", "CCCTG", 1)
    assert check_panel_transcript(model(), fetcher(no_atg)) == ["CDS starts with CTG, not ATG"]
    no_stop = GENOME.replace("CATAA", "CATCA")
    assert check_panel_transcript(model(), fetcher(no_stop)) == [
        "no stop codon at the end of the CDS (TCA follows it)"
    ]
    bad_intron = GENOME.replace("GTAAG", "CTAAG")
    assert check_panel_transcript(model(), fetcher(bad_intron)) == [
        "intron c1:10-27 has CT-AG, not GT-AG, GC-AG or AT-AC"
    ]
    inner_stop = GENOME.replace("ATGAAAG", "ATGTAAG")
    assert check_panel_transcript(model(), fetcher(inner_stop)) == [
        "1 stop codon(s) inside the CDS (first at codon 2)"
    ]
    short = model(cds=[(2, 9), (27, 28)], stop_codon=[(28, 31)])
    assert check_panel_transcript(short, fetcher(GENOME)) == [
        "CDS length 8 is not a multiple of 3",
        "no stop codon at the end of the CDS (ATA follows it)",
    ]


def test_incomplete_ends_marked_in_the_gtf_are_accepted():
    no_atg = GENOME.replace("CCATG", "CCCTG", 1)
    assert check_panel_transcript(model(tags={"cds_start_NF"}), fetcher(no_atg)) == []
    no_stop = GENOME.replace("CATAA", "CATCA")
    assert check_panel_transcript(model(tags={"cds_end_NF"}, stop_codon=[]), fetcher(no_stop)) == []


def test_a_non_coding_panel_transcript_is_refused():
    assert check_panel_transcript(model(cds=[], stop_codon=[]), fetcher(GENOME)) == [
        "has no CDS lines (a panel transcript must be protein coding)"
    ]


def test_minus_strand_model():
    minus = model(strand="-")
    rc = str.maketrans("ACGT", "TGCA")
    genome = GENOME.translate(rc)[::-1]  # the same gene on the other strand
    n = len(genome)
    minus.exons = sorted((n - e, n - s) for s, e in model().exons)
    minus.cds = sorted((n - e, n - s) for s, e in model().cds)
    minus.stop_codon = [(n - 32, n - 29)]
    assert check_panel_transcript(minus, fetcher(genome)) == []


@pytest.fixture(scope="module")
def demo_reference(tmp_path_factory):
    """The demo FASTA in a scratch directory (pysam writes its index next to it)."""
    path = tmp_path_factory.mktemp("ref") / "demo.fa"
    shutil.copy(DEMO / "reference" / "demo.fa", path)
    return pysam.FastaFile(str(path))


def shifted_gtf(tmp_path, shift: int) -> str:
    out = tmp_path / "shifted.gtf"
    lines = []
    for line in (DEMO / "annotation" / "demo.gtf").read_text().splitlines():
        f = line.split("\t")
        if len(f) == 9:
            f[3], f[4] = str(int(f[3]) + shift), str(int(f[4]) + shift)
        lines.append("\t".join(f))
    out.write_text("\n".join(lines) + "\n")
    return str(out)


def test_the_demo_annotation_fits_its_reference(demo_reference):
    def fetch(contig, start, end):
        return demo_reference.fetch(contig, max(0, start), end).upper()

    models = read_transcripts(str(DEMO / "annotation" / "demo.gtf"), None)
    fit = annotation_fit(list(models.values()), fetch)
    assert fit.introns > 20 and fit.canonical_fraction == 1.0 and fit.problems() == []
    for transcript in ("GENA-201", "GENB-201"):
        assert check_panel_transcript(models[transcript], fetch) == []


@pytest.mark.parametrize("shift", [7, -3, 150])
def test_a_shifted_annotation_is_refused(tmp_path, demo_reference, shift):
    def fetch(contig, start, end):
        return demo_reference.fetch(contig, max(0, start), end).upper()

    models = read_transcripts(shifted_gtf(tmp_path, shift), None)
    fit = annotation_fit(list(models.values()), fetch)
    assert fit.canonical_fraction < 0.2
    assert any("introns" in p and "canonical splice sites" in p for p in fit.problems())
    problems = check_panel_transcript(models["GENA-201"], fetch)
    assert problems and any("not ATG" in p or "intron" in p for p in problems)
