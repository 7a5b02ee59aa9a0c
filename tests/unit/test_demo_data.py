"""The committed demo dataset is exactly what its generator makes (fixed seed, fixed bytes)."""

import filecmp
import shutil
import subprocess

from concord.demo_data import generate
from conftest import DEMO


def test_generator_reproduces_committed_demo(tmp_path):
    generate(tmp_path)
    made = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(
        p.relative_to(DEMO) for p in DEMO.rglob("*") if p.is_file() and p.name != "README.md"
    )
    assert made == committed
    match, mismatch, errors = filecmp.cmpfiles(
        tmp_path, DEMO, [str(p) for p in made], shallow=False
    )
    assert mismatch == [] and errors == []


def test_designed_cds_translate_without_internal_stop(tmp_path):
    # gffread writes a .fai beside the FASTA it reads: give it a copy, not the committed file
    fasta = tmp_path / "demo.fa"
    shutil.copy(DEMO / "reference" / "demo.fa", fasta)
    protein = tmp_path / "protein.fa"
    gtf = DEMO / "annotation" / "demo.gtf"
    subprocess.run(
        ["gffread", "-y", str(protein), "-g", str(fasta), str(gtf)], check=True, capture_output=True
    )
    records = protein.read_text().split(">")[1:]
    proteins = {r.split("\n", 1)[0]: r.split("\n", 1)[1].replace("\n", "") for r in records}
    assert set(proteins) == {"GENA-201", "GENB-201", "GENC-201"}
    for name, seq in proteins.items():
        assert seq.startswith("M") and "." not in seq.rstrip("."), name
