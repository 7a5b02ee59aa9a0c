"""The expression annotation: transcripts to quantify, transcript->gene map, what was left out."""

from concord.expression import expression_annotation, read_fasta, transcript_genes


def main(fasta: str, gtf: str, out_fasta: str, out_tx2gene: str, out_left_out: str) -> None:
    kept, tx2gene, left_out = expression_annotation(read_fasta(fasta), transcript_genes(gtf))
    with open(out_fasta, "w") as fh:
        for tid in sorted(kept):
            fh.write(f">{tid}\n{kept[tid]}\n")
    tx2gene.to_csv(out_tx2gene, sep="\t", index=False, lineterminator="\n")
    left_out.to_csv(out_left_out, sep="\t", index=False, lineterminator="\n")


if __name__ == "__main__":
    o = snakemake.output  # noqa: F821
    main(snakemake.input.fasta, snakemake.input.gtf, o.fasta, o.tx2gene, o.left_out)  # noqa: F821
