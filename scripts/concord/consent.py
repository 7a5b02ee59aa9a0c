"""Consent in the sample sheet: GA4GH Data Use Ontology (DUO) codes, checked before any job.

Each sample row may say whether it may be shared (`consent_share`: yes/no, empty = no), under
which DUO permission (`consent_permission`: exactly one of GRU, HMB, DS, NRES, POA, or its DUO
id), for which disease when the permission is DS (`consent_disease`: a MONDO term), with which
modifiers (`consent_modifiers`: comma-separated, e.g. PUB,NCU,IRB) and under which consent form
(`consent_version`). The vocabulary is read from the network's DUO table (config share.duo).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from concord.errors import InputError

CONSENT_COLUMNS = (
    "consent_share", "consent_permission", "consent_disease", "consent_modifiers",
    "consent_version",
)  # fmt: skip
DS = "DUO:0000007"  # disease specific research: the one permission that needs a disease
MONDO = re.compile(r"^MONDO:[0-9]{7}$")
OBO = "http://purl.obolibrary.org/obo/"


@dataclass(frozen=True)
class Term:
    """One DUO term: its id (DUO:0000042), shorthand (GRU), label and kind."""

    id: str
    shorthand: str
    label: str
    kind: str  # "permission" or "modifier"

    @property
    def iri(self) -> str:
        return OBO + self.id.replace(":", "_")


@dataclass(frozen=True)
class Consent:
    """What a sample's donor consented to, as DUO terms."""

    share: bool
    permission: Term | None = None
    disease: str = ""  # a MONDO term, DS only
    modifiers: tuple[Term, ...] = ()
    version: str = ""

    def codes(self) -> list[str]:
        """The DUO ids, permission first, then the modifiers in sheet order."""
        terms = ([self.permission] if self.permission else []) + list(self.modifiers)
        return [t.id for t in terms]

    def summary(self) -> str:
        """One line a person reads: 'DS (DUO:0000007) MONDO:0007254; PUB (DUO:0000019); form v2'."""
        if self.permission is None:
            return "no data use permission"
        first = f"{self.permission.shorthand} ({self.permission.id})"
        if self.disease:
            first += f" {self.disease}"
        parts = [first] + [f"{m.shorthand} ({m.id})" for m in self.modifiers]
        return "; ".join(parts) + (f"; consent form {self.version}" if self.version else "")

    def as_dict(self) -> dict:
        """Plain values (for params, JSON and the RO-Crate)."""
        return {
            "share": self.share,
            "permission": self.permission.id if self.permission else "",
            "permission_shorthand": self.permission.shorthand if self.permission else "",
            "disease": self.disease,
            "modifiers": [m.id for m in self.modifiers],
            "modifier_shorthands": [m.shorthand for m in self.modifiers],
            "version": self.version,
        }


def load_duo(path: str | Path) -> dict[str, Term]:
    """The DUO table (id,shorthand,label,description) as {shorthand and id: Term}.

    A term is a permission or a modifier as its DUO description says ("This data use
    permission ..."); the two parent classes (no shorthand) are not usable codes.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: DUO vocabulary not found (config share.duo)")
    terms: dict[str, Term] = {}
    with open(path, newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"id", "shorthand", "label", "description"} - set(reader.fieldnames or ())
        if missing:
            raise InputError(f"{path}: line 1: DUO table lacks column {sorted(missing)[0]!r}")
        for row in reader:
            description = row["description"].lower()
            kind = (
                "permission"
                if "data use permission indicates" in description
                else "modifier"
                if "data use modifier indicates" in description
                else None
            )
            if not row["shorthand"] or kind is None:
                continue
            term = Term(row["id"], row["shorthand"], row["label"], kind)
            terms[term.shorthand] = terms[term.id] = term
    if not any(t.kind == "permission" for t in terms.values()):
        raise InputError(f"{path}: no DUO data use permission in the table")
    return terms


def _permissions(duo: dict[str, Term]) -> str:
    return ", ".join(sorted({t.shorthand for t in duo.values() if t.kind == "permission"}))


def _codes(cell: str) -> list[str]:
    return [c.strip() for c in re.split(r"[,;\s]+", cell) if c.strip()]


def parse_consent(row: dict, duo: dict[str, Term], where) -> Consent:
    """One sheet row's consent; `where(column)` gives 'FILE: line N, column C' for errors."""
    share = row.get("consent_share", "") == "yes"
    permission_cell = row.get("consent_permission", "")
    codes = _codes(permission_cell)
    permission = None
    if len(codes) > 1:
        raise InputError(
            f"{where('consent_permission')}: {permission_cell!r} has {len(codes)} codes; a sample "
            f"has exactly one data use permission ({_permissions(duo)}), modifiers go in "
            "consent_modifiers"
        )
    if codes:
        permission = duo.get(codes[0])
        if permission is None:
            raise InputError(
                f"{where('consent_permission')}: {codes[0]!r} is not a DUO term "
                f"(permissions: {_permissions(duo)})"
            )
        if permission.kind != "permission":
            raise InputError(
                f"{where('consent_permission')}: {codes[0]!r} ({permission.label}) is a DUO data "
                f"use modifier, not a permission ({_permissions(duo)}); modifiers go in "
                "consent_modifiers"
            )
    disease = row.get("consent_disease", "")
    if permission is not None and permission.id == DS and not disease:
        raise InputError(
            f"{where('consent_disease')}: empty; DS (disease specific research) needs the MONDO "
            "term of the disease, e.g. MONDO:0007254"
        )
    if disease and not MONDO.match(disease):
        raise InputError(f"{where('consent_disease')}: {disease!r} is not a MONDO term")
    if disease and (permission is None or permission.id != DS):
        raise InputError(
            f"{where('consent_disease')}: a disease is only given with DS (disease specific "
            f"research); the permission here is {permission_cell or 'empty'}"
        )
    modifiers: list[Term] = []
    for code in _codes(row.get("consent_modifiers", "")):
        term = duo.get(code)
        if term is None:
            raise InputError(f"{where('consent_modifiers')}: {code!r} is not a DUO term")
        if term.kind != "modifier":
            raise InputError(
                f"{where('consent_modifiers')}: {code!r} ({term.label}) is a DUO data use "
                "permission, not a modifier; the one permission goes in consent_permission"
            )
        if term in modifiers:
            raise InputError(f"{where('consent_modifiers')}: {code!r} is given twice")
        modifiers.append(term)
    version = row.get("consent_version", "")
    if share and permission is None:
        raise InputError(
            f"{where('consent_permission')}: empty; a sample with consent_share 'yes' needs its "
            f"DUO data use permission ({_permissions(duo)})"
        )
    if share and not version:
        raise InputError(
            f"{where('consent_version')}: empty; a sample with consent_share 'yes' needs the "
            "version of the consent form it was given under"
        )
    return Consent(share, permission, disease, tuple(modifiers), version)
