import gzip

import numpy as np
import pandas as pd
import pytest
from concord.expression import (
    QuantStack,
    build_matrices,
    em_counts,
    expression_annotation,
    read_equivalence_classes,
    tpm,
    write_matrix,
)


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
