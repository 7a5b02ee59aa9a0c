"""SHA-256 and size of a unit's read files (its FASTQ pair or its BAM/CRAM), without their paths."""

from concord.checksums import write_unit_checksums

if __name__ == "__main__":
    write_unit_checksums(
        # the read files only: `checked` is the content check's verdict, an ordering input
        {key: snakemake.input[key] for key in snakemake.input.keys() if key != "checked"},  # noqa: F821
        snakemake.output[0],  # noqa: F821
    )
