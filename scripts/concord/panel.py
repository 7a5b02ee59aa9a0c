"""The configured panel: transcript models, contig accessions, the annotator and ClinVar."""

from __future__ import annotations

from dataclasses import dataclass

from concord.annotate import EXTEND, PanelAnnotator, grch38_accessions
from concord.clinvar import ClinVar
from concord.errors import InputError
from concord.reference import reference_contigs
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


def load_panel(config: dict, source: str = "config") -> Panel:
    if not config.get("panel"):
        raise InputError(f"{source}: panel: no panel transcripts configured")
    fasta = config["reference"]["fasta"]
    contigs = reference_contigs(fasta, config["reference"].get("fai"))
    ids = [p["transcript"] for p in config["panel"]]
    models = read_transcripts(config["annotation"]["gtf"], ids)
    ordered = [models[t] for t in ids]
    accessions = contig_accessions(config, contigs)
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
