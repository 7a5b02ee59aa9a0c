"""Genes x samples and transcripts x samples matrices from the per-sample quantifications."""

import json

import pandas as pd
from concord.expression import (
    QuantStack,
    build_matrices,
    passes_qc,
    qc_row,
    read_quant,
    write_matrix,
)  # fmt: skip

NAMES = (
    "genes.counts", "genes.tpm", "genes.length_scaled_counts",
    "transcripts.counts", "transcripts.tpm",
)  # fmt: skip


def main(samples, quants, qcs, tx2gene_path, min_mapping_rate, outputs) -> None:
    tx2gene = pd.read_csv(tx2gene_path, sep="\t", dtype=str)
    qc = {}
    for sample, qc_path in zip(samples, qcs, strict=True):
        with open(qc_path) as fh:
            qc[sample] = json.load(fh)
    # a failed sample is in qc.tsv and kept out of the matrices
    stack = QuantStack(tx2gene, [s for s in samples if passes_qc(qc[s], min_mapping_rate)])
    qc_rows = []
    for sample, quant_path in zip(samples, quants, strict=True):
        quant = read_quant(quant_path)
        qc_rows.append(qc_row(sample, qc[sample], stack.genes_detected(quant), min_mapping_rate))
        if sample in stack.samples:
            stack.add(sample, quant)
    for name, matrix in build_matrices(stack).items():
        write_matrix(matrix, outputs[NAMES.index(name)], name.split(".", 1)[1])
    pd.DataFrame(qc_rows).to_csv(outputs[-1], sep="\t", index=False, lineterminator="\n")


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(
        list(s.params.samples), list(s.input.quant), list(s.input.qc), s.input.tx2gene,
        s.params.min_mapping_rate, list(s.output),
    )  # fmt: skip
