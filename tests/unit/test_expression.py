import gzip
import io
import json

import numpy as np
import pandas as pd
import pytest
from concord.errors import InputError
from concord.expression import (
    Matrix,
    QuantStack,
    _arrow_rows,
    _fixed_point_rows,
    build_matrices,
    check_salmon_quant,
    em_counts,
    expression_annotation,
    iter_matrices,
    qc_row,
    read_equivalence_classes,
    salmon_qc,
    salmon_warnings,
    tpm,
    write_matrix,
)
from concord.paths import MATRIX_NAMES
from concord.strandedness import strandedness


def test_gene_name_duplicates_and_identical_sequences():
    fasta = {
        "E1": "ACGTACGT", "E2": "TTTTGGGG", "E3": "TGCA", "R1": "ACGTACGT", "R2": "CCCCAAAA",
        "X1": "GGGG",
    }  # fmt: skip
    genes = {
        "E1": ("ENSG1", "BRCA1"),
        "E2": ("ENSG1", "BRCA1"),
        "E3": ("ENSG1", "BRCA1"),
        "R1": ("BRCA1", "BRCA1"),  # RefSeq gene, same name, fewer transcripts
        "R2": ("BRCA1", "BRCA1"),
        "X1": ("OTHER", "OTHER"),
    }
    kept, tx2gene, left_out = expression_annotation(fasta, genes)
    assert sorted(kept) == ["E1", "E2", "E3", "X1"]
    assert list(tx2gene["gene_id"]) == ["ENSG1", "ENSG1", "ENSG1", "OTHER"]
    assert left_out.values.tolist() == [
        ["R1", "gene_name_duplicate", "ENSG1"],
        ["R2", "gene_name_duplicate", "ENSG1"],
    ]


def test_identical_sequences_keep_the_larger_gene_then_the_smaller_id():
    fasta = {"A2": "ACGT", "A1": "ACGT", "B1": "ACGT", "B0": "TTTT", "B9": "GGGG"}
    genes = {
        "A2": ("GA", "a"),
        "A1": ("GA", "a"),
        "B1": ("GB", "b"),
        "B0": ("GB", "b"),
        "B9": ("GB", "b"),
    }
    kept, _, left_out = expression_annotation(fasta, genes)
    assert "B1" in kept and "A1" not in kept and "A2" not in kept
    assert set(left_out["represented_by"]) == {"B1"}


def write_eq(path, names, classes):
    with gzip.open(path, "wt") as fh:
        fh.write(f"{len(names)}\n{len(classes)}\n")
        fh.writelines(f"{n}\n" for n in names)
        for members, count in classes:
            fh.write(f"{len(members)}\t" + "\t".join(map(str, members)) + f"\t{count}\n")


def test_em_splits_shared_reads_by_unique_evidence(tmp_path):
    path = tmp_path / "eq.txt.gz"
    # T0: 30 unique, T1: 10 unique, 40 shared; equal lengths -> shared split 3:1
    write_eq(path, ["T0", "T1", "T2"], [((0, 1), 40), ((1,), 10), ((0,), 30)])
    eq = read_equivalence_classes(str(path))
    counts = em_counts(eq, np.array([100.0, 100.0, 100.0]))
    assert counts == pytest.approx([60.0, 20.0, 0.0], rel=1e-6)
    assert tpm(counts, np.array([100.0, 100.0, 100.0])).sum() == pytest.approx(1e6)


def test_equivalence_classes_cut_short_are_named_not_read(tmp_path):
    whole = tmp_path / "whole.gz"
    write_eq(whole, ["T0", "T1"], [((0, 1), 40), ((1,), 10)])
    cut_gzip = tmp_path / "cut_gzip.gz"
    cut_gzip.write_bytes(whole.read_bytes()[:30])
    fewer_classes = tmp_path / "fewer.gz"
    fewer_classes.write_bytes(gzip.compress(b"2\n2\nT0\nT1\n2\t0\t1\t40\n"))
    for path in (cut_gzip, fewer_classes):
        with pytest.raises(InputError, match=f"{path}: salmon's equivalence classes are cut short"):
            read_equivalence_classes(str(path))


def test_a_quant_sf_cut_short_or_emptied_is_named(tmp_path):
    quant = tmp_path / "quant.sf"
    header = "Name\tLength\tEffectiveLength\tTPM\tNumReads\n"
    quant.write_text(header + "T0\t100\t80\t1\t2\nT1\t100\t80\t1\t2\n")
    check_salmon_quant(str(quant), ["T0", "T1"])
    for cut in (header + "T0\t100\t80\t1\t2\n", ""):
        quant.write_text(cut)
        with pytest.raises(InputError, match="quant.sf is cut short or damaged"):
            check_salmon_quant(str(quant), ["T0", "T1"])
    quant.write_text(header)  # a sample salmon refused (no mapping): no transcripts, no rows
    check_salmon_quant(str(quant), [])


def test_em_result_does_not_depend_on_class_order(tmp_path):
    a, b = tmp_path / "a.gz", tmp_path / "b.gz"
    classes = [((0, 1), 7), ((1, 2), 5), ((0,), 3), ((2,), 11), ((0, 1, 2), 13)]
    write_eq(a, ["x", "y", "z"], classes)
    write_eq(b, ["x", "y", "z"], [(tuple(reversed(m)), c) for m, c in reversed(classes)])
    eff = np.array([50.0, 120.0, 80.0])
    ca = em_counts(read_equivalence_classes(str(a)), eff)
    cb = em_counts(read_equivalence_classes(str(b)), eff)
    assert ca.tobytes() == cb.tobytes()


def test_matrices_sum_transcripts_to_genes_and_keep_sample_order(tmp_path):
    t2g = pd.DataFrame(
        {
            "transcript_id": ["t1", "t2", "t3"],
            "gene_id": ["g1", "g1", "g2"],
            "gene_name": ["A", "A", "B"],
        }
    )

    def quant(counts, tpms):
        return pd.DataFrame(
            {
                "length": [100, 200, 300],
                "effective_length": [50.0, 150.0, 250.0],
                "count": counts,
                "tpm": tpms,
            },
            index=pd.Index(["t1", "t2", "t3"], name="transcript_id"),
        )

    stack = QuantStack(t2g, ["S2", "S1"])
    stack.add("S2", quant([1.0, 2.0, 3.0], [4e5, 2e5, 4e5]))
    stack.add("S1", quant([0.0, 5.0, 5.0], [0.0, 5e5, 5e5]).iloc[::-1])  # order does not matter
    m = {name: matrix.frame() for name, matrix in build_matrices(stack).items()}
    counts = m["genes.counts"]
    assert list(counts.columns) == ["gene_id", "gene_name", "S2", "S1"]
    assert counts.set_index("gene_id").loc["g1", "S2"] == 3.0
    scaled = m["genes.length_scaled_counts"].set_index("gene_id")
    assert scaled["S2"].sum() == pytest.approx(6.0) and scaled["S1"].sum() == pytest.approx(10.0)
    assert stack.genes_detected(quant([0.5, 0.4, 2.0], [0, 0, 0])) == 1  # g1 has 0.9 < 1
    path = tmp_path / "genes.tpm.tsv"
    write_matrix(build_matrices(stack)["genes.tpm"], path, "tpm")
    assert path.read_text().splitlines()[1] == "g1\tA\t600000.0000\t500000.0000"


def lib_format_counts(isf, isr, expected="IU", **more):
    """salmon's lib_format_counts.json of a paired library mapped as `expected`."""
    counts = dict.fromkeys(["MSF", "OSF", "MSR", "OSR", "SF", "SR", "MU", "OU", "IU", "U"], 0)
    return {"expected_format": expected, "compatible_fragment_ratio": 1.0, **counts,
            "ISF": isf, "ISR": isr, **more}  # fmt: skip


@pytest.mark.parametrize(
    ("isf", "isr", "call", "salmon_type"),
    [
        (86, 1500, "stranded_reverse", "ISR"),  # the real-data trial salmon called IU
        (4700, 300, "stranded_forward", "ISF"),
        (299, 324, "unstranded", "IU"),  # GEUVADIS (rna-real/a), salmon warned of strand bias
        (620, 380, "undetermined", "IU"),  # neither: quantified unstranded, drops nothing
        (80, 20, "stranded_forward", "ISF"),  # cut-offs: >= 0.8 in one orientation
        (20, 80, "stranded_reverse", "ISR"),
        (21, 79, "undetermined", "IU"),
        (54, 46, "unstranded", "IU"),  # the orientations differ by < 0.1
        (55, 45, "undetermined", "IU"),
    ],
)
def test_strandedness_from_salmon_orientation_counts(isf, isr, call, salmon_type):
    library = strandedness(lib_format_counts(isf, isr))
    assert library["strandedness"] == call and library["salmon_library_type"] == salmon_type
    assert library["sense_fraction"] == pytest.approx(isf / (isf + isr))
    assert (library["ISF"], library["ISR"]) == (isf, isr)


def test_strandedness_of_a_sample_where_nothing_mapped():
    # salmon_no_mapping.py writes only the expected format
    library = strandedness({"expected_format": "unknown"})
    assert library["sense_fraction"] is None
    assert (library["strandedness"], library["salmon_library_type"]) == ("undetermined", "IU")


# salmon 1.10.1's log lines, as written (the long lines split here only)
STRAND_BIAS_LOG = (
    "[2026-12-02 05:48:45.406] [jointLog] [info] Mapping rate = 25.38%\n"
    "[2026-12-02 05:48:45.426] [jointLog] [warning] NOTE: Read Lib [[ a.chr21.1.fq.gz, "
    "a.chr21.2.fq.gz]] :\n\nDetected a *potential* strand bias > 1% in an unstranded protocol "
    "check the file: a/lib_format_counts.json for details\n\n"
)
INCOMPATIBLE_LOG = (
    "[2026-12-02 06:01:02.000] [jointLog] [warning] NOTE: Read Lib [[ r1.fq.gz, r2.fq.gz]] :\n\n"
    "Greater than 5% of the fragments disagreed with the provided library type; check the "
    "file: s/lib_format_counts.json for details\n\n"
)


def test_salmon_warnings_are_named():
    assert salmon_warnings(STRAND_BIAS_LOG) == ["salmon_strand_bias"]
    assert salmon_warnings(INCOMPATIBLE_LOG) == ["salmon_incompatible_fragments"]
    assert salmon_warnings(INCOMPATIBLE_LOG + STRAND_BIAS_LOG) == [
        "salmon_strand_bias", "salmon_incompatible_fragments",
    ]  # fmt: skip
    assert salmon_warnings("[jointLog] [info] Mapping rate = 99.1%\n") == []


def salmon_dir(tmp_path, lib: dict, log: str):
    d = tmp_path / "salmon"
    (d / "aux_info").mkdir(parents=True)
    (d / "logs").mkdir()
    (d / "aux_info" / "meta_info.json").write_text(
        json.dumps({"num_processed": 1600, "percent_mapped": 99.125})
    )
    (d / "lib_format_counts.json").write_text(json.dumps(lib))
    (d / "logs" / "salmon_quant.log").write_text(log)
    return str(d)


def test_qc_of_a_stranded_library_reports_the_type_it_was_quantified_with(tmp_path):
    library = strandedness(lib_format_counts(86, 1500))  # the unstranded check's counts
    quant = salmon_dir(
        tmp_path, lib_format_counts(0, 1500, "ISR", compatible_fragment_ratio=0.946), ""
    )
    qc = salmon_qc(quant, library)
    assert qc == {
        "fragments": 1600, "mapping_rate": pytest.approx(0.99125), "library_type": "ISR",
        "compatible_fragment_ratio": 0.946, "strandedness": "stranded_reverse",
        "sense_fraction": pytest.approx(86 / 1586), "warnings": [],
    }  # fmt: skip
    row = qc_row("S1", qc, 12, 0.5)
    assert (row["strandedness"], row["sense_fraction"], row["library_type"]) == (
        "stranded_reverse", "0.0542", "ISR",
    )  # fmt: skip
    assert (row["compatible_fragment_ratio"], row["warnings"], row["verdict"]) == (
        "0.9460", "", "pass",
    )  # fmt: skip


def test_qc_passes_salmon_strand_bias_warning_on(tmp_path):
    library = strandedness(lib_format_counts(299, 324))
    quant = salmon_dir(tmp_path, lib_format_counts(299, 324), STRAND_BIAS_LOG)
    row = qc_row("S1", salmon_qc(quant, library), 12, 0.5)
    assert (row["strandedness"], row["library_type"]) == ("unstranded", "IU")
    assert row["warnings"] == "salmon_strand_bias"


def test_qc_of_an_undetermined_library_warns(tmp_path):
    library = strandedness(lib_format_counts(620, 380))
    quant = salmon_dir(tmp_path, lib_format_counts(620, 380), STRAND_BIAS_LOG)
    row = qc_row("S1", salmon_qc(quant, library), 12, 0.5)
    assert row["warnings"] == "salmon_strand_bias;strandedness_undetermined"
    nothing = strandedness({"expected_format": "unknown"})
    assert qc_row("S2", salmon_qc(quant, nothing), 0, 0.5)["sense_fraction"] == ""


def test_fastq_head_cuts_r1_and_r2_at_the_same_record(tmp_path, capsysbinary):
    import fastq_head

    files = []
    for unit in (1, 2):  # two units, read one after the other
        path = tmp_path / f"u{unit}_R1.fastq.gz"
        with gzip.open(path, "wt") as fh:
            fh.writelines(f"@u{unit}r{i}\nACGT\n+\nFFFF\n" for i in range(3))
        files.append(str(path))
    fastq_head.main(4, files)
    names = capsysbinary.readouterr().out.decode().splitlines()[::4]
    assert names == ["@u1r0", "@u1r1", "@u1r2", "@u2r0"]
    fastq_head.main(10, files)
    assert len(capsysbinary.readouterr().out.decode().splitlines()) == 24  # all 6 records


@pytest.mark.parametrize("scale", [3, 4])
def test_fixed_point_text_is_arrows_decimal_text(scale):
    """The numpy formatter writes what Arrow's decimal128 CSV writer wrote, value for value:
    magnitudes 1e-6 to 1e9, zeros (and -0.0), values at the rounding edge."""
    rng = np.random.default_rng(scale)
    values = rng.random((300, 23)) * 10.0 ** rng.integers(-6, 10, (300, 23))
    values[rng.random(values.shape) < 0.1] = 0.0
    values[0, :6] = [-0.0, 0.00049999, 0.00005, 123.4565, 1e6, 999.9995]
    rounded = np.round(values, scale)
    ids = [np.array([f"T{i}" for i in range(300)]), np.array([f"G{i}" for i in range(300)])]
    fh = io.BytesIO()
    _arrow_rows(fh, {"a": ids[0], "b": ids[1]}, [f"S{j}" for j in range(23)], rounded, scale)
    assert _fixed_point_rows(ids, rounded, scale) == fh.getvalue()
    assert _fixed_point_rows(ids, -rounded - 1, scale) is None  # negative: left to Arrow


def test_matrices_written_in_row_blocks_with_an_arrow_fallback(tmp_path, monkeypatch):
    """Rows in several blocks, and a negative value (Arrow's rows), give one table: the header,
    then every row in order with the same decimals."""
    import concord.expression as expression

    monkeypatch.setattr(expression, "WRITE_ROWS", 2)
    values = np.array([[1.0, 2.5], [0.0, 1e6], [-3.25, 0.1234], [7.0, 8.0], [9.5, 0.0]])
    ids = {"gene_id": np.array([f"g{i}" for i in range(5)]), "gene_name": np.array(list("ABCDE"))}
    path = tmp_path / "m.tsv"
    write_matrix(Matrix(ids, values, ["S1", "S2"]), str(path), "counts")
    assert path.read_text().splitlines() == [
        "gene_id\tgene_name\tS1\tS2", "g0\tA\t1.000\t2.500", "g1\tB\t0.000\t1000000.000",
        "g2\tC\t-3.250\t0.123", "g3\tD\t7.000\t8.000", "g4\tE\t9.500\t0.000",
    ]  # fmt: skip


def test_matrices_one_at_a_time_release_the_stack():
    t2g = pd.DataFrame({"transcript_id": ["t1", "t2"], "gene_id": ["g1", "g1"],
                        "gene_name": ["A", "A"]})  # fmt: skip
    stack = QuantStack(t2g, ["S1"])
    quant = pd.DataFrame(
        {"length": [100, 200], "effective_length": [50.0, 150.0], "count": [1.0, 3.0],
         "tpm": [2e5, 8e5]}, index=pd.Index(["t1", "t2"], name="transcript_id"),
    )  # fmt: skip
    stack.add("S1", quant)
    kept = build_matrices(stack)
    assert list(kept) == list(MATRIX_NAMES)
    names = []
    for name, matrix in iter_matrices(stack, release=True):
        names.append(name)
        assert np.array_equal(matrix.values, kept[name].values)
    assert sorted(names) == sorted(MATRIX_NAMES)
    assert stack.count is None and stack.tpm is None and stack.gene_len is None


@pytest.mark.parametrize("block", [1, 3, 64])
def test_gene_sums_by_sample_blocks_are_the_whole_array_sums(monkeypatch, block):
    """Summing to genes a few samples at a time gives the bits of one sum over all samples
    (genes of up to 40 transcripts: numpy's pairwise summation would differ from a loop)."""
    import concord.expression as expression

    rng = np.random.default_rng(18)
    genes = rng.integers(0, 30, 400)
    t2g = pd.DataFrame({"transcript_id": [f"t{i:03d}" for i in range(400)],
                        "gene_id": [f"g{g:02d}" for g in genes], "gene_name": "x"})  # fmt: skip
    stack = QuantStack(t2g, [f"S{j}" for j in range(10)])
    values = np.asfortranarray(rng.random((400, 10)) * 10.0 ** rng.integers(-3, 6, (400, 10)))
    whole = np.add.reduceat(values[stack.order], stack.starts, axis=0)
    monkeypatch.setattr(expression, "GENE_SUM_BLOCK", block)
    assert np.array_equal(stack.gene_matrix(values), whole)
