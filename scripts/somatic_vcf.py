"""Classify the joint call and write the concord somatic VCF (TUMOR, NORMAL)."""

from concord.provenance import vcf_provenance
from concord.somatic import SomaticThresholds
from concord.standardize import read_joint_calls, somatic_lines, unique_sorted
from concord.vcfspec import write_bgzipped_vcf


def main(joint, digests, versions, params, caller_options, out_vcf) -> None:
    thresholds = SomaticThresholds()
    prov = vcf_provenance(params, digests, versions, caller_options, thresholds.as_header())
    tumor, normal = params["samples"]["TUMOR"][0], params["samples"]["NORMAL"][0]
    records = unique_sorted(
        list(read_joint_calls(joint, tumor, normal)), [c for c, _, _ in prov.contigs]
    )
    write_bgzipped_vcf(somatic_lines(records, prov, thresholds), out_vcf)


if __name__ == "__main__":
    main(
        snakemake.input.joint,  # noqa: F821
        snakemake.input.digests,  # noqa: F821
        snakemake.input.versions,  # noqa: F821
        dict(snakemake.params.provenance),  # noqa: F821
        snakemake.params.caller_options,  # noqa: F821
        snakemake.output.vcf,  # noqa: F821
    )
