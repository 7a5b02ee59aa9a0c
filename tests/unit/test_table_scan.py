"""The table scan the workflow tests run over every output: it must see what it looks for."""

from conftest import bad_table_cells


def test_the_scan_finds_none_nan_and_missing_hgvs_names(tmp_path):
    header = "chrom\tpos\thgvs_c\thgvs_p\tconsequence\ttumor_vaf\n"
    (tmp_path / "x.brca.tsv").write_text(
        header
        + "c1\t10\tc.5A>C\tp.None\tmissense_variant\t0.3\n"
        + "c1\t11\tc.6A>C\t\tsynonymous_variant\tnan\n"
        + "c1\t12\t\t\tintron_variant\t0.1\n"
        + "c1\t13\tc.7-5A>C\t\tintron_variant\t0.2\n"
    )
    assert bad_table_cells(tmp_path) == [
        "x.brca.tsv: line 2, hgvs_p: 'p.None'",
        "x.brca.tsv: line 3, tumor_vaf: 'nan'",
        "x.brca.tsv: line 3: hgvs_p ''",
        "x.brca.tsv: line 4: hgvs_c ''",
    ]
