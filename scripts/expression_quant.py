"""One RNA sample: concord's EM on salmon's equivalence classes, and salmon's QC figures."""

import pandas as pd
from concord.expression import quantify_sample, read_fasta, salmon_qc, write_quant
from concord.jsonio import sorted_keys, write_json


def main(eq: str, salmon_dir: str, fasta: str, fragment_length: int, out_quant: str, out_qc: str):
    lengths = pd.Series({t: len(s) for t, s in read_fasta(fasta).items()})
    write_quant(quantify_sample(eq, lengths, fragment_length), out_quant)
    write_json(sorted_keys(salmon_qc(salmon_dir)), out_qc)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(
        s.input.eq, s.params.salmon_dir, s.input.fasta, s.params.fragment_length,
        s.output.quant, s.output.qc,
    )  # fmt: skip
