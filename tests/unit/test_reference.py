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
    with pytest.raises(InputError, match=r"cfg reference.expected_md5: contig 'chr9' is not in"):
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


def test_a_duplicate_contig_stops_the_full_pass_too(tmp_path):
    """With a .fai the parse-time names come from the index (which samtools builds from the
    first of two same-named contigs); the digests job reads the whole FASTA and stops."""
    from concord.reference import contig_lengths

    fasta = tmp_path / "dup.fa"
    fasta.write_text(">c1\nACGT\n>c2\nGG\n>c1 again\nTT\n")
    with pytest.raises(InputError, match=r"dup.fa: line 5: contig 'c1' appears twice .*line 1"):
        contig_digests(fasta)
    with pytest.raises(InputError, match=r"line 5: contig 'c1' appears twice"):
        contig_lengths(str(fasta))


FASTA = ">c1 first contig\nACGTA\nACG\n>c2\nTTTTT\nTTTTT\n>c3\nGG\n"


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace("ACG\n", "ACGT\n"), r"line 1: contig 'c1' is 8 bases in the index"),
        (lambda t: t.replace("TTTTT\nTTTTT", "TTTTT\nTTTT"), r"line 2: contig 'c2' is 10 bases"),
        (lambda t: t + ">c4\nAA\n", r"line 3: .* has more contigs after 'c3'"),
        (lambda t: t.replace(">c2", ">chr2"), r"line 2: contig 'c2' does not start at byte 31"),
        (lambda t: t.split(">c3")[0], r"line 3: contig 'c3' does not start at byte 47"),
    ],
    ids=["longer", "shorter", "appended", "renamed", "dropped"],
)
def test_an_index_of_another_fasta_is_refused(tmp_path, edit, message):
    from concord.reference import check_fai

    fasta = tmp_path / "a.fa"
    fasta.write_text(FASTA)
    subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    check_fai(str(fasta))  # its own index, beside it
    check_fai(str(fasta), str(fasta) + ".fai")
    (tmp_path / "a.fa").write_text(edit(FASTA))
    with pytest.raises(InputError, match=message + r".*rebuild it with samtools faidx"):
        check_fai(str(fasta), str(tmp_path / "a.fa.fai"))


def test_an_index_is_checked_on_a_fasta_without_final_newline_and_with_crlf(tmp_path):
    from concord.reference import check_fai

    for name, text in (("noeol.fa", FASTA.rstrip("\n")), ("crlf.fa", FASTA.replace("\n", "\r\n"))):
        fasta = tmp_path / name
        fasta.write_bytes(text.encode())
        subprocess.run(["samtools", "faidx", str(fasta)], check=True)
        check_fai(str(fasta))


def vcf(tmp_path, records):
    path = tmp_path / "resource.vcf"
    path.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    with path.open("a") as fh:
        fh.writelines(f"{c}\t{p}\t.\t{r}\tA\t.\t.\t.\n" for c, p, r in records)
    return str(path)


@pytest.mark.parametrize("indexed", [False, True], ids=["fasta", "fai"])
def test_a_vcf_resource_on_the_reference_passes_and_one_on_another_build_does_not(
    tmp_path, indexed
):
    from concord.reference import check_vcf_on_reference

    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chr1\nACGTACGTAC\nGGCCTTAAGG\n>chr2\nTTTTTCCCCC\n")
    if indexed:
        subprocess.run(["samtools", "faidx", str(fasta)], check=True)
    good = [("chr1", 1, "A"), ("chr1", 10, "CG"), ("chr1", 12, "GCCT"), ("chr2", 6, "C")]
    check_vcf_on_reference(vcf(tmp_path, good), str(fasta), None, "the VCF")
    check_vcf_on_reference(vcf(tmp_path, [*good, ("chrM", 5, "A")]), str(fasta), None, "x")
    shifted = [(c, p + 1, r) for c, p, r in good]
    with pytest.raises(
        InputError,
        match=r"line 3, column 4 \(REF\): 'A' at chr1:2, but the reference has 'C'; 3 of the "
        r"first 4 records disagree with .*ref.fa: the VCF is on another build",  # chr2:7 is C
    ):
        check_vcf_on_reference(vcf(tmp_path, shifted), str(fasta), None, "the VCF")


def test_a_vcf_resource_in_the_other_contig_style_is_named(tmp_path):
    from concord.reference import check_vcf_on_reference

    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chr1\nACGTACGTAC\n>chrM\nAAAA\n")
    with pytest.raises(
        InputError, match=r"line 3, column 1 \(CHROM\): contig '1' .* names it 'chr1'"
    ):
        check_vcf_on_reference(vcf(tmp_path, [("1", 1, "A")]), str(fasta), None, "the VCF")
    with pytest.raises(InputError, match=r"contig 'MT' .* names it 'chrM'"):
        check_vcf_on_reference(vcf(tmp_path, [("MT", 1, "A")]), str(fasta), None, "the VCF")
    with pytest.raises(InputError, match=r"none of its first records is on a contig"):
        check_vcf_on_reference(vcf(tmp_path, [("chr9", 1, "A")]), str(fasta), None, "the VCF")
