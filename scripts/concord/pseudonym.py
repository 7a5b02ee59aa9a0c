"""Keyed pseudonyms: HMAC-SHA256 of an id under the centre's secret key.

The same id and key always give the same pseudonym; another centre's key gives another, and
without the key a pseudonym cannot be traced back or recomputed. The key lives in a file
outside the repository that only its owner can read (config share.key); it is read inside the
job that needs it, never passed as a parameter, logged or written.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from pathlib import Path

from concord.errors import InputError

# a namespace per kind of id, so a patient and a sample with the same id differ
PREFIXES = {"patient": "P", "sample": "S"}
HEX_DIGITS = 16  # 64 bits: a collision among a network's samples is practically impossible
MIN_KEY_BYTES = 32


def check_key_file(path: str | Path, checkout: str | Path) -> None:
    """Before any job: the key file exists, is a regular file readable by its owner only, holds
    at least MIN_KEY_BYTES bytes, and is outside the concord checkout (never committed). Its
    content is not read here."""
    path = Path(path)
    where = f"config share.key: {path}"
    if not path.is_file():
        raise InputError(f"{where}: the centre key file does not exist")
    info = path.stat()
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InputError(
            f"{where}: the centre key must be readable by its owner only "
            f"(mode {stat.S_IMODE(info.st_mode):04o}; run chmod 600 on it)"
        )
    if info.st_uid != os.getuid():
        raise InputError(f"{where}: the centre key must belong to the user running concord")
    if not os.access(path, os.R_OK):
        raise InputError(f"{where}: the centre key cannot be read")
    if info.st_size < MIN_KEY_BYTES:
        raise InputError(f"{where}: the centre key is shorter than {MIN_KEY_BYTES} bytes")
    if path.resolve().is_relative_to(Path(checkout).resolve()):
        raise InputError(f"{where}: the centre key must live outside the concord checkout")


def read_key(path: str | Path) -> bytes:
    """The key: the file's bytes without surrounding whitespace (a trailing newline)."""
    key = Path(path).read_bytes().strip()
    if len(key) < MIN_KEY_BYTES:
        raise InputError(f"{path}: the centre key is shorter than {MIN_KEY_BYTES} bytes")
    return key


def pseudonym(key: bytes, kind: str, value: str) -> str:
    """'P-' or 'S-' and 16 hex digits of HMAC-SHA256(key, 'concord:<kind>:<value>')."""
    digest = hmac.new(key, f"concord:{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return f"{PREFIXES[kind]}-{digest[:HEX_DIGITS]}"


class Pseudonyms:
    """The pseudonyms of one run's patients and samples under one key."""

    def __init__(self, key: bytes):
        self._key = key
        self.mapping: dict[tuple[str, str], str] = {}

    def patient(self, patient_id: str) -> str:
        return self._of("patient", patient_id)

    def sample(self, sample_id: str) -> str:
        return self._of("sample", sample_id)

    def _of(self, kind: str, value: str) -> str:
        if (kind, value) not in self.mapping:
            self.mapping[(kind, value)] = pseudonym(self._key, kind, value)
        return self.mapping[(kind, value)]

    def write_mapping(self, path: str | Path) -> None:
        """The local, never shared table of id -> pseudonym, readable by the owner only."""
        path = Path(path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.chmod(path, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write("kind\tid\tpseudonym\n")
            for (kind, value), name in self.mapping.items():
                fh.write(f"{kind}\t{value}\t{name}\n")
