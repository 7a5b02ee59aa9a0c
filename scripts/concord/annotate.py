"""HGVS names, consequences and exon numbers on the panel transcripts, with biocommons hgvs.

Transcript models come from the configured GTF (concord.transcripts) as cdot JSON; sequence
comes from the local reference FASTA through a seqfetcher that serves RefSeq contig accessions
from the reference's own contigs (with an offset for windowed references such as the
conformance kit). Nothing here touches a network.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import hgvs
import hgvs.edit
import hgvs.exceptions
import hgvs.location
import hgvs.normalizer
import hgvs.parser
import hgvs.posedit
import hgvs.sequencevariant
import hgvs.variantmapper
import pysam
from cdot.hgvs.dataproviders import FastaSeqFetcher, JSONDataProvider
from hgvs.utils import altseq_to_hgvsp, altseqbuilder
from hgvs.utils.reftranscriptdata import RefTranscriptData

from concord.consequences import SEVERITY
from concord.errors import InputError
from concord.transcripts import TranscriptModel, cdot_json
from concord.translation import DifferenceTranslator

# what VariantMapper.c_to_p uses when not told (hgvs's configuration)
ALT_ALN_METHOD = hgvs.global_config.mapping.alt_aln_method

# Numbering continues this far beyond a transcript's ends (ClinVar's c.-764, c.*1234).
EXTEND = 5000


class _AccessionWindow:
    """A reference contig served under its RefSeq accession, positions shifted by `offset`."""

    def __init__(self, fasta: pysam.FastaFile, contig: str, offset: int):
        self.fasta, self.contig, self.offset = fasta, contig, offset

    def fetch(self, ac, start=None, end=None):
        length = self.fasta.get_reference_length(self.contig)
        start = 0 if start is None else max(0, start - self.offset)
        end = length if end is None else min(length, end - self.offset)
        return self.fasta.fetch(self.contig, start, end)


@dataclass(frozen=True)
class Annotation:
    gene: str
    transcript: str
    hgvs_g: str
    hgvs_c: str
    hgvs_p: str
    consequence: str
    exon: str
    intron: str


class PanelAnnotator:
    """Names variants on the panel transcripts; one instance per reference and panel."""

    def __init__(
        self,
        models: list[TranscriptModel],
        fasta: str,
        accessions: dict[str, tuple[str, int]],
        proteins: dict[str, str] | None = None,
    ):
        self.models = models
        self.accessions = accessions
        self.fasta = pysam.FastaFile(fasta)
        for m in models:
            if m.contig not in accessions:
                raise InputError(
                    f"panel transcript {m.transcript_id}: no accession for contig {m.contig}"
                )
        data = cdot_json(models, accessions, extend=EXTEND, proteins=proteins)
        seqfetcher = FastaSeqFetcher(fasta)
        windows = {
            acc: _AccessionWindow(self.fasta, contig, offset)
            for contig, (acc, offset) in accessions.items()
        }
        # both the genome lookups and the transcript sequences built from exons go through
        # the accession -> window mapping
        seqfetcher.genome_fasta_seq_fetcher.contig_fastas = windows
        seqfetcher.default_seqfetcher.contig_fastas = windows
        self.hdp = JSONDataProvider([io.StringIO(data)], seqfetcher=seqfetcher)
        self.parser = hgvs.parser.Parser()
        self.mapper = hgvs.variantmapper.VariantMapper(
            self.hdp, replace_reference=True, prevalidation_level="NONE"
        )
        self.normalizers = {
            direction: hgvs.normalizer.Normalizer(
                self.hdp,
                shuffle_direction=direction,
                cross_boundaries=True,
                alt_aln_method="splign",
                validate=False,
            )
            for direction in (3, 5)
        }
        # per transcript: its reference sequence and translation (what hgvs's c_to_p rebuilds
        # for every variant: the transcript's exons fetched and the CDS translated)
        self._reference_data: dict[str, RefTranscriptData] = {}
        self._translator = DifferenceTranslator()

    def transcripts_near(self, chrom: str, pos: int, ref: str) -> list[TranscriptModel]:
        start, end = pos - 1, pos - 1 + len(ref)
        return [
            m
            for m in self.models
            if m.contig == chrom
            and m.exons[0][0] - EXTEND <= start
            and end <= m.exons[-1][1] + EXTEND
        ]

    def annotate(self, chrom: str, pos: int, ref: str, alt: str) -> list[Annotation]:
        out = []
        for model in self.transcripts_near(chrom, pos, ref):
            out.append(self.annotate_on(model, chrom, pos, ref, alt))
        return out

    def genomic_variant(self, chrom: str, pos: int, ref: str, alt: str):
        accession, offset = self.accessions[chrom]
        # drop the VCF anchor/shared bases to get an HGVS edit
        while ref and alt and ref[0] == alt[0]:
            ref, alt, pos = ref[1:], alt[1:], pos + 1
        while ref and alt and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        g = pos + offset
        if len(ref) == 1 and len(alt) == 1:
            return substitution_variant(accession, g, ref, alt)
        if not ref:
            edit = f"{g - 1}_{g}ins{alt}"
        elif not alt:
            edit = f"{g}del" if len(ref) == 1 else f"{g}_{g + len(ref) - 1}del"
        elif len(ref) == 1 and len(alt) == 1:
            edit = f"{g}{ref}>{alt}"
        else:
            span = f"{g}" if len(ref) == 1 else f"{g}_{g + len(ref) - 1}"
            edit = f"{span}delins{alt}"
        return self.parser.parse_hgvs_variant(f"{accession}:g.{edit}")

    def annotate_on(
        self, m: TranscriptModel, chrom: str, pos: int, ref: str, alt: str
    ) -> Annotation:
        var_g = self.genomic_variant(chrom, pos, ref, alt)
        # 3' rule in the transcript's direction, at the genomic level (hgvs will not
        # normalize intronic c. variants itself); a one-base substitution has nothing to
        # shift, hgvs's normalizer gives back an equal variant (test_brca checks it)
        if var_g.posedit.edit.type != "sub":
            var_g = self.normalizers[3 if m.strand == "+" else 5].normalize(var_g)
        start_g = var_g.posedit.pos.start.base - self.accessions[chrom][1] - 1
        end_g = var_g.posedit.pos.end.base - self.accessions[chrom][1]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            var_c = self.mapper.g_to_c(var_g, m.transcript_id, alt_aln_method="splign")
            if m.coding and var_c.posedit.edit.type != "sub":
                # hgvs's c_to_p fills the c. variant's reference first (in place); so does
                # concord whether or not it asks for the p. name, so the c. name is the same
                # (fill_ref leaves a substitution as it is)
                var_c.fill_ref(self.hdp, alt_ac=None, alt_aln_method=ALT_ALN_METHOD)
            named: list[str] = []

            def protein() -> str:
                # asked for by consequence_of only where it decides a coding term; elsewhere
                # (UTR, intron, up/downstream) the p. name would be dropped, so hgvs is not
                # asked for it
                if not named:
                    named.append(self.protein_name(var_c) if m.coding else "")
                return named[0]

            consequence = consequence_of(m, var_c, protein, start_g, end_g, len(alt) - len(ref))
        hgvs_p = named[0] if named else ""
        exon, intron = exon_or_intron(m, start_g, end_g)
        return Annotation(
            gene=m.gene,
            transcript=m.transcript_id,
            hgvs_g=str(var_g),
            hgvs_c=f"c.{var_c.posedit}",
            hgvs_p=hgvs_p if m.coding and consequence not in _NONCODING else "",
            consequence=consequence,
            exon=exon,
            intron=intron,
        )

    def protein_name(self, var_c) -> str:
        """The p. name of a coding c. variant whose reference is filled."""
        try:
            posedit = self.c_to_p(var_c).posedit
        except hgvs.exceptions.HGVSError:
            posedit = None
        # hgvs gives no posedit when it cannot translate (a CDS that does not fit the
        # reference; annotation_check refuses those): the effect is unknown, "p.?"
        return _cut_after_stop(f"p.{posedit}") if posedit is not None else "p.?"

    def c_to_p(self, var_c):
        """hgvs's VariantMapper.c_to_p step by step (hgvs 1.5.7: the transcript's reference
        data, AltSeqBuilder, AltSeqToHgvsp; var_c's reference is already filled), with the
        reference data made once per transcript instead of once per variant and the alternate
        transcript translated by difference from the reference (concord.translation)."""
        mapper = self.mapper
        if mapper._validator:
            mapper._validator.validate(var_c)
        reference = self._reference_data.get(var_c.ac)
        if reference is None:
            reference = RefTranscriptData(self.hdp, var_c.ac, None)
            self._reference_data[var_c.ac] = reference
            self._translator.register(
                reference.transcript_sequence[reference.cds_start - 1 :],
                reference.translation_table,
            )
        builder = altseqbuilder.AltSeqBuilder(
            var_c, reference, translation_table=reference.translation_table
        )
        # AltTranscriptData (in altseqbuilder) translates through the module's translate_cds:
        # the difference translator stands in for it during this call only
        original = altseqbuilder.translate_cds
        altseqbuilder.translate_cds = self._translator
        try:
            alt_data = builder.build_altseq()[0]
        finally:
            altseqbuilder.translate_cds = original
        var_p = altseq_to_hgvsp.AltSeqToHgvsp(reference, alt_data).build_hgvsp()
        if mapper.add_gene_symbol:
            mapper._update_gene_symbol(var_p, var_c.gene)
        return var_p


def substitution_variant(accession: str, g: int, ref: str, alt: str):
    """The variant hgvs's parser builds from "{accession}:g.{g}{ref}>{alt}", without the parser
    (its grammar costs about 1 ms per variant; tests/unit/test_annotate.py checks they are
    equal)."""
    return hgvs.sequencevariant.SequenceVariant(
        ac=accession,
        type="g",
        posedit=hgvs.posedit.PosEdit(
            pos=hgvs.location.Interval(
                start=hgvs.location.SimplePosition(base=g),
                end=hgvs.location.SimplePosition(base=g),
            ),
            edit=hgvs.edit.NARefAlt(ref=ref, alt=alt),
        ),
    )


def _cut_after_stop(p: str) -> str:
    """hgvs spells residues after a new stop in a delins (delinsGluTerSer); HGVS ends at Ter."""
    return re.sub(r"(delins(?:[A-Z][a-z]{2})*?Ter)(?:[A-Z][a-z]{2})+\)$", r"\1)", p)


_NONCODING = {
    "5_prime_UTR_variant",
    "3_prime_UTR_variant",
    "intron_variant",
    "upstream_gene_variant",
    "downstream_gene_variant",
    "splice_region_variant",
    "splice_donor_variant",
    "splice_acceptor_variant",
}


def exon_or_intron(m: TranscriptModel, start: int, end: int) -> tuple[str, str]:
    """'n/total' of the exon or intron that holds the variant's first base (0-based genomic)."""
    exons = m.exons_5to3()
    first = start if m.strand == "+" else end - 1
    for n, (s, e) in enumerate(exons, start=1):
        if s <= first < e:
            return f"{n}/{len(exons)}", ""
    for n in range(1, len(exons)):
        a, b = exons[n - 1], exons[n]
        lo, hi = (a[1], b[0]) if m.strand == "+" else (b[1], a[0])
        if lo <= first < hi:
            return "", f"{n}/{len(exons) - 1}"
    return "", ""


def consequence_of(
    m: TranscriptModel,
    var_c,
    protein: Callable[[], str],
    start: int,
    end: int,
    length_change: int = 0,
) -> str:
    """The most severe Sequence Ontology term for the variant on this transcript; `protein`
    gives its p. name, called only where a coding term depends on it."""
    tx_lo, tx_hi = m.exons[0][0], m.exons[-1][1]
    if end <= tx_lo or start >= tx_hi:
        upstream = (end <= tx_lo) == (m.strand == "+")
        return "upstream_gene_variant" if upstream else "downstream_gene_variant"
    terms = set()
    pos = var_c.posedit.pos
    ends = [pos.start, pos.end]
    for p in ends:
        if p.offset:
            if 1 <= p.offset <= 2:
                terms.add("splice_donor_variant")
            elif -2 <= p.offset <= -1:
                terms.add("splice_acceptor_variant")
            elif abs(p.offset) <= 8:
                terms.add("splice_region_variant")
            else:
                terms.add("intron_variant")
    exonic = [p for p in ends if not p.offset]
    if exonic:
        if all(p.datum == hgvs.location.Datum.CDS_END for p in exonic):
            terms.add("3_prime_UTR_variant")
        elif all(p.base < 1 for p in exonic):
            terms.add("5_prime_UTR_variant")
        else:
            terms.add(_coding_term(var_c, protein(), length_change))
        if _near_exon_boundary(m, start, end):
            terms.add("splice_region_variant")
    return min(terms, key=SEVERITY.index)


def _near_exon_boundary(m: TranscriptModel, start: int, end: int) -> bool:
    """Exonic bases within 3 bp of an internal exon boundary (VEP's splice region)."""
    exons = sorted(m.exons)
    for i, (s, e) in enumerate(exons):
        edges = ([s] if i > 0 else []) + ([e] if i < len(exons) - 1 else [])
        if any(start < edge + 3 and end > edge - 3 for edge in edges):
            return True
    return False


_P_TERMINATION = re.compile(r"(Ter|\*)\)?$")


def _coding_term(var_c, hgvs_p: str, length_change: int = 0) -> str:
    edit = str(var_c.posedit.edit)
    # SO: an indel that changes the frame is a frameshift even when HGVS names it by the stop
    # it creates at once (p.(Lys505Ter))
    if "fs" in hgvs_p or length_change % 3:
        return "frameshift_variant"
    if hgvs_p in ("p.(Met1?)", "p.Met1?", "p.?") and var_c.posedit.pos.start.base <= 3:
        return "start_lost"
    if "ext" in hgvs_p:
        return "stop_lost"
    if hgvs_p.endswith("=)") or hgvs_p.endswith("="):
        return "stop_retained_variant" if "Ter" in hgvs_p else "synonymous_variant"
    if _P_TERMINATION.search(hgvs_p):
        return "stop_gained"
    if "dup" in hgvs_p or ("ins" in hgvs_p and "delins" not in hgvs_p):
        return "inframe_insertion"
    if "delins" in hgvs_p:
        return "protein_altering_variant"
    if "del" in hgvs_p:
        return "inframe_deletion"
    if (
        ">" in edit
        and len(edit) == 3
        or re.match(r"^p\.\(?[A-Z][a-z]{2}\d+[A-Z][a-z]{2}\)?$", hgvs_p)
    ):
        return "missense_variant"
    return "coding_sequence_variant"


def grch38_accessions(contigs: list[str]) -> dict[str, tuple[str, int]]:
    """RefSeq accessions of GRCh38 chromosomes named chr17 or 17 (offset 0)."""
    from bioutils.assemblies import make_name_ac_map

    names = make_name_ac_map("GRCh38.p13")
    out = {}
    for contig in contigs:
        name = contig[3:] if contig.startswith("chr") else contig
        if name == "M":
            name = "MT"
        if name in names:
            out[contig] = (names[name], 0)
    return out
