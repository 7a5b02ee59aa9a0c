"""BED of the panel's coding exons ±20 bp (name gene|transcript|exon), for mosdepth."""

from concord.coverage import coding_exon_regions
from concord.transcripts import read_transcripts


def main(gtf: str, transcripts: list[str], output: str) -> None:
    models = read_transcripts(gtf, transcripts)
    with open(output, "w") as fh:
        for contig, start, end, name in coding_exon_regions([models[t] for t in transcripts]):
            fh.write(f"{contig}\t{start}\t{end}\t{name}\n")


if __name__ == "__main__":
    main(snakemake.input.gtf, list(snakemake.params.transcripts), snakemake.output[0])  # noqa: F821
