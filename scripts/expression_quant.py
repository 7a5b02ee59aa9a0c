"""One RNA sample: concord's EM on salmon's equivalence classes, and salmon's QC figures."""

import json

import pandas as pd
from concord.expression import quantify_sample, read_fasta, salmon_qc, write_quant


def main(eq: str, quant_dir: str, fasta: str, fragment_length: int, out_quant: str, out_qc: str):
    lengths = pd.Series({t: len(s) for t, s in read_fasta(fasta).items()})
    write_quant(quantify_sample(eq, lengths, fragment_length), out_quant)
    with open(out_qc, "w") as fh:
        json.dump(salmon_qc(quant_dir), fh, indent=1, sort_keys=True)
        fh.write("\n")


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    quant_dir = s.input.meta.rsplit("/aux_info/", 1)[0]
    main(
        s.input.eq, quant_dir, s.input.fasta, s.params.fragment_length, s.output.quant, s.output.qc
    )
