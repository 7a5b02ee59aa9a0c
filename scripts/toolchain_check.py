"""The toolchain check: every tool's version as it reported itself, against the network's pins.
A difference stops the run (toolchain.mode: harmonized) or is a warning (development)."""

import sys

from concord import paths
from concord.versions import (
    NOT_FOUND,
    TOOLS,
    check_versions,
    differences,
    env_tools,
    parse_versions,
    write_versions,
)


def reported_versions(texts: dict[str, str], snakemake_version: str) -> tuple[list[dict], list]:
    """Rows (tool, version, group, environment) from each env's version output; a tool that
    printed no version is a row with version 'not found' and its output for the log."""
    rows = [{"tool": "snakemake", "version": snakemake_version, "group": "workflow",
             "environment": "snakemake"}]  # fmt: skip
    unreadable = []
    for env, text in texts.items():
        try:
            rows += parse_versions(env, text)
        except RuntimeError as error:
            unreadable.append(str(error))
            group = TOOLS[env][0] if env in TOOLS else "python"
            rows += [{"tool": t, "version": NOT_FOUND, "group": group, "environment": env}
                     for t in env_tools(env)]  # fmt: skip
    return rows, unreadable


def main(texts, pins, mode, snakemake_version, out: str, log: str) -> int:
    rows, unreadable = reported_versions(texts, snakemake_version)
    rows = check_versions(rows, pins)
    write_versions(rows, out)
    found = differences(rows)
    with open(log, "w") as fh:
        fh.writelines(f"{r['tool']}\t{r['version']}\t{r['pin']}\t{r['status']}\n" for r in rows)
        fh.writelines(f"{line}\n" for line in unreadable)
    if not found:
        return 0
    listing = "".join(f"  {line}\n" for line in found)
    if mode == "harmonized":
        print(
            "concord toolchain check failed (nothing that uses the tools was run): these tools "
            f"are not at the network's pinned versions:\n{listing}"
            "Install the pinned versions (docs/environments.md), or set `toolchain: {mode: "
            "development}` in the config to run anyway with a warning; the results are then "
            "not harmonized.",
            file=sys.stderr,
        )
        return 1
    print(
        "concord: WARNING (toolchain.mode: development): versions differ from the pins, "
        f"results are not harmonized:\n{listing}",
        end="",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    s = snakemake  # noqa: F821
    texts = {}
    for env in s.params.environments:
        path = paths.job_file(s.input, paths.TOOL_VERSION.format(env=env))
        with open(path, encoding="utf-8", errors="replace") as fh:
            texts[env] = fh.read()
    sys.exit(
        main(
            texts,
            dict(s.params.pins),
            s.params.mode,
            s.params.snakemake_version,
            s.output[0],
            s.log[0],
        )  # fmt: skip
    )
