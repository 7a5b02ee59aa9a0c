"""The bundle's ro-crate-metadata.json: a Workflow Run RO-Crate (profile 0.5, RO-Crate 1.1).

The root conforms to the Process Run Crate, Workflow Run Crate and Workflow RO-Crate profiles;
its mainEntity is concord's Snakefile (in workflow/); one CreateAction is the run: the workflow
as instrument, the centre as agent, the run's inputs (pseudonymized names, SHA-256) as object,
the bundle's files as result. Every file's entry says whose data it holds (BioSample entities,
pseudonyms only) and under which consent (a CreativeWork per distinct consent, about its GA4GH
DUO terms as DefinedTerms; conditionsOfAccess spells it out).
"""

from __future__ import annotations

from pathlib import Path

from rocrate.model import ContextEntity
from rocrate.rocrate import ROCrate

from concord.checksums import sha256_of
from concord.versions import read_version_rows

PROFILES = {
    "https://w3id.org/ro/wfrun/process/0.5": ("Process Run Crate", "0.5"),
    "https://w3id.org/ro/wfrun/workflow/0.5": ("Workflow Run Crate", "0.5"),
    "https://w3id.org/workflowhub/workflow-ro-crate/1.0": ("Workflow RO-Crate", "1.0"),
}
# terms the RO-Crate 1.1 context lacks, defined in the crate's own context
EXTRA_TERMS = {
    "sha256": "http://schema.org/sha256",
    "BioSample": "https://bioschemas.org/BioSample",
}
BIOSCHEMAS_WORKFLOW = "https://bioschemas.org/profiles/ComputationalWorkflow/1.0-RELEASE"
DUO_SET = "http://purl.obolibrary.org/obo/duo.owl"
MONDO_SET = "http://purl.obolibrary.org/obo/mondo.owl"


def _add(crate: ROCrate, identifier: str, properties: dict) -> ContextEntity:
    return crate.add(ContextEntity(crate, identifier, properties=properties))


def _ref(entity_or_id) -> dict:
    return {"@id": entity_or_id if isinstance(entity_or_id, str) else entity_or_id.id}


def _refs(entities) -> dict | list[dict]:
    """References, a single one as a value (RO-Crate 1.1 prefers no singleton arrays)."""
    refs = [_ref(e) for e in entities]
    return refs[0] if len(refs) == 1 else refs


def write_crate(bundle, run_inputs: list[dict], params: dict, created: str, study_files) -> None:
    """Describe every file of `bundle` (none written here) in root/ro-crate-metadata.json."""
    from concord.bundle import samples_phrase  # the bundle's own wording

    identity = bundle.identity
    centre = params["centre"]
    crate = ROCrate(version="1.1", gen_preview=False)
    crate.metadata.extra_terms = dict(EXTRA_TERMS)
    root = crate.root_dataset
    root["name"] = f"concord share bundle of centre {centre}"
    root["description"] = (
        f"Results of one concord run at centre {centre}, for the samples whose donors consented "
        "to sharing, under keyed pseudonyms. Each file's entry names the samples it holds and "
        "their data use conditions (GA4GH DUO)."
    )
    root["datePublished"] = created
    root["version"] = f"{identity['format']}-{identity['format_version']}"

    for iri, (name, version) in PROFILES.items():
        _add(
            crate,
            iri,
            {
                "@type": "CreativeWork",
                "name": name,
                "version": version,
            },
        )
    root["conformsTo"] = [_ref(iri) for iri in PROFILES]

    organization = _add(
        crate,
        f"#centre-{centre}",
        {
            "@type": "Organization",
            "name": f"Centre {centre}",
            "identifier": centre,
        },
    )
    root["publisher"] = _ref(organization)
    root["author"] = _ref(organization)
    # what governs reuse is each donor's consent, not an open licence
    root["license"] = _ref(
        _add(crate, "#license-data-use", {
            "@type": "CreativeWork",
            "name": "Use under each donor's consent (GA4GH Data Use Ontology)",
            "description": (
                "The data of each sample may be used only as its consent allows: see the "
                "usageInfo and conditionsOfAccess of each file and sample. No other licence."
            ),
        })
    )  # fmt: skip

    # the data use conditions
    duo_set = _add(
        crate,
        DUO_SET,
        {
            "@type": "DefinedTermSet",
            "name": "GA4GH Data Use Ontology (DUO)",
        },
    )
    terms: dict[str, ContextEntity] = {}

    def term(iri, code, name, label, term_set):
        if iri not in terms:
            terms[iri] = _add(
                crate,
                iri,
                {
                    "@type": "DefinedTerm",
                    "termCode": code,
                    "name": name,
                    "description": label,
                    "inDefinedTermSet": _ref(term_set),
                },
            )
        return terms[iri]

    consents: dict[str, ContextEntity] = {}
    samples: dict[str, ContextEntity] = {}
    mondo_set = None
    for name, entry in bundle.samples.items():
        use = entry["data_use"]
        about = [
            term(t["iri"], t["id"], t["shorthand"], t["label"], duo_set)
            for t in [use["permission"], *use["modifiers"]]
        ]
        if use["disease"]:
            if mondo_set is None:
                mondo_set = _add(
                    crate,
                    MONDO_SET,
                    {
                        "@type": "DefinedTermSet",
                        "name": "Mondo Disease Ontology",
                    },
                )
            about.append(
                term(use["disease_iri"], use["disease"], use["disease"], "disease", mondo_set)
            )
        consent_id = "#consent-" + "-".join(
            [use["permission"]["shorthand"], *(m["shorthand"] for m in use["modifiers"])]
            + ([use["disease"].replace(":", "_")] if use["disease"] else [])
            + [use["consent_version"]]
        )
        if consent_id not in consents:
            consents[consent_id] = _add(
                crate,
                consent_id,
                {
                    "@type": "CreativeWork",
                    "name": f"Data use conditions: {use['summary']}",
                    "version": use["consent_version"],
                    "about": _refs(about),
                },
            )
        features = [
            _add(
                crate,
                f"#sample-{name}-{key}",
                {
                    "@type": "PropertyValue",
                    "name": key,
                    "value": entry[key],
                },
            )
            for key in ("patient", "role", "assay", "tissue", "sex", "tumor_content")
            if entry[key]
        ]
        samples[name] = _add(
            crate,
            f"#sample-{name}",
            {
                "@type": "BioSample",
                "name": name,
                "identifier": name,
                "additionalProperty": _refs(features),
                "usageInfo": _ref(consent_id),
                "conditionsOfAccess": use["summary"],
            },
        )

    # the workflow and its tools
    workflow_files = [f for f in bundle.files if f.kind == "workflow"]
    main = next(f for f in workflow_files if f.path.endswith("/Snakefile"))
    versions = read_version_rows(str(bundle.root / "provenance/software_versions.tsv"))
    snakemake_version = next((r["version"] for r in versions if r["tool"] == "snakemake"), None)
    tools = []
    for row in versions:
        tools.append(
            _add(
                crate,
                f"#tool-{row['tool']}",
                {
                    "@type": "SoftwareApplication",
                    "name": row["tool"],
                    "version": row["version"],
                },
            )
        )
    workflow = crate.add_workflow(
        dest_path=main.path,
        main=True,
        lang="snakemake",
        lang_version=snakemake_version,
        properties={
            "conformsTo": _ref(BIOSCHEMAS_WORKFLOW),
            "name": "concord",
            "version": identity["concord_version"],
            "description": "concord: harmonized tumour/normal DNA and tumour RNA analysis",
            "softwareRequirements": [_ref(t) for t in tools],
            "hasPart": [_ref(f.path) for f in workflow_files if f is not main],
        },
    )

    # the reference's identity
    reference = _add(
        crate,
        "#reference",
        {
            "@type": "CreativeWork",
            "name": f"Reference genome {identity['reference']['assembly']}",
            "identifier": identity["reference"]["assembly"],
            "description": "Contig names, lengths and MD5s in reference/genome.contigs.tsv "
            f"(SHA-256 {identity['reference']['contigs_sha256']})",
        },
    )

    # the files
    files = {}
    for f in bundle.files:
        if f is main:
            entity = workflow
        else:
            entity = crate.add_file(dest_path=f.path)
        entity["name"] = Path(f.path).name
        entity["description"] = f.description
        entity["encodingFormat"] = f.encoding
        if f.kind != "checksums":  # written last, over every other file, this one included
            entity["contentSize"] = str((bundle.root / f.path).stat().st_size)
            entity["sha256"] = sha256_of(bundle.root / f.path)
        if f.samples:
            held = [samples[s] for s in f.samples]
            entity["about"] = _refs(held)
            entity["usageInfo"] = _refs(
                sorted({s["usageInfo"]["@id"] for s in held}, key=list(consents).index)
            )
            entity["conditionsOfAccess"] = " | ".join(
                f"{s}: {bundle.samples[s]['data_use']['summary']}" for s in f.samples
            )
        if f.kind in ("reference_contigs",) or f.kind.endswith("_vcf") or f.kind == "maf":
            entity["mentions"] = _ref(reference)
        if f.kind == "readme":
            entity["about"] = _ref("./")
        files[f.path] = entity

    # the run
    inputs = []
    for item in run_inputs:
        properties = {
            "@type": "File",
            "name": item["name"],
            "sha256": item["sha256"],
            "contentSize": str(item["size"]),
            "description": "Not in the bundle: an input of the run, named by pseudonym",
        }
        if item["sample"]:
            properties["about"] = _ref(samples[item["sample"]])
        if item["kind"] == "ref":
            properties["about"] = _ref(reference)
        inputs.append(_add(crate, item["id"], properties))
    action = _add(
        crate,
        "#run",
        {
            "@type": "CreateAction",
            "name": f"concord {identity['concord_version']} run at centre {centre}",
            "description": (
                f"{samples_phrase(len(bundle.samples))} shared; "
                f"{samples_phrase(len(params['excluded']))} of the run without sharing consent "
                "left out of the bundle"
            ),
            "instrument": _ref(workflow),
            "agent": _ref(organization),
            "object": _refs(inputs),
            "result": _refs(files.values()),
        },
    )
    root["mentions"] = _ref(action)
    root["about"] = _refs(samples.values())
    if study_files:
        root["keywords"] = ["cBioPortal study", "MAF", "VCF", "GA4GH DUO"]
    crate.metadata.write(str(bundle.root))
