"""Write the conformance certificate (docs/conformance.md): kit, reference, toolchain and
equivalence decide `conformance.verdict`; `accuracy` scores the method against the kit's truth."""

import csv
import json

import pysam
import yaml
from concord import __version__, paths
from concord.conformance import (
    CERTIFICATE_MATRICES,
    CERTIFICATE_VERSION,
    CONFORMANCE_SETS,
    brca_accuracy,
    certificate,
    conformance_verdict,
    equivalence_section,
    expression_certificate,
    judge_targets,
    load_patients,
    reference_section,
    toolchain_section,
)
from concord.equivalence import load_tolerances, output_digest
from concord.jsonio import sorted_keys, write_json
from concord.provenance import read_digests
from concord.toolchain import network_pins
from concord.transcripts import read_transcripts
from concord.versions import read_versions


def read_tsv(path: str) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def main(inputs: dict, panel: list[str], out: str) -> None:
    reference = pysam.FastaFile(inputs["ref"])

    def fetch(contig, start, end):
        return reference.fetch(contig, max(0, start), end).upper()

    kit = json.loads(open(inputs["kit_check"]).read())
    tolerances_data = yaml.safe_load(open(inputs["tolerances"]))
    tolerances = load_tolerances(tolerances_data)
    keep_rows = {name for name in inputs["outputs"] if any(t.applies(name) for t in tolerances)}
    outputs = {name: output_digest(name, name, name in keep_rows) for name in inputs["outputs"]}
    expected = json.loads(open(inputs["expected"]).read()) if inputs.get("expected") else None
    if expected and expected.get("kit", {}).get("version") != kit["version"]:
        expected = None  # digests of another kit version compare nothing
    sections = {
        "kit": kit,
        "reference": reference_section(
            read_digests(inputs["run_contigs"]),
            read_tsv(inputs["kit_contigs"]) if inputs.get("kit_contigs") else [],
        ),
        "toolchain": toolchain_section(read_versions(inputs["versions"]), network_pins()),
        "equivalence": equivalence_section(outputs, expected, tolerances, inputs.get("expected")),
    }
    accuracy = {}
    patients = load_patients(inputs["confident"], sites_by_patient(inputs))
    if patients:
        accuracy["somatic"] = certificate(patients, fetch)
        if panel:
            accuracy["brca"] = brca_accuracy(
                patients, fetch, panel_spans(inputs["gtf"], panel),
                tables_of("variants", patients), tables_of("coverage", patients),
            )  # fmt: skip
    if "truth_genes_tsv" in inputs:
        section = expression_certificate(
            inputs["truth_genes_tsv"], inputs["truth_tx_tsv"],
            *(inputs[key] for key in CERTIFICATE_MATRICES),
        )  # fmt: skip
        if section:
            accuracy["expression"] = section
    targets = yaml.safe_load(open(inputs["targets"]))
    accuracy["targets_version"] = targets["version"]
    accuracy["targets"] = judge_targets(accuracy, targets["targets"])
    accuracy["tolerances_version"] = tolerances_data["version"]
    certificate_data = {
        "certificate_version": CERTIFICATE_VERSION,
        "concord_version": __version__,
        **sections,
        "conformance": conformance_verdict(sections),
        "accuracy": accuracy,
    }
    write_json(sorted_keys(certificate_data), out)  # sorted: two certificates diff cleanly


def sites_by_patient(inputs: dict) -> dict[str, dict[str, str]]:
    """{patient: {set: normalized VCF}} from the rule's inputs, keyed by what each file is."""
    sites: dict[str, dict[str, str]] = {}
    for which in CONFORMANCE_SETS:
        for path in inputs[which]:
            patient = path.rsplit("/", 1)[1].removesuffix(f".{which}.vcf")
            assert path == paths.CONFORMANCE_SITES.format(patient=patient, which=which), path
            sites.setdefault(patient, {})[which] = path
    return sites


def panel_spans(gtf: str, transcripts: list[str]) -> list[tuple[str, int, int]]:
    models = read_transcripts(gtf, transcripts)
    return [(m.contig, m.exons[0][0], m.exons[-1][1]) for m in models.values()]


def tables_of(kind: str, patients: dict) -> dict[str, str]:
    return {p: paths.BRCA_OUTPUTS[kind].format(patient=p) for p in patients}


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    inputs = {key: s.input[key] for key in s.input.keys()}
    for key in (*CONFORMANCE_SETS, "outputs"):  # lists, even of one file
        value = inputs.get(key) or []
        inputs[key] = [value] if isinstance(value, str) else list(value)
    main(inputs, list(s.params.panel), s.output[0])
