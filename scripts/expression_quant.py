"""One RNA sample: concord's EM on salmon's equivalence classes, and salmon's QC figures."""

import json
from pathlib import Path

import pandas as pd
from concord.expression import quantify_sample, read_fasta, salmon_qc, write_quant
from concord.jsonio import sorted_keys, write_json


def main(
    eq: str, salmon_dir: str, library_type: str, fasta: str, fragment_length: int,
    out_quant: str, out_qc: str, salmon_quant: str | None = None,
):  # fmt: skip
    lengths = pd.Series({t: len(s) for t, s in read_fasta(fasta).items()})
    write_quant(quantify_sample(eq, lengths, fragment_length, salmon_quant), out_quant)
    library = json.loads(Path(library_type).read_text())
    write_json(sorted_keys(salmon_qc(salmon_dir, library)), out_qc)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(
        s.input.eq, s.params.salmon_dir, s.input.library_type, s.input.fasta,
        s.params.fragment_length, s.output.quant, s.output.qc, s.input.salmon_quant,
    )  # fmt: skip
