"""Per-contig MD5 of the reference; stops the run when a configured digest does not match."""

import os
import sys

from concord.errors import InputError
from concord.reference import check_expected_md5, contig_digests, write_digests


def main(fasta: str, expected: dict, output: str, log: str) -> None:
    named = os.path.realpath(fasta)  # the configured FASTA, which results/ links to
    with open(log, "w") as fh:
        try:  # a duplicate contig name stops the full pass too (the FASTA may have a .fai)
            digests = contig_digests(fasta)
            check_expected_md5(digests, expected, named, "config")
        except InputError as error:
            fh.write(f"{error}\n")
            sys.exit(f"concord: {error}")
        fh.write(f"{len(digests)} contigs, digests written to {output}\n")
    write_digests(digests, output)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(s.input.ref, dict(s.params.expected), s.output[0], s.log[0])
