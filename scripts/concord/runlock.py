"""One run per directory. The main Snakemake process records itself (PID, host, when it started)
once its jobs are about to start and removes the record when it ends. A second run in the same
directory is refused naming the first; the record of a run that was killed (its process is gone)
is recognised, and that run's Snakemake locks are removed, so the same command resumes it.

Snakemake's own lock message cannot tell a running run from a killed one and suggests --unlock
in both cases: run while another writes the same files, that corrupts them."""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

RECORD = Path(".snakemake") / "concord" / "run.json"
SNAKEMAKE_LOCKS = Path(".snakemake") / "locks"


class AnotherRun(Exception):
    """Another run is (or may be) working in this directory: the message says what to do."""


def boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def proc_stat(pid: int | str) -> tuple[str, list[str]] | None:
    """The process's name and the fields of /proc/PID/stat after it (state first), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()


def process_start(pid: int) -> str | None:
    """When the process started (clock ticks since boot), or None if there is no such process
    or it has ended (a zombie, killed and not yet reaped): with the boot id it tells the
    recorded process from a later one given the same PID."""
    stat = proc_stat(pid)
    return None if stat is None or stat[1][0] in ("Z", "X") else stat[1][19]


def leftover_jobs(record: dict) -> list[str]:
    """Processes the recorded run started that still run after it was killed (its jobs, when
    only the Snakemake process was killed): live processes of its process group started after
    it, other than this process, its ancestors and its siblings (a `| tee` of this run; the
    killed run's orphans have a new parent). As "PID (name)"."""
    if record.get("pgid") is None or record.get("boot_id") != boot_id():
        return []
    ours, pid = set(), os.getpid()
    while pid > 1 and (stat := proc_stat(pid)) is not None:  # this run, in the same group maybe
        ours.add(pid)
        pid = int(stat[1][1])
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) in ours:
            continue
        stat = proc_stat(proc.name)
        if stat is None or stat[1][0] in ("Z", "X") or int(stat[1][2]) != record["pgid"]:
            continue
        if int(stat[1][1]) == os.getppid():
            continue
        if int(stat[1][19]) >= int(record.get("process_start") or 0):
            found.append(f"{proc.name} ({stat[0]})")
    return found


def this_run() -> dict:
    pid = os.getpid()
    return {
        "pid": pid,
        "host": socket.gethostname(),
        "boot_id": boot_id(),
        "process_start": process_start(pid),
        "pgid": os.getpgid(0),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "command": " ".join(sys.argv),
    }


def read_record(directory: Path) -> dict | None:
    try:
        return json.loads((directory / RECORD).read_text())
    except (OSError, ValueError):
        return None


def record_this_run(directory: Path = Path()) -> None:
    """Called when the run's jobs are about to start (Snakemake holds its locks by then)."""
    record = directory / RECORD
    record.parent.mkdir(parents=True, exist_ok=True)
    partial = record.with_suffix(".tmp")
    partial.write_text(json.dumps(this_run(), indent=2) + "\n")
    partial.replace(record)


def forget_this_run(directory: Path = Path()) -> None:
    """Called when the run ends, successful or not; leaves another process's record alone."""
    record = read_record(directory)
    if record is not None and record.get("pid") == os.getpid():
        (directory / RECORD).unlink(missing_ok=True)


def is_running(record: dict) -> bool:
    """Whether the recorded process still runs (only answerable on the host that recorded it)."""
    if record.get("boot_id") != boot_id():
        return False  # the machine restarted since
    started = process_start(int(record["pid"]))
    return started is not None and started == record.get("process_start")


def check_no_other_run(directory: Path = Path()) -> str | None:
    """Raise AnotherRun if another run works in `directory`; after a killed run, remove its
    record and Snakemake's locks and return a note for the user (None if there was no record)."""
    record = read_record(directory)
    if record is None:
        return None
    where = directory.resolve()
    who = (
        f"PID {record.get('pid')} on host {record.get('host')}, started {record.get('started')}"
        f" (command: {record.get('command')})"
    )
    if record.get("host") != socket.gethostname():
        raise AnotherRun(
            f"another concord run may be working in {where}: {who}; this is host "
            f"{socket.gethostname()}, where that process cannot be seen. If it still runs, wait "
            f"for it: two runs in one directory write the same files. If it does not (its machine "
            f"stopped), remove {where / RECORD}, run once with --unlock, then run again."
        )
    if is_running(record):
        raise AnotherRun(
            f"another concord run is working in {where}: {who}. Two runs in one directory "
            f"write the same files: wait for it to finish, or stop it (kill {record.get('pid')}) "
            f"and run again. Do not use --unlock while it runs."
        )
    if jobs := leftover_jobs(record):
        raise AnotherRun(
            f"the previous run in {where} ({who}) was killed, but processes it started still "
            f"run: {', '.join(jobs)}; they may still write its files. Wait for them to end, or "
            f"stop them (kill {' '.join(j.split()[0] for j in jobs)}), then run again."
        )
    for lock in sorted((directory / SNAKEMAKE_LOCKS).glob("*.lock")):
        lock.unlink(missing_ok=True)
    (directory / RECORD).unlink(missing_ok=True)
    return (
        f"concord: the previous run in {where} ({who}) did not finish: it was killed or its "
        f"machine stopped. Its locks are removed; the jobs it left unfinished run again "
        f"(--rerun-incomplete, which concord's profiles set)."
    )
