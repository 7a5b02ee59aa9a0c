"""A conformance kit against its SHA256SUMS, and the network's reference digests for its
version. Standard library only: it runs in the plain Python environment of the kit check."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

CHECKSUMS = "SHA256SUMS"
RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "conformance"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def kit_version(kit: Path) -> str:
    """A kit version is its SHA256SUMS: the same list of files with the same content."""
    return file_sha256(kit / CHECKSUMS)


def verify_kit(kit: Path) -> dict:
    """Every data file of the kit against its SHA256SUMS: name, version, files checked and
    each problem (modified, missing or extra file) named."""
    kit = Path(kit)
    checksums = kit / CHECKSUMS

    def unchecked(problem: str) -> dict:
        return {"name": kit.name, "version": None, "files_checked": 0, "problems": [problem]}

    if not checksums.is_file():
        return unchecked(f"{CHECKSUMS} is missing: the kit's files cannot be checked")
    listed: dict[str, str] = {}
    for n, line in enumerate(checksums.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        digest, _, name = line.partition("  ")
        if not name or len(digest) != 64:
            return unchecked(f"{CHECKSUMS}: line {n} is not '<sha256>  <path>'")
        listed[name.strip()] = digest
    problems = []
    for name, digest in sorted(listed.items()):
        path = kit / name
        if not path.is_file():
            problems.append(f"missing: {name}")
        elif file_sha256(path) != digest:
            problems.append(f"modified: {name}")
    present = {str(p.relative_to(kit)) for p in kit.rglob("*") if p.is_file()}
    problems += [f"extra: {name}" for name in sorted(present - set(listed) - {CHECKSUMS})]
    return {
        "name": kit.name,
        "version": kit_version(kit),
        "files_checked": len(listed),
        "problems": problems,
    }


def reference_digests_for(version: str | None) -> Path | None:
    """The expected.json shipped for this kit version, if concord has one."""
    for path in sorted(RESOURCES.glob("*/expected.json")):
        if json.loads(path.read_text()).get("kit", {}).get("version") == version:
            return path
    return None
