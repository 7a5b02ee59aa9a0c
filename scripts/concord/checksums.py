"""SHA-256 of files, streamed: the bundle's SHA256SUMS and the run's inputs."""

from __future__ import annotations

import hashlib
from pathlib import Path

CHUNK = 1 << 20


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def write_unit_checksums(files: dict[str, str], out: str) -> None:
    """One line per read file of a unit: its role (r1, r2 or bam), SHA-256 and size; the file's
    name and path stay out (they may name the patient)."""
    lines = [
        f"{role}\t{sha256_of(path)}\t{Path(path).stat().st_size}" for role, path in files.items()
    ]
    Path(out).write_text("\n".join(lines) + "\n")
