"""Does the annotation fit the reference? Checked before anything is named or quantified.

A GTF whose coordinates do not fit the FASTA (an offset window, another build or patch, the
same contig names) gives HGVS names for a CDS without start or stop codon and a near-zero RNA
mapping rate, with nothing else wrong to see. Two checks catch it:

- every **panel transcript** must be a valid coding model on the reference: CDS length a
  multiple of 3, ATG first and a stop codon last unless the GTF tags the end incomplete
  (`cds_start_NF` / `cds_end_NF`), no stop codon inside, canonical splice dinucleotides
  (GT-AG, GC-AG, AT-AC) at every intron;
- the **whole annotation** must fit: a GTF made on this reference has nearly all introns
  canonical and nearly all complete CDSs starting with ATG (real annotations: > 98 %); one on
  another coordinate system has them at the rate of chance (a few %).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from concord.transcripts import TranscriptModel

CANONICAL_INTRONS = {("GT", "AG"), ("GC", "AG"), ("AT", "AC")}
STOP_CODONS = {"TAA", "TAG", "TGA"}
# levels far from both a fitting annotation (> 0.98) and a misplaced one (< 0.1)
MIN_CANONICAL_INTRONS = 0.90
MIN_ATG_STARTS = 0.80
MIN_INTRONS_JUDGED = 20
MIN_STARTS_JUDGED = 10

COMPLEMENT = str.maketrans("ACGTN", "TGCAN")

Fetch = Callable[[str, int, int], str]  # contig, 0-based start, end -> upper-case sequence


def reverse_complement(seq: str) -> str:
    return seq.translate(COMPLEMENT)[::-1]


def _spliced(model: TranscriptModel, intervals, fetch: Fetch) -> str:
    """The sequence of genomic intervals joined in transcript order (5' to 3')."""
    seq = "".join(fetch(model.contig, s, e) for s, e in sorted(intervals))
    return reverse_complement(seq) if model.strand == "-" else seq


def introns(model: TranscriptModel) -> list[tuple[int, int]]:
    exons = sorted(model.exons)
    return [(a[1], b[0]) for a, b in zip(exons, exons[1:], strict=False) if b[0] > a[1]]


def intron_dinucleotides(model: TranscriptModel, fetch: Fetch) -> list[tuple[str, str, int, int]]:
    """(donor, acceptor, start, end) of each intron, read on the transcript's strand."""
    out = []
    for start, end in introns(model):
        if end - start < 4:
            continue
        left, right = fetch(model.contig, start, start + 2), fetch(model.contig, end - 2, end)
        if model.strand == "-":
            left, right = reverse_complement(right), reverse_complement(left)
        out.append((left, right, start, end))
    return out


def coding_sequence(model: TranscriptModel, fetch: Fetch) -> tuple[str, str]:
    """(CDS, the codon after it): the CDS as the GTF gives it, and the next three transcript
    bases (the stop codon, from stop_codon lines or the exon sequence after the CDS)."""
    cds = _spliced(model, model.cds, fetch)
    if model.stop_codon:
        return cds, _spliced(model, model.stop_codon, fetch)
    end = model.coding_span()[1]  # transcript offset just past the CDS
    exons = _spliced(model, model.exons, fetch)
    return cds, exons[end : end + 3]


def check_panel_transcript(model: TranscriptModel, fetch: Fetch) -> list[str]:
    """What is wrong with a panel transcript on this reference ([] = a valid coding model)."""
    if not model.coding:
        return ["has no CDS lines (a panel transcript must be protein coding)"]
    problems = []
    cds, after = coding_sequence(model, fetch)
    start_nf, end_nf = "cds_start_NF" in model.tags, "cds_end_NF" in model.tags
    includes_stop = cds[-3:] in STOP_CODONS and not model.stop_codon
    coding = cds if includes_stop else cds + (after if after in STOP_CODONS else "")
    if len(coding) % 3 and not (start_nf or end_nf):  # an incomplete end may cut a codon
        problems.append(f"CDS length {len(coding)} is not a multiple of 3")
    if not start_nf and not cds.startswith("ATG"):
        problems.append(f"CDS starts with {cds[:3] or 'nothing'}, not ATG")
    if not end_nf and not includes_stop and after not in STOP_CODONS:
        problems.append(f"no stop codon at the end of the CDS ({after or 'nothing'} follows it)")
    body = cds[:-3] if includes_stop else cds
    codons = [body[i : i + 3] for i in range(model.cds_phase, len(body) - 2, 3)]
    internal = [i for i, codon in enumerate(codons, start=1) if codon in STOP_CODONS]
    if internal:
        problems.append(
            f"{len(internal)} stop codon(s) inside the CDS (first at codon {internal[0]})"
        )
    for donor, acceptor, start, end in intron_dinucleotides(model, fetch):
        if (donor, acceptor) not in CANONICAL_INTRONS:
            problems.append(
                f"intron {model.contig}:{start + 1}-{end} has {donor}-{acceptor}, "
                "not GT-AG, GC-AG or AT-AC"
            )
            break
    return problems


@dataclass
class AnnotationFit:
    introns: int = 0
    canonical_introns: int = 0
    complete_starts: int = 0
    atg_starts: int = 0
    examples: list[str] | None = None

    @property
    def canonical_fraction(self) -> float | None:
        return self.canonical_introns / self.introns if self.introns else None

    @property
    def atg_fraction(self) -> float | None:
        return self.atg_starts / self.complete_starts if self.complete_starts else None

    def problems(self) -> list[str]:
        out = []
        if self.introns >= MIN_INTRONS_JUDGED and self.canonical_fraction < MIN_CANONICAL_INTRONS:
            out.append(
                f"only {self.canonical_introns} of {self.introns} introns "
                f"({self.canonical_fraction:.1%}) have canonical splice sites "
                f"(a GTF made on this reference: > 98 %; needed: {MIN_CANONICAL_INTRONS:.0%})"
            )
        if self.complete_starts >= MIN_STARTS_JUDGED and self.atg_fraction < MIN_ATG_STARTS:
            out.append(
                f"only {self.atg_starts} of {self.complete_starts} complete CDSs "
                f"({self.atg_fraction:.1%}) start with ATG (needed: {MIN_ATG_STARTS:.0%})"
            )
        return out


def annotation_fit(models: list[TranscriptModel], fetch: Fetch) -> AnnotationFit:
    """Canonical introns and ATG starts over every transcript of the annotation."""
    fit = AnnotationFit(examples=[])
    for m in models:
        for donor, acceptor, start, end in intron_dinucleotides(m, fetch):
            fit.introns += 1
            if (donor, acceptor) in CANONICAL_INTRONS:
                fit.canonical_introns += 1
            elif len(fit.examples) < 3:
                fit.examples.append(
                    f"{m.transcript_id} intron {m.contig}:{start + 1}-{end} {donor}-{acceptor}"
                )
        if m.coding and "cds_start_NF" not in m.tags:
            fit.complete_starts += 1
            fit.atg_starts += _spliced(m, m.cds, fetch)[:3] == "ATG"
    return fit
