"""Write the conformance certificate: the run's results scored against the kit's truth."""

from concord import __version__, paths
from concord.conformance import (
    CERTIFICATE_MATRICES,
    CONFORMANCE_SETS,
    certificate_verdict,
    expression_certificate,
    somatic_certificate,
)
from concord.jsonio import sorted_keys, write_json
from concord.versions import read_version_rows


def main(
    kit_name: str, confident_bed: str, sites: dict, expression: dict, versions: str, out: str
) -> None:
    """sites[patient][set] is a normalized VCF; expression names the truth and matrix files;
    versions is the run's record of the tools that made what is scored."""
    certificate = {"kit": kit_name, "concord_version": __version__}
    certificate["software"] = {r["tool"]: r["version"] for r in read_version_rows(versions)}
    if sites:
        certificate["somatic"] = somatic_certificate(confident_bed, sites)
    if expression:
        section = expression_certificate(**expression)
        if section:
            certificate["expression"] = section
    certificate["verdict"] = certificate_verdict(certificate)
    write_json(sorted_keys(certificate), out)  # sorted: two certificates diff cleanly


def sites_by_patient(inputs: dict) -> dict[str, dict[str, str]]:
    """{patient: {set: normalized VCF}} from the rule's inputs, keyed by what each file is."""
    sites: dict[str, dict[str, str]] = {}
    for which in CONFORMANCE_SETS:
        for path in inputs[which]:
            patient = path.rsplit("/", 1)[1].removesuffix(f".{which}.vcf")
            expected = paths.CONFORMANCE_SITES.format(patient=patient, which=which)
            sites.setdefault(patient, {})[which] = paths.job_file([path], expected)
    return sites


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    inputs = {key: s.input[key] for key in s.input.keys()}
    expression = {}
    if "truth_genes_tsv" in inputs:
        expression = {
            "truth_genes_tsv": inputs["truth_genes_tsv"],
            "truth_tx_tsv": inputs["truth_tx_tsv"],
            **{key: inputs[key] for key in CERTIFICATE_MATRICES},
        }
    main(
        s.params.kit_name, inputs["confident"], sites_by_patient(inputs), expression,
        inputs["versions"], s.output[0],
    )  # fmt: skip
