"""A cBioPortal study folder from the bundle's pseudonymized data, and its structural checks.

The layout and the checks follow cBioPortal's "File Formats" documentation: `meta_study.txt`;
clinical sample and patient files (four `#` header rows: display names, descriptions, datatypes,
priorities, then the attribute ids); the mutations as a MAF; continuous mRNA expression; the
case lists (`_all` through `add_global_case_list`, `_sequenced` for the mutations,
`_rna_seq_mrna` for the expression). The official validator is `validateData.py -s DIR -n`
from cbioportal-core (docs/sharing.md says how it was run); `check_study` is concord's own
reading of the same documentation, run by the tests and by `make verify-bundle`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

ID = re.compile(r"^[A-Za-z0-9._-]+$")
STUDY_ID = re.compile(r"^[a-z0-9_]+$")
ATTRIBUTE_ID = re.compile(r"^[A-Z0-9_]+$")
DATATYPES = ("STRING", "NUMBER", "BOOLEAN")
GENOMES = ("hg19", "hg38", "mm10")
GENOME_BUILDS = {"hg19": "GRCh37", "hg38": "GRCh38", "mm10": "GRCm38"}
MAF_CLASSES = (
    "Frame_Shift_Del", "Frame_Shift_Ins", "In_Frame_Del", "In_Frame_Ins", "Missense_Mutation",
    "Nonsense_Mutation", "Splice_Site", "Translation_Start_Site", "Nonstop_Mutation",
    "Targeted_Region", "De_novo_Start_InFrame", "De_novo_Start_OutOfFrame", "Silent", "Intron",
    "3'UTR", "3'Flank", "5'UTR", "5'Flank", "IGR", "RNA", "Splice_Region", "Unknown",
)  # fmt: skip
# (genetic_alteration_type, datatype) of the files concord writes -> what they are
META_TYPES = {
    ("CLINICAL", "SAMPLE_ATTRIBUTES"): "clinical_sample",
    ("CLINICAL", "PATIENT_ATTRIBUTES"): "clinical_patient",
    ("MUTATION_EXTENDED", "MAF"): "mutations",
    ("MRNA_EXPRESSION", "CONTINUOUS"): "expression",
}
EXPRESSION_STABLE_ID = "rna_seq_mrna"
CASE_LIST_KEYS = (
    "cancer_study_identifier", "stable_id", "case_list_name", "case_list_description",
    "case_list_ids",
)  # fmt: skip


@dataclass(frozen=True)
class Attribute:
    id: str
    name: str
    description: str
    datatype: str = "STRING"
    priority: int = 1


PATIENT_ATTRIBUTES = (
    Attribute("PATIENT_ID", "Patient Identifier", "Pseudonym of the patient (centre key)"),
    Attribute("SEX", "Sex", "Sex of the patient"),
)
SAMPLE_ATTRIBUTES = (
    Attribute("PATIENT_ID", "Patient Identifier", "Pseudonym of the patient (centre key)"),
    Attribute("SAMPLE_ID", "Sample Identifier", "Pseudonym of the sample (centre key)"),
    Attribute("ASSAY", "Assay", "DNA (tumour/normal calling) or RNA (expression)"),
    Attribute("TISSUE", "Tissue", "Tissue the sample was taken from"),
    Attribute("TUMOR_PURITY", "Tumor Purity", "Estimated tumour cell fraction", "NUMBER"),
    Attribute("CENTRE", "Centre", "The centre that made the data"),
    Attribute("DATA_USE_PERMISSION", "Data Use Permission", "GA4GH DUO permission of the consent"),
    Attribute("DATA_USE_DISEASE", "Data Use Disease", "MONDO term a DS permission is limited to"),
    Attribute("DATA_USE_MODIFIERS", "Data Use Modifiers", "GA4GH DUO modifiers of the consent"),
    Attribute("CONSENT_VERSION", "Consent Version", "Version of the consent form"),
)


def _meta_text(fields: dict[str, str]) -> str:
    return "".join(f"{k}: {v}\n" for k, v in fields.items())


def _clinical_text(attributes: tuple[Attribute, ...], rows: list[dict[str, str]]) -> str:
    lines = [
        "#" + "\t".join(a.name for a in attributes),
        "#" + "\t".join(a.description for a in attributes),
        "#" + "\t".join(a.datatype for a in attributes),
        "#" + "\t".join(str(a.priority) for a in attributes),
        "\t".join(a.id for a in attributes),
    ]
    lines += ["\t".join(row.get(a.id, "") or "NA" for a in attributes) for row in rows]
    return "\n".join(lines) + "\n"


def write_study(
    out: Path,
    *,
    study_id: str,
    cancer_type: str,
    name: str,
    description: str,
    genome: str,
    patients: list[dict[str, str]],
    samples: list[dict[str, str]],
    maf: str | None,
    maf_samples: list[str],
    expression: tuple[list[str], list[list[str]]] | None,
) -> list[str]:
    """Write the study folder; `samples` rows are keyed by SAMPLE_ATTRIBUTES ids, `maf` is the
    MAF text, `expression` is (sample columns, rows of [Hugo_Symbol, values...]). Returns the
    files written, relative to `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "case_lists").mkdir(exist_ok=True)
    written = {}
    written["meta_study.txt"] = _meta_text(
        {
            "type_of_cancer": cancer_type,
            "cancer_study_identifier": study_id,
            "name": name,
            "description": description,
            "reference_genome": genome,
            "add_global_case_list": "true",
        }
    )
    for kind, attributes, rows in (
        ("patient", PATIENT_ATTRIBUTES, patients),
        ("sample", SAMPLE_ATTRIBUTES, samples),
    ):
        written[f"meta_clinical_{kind}.txt"] = _meta_text(
            {
                "cancer_study_identifier": study_id,
                "genetic_alteration_type": "CLINICAL",
                "datatype": f"{kind.upper()}_ATTRIBUTES",
                "data_filename": f"data_clinical_{kind}.txt",
            }
        )
        written[f"data_clinical_{kind}.txt"] = _clinical_text(attributes, rows)
    if maf is not None:
        written["meta_mutations.txt"] = _meta_text(
            {
                "cancer_study_identifier": study_id,
                "genetic_alteration_type": "MUTATION_EXTENDED",
                "datatype": "MAF",
                "stable_id": "mutations",
                "show_profile_in_analysis_tab": "true",
                "profile_name": "Mutations",
                "profile_description": "Somatic PASS calls of concord (tumour/normal).",
                "data_filename": "data_mutations.txt",
            }
        )
        written["data_mutations.txt"] = maf
        written["case_lists/cases_sequenced.txt"] = _case_list(
            study_id, "sequenced", "Samples profiled for mutations",
            "Tumour DNA samples with concord's somatic calls.", maf_samples,
            "all_cases_with_mutation_data",
        )  # fmt: skip
    if expression is not None:
        columns, rows = expression
        written["meta_expression.txt"] = _meta_text(
            {
                "cancer_study_identifier": study_id,
                "genetic_alteration_type": "MRNA_EXPRESSION",
                "datatype": "CONTINUOUS",
                "stable_id": EXPRESSION_STABLE_ID,
                "show_profile_in_analysis_tab": "false",
                "profile_name": "mRNA expression (RNA-seq, TPM)",
                "profile_description": "Gene TPM of concord's expression matrices.",
                "data_filename": "data_expression.txt",
            }
        )
        lines = ["\t".join(["Hugo_Symbol", *columns])] + ["\t".join(r) for r in rows]
        written["data_expression.txt"] = "\n".join(lines) + "\n"
        written["case_lists/cases_rna_seq_mrna.txt"] = _case_list(
            study_id, EXPRESSION_STABLE_ID, "Samples with mRNA expression (RNA-seq)",
            "Tumour RNA samples in concord's expression matrices.", columns,
            "all_cases_with_mrna_rnaseq_data",
        )  # fmt: skip
    for name, text in written.items():
        (out / name).write_text(text)
    return list(written)


def _case_list(study_id, suffix, name, description, ids, category) -> str:
    return _meta_text(
        {
            "cancer_study_identifier": study_id,
            "stable_id": f"{study_id}_{suffix}",
            "case_list_name": name,
            "case_list_description": description,
            "case_list_category": category,
            "case_list_ids": "\t".join(ids),
        }
    )


# --- structural checks ------------------------------------------------------------------------


def read_meta(path: Path) -> dict[str, str]:
    fields = {}
    for line in path.read_text().splitlines():
        if line.strip():
            key, sep, value = line.partition(":")
            fields[key.strip()] = value.strip() if sep else None
    return fields


def _number(value: str) -> bool:
    if value == "NA":
        return True
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def _clinical(path: Path, required: tuple[str, ...], problems: list[str]) -> list[dict]:
    lines = path.read_text().splitlines()
    if len(lines) < 5 or not all(line.startswith("#") for line in lines[:4]):
        problems.append(f"{path.name}: needs four '#' header rows before the attribute ids")
        return []
    rows = [line.split("\t") for line in lines]
    ids = rows[4]
    width = len(ids)
    for n, row in enumerate(rows[:4], start=1):
        if len(row) != width:
            problems.append(f"{path.name}: header row {n} has {len(row)} columns, ids {width}")
    datatypes = [c.lstrip("#") for c in rows[2]]
    for value in datatypes:
        if value not in DATATYPES:
            problems.append(f"{path.name}: datatype {value!r} is not one of {DATATYPES}")
    for value in (c.lstrip("#") for c in rows[3]):
        if not value.isdigit():
            problems.append(f"{path.name}: priority {value!r} is not an integer")
    for column in ids:
        if not ATTRIBUTE_ID.match(column):
            problems.append(f"{path.name}: attribute id {column!r} is not uppercase A-Z0-9_")
    for column in required:
        if column not in ids:
            problems.append(f"{path.name}: column {column} is missing")
    records = []
    for n, row in enumerate(rows[5:], start=6):
        if len(row) != width:
            problems.append(f"{path.name}: line {n}: {len(row)} fields, header has {width}")
            continue
        record = dict(zip(ids, row, strict=True))
        for column, datatype in zip(ids, datatypes, strict=False):
            if datatype == "NUMBER" and not _number(record[column]):
                problems.append(f"{path.name}: line {n}: {column} {record[column]!r} not a number")
        for column in ("PATIENT_ID", "SAMPLE_ID"):
            if column in record and not ID.match(record[column]):
                problems.append(f"{path.name}: line {n}: {column} {record[column]!r} not allowed")
        records.append(record)
    return records


def check_study(study: Path) -> list[str]:
    """Every way the folder departs from cBioPortal's file formats, as 'FILE: problem'."""
    problems: list[str] = []
    meta_study = study / "meta_study.txt"
    if not meta_study.is_file():
        return ["meta_study.txt is missing"]
    meta = read_meta(meta_study)
    for key in ("type_of_cancer", "cancer_study_identifier", "name", "description"):
        if not meta.get(key):
            problems.append(f"meta_study.txt: {key} is missing")
    study_id = meta.get("cancer_study_identifier") or ""
    if not STUDY_ID.match(study_id):
        problems.append(f"meta_study.txt: identifier {study_id!r} is not lowercase a-z0-9_")
    genome = meta.get("reference_genome", "hg19")
    if genome not in GENOMES:
        problems.append(f"meta_study.txt: reference_genome {genome!r} is not one of {GENOMES}")
    metas = {}
    for path in sorted(study.glob("meta_*.txt")):
        if path.name == "meta_study.txt":
            continue
        fields = read_meta(path)
        kind = META_TYPES.get((fields.get("genetic_alteration_type"), fields.get("datatype")))
        if kind is None:
            problems.append(f"{path.name}: unknown genetic_alteration_type/datatype")
            continue
        if fields.get("cancer_study_identifier") != study_id:
            problems.append(f"{path.name}: cancer_study_identifier is not {study_id!r}")
        data = study / (fields.get("data_filename") or "")
        if not fields.get("data_filename") or not data.is_file():
            problems.append(f"{path.name}: data_filename {fields.get('data_filename')} missing")
            continue
        if kind in ("mutations", "expression") and not fields.get("stable_id"):
            problems.append(f"{path.name}: stable_id is missing")
        for key in ("profile_name", "profile_description", "show_profile_in_analysis_tab"):
            if kind in ("mutations", "expression") and key not in fields:
                problems.append(f"{path.name}: {key} is missing")
        if kind in metas:
            problems.append(f"{path.name}: a second {kind} file")
        metas[kind] = (path.name, data, fields)
    for kind in ("clinical_patient", "clinical_sample"):
        if kind not in metas:
            problems.append(f"meta file of the {kind.replace('_', ' ')} attributes is missing")
    if problems:
        return problems
    patients = _clinical(metas["clinical_patient"][1], ("PATIENT_ID",), problems)
    samples = _clinical(metas["clinical_sample"][1], ("PATIENT_ID", "SAMPLE_ID"), problems)
    patient_ids = [r["PATIENT_ID"] for r in patients if "PATIENT_ID" in r]
    sample_ids = [r["SAMPLE_ID"] for r in samples if "SAMPLE_ID" in r]
    for name, ids in (("patient", patient_ids), ("sample", sample_ids)):
        if len(set(ids)) != len(ids):
            problems.append(f"data_clinical_{name}: a {name} id appears twice")
    for r in samples:
        if r.get("PATIENT_ID") not in set(patient_ids):
            problems.append(f"sample {r.get('SAMPLE_ID')}: patient {r.get('PATIENT_ID')} unknown")
    known = set(sample_ids)
    profiled: dict[str, set[str]] = {}
    if "mutations" in metas:
        profiled["sequenced"] = _check_maf(metas["mutations"][1], known, genome, problems)
    if "expression" in metas:
        stable = metas["expression"][2]["stable_id"]
        profiled[stable] = _check_expression(metas["expression"][1], known, problems)
    lists = _check_case_lists(study / "case_lists", study_id, known, problems)
    if meta.get("add_global_case_list", "").lower() != "true" and f"{study_id}_all" not in lists:
        problems.append(f"case list {study_id}_all is missing (or add_global_case_list: true)")
    for suffix, ids in profiled.items():
        stable = f"{study_id}_{suffix}"
        if stable not in lists:
            problems.append(f"case list {stable} is missing")
        elif not ids <= lists[stable]:
            problems.append(f"case list {stable} lacks {sorted(ids - lists[stable])}")
    return problems


def _check_maf(path: Path, known: set[str], genome: str, problems: list[str]) -> set[str]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#")]
    header = lines[0].split("\t") if lines else []
    required = (
        "Hugo_Symbol", "Tumor_Sample_Barcode", "Variant_Classification", "Chromosome",
        "Start_Position", "End_Position", "Reference_Allele", "Tumor_Seq_Allele2",
    )  # fmt: skip
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(f"{path.name}: columns {missing} are missing")
        return set()
    seen = set()
    for n, line in enumerate(lines[1:], start=2):
        row = dict(zip(header, line.split("\t"), strict=False))
        sample = row["Tumor_Sample_Barcode"]
        seen.add(sample)
        if sample not in known:
            problems.append(f"{path.name}: row {n}: sample {sample} is not in the clinical file")
        if row["Variant_Classification"] not in MAF_CLASSES:
            problems.append(f"{path.name}: row {n}: class {row['Variant_Classification']!r}")
        if not row["Hugo_Symbol"]:
            problems.append(f"{path.name}: row {n}: Hugo_Symbol is empty")
        build = row.get("NCBI_Build", "")
        if build and build != GENOME_BUILDS[genome]:
            problems.append(f"{path.name}: row {n}: NCBI_Build {build} is not {genome}'s")
        if not (row["Start_Position"].isdigit() and row["End_Position"].isdigit()):
            problems.append(f"{path.name}: row {n}: positions must be integers")
    return seen


def _check_expression(path: Path, known: set[str], problems: list[str]) -> set[str]:
    lines = path.read_text().splitlines()
    header = lines[0].split("\t")
    if header[0] not in ("Hugo_Symbol", "Entrez_Gene_Id"):
        problems.append(f"{path.name}: first column must be Hugo_Symbol or Entrez_Gene_Id")
        return set()
    samples = header[1:]
    for sample in samples:
        if sample not in known:
            problems.append(f"{path.name}: sample {sample} is not in the clinical file")
    genes = set()
    for n, line in enumerate(lines[1:], start=2):
        row = line.split("\t")
        if len(row) != len(header):
            problems.append(f"{path.name}: line {n}: {len(row)} fields, header has {len(header)}")
            continue
        if row[0] in genes:
            problems.append(f"{path.name}: line {n}: gene {row[0]} appears twice")
        genes.add(row[0])
        if not all(_number(v) for v in row[1:]):
            problems.append(f"{path.name}: line {n}: a value is not a number or NA")
    return set(samples)


def _check_case_lists(folder: Path, study_id, known, problems) -> dict[str, set[str]]:
    lists = {}
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        fields = read_meta(path)
        for key in CASE_LIST_KEYS:
            if key not in fields:
                problems.append(f"case_lists/{path.name}: {key} is missing")
        stable = fields.get("stable_id") or ""
        if not stable.startswith(f"{study_id}_"):
            problems.append(f"case_lists/{path.name}: stable_id must start with {study_id}_")
        if fields.get("cancer_study_identifier") != study_id:
            problems.append(f"case_lists/{path.name}: cancer_study_identifier is not {study_id}")
        ids = set((fields.get("case_list_ids") or "").split("\t")) - {""}
        for sample in sorted(ids - known):
            problems.append(f"case_lists/{path.name}: sample {sample} is not in the clinical file")
        if stable in lists:
            problems.append(f"case_lists/{path.name}: stable_id {stable} is used twice")
        lists[stable] = ids
    return lists
