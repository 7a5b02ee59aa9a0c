"""Genes x samples and transcripts x samples matrices from the per-sample quantifications."""

import json

import pandas as pd
from concord.expression import build_matrices, qc_row, read_quant, write_matrix

NAMES = (
    "genes.counts", "genes.tpm", "genes.length_scaled_counts",
    "transcripts.counts", "transcripts.tpm",
)  # fmt: skip


def main(samples, quants, qcs, tx2gene_path, min_mapping_rate, outputs) -> None:
    tx2gene = pd.read_csv(tx2gene_path, sep="\t", dtype=str)
    gene_of = tx2gene.set_index("transcript_id")["gene_id"]
    qc_rows, per_sample = [], {}
    for sample, quant_path, qc_path in zip(samples, quants, qcs, strict=True):
        quant = read_quant(quant_path)
        with open(qc_path) as fh:
            row = qc_row(sample, json.load(fh), quant, gene_of, min_mapping_rate)
        qc_rows.append(row)
        if row["verdict"] == "pass":  # a failed sample is in qc.tsv and kept out of the matrices
            per_sample[sample] = quant
    for name, df in build_matrices(per_sample, tx2gene).items():
        write_matrix(df, outputs[NAMES.index(name)], name.split(".", 1)[1])
    pd.DataFrame(qc_rows).to_csv(outputs[-1], sep="\t", index=False, lineterminator="\n")


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(
        list(s.params.samples), list(s.input.quant), list(s.input.qc), s.input.tx2gene,
        s.params.min_mapping_rate, list(s.output),
    )  # fmt: skip
