import hashlib
import subprocess

import pytest
from concord.errors import InputError
from concord.reference import (
    check_expected_md5,
    check_gtf,
    contig_digests,
    contig_md5s,
    reference_contigs,
)


@pytest.fixture
def fasta(tmp_path):
    path = tmp_path / "ref.fa"
    path.write_text(">c1 first contig\nacgtN\nACG\n>c2\nTTTT\n")
    return path


def test_digest_is_md5_of_uppercase_sequence_without_line_breaks(fasta):
    assert contig_digests(fasta) == [
        ("c1", 8, hashlib.md5(b"ACGTNACG").hexdigest()),
        ("c2", 4, hashlib.md5(b"TTTT").hexdigest()),
    ]


def test_digest_equals_samtools_dict_m5(fasta):
    out = subprocess.run(
        ["samtools", "dict", str(fasta)], capture_output=True, text=True, check=True
    )
    m5 = {
        f["SN"]: f["M5"]
        for line in out.stdout.splitlines()
        if line.startswith("@SQ")
        for f in [dict(x.split(":", 1) for x in line.split("\t")[1:])]
    }
    assert {name: md5 for name, _, md5 in contig_digests(fasta)} == m5


def test_digests_of_some_contigs_through_the_fai_equal_the_full_pass(fasta):
    full = {name: (n, md5) for name, n, md5 in contig_digests(fasta)}
    assert contig_md5s(str(fasta), ["c1", "chrX"]) == {"c1": full["c1"]}  # no .fai: whole file
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    assert contig_md5s(str(fasta), ["c2", "c1"]) == full  # each contig read at its .fai offset


def test_expected_md5_mismatch_names_the_contig(fasta):
    digests = contig_digests(fasta)
    with pytest.raises(InputError, match=r"contig 'c2' has MD5 .* expects 0{32}"):
        check_expected_md5(digests, {"c1": digests[0][2], "c2": "0" * 32}, str(fasta), "cfg")


def test_expected_md5_for_absent_contig(fasta):
    with pytest.raises(InputError, match=r"cfg: reference.expected_md5: contig 'chr9' is not in"):
        check_expected_md5(contig_digests(fasta), {"chr9": "0" * 32}, str(fasta), "cfg")


def test_contig_names_from_headers_and_fai(fasta, tmp_path):
    assert reference_contigs(str(fasta)) == ["c1", "c2"]
    fai = tmp_path / "other.fai"
    fai.write_text("x\t1\t0\t1\t2\n")
    assert reference_contigs(str(fasta), str(fai)) == ["x"]


def test_gtf_contig_missing_from_reference(fasta, tmp_path):
    gtf = tmp_path / "genes.gtf"
    gtf.write_text(
        "#!header\n"
        'c1\tsrc\texon\t1\t3\t.\t+\t.\tgene_id "g"; transcript_id "t";\n'
        'chr17\tsrc\texon\t1\t3\t.\t+\t.\tgene_id "h"; transcript_id "u";\n'
    )
    with pytest.raises(
        InputError,
        match=r"genes.gtf: line 3, column 1 \(seqname\): contig 'chr17' is not in the reference",
    ):
        check_gtf(str(gtf), str(fasta))


def test_gtf_exon_without_transcript_id(fasta, tmp_path):
    gtf = tmp_path / "genes.gtf"
    gtf.write_text('c1\tsrc\texon\t1\t3\t.\t+\t.\tgene_id "g";\n')
    with pytest.raises(
        InputError, match=r"genes.gtf: line 1, column 9 \(attributes\): exon without"
    ):
        check_gtf(str(gtf), str(fasta))


def test_panel_transcript_must_have_exons_in_the_gtf(fasta, tmp_path):
    gtf = tmp_path / "genes.gtf"
    gtf.write_text('c1\tsrc\texon\t1\t3\t.\t+\t.\tgene_id "g"; transcript_id "T1";\n')
    check_gtf(str(gtf), str(fasta), transcript_ids=["T1"])
    with pytest.raises(InputError, match=r"panel transcript 'T12' is not in the GTF"):
        check_gtf(str(gtf), str(fasta), transcript_ids=["T12"])


def test_a_window_named_like_a_grch38_chromosome_needs_accessions():
    from concord.panel import check_named_contig_lengths

    config = {"reference": {}}
    with pytest.raises(InputError, match=r"contig 'chr22' is 200,000 bp but GRCh38 chr22 "):
        check_named_contig_lengths(config, ["chr22"], {"chr22": 200_000}, "config")
    check_named_contig_lengths(config, ["chr22"], {"chr22": 50_818_468}, "config")  # whole
    check_named_contig_lengths(config, ["chrD1"], {"chrD1": 160_000}, "config")  # not GRCh38
    windowed = {"reference": {"accessions": {"chr22": {"accession": "NC_000022.11"}}}}
    check_named_contig_lengths(windowed, ["chr22"], {"chr22": 200_000}, "config")
