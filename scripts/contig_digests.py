"""Per-contig MD5 of the reference; stops the run when a configured digest does not match."""

import sys

from concord.errors import InputError
from concord.reference import check_expected_md5, contig_digests, write_digests


def main(fasta: str, expected: dict, output: str, log: str) -> None:
    digests = contig_digests(fasta)
    with open(log, "w") as fh:
        try:
            check_expected_md5(digests, expected, fasta, "config reference.expected_md5")
        except InputError as error:
            fh.write(f"{error}\n")
            sys.exit(f"concord: {error}")
        fh.write(f"{len(digests)} contigs, digests written to {output}\n")
    write_digests(digests, output)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(s.input.ref, dict(s.params.expected), s.output[0], s.log[0])
