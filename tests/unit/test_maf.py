"""MAF conventions: alleles and positions, the SO -> Variant_Classification table, HGVSp."""

import pytest
from concord.maf import (
    COLUMNS,
    STANDARD_COLUMNS,
    Call,
    hgvsp_short,
    maf_allele,
    maf_hgvsp,
    maf_row,
    maf_text,
    most_severe,
    variant_classification,
)


@pytest.mark.parametrize(
    "vcf, maf",
    [
        ((100, "G", "T"), (100, 100, "G", "T", "SNP")),
        ((100, "GCCA", "G"), (101, 103, "CCA", "-", "DEL")),  # the anchor base goes
        ((100, "T", "TCCTC"), (100, 101, "-", "CCTC", "INS")),  # between 100 and 101
        ((100, "AC", "GT"), (100, 101, "AC", "GT", "DNP")),
        ((100, "ACG", "TTT"), (100, 102, "ACG", "TTT", "TNP")),
        ((100, "ACGT", "TTTA"), (100, 103, "ACGT", "TTTA", "ONP")),
        ((100, "ACG", "T"), (100, 102, "ACG", "T", "DEL")),  # a delins is typed by length
        ((100, "AC", "AGTT"), (101, 101, "C", "GTT", "INS")),
    ],
)
def test_maf_alleles_and_positions(vcf, maf):
    a = maf_allele(*vcf)
    assert (a.start, a.end, a.ref, a.alt, a.variant_type) == maf


@pytest.mark.parametrize(
    "consequence, vcf, expected",
    [
        ("frameshift_variant", (1, "GC", "G"), "Frame_Shift_Del"),
        ("frameshift_variant", (1, "G", "GC"), "Frame_Shift_Ins"),
        ("inframe_deletion", (1, "GCCA", "G"), "In_Frame_Del"),
        ("inframe_insertion", (1, "G", "GCCA"), "In_Frame_Ins"),
        ("protein_altering_variant", (1, "GCCA", "GT"), "Frame_Shift_Del"),
        ("protein_altering_variant", (1, "GCCAT", "GT"), "In_Frame_Del"),
        ("protein_altering_variant", (1, "AC", "GT"), "Targeted_Region"),  # as vcf2maf
        ("stop_gained", (1, "C", "T"), "Nonsense_Mutation"),
        ("stop_lost", (1, "C", "T"), "Nonstop_Mutation"),
        ("start_lost", (1, "C", "T"), "Translation_Start_Site"),
        ("missense_variant", (1, "C", "T"), "Missense_Mutation"),
        ("splice_acceptor_variant", (1, "C", "T"), "Splice_Site"),
        ("splice_donor_variant", (1, "CT", "C"), "Splice_Site"),
        ("splice_region_variant", (1, "C", "T"), "Splice_Region"),
        ("synonymous_variant", (1, "C", "T"), "Silent"),
        ("stop_retained_variant", (1, "C", "T"), "Silent"),
        ("5_prime_UTR_variant", (1, "C", "T"), "5'UTR"),
        ("3_prime_UTR_variant", (1, "C", "T"), "3'UTR"),
        ("intron_variant", (1, "C", "T"), "Intron"),
        ("upstream_gene_variant", (1, "C", "T"), "5'Flank"),
        ("downstream_gene_variant", (1, "C", "T"), "3'Flank"),
        ("", (1, "C", "T"), "Targeted_Region"),  # on no panel transcript
    ],
)
def test_so_terms_map_to_maf_classes(consequence, vcf, expected):
    allele = maf_allele(*vcf)
    assert variant_classification(consequence, allele.variant_type, allele.inframe) == expected


@pytest.mark.parametrize(
    "concord, hgvsp, short",
    [
        ("p.(Gly121Cys)", "p.Gly121Cys", "p.G121C"),
        ("p.(Gln1756ProfsTer74)", "p.Gln1756ProfsTer74", "p.Q1756Pfs*74"),
        ("p.(Leu300=)", "p.Leu300=", "p.L300="),
        ("p.(Ser770Ter)", "p.Ser770Ter", "p.S770*"),
        ("p.(Glu1115dup)", "p.Glu1115dup", "p.E1115dup"),
        ("p.?", "p.?", "p.?"),
        ("", "", ""),
    ],
)
def test_hgvsp_as_maf_writes_it(concord, hgvsp, short):
    assert maf_hgvsp(concord) == hgvsp
    assert hgvsp_short(hgvsp) == short


def test_the_most_severe_transcript_is_chosen():
    rows = [{"consequence": "intron_variant"}, {"consequence": "missense_variant"}]
    assert most_severe(rows)["consequence"] == "missense_variant"
    assert most_severe([]) is None


CALL = Call("chr17", 100, "G", "T", 80, 60, 20, 40, 40, 0)


def test_a_maf_row_has_gdc_columns_and_concords_annotation():
    assert COLUMNS[:34] == STANDARD_COLUMNS and len(STANDARD_COLUMNS) == 34
    assert COLUMNS[34:40] == ("HGVSc", "HGVSp", "HGVSp_Short", "Transcript_ID", "Exon_Number",
                              "t_depth")  # fmt: skip
    annotation = {
        "gene": "BRCA1", "transcript": "NM_007294.4", "hgvs_c": "c.361G>T",
        "hgvs_p": "p.(Gly121Cys)", "consequence": "missense_variant", "exon": "3/8",
    }  # fmt: skip
    row = maf_row(CALL, annotation, "S-1", "S-2", "C1", "GRCh38")
    assert row["Hugo_Symbol"] == "BRCA1" and row["Variant_Classification"] == "Missense_Mutation"
    assert (row["HGVSp"], row["HGVSp_Short"], row["Exon_Number"]) == (
        "p.Gly121Cys",
        "p.G121C",
        "3/8",
    )
    assert (row["t_depth"], row["t_ref_count"], row["t_alt_count"]) == ("80", "60", "20")
    assert (row["n_depth"], row["n_ref_count"], row["n_alt_count"]) == ("40", "40", "0")
    assert row["BAM_File"] == "" and row["Sequencer"] == ""  # nothing that names a run


def test_a_call_on_no_panel_transcript_is_unknown_and_targeted_region():
    row = maf_row(CALL, None, "S-1", "S-2", "C1", "GRCh38")
    assert (row["Hugo_Symbol"], row["Entrez_Gene_Id"]) == ("Unknown", "0")
    assert row["Variant_Classification"] == "Targeted_Region"


def test_the_maf_text_starts_with_its_version_and_comments():
    text = maf_text([maf_row(CALL, None, "S-1", "S-2", "C1", "GRCh38")], ["concord.centre C1"])
    lines = text.splitlines()
    assert lines[:2] == ["#version 2.4", "#concord.centre C1"]
    assert lines[2].split("\t") == list(COLUMNS) and len(lines) == 4
