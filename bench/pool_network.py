"""A synthetic network for the pooled database: N centres x M patients as share bundles, then
`make pool` on all of them and every ready-made query timed on the result.

.venv/bin/python bench/pool_network.py --centres 100 --patients 1000 --out /tmp/pool-bench

Each centre's bundle is a real concord-share 1 bundle, written with concord's own bundle writer
(tables with their sidecars, the RO-Crate, SHA256SUMS) and verified by the loader like any
other: per patient a BRCA1/BRCA2 variant table and exon-coverage table (tumour and normal, 50
exons), one RNA sample per patient in the gene matrices (20 genes), the samples' DUO consents
from a realistic mix. VCFs, the MAF and the cBioPortal study are left out (the queries do not
read them). Variants come from a network-wide pool with recurrent alleles; a fifth of the
centres annotate with an older ClinVar snapshot in which some classes differ.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from concord import __version__, paths  # noqa: E402
from concord.bundle import Bundle, consent_summary, write_checksums  # noqa: E402
from concord.bundle_crate import write_crate  # noqa: E402
from concord.checksums import sha256_of  # noqa: E402
from concord.consent import load_duo  # noqa: E402
from concord.pool import DISEASES, REPO, connect, load_bundle, refresh_diseases  # noqa: E402
from concord.pool_query import available, run_query  # noqa: E402
from concord.pseudonym import pseudonym  # noqa: E402

DUO = REPO.parent / "shared" / "vocab" / "duo.csv"
CONTIGS = "contig\tlength\tmd5\nchrS1\t50000000\t" + "1" * 32 + "\n"
GENES = {"BRCA1": ("NM_007294.4", 23, 1_000_000), "BRCA2": ("NM_000059.4", 27, 3_000_000)}
OTHER_GENES = [f"GENE{i:02d}" for i in range(18)]
CONSEQUENCES = [
    ("missense_variant", 30), ("synonymous_variant", 20), ("intron_variant", 25),
    ("frameshift_variant", 6), ("stop_gained", 4), ("splice_donor_variant", 2),
    ("splice_acceptor_variant", 1), ("3_prime_UTR_variant", 8), ("inframe_deletion", 4),
]  # fmt: skip
CLASSES = ["Pathogenic", "Likely_pathogenic", "Uncertain_significance", "Likely_benign", "Benign"]
CONSENTS = [  # (permission, disease, modifiers), weight
    (("GRU", "", ["PUB"]), 30), (("HMB", "", ["NCU"]), 20), (("HMB", "", ["CC"]), 10),
    (("DS", "MONDO:0007254", ["IRB"]), 15), (("DS", "MONDO:0008170", ["NPU"]), 10),
    (("DS", "MONDO:0004992", ["CC", "IRB"]), 5), (("NRES", "", []), 10),
]  # fmt: skip
TRUNCATING = {"frameshift_variant", "stop_gained", "splice_donor_variant",
              "splice_acceptor_variant"}  # fmt: skip


def variant_pool(seed: int, n: int = 3000) -> list[dict]:
    """The network's alleles, the first ones the most frequent (Zipf-like draws later)."""
    rng = random.Random(seed)
    names, weights = zip(*CONSEQUENCES, strict=True)
    pool = []
    for i in range(n):
        gene = "BRCA1" if i % 2 == 0 else "BRCA2"
        pos = GENES[gene][2] + rng.randrange(80_000)
        ref = rng.choice("ACGT")
        consequence = rng.choices(names, weights)[0]
        if consequence == "frameshift_variant":
            alt = ref + rng.choice(["A", "TG", "CCA"])
        elif consequence == "inframe_deletion":
            ref, alt = ref + "GCA", ref
        else:
            alt = rng.choice([b for b in "ACGT" if b != ref])
        pool.append(
            {
                "gene": gene,
                "transcript": GENES[gene][0],
                "chrom": "chrS1",
                "pos": pos,
                "ref": ref,
                "alt": alt,
                "hgvs_c": f"c.{pos - GENES[gene][2]}{ref}>{alt}",
                "consequence": consequence,
                "class": rng.choices(CLASSES, [10, 8, 40, 22, 20])[0],
                "old_class": None,
            }
        )
        if rng.random() < 0.08:  # reclassified since the older snapshot
            pool[-1]["old_class"] = rng.choice(CLASSES)
    return pool


def make_bundle(args: tuple) -> tuple[str, float]:
    centre_index, patients, out, seed = args
    start = time.perf_counter()
    rng = random.Random(seed * 1000 + centre_index)
    centre = f"C{centre_index:03d}"
    key = f"bench-key-{centre}-".encode() * 4
    pool = variant_pool(seed)
    old_snapshot = centre_index % 5 == 0
    root = Path(out) / centre
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    duo = load_duo(DUO)
    entries, tpm_rows = {}, {}
    ranks = [1 / (i + 1) for i in range(len(pool))]
    (root / "reference").mkdir()
    (root / "reference" / "genome.contigs.tsv").write_text(CONTIGS)
    identity = {
        "format": "concord-share",
        "format_version": "1",
        "centre": centre,
        "concord_version": __version__,
        "reference": {"assembly": "bench-v1", "contigs_sha256": sha256_of(
            root / "reference" / "genome.contigs.tsv")},
    }  # fmt: skip
    bundle = Bundle(root, identity, entries)
    names, weights = zip(*CONSENTS, strict=True)
    rna_names = []
    for n in range(patients):
        pid = pseudonym(key, "patient", f"{centre}-{n}")
        permission, disease, modifiers = rng.choices(names, weights)[0]
        use = {"permission": permission, "disease": disease, "modifiers": modifiers,
               "version": "v1"}  # fmt: skip
        data_use = {
            "permission": _term(duo, permission),
            "disease": disease,
            "disease_iri": "",
            "modifiers": [_term(duo, m) for m in modifiers],
            "consent_version": "v1",
            "summary": consent_summary(use, duo),
        }
        samples = {}
        for role, assay in (("tumor", "dna"), ("normal", "dna"), ("tumor", "rna")):
            sid = pseudonym(key, "sample", f"{centre}-{n}-{role}-{assay}")
            samples[(role, assay)] = sid
            entries[sid] = {"sample": sid, "patient": pid, "role": role, "assay": assay,
                            "tissue": "breast" if role == "tumor" else "blood",
                            "sex": "female", "tumor_content": "0.7" if role == "tumor" else "",
                            "data_use": data_use}  # fmt: skip
        rows, carried = [], set()
        for origin, count in (("germline", rng.randint(1, 5)), ("somatic", rng.randint(0, 6))):
            for v in rng.choices(pool, ranks, k=count):
                clinvar = v["old_class"] if old_snapshot and v["old_class"] else v["class"]
                if v["consequence"] in TRUNCATING:
                    carried.add(v["gene"])
                rows.append(
                    [pid, origin, v["chrom"], str(v["pos"]), v["ref"], v["alt"], v["gene"],
                     v["transcript"], v["hgvs_c"], "", v["consequence"], "", "", clinvar,
                     "criteria provided, single submitter", str(v["pos"]),
                     f"{rng.uniform(0.05, 0.6):.3f}", str(rng.randint(30, 200)),
                     "0.500" if origin == "germline" else "0.000", str(rng.randint(20, 100)),
                     "20240115" if old_snapshot else "20261123"]
                )  # fmt: skip
        header = ["patient", "origin", "chrom", "pos", "ref", "alt", "gene", "transcript",
                  "hgvs_c", "hgvs_p", "consequence", "exon", "intron", "clinvar_significance",
                  "clinvar_review_status", "clinvar_variation_id", "tumor_vaf", "tumor_depth",
                  "normal_vaf", "normal_depth", "clinvar_release"]  # fmt: skip
        held = [samples[("tumor", "dna")], samples[("normal", "dna")]]
        bundle.write_table(paths.BUNDLE["brca_variants"].format(patient=pid), "brca_variants",
                           "BRCA1/2 variants", held, _tsv(header, rows))  # fmt: skip
        cov = []
        for role in ("tumor", "normal"):
            for gene, (transcript, exons, start_pos) in GENES.items():
                for e in range(1, exons + 1):
                    frac = 1.0 if rng.random() > 0.01 else rng.uniform(0.5, 0.94)
                    cov.append([samples[(role, "dna")], role, gene, transcript, f"{e}/{exons}",
                                "chrS1", str(start_pos + e * 1000), str(start_pos + e * 1000 + 200),
                                "201", f"{frac:.4f}", f"{frac * 0.9:.4f}", f"{frac * 0.5:.4f}",
                                "pass" if frac >= 0.95 else "fail"])  # fmt: skip
        cov_header = ["sample", "role", "gene", "transcript", "exon", "chrom", "start",
                      "end", "length", "frac_ge_20x", "frac_ge_50x", "frac_ge_100x",
                      "verdict"]  # fmt: skip
        bundle.write_table(paths.BUNDLE["brca_coverage"].format(patient=pid), "brca_coverage",
                           "exon coverage", held, _tsv(cov_header, cov))  # fmt: skip
        rna = samples[("tumor", "rna")]
        rna_names.append(rna)
        for gene in [*GENES, *OTHER_GENES]:
            level = rng.lognormvariate(3.5, 0.8) * (0.5 if gene in carried else 1.0)
            tpm_rows.setdefault(gene, []).append(level)
    for matrix, scale in (("genes.tpm", 1.0), ("genes.counts", 20.0)):
        lines = ["gene_id\tgene_name\t" + "\t".join(rna_names)]
        for gene, values in tpm_rows.items():
            lines.append(f"{gene}\t{gene}\t" + "\t".join(f"{v * scale:.4f}" for v in values))
        bundle.write_table(paths.BUNDLE["expression"].format(name=matrix), "expression_matrix",
                           matrix, rna_names, "\n".join(lines) + "\n")  # fmt: skip
    qc = ["sample\tverdict"] + [f"{s}\tpass" for s in rna_names]
    bundle.write_table(paths.BUNDLE["expression_qc"], "expression_qc", "expression QC",
                       rna_names, "\n".join(qc) + "\n")  # fmt: skip
    versions = "tool\tversion\tgroup\tenvironment\nsnakemake\t9.27.1\tworkflow\tsnakemake\n"
    bundle.write_table(paths.BUNDLE["contigs"], "reference_contigs", "contigs", [], CONTIGS)
    bundle.write_table(paths.BUNDLE["versions"], "software_versions", "versions", [], versions)
    shutil.copyfile(REPO / "Snakefile", bundle.target("workflow/Snakefile"))
    bundle.add("workflow/Snakefile", "workflow", "concord workflow", [], "text/plain")
    created = "2026-11-30"
    manifest = {**identity, "created": created, "cbioportal_study": None,
                "samples": list(entries.values()), "samples_without_sharing_consent": 0,
                "conformance": None,
                "files": [{"path": f.path, "kind": f.kind, "samples": f.samples}
                          for f in bundle.files]}  # fmt: skip
    bundle.add("SHA256SUMS", "checksums", "SHA-256 of every other file", [], "text/plain")
    (root / "bundle.json").write_text(json.dumps(manifest))
    bundle.add("bundle.json", "manifest", "What the bundle holds", [], "application/json")
    write_crate(bundle, [], {"centre": centre, "excluded": []}, created, [])
    write_checksums(root)
    return centre, time.perf_counter() - start


def _term(duo, code: str) -> dict:
    t = duo[code]
    return {"id": t.id, "shorthand": t.shorthand, "label": t.label, "iri": t.iri}


def _tsv(header: list[str], rows: list[list[str]]) -> str:
    return "\n".join(["\t".join(header), *("\t".join(r) for r in rows)]) + "\n"


def main(centres: int, patients: int, out: str, seed: int, workers: int) -> None:
    out_dir = Path(out)
    bundles_dir = out_dir / "bundles"
    db = out_dir / "network.duckdb"
    start = time.perf_counter()
    jobs = [(i, patients, bundles_dir, seed) for i in range(1, centres + 1)]
    with ProcessPoolExecutor(workers) as executor:
        made = list(executor.map(make_bundle, jobs))
    print(f"generated {centres} bundles x {patients} patients in "
          f"{time.perf_counter() - start:.0f} s ({statistics.median(t for _, t in made):.1f} s "
          "each, median)")  # fmt: skip
    db.unlink(missing_ok=True)
    con = connect(db)
    refresh_diseases(con, DISEASES)
    duo = load_duo(DUO)
    load_times = []
    for centre, _ in made:
        t0 = time.perf_counter()
        outcome = load_bundle(con, bundles_dir / centre, duo)
        load_times.append(time.perf_counter() - t0)
        assert outcome == "loaded", centre
    con.execute("CHECKPOINT")
    con.close()
    print(f"loaded {len(made)} bundles: median {statistics.median(load_times):.2f} s per bundle, "
          f"max {max(load_times):.2f} s, total {sum(load_times):.0f} s")  # fmt: skip
    size = db.stat().st_size
    print(f"database {db}: {size / 2**20:.1f} MiB")
    con = connect(db, read_only=True)
    tables = ("samples", "brca_findings", "exon_coverage", "expression", "variants")
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    params = {
        "permitted": {"aim": "disease", "disease": "MONDO:0007254", "commercial": "yes"},
    }
    for name in available():
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            _, rows = run_query(con, name, params.get(name, {}))
            times.append(time.perf_counter() - t0)
        print(f"query {name}: {len(rows):,} rows, {statistics.median(times) * 1000:.0f} ms "
              "(median of 3)")  # fmt: skip
    con.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centres", type=int, default=100)
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--workers", type=int, default=2)
    a = parser.parse_args()
    main(a.centres, a.patients, a.out, a.seed, a.workers)
