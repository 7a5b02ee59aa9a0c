"""Record the version of every tool concord runs, as each tool reports it."""

from concord.versions import VERSION_COMMANDS, tool_version


def main(output: str) -> None:
    with open(output, "w") as fh:
        fh.write("tool\tversion\n")
        for tool in VERSION_COMMANDS:
            fh.write(f"{tool}\t{tool_version(tool)}\n")


if __name__ == "__main__":
    main(snakemake.output[0])  # noqa: F821
