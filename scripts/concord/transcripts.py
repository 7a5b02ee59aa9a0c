"""Panel transcript models read from the configured GTF, and their cdot JSON for biocommons hgvs."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from concord.errors import InputError
from concord.reference import open_maybe_gzip

GTF_ATTRIBUTE = re.compile(r'(\S+) "([^"]*)"')


@dataclass
class TranscriptModel:
    transcript_id: str
    gene: str
    contig: str
    strand: str
    exons: list[tuple[int, int]] = field(default_factory=list)  # 0-based half-open, genomic order
    cds: list[tuple[int, int]] = field(default_factory=list)  # CDS lines (stop codon excluded)
    stop_codon: list[tuple[int, int]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)  # GTF `tag` values (cds_start_NF, MANE_Select...)
    cds_phase: int = 0  # GTF frame of the 5'-most CDS line: where its first whole codon starts

    @property
    def coding(self) -> bool:
        return bool(self.cds)

    def exons_5to3(self) -> list[tuple[int, int]]:
        return sorted(self.exons, reverse=self.strand == "-")

    def genome_to_tx(self, g: int) -> int | None:
        """0-based transcript offset of 0-based genomic position g, None when not exonic."""
        offset = 0
        for s, e in self.exons_5to3():
            if s <= g < e:
                return offset + (g - s if self.strand == "+" else e - 1 - g)
            offset += e - s
        return None

    def coding_span(self) -> tuple[int, int]:
        """Transcript offsets [start, end) of the CDS including the stop codon."""
        pieces = self.cds + self.stop_codon
        lo, hi = min(s for s, _ in pieces), max(e for _, e in pieces)
        if self.strand == "+":
            return self.genome_to_tx(lo), self.genome_to_tx(hi - 1) + 1
        return self.genome_to_tx(hi - 1), self.genome_to_tx(lo) + 1

    def coding_exons(self) -> list[tuple[int, int, int]]:
        """(exon number from 5', start, end) of exons that overlap the CDS, genomic coordinates."""
        pieces = self.cds + self.stop_codon
        lo, hi = min(s for s, _ in pieces), max(e for _, e in pieces)
        return [
            (n, s, e) for n, (s, e) in enumerate(self.exons_5to3(), start=1) if s < hi and lo < e
        ]


def read_transcripts(gtf: str, transcript_ids: list[str] | None) -> dict[str, TranscriptModel]:
    """The models of the given transcripts (None: every transcript with exons in the GTF); a
    transcript absent from the GTF is an error."""
    wanted = None if transcript_ids is None else set(transcript_ids)
    models: dict[str, TranscriptModel] = {}
    with open_maybe_gzip(gtf, text=True) as fh:
        for line in fh:
            if line.startswith("#") or "transcript_id" not in line:
                continue
            f = line.rstrip("\n").split("\t")
            if len(f) < 9 or f[2] not in ("exon", "CDS", "stop_codon"):
                continue
            pairs = GTF_ATTRIBUTE.findall(f[8])
            attrs = dict(pairs)
            tid = attrs.get("transcript_id")
            if wanted is not None and tid not in wanted:
                continue
            model = models.setdefault(
                tid,
                TranscriptModel(tid, attrs.get("gene_name", attrs.get("gene_id", "")), f[0], f[6]),
            )
            model.tags.update(value for key, value in pairs if key == "tag")
            interval = (int(f[3]) - 1, int(f[4]))
            if f[2] == "CDS" and f[7].isdigit():
                five_prime = not model.cds or (
                    interval[0] < min(model.cds)[0]
                    if model.strand == "+"
                    else interval[1] > max(model.cds)[1]
                )
                if five_prime:
                    model.cds_phase = int(f[7])
            {"exon": model.exons, "CDS": model.cds, "stop_codon": model.stop_codon}[f[2]].append(
                interval
            )
    missing = [t for t in transcript_ids or () if t not in models or not models[t].exons]
    if missing:
        raise InputError(
            f"{gtf}: panel transcript {missing[0]!r} is not in the GTF (no exon lines)"
        )
    for model in models.values():
        model.exons.sort()
        model.cds.sort()
    return {t: m for t, m in models.items() if m.exons}


def cdot_json(
    models: list[TranscriptModel],
    accessions: dict[str, tuple[str, int]],
    extend: int = 0,
    proteins: dict[str, str] | None = None,
) -> str:
    """cdot JSON (GRCh38 build key) for the models, on RefSeq contig accessions.

    accessions maps a reference contig to (accession, offset added to positions). `extend`
    lengthens the first and last exon so c. numbering continues beyond the transcript ends
    (c.-N upstream, c.*N downstream), as ClinVar names such variants.
    """
    transcripts = {}
    for m in models:
        accession, offset = accessions[m.contig]
        exons_5to3 = [list(x) for x in m.exons_5to3()]
        if m.strand == "+":
            exons_5to3[0][0] -= extend
            exons_5to3[-1][1] += extend
        else:
            exons_5to3[0][1] += extend
            exons_5to3[-1][0] -= extend
        rows, cdna = [], 1
        for i, (s, e) in enumerate(exons_5to3):
            rows.append([s + offset, e + offset, i, cdna, cdna + (e - s) - 1, None])
            cdna += e - s
        rows.sort(key=lambda r: r[0])
        entry = {
            "id": m.transcript_id,
            "gene_name": m.gene,
            "biotype": ["protein_coding" if m.coding else "non_coding"],
            "genome_builds": {"GRCh38": {"contig": accession, "strand": m.strand, "exons": rows}},
        }
        if m.coding:
            start, end = m.coding_span()
            entry["start_codon"] = start + extend
            entry["stop_codon"] = end + extend
            # hgvs needs a protein accession to name p. variants; without a configured one
            # concord prints the p. edit alone, so a placeholder is enough
            entry["protein"] = (proteins or {}).get(
                m.transcript_id, f"PROTEIN_OF_{m.transcript_id}"
            )
        transcripts[m.transcript_id] = entry
    return json.dumps(
        {
            "cdot_version": "0.2.33",
            "genome_builds": ["GRCh38"],
            "transcripts": transcripts,
            "genes": {},
        },
        sort_keys=True,
    )
