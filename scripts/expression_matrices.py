"""Genes x samples and transcripts x samples matrices from the per-sample quantifications."""

import json

import pandas as pd
from concord import paths
from concord.expression import (
    QuantStack,
    iter_matrices,
    passes_qc,
    qc_row,
    read_quant,
    write_matrix,
)  # fmt: skip


def main(samples, quants, qcs, tx2gene_path, min_mapping_rate, outputs: dict) -> None:
    """quants and qcs map each sample to its file; outputs maps output names to paths."""
    tx2gene = pd.read_csv(tx2gene_path, sep="\t", dtype=str)
    qc = {}
    for sample in samples:
        with open(qcs[sample]) as fh:
            qc[sample] = json.load(fh)
    # a failed sample is in qc.tsv and kept out of the matrices
    stack = QuantStack(tx2gene, [s for s in samples if passes_qc(qc[s], min_mapping_rate)])
    qc_rows = []
    for sample in samples:
        quant = read_quant(quants[sample])
        qc_rows.append(qc_row(sample, qc[sample], stack.genes_detected(quant), min_mapping_rate))
        if sample in stack.samples:
            stack.add(sample, quant)
    # one matrix at a time, each released once written (bench/expression_matrices.py: memory)
    for name, matrix in iter_matrices(stack, release=True):
        write_matrix(matrix, outputs[paths.output_key(name)], name.split(".", 1)[1])
        del matrix
    pd.DataFrame(qc_rows).to_csv(outputs["qc"], sep="\t", index=False, lineterminator="\n")


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    samples = list(s.params.samples)
    quants = {
        x: paths.job_file(s.input.quant, paths.SAMPLE_QUANT.format(sample=x)) for x in samples
    }
    qcs = {x: paths.job_file(s.input.qc, paths.SAMPLE_QUANT_QC.format(sample=x)) for x in samples}
    main(samples, quants, qcs, s.input.tx2gene, s.params.min_mapping_rate, dict(s.output))
