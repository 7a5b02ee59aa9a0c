"""Write the BED file of every calling chunk (scatter)."""

from concord.chunks import genome_chunks, read_fai


def main(fai: str, outputs: list[str]) -> None:
    for path, chunk in zip(outputs, genome_chunks(read_fai(fai), len(outputs)), strict=True):
        with open(path, "w") as fh:
            fh.writelines(f"{c}\t{s}\t{e}\n" for c, s, e in chunk)


if __name__ == "__main__":
    main(snakemake.input.fai, list(snakemake.output))  # noqa: F821
