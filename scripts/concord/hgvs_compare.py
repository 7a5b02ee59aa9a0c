"""Compare concord's p. names with ClinVar's 2016 wording by meaning, not spelling."""

from __future__ import annotations

import re

_AA = r"[A-Z][a-z]{2}"


def normalize_p(name: str) -> str:
    """One spelling per meaning: no accession or parentheses, '*' as Ter, frameshifts as Xn fs,
    ClinVar 2016's 'Xn Terfs' (a frameshift whose first new residue is a stop) as nonsense."""
    p = name.split(":")[-1].replace("(", "").replace(")", "").replace("*", "Ter")
    p = re.sub(rf"^(p\.{_AA}\d+)Terfs(Ter\d+)?$", r"\1Ter", p)
    p = re.sub(r"fs(Ter\d*)?$", "fs", p)
    p = re.sub(rf"^(p\.{_AA}\d+){_AA}fs$", r"\1fs", p)
    return p


def equivalent_p(ours: str, clinvar: str) -> bool:
    a, b = normalize_p(ours), normalize_p(clinvar)
    if a == b:
        return True
    # a one-residue duplication is an insertion of that residue after it
    dup = re.fullmatch(rf"p\.({_AA})(\d+)dup", a)
    ins = re.fullmatch(rf"p\.({_AA})(\d+)_{_AA}(\d+)ins({_AA})", b)
    if dup and ins:
        return dup[1] == ins[1] == ins[4] and int(dup[2]) == int(ins[2]) == int(ins[3]) - 1
    return False


def strip_deleted_bases(c_name: str) -> str:
    """c.68_69delAG -> c.68_69del (ClinVar's normalized names drop them; so does the truth)."""
    return re.sub(r"(del|dup)[ACGTN]+$", r"\1", c_name)
