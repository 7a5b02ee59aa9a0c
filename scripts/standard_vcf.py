"""Write a concord somatic (TUMOR, NORMAL) or germline (NORMAL) VCF from the joint call."""

from concord.standardize import write_standard_vcf

if __name__ == "__main__":
    write_standard_vcf(
        snakemake.params.kind,  # noqa: F821
        snakemake.input.joint,  # noqa: F821
        snakemake.input.digests,  # noqa: F821
        snakemake.input.versions,  # noqa: F821
        dict(snakemake.params.provenance),  # noqa: F821
        snakemake.params.caller_options,  # noqa: F821
        snakemake.output.vcf,  # noqa: F821
    )
