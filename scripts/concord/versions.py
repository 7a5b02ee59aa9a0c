"""Tool and package versions as they report themselves at run time (never typed in).

Each environment of `envs/` is asked once per run, inside that environment (rule tool_version),
so the record is what actually ran. The pins those versions should match are the envs
themselves (concord.toolchain).
"""

from __future__ import annotations

import csv
import re

# tool (= its env in envs/) -> (group, command, regex whose first group is the version)
TOOLS = {
    "bwa": ("dna", "bwa", r"Version: (\S+)"),
    "samtools": ("dna", "samtools --version", r"samtools (\S+)"),
    "bcftools": ("dna", "bcftools --version", r"bcftools (\S+)"),
    "fastp": ("dna", "fastp --version", r"fastp (\S+)"),
    "mosdepth": ("dna", "mosdepth --version", r"mosdepth (\S+)"),
    "freebayes": ("dna", "freebayes --version", r"version:\s*v?(\S+)"),
    "salmon": ("rna", "salmon --version", r"salmon (\S+)"),
    "gffread": ("rna", "gffread --version", r"^(\S+)"),
}

# Python env (in envs/) -> the packages concord's own steps import from it
PACKAGES = {
    "python": ("pysam", "pandas", "numpy", "pyarrow"),
    "hgvs": ("hgvs", "cdot"),
    "multiqc": ("multiqc",),
    "share": ("rocrate",),
}

ENVIRONMENTS = (*TOOLS, *PACKAGES)

# the record: what ran, what the network pins, and whether they agree (concord.toolchain)
COLUMNS = ("tool", "version", "pin", "status", "group", "environment")
NOT_FOUND = "not found"


def version_environments(rna: bool, panel: bool, share: bool = False) -> list[str]:
    """The envs a run uses, in report order."""
    envs = [t for t, (group, _, _) in TOOLS.items() if group == "dna" or rna]
    return envs + ["python", *(["hgvs"] if panel else []), *(["share"] if share else []), "multiqc"]


def version_command(env: str) -> str:
    """The shell command that prints the env's versions (parsed by parse_versions)."""
    if env in TOOLS:
        return TOOLS[env][1]
    names = " ".join(PACKAGES[env])
    return (
        "python -c 'import sys, importlib.metadata as m; "
        f"[print(p, m.version(p)) for p in sys.argv[1:]]' {names}"
    )


def env_tools(env: str) -> tuple[str, ...]:
    """The tools (or packages) whose versions env's command prints."""
    return (env,) if env in TOOLS else PACKAGES[env]


def parse_versions(env: str, text: str) -> list[dict]:
    """Rows (tool, version, group, environment) from a version command's output."""
    if env in TOOLS:
        group, command, pattern = TOOLS[env]
        wanted = [(env, pattern)]
    else:
        group, command = "python", version_command(env)
        wanted = [(p, rf"^{re.escape(p)} (\S+)$") for p in PACKAGES[env]]
    rows = []
    for tool, pattern in wanted:
        match = re.search(pattern, text, re.MULTILINE)
        if not match:
            raise RuntimeError(
                f"cannot read the version of {tool} from `{command}` in env {env}: "
                f"{text.strip()[:300] or '(no output)'}"
            )
        rows.append({"tool": tool, "version": match.group(1), "group": group, "environment": env})
    return rows


def reported_versions(texts: dict[str, str], snakemake_version: str) -> tuple[list[dict], list]:
    """Rows (tool, version, group, environment) from each env's version output, Snakemake's
    first; a tool that printed no version is a row 'not found' (its output, for the log)."""
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


def write_versions(rows: list[dict], path: str) -> None:
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def read_version_rows(path: str) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def read_versions(path: str) -> dict[str, str]:
    return {row["tool"]: row["version"] for row in read_version_rows(path)}


def versions_of(path: str, tools) -> dict[str, str]:
    """{tool: version that ran} for the tools an output was made with, from the run's record."""
    recorded = read_versions(path)
    return {tool: recorded[tool] for tool in tools}


# A version a tool reports matches its pin when it is the pin, or the pin followed by a build
# tag of the same release: bwa's source revision (`0.7.17-r1188`) or a local build label after
# `+` (`1.16.1+dfsg`). Another release (`1.16` vs `1.16.1`), a pre-release (`1.10.1-rc1`,
# `1.10.1b2`) or no version at all is a difference.
BUILD_TAG = r"(-r\d+|\+[0-9A-Za-z.+~_-]+)?"


def version_matches(found: str, pin: str) -> bool:
    return re.fullmatch(re.escape(pin) + BUILD_TAG, found) is not None


def check_versions(rows: list[dict], pins: dict[str, str]) -> list[dict]:
    """The rows (tool, version, group, environment) with the tool's pin and a status: `pinned`
    (the version matches the pin), `differs`, or `unpinned` (nothing in envs/ pins it)."""
    checked = []
    for row in rows:
        pin = pins.get(row["tool"], "")
        if not pin:
            status = "unpinned"
        elif version_matches(row["version"], pin):
            status = "pinned"
        else:
            status = "differs"
        checked.append({**row, "pin": pin, "status": status})
    return checked


def differences(rows: list[dict]) -> list[str]:
    """One line per tool whose version differs from its pin: tool, found, pin, where pinned."""
    return [
        f"{r['tool']}: {'not found' if r['version'] == NOT_FOUND else 'found ' + r['version']}, "
        f"pinned {r['pin']} (envs/{r['environment']}.yaml)"
        for r in rows
        if r["status"] == "differs"
    ]


def toolchain_error(found: list[str]) -> str:
    """The message that stops a harmonized run: which tools, found and pinned, what to do."""
    listing = "".join(f"  {line}\n" for line in found)
    return (
        "concord toolchain check failed (no job was run): these tools are not at the "
        f"network's pinned versions:\n{listing}"
        "Install the pinned versions (docs/environments.md), or set `toolchain: {mode: "
        "development}` in the config to run anyway with a warning; the results are then not "
        "harmonized."
    )


def toolchain_warning(found: list[str]) -> str:
    listing = "".join(f"\n  {line}" for line in found)
    return (
        "concord: WARNING (toolchain.mode: development): versions differ from the pins, the "
        f"results are not harmonized:{listing}"
    )
