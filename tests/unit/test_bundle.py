"""Re-keying the run's tables for the bundle: other samples' columns and rows are dropped."""

from concord.bundle import rekey_column, rekey_matrix, sample_line, write_checksums


def test_a_matrix_keeps_its_annotation_and_the_shared_columns_only(tmp_path):
    matrix = tmp_path / "transcripts.tpm.tsv"
    matrix.write_text(
        "transcript_id\tgene_id\tgene_name\tR1\tR2\tR3\n"
        "T1\tG1\tGENE1\t1.0\t2.0\t3.0\n"
        "T2\tG1\tGENE1\t4.0\t5.0\t6.0\n"
    )
    text = rekey_matrix(str(matrix), {"R3": "S-3", "R1": "S-1"})
    assert text.splitlines() == [
        "transcript_id\tgene_id\tgene_name\tS-1\tS-3",
        "T1\tG1\tGENE1\t1.0\t3.0",
        "T2\tG1\tGENE1\t4.0\t6.0",
    ]
    assert "2.0" not in text and "R2" not in text


def test_a_table_keeps_the_rows_of_shared_samples_only(tmp_path):
    qc = tmp_path / "qc.tsv"
    qc.write_text("sample\tmapping_rate\nR1\t0.9\nR2\t0.8\nR3\t0.7\n")
    text, samples = rekey_column(str(qc), "sample", {"R1": "S-1", "R3": "S-3"})
    assert text.splitlines() == ["sample\tmapping_rate", "S-1\t0.9", "S-3\t0.7"]
    assert samples == ["S-1", "S-3"]


def test_a_vcf_sample_line_carries_pseudonyms_and_the_consent():
    entry = {
        "sample": "S-1", "patient": "P-1", "role": "tumor",
        "data_use": {
            "permission": {"id": "DUO:0000007"}, "disease": "MONDO:0007254",
            "modifiers": [{"id": "DUO:0000046"}, {"id": "DUO:0000021"}], "consent_version": "v1",
        },
    }  # fmt: skip
    assert sample_line("TUMOR", entry) == (
        "##SAMPLE=<ID=TUMOR,SampleName=S-1,Individual=P-1,Role=tumor,"
        "DataUsePermission=DUO:0000007,DataUseDisease=MONDO:0007254,"
        'DataUseModifiers="DUO:0000046,DUO:0000021",ConsentVersion=v1>'
    )


def test_sha256sums_lists_every_other_file_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("x\n")
    (tmp_path / "a.txt").write_text("")
    write_checksums(tmp_path)
    lines = (tmp_path / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in lines] == ["a.txt", "b/x.txt"]
    assert lines[0].startswith("e3b0c44298fc1c149afbf4c8996fb924")  # SHA-256 of nothing
