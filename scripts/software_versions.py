"""The run's software_versions.tsv: every tool and package as it reported itself in its env."""

import sys

from concord import paths
from concord.versions import parse_versions, write_versions


def main(version_files: dict[str, str], snakemake_version: str, out: str) -> None:
    rows = [{"tool": "snakemake", "version": snakemake_version, "group": "workflow",
             "environment": "snakemake"}]  # fmt: skip
    for env, path in version_files.items():
        with open(path, encoding="utf-8", errors="replace") as fh:
            rows += parse_versions(env, fh.read())
    write_versions(rows, out)


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    files = {
        env: paths.job_file(s.input, paths.TOOL_VERSION.format(env=env))
        for env in s.params.environments
    }
    try:
        main(files, s.params.snakemake_version, s.output[0])
    except RuntimeError as error:
        sys.exit(f"concord: {error}")
