"""bcftools csq on the same panel transcripts: the GFF3 it reads, and its terms as SO terms.

Used to cross-check concord's consequences (tests) and as the speed reference (bench/).
"""

from __future__ import annotations

from concord.transcripts import TranscriptModel


def csq_gff3(models: list[TranscriptModel]) -> str:
    """Ensembl-style GFF3 (gene / mRNA / exon / CDS with the stop codon / UTRs) for bcftools csq."""
    lines = ["##gff-version 3"]
    for m in models:
        s, e = m.exons[0][0] + 1, m.exons[-1][1]
        gene = f"gene:{m.gene}_{m.transcript_id}"
        biotype = "protein_coding" if m.coding else "lncRNA"
        lines.append(
            f"{m.contig}\tconcord\tgene\t{s}\t{e}\t.\t{m.strand}\t.\tID={gene};Name={m.gene};biotype={biotype}"
        )
        tid = f"transcript:{m.transcript_id}"
        lines.append(
            f"{m.contig}\tconcord\tmRNA\t{s}\t{e}\t.\t{m.strand}\t.\t"
            f"ID={tid};Parent={gene};Name={m.transcript_id};biotype={biotype}"
        )
        for xs, xe in m.exons:
            lines.append(
                f"{m.contig}\tconcord\texon\t{xs + 1}\t{xe}\t.\t{m.strand}\t.\tParent={tid}"
            )
        if not m.coding:
            continue
        cds = _merge(sorted(m.cds + m.stop_codon))
        done = 0
        for xs, xe in sorted(cds, reverse=m.strand == "-"):
            phase = (3 - done % 3) % 3
            lines.append(
                f"{m.contig}\tconcord\tCDS\t{xs + 1}\t{xe}\t.\t{m.strand}\t{phase}\tParent={tid}"
            )
            done += xe - xs
        lo, hi = cds[0][0], cds[-1][1]
        for xs, xe in m.exons:
            for us, ue, side in ((xs, min(xe, lo), "left"), (max(xs, hi), xe, "right")):
                if us < ue:
                    five = (side == "left") == (m.strand == "+")
                    kind = "five_prime_UTR" if five else "three_prime_UTR"
                    cols = [m.contig, "concord", kind, us + 1, ue, ".", m.strand, "."]
                    lines.append("\t".join(map(str, cols)) + f"\tParent={tid}")
    return "\n".join(lines) + "\n"


def _merge(intervals):
    out = []
    for s, e in intervals:
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


CSQ_TO_SO = {
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "inframe_altering": "protein_altering_variant",
    "coding_sequence": "coding_sequence_variant",
    # these csq terms are SO terms already
    "stop_gained": "stop_gained",
    "stop_lost": "stop_lost",
    "start_lost": "start_lost",
    "inframe_deletion": "inframe_deletion",
    "inframe_insertion": "inframe_insertion",
}


def csq_term(bcsq: str) -> str | None:
    """The most severe consequence of a BCSQ annotation as an SO term (concord's ordering)."""
    from concord.consequences import SEVERITY

    if not bcsq or bcsq.startswith("@"):
        return None
    # one entry per consequence, comma-separated; each entry's first field may join terms with &
    terms = [
        CSQ_TO_SO.get(t, f"{t}_variant")
        for entry in bcsq.split(",")
        if not entry.startswith("@")
        for t in entry.split("|")[0].lstrip("*").split("&")
    ]
    return min(terms, key=lambda t: SEVERITY.index(t) if t in SEVERITY else len(SEVERITY))
