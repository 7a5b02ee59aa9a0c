"""What every benchmark of `make bench` shares: repeated runs, their median, one summary line.

Each benchmark measures one thing several times (`--repeat`, default 3), prints its per-run
figures as it goes and ends with exactly one line starting `BENCH <name>:`: the medians, the
target and whether it was met, and the exact command that reproduces it. `make bench` collects
those lines into `bench/last-run.txt`; docs/benchmarks.md holds the tables.
"""

from __future__ import annotations

import os
import platform
import resource
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timing:
    """One measured run of a child command: wall and CPU seconds, peak resident memory."""

    wall_s: float
    cpu_s: float
    peak_mib: float


def timed(cmd: list[str], **kwargs) -> Timing:
    """Run cmd to completion (check=True) under GNU time's rusage; return its costs.

    The peak is the largest resident set of the command or any of its children (what
    `/usr/bin/time -v` calls maximum resident set size), read from wait4's rusage.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, **kwargs)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, cmd)
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(values) -> float:
    return statistics.median(list(values))


def machine() -> str:
    """The machine in one phrase: cores, memory, OS and Python (for the tables)."""
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {mem_gib:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def command_line() -> str:
    """The command that reproduces this run, as typed from the repository's top."""
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(REPO)
    except ValueError:
        pass
    return shlex.join([".venv/bin/python", str(script), *sys.argv[1:]])


def summary(name: str, figures: str, target: str, met: bool | None) -> None:
    """Print the benchmark's one summary line (met None: no target, a measurement only)."""
    verdict = "" if met is None else (" [met]" if met else " [NOT met]")
    print(
        f"BENCH {name}: {figures} | target {target}{verdict} | {machine()} | {command_line()}",
        flush=True,
    )


def self_peak_mib() -> float:
    """Peak resident memory of this process so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed_together(cmds: list[list[str]], **kwargs) -> Timing:
    """Run the commands at the same time, as independent jobs of one step are scheduled; the
    wall time is until the last ends, the CPU seconds are summed, the peak is the largest."""
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, **kwargs) for cmd in cmds]
    cpu, peak = 0.0, 0.0
    for proc, cmd in zip(procs, cmds, strict=True):
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise subprocess.CalledProcessError(proc.returncode, cmd)
        cpu += usage.ru_utime + usage.ru_stime
        peak = max(peak, usage.ru_maxrss / 1024)
    return Timing(time.perf_counter() - start, cpu, peak)


def write_sheets(run: Path, config: dict, samples: list[str], units: list[str]) -> Path:
    """Write a generated run's sample and unit sheets (lines with their headers) under
    run/config, point the config at them and write it there; returns the config file."""
    import yaml

    (run / "config").mkdir()
    (run / "config" / "samples.tsv").write_text("\n".join(samples) + "\n")
    (run / "config" / "units.tsv").write_text("\n".join(units) + "\n")
    config["samples"] = str(run / "config" / "samples.tsv")
    config["units"] = str(run / "config" / "units.tsv")
    configfile = run / "config" / "config.yaml"
    configfile.write_text(yaml.safe_dump(config))
    return configfile
