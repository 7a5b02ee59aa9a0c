import pandas as pd
import pytest
from concord.errors import InputError
from concord.samplesheet import Pair, read_sheet, tumor_normal_pairs


def sheet(rows, path="samples.tsv"):
    df = pd.DataFrame(rows, columns=["sample_id", "patient_id", "role", "assay"])
    df.attrs["path"] = path
    return df


def test_pairs_follow_sheet_order_and_share_the_normal():
    samples = sheet(
        [
            ("B-T2", "B", "tumor", "dna"),
            ("A-N", "A", "normal", "dna"),
            ("A-T", "A", "tumor", "dna"),
            ("B-N", "B", "normal", "dna"),
            ("B-T1", "B", "tumor", "dna"),
            ("A-R", "A", "tumor", "rna"),
        ]
    )
    assert tumor_normal_pairs(samples) == [
        Pair("B", "B-T2", "B-N"),
        Pair("A", "A-T", "A-N"),
        Pair("B", "B-T1", "B-N"),
    ]


def test_normal_only_and_rna_only_patients_give_no_pair():
    samples = sheet([("C-N", "C", "normal", "dna"), ("D-R", "D", "tumor", "rna")])
    assert tumor_normal_pairs(samples) == []


def test_rna_normal_does_not_pair_a_dna_tumour():
    samples = sheet([("E-T", "E", "tumor", "dna"), ("E-NR", "E", "normal", "rna")])
    with pytest.raises(
        InputError, match=r"samples.tsv: line 2, column 'patient_id'.*'E-T'.*no normal"
    ):
        tumor_normal_pairs(samples)


@pytest.mark.parametrize("tumour, normal, line", [("F_vs_T", "F-N", 2), ("F-T", "F_vs_N", 3)])
def test_a_pair_id_holding_the_pair_separator_is_refused(tumour, normal, line):
    # "<tumour>_vs_<normal>" names a pair's files: the name must split one way only
    samples = sheet([(tumour, "F", "tumor", "dna"), (normal, "F", "normal", "dna")])
    with pytest.raises(InputError, match=rf"samples.tsv: line {line}, column 'sample_id'.*'_vs_'"):
        tumor_normal_pairs(samples)


def test_the_pair_separator_is_free_outside_pairs():
    samples = sheet([("G_vs_R", "G", "tumor", "rna"), ("G_vs_N", "G", "normal", "dna")])
    assert tumor_normal_pairs(samples) == []


def test_two_normals_are_ambiguous():
    samples = sheet(
        [
            ("F-N1", "F", "normal", "dna"),
            ("F-N2", "F", "normal", "dna"),
            ("F-T", "F", "tumor", "dna"),
        ]
    )
    with pytest.raises(InputError, match=r"line 4.*2 normal DNA samples \(F-N1, F-N2\)"):
        tumor_normal_pairs(samples)


def test_read_sheet_keeps_empty_cells_and_skips_comments(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text("# exported from LIMS\nsample_id\ttissue\nS1\t\nS2\tblood\n")
    df = read_sheet(path)
    assert list(df["tissue"]) == ["", "blood"]
    assert df.attrs["path"] == str(path)


def test_read_sheet_ragged_row_names_the_line(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text("sample_id\trole\nS1\ttumor\tEXTRA\n")
    with pytest.raises(InputError, match=r"s.tsv: line 2: 3 fields but the header has 2"):
        read_sheet(path)


def test_read_sheet_duplicate_header(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text("sample_id\trole\trole\nS1\ttumor\tnormal\n")
    with pytest.raises(InputError, match=r"line 1: column 'role' appears more than once"):
        read_sheet(path)


def test_a_cluster_job_reads_the_checked_sheets_without_opening_fastqs(tmp_path):
    """The main process checks the sheets; a job re-reads them: same samples, units and pairs,
    without the checks (its FASTQs need not even be readable where the job parses)."""
    from concord.samplesheet import load_schema, load_sheets, read_checked_sheets
    from conftest import REPO

    units = (REPO / "config" / "units.tsv").read_text().replace("resources/", f"{REPO}/resources/")
    (tmp_path / "units.tsv").write_text(units)
    samples = REPO / "config" / "samples.tsv"
    schemas = REPO / "rules" / "schemas"
    checked = load_sheets(
        samples,
        tmp_path / "units.tsv",
        load_schema(schemas / "samples.schema.yaml"),
        load_schema(schemas / "units.schema.yaml"),
    )
    (tmp_path / "units_elsewhere.tsv").write_text(units.replace(f"{REPO}/", "/nowhere/"))
    reread = read_checked_sheets(samples, tmp_path / "units_elsewhere.tsv")
    assert reread.pairs == checked.pairs
    assert list(reread.samples.index) == list(checked.samples.index)
    assert list(reread.units.index) == list(checked.units.index)
    with pytest.raises(InputError, match="does not exist"):
        load_sheets(
            samples,
            tmp_path / "units_elsewhere.tsv",
            load_schema(schemas / "samples.schema.yaml"),
            load_schema(schemas / "units.schema.yaml"),
        )
    in_storage = load_sheets(
        samples,
        tmp_path / "units_elsewhere.tsv",
        load_schema(schemas / "samples.schema.yaml"),
        load_schema(schemas / "units.schema.yaml"),
        read_fastqs=False,
    )
    assert in_storage.pairs == checked.pairs


def demo_sheets(tmp_path, edit=lambda text: text, encode=lambda text: text.encode()):
    """The demo's sheets loaded and checked as the workflow does, each written through
    edit (text) and encode (bytes)."""
    from concord.samplesheet import load_schema, load_sheets
    from conftest import REPO

    schemas = REPO / "rules" / "schemas"
    written = []
    for name in ("samples.tsv", "units.tsv"):
        text = (REPO / "config" / name).read_text().replace("resources/", f"{REPO}/resources/")
        (tmp_path / name).write_bytes(encode(edit(text)))
        written.append(tmp_path / name)
    return load_sheets(
        *written,
        load_schema(schemas / "samples.schema.yaml"),
        load_schema(schemas / "units.schema.yaml"),
    )


def same_sheets(a, b) -> bool:
    return (
        a.pairs == b.pairs
        and a.samples.reset_index(drop=True).equals(b.samples.reset_index(drop=True))
        and a.units.reset_index(drop=True).equals(b.units.reset_index(drop=True))
    )


def test_a_utf8_bom_and_windows_line_endings_read_as_the_same_sheets(tmp_path):
    """Excel's "UTF-8 (CSV)" export: a byte order mark and CRLF. Accepted, never misread (the
    BOM would otherwise become part of the first column's name)."""
    (tmp_path / "clean").mkdir()
    (tmp_path / "excel").mkdir()
    clean = demo_sheets(tmp_path / "clean")
    excel = demo_sheets(
        tmp_path / "excel",
        edit=lambda text: text.replace("\n", "\r\n"),
        encode=lambda text: b"\xef\xbb\xbf" + text.encode(),
    )
    assert list(excel.samples.columns)[0] == "sample_id"
    assert same_sheets(clean, excel)


def test_whitespace_around_cells_is_not_part_of_the_value(tmp_path):
    """Spaces around ids and paths (a LIMS padding its columns) are dropped: ' PT01-tumor ' is
    PT01-tumor, in both sheets, so units still find their sample."""
    (tmp_path / "clean").mkdir()
    (tmp_path / "padded").mkdir()
    clean = demo_sheets(tmp_path / "clean")
    padded = demo_sheets(
        tmp_path / "padded",
        edit=lambda text: (
            "\n".join(
                "\t".join(f" {cell}  " for cell in line.split("\t")) for line in text.splitlines()
            )
            + "\n"
        ),
    )
    assert "PT01-tumor" in padded.samples.index
    assert same_sheets(clean, padded)


def test_line_numbers_count_comment_lines(tmp_path):
    from concord.samplesheet import row_line

    path = tmp_path / "s.tsv"
    path.write_text("# LIMS export\nsample_id\ttissue\n\n# a note\nS1\t\nS2\tblood\n")
    df = read_sheet(path)
    assert [row_line(df, i) for i in range(len(df))] == [5, 6]
