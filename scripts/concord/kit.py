"""A conformance kit turned into concord sheets and a config (`make conformance`).

A kit directory has the layout of brca-grch38-v1 (see its README): manifest.tsv, reference/,
annotation/, truth/. Nothing here is specific to one kit's patients or samples. This runs in
the user's environment before the workflow, never inside a job.
"""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from concord.errors import InputError
from concord.kit_integrity import reference_digests_for, verify_kit

MANIFEST_COLUMNS = ("sample_id", "patient", "kind", "role", "fastq_1", "fastq_2")


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def parse_kit_consent(text: str) -> dict[str, str]:
    """'NRES', 'GRU,PUB' or 'DS:MONDO:0007254,NCU': the permission (with its disease for DS)
    first, then the modifiers; as the sample sheet's consent columns."""
    codes = [c.strip() for c in text.split(",") if c.strip()]
    if not codes:
        raise InputError("CONSENT: empty; give a DUO permission, e.g. NRES or GRU,PUB")
    permission, _, disease = codes[0].partition(":")
    return {
        "consent_share": "yes",
        "consent_permission": permission,
        "consent_disease": disease,
        "consent_modifiers": ",".join(codes[1:]),
        "consent_version": "conformance-kit",
    }


def prepare(kit: Path, out: Path, centre: str = "CONFORMANCE", share: dict | None = None) -> Path:
    """Write OUT/config/{samples,units}.tsv and OUT/config.yaml for a kit; return its path.
    With `share` (key, consent, duo) the run also makes a share bundle of every kit sample, all
    under that consent (the kit's reads are synthetic or public)."""
    kit, out = kit.resolve(), out.resolve()
    manifest_path = kit / "manifest.tsv"
    if not manifest_path.is_file():
        raise InputError(f"{kit}: not a conformance kit (manifest.tsv is missing)")
    manifest = read_tsv(manifest_path)
    for n, row in enumerate(manifest, start=2):
        missing = [c for c in MANIFEST_COLUMNS if not row.get(c)]
        if missing:
            raise InputError(f"{manifest_path}: line {n}, column {missing[0]!r}: empty or missing")
    integrity = verify_kit(kit)
    if integrity["problems"]:
        from concord import __version__
        from concord.conformance import kit_failure_certificate
        from concord.jsonio import sorted_keys, write_json

        out.mkdir(parents=True, exist_ok=True)
        certificate = out / "certificate.json"
        write_json(sorted_keys(kit_failure_certificate(integrity, __version__)), certificate)
        listed = "; ".join(integrity["problems"][:10])
        raise InputError(
            f"{kit}: conformance FAIL before any read was aligned: the kit does not match its "
            f"SHA256SUMS ({len(integrity['problems'])} problem(s): {listed}); see {certificate}"
        )
    (out / "config").mkdir(parents=True, exist_ok=True)
    consent = parse_kit_consent(share["consent"]) if share else {}
    samples = ["\t".join(["sample_id", "patient_id", "role", "assay", *consent])]
    units = ["sample_id\tunit_id\tfastq_1\tfastq_2\tplatform"]
    for row in manifest:
        samples.append(
            "\t".join(
                [row["sample_id"], row["patient"], row["role"], row["kind"], *consent.values()]
            )
        )
        units.append(
            f"{row['sample_id']}\tL001\t{kit / row['fastq_1']}\t{kit / row['fastq_2']}\tILLUMINA"
        )
    (out / "config" / "samples.tsv").write_text("\n".join(samples) + "\n")
    (out / "config" / "units.tsv").write_text("\n".join(units) + "\n")
    reference = {
        "fasta": str(kit / "reference" / "genome.fa"),
        "assembly": kit.name,
    }
    for key, name in (("fai", "genome.fa.fai"), ("dict", "genome.dict")):
        if (kit / "reference" / name).is_file():
            reference[key] = str(kit / "reference" / name)
    contigs = kit / "reference" / "contigs.tsv"
    if contigs.is_file():
        rows = read_tsv(contigs)
        reference["expected_md5"] = {r["contig"]: r["md5"] for r in rows}
        if rows and "grch38_chrom" in rows[0]:
            from concord.annotate import grch38_accessions

            chroms = grch38_accessions([r["grch38_chrom"] for r in rows])
            reference["accessions"] = {
                r["contig"]: {
                    "accession": chroms[r["grch38_chrom"]][0],
                    "offset": int(r["grch38_offset"]),
                }
                for r in rows
                if r["grch38_chrom"] in chroms
            }
    config = {
        "centre": centre,
        "samples": str(out / "config" / "samples.tsv"),
        "units": str(out / "config" / "units.tsv"),
        "reference": reference,
        "annotation": {"gtf": str(kit / "annotation" / "genes.gtf")}
        | (
            {"clinvar": str(kit / "clinvar" / "clinvar.vcf.gz")}
            if (kit / "clinvar" / "clinvar.vcf.gz").is_file()
            else {}
        ),
        "panel": [
            {"gene": r["gene"], "transcript": r["refseq_transcript"]}
            for r in read_tsv(kit / "annotation" / "panel.tsv")
        ]
        if (kit / "annotation" / "panel.tsv").is_file()
        else [],
        "conformance": {"kit": str(kit)}
        | (
            {"expected": str(expected)}
            if (expected := reference_digests_for(integrity["version"]))
            else {}
        ),
    }
    if share:
        config["share"] = {
            "duo": str(Path(share["duo"]).resolve()),
            "key": str(Path(share["key"]).expanduser().resolve()),  # the run's cwd is OUT
            "cancer_type": "brca",
            "cbioportal_genome": "hg38",  # the kit's windows are GRCh38 sequence
        }
    path = out / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
