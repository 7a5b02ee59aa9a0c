"""Quantify every RNA sample from its equivalence classes and write the matrices and QC."""

import pandas as pd
from concord.expression import build_matrices, quantify_sample, read_fasta, salmon_qc, write_matrix


def main(samples, eq, quant_dirs, fasta, tx2gene_path, fragment_length, min_mapping_rate, outputs):
    lengths = pd.Series({t: len(s) for t, s in read_fasta(fasta).items()})
    tx2gene = pd.read_csv(tx2gene_path, sep="\t", dtype=str)
    qc_rows, per_sample = [], {}
    for sample, eq_path, quant_dir in zip(samples, eq, quant_dirs, strict=True):
        qc = salmon_qc(quant_dir)
        quant = quantify_sample(eq_path, lengths, fragment_length)
        passed = qc["mapping_rate"] >= min_mapping_rate
        qc_rows.append(
            {
                "sample": sample,
                "fragments": qc["fragments"],
                "mapping_rate": f"{qc['mapping_rate']:.4f}",
                "library_type": qc["library_type"],
                "genes_detected": int(
                    (
                        quant["count"].groupby(tx2gene.set_index("transcript_id")["gene_id"]).sum()
                        >= 1
                    ).sum()
                ),
                "verdict": "pass" if passed else f"fail: mapping rate below {min_mapping_rate}",
            }
        )
        if passed:  # a failed sample is reported in qc.tsv and kept out of the matrices
            per_sample[sample] = quant
    matrices = build_matrices(per_sample, tx2gene)
    for name, df in matrices.items():
        write_matrix(df, outputs[name], name.split(".", 1)[1])
    pd.DataFrame(qc_rows).to_csv(outputs["qc"], sep="\t", index=False, lineterminator="\n")


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    out = {
        "genes.counts": s.output[0],
        "genes.tpm": s.output[1],
        "genes.length_scaled_counts": s.output[2],
        "transcripts.counts": s.output[3],
        "transcripts.tpm": s.output[4],
        "qc": s.output[5],
    }
    quant_dirs = [m.rsplit("/aux_info/", 1)[0] for m in s.input.meta]
    main(
        list(s.params.samples), list(s.input.eq), quant_dirs, s.input.fasta, s.input.tx2gene,
        s.params.fragment_length, s.params.min_mapping_rate, out,
    )  # fmt: skip
