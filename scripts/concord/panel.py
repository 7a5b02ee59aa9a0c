"""The configured panel: transcript models, contig accessions, the annotator and ClinVar."""

from __future__ import annotations

from dataclasses import dataclass

from concord.annotate import EXTEND, PanelAnnotator, grch38_accessions
from concord.clinvar import ClinVar
from concord.errors import InputError
from concord.reference import reference_contigs, reference_lengths
from concord.transcripts import TranscriptModel, read_transcripts


@dataclass
class Panel:
    models: list[TranscriptModel]
    annotator: PanelAnnotator
    clinvar: ClinVar | None


def contig_accessions(config: dict, contigs: list[str]) -> dict[str, tuple[str, int]]:
    """Configured accessions (reference.accessions), else GRCh38 names (chr17 -> NC_000017.11)."""
    configured = config["reference"].get("accessions")
    if configured:
        return {c: (v["accession"], int(v.get("offset", 0))) for c, v in configured.items()}
    return grch38_accessions(contigs)


def check_named_contig_lengths(
    config: dict, contigs: list[str], lengths: dict[str, int], source: str
) -> None:
    """A contig mapped to GRCh38 by its name alone must be the whole GRCh38 chromosome: a
    window or another assembly under the same name would be named at the wrong positions."""
    if config["reference"].get("accessions"):
        return
    from bioutils.assemblies import get_assembly

    expected = {s["refseq_ac"]: s["length"] for s in get_assembly("GRCh38.p13")["sequences"]}
    for contig in contigs:
        accession = grch38_accessions([contig]).get(contig, (None,))[0]
        if accession and contig in lengths and lengths[contig] != expected.get(accession):
            raise InputError(
                f"{source}: reference.accessions: contig {contig!r} is {lengths[contig]:,} bp but "
                f"GRCh38 {contig} ({accession}) is {expected[accession]:,} bp: a window or "
                "another assembly. Map it under reference.accessions, e.g. "
                f"{contig}: {{accession: {accession}, offset: <0-based start of the window>}}"
            )


def load_panel(config: dict, source: str = "config") -> Panel:
    if not config.get("panel"):
        raise InputError(f"{source}: panel: no panel transcripts configured")
    fasta = config["reference"]["fasta"]
    contigs = reference_contigs(fasta, config["reference"].get("fai"))
    ids = [p["transcript"] for p in config["panel"]]
    models = read_transcripts(config["annotation"]["gtf"], ids)
    ordered = [models[t] for t in ids]
    accessions = contig_accessions(config, contigs)
    check_named_contig_lengths(
        config, sorted({m.contig for m in ordered}), reference_lengths(fasta), source
    )
    for m in ordered:
        if m.contig not in accessions:
            raise InputError(
                f"{source}: reference.accessions: contig {m.contig!r} of {m.transcript_id} has no "
                "RefSeq accession (add it under reference.accessions)"
            )
    proteins = {p["transcript"]: p["protein"] for p in config["panel"] if p.get("protein")}
    annotator = PanelAnnotator(ordered, fasta, accessions, proteins)
    clinvar = None
    if config["annotation"].get("clinvar"):
        regions = [
            (m.contig, max(0, m.exons[0][0] - EXTEND), m.exons[-1][1] + EXTEND) for m in ordered
        ]
        clinvar = ClinVar(config["annotation"]["clinvar"], contigs, regions)
    return Panel(ordered, annotator, clinvar)
