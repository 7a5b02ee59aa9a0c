"""Sample and unit sheets: load, validate against the schemas, cross-check, derive pairs.

Every error names the file, the line (header is line 1) and the column, so a centre can fix
its LIMS export without reading code. Validation happens before any job is scheduled.
"""

from __future__ import annotations

import csv
import difflib
import gzip
import os
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pandas as pd
import yaml

from concord.errors import InputError

# A pair's files are named <tumour>_vs_<normal>: neither id may contain the separator, so that
# the name splits one way only (the workflow's wildcard constraints rely on it).
PAIR_SEPARATOR = "_vs_"

# Unit columns a sheet may leave out; the loaded sheet has them all, empty where absent.
OPTIONAL_UNIT_COLUMNS = ("fastq_1", "fastq_2", "bam", "platform", "library_id", "flowcell", "lane")


@dataclass(frozen=True)
class Pair:
    patient: str
    tumor: str
    normal: str


@dataclass(frozen=True)
class Sheets:
    samples: pd.DataFrame  # indexed by sample_id, sheet order
    units: pd.DataFrame  # indexed by (sample_id, unit_id), sheet order
    pairs: tuple[Pair, ...]


def load_schema(path: str | Path) -> dict:
    with open(path) as fh:
        return yaml.safe_load(fh)


def read_sheet(path: str | Path) -> pd.DataFrame:
    """A tab-separated sheet as strings; '#' lines are comments; empty cells become ''.

    UTF-8 with or without a byte order mark, and Windows line endings, read as the same sheet;
    whitespace around a cell is not part of its value. df.attrs["lines"] holds each row's line
    in the file, so that messages name the file's own lines even after comments."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: sample sheet not found")
    text = _utf8_text(path)
    lines = [
        (n, line.removesuffix("\r"))
        for n, line in enumerate(text.split("\n"), start=1)
        if line.strip() and not line.startswith("#")
    ]
    if not lines:
        raise InputError(f"{path}: sheet is empty (a header line is required)")
    numbers = [n for n, _ in lines]
    rows = list(csv.reader((line for _, line in lines), delimiter="\t"))
    header = [h.strip() for h in rows[0]]
    dupes = sorted({h for h in header if header.count(h) > 1})
    if dupes:
        raise InputError(f"{path}: line {numbers[0]}: column {dupes[0]!r} appears more than once")
    records = []
    for n, row in zip(numbers[1:], rows[1:], strict=True):
        if len(row) != len(header):
            raise InputError(
                f"{path}: line {n}: {len(row)} fields but the header has {len(header)} "
                "(tab-separated, one value per column)"
            )
        records.append([cell.strip() for cell in row])
    df = pd.DataFrame(records, columns=header, dtype=str)
    df.attrs["path"] = str(path)
    df.attrs["lines"] = numbers
    return df


def row_line(df: pd.DataFrame, i: int) -> int:
    """The line of the file that row i (sheet order) was read from; the header is line 1
    unless comments come first."""
    lines = df.attrs.get("lines")
    return lines[i + 1] if lines else i + 2


def header_line(df: pd.DataFrame) -> int:
    lines = df.attrs.get("lines")
    return lines[0] if lines else 1


def _utf8_text(path: Path) -> str:
    """The sheet as text; a byte that is not UTF-8 (a Latin-1 or Windows-1252 export) is named
    by its line and column instead of being guessed at."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        field = data.count(b"\t", line_start, exc.start)
        header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").split("\t")
        column = repr(header[field].strip()) if field < len(header) else str(field + 1)
        raise InputError(
            f"{path}: line {line}, column {column}: byte 0x{data[exc.start]:02x} is not UTF-8 "
            "text (the sheet was saved in another encoding, e.g. Latin-1 or Windows-1252; "
            "save it as UTF-8)"
        ) from None


def validate_rows(df: pd.DataFrame, schema: dict) -> None:
    """Check every row against a row schema; the first problem is raised with file/line/column."""
    path = df.attrs["path"]
    _check_header(df, schema)
    validator = jsonschema.Draft202012Validator(schema)
    for i, record in enumerate(df.to_dict(orient="records")):
        line = row_line(df, i)
        for error in sorted(validator.iter_errors(record), key=lambda e: list(e.path)):
            if error.validator == "required":
                missing = next(f for f in error.validator_value if f not in record)
                why = "" if error.schema is schema else f" ({error.schema['description']})"
                raise InputError(f"{path}: required column {missing!r} is missing{why}")
            # unknown columns (additionalProperties) are refused by _check_header, on the header
            column = error.path[0] if error.path else "?"
            raise InputError(
                f"{path}: line {line}, column {column!r}: {_describe(error, record.get(column))}"
            )


def _check_header(df: pd.DataFrame, schema: dict) -> None:
    """Every column is one the schema knows (a near miss is suggested) and every required
    column is there, checked on the header so that a sheet without rows is checked too."""
    where = f"{df.attrs['path']}: line {header_line(df)}"
    known = list(schema["properties"])
    patterns = list(schema.get("patternProperties", {}))
    for column in df.columns:
        if column in known or any(re.search(p, column) for p in patterns):
            continue
        near = difflib.get_close_matches(column.lower(), [k.lower() for k in known], 1, 0.7)
        hint = (
            f"did you mean {known[[k.lower() for k in known].index(near[0])]!r}? " if near else ""
        )
        raise InputError(
            f"{where}: unknown column {column!r} ({hint}allowed: {', '.join(known)}; "
            "free LIMS columns need a meta_ prefix)"
        )
    for column in schema.get("required", []):
        if column not in df.columns:
            raise InputError(
                f"{where}: required column {column!r} is missing "
                f"(the header has {', '.join(df.columns)})"
            )


def _describe(error: jsonschema.ValidationError, value) -> str:
    if error.validator == "enum":
        allowed = ", ".join(repr(v) for v in error.validator_value if v != "")
        return f"{value!r} is not one of {allowed}"
    if error.validator == "pattern":
        hint = error.schema.get("description", f"pattern {error.validator_value}")
        return f"{value!r} has characters that are not allowed here ({hint})"
    if error.validator in ("minLength", "maxLength"):
        rule = "must not be empty" if error.validator == "minLength" else "must be empty"
        why = error.schema.get("description")
        return f"{rule} ({why})" if why else rule
    return error.message


def load_sheets(
    samples_path, units_path, samples_schema, units_schema, read_fastqs: bool = True
) -> Sheets:
    """Load both sheets, validate schema and content, and derive the tumour/normal pairs.
    Without read_fastqs (the FASTQs are in a storage provider) FASTQs are not opened."""
    samples = read_sheet(samples_path)
    units = read_sheet(units_path)
    validate_rows(samples, samples_schema)
    validate_rows(units, units_schema)
    for sheet, what in ((samples, "sample"), (units, "unit")):
        if sheet.empty:
            raise InputError(
                f"{sheet.attrs['path']}: line {header_line(sheet)}: a header and no rows; "
                f"the sheet needs one row per {what}"
            )
    _fill_optional_columns(units)
    _check_unique(samples, ["sample_id"])
    _check_unique(units, ["sample_id", "unit_id"])
    _check_units(samples, units, read_fastqs)
    return _indexed(samples, units)


def read_checked_sheets(samples_path, units_path) -> Sheets:
    """The sheets the main process has checked, read again by a cluster job: no schema, no
    cross-checks, no FASTQ opened (a job's start-up should not grow with the sheet's checks)."""
    units = read_sheet(units_path)
    _fill_optional_columns(units)
    return _indexed(read_sheet(samples_path), units)


def _fill_optional_columns(units: pd.DataFrame) -> None:
    for column in OPTIONAL_UNIT_COLUMNS:
        if column not in units:
            units[column] = ""


def _indexed(samples: pd.DataFrame, units: pd.DataFrame) -> Sheets:
    pairs = tumor_normal_pairs(samples)
    samples = samples.set_index("sample_id", drop=False)
    units = units.set_index(["sample_id", "unit_id"], drop=False)
    return Sheets(samples=samples, units=units, pairs=tuple(pairs))


def _check_unique(df: pd.DataFrame, key: list[str]) -> None:
    seen: dict[tuple, int] = {}
    for i, values in enumerate(df[key].itertuples(index=False, name=None)):
        line = row_line(df, i)
        if values in seen:
            what = " / ".join(f"{k} {v!r}" for k, v in zip(key, values, strict=True))
            raise InputError(
                f"{df.attrs['path']}: line {line}, column {key[-1]!r}: duplicate {what} "
                f"(first on line {seen[values]})"
            )
        seen[values] = line


def _check_units(samples: pd.DataFrame, units: pd.DataFrame, read_fastqs: bool) -> None:
    spath, upath = samples.attrs["path"], units.attrs["path"]
    known = set(samples["sample_id"])
    described = {r["sample_id"]: _sample_words(r) for r in samples.to_dict(orient="records")}
    fastq_seen: dict[str, tuple[int, str]] = {}
    library_seen: dict[str, tuple[int, str]] = {}
    for i, row in enumerate(units.to_dict(orient="records")):
        line = row_line(units, i)
        where = f"{upath}: line {line}"
        if row["sample_id"] not in known:
            raise InputError(
                f"{where}, column 'sample_id': sample {row['sample_id']!r} is not in {spath}"
            )
        library = row["library_id"]
        if library in library_seen and library_seen[library][1] != row["sample_id"]:
            first_line, first_sample = library_seen[library]
            raise InputError(
                f"{where}, column 'library_id': library {library!r} is sequenced from "
                f"{described[row['sample_id']]} here, but from {described[first_sample]} on "
                f"line {first_line}; a library belongs to one sample (a sample swapped "
                "between patients or roles?)"
            )
        if library:
            library_seen.setdefault(library, (line, row["sample_id"]))
        if row["bam"]:
            continue  # checked against the reference by concord.bam_units
        if not row["fastq_2"]:
            raise InputError(
                f"{where}, column 'fastq_2': empty; concord needs paired-end reads (R1 and R2)"
            )
        for column in ("fastq_1", "fastq_2"):
            fastq = row[column]
            if read_fastqs:
                _check_readable_fastq(fastq, f"{where}, column {column!r}")
            key = os.path.realpath(fastq) if read_fastqs else os.path.normpath(fastq)
            if key in fastq_seen:
                first_line, first_col = fastq_seen[key]
                raise InputError(
                    f"{where}, column {column!r}: {fastq} is already used on line {first_line} "
                    f"(column {first_col!r}); each FASTQ belongs to one unit"
                )
            fastq_seen[key] = (line, column)
    with_units = set(units["sample_id"])
    for i, sample in enumerate(samples["sample_id"]):
        if sample not in with_units:
            raise InputError(
                f"{spath}: line {row_line(samples, i)}, column 'sample_id': "
                f"sample {sample!r} has no units in {upath}"
            )


def _sample_words(row: dict) -> str:
    """'PT01-normal' (normal DNA of patient 'PT01'), for messages about swapped samples."""
    role = {"tumor": "tumour", "normal": "normal"}.get(row["role"], row["role"])
    return f"{row['sample_id']!r} ({role} {row['assay'].upper()} of patient {row['patient_id']!r})"


def _check_readable_fastq(path: str, where: str) -> None:
    if not os.path.isfile(path):
        raise InputError(f"{where}: FASTQ {path} does not exist")
    try:
        with open(path, "rb") as fh:
            head = fh.read(2)
        if head == b"\x1f\x8b":
            with gzip.open(path, "rb") as fh:
                head = fh.read(1)
    except (OSError, EOFError) as exc:
        raise InputError(f"{where}: FASTQ {path} cannot be read ({exc})") from None
    if not head:  # the rest of each file is read by the early job fastq_check
        raise InputError(f"{where}: FASTQ {path} is empty (no reads)")
    if head[:1] != b"@":
        raise InputError(f"{where}: {path} is not a FASTQ file (it does not start with '@')")


def tumor_normal_pairs(samples: pd.DataFrame) -> list[Pair]:
    """Pair every tumour DNA sample with its patient's normal DNA sample, in sheet order.

    A patient needs exactly one normal DNA sample when it has a tumour DNA sample (tumour-only
    calling is not supported yet); several tumours of one patient share the normal.
    """
    path = samples.attrs.get("path", "samples")
    dna = samples[samples["assay"] == "dna"]
    normals: dict[str, list[str]] = {}
    for row in dna.itertuples(index=False):
        if row.role == "normal":
            normals.setdefault(row.patient_id, []).append(row.sample_id)
    pairs = []
    for i, row in enumerate(samples.itertuples(index=False)):
        if row.assay != "dna" or row.role != "tumor":
            continue
        found = normals.get(row.patient_id, [])
        where = f"{path}: line {row_line(samples, i)}, column 'patient_id'"
        if not found:
            raise InputError(
                f"{where}: tumour DNA sample {row.sample_id!r} of patient {row.patient_id!r} "
                "has no normal DNA sample (tumour-only calling is not supported yet)"
            )
        if len(found) > 1:
            raise InputError(
                f"{where}: patient {row.patient_id!r} has {len(found)} normal DNA samples "
                f"({', '.join(found)}); exactly one is needed to pair tumour {row.sample_id!r}"
            )
        for sample in (row.sample_id, found[0]):
            if PAIR_SEPARATOR in sample:
                raise InputError(
                    f"{path}: line {row_line(samples, _sheet_row(samples, sample))}, column "
                    f"'sample_id': {sample!r} contains {PAIR_SEPARATOR!r}, which separates "
                    f"the tumour and normal ids in a pair's file names "
                    f"(<tumour>{PAIR_SEPARATOR}<normal>); rename the sample"
                )
        pairs.append(Pair(row.patient_id, row.sample_id, found[0]))
    return pairs


def _sheet_row(samples: pd.DataFrame, sample: str) -> int:
    """The position (sheet order) of the sample's row."""
    return list(samples["sample_id"]).index(sample)
