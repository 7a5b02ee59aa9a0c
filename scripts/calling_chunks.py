"""Write the BED file of every calling chunk (scatter)."""

from concord import paths
from concord.chunks import chunk_ids, genome_chunks, read_fai


def main(fai: str, n_chunks: int, outputs: list[str]) -> None:
    chunks = genome_chunks(read_fai(fai), n_chunks)
    for chunk_id, chunk in zip(chunk_ids(n_chunks), chunks, strict=True):
        path = paths.job_file(
            outputs, paths.CALLING_CHUNK.format(n_chunks=n_chunks, chunk=chunk_id)
        )
        with open(path, "w") as fh:
            fh.writelines(f"{c}\t{s}\t{e}\n" for c, s, e in chunk)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(s.input.fai, s.params.n_chunks, list(s.output))
