"""Benchmark: are the cores busy during the kit run? (issue 18, target 2)

Runs the conformance kit end to end (`make conformance KIT=... OUT=...`, about 3-4 minutes on
2 idle cores, so the default is --repeat 2) and reports, per run:

- wall: the Snakemake run's wall time (from its start to its exit, the kit's config writing and
  the certificate's copy by make are outside it);
- job CPU: the CPU seconds of every process Snakemake started and waited for, read from the
  kernel (the `cutime + cstime` of Snakemake's main process, polled every 0.1 s until it
  exits). This counts every job, whether or not its rule has a `benchmark:` and however short
  it is; Snakemake's own work in its main process (DAG, scheduling, and any `run:` block or
  in-process local rule, of which concord has none: its local rules are `shell:`/`script:`
  jobs, run as child processes) is reported apart as "Snakemake itself";
- utilisation = job CPU / (wall x cores), the issue's figure (target >= 0.85);
- a per-rule table: jobs and Σ wall from Snakemake's log (start and finish of each job, to the
  second), Σ CPU from the jobs' `benchmark:` files (`cpu_time`; psutil samples, every 0.5 s for
  the first 15 s and every 30 s after, so a job's last interval is not counted: the table's CPU
  is a lower bound and the gap to the kernel's figure is printed as "not in benchmark files");
- where the cores idle: for each second of the run, the cores no running job claims (its
  `threads`), charged to the rules running then ("nothing running" when no job is).

Usage: .venv/bin/python bench/cpu_utilisation.py [--kit DIR] [--out DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import psutil
from common import REPO, median, summary

TARGET = 0.85
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Job:
    rule: str
    threads: int
    start: datetime
    end: datetime | None = None


@dataclass
class Run:
    wall_s: float
    jobs_cpu_s: float
    snakemake_cpu_s: float
    total_cpu_s: float
    cores: int
    jobs: dict[int, Job] = field(default_factory=dict)
    bench_cpu: dict[str, float] = field(default_factory=dict)

    @property
    def utilisation(self) -> float:
        return self.jobs_cpu_s / (self.wall_s * self.cores)


class SnakemakePoller(threading.Thread):
    """Finds make's Snakemake process and reads its own and its children's CPU until it exits."""

    def __init__(self, make_pid: int):
        super().__init__(daemon=True)
        self.make_pid = make_pid
        self.started = self.ended = None
        self.self_ticks = self.child_ticks = 0
        self.done = threading.Event()

    def _find(self) -> int | None:
        try:
            for proc in psutil.Process(self.make_pid).children(recursive=True):
                cmd = proc.cmdline()
                if len(cmd) > 1 and cmd[1].endswith("bin/snakemake"):
                    return proc.pid
        except psutil.Error:
            pass
        return None

    def run(self) -> None:
        pid = None
        while pid is None and not self.done.is_set():
            pid = self._find()
            time.sleep(0.05)
        if pid is None:
            return
        self.started = time.perf_counter()
        stat = Path(f"/proc/{pid}/stat")
        while True:
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                break
            # from the state field on, utime stime cutime cstime are the 12th..15th
            self.self_ticks = int(fields[11]) + int(fields[12])
            self.child_ticks = int(fields[13]) + int(fields[14])
            if fields[0] == "Z":  # exited, not yet reaped: these were its last figures
                break
            time.sleep(0.1)
        self.ended = time.perf_counter()


RULE_START = re.compile(r"^(?:local)?rule (\S+):$")
FINISHED = re.compile(r"^Finished jobid: (\d+)")
STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")


def parse_log(path: Path) -> dict[int, Job]:
    """Every job's rule, threads, start and finish from Snakemake's log."""
    jobs: dict[int, Job] = {}
    stamp = None
    pending = None  # (rule, start) until the job's id and threads are read
    threads = 1
    for line in path.read_text().splitlines():
        if m := STAMP.match(line):
            stamp = datetime.strptime(m.group(1), "%a %b %d %H:%M:%S %Y")
        elif m := RULE_START.match(line):
            pending, threads = (m.group(1), stamp), 1
        elif pending and line.strip().startswith("threads:"):
            threads = int(line.split(":")[1])
        elif pending and line.strip().startswith("jobid:"):
            jobid = int(line.split(":")[1])
            jobs[jobid] = Job(pending[0], threads, pending[1])
        elif pending and line.strip().startswith("resources:"):
            jobs[jobid].threads = threads
        elif m := FINISHED.match(line):
            jobs[int(m.group(1))].end = stamp
    return jobs


def bench_cpu(out: Path) -> dict[str, float]:
    """Σ cpu_time of the benchmark files, by their directory (area/step) under benchmarks/."""
    cpu: dict[str, float] = defaultdict(float)
    for tsv in sorted((out / "benchmarks").rglob("*.tsv")):
        step = "/".join(tsv.relative_to(out / "benchmarks").parts[:2])
        with tsv.open() as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["cpu_time"] not in ("", "NA"):
                    cpu[step] += float(row["cpu_time"])
    return cpu


def run_kit(kit: Path, out: Path, checkout: Path) -> Run:
    shutil.rmtree(out, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = ["make", "-s", "-C", str(checkout), "conformance", f"KIT={kit}", f"OUT={out}"]
    log = out.with_suffix(".log")
    with log.open("w") as handle:
        proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT)
        poller = SnakemakePoller(proc.pid)
        poller.start()
        _, status, usage = os.wait4(proc.pid, 0)
    poller.done.set()
    poller.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"cpu_utilisation: the kit run failed, see {log}")
    if poller.started is None:
        raise SystemExit("cpu_utilisation: Snakemake's process was not found")
    verdict = json.loads((out / "certificate.json").read_text())
    if verdict["conformance"]["verdict"] != "PASS":
        raise SystemExit(f"cpu_utilisation: the certificate is not PASS, see {out}")
    (snakelog,) = (out / ".snakemake" / "log").glob("*.snakemake.log")
    return Run(
        wall_s=poller.ended - poller.started,
        jobs_cpu_s=poller.child_ticks / TICKS,
        snakemake_cpu_s=poller.self_ticks / TICKS,
        total_cpu_s=usage.ru_utime + usage.ru_stime,
        cores=os.cpu_count(),
        jobs=parse_log(snakelog),
        bench_cpu=bench_cpu(out),
    )


def report(run: Run) -> None:
    print(
        f"  wall {run.wall_s:.1f} s, job CPU {run.jobs_cpu_s:.1f} s, Snakemake itself "
        f"{run.snakemake_cpu_s:.1f} s, everything under make {run.total_cpu_s:.1f} s, "
        f"utilisation {run.utilisation:.3f} ({run.cores} cores), load {os.getloadavg()[0]:.2f}"
    )
    by_rule: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for job in run.jobs.values():
        entry = by_rule[job.rule]
        entry[0] += 1
        entry[1] += (job.end - job.start).total_seconds() if job.end else 0.0
    bench_total = sum(run.bench_cpu.values())
    print(f"  {'rule':28s} {'jobs':>4s} {'Σ wall s':>9s}")
    for rule, (n, wall) in sorted(by_rule.items(), key=lambda kv: -kv[1][1]):
        print(f"  {rule:28s} {n:4d} {wall:9.0f}")
    print(f"  {'benchmark dir':28s} {'Σ CPU s':>9s} {'share':>6s}")
    for step, cpu in sorted(run.bench_cpu.items(), key=lambda kv: -kv[1]):
        print(f"  {step:28s} {cpu:9.1f} {cpu / run.jobs_cpu_s:6.1%}")
    rest = run.jobs_cpu_s - bench_total
    print(f"  {'(not in benchmark files)':28s} {rest:9.1f} {rest / run.jobs_cpu_s:6.1%}")
    # idle cores, second by second, charged to what ran then
    start = min(j.start for j in run.jobs.values())
    end = max(j.end for j in run.jobs.values() if j.end)
    idle: dict[str, float] = defaultdict(float)
    for t in range(int((end - start).total_seconds())):
        now = start.timestamp() + t + 0.5
        running = [j for j in run.jobs.values() if j.start.timestamp() <= now < j.end.timestamp()]
        free = max(0, run.cores - sum(min(j.threads, run.cores) for j in running))
        if not free:
            continue
        if not running:
            idle["(nothing running)"] += free
        for j in running:
            idle[j.rule] += free / len(running)
    claimed = sum(
        min(j.threads, run.cores) * (j.end - j.start).total_seconds()
        for j in run.jobs.values()
        if j.end
    )
    span = (end - start).total_seconds()
    print(
        f"  cores claimed by running jobs: {claimed / (run.cores * span):.2f}"
        f" of the run (Σ threads x wall / (span x cores), from the log); the jobs' CPU over what"
        f" they claimed: {run.jobs_cpu_s / claimed:.2f}"
    )
    print("  idle core-seconds (cores no running job claims), by the rules running then:")
    for rule, secs in sorted(idle.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {rule:28s} {secs:6.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kit", default=str(REPO.parent / "shared/conformance/brca-grch38-v1"))
    parser.add_argument("--out", help="run directory (default: a temporary one, removed)")
    parser.add_argument("--repeat", type=int, default=2, help="kit runs (each ~3-4 min)")
    parser.add_argument(
        "--workflow", default=str(REPO), help="the concord checkout to run (before/after)"
    )
    args = parser.parse_args()
    kit = Path(args.kit).resolve()
    base = Path(args.out or tempfile.mkdtemp(prefix="concord-cpu-")).resolve()
    runs = []
    for i in range(args.repeat):
        print(f"run {i + 1}/{args.repeat}: make conformance (load {os.getloadavg()[0]:.2f})")
        run = run_kit(kit, base / f"run{i + 1}", Path(args.workflow).resolve())
        report(run)
        runs.append(run)
    if not args.out:
        shutil.rmtree(base, ignore_errors=True)
    util = median(r.utilisation for r in runs)
    summary(
        "cpu_utilisation",
        f"utilisation {util:.2f} (median of {len(runs)} kit runs: wall "
        f"{median(r.wall_s for r in runs):.0f} s, job CPU {median(r.jobs_cpu_s for r in runs):.0f}"
        f" s, {runs[0].cores} cores)",
        f">= {TARGET}",
        util >= TARGET,
    )


if __name__ == "__main__":
    main()
