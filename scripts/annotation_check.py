"""Does the annotation fit the reference? The panel transcripts one by one, and the whole GTF's
splice sites and start codons (concord.annotation_check). Stops the run naming what is wrong."""

import sys

import pysam
from concord.annotation_check import annotation_fit, check_panel_transcript
from concord.errors import InputError
from concord.jsonio import write_json
from concord.reference import check_gtf
from concord.transcripts import read_transcripts


def main(gtf: str, fasta: str, fai: str, panel: list[str], output: str, log: str) -> int:
    try:  # contig names and panel ids; also checked before any job where the files are local
        check_gtf(gtf, fasta, fai, panel)
    except InputError as error:
        print(f"concord: {error}", file=sys.stderr)
        with open(log, "w") as fh:
            fh.write(f"{error}\n")
        return 1
    reference = pysam.FastaFile(fasta)

    def fetch(contig, start, end):
        return reference.fetch(contig, max(0, start), end).upper()

    models = read_transcripts(gtf, None)
    fit = annotation_fit(list(models.values()), fetch)
    problems = [f"{gtf} does not fit {fasta}: {p}" for p in fit.problems()]
    verdicts = {}
    for transcript in panel:
        found = check_panel_transcript(models[transcript], fetch)
        verdicts[transcript] = found
        problems += [f"{gtf}: panel transcript {transcript}: {p}" for p in found]
    with open(log, "w") as fh:
        fh.write(
            f"{len(models)} transcripts; introns canonical: {fit.canonical_introns}/{fit.introns}; "
            f"complete CDSs starting with ATG: {fit.atg_starts}/{fit.complete_starts}\n"
        )
        fh.writelines(f"non-canonical intron: {e}\n" for e in fit.examples)
        fh.writelines(f"{p}\n" for p in problems)
    if problems:
        print("concord: the annotation does not fit the reference:", file=sys.stderr)
        for p in problems:
            print(f"  {p}", file=sys.stderr)
        return 1
    write_json(
        {
            "transcripts": len(models),
            "introns": fit.introns,
            "canonical_introns": fit.canonical_introns,
            "complete_cds": fit.complete_starts,
            "atg_starts": fit.atg_starts,
            "panel": {t: "valid coding model" for t in verdicts},
        },
        output,
    )
    return 0


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    sys.exit(
        main(s.input.gtf, s.input.ref, s.input.fai, list(s.params.panel), s.output[0], s.log[0])
    )
