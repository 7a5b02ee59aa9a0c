"""The network's pooled database: share bundles of many centres in one DuckDB file.

Each bundle is verified before anything of it is read into the database (its SHA256SUMS, its
RO-Crate and each file's tags, as `make verify-bundle` checks them; the bundle format; concord's
major version and the reference against the database's; every sample's consent against the
network's DUO table) and loaded in one transaction. The same bundle twice changes nothing; a
newer bundle of the same centre replaces that centre's rows of the patients it holds. Schema:
sql/schema.sql, docs/pooled-database.md.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa

from concord import paths
from concord.bundle_verify import verify_bundle
from concord.consent import DS, load_duo

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "sql" / "schema.sql"
DISEASES = REPO / "resources" / "pool" / "diseases.tsv"
SCHEMA_VERSION = "1"
BUNDLE_FORMATS = {("concord-share", "1")}
# a test reaches in here to kill a load half-way (tests/workflow/test_pool_run.py)
PAUSE_ENV = "CONCORD_POOL_TEST_PAUSE"
# the tables that hold a run's rows, cleared per (centre, patient) when a newer run replaces them
PATIENT_TABLES = ("samples", "calls", "brca_findings", "exon_coverage", "expression")


class BundleRefused(Exception):
    """A bundle that may not enter the database; nothing of it was loaded."""


@dataclass
class Loaded:
    """What one bundle brought: its run and the rows per table."""

    run: dict
    centre: str
    patients: set[str]
    created: date
    rows: dict[str, list[dict]] = field(default_factory=dict)
    coverage_files: list[str] = field(default_factory=list)  # read by DuckDB itself (many rows)
    sample_patients: dict[str, str] = field(default_factory=dict)


# --- variants -------------------------------------------------------------------------------


def normalize_allele(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Trim an allele as concord's VCF spec writes it: no shared last base, and a shared first
    base only as the single anchor of an indel. (Left-alignment needs the reference; the
    bundle's VCFs and tables are left-aligned already, the spec validator checked them.)"""
    ref, alt = ref.upper(), alt.upper()
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def variant_key(contig_md5: str, pos: int, ref: str, alt: str) -> str:
    """One key per allele, whatever the contig is called: '<contig md5>:<pos>:<ref>:<alt>'."""
    pos, ref, alt = normalize_allele(pos, ref, alt)
    return f"{contig_md5}:{pos}:{ref}:{alt}"


def vartype(ref: str, alt: str) -> str:
    if len(ref) == len(alt):
        return "SNV" if len(ref) == 1 else "MNV"
    if ref[0] == alt[0] and len(ref) == 1:
        return "INS"
    if ref[0] == alt[0] and len(alt) == 1:
        return "DEL"
    return "DELINS"


# --- reading a bundle -----------------------------------------------------------------------


def read_tsv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _float(value: str | None):
    return float(value) if value not in (None, "", ".") else None


def _int(value: str | None):
    return int(float(value)) if value not in (None, "", ".") else None


def bundle_run_id(root: Path) -> str:
    """The run's identity in the database: the SHA-256 of the bundle's SHA256SUMS (which
    covers every file of it), so the same bundle is the same run wherever it was copied."""
    digest = hashlib.sha256((root / paths.BUNDLE["checksums"]).read_bytes()).hexdigest()
    return f"R-{digest[:16]}"


def concord_major(version: str) -> str:
    return version.split(".")[0]


def reference_signature(contigs: list[dict[str, str]]) -> str:
    """The reference as the database compares it: every contig's MD5 and length, sorted, so
    the same sequences named otherwise ('17' against 'chr17') are the same reference."""
    return ",".join(sorted(f"{c['md5'].lower()}:{c['length']}" for c in contigs))


def check_consent(sample: dict, duo) -> list[str]:
    """The sample's data use, checked against the network's DUO table."""
    use = sample.get("data_use") or {}
    name = sample.get("sample", "?")
    problems = []
    permission = duo.get((use.get("permission") or {}).get("id", ""))
    if permission is None or permission.kind != "permission":
        problems.append(f"sample {name}: no DUO data use permission of the network's table")
    elif permission.id == DS and not use.get("disease"):
        problems.append(f"sample {name}: DS without a disease")
    for m in use.get("modifiers", []):
        term = duo.get(m.get("id", ""))
        if term is None or term.kind != "modifier":
            problems.append(f"sample {name}: modifier {m.get('id')!r} is not a DUO modifier")
    if not use.get("consent_version"):
        problems.append(f"sample {name}: no consent form version")
    return problems


def read_bundle(root: Path, duo, source: str) -> Loaded:
    """Everything the database takes from one verified bundle, as rows; raises BundleRefused."""
    manifest = json.loads((root / paths.BUNDLE["manifest"]).read_text())
    fmt = (manifest.get("format"), manifest.get("format_version"))
    if fmt not in BUNDLE_FORMATS:
        raise BundleRefused(f"bundle format {fmt[0]} {fmt[1]} is not one this database loads")
    problems = [p for s in manifest["samples"] for p in check_consent(s, duo)]
    if not manifest["samples"]:
        problems.append("the bundle holds no sample")
    if problems:
        raise BundleRefused("consent terms missing or unknown: " + "; ".join(problems))
    centre = manifest["centre"]
    run_id = bundle_run_id(root)
    contigs = read_tsv(root / paths.BUNDLE["contigs"])
    md5_of = {c["contig"]: c["md5"].lower() for c in contigs}
    samples = {s["sample"]: s for s in manifest["samples"]}
    patient_of = {s["sample"]: s["patient"] for s in manifest["samples"]}
    rows: dict[str, list[dict]] = {
        t: [] for t in (*PATIENT_TABLES, "variants") if t != "exon_coverage"
    }
    base = {"run_id": run_id, "centre": centre}

    for s in manifest["samples"]:
        use = s["data_use"]
        rows["samples"].append(
            {
                **base,
                "patient": s["patient"],
                "sample": s["sample"],
                "role": s.get("role") or None,
                "assay": s.get("assay") or None,
                "tissue": s.get("tissue") or None,
                "sex": s.get("sex") or None,
                "tumor_content": _float(s.get("tumor_content")),
                "permission": duo[use["permission"]["id"]].shorthand,
                "permission_id": use["permission"]["id"],
                "disease": use.get("disease") or None,
                "modifiers": [duo[m["id"]].shorthand for m in use.get("modifiers", [])],
                "modifier_ids": [m["id"] for m in use.get("modifiers", [])],
                "consent_version": use["consent_version"],
            }
        )

    variants: dict[str, dict] = {}

    def key_of(contig: str, pos: int, ref: str, alt: str) -> str:
        if contig not in md5_of:
            raise BundleRefused(f"contig {contig} is not in reference/genome.contigs.tsv")
        key = variant_key(md5_of[contig], pos, ref, alt)
        if key not in variants:
            npos, nref, nalt = normalize_allele(pos, ref, alt)
            variants[key] = {
                "variant_key": key,
                "contig_md5": md5_of[contig],
                "pos": npos,
                "ref": nref,
                "alt": nalt,
                "vartype": vartype(nref, nalt),
            }
        return key

    files = manifest.get("files", [])
    coverage_files: list[str] = []
    matrices: dict[str, Path] = {}
    qc: dict[str, str] = {}
    for f in files:
        path = root / f["path"]
        kind = f["kind"]
        if kind in ("somatic_vcf", "germline_vcf"):
            origin = kind.removesuffix("_vcf")
            for call in vcf_pass_calls(path, origin):
                rows["calls"].append(
                    {
                        **base,
                        "patient": call["patient"],
                        "sample": call["sample"],
                        "origin": origin,
                        "variant_key": key_of(call["contig"], call["pos"], call["ref"],
                                              call["alt"]),
                        "contig": call["contig"],
                        "pos": call["pos"],
                        "tumor_vaf": call["tumor_vaf"],
                        "tumor_depth": call["tumor_depth"],
                        "normal_vaf": call["normal_vaf"],
                        "normal_depth": call["normal_depth"],
                    }
                )  # fmt: skip
        elif kind == "brca_variants":
            for r in read_tsv(path):
                pos = int(r["pos"])
                rows["brca_findings"].append(
                    {
                        **base,
                        "patient": r["patient"],
                        "origin": r["origin"],
                        "variant_key": key_of(r["chrom"], pos, r["ref"], r["alt"]),
                        "contig": r["chrom"],
                        "pos": pos,
                        "ref": r["ref"],
                        "alt": r["alt"],
                        **{
                            k: r.get(k) or None
                            for k in (
                                "gene",
                                "transcript",
                                "hgvs_c",
                                "hgvs_p",
                                "consequence",
                                "exon",
                                "intron",
                                "clinvar_significance",
                                "clinvar_review_status",
                                "clinvar_variation_id",
                                "clinvar_release",
                            )
                        },  # fmt: skip
                        "tumor_vaf": _float(r.get("tumor_vaf")),
                        "tumor_depth": _int(r.get("tumor_depth")),
                        "normal_vaf": _float(r.get("normal_vaf")),
                        "normal_depth": _int(r.get("normal_depth")),
                    }
                )
        elif kind == "brca_coverage":
            coverage_files.append(str(path))
        elif kind == "expression_matrix":
            matrices[Path(f["path"]).name] = path
        elif kind == "expression_qc":
            qc = {r["sample"]: r["verdict"] for r in read_tsv(path)}
    rows["expression"] = expression_rows(matrices, qc, patient_of, base)
    unknown = {r["sample"] for r in rows["expression"]} - set(samples)
    if unknown:
        raise BundleRefused(f"expression of samples bundle.json does not list: {sorted(unknown)}")
    rows["variants"] = list(variants.values())

    versions = read_tsv(root / paths.BUNDLE["versions"])
    conformance = manifest.get("conformance") or {}
    run = {
        "run_id": run_id,
        "centre": centre,
        "created": date.fromisoformat(manifest["created"]),
        "concord_version": manifest["concord_version"],
        "bundle_format": f"{fmt[0]} {fmt[1]}",
        "assembly": manifest["reference"]["assembly"],
        "contigs_sha256": manifest["reference"]["contigs_sha256"],
        "toolchain": "; ".join(f"{v['tool']} {v['version']}" for v in versions),
        "certificate_verdict": conformance.get("verdict"),
        "certificate_kit": conformance.get("kit"),
        "samples_without_sharing_consent": manifest.get("samples_without_sharing_consent"),
        "source": source,
    }
    sums = (root / paths.BUNDLE["checksums"]).read_text().splitlines()
    kinds = {f["path"]: f["kind"] for f in files}
    rows["provenance"] = [
        {
            "run_id": run_id,
            "path": name,
            "kind": kinds.get(name, "checksums" if name == "SHA256SUMS" else "other"),
            "sha256": digest,
            "size": (root / name).stat().st_size,
        }
        for digest, name in (line.split("  ", 1) for line in sums)
    ]
    rows["run_tools"] = [
        {"run_id": run_id, "tool": v["tool"], "version": v["version"]} for v in versions
    ]
    rows["contigs"] = [
        {"contig_md5": c["md5"].lower(), "length": int(c["length"]), "contig": c["contig"],
         "run_id": run_id}
        for c in contigs
    ]  # fmt: skip
    loaded = Loaded(run, centre, set(patient_of.values()), run["created"], rows, coverage_files)
    loaded.sample_patients = patient_of
    loaded.run["reference_signature"] = reference_signature(contigs)
    loaded.run["concord_major"] = concord_major(manifest["concord_version"])
    return loaded


def vcf_pass_calls(path: Path, origin: str):
    """The FILTER=PASS records of a shared concord VCF, with the sample and patient pseudonyms
    of its ##SAMPLE lines and the fractions and depths of its columns."""
    columns: dict[str, dict[str, str]] = {}
    header: list[str] = []
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.startswith("##SAMPLE=<"):
                fields = dict(
                    part.split("=", 1) for part in _split_header(line.strip()[10:-1]) if "=" in part
                )
                columns[fields["ID"]] = fields
                continue
            if line.startswith("#CHROM"):
                header = line.rstrip("\n").split("\t")
                continue
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            if f[6] != "PASS":
                continue
            fmt = f[8].split(":")
            values = {
                header[i]: dict(zip(fmt, f[i].split(":"), strict=False)) for i in range(9, len(f))
            }
            owner = "TUMOR" if origin == "somatic" else "NORMAL"
            tumor, normal = values.get("TUMOR", {}), values.get("NORMAL", {})
            yield {
                "contig": f[0],
                "pos": int(f[1]),
                "ref": f[3],
                "alt": f[4],
                "sample": columns[owner]["SampleName"],
                "patient": columns[owner]["Individual"],
                "tumor_vaf": _float(tumor.get("AF")),
                "tumor_depth": _int(tumor.get("DP")),
                "normal_vaf": _float(normal.get("AF")),
                "normal_depth": _int(normal.get("DP")),
            }


def _split_header(text: str) -> list[str]:
    """Split 'A=1,B="x,y",C=2' at commas outside quotes."""
    parts, current, quoted = [], "", False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif ch == "," and not quoted:
            parts.append(current)
            current = ""
            continue
        current += ch
    parts.append(current)
    return parts


def expression_rows(matrices: dict[str, Path], qc: dict[str, str], patient_of, base) -> list:
    """Gene-level TPM and fragment counts, one row per sample and gene."""
    if "genes.tpm.tsv" not in matrices:
        return []
    counts: dict[tuple[str, str], float | None] = {}
    if "genes.counts.tsv" in matrices:
        for r in read_tsv(matrices["genes.counts.tsv"]):
            for column, value in r.items():
                if column not in ("gene_id", "gene_name"):
                    counts[(r["gene_id"], column)] = _float(value)
    out = []
    for r in read_tsv(matrices["genes.tpm.tsv"]):
        for column, value in r.items():
            if column in ("gene_id", "gene_name"):
                continue
            out.append(
                {
                    **base,
                    "patient": patient_of.get(column),
                    "sample": column,
                    "gene_id": r["gene_id"],
                    "gene_name": r["gene_name"],
                    "tpm": _float(value),
                    "count": counts.get((r["gene_id"], column)),
                    "qc_verdict": qc.get(column),
                }
            )
    return out


# --- the database ---------------------------------------------------------------------------


def connect(db: str | Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(db), read_only=read_only)
    if not read_only:
        con.execute(SCHEMA.read_text())
    return con


def meta(con, key: str) -> str | None:
    row = con.execute("SELECT value FROM pool_meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def insert_rows(con, table: str, rows: list[dict]) -> None:
    """Insert dicts into a table through an Arrow table (one statement per table)."""
    if not rows:
        return
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {table}").fetchall()}
    data = {}
    for c in types:
        values = [r.get(c) for r in rows]
        kind = types[c]
        if kind == "VARCHAR[]":
            data[c] = pa.array(values, type=pa.list_(pa.string()))
        elif kind in ("BIGINT", "INTEGER"):
            data[c] = pa.array(values, type=pa.int64())
        elif kind == "DOUBLE":
            data[c] = pa.array(values, type=pa.float64())
        elif kind == "DATE":
            data[c] = pa.array(values, type=pa.date32())
        elif kind == "TIMESTAMP":
            data[c] = pa.array(values, type=pa.timestamp("us"))
        else:
            data[c] = pa.array([None if v is None else str(v) for v in values], type=pa.string())
    con.register("incoming_rows", pa.table(data))
    try:
        con.execute(f"INSERT INTO {table} SELECT * FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")


def refresh_diseases(con, diseases: Path) -> None:
    lines = [x for x in diseases.read_text().splitlines() if x and not x.startswith("#")]
    rows = [dict(zip(lines[0].split("\t"), x.split("\t"), strict=False)) for x in lines[1:]]
    con.execute("DELETE FROM disease_terms")
    insert_rows(
        con,
        "disease_terms",
        [{"term": r["term"], "label": r["label"], "parent": r.get("parent") or None}
         for r in rows],
    )  # fmt: skip


def load_bundle(con, root: Path, duo, log=sys.stdout) -> str:
    """Verify and load one bundle in one transaction; 'loaded', 'unchanged' or raises
    BundleRefused (the database is then as it was)."""
    root = Path(root)
    if not (root / paths.BUNDLE["manifest"]).is_file():
        raise BundleRefused("not a concord share bundle (bundle.json is missing)")
    problems, _ = verify_bundle(root)
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BundleRefused(f"the bundle does not verify: {shown}{more}")
    run_id = bundle_run_id(root)
    if con.execute("SELECT 1 FROM runs WHERE run_id = ?", [run_id]).fetchone():
        return "unchanged"
    loaded = read_bundle(root, duo, str(root.resolve()))
    run = loaded.run
    major, signature = meta(con, "concord_major"), meta(con, "reference_contigs")
    if major is not None and major != run["concord_major"]:
        raise BundleRefused(
            f"concord {run['concord_version']} (major {run['concord_major']}): this database "
            f"holds concord {major}.x results"
        )
    if signature is not None and signature != run["reference_signature"]:
        assembly = meta(con, "reference_assembly")
        raise BundleRefused(
            f"reference {run['assembly']} is not the database's reference ({assembly}): "
            "contig MD5s or lengths differ"
        )
    placeholders = ",".join("?" * len(loaded.patients))
    newer = con.execute(
        f"""SELECT DISTINCT r.run_id, r.created FROM runs r JOIN samples s USING (run_id)
        WHERE s.centre = ? AND s.patient IN ({placeholders}) AND r.created > ?""",
        [loaded.centre, *sorted(loaded.patients), loaded.created],
    ).fetchall()
    if newer:
        raise BundleRefused(
            f"older than run {newer[0][0]} of centre {loaded.centre} (made {newer[0][1]}), "
            "already loaded for the same patients"
        )
    con.execute("BEGIN TRANSACTION")
    try:
        replaced = {
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT run_id FROM samples WHERE centre = ? AND patient IN "
                f"({placeholders})",
                [loaded.centre, *sorted(loaded.patients)],
            ).fetchall()
        }
        for table in PATIENT_TABLES:
            con.execute(
                f"DELETE FROM {table} WHERE centre = ? AND patient IN ({placeholders})",
                [loaded.centre, *sorted(loaded.patients)],
            )
        if major is None:
            insert_rows(
                con,
                "pool_meta",
                [
                    {"key": "schema_version", "value": SCHEMA_VERSION},
                    {"key": "concord_major", "value": run["concord_major"]},
                    {"key": "reference_contigs", "value": run["reference_signature"]},
                    {"key": "reference_assembly", "value": run["assembly"]},
                ],
            )
        if not con.execute("SELECT 1 FROM centres WHERE centre = ?", [loaded.centre]).fetchone():
            con.execute("INSERT INTO centres VALUES (?, current_timestamp)", [loaded.centre])
        con.execute(
            "INSERT INTO runs SELECT ?, ?, ?, current_timestamp, ?, ?, ?, ?, ?, ?, ?, ?, ?",
            [run[k] for k in (
                "run_id", "centre", "created", "concord_version", "bundle_format", "assembly",
                "contigs_sha256", "toolchain", "certificate_verdict", "certificate_kit",
                "samples_without_sharing_consent", "source",
            )],
        )  # fmt: skip
        insert_coverage(con, loaded)
        for n, (table, rows) in enumerate(loaded.rows.items()):
            if table == "variants":
                insert_new_variants(con, rows)
            else:
                insert_rows(con, table, rows)
            if n == 2 and os.environ.get(PAUSE_ENV):
                print(f"paused in the transaction of {run_id}", file=log, flush=True)
                time.sleep(float(os.environ[PAUSE_ENV]))
        con.execute("COMMIT")
    except duckdb.Error as error:
        con.execute("ROLLBACK")
        raise BundleRefused(f"its tables could not be read: {error}") from error
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if replaced:
        print(
            f"{run_id}: replaces the rows of run(s) {', '.join(sorted(replaced))} for "
            f"{len(loaded.patients)} patient(s) of centre {loaded.centre}",
            file=log,
        )
    return "loaded"


def insert_coverage(con, loaded: Loaded) -> None:
    """The exon-coverage tables (the bundle's most rows), read by DuckDB in one pass, and the
    run's panel: the transcripts they cover."""
    run_id = loaded.run["run_id"]
    if loaded.coverage_files:
        patients = loaded.sample_patients
        con.register(
            "sample_patients",
            pa.table({"sample": list(patients), "patient": list(patients.values())}),
        )
        try:
            con.execute(
                """INSERT INTO exon_coverage
                SELECT ?, ?, p.patient, c.sample, c.role, c.gene, c.transcript, c.exon, c.chrom,
                    CAST(c.start AS BIGINT), CAST(c."end" AS BIGINT),
                    CAST(c.frac_ge_20x AS DOUBLE), CAST(c.frac_ge_50x AS DOUBLE),
                    CAST(c.frac_ge_100x AS DOUBLE), c.verdict
                FROM read_csv(?, delim = '\t', header = true, all_varchar = true,
                    quote = '', escape = '') AS c
                LEFT JOIN sample_patients AS p USING (sample)""",
                [run_id, loaded.centre, loaded.coverage_files],
            )
        finally:
            con.unregister("sample_patients")
        unknown = con.execute(
            "SELECT count(*) FROM exon_coverage WHERE run_id = ? AND patient IS NULL", [run_id]
        ).fetchone()[0]
        if unknown:
            raise BundleRefused("exon coverage of samples bundle.json does not list")
    con.execute(
        """INSERT INTO run_panel SELECT DISTINCT run_id, gene, transcript FROM exon_coverage
        WHERE run_id = ? ORDER BY gene, transcript""",
        [run_id],
    )


def insert_new_variants(con, rows: list[dict]) -> None:
    if not rows:
        return
    con.execute("CREATE TEMP TABLE IF NOT EXISTS new_variants AS SELECT * FROM variants LIMIT 0")
    con.execute("DELETE FROM new_variants")
    insert_rows(con, "new_variants", rows)
    con.execute(
        "INSERT INTO variants SELECT n.* FROM new_variants n "
        "WHERE NOT EXISTS (SELECT 1 FROM variants v WHERE v.variant_key = n.variant_key)"
    )


def pool(bundles: list[str], db: str, duo_path: str, log=sys.stdout) -> int:
    """Load every bundle; print per bundle what happened and how long it took. The number of
    bundles refused is returned (make pool exits non-zero when any was)."""
    duo = load_duo(duo_path)
    con = connect(db)
    refused = 0
    try:
        refresh_diseases(con, DISEASES)
        for bundle in bundles:
            start = time.perf_counter()
            try:
                outcome = load_bundle(con, Path(bundle), duo, log)
            except BundleRefused as error:
                refused += 1
                print(f"REFUSED {bundle}: {error} (nothing of it was loaded)", file=log)
                continue
            run_id = bundle_run_id(Path(bundle))
            seconds = time.perf_counter() - start
            print(f"{outcome} {bundle} as run {run_id} in {seconds:.2f} s", file=log)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return refused


def export_parquet(db: str, out: str) -> None:
    """Every table as a Parquet file in `out` (DuckDB's EXPORT DATABASE)."""
    con = connect(db, read_only=True)
    try:
        con.execute(f"EXPORT DATABASE '{Path(out).resolve()}' (FORMAT parquet)")
    finally:
        con.close()
