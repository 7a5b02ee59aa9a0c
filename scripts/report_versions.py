"""Software versions for the report, as each tool and package reports itself at run time."""

from concord.versions import (
    PYTHON_PACKAGES,
    RNA_VERSION_COMMANDS,
    VERSION_COMMANDS,
    python_package_version,
    tool_version,
)  # fmt: skip


def main(snakemake_version: str, with_rna: bool, output: str) -> None:
    groups = {
        "Workflow": {"snakemake": snakemake_version},
        "DNA tools": {tool: tool_version(tool) for tool in VERSION_COMMANDS},
    }
    if with_rna:
        groups["RNA tools"] = {tool: tool_version(tool) for tool in RNA_VERSION_COMMANDS}
    groups["Python packages"] = {p: python_package_version(p) for p in PYTHON_PACKAGES}
    with open(output, "w") as fh:
        for group, versions in groups.items():
            fh.write(f"{group}:\n")
            fh.writelines(f'  {name}: "{version}"\n' for name, version in versions.items())


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    main(s.params.snakemake_version, s.params.with_rna, s.output[0])
