"""Tumour/normal identity on the real kit with the normals of P1 and P2 swapped: both pairs
must fail the identity verdict, in the identity files and in the report's General Statistics."""

import csv
import json
import os
import subprocess
import sys

import pytest
from conftest import REPO, SNAKEMAKE

KIT = REPO.parent / "shared" / "conformance" / "brca-grch38-v1"


def swap_normals(units_tsv, a: str, b: str) -> None:
    with open(units_tsv) as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    reads = {r["sample_id"]: (r["fastq_1"], r["fastq_2"]) for r in rows}
    for r in rows:
        if r["sample_id"] in (a, b):
            r["fastq_1"], r["fastq_2"] = reads[b if r["sample_id"] == a else a]
    with open(units_tsv, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def drop_rna(config_dir) -> None:
    """RNA plays no part in identity; leaving it out keeps the test short."""
    for name in ("samples.tsv", "units.tsv"):
        path = config_dir / name
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(lines[:1] + [x for x in lines[1:] if not x.startswith("R")]))


@pytest.mark.skipif(not KIT.is_dir(), reason="the conformance kit is not at ../shared")
def test_swapped_normals_fail_identity(tmp_path):
    out = tmp_path / "swapped"
    prepared = subprocess.run(
        [sys.executable, str(REPO / "scripts/conformance_config.py"), str(KIT), str(out)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert prepared.returncode == 0, prepared.stderr
    swap_normals(out / "config/units.tsv", "P1_N", "P2_N")
    drop_rna(out / "config")
    env = dict(os.environ, PATH=f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}")
    run = subprocess.run(
        [str(SNAKEMAKE), "--snakefile", str(REPO / "Snakefile"), "--directory", str(out),
         "--configfile", str(out / "config.yaml"), "--cores", "2"],
        capture_output=True, text=True, timeout=1800, env=env,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    for patient in ("P1", "P2"):
        path = out / f"results/qc/identity/{patient}/{patient}_T_vs_{patient}_N.identity.json"
        identity = json.loads(path.read_text())
        assert identity["sites"] >= 20, identity
        assert identity["concordance"] < 0.5, identity
        assert identity["verdict"] == "fail"
    with open(out / "results/report/multiqc_data/multiqc_general_stats.txt") as fh:
        general = {r["Sample"]: r for r in csv.DictReader(fh, delimiter="\t")}
    for patient in ("P1", "P2"):
        assert general[f"{patient}_T_vs_{patient}_N"][
            "custom_content_concord_verdicts-verdict"
        ] == ("fail")
    for tumour in ("P1_T", "P2_T"):
        assert general[tumour]["custom_content_concord_verdicts-verdict"] == "fail"
        assert (
            "identity_concordance: fail"
            in general[tumour]["custom_content_concord_verdicts-reasons"]
        )
