"""The network's pooled database on three share bundles of the demo: the session's demo run
(centre DEMO) and two centres made from a copy of it, each with its own key (other pseudonyms),
its own consents, NORTH with an older ClinVar snapshot (a class changed, a variant dropped) and
SOUTH with a stricter coverage rule (brca.min_depth 100). Only the BRCA and share jobs run again
for them (--rerun-triggers mtime input); their VCF headers keep the demo's ##concordCentre, which
the pool does not read. The kit's bundle is checked by hand (docs/pooled-database.md)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
import yaml
from browser import visit
from concord.bundle import write_checksums
from concord.checksums import sha256_of
from concord.pool import PAUSE_ENV, connect
from concord.pool_query import run_query
from concord.pseudonym import pseudonym
from conftest import DEMO, REPO, SNAKEMAKE, TEST_KEY, Workdir

POOL = [sys.executable, str(REPO / "scripts" / "pool_bundles.py")]
BREAST, OVARIAN, CANCER = "MONDO:0007254", "MONDO:0008170", "MONDO:0004992"
KEYS = {"DEMO": TEST_KEY, "NORTH": "north-centre-key-" + "3c" * 20,
        "SOUTH": "south-centre-key-" + "9e" * 20}  # fmt: skip
# the consents of the derived centres: sample -> (share, permission, disease, modifiers)
CONSENTS = {
    "NORTH": {
        "PT01": ("yes", "DS", OVARIAN, "NPU"),
        "PT02": ("yes", "HMB", "", "CC"),
    },
    "SOUTH": {
        "PT01": ("yes", "NRES", "", ""),
        "PT02": ("yes", "DS", CANCER, "IRB,CC"),
    },
}
FRAMESHIFT = "a56c4b128a0eef3307a092c700bb9391:30521:T:TATCTG"  # PT01 germline, GENA
DROPPED = "a56c4b128a0eef3307a092c700bb9391:25959:T:A"  # PT01 germline, not in NORTH's ClinVar


def patient(centre: str, name: str) -> str:
    return pseudonym(KEYS[centre].encode(), "patient", name)


def old_clinvar(path: Path) -> Path:
    """The demo's ClinVar as an older snapshot: another release date, the frameshift 900011 a
    VUS, 900007 not yet in it."""
    lines = []
    for line in (DEMO / "annotation" / "clinvar.vcf").read_text().splitlines():
        if line.startswith("##fileDate="):
            line = "##fileDate=20240115"
        elif "\t900011\t" in line:
            line = line.replace("CLNSIG=Pathogenic", "CLNSIG=Uncertain_significance")
        elif "\t900007\t" in line:
            continue
        lines.append(line)
    path.write_text("\n".join(lines) + "\n")
    return path


def derive(run: Workdir, dest: Path, centre: str, clinvar: Path | None, min_depth: int) -> Path:
    """Another centre's bundle from a copy of the demo run: its key, consents, ClinVar and
    coverage rule; only the jobs those change run again."""
    shutil.copytree(run.path, dest, symlinks=True)
    key = dest / "centre.key"
    key.write_text(KEYS[centre] + "\n")
    key.chmod(0o600)
    config_path = dest / "config" / "config.yaml"
    config = yaml.safe_load(config_path.read_text())
    config["centre"] = centre
    config["share"]["key"] = str(key)
    config["samples"] = str(dest / "config" / "samples.tsv")
    config["units"] = str(dest / "config" / "units.tsv")
    config["brca"]["min_depth"] = min_depth
    if clinvar:
        config["annotation"]["clinvar"] = str(clinvar)
    config_path.write_text(yaml.safe_dump(config))
    lines = (dest / "config" / "samples.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    out = [lines[0]]
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t"), strict=True))
        share, permission, disease, modifiers = CONSENTS[centre][row["patient_id"]]
        row.update(consent_share=share, consent_permission=permission,
                   consent_disease=disease, consent_modifiers=modifiers)  # fmt: skip
        out.append("\t".join(row[h] for h in header))
    (dest / "config" / "samples.tsv").write_text("\n".join(out) + "\n")
    env = dict(os.environ, PATH=f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}")
    result = subprocess.run(
        [str(SNAKEMAKE), "--snakefile", str(REPO / "Snakefile"), "--directory", str(dest),
         "--configfile", str(config_path), "--cores", "2", "--rerun-triggers", "mtime", "input",
         "--forcerun", "brca_report", "share_bundle", "--", "results/share/SHA256SUMS"],
        capture_output=True, text=True, timeout=900, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return dest / "results" / "share"


@pytest.fixture(scope="module")
def bundles(run_two_threads, tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("pool-bundles")
    return {
        "DEMO": run_two_threads.path / "results" / "share",
        "NORTH": derive(run_two_threads, base / "north", "NORTH",
                        old_clinvar(base / "clinvar-2024.vcf"), 20),
        "SOUTH": derive(run_two_threads, base / "south", "SOUTH", None, 100),
    }  # fmt: skip


def make_pool(db: Path, *bundles: Path, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*POOL, "--db", str(db), *map(str, bundles)],
        capture_output=True, text=True, timeout=600, env=env,
    )  # fmt: skip


def content(db: Path) -> dict[str, list]:
    """Every table's rows, sorted (load times left out): what 'the database as it was' means."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = {}
        for (table,) in con.execute("SHOW TABLES").fetchall():
            columns = [c for c, *_ in con.execute(f"DESCRIBE {table}").fetchall()
                       if c not in ("loaded_at", "first_loaded")]  # fmt: skip
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall()
            found[table] = sorted(rows, key=repr)
        return found
    finally:
        con.close()


@pytest.fixture(scope="module")
def db(bundles, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pool") / "network.duckdb"
    result = make_pool(path, *bundles.values())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("loaded ") == 3, result.stdout
    print(result.stdout)
    return path


@pytest.fixture
def con(db):
    con = connect(db, read_only=True)
    yield con
    con.close()


def query(con, name: str, **params) -> list[dict]:
    columns, rows = run_query(con, name, params)
    return [dict(zip(columns, r, strict=True)) for r in rows]


def test_three_centres_under_their_own_pseudonyms(con):
    runs = con.execute("SELECT centre, concord_version, assembly FROM runs ORDER BY centre")
    assert [r[0] for r in runs.fetchall()] == ["DEMO", "NORTH", "SOUTH"]
    samples = con.execute("SELECT centre, count(*) FROM samples GROUP BY 1 ORDER BY 1").fetchall()
    assert samples == [("DEMO", 5), ("NORTH", 6), ("SOUTH", 6)]  # DEMO leaves PT02-tumor out
    patients = {r[0] for r in con.execute("SELECT DISTINCT patient FROM samples").fetchall()}
    assert patients == {patient(c, p) for c in KEYS for p in ("PT01", "PT02")}
    # every row says which run it came from
    for table in ("samples", "calls", "brca_findings", "exon_coverage", "expression"):
        orphans = con.execute(
            f"SELECT count(*) FROM {table} WHERE run_id NOT IN (SELECT run_id FROM runs)"
        ).fetchone()[0]
        assert orphans == 0, table
    keys = con.execute("SELECT count(*), count(DISTINCT variant_key) FROM variants").fetchone()
    assert keys[0] == keys[1] > 0


def test_carriers_of_each_variant_across_centres(con):
    carriers = {r["variant_key"]: r for r in query(con, "carriers")}
    frameshift = carriers[FRAMESHIFT]
    assert (frameshift["hgvs_c"], frameshift["consequence"]) == (
        "c.1049_1050insATCTG", "frameshift_variant",
    )  # fmt: skip
    # PT01's BRCA tables are in every bundle: three carriers (one per centre's pseudonym)
    assert (frameshift["germline_carriers"], frameshift["somatic_carriers"]) == (3, 0)
    assert (frameshift["centres"], frameshift["centre_list"]) == (3, "DEMO,NORTH,SOUTH")
    # PT02's only where PT02-tumor may be shared: NORTH and SOUTH
    genb = next(r for r in carriers.values() if r["hgvs_c"] == "c.1010_1011insCA")
    assert (genb["gene"], genb["germline_carriers"], genb["centre_list"]) == (
        "GENB", 2, "NORTH,SOUTH",
    )  # fmt: skip
    somatic = next(r for r in carriers.values() if r["hgvs_c"] == "c.361G>T")
    assert (somatic["somatic_carriers"], somatic["germline_carriers"]) == (3, 0)
    assert {r["gene"] for r in query(con, "carriers", genes="GENB")} == {"GENB"}


def test_clinvar_classes_that_differ_between_centres_with_their_snapshots(con):
    rows = query(con, "clinvar_discordance")
    frameshift = {r["centre"]: (r["clinvar_class"], r["clinvar_release"])
                  for r in rows if r["variant_key"] == FRAMESHIFT}  # fmt: skip
    assert frameshift == {
        "DEMO": ("Pathogenic", "20261123"),
        "NORTH": ("Uncertain_significance", "20240115"),
        "SOUTH": ("Pathogenic", "20261123"),
    }
    dropped = {r["centre"]: r["clinvar_class"] for r in rows if r["variant_key"] == DROPPED}
    assert dropped["NORTH"] == "not in ClinVar" and dropped["DEMO"] == "Likely_pathogenic"
    assert {r["variant_key"] for r in rows} == {FRAMESHIFT, DROPPED}


def test_expression_by_truncating_variant_status_per_centre(con):
    rows = {(r["centre"], r["gene"], r["status"]): r for r in query(con, "expression_by_status")}
    # PT01 carries a GENA frameshift, PT02 a GENB one; each RNA sample is in every bundle
    for centre in ("DEMO", "NORTH", "SOUTH"):
        assert rows[(centre, "GENA", "truncating carrier")]["samples"] == 1
        assert rows[(centre, "GENA", "other")]["samples"] == 1
    # PT02's BRCA table (and its GENB frameshift) is not in DEMO's bundle
    assert rows[("DEMO", "GENB", "other")]["samples"] == 2
    assert rows[("NORTH", "GENB", "truncating carrier")]["samples"] == 1
    network = rows[("all centres", "GENA", "truncating carrier")]
    assert network["samples"] == 3
    pt01 = con.execute(
        "SELECT tpm FROM expression WHERE centre = 'DEMO' AND patient = ? AND gene_name = 'GENA'",
        [patient("DEMO", "PT01")],
    ).fetchone()[0]
    assert network["median_tpm"] == round(pt01, 2)  # the same RNA at three centres


def test_which_samples_may_be_used_for_commercial_research_on_breast_cancer(con):
    rows = query(con, "permitted", aim="disease", disease=BREAST, commercial="yes")
    verdict = {(r["centre"], r["patient"], r["role"], r["assay"]): r["verdict"] for r in rows}
    by_patient = {}
    for (centre, name, _, _), v in verdict.items():
        by_patient.setdefault((centre, name), set()).add(v)
    expected = {
        ("DEMO", "PT01"): {"permitted"},  # GRU + PUB
        ("DEMO", "PT02"): {"not permitted"},  # DS breast cancer + NCU
        ("NORTH", "PT01"): {"not permitted"},  # DS ovarian cancer + NPU
        ("NORTH", "PT02"): {"permitted"},  # HMB + CC
        ("SOUTH", "PT01"): {"permitted"},  # NRES
        ("SOUTH", "PT02"): {"permitted"},  # DS cancer (breast cancer is one) + IRB
    }
    assert by_patient == {(c, patient(c, p)): v for (c, p), v in expected.items()}
    reasons = {r["reasons"] for r in rows if r["centre"] == "NORTH" and r["verdict"] != "permitted"}
    assert reasons == {f"DS: {BREAST} is not {OVARIAN} or a kind of it; NPU: not-for-profit "
                       "organisations only"}  # fmt: skip
    assert {r["conditions"] for r in rows if r["centre"] == "SOUTH" and r["consent_disease"]} == {
        "IRB"
    }


def test_patients_whose_panel_coverage_makes_absence_uninformative(con):
    rows = query(con, "insufficient_coverage")
    assert rows and {r["centre"] for r in rows} == {"SOUTH"}  # min_depth 100 there, 20 elsewhere
    assert {r["patient"] for r in rows} <= {patient("SOUTH", "PT01"), patient("SOUTH", "PT02")}
    first = rows[0]
    assert first["exons_failing"] > 0 and first["failing_exons"]
    assert first["meaning"].endswith("is not informative")


def test_a_bundle_with_one_changed_byte_is_refused_and_nothing_loaded(bundles, db, tmp_path):
    before = content(db)
    tampered = tmp_path / "tampered"
    shutil.copytree(bundles["SOUTH"], tampered)
    table = tampered / "expression" / "genes.tpm.tsv"
    data = bytearray(table.read_bytes())
    data[-3] = ord("7") if data[-3] != ord("7") else ord("8")
    table.write_bytes(bytes(data))
    fresh = tmp_path / "fresh.duckdb"
    for target in (db, fresh):
        result = make_pool(target, tampered)
        assert result.returncode != 0
        assert "REFUSED" in result.stdout
        assert "expression/genes.tpm.tsv: SHA-256 differs from SHA256SUMS" in result.stdout
    assert content(db) == before
    assert all(rows == [] for table, rows in content(fresh).items() if table != "disease_terms")


def test_loading_the_same_bundles_again_changes_nothing(bundles, db):
    before = content(db)
    result = make_pool(db, *bundles.values())
    assert result.returncode == 0 and result.stdout.count("unchanged ") == 3
    assert content(db) == before


def test_a_killed_load_leaves_the_database_as_it_was(bundles, db, tmp_path):
    copy = tmp_path / "copy.duckdb"
    first = make_pool(copy, bundles["DEMO"], bundles["NORTH"])
    assert first.returncode == 0
    before = content(copy)
    loader = subprocess.Popen(
        [*POOL, "--db", str(copy), str(bundles["SOUTH"])],
        stdout=subprocess.PIPE, text=True, env=dict(os.environ, **{PAUSE_ENV: "120"}),
    )  # fmt: skip
    line = loader.stdout.readline()
    assert line.startswith("paused in the transaction of R-"), line
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)
    assert content(copy) == before
    again = make_pool(copy, bundles["SOUTH"])
    assert again.returncode == 0 and "loaded " in again.stdout
    assert content(copy) == content(db)


def test_a_newer_run_of_a_centre_replaces_its_patients_and_an_older_one_is_refused(
    bundles, db, tmp_path
):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    # NORTH's next bundle: same key and patients, PT02 now under another consent form
    newer = tmp_path / "north-2"
    shutil.copytree(bundles["NORTH"], newer)
    edit_manifest(newer, lambda m: [s["data_use"].update(consent_version="v3")
                                    for s in m["samples"]])  # fmt: skip
    result = make_pool(copy, newer)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "replaces the rows of run(s)" in result.stdout
    con = duckdb.connect(str(copy), read_only=True)
    rows = con.execute(
        "SELECT DISTINCT run_id, consent_version FROM samples WHERE centre = 'NORTH'"
    ).fetchall()
    findings = con.execute(
        "SELECT count(DISTINCT run_id), count(*) FROM brca_findings WHERE centre = 'NORTH'"
    ).fetchone()
    old = con.execute("SELECT count(*) FROM runs WHERE centre = 'NORTH'").fetchone()[0]
    con.close()
    assert len(rows) == 1 and rows[0][1] == "v3"
    original = duckdb.connect(str(db), read_only=True)
    count = original.execute(
        "SELECT count(*) FROM brca_findings WHERE centre = 'NORTH'"
    ).fetchone()[0]
    original.close()
    assert findings == (1, count)  # replaced, not doubled
    assert old == 2  # the earlier run stays on record
    # a bundle made before the run already loaded for these patients is refused
    older = tmp_path / "north-0"
    shutil.copytree(bundles["NORTH"], older)
    edit_manifest(older, lambda m: m.update(created="2020-01-01"))
    refused = make_pool(copy, older)
    assert refused.returncode != 0 and "older than run" in refused.stdout


def edit_manifest(bundle: Path, change) -> None:
    """Change bundle.json and re-seal the bundle as its centre would."""
    manifest = json.loads((bundle / "bundle.json").read_text())
    change(manifest)
    (bundle / "bundle.json").write_text(json.dumps(manifest, indent=2))
    reseal(bundle, "bundle.json")


def reseal(bundle: Path, name: str) -> None:
    """After a change to one file: its RO-Crate entry and SHA256SUMS, so the bundle verifies."""
    crate = json.loads((bundle / "ro-crate-metadata.json").read_text())
    entry = next(e for e in crate["@graph"] if e["@id"] == name)
    entry["sha256"] = sha256_of(bundle / name)
    entry["contentSize"] = str((bundle / name).stat().st_size)
    (bundle / "ro-crate-metadata.json").write_text(json.dumps(crate, indent=2))
    write_checksums(bundle)


def test_bundles_the_database_cannot_take_are_refused_with_the_reason(bundles, db, tmp_path):
    before = content(db)

    def variant(name: str, change_file: str, change) -> Path:
        copy = tmp_path / name
        shutil.copytree(bundles["SOUTH"], copy)
        path = copy / change_file
        path.write_text(change(path.read_text()))
        reseal(copy, change_file)
        return copy

    major = variant(
        "major",
        "bundle.json",
        lambda t: t.replace('"concord_version": "0.', '"concord_version": "1.'),
    )
    reference = variant(
        "reference",
        "reference/genome.contigs.tsv",
        lambda t: t.replace("a56c4b128a0eef3307a092c700bb9391", "0" * 32),
    )
    consent = variant(
        "consent", "bundle.json", lambda t: t.replace('"DUO:0000004"', '"DUO:0000019"')
    )
    result = make_pool(db, major, reference, consent)
    assert result.returncode != 0 and result.stdout.count("REFUSED") == 3, result.stdout
    assert "concord 1.3.0 (major 1): this database holds concord 0.x results" in result.stdout
    assert "reference concord-demo-v1 is not the database's reference" in result.stdout
    assert "no DUO data use permission of the network's table" in result.stdout
    assert content(db) == before


def test_tables_export_to_parquet(db, tmp_path):
    out = tmp_path / "parquet"
    result = subprocess.run(
        [*POOL, "--db", str(db), "--export-parquet", str(out)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (out / "brca_findings.parquet").is_file()
    check = duckdb.connect()
    n = check.execute(f"SELECT count(*) FROM '{out / 'brca_findings.parquet'}'").fetchone()[0]
    assert (
        n
        == duckdb.connect(str(db), read_only=True)
        .execute("SELECT count(*) FROM brca_findings")
        .fetchone()[0]
    )


def test_the_summary_report_renders_in_a_real_browser(db, tmp_path):
    out = tmp_path / "report.html"
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "pool_report.py"), "--db", str(db), "--out",
         str(out)], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    page = visit(out, screenshot=tmp_path / "report.png")
    assert page.script_errors == [] and "<script" not in out.read_text()
    for heading in (
        "Centres",
        "Samples per consent class",
        "Panel variants",
        "Top recurrent variants",
        "Exon coverage verdicts",
        "Expression",
    ):
        assert heading in page.dom, heading  # fmt: skip
    assert page.dom.count("<svg") >= 5
    assert "c.1049_1050insATCTG" in page.dom
    assert not any(patient(c, p) in page.dom for c in KEYS for p in ("PT01", "PT02"))


def test_the_tumour_board_sheet_in_html_and_pdf(db, tmp_path):
    me = patient("NORTH", "PT01")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "tumour_board.py"), "--db", str(db),
         "--patient", me, "--out", str(tmp_path)], capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    html = tmp_path / f"{me}.tumour-board.html"
    pdf = html.with_suffix(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 5000
    page = visit(html)
    assert page.script_errors == []
    assert "c.1049_1050insATCTG" in page.dom and "Uncertain_significance" in page.dom
    assert "2 at 2 centre(s)" in page.dom  # the frameshift's other carriers
    # SOUTH's PT01 is NRES: named; DEMO's PT01 (GRU, no CC) is counted, never named
    assert patient("SOUTH", "PT01") in page.dom
    assert patient("DEMO", "PT01") not in page.dom
    assert "sufficient: absence is informative" in page.dom
    assert "percentile in the network" in page.dom
    south = patient("SOUTH", "PT02")
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "tumour_board.py"), "--db", str(db),
         "--patient", south, "--out", str(tmp_path), "--no-pdf"], check=True, timeout=300,
    )  # fmt: skip
    board = (tmp_path / f"{south}.tumour-board.html").read_text()
    assert "absence of germline variants is not informative" in board


def test_make_pool_and_make_query(bundles, tmp_path):
    db = tmp_path / "made.duckdb"
    made = subprocess.run(
        ["make", "-s", "pool", f"BUNDLES={bundles['DEMO']} {bundles['SOUTH']}", f"DB={db}"],
        cwd=REPO, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    start = time.perf_counter()
    asked = subprocess.run(
        ["make", "-s", "query", "NAME=permitted", f"DB={db}", "AIM=disease",
         f"DISEASE={BREAST}", "COMMERCIAL=yes"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    lines = asked.stdout.splitlines()
    assert lines[0].startswith("centre\tpatient\tsample") and len(lines) == 1 + 5 + 6
    assert time.perf_counter() - start < 120
    usage = subprocess.run(["make", "-s", "query"], cwd=REPO, capture_output=True, text=True)
    assert usage.returncode != 0 and "carriers|clinvar_discordance" in usage.stdout
