"""The somatic PASS calls as a MAF with GDC's column conventions (docs/sharing.md, "MAF").

Columns 1-34 are the standard MAF; then GDC's HGVSc, HGVSp, HGVSp_Short, Transcript_ID,
Exon_Number and read depths, and the SO term the classification came from (`Consequence`).
Gene, HGVS names, exon and consequence are concord's own, from the BRCA module's panel
annotation (docs/brca.md); a call on no panel transcript is `Unknown` (Entrez 0) and
`Targeted_Region`, as the MAF specification writes an unannotated variant. Variant_Classification
follows the standard SO-to-MAF mapping (as in vcf2maf): the most severe SO term of the chosen
transcript, the variant type and whether an indel keeps the frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from concord.consequences import SEVERITY

MAF_VERSION = "2.4"
STANDARD_COLUMNS = (
    "Hugo_Symbol", "Entrez_Gene_Id", "Center", "NCBI_Build", "Chromosome", "Start_Position",
    "End_Position", "Strand", "Variant_Classification", "Variant_Type", "Reference_Allele",
    "Tumor_Seq_Allele1", "Tumor_Seq_Allele2", "dbSNP_RS", "dbSNP_Val_Status",
    "Tumor_Sample_Barcode", "Matched_Norm_Sample_Barcode", "Match_Norm_Seq_Allele1",
    "Match_Norm_Seq_Allele2", "Tumor_Validation_Allele1", "Tumor_Validation_Allele2",
    "Match_Norm_Validation_Allele1", "Match_Norm_Validation_Allele2", "Verification_Status",
    "Validation_Status", "Mutation_Status", "Sequencing_Phase", "Sequence_Source",
    "Validation_Method", "Score", "BAM_File", "Sequencer", "Tumor_Sample_UUID",
    "Matched_Norm_Sample_UUID",
)  # fmt: skip
GDC_COLUMNS = (
    "HGVSc", "HGVSp", "HGVSp_Short", "Transcript_ID", "Exon_Number", "t_depth", "t_ref_count",
    "t_alt_count", "n_depth", "n_ref_count", "n_alt_count", "Consequence",
)  # fmt: skip
COLUMNS = STANDARD_COLUMNS + GDC_COLUMNS

# SO term -> MAF Variant_Classification for the terms concord reports; frameshift and
# in-frame classes also depend on the variant type (below). Same mapping as vcf2maf's
# GetVariantClassification (Apache-2.0), written from it as a table.
SO_TO_MAF = {
    "splice_acceptor_variant": "Splice_Site",
    "splice_donor_variant": "Splice_Site",
    "stop_gained": "Nonsense_Mutation",
    "stop_lost": "Nonstop_Mutation",
    "start_lost": "Translation_Start_Site",
    "inframe_insertion": "In_Frame_Ins",
    "inframe_deletion": "In_Frame_Del",
    "missense_variant": "Missense_Mutation",
    "coding_sequence_variant": "Missense_Mutation",
    "splice_region_variant": "Splice_Region",
    "synonymous_variant": "Silent",
    "stop_retained_variant": "Silent",
    "start_retained_variant": "Silent",
    "5_prime_UTR_variant": "5'UTR",
    "3_prime_UTR_variant": "3'UTR",
    "intron_variant": "Intron",
    "upstream_gene_variant": "5'Flank",
    "downstream_gene_variant": "3'Flank",
    "intergenic_variant": "IGR",
    "non_coding_transcript_exon_variant": "RNA",
}
UNANNOTATED = "Targeted_Region"  # the MAF class of a variant no transcript was looked at for

AMINO_ACIDS = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Sec": "U",
    "Pyl": "O", "Ter": "*", "Xaa": "X",
}  # fmt: skip


@dataclass(frozen=True)
class MafAllele:
    """A VCF allele in MAF coordinates: no anchor base, '-' for an empty allele."""

    start: int
    end: int
    ref: str
    alt: str
    variant_type: str  # SNP, DNP, TNP, ONP, INS, DEL
    inframe: bool


def maf_allele(pos: int, ref: str, alt: str) -> MafAllele:
    """VCF POS/REF/ALT -> MAF Start/End, alleles and Variant_Type (the MAF convention: leading
    bases shared by REF and ALT are dropped; an insertion spans the two bases around it)."""
    while ref and alt and ref[0] == alt[0] and ref != alt:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    ref, alt = ref or "-", alt or "-"
    ref_len, alt_len = len(ref.strip("-")), len(alt.strip("-"))
    if ref_len == alt_len:
        kind = {1: "SNP", 2: "DNP", 3: "TNP"}.get(alt_len, "ONP")
        return MafAllele(pos, pos + alt_len - 1, ref, alt, kind, True)
    inframe = abs(ref_len - alt_len) % 3 == 0
    if ref_len < alt_len:
        start, end = (pos - 1, pos) if ref == "-" else (pos, pos + ref_len - 1)
        return MafAllele(start, end, ref, alt, "INS", inframe)
    return MafAllele(pos, pos + ref_len - 1, ref, alt, "DEL", inframe)


def variant_classification(consequence: str, variant_type: str, inframe: bool) -> str:
    """The MAF class of an SO term for this variant type (vcf2maf's rules)."""
    if not consequence:
        return UNANNOTATED
    indel = variant_type in ("INS", "DEL")
    if consequence == "frameshift_variant" or (
        consequence == "protein_altering_variant" and indel and not inframe
    ):
        if indel:
            return "Frame_Shift_Ins" if variant_type == "INS" else "Frame_Shift_Del"
    if consequence == "protein_altering_variant" and indel and inframe:
        return "In_Frame_Ins" if variant_type == "INS" else "In_Frame_Del"
    # anything else (an MNV that concord calls protein_altering_variant included) is, as in
    # vcf2maf, a targeted region
    return SO_TO_MAF.get(consequence, UNANNOTATED)


def maf_hgvsp(hgvs_p: str) -> str:
    """concord's predicted 'p.(Gly121Cys)' as MAF writes it: 'p.Gly121Cys'."""
    match = re.fullmatch(r"p\.\((.*)\)", hgvs_p)
    return f"p.{match.group(1)}" if match else hgvs_p


def hgvsp_short(hgvsp: str) -> str:
    """'p.Gly121Cys' -> 'p.G121C', 'p.Gln1756ProfsTer74' -> 'p.Q1756Pfs*74'."""
    if not hgvsp.startswith("p.") or hgvsp == "p.?":
        return hgvsp
    return re.sub(r"[A-Z][a-z]{2}", lambda m: AMINO_ACIDS.get(m.group(0), m.group(0)), hgvsp)


def most_severe(annotations: list[dict]) -> dict | None:
    """The annotation whose consequence ranks first (panel order breaks ties)."""
    if not annotations:
        return None
    rank = {term: i for i, term in enumerate(SEVERITY)}
    return min(annotations, key=lambda a: rank.get(a["consequence"], len(rank)))


@dataclass(frozen=True)
class Call:
    """A somatic PASS record with its tumour and normal read counts."""

    chrom: str
    pos: int
    ref: str
    alt: str
    tumor_depth: int
    tumor_ref: int
    tumor_alt: int
    normal_depth: int
    normal_ref: int
    normal_alt: int


def maf_row(
    call: Call, annotation: dict | None, tumor: str, normal: str, centre: str, build: str
) -> dict[str, str]:
    """One MAF line (column -> value); `annotation` is a BRCA table row of the call or None."""
    allele = maf_allele(call.pos, call.ref, call.alt)
    consequence = annotation["consequence"] if annotation else ""
    hgvsp = maf_hgvsp(annotation["hgvs_p"]) if annotation else ""
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        Hugo_Symbol=annotation["gene"] if annotation else "Unknown",
        Entrez_Gene_Id="0",  # the GTF carries no Entrez ids; 0 is the MAF's "unknown"
        Center=centre,
        NCBI_Build=build,
        Chromosome=call.chrom,
        Start_Position=str(allele.start),
        End_Position=str(allele.end),
        Strand="+",
        Variant_Classification=variant_classification(
            consequence, allele.variant_type, allele.inframe
        ),
        Variant_Type=allele.variant_type,
        Reference_Allele=allele.ref,
        Tumor_Seq_Allele1=allele.ref,
        Tumor_Seq_Allele2=allele.alt,
        Tumor_Sample_Barcode=tumor,
        Matched_Norm_Sample_Barcode=normal,
        Match_Norm_Seq_Allele1=allele.ref,
        Match_Norm_Seq_Allele2=allele.ref,
        Verification_Status="Unknown",
        Validation_Status="Untested",
        Mutation_Status="Somatic",
        HGVSc=annotation["hgvs_c"] if annotation else "",
        HGVSp=hgvsp,
        HGVSp_Short=hgvsp_short(hgvsp),
        Transcript_ID=annotation["transcript"] if annotation else "",
        Exon_Number=annotation["exon"] if annotation else "",
        t_depth=str(call.tumor_depth),
        t_ref_count=str(call.tumor_ref),
        t_alt_count=str(call.tumor_alt),
        n_depth=str(call.normal_depth),
        n_ref_count=str(call.normal_ref),
        n_alt_count=str(call.normal_alt),
        Consequence=consequence,
    )
    return row


def maf_text(rows: list[dict[str, str]], comments: list[str]) -> str:
    """The MAF file: '#version 2.4', the metadata comment lines, the header, the rows."""
    lines = [f"#version {MAF_VERSION}", *(f"#{c}" for c in comments), "\t".join(COLUMNS)]
    lines += ["\t".join(row[c] for c in COLUMNS) for row in rows]
    return "\n".join(lines) + "\n"
