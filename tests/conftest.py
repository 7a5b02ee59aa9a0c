"""Shared fixtures: an isolated workdir with the demo config, and a real snakemake runner."""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "resources" / "demo"
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
# the test centre's pseudonym key (a test key: real keys never leave their centre's machine)
TEST_KEY = "concord-test-centre-key-" + "5f" * 20


class Workdir:
    """A run directory with config/config.yaml and both sheets, paths made absolute."""

    def __init__(self, path: Path):
        self.path = path
        self.config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
        for key in ("fasta",):
            self.config["reference"][key] = str(REPO / self.config["reference"][key])
        self.config["annotation"] = {k: str(REPO / v) for k, v in self.config["annotation"].items()}
        self.config["share"]["duo"] = str((REPO / self.config["share"]["duo"]).resolve())
        self.key = self.path / "centre.key"  # outside the checkout, owner-only, as required
        self.key.write_text(TEST_KEY + "\n")
        self.key.chmod(0o600)
        self.config["share"]["key"] = str(self.key)
        self.samples = (REPO / "config" / "samples.tsv").read_text()
        self.units = (
            (REPO / "config" / "units.tsv").read_text().replace("resources/demo/", f"{DEMO}/")
        )
        self.write()

    @staticmethod
    def demo_truth(name: str) -> Path:
        return DEMO / "truth" / name

    def write(self) -> None:
        (self.path / "config").mkdir(exist_ok=True)
        self.config["samples"] = str(self.path / "config" / "samples.tsv")
        self.config["units"] = str(self.path / "config" / "units.tsv")
        (self.path / "config" / "config.yaml").write_text(yaml.safe_dump(self.config))
        (self.path / "config" / "samples.tsv").write_text(self.samples)
        (self.path / "config" / "units.tsv").write_text(self.units)

    def run(self, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
        """Run the real snakemake on this workdir (config/config.yaml), capturing output."""
        self.write()
        configfile = str(self.path / "config" / "config.yaml")
        return run_snakemake(self.path, "--configfile", configfile, *args, timeout=timeout)


def snakemake_command(directory: Path, *args: str, timeout: int = 600) -> tuple[list, dict]:
    """The command line and environment of the real snakemake with concord's Snakefile in
    `directory`, under `timeout -k` (a hung run can ignore SIGTERM; its children must not
    outlive the test)."""
    cmd = [
        "timeout", "-k", "30", str(timeout),
        str(SNAKEMAKE), "--snakefile", str(REPO / "Snakefile"), "--directory", str(directory),
        *args,
    ]  # fmt: skip
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    env["PATH"] = f"{SNAKEMAKE.parent}{os.pathsep}{env['PATH']}"  # the venv's multiqc
    return cmd, env


def run_snakemake(directory: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """The real snakemake with concord's Snakefile in `directory` (snakemake_command)."""
    cmd, env = snakemake_command(directory, *args, timeout=timeout)
    start = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 60, env=env)
    result.seconds = time.monotonic() - start
    return result


def standardized_files(results: Path) -> dict[str, bytes]:
    """The outputs a centre sends on, which must not depend on where jobs ran: the somatic and
    germline VCFs (records and headers), the BRCA tables and the expression matrices."""
    from concord import paths

    templates = (
        paths.SOMATIC_VCF, paths.GERMLINE_VCF,
        *(t for name, t in paths.BRCA_OUTPUTS.items() if name != "tbi"),
        *paths.EXPRESSION_MATRICES.values(), paths.EXPRESSION_QC,
    )  # fmt: skip
    root = results.parent
    found = {}
    for template in templates:
        for path in root.glob(re.sub(r"\{\w+\}", "*", template)):
            found[str(path.relative_to(results))] = path.read_bytes()
    return found


def differing_files(expected: dict[str, bytes], found: dict[str, bytes]) -> list[str]:
    """Files that are missing, extra, or not byte-identical; a VCF's first differing line."""
    problems = [f"missing: {name}" for name in sorted(set(expected) - set(found))]
    problems += [f"extra: {name}" for name in sorted(set(found) - set(expected))]
    for name in sorted(set(expected) & set(found)):
        a, b = expected[name], found[name]
        if a == b:
            continue
        if name.endswith(".gz"):
            a, b = gzip.decompress(a), gzip.decompress(b)
        lines = zip(a.decode().splitlines(), b.decode().splitlines(), strict=False)
        first = next(((x, y) for x, y in lines if x != y), ("(same lines)", "(other length)"))
        problems.append(f"differs: {name}: {first[0]!r} vs {first[1]!r}")
    return problems


NOISE = re.compile(r"\[E::|\[W::|Traceback|RuntimeWarning|FutureWarning|DeprecationWarning")


def noisy_lines(w: Workdir) -> list[str]:
    """Lines of a run's output (w.stderr) and logs that look like errors or warnings to a user."""
    lines = [line for line in w.stderr.splitlines() if NOISE.search(line)]
    for log in (w.path / "logs").rglob("*.log"):
        lines += [f"{log.name}: {x}" for x in log.read_text().splitlines() if NOISE.search(x)]
    return lines


BAD_CELL = re.compile(r"^(None|nan|NaN|NA|null|inf|-inf)$|p\.None|c\.None|\bNone\b")
CODING = re.compile(
    r"missense|synonymous|stop_gained|stop_lost|start_lost|frameshift|inframe|protein_altering"
    r"|stop_retained"
)


def bad_table_cells(results: Path) -> list[str]:
    """Cells of every TSV under results/ that say None/nan, and panel rows without the HGVS
    name they must have (c. always; p. whenever the consequence is coding)."""
    problems = []
    for table in sorted(results.rglob("*.tsv")):
        lines = table.read_text().splitlines()
        header = lines[0].split("\t") if lines else []
        for n, line in enumerate(lines[1:], start=2):
            cells = dict(zip(header, line.split("\t"), strict=False))
            for column, value in cells.items():
                if BAD_CELL.search(value):
                    problems.append(f"{table.name}: line {n}, {column}: {value!r}")
            if "hgvs_c" in cells and not cells["hgvs_c"].startswith(("c.", "n.")):
                problems.append(f"{table.name}: line {n}: hgvs_c {cells['hgvs_c']!r}")
            if "hgvs_p" in cells and CODING.search(cells.get("consequence", "")):
                if not cells["hgvs_p"].startswith("p."):
                    problems.append(f"{table.name}: line {n}: hgvs_p {cells['hgvs_p']!r}")
    return problems


def unaligned_bam(path: Path, groups: list[tuple[dict, Path, Path]]) -> Path:
    """An unaligned BAM of paired FASTQs, reads in file order (samtools import): one read group
    per (its @RG fields with ID, R1, R2), in the order given."""
    parts = []
    for n, (fields, r1, r2) in enumerate(groups):
        parts.append(path.with_suffix(f".part{n}.bam"))
        tags = [x for key, value in fields.items() for x in ("-r", f"{key}:{value}")]
        subprocess.run(
            ["samtools", "import", *tags, "-O", "BAM", "-o", parts[-1], "-1", r1, "-2", r2],
            check=True,
        )
    lines = ["@HD\tVN:1.6\tSO:unsorted\tGO:query"]
    lines += ["@RG\t" + "\t".join(f"{k}:{v}" for k, v in fields.items()) for fields, _, _ in groups]
    header = path.with_suffix(".header.sam")
    header.write_text("\n".join(lines) + "\n")
    subprocess.run(["samtools", "cat", "-h", header, "-o", path, *parts], check=True)
    for part in (*parts, header):
        part.unlink()
    return path


@pytest.fixture
def workdir(tmp_path) -> Workdir:
    return Workdir(tmp_path)


def _demo_run(factory, name: str, cores: str) -> Workdir:
    w = Workdir(factory.mktemp(name))
    result = w.run("--cores", cores)
    assert result.returncode == 0, result.stderr[-3000:]
    w.stderr = result.stderr  # what the user saw
    w.seconds = result.seconds
    record_wall_time(f"demo, local, {cores} cores", result.seconds)
    return w


def record_wall_time(what: str, seconds: float) -> None:
    """Wall times of the demo runs, to compare where jobs ran (test-artifacts/, not committed)."""
    out = REPO / "test-artifacts" / "wall_times.tsv"
    out.parent.mkdir(exist_ok=True)
    with out.open("a") as fh:
        fh.write(f"{time.strftime('%Y-%m-%dT%H:%M:%S')}\t{what}\t{seconds:.1f}\n")


@pytest.fixture(scope="session")
def run_two_threads(tmp_path_factory):
    """The whole demo, run once per session with 2 cores."""
    return _demo_run(tmp_path_factory, "demo_2threads", "2")


@pytest.fixture(scope="session")
def run_one_thread(tmp_path_factory):
    """The whole demo with 1 core, to compare outputs with the 2-core run."""
    return _demo_run(tmp_path_factory, "demo_1thread", "1")


@pytest.fixture(scope="session")
def slurm_cluster():
    """A real single-node Slurm cluster (tests/slurm_cluster.py), for the whole session; skipped
    with the reason where it cannot start (no root, packages missing)."""
    from slurm_cluster import SlurmCluster, Unavailable

    # twice the cores: a job's time is mostly two Snakemake start-ups, not its tool
    cluster = SlurmCluster(cpus=2 * (os.cpu_count() or 1))
    try:
        cluster.__enter__()
    except Unavailable as why:
        pytest.skip(f"no Slurm cluster here: {why}")
    try:
        yield cluster
    finally:
        cluster.stop()
    assert not cluster.still_running(), "Slurm daemons still running after stop()"
