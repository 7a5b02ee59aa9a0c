"""Tool versions as the tools report them at run time (never typed in)."""

from __future__ import annotations

import re
import subprocess

# tool -> (command, regex whose first group is the version)
VERSION_COMMANDS = {
    "bwa": (["bwa"], r"Version: (\S+)"),
    "samtools": (["samtools", "--version"], r"samtools (\S+)"),
    "bcftools": (["bcftools", "--version"], r"bcftools (\S+)"),
    "fastp": (["fastp", "--version"], r"fastp (\S+)"),
    "mosdepth": (["mosdepth", "--version"], r"mosdepth (\S+)"),
    "freebayes": (["freebayes", "--version"], r"version:\s*v?(\S+)"),
}

# the RNA branch's tools (not part of the VCF provenance)
RNA_VERSION_COMMANDS = {
    "salmon": (["salmon", "--version"], r"salmon (\S+)"),
    "gffread": (["gffread", "--version"], r"^(\S+)"),
}

_ALL_COMMANDS = {**VERSION_COMMANDS, **RNA_VERSION_COMMANDS}

# the Python packages concord's own steps import, as installed in the running environment
PYTHON_PACKAGES = ("multiqc", "pysam", "cyvcf2", "pandas", "numpy", "pyarrow", "hgvs", "cdot")


def tool_version(tool: str) -> str:
    cmd, pattern = _ALL_COMMANDS[tool]
    out = subprocess.run(cmd, capture_output=True, encoding="utf-8", errors="replace", check=False)
    match = re.search(pattern, out.stdout + out.stderr)
    if not match:
        raise RuntimeError(f"cannot read the version of {tool} from `{' '.join(cmd)}`")
    return match.group(1)


def read_versions(path: str) -> dict[str, str]:
    with open(path) as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh][1:]
    return {tool: version for tool, version in rows}


def python_package_version(package: str) -> str:
    from importlib.metadata import version

    return version(package)
