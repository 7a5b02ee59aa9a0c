"""Annotate any VCF on the configured reference and panel (HGVS, consequence, ClinVar).

    python scripts/annotate_vcf.py --config config.yaml --vcf calls.vcf.gz --out calls.tsv \
        [--processes N]
(`make annotate CONFIG=... VCF=... OUT=...` runs this.) --processes: worker processes (default:
the CPUs this process may use); the table is the same for any number.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml  # noqa: E402
from concord.brca import ANNOTATION_COLUMNS, annotate_vcf, write_tsv  # noqa: E402
from concord.config import validate_config  # noqa: E402
from concord.errors import InputError  # noqa: E402
from concord.panel import load_panel  # noqa: E402
from concord.samplesheet import load_schema  # noqa: E402

SCHEMA = Path(__file__).resolve().parents[1] / "rules" / "schemas" / "config.schema.yaml"


def main(config_path: str, vcf: str, out: str, processes: int = 1) -> None:
    with open(config_path) as fh:
        config = validate_config(yaml.safe_load(fh), load_schema(SCHEMA), config_path)
    panel = load_panel(config, config_path)
    start = time.perf_counter()
    rows = annotate_vcf(vcf, panel, config["reference"]["fasta"], processes, config)
    tmp = Path(f"{out}.tmp")
    write_tsv(rows, ANNOTATION_COLUMNS, str(tmp))
    tmp.replace(out)  # nothing half-written is left at OUT
    seconds = time.perf_counter() - start
    print(
        f"concord: {len(rows)} annotation rows written to {out} ({seconds:.1f} s)", file=sys.stderr
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("--vcf", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--processes", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    try:
        main(args.config, args.vcf, args.out, args.processes)
    except InputError as error:
        sys.exit(f"concord: {error}")
