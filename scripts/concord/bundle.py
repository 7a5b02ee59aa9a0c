"""The share bundle: a run's standardized outputs re-keyed to pseudonyms, for the samples that
may be shared, each file carrying where it came from and under which consent.

Called by the share job with the plan decided before any job (concord.share); it reads only
the files of that plan. Layout: concord.paths.BUNDLE; what is in each file: docs/sharing.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from concord import __version__, paths
from concord.cbioportal import GENOME_BUILDS, write_study
from concord.checksums import sha256_of
from concord.consent import OBO, load_duo
from concord.jsonio import write_json
from concord.maf import Call, maf_row, maf_text, most_severe
from concord.pseudonym import Pseudonyms, read_key
from concord.vcfspec import validate_vcf, write_bgzipped_vcf

BUNDLE_FORMAT = "concord-share"
BUNDLE_VERSION = "1"


@dataclass(frozen=True)
class Pair:
    patient: str
    tumor: str
    normal: str


@dataclass
class BundleFile:
    """A file of the bundle: its path in the bundle, what it is, whose data it holds."""

    path: str
    kind: str
    description: str
    samples: list[str]  # sample pseudonyms
    encoding: str


class Bundle:
    """Writes the bundle's files into `root`, remembering what each holds."""

    def __init__(self, root: Path, identity: dict, samples: dict[str, dict]):
        self.root = root
        self.identity = identity  # format, version, centre, concord version, reference
        self.samples = samples  # pseudonym -> shared sample entry (pseudonymized)
        self.files: list[BundleFile] = []

    def add(self, path: str, kind: str, description: str, samples: list[str], encoding: str):
        self.files.append(BundleFile(path, kind, description, samples, encoding))
        return self.root / path

    def target(self, path: str) -> Path:
        out = self.root / path
        out.parent.mkdir(parents=True, exist_ok=True)
        return out

    def tags(self, samples: list[str]) -> dict:
        """What a file says about itself: the bundle, the centre, concord, the reference and,
        per sample, its pseudonyms and data use."""
        return {
            "bundle": self.identity,
            "samples": [self.samples[s] for s in samples],
            "conditions_of_access": conditions_of_access(self.samples[s] for s in samples),
        }

    def write_table(self, path: str, kind: str, description: str, samples, text: str) -> None:
        """A TSV and its sidecar metadata (BUNDLE_SIDECAR: tables have no comment lines)."""
        self.target(path).write_text(text)
        self.add(path, kind, description, samples, "text/tab-separated-values")
        sidecar = paths.BUNDLE_SIDECAR.format(table=path)
        write_json({"file": path, **self.tags(samples)}, self.target(sidecar))
        self.add(sidecar, "metadata", f"Metadata of {path}", samples, "application/json")


def conditions_of_access(entries) -> str:
    """'S-1: GRU (DUO:0000042); PUB (DUO:0000019); consent form v2 | S-2: ...'."""
    return " | ".join(f"{e['sample']}: {e['data_use']['summary']}" for e in entries)


def data_use(consent: dict, duo) -> dict:
    def term(code):
        t = duo[code]
        return {"id": t.id, "shorthand": t.shorthand, "label": t.label, "iri": t.iri}

    return {
        "permission": term(consent["permission"]),
        "disease": consent["disease"],
        "disease_iri": OBO + consent["disease"].replace(":", "_") if consent["disease"] else "",
        "modifiers": [term(m) for m in consent["modifiers"]],
        "consent_version": consent["version"],
        "summary": consent_summary(consent, duo),
    }


def consent_summary(consent: dict, duo) -> str:
    permission = duo[consent["permission"]]
    first = f"{permission.shorthand} ({permission.id})"
    if consent["disease"]:
        first += f" {consent['disease']}"
    parts = [first] + [f"{duo[m].shorthand} ({m})" for m in consent["modifiers"]]
    return "; ".join(parts) + f"; consent form {consent['version']}"


# --- VCFs -------------------------------------------------------------------------------------


def share_vcf(bundle: Bundle, source: str, kind: str, dest: str, columns: dict, ref: str) -> None:
    """The standardized VCF with pseudonyms in its ##SAMPLE lines, each sample's data use, and
    a ##concordShare line; records unchanged. Checked against the VCF spec again."""
    identity = bundle.identity
    share_line = (
        f"##concordShare=<Format={identity['format']},Version={identity['format_version']},"
        f"Centre={identity['centre']},ConcordVersion={identity['concord_version']},"
        f"Reference={identity['reference']['assembly']},"
        f"ContigsSHA256={identity['reference']['contigs_sha256']}>"
    )
    lines = []
    with gzip.open(source, "rt") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("##SAMPLE=<ID="):
                column = line[len("##SAMPLE=<ID=") :].split(",", 1)[0]
                line = sample_line(column, bundle.samples[columns[column]])
            lines.append(line)
            if line.startswith("##reference="):
                lines.append(share_line)
    out = bundle.target(dest)
    write_bgzipped_vcf(lines, out)
    errors = validate_vcf(out, kind, ref)
    if errors:
        raise RuntimeError("shared VCF does not conform:\n" + "\n".join(errors))
    samples = list(columns.values())
    bundle.add(dest, f"{kind}_vcf", f"concord {kind} VCF (spec v1)", samples, "text/vcf")
    bundle.add(
        f"{dest}.tbi", "index", f"Tabix index of {dest}", samples, "application/octet-stream"
    )


def sample_line(column: str, entry: dict) -> str:
    use = entry["data_use"]
    fields = [
        f"ID={column}",
        f"SampleName={entry['sample']}",
        f"Individual={entry['patient']}",
        f"Role={entry['role']}",
        f"DataUsePermission={use['permission']['id']}",
    ]
    if use["disease"]:
        fields.append(f"DataUseDisease={use['disease']}")
    if use["modifiers"]:
        fields.append('DataUseModifiers="' + ",".join(m["id"] for m in use["modifiers"]) + '"')
    fields.append(f"ConsentVersion={use['consent_version']}")
    return "##SAMPLE=<" + ",".join(fields) + ">"


def pass_calls(vcf: str) -> list[Call]:
    """The FILTER=PASS records of a somatic VCF with their TUMOR and NORMAL read counts."""
    calls = []
    with gzip.open(vcf, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            if f[6] != "PASS":
                continue
            fmt = f[8].split(":")
            tumor, normal = (dict(zip(fmt, f[i].split(":"), strict=True)) for i in (9, 10))
            t_ad, n_ad = tumor["AD"].split(","), normal["AD"].split(",")
            calls.append(
                Call(
                    f[0],
                    int(f[1]),
                    f[3],
                    f[4],
                    int(tumor["DP"]),
                    int(t_ad[0]),
                    int(t_ad[1]),
                    int(normal["DP"]),
                    int(n_ad[0]),
                    int(n_ad[1]),
                )  # fmt: skip
            )
    return calls


# --- tables -----------------------------------------------------------------------------------


def read_tsv(path: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        return list(reader.fieldnames or []), list(reader)


def tsv_text(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter="\t", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def rekey_column(path: str, column: str, names: dict[str, str]) -> tuple[str, list[str]]:
    """The table with `column` re-keyed to pseudonyms and rows of other samples dropped."""
    header, rows = read_tsv(path)
    kept = [dict(r, **{column: names[r[column]]}) for r in rows if r[column] in names]
    return tsv_text(header, kept), sorted({r[column] for r in kept}, key=list(names.values()).index)


ANNOTATION_COLUMNS = ("transcript_id", "gene_id", "gene_name")


def rekey_matrix(path: str, names: dict[str, str]) -> str:
    """An expression matrix with its annotation columns and the given samples' columns only,
    renamed (the columns of every other sample are dropped)."""
    header, rows = read_tsv(path)
    annotation = [c for c in header if c in ANNOTATION_COLUMNS]
    keep = [c for c in header if c in names]
    out_header = annotation + [names[c] for c in keep]
    out_rows = [{**{a: r[a] for a in annotation}, **{names[c]: r[c] for c in keep}} for r in rows]
    return tsv_text(out_header, out_rows)


def pair_path(template: str, patient: str, tumor: str, normal: str) -> str:
    return template.format(patient=patient, tumor=tumor, normal=normal)


# --- the bundle -------------------------------------------------------------------------------


def build_bundle(params: dict, inputs: dict, out_dir: str, mapping: str, summary: str, log) -> None:
    """Write the bundle into out_dir, the local id -> pseudonym table and the local summary."""
    from concord.bundle_crate import write_crate

    root = Path(out_dir)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    duo = load_duo(inputs["duo"])
    names = Pseudonyms(read_key(inputs["key"]))
    shared = [s for s in params["samples"] if s["consent"]["share"]]
    for sample in params["excluded"]:
        print(f"{sample}: no sharing consent (consent_share not 'yes'): left out", file=log)
    entries = {}
    for s in shared:
        entry = {
            "sample": names.sample(s["sample"]),
            "patient": names.patient(s["patient"]),
            **{k: s[k] for k in ("role", "assay", "tissue", "sex", "tumor_content")},
            "data_use": data_use(s["consent"], duo),
        }
        entries[entry["sample"]] = entry
    sample_names = {s["sample"]: names.sample(s["sample"]) for s in shared}
    contigs_sha256 = sha256_of(inputs["contigs"])
    identity = {
        "format": BUNDLE_FORMAT,
        "format_version": BUNDLE_VERSION,
        "centre": params["centre"],
        "concord_version": __version__,
        "reference": {"assembly": params["assembly"], "contigs_sha256": contigs_sha256},
    }
    bundle = Bundle(root, identity, entries)
    layout = paths.BUNDLE

    # the standardized VCFs
    for p in params["pairs"]:
        pair = Pair(p["patient"], p["tumor"], p["normal"])
        source = pair_path(paths.SOMATIC_VCF, pair.patient, pair.tumor, pair.normal)
        _require(source, inputs["somatic"])
        dest = layout["somatic_vcf"].format(
            patient=names.patient(pair.patient),
            tumor=sample_names[pair.tumor],
            normal=sample_names[pair.normal],
        )
        columns = {"TUMOR": sample_names[pair.tumor], "NORMAL": sample_names[pair.normal]}
        share_vcf(bundle, source, "somatic", dest, columns, inputs["ref"])
    for p in params["germline"]:
        source = pair_path(paths.GERMLINE_VCF, p["patient"], "", p["normal"])
        _require(source, inputs["germline"])
        dest = layout["germline_vcf"].format(
            patient=names.patient(p["patient"]), normal=sample_names[p["normal"]]
        )
        share_vcf(bundle, source, "germline", dest, {"NORMAL": sample_names[p["normal"]]},
                  inputs["ref"])  # fmt: skip

    # the BRCA tables (a patient's tables hold its first pair's tumour and normal)
    annotations: dict[tuple, list[dict]] = {}
    for patient in params["brca_patients"]:
        variants = paths.BRCA_OUTPUTS["variants"].format(patient=patient)
        coverage = paths.BRCA_OUTPUTS["coverage"].format(patient=patient)
        _require(variants, inputs["brca"])
        _require(coverage, inputs["brca"])
        _, rows = read_tsv(variants)
        for r in rows:
            annotations.setdefault((r["chrom"], r["pos"], r["ref"], r["alt"]), []).append(r)
        patient_name = names.patient(patient)
        text, _ = rekey_column(variants, "patient", {patient: patient_name})
        cov_text, cov_samples = rekey_column(coverage, "sample", sample_names)
        bundle.write_table(
            layout["brca_variants"].format(patient=patient_name), "brca_variants",
            "BRCA1/2 (panel) variants: origin, HGVS, consequence, ClinVar (docs/brca.md)",
            cov_samples, text,
        )  # fmt: skip
        bundle.write_table(
            layout["brca_coverage"].format(patient=patient_name), "brca_coverage",
            "Panel coding exon coverage per sample and its verdict (docs/brca.md)",
            cov_samples, cov_text,
        )  # fmt: skip

    # the expression matrices: shared RNA samples' columns only
    rna_names = {s: sample_names[s] for s in params["rna"]}
    expression_columns: list[str] = []
    tpm_text = None
    if rna_names:
        for name, source in paths.EXPRESSION_MATRICES.items():
            _require(source, inputs["expression"])
            text = rekey_matrix(source, rna_names)
            matrix = Path(source).name.removesuffix(".tsv")
            bundle.write_table(
                layout["expression"].format(name=matrix), "expression_matrix",
                f"Expression matrix {matrix} (docs/expression.md)", list(rna_names.values()),
                text,
            )  # fmt: skip
            if name == "genes_tpm":
                tpm_text = text
        _require(paths.EXPRESSION_QC, inputs["expression"])
        qc_text, _ = rekey_column(paths.EXPRESSION_QC, "sample", rna_names)
        bundle.write_table(
            layout["expression_qc"], "expression_qc",
            "Per RNA sample: mapping rate, strandedness, QC verdict (docs/expression.md)",
            list(rna_names.values()), qc_text,
        )  # fmt: skip
        expression_columns = list(rna_names.values())

    # the MAF of the somatic PASS calls
    maf_rows, maf_samples = [], []
    for p in params["pairs"]:
        pair = Pair(p["patient"], p["tumor"], p["normal"])
        tumor, normal = sample_names[pair.tumor], sample_names[pair.normal]
        maf_samples.append(tumor)
        for call in pass_calls(pair_path(paths.SOMATIC_VCF, pair.patient, pair.tumor, pair.normal)):
            rows = annotations.get((call.chrom, str(call.pos), call.ref, call.alt), [])
            maf_rows.append(
                maf_row(call, most_severe(rows), tumor, normal, params["centre"],
                        params["assembly"])
            )  # fmt: skip
    maf_sample_names = [
        n for p in params["pairs"] for n in (sample_names[p["tumor"]], sample_names[p["normal"]])
    ]
    if params["pairs"]:
        comments = maf_comments(bundle, maf_sample_names)
        bundle.target(layout["maf"]).write_text(maf_text(maf_rows, comments))
        bundle.add(layout["maf"], "maf", "Somatic PASS calls, GDC MAF conventions",
                   maf_sample_names, "text/tab-separated-values")  # fmt: skip

    # reference identity and tool versions, as the run recorded them
    for key, kind, description in (
        ("contigs", "reference_contigs", "Reference contigs: name, length, MD5 (SAM @SQ M5)"),
        ("versions", "software_versions", "Every tool's version as it reported itself"),
    ):
        bundle.write_table(layout[key], kind, description, [], Path(inputs[key]).read_text())

    # the cBioPortal study
    genome = params["cbioportal_genome"]
    if maf_samples or expression_columns:
        study_files = write_cbioportal(
            bundle, params, maf_rows, maf_samples, maf_sample_names, expression_columns, tpm_text,
            genome,
        )  # fmt: skip
    else:
        study_files = []

    # the workflow that made it
    base = Path(next(f for f in inputs["workflow"] if Path(f).name == "Snakefile")).parent
    for source in inputs["workflow"]:
        name = str(Path(source).relative_to(base))
        dest = layout["workflow"].format(name=name)
        shutil.copyfile(source, bundle.target(dest))
        bundle.add(dest, "workflow", f"concord workflow definition: {name}", [], "text/plain")

    readme = bundle_readme(identity, entries, params, bundle.files, study_files)
    bundle.target(layout["readme"]).write_text(readme)
    bundle.add(layout["readme"], "readme", "What this bundle is and how to check it", [],
               "text/markdown")  # fmt: skip

    # inputs of the run, pseudonymized, with checksums (not in the bundle)
    run_inputs = read_inputs(params, inputs, names, sample_names)
    created = datetime.now(UTC).date().isoformat()
    manifest = {
        **identity,
        "created": created,
        "cbioportal_study": params_study_id(params["centre"]) if study_files else None,
        "samples": list(entries.values()),
        "samples_without_sharing_consent": len(params["excluded"]),
        "conformance": certificate_summary(inputs.get("certificate")),
        "files": [{"path": f.path, "kind": f.kind, "samples": f.samples} for f in bundle.files],
    }
    bundle.add(layout["checksums"], "checksums", "SHA-256 of every other file", [], "text/plain")
    write_json(manifest, bundle.target(layout["manifest"]))
    bundle.add(layout["manifest"], "manifest", "What the bundle holds (plain JSON)", [],
               "application/json")  # fmt: skip
    write_crate(bundle, run_inputs, params, created, study_files)
    write_checksums(root)
    n_files = sum(1 for p in root.rglob("*") if p.is_file())
    names.write_mapping(mapping)
    write_json(
        {
            "centre": params["centre"],
            "samples": len(params["samples"]),
            "shared": len(shared),
            "excluded": len(params["excluded"]),
            "excluded_samples": params["excluded"],
            "samples_detail": [
                {
                    "sample": s["sample"],
                    "shared": s["consent"]["share"],
                    "data_use": s["consent_summary"] if s["consent"]["permission"] else "",
                }
                for s in params["samples"]
            ],
            "files": n_files,
            "study": bool(study_files),
        },
        summary,
    )
    print(
        f"bundle: {len(shared)} of {len(params['samples'])} samples shared, "
        f"{len(params['excluded'])} left out, {n_files} files",
        file=log,
    )


def certificate_summary(path: str | None) -> dict | None:
    """A conformance run's verdict as bundle.json carries it: verdict, kit and kit version (the
    certificate itself names the run's files and is not shared)."""
    if not path:
        return None
    import json

    certificate = json.loads(Path(path).read_text())
    return {
        "verdict": certificate["conformance"]["verdict"],
        "kit": certificate["kit"]["name"],
        "kit_version": certificate["kit"]["version"],
        "certificate_version": certificate["certificate_version"],
    }


def bundle_readme(identity, entries, params, files, study_files) -> str:
    """The bundle's README: what it is, whose data under which consent, how to check it."""
    lines = [
        f"# concord share bundle, centre {identity['centre']}",
        "",
        f"Made by concord {identity['concord_version']} on reference "
        f"{identity['reference']['assembly']} (contigs: reference/genome.contigs.tsv). "
        f"Bundle format {identity['format']} {identity['format_version']}.",
        "",
        "Every patient and sample is named by a keyed pseudonym of the centre; only the samples",
        "whose donors consented to sharing are here"
        + (
            f" ({samples_phrase(len(params['excluded']))} of the run not)."
            if params["excluded"]
            else "."
        ),
        "",
        "## Samples and their data use (GA4GH DUO)",
        "",
        "| sample | patient | role | assay | data use |",
        "|---|---|---|---|---|",
        *(
            f"| {e['sample']} | {e['patient']} | {e['role']} | {e['assay']} | "
            f"{e['data_use']['summary']} |"
            for e in entries.values()
        ),
        "",
        "## Files",
        "",
        *(
            f"- `{f.path}`: {f.description}"
            for f in files
            if f.kind not in ("workflow", "metadata", "index", "cbioportal")
        ),
        "- `*.meta.json` beside each table: its metadata; `*.tbi`: tabix indexes",
        "- `workflow/`: the concord workflow that made them (Snakefile, rules, environments)",
        *(
            ["- `cbioportal/`: a cBioPortal study (validateData.py -s cbioportal -n)"]
            if study_files
            else []
        ),  # fmt: skip
        "- `ro-crate-metadata.json`: Workflow Run RO-Crate 0.5 of the run and every file",
        "- `bundle.json`: the same in plain JSON",
        "- `SHA256SUMS`: the checksum of every other file",
        "",
        "## Checking it",
        "",
        "```",
        "sha256sum -c SHA256SUMS                    # every file as it left the centre",
        "make verify-bundle BUNDLE=<this directory>  # in a concord checkout: checksums, the",
        "                                           # RO-Crate's entries, each file's tags",
        "```",
    ]
    return "\n".join(lines) + "\n"


def samples_phrase(n: int) -> str:
    return f"{n} sample" if n == 1 else f"{n} samples"


def params_study_id(centre: str) -> str:
    return "concord_" + re.sub(r"[^a-z0-9_]", "_", centre.lower())


def maf_comments(bundle: Bundle, samples: list[str]) -> list[str]:
    """The MAF's '#' metadata lines: the bundle's identity and each sample's data use."""
    identity = bundle.identity
    lines = [
        f"concord.bundle {identity['format']} {identity['format_version']}",
        f"concord.centre {identity['centre']}",
        f"concord.version {identity['concord_version']}",
        f"concord.reference {identity['reference']['assembly']} "
        f"contigs_sha256={identity['reference']['contigs_sha256']}",
    ]
    for s in samples:
        e = bundle.samples[s]
        use = e["data_use"]
        fields = [
            f"patient={e['patient']}",
            f"role={e['role']}",
            f"data_use_permission={use['permission']['id']}({use['permission']['shorthand']})",
        ]
        if use["disease"]:
            fields.append(f"data_use_disease={use['disease']}")
        if use["modifiers"]:
            modifiers = ",".join(f"{m['id']}({m['shorthand']})" for m in use["modifiers"])
            fields.append(f"data_use_modifiers={modifiers}")
        fields.append(f"consent_version={use['consent_version']}")
        lines.append(f"concord.sample {e['sample']} " + " ".join(fields))
    return lines


def write_cbioportal(bundle, params, maf_rows, maf_samples, maf_sample_names, rna, tpm, genome):
    study = paths.BUNDLE["cbioportal"]
    study_id = params_study_id(params["centre"])
    in_study = maf_samples + rna
    samples, patients = [], {}
    for name in in_study:
        e = bundle.samples[name]
        use = e["data_use"]
        samples.append(
            {
                "PATIENT_ID": e["patient"],
                "SAMPLE_ID": name,
                "ASSAY": e["assay"].upper(),
                "TISSUE": e["tissue"],
                "TUMOR_PURITY": e["tumor_content"],
                "CENTRE": params["centre"],
                "DATA_USE_PERMISSION": f"{use['permission']['shorthand']} "
                f"({use['permission']['id']})",
                "DATA_USE_DISEASE": use["disease"],
                "DATA_USE_MODIFIERS": "; ".join(
                    f"{m['shorthand']} ({m['id']})" for m in use["modifiers"]
                ),
                "CONSENT_VERSION": use["consent_version"],
            }
        )
        patient = patients.setdefault(e["patient"], {"PATIENT_ID": e["patient"], "SEX": ""})
        patient["SEX"] = patient["SEX"] or e["sex"].capitalize()
    maf = None
    if maf_samples:
        rows = [dict(r, NCBI_Build=GENOME_BUILDS[genome]) for r in maf_rows]
        maf = maf_text(rows, maf_comments(bundle, maf_sample_names))
    expression = None
    if rna:
        header, rows = read_tsv_text(tpm)
        seen, out_rows = set(), []
        for r in rows:
            if r["gene_name"] in seen:
                continue  # cBioPortal keys expression by symbol: the first gene of a name
            seen.add(r["gene_name"])
            out_rows.append([r["gene_name"], *(r[s] for s in rna)])
        expression = (rna, out_rows)
    identity = bundle.identity
    files = write_study(
        bundle.root / study,
        study_id=study_id,
        cancer_type=params["cancer_type"],
        name=f"concord share bundle, centre {params['centre']}",
        description=(
            f"Pseudonymized results of centre {params['centre']} (concord "
            f"{identity['concord_version']}, reference {identity['reference']['assembly']}). "
            "Data use of each sample: the DATA_USE_* and CONSENT_VERSION sample attributes "
            "(GA4GH DUO)."
        ),
        genome=genome,
        patients=list(patients.values()),
        samples=samples,
        maf=maf,
        maf_samples=maf_samples,
        expression=expression,
    )
    for name in files:
        held = in_study if name.startswith(("data_", "case_lists")) else []
        bundle.add(f"{study}/{name}", "cbioportal", f"cBioPortal study file {name}", held,
                   "text/plain")  # fmt: skip
    return files


def read_tsv_text(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter="\t")
    return list(reader.fieldnames or []), list(reader)


def read_inputs(params, inputs, names, sample_names) -> list[dict]:
    """The run's inputs as the crate lists them: the shared samples' read files under
    pseudonymized names with their SHA-256 (from the input_checksums jobs), and the reference,
    annotation and ClinVar files by their role."""
    found = []
    for sample, units in params["units"].items():
        for n, unit in enumerate(units, start=1):
            source = paths.INPUT_CHECKSUMS.format(sample=sample, unit=unit)
            _require(source, inputs["checksums"])
            for line in Path(source).read_text().splitlines():
                read, sha256, size = line.split("\t")
                suffix = "BAM/CRAM" if read == "bam" else f"FASTQ {read.upper()}"
                found.append(
                    {
                        "id": f"#input/{sample_names[sample]}/unit{n}/{read}",
                        "name": f"{sample_names[sample]} unit {n} {suffix}",
                        "sha256": sha256,
                        "size": int(size),
                        "sample": sample_names[sample],
                        "kind": "reads",
                    }
                )
    for key, name in (("ref", "reference FASTA"), ("gtf", "gene annotation (GTF)"),
                      ("clinvar", "ClinVar VCF")):  # fmt: skip
        if key in inputs:
            found.append(
                {
                    "id": f"#input/{key}",
                    "name": name,
                    "sha256": sha256_of(inputs[key]),
                    "size": Path(inputs[key]).stat().st_size,
                    "sample": "",
                    "kind": key,
                }
            )
    return found


def write_checksums(root: Path) -> None:
    """SHA256SUMS over every file of the bundle (sha256sum -c format, sorted paths)."""
    files = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.name != paths.BUNDLE["checksums"]
    )
    lines = [f"{sha256_of(root / f)}  {f}" for f in files]
    (root / paths.BUNDLE["checksums"]).write_text("\n".join(lines) + "\n")


def _require(path: str, given) -> None:
    listed = [given] if isinstance(given, str) else list(given)
    if path not in listed:
        raise RuntimeError(f"{path} is not an input of the share job")
