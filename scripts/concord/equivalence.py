"""Equivalence of a centre's standardized outputs with the network's reference outputs.

Each output is reduced to its content: a VCF to its text without the header lines that may
legitimately differ between centres (`EXCLUDED_HEADER`), a table to its text. The digest is the
SHA-256 of that content; each record (VCF line, table row) also gets a short digest under a key
(contig:pos:REF:ALT for variants, the row's identifying columns for tables), so a difference can
be named: records only in the centre's output, only in the reference, or changed. The reference
digests ship with concord per kit version (`resources/conformance/<kit>/expected.json`), made by
`scripts/conformance_reference.py` on the reference toolchain.
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

# Header lines a centre may change without changing a result: its own identifier.
EXCLUDED_HEADER = ("##concordCentre=",)
ROW_DIGEST_LENGTH = 16


def _text(path: str | Path) -> str:
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        return fh.read()


def _digest(text: str, length: int | None = None) -> str:
    value = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return value[:length] if length else value


def vcf_content(path: str | Path) -> tuple[str, dict[str, str]]:
    """(content without excluded header lines, {variant key: record line})."""
    lines = [line for line in _text(path).splitlines() if not line.startswith(EXCLUDED_HEADER)]
    records: dict[str, str] = {}
    for line in lines:
        if line.startswith("#"):
            continue
        f = line.split("\t", 5)
        records[_unique(records, f"{f[0]}:{f[1]}:{f[3]}:{f[4]}")] = line
    return "\n".join(lines) + "\n", records


# the columns that identify a row of concord's tables, first found wins
ROW_KEYS = (
    ("chrom", "pos", "ref", "alt", "transcript"),
    ("sample", "transcript", "exon"),
    ("transcript_id",),
    ("gene_id",),
    ("sample",),
)


def table_content(path: str | Path) -> tuple[str, dict[str, str], list[str], dict[str, list]]:
    """(content, {row key: row line}, header, {row key: cells})."""
    text = _text(path)
    lines = text.splitlines()
    header = lines[0].split("\t") if lines else []
    key_columns = next((k for k in ROW_KEYS if set(k) <= set(header)), header[:1])
    index = [header.index(c) for c in key_columns]
    rows: dict[str, str] = {}
    cells: dict[str, list] = {}
    for line in lines[1:]:
        values = line.split("\t")
        key = _unique(rows, ":".join(values[i] for i in index))
        rows[key] = line
        cells[key] = values
    return text, rows, header, cells


def _unique(seen: dict, key: str) -> str:
    n, out = 1, key
    while out in seen:
        n += 1
        out = f"{key}#{n}"
    return out


def is_vcf(name: str) -> bool:
    return name.endswith((".vcf", ".vcf.gz"))


def output_digest(path: str | Path, name: str, keep_rows: bool = False) -> dict:
    """The digest of one output and of each of its records; with keep_rows, the cells too (for
    outputs compared within a tolerance)."""
    if is_vcf(name):
        content, records = vcf_content(path)
        header, cells = [], {}
    else:
        content, records, header, cells = table_content(path)
    entry = {
        "digest": _digest(content),
        "records": {k: _digest(v, ROW_DIGEST_LENGTH) for k, v in records.items()},
    }
    if keep_rows:
        entry["header"] = header
        entry["rows"] = cells
    return entry


@dataclass(frozen=True)
class Tolerance:
    """Numeric columns of matching outputs may differ by at most `absolute` or `relative`."""

    outputs: str  # glob on the output name
    columns: tuple[str, ...]
    absolute: float = 0.0
    relative: float = 0.0
    reason: str = ""

    def applies(self, name: str) -> bool:
        return fnmatch.fnmatch(name, self.outputs)

    def describe(self) -> str:
        return (
            f"{self.outputs} columns {', '.join(self.columns)}: absolute {self.absolute:g}, "
            f"relative {self.relative:g} ({self.reason})"
        )


def load_tolerances(data: dict | None) -> list[Tolerance]:
    out = []
    for t in (data or {}).get("tolerances") or []:
        out.append(
            Tolerance(
                outputs=t["outputs"],
                columns=tuple(t["columns"]),
                absolute=float(t.get("absolute", 0)),
                relative=float(t.get("relative", 0)),
                reason=t["reason"],
            )
        )
    return out


def _within(a: str, b: str, tol: Tolerance) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    if math.isnan(x) or math.isnan(y):
        return False
    return abs(x - y) <= max(tol.absolute, tol.relative * max(abs(x), abs(y)))


def compare_output(
    name: str, ours: dict, expected: dict | None, tolerances: list[Tolerance]
) -> dict:
    """identical / within tolerance / different (naming the records) / missing / unexpected."""
    if expected is None:
        return {"status": "unexpected", "detail": "no reference digest for this output"}
    if ours is None:
        return {"status": "missing", "detail": "the output was not produced"}
    if ours["digest"] == expected["digest"]:
        return {"status": "identical"}
    mine, theirs = ours["records"], expected["records"]
    only_ours = sorted(set(mine) - set(theirs))
    only_ref = sorted(set(theirs) - set(mine))
    changed = sorted(k for k in set(mine) & set(theirs) if mine[k] != theirs[k])
    tolerance = next((t for t in tolerances if t.applies(name)), None)
    if (
        tolerance
        and not only_ours
        and not only_ref
        and "rows" in ours
        and "rows" in expected
        and ours.get("header") == expected.get("header")
        and _rows_within(ours, expected, changed, tolerance)
    ):
        return {"status": "within tolerance", "tolerance": tolerance.describe()}
    detail = {
        "only_in_centre": only_ours[:20],
        "only_in_reference": only_ref[:20],
        "changed": changed[:20],
        "counts": {
            "only_in_centre": len(only_ours),
            "only_in_reference": len(only_ref),
            "changed": len(changed),
        },
    }
    if not (only_ours or only_ref or changed):
        detail["header"] = "the header differs (records are identical)"
    return {"status": "different", "detail": detail}


def _rows_within(ours: dict, expected: dict, keys: list[str], tol: Tolerance) -> bool:
    header = ours["header"]
    for key in keys:
        a, b = ours["rows"][key], expected["rows"][key]
        for column, x, y in zip(header, a, b, strict=True):
            if x != y and (column not in tol.columns or not _within(x, y, tol)):
                return False
    return True
