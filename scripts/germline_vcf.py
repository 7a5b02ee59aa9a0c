"""Write the concord germline VCF of a normal from its joint call (NORMAL column only)."""

from concord.provenance import vcf_provenance
from concord.somatic import GermlineThresholds
from concord.standardize import germline_lines, read_joint_calls, unique_sorted
from concord.vcfspec import write_bgzipped_vcf


def main(joint, digests, versions, params, caller_options, out_vcf) -> None:
    thresholds = GermlineThresholds()
    prov = vcf_provenance(params, digests, versions, caller_options, thresholds.as_header())
    normal = params["samples"]["NORMAL"][0]
    with __import__("pysam").VariantFile(joint) as vcf:
        tumor = next(s for s in vcf.header.samples if s != normal)
    records = unique_sorted(
        list(read_joint_calls(joint, tumor, normal)), [c for c, _, _ in prov.contigs]
    )
    write_bgzipped_vcf(germline_lines(records, prov, thresholds), out_vcf)


if __name__ == "__main__":
    main(
        snakemake.input.joint,  # noqa: F821
        snakemake.input.digests,  # noqa: F821
        snakemake.input.versions,  # noqa: F821
        dict(snakemake.params.provenance),  # noqa: F821
        snakemake.params.caller_options,  # noqa: F821
        snakemake.output.vcf,  # noqa: F821
    )
