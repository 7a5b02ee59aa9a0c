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


def process_start(pid: int) -> str | None:
    """When the process started (clock ticks since boot), or None if there is no such process
    or it has ended (a zombie, killed and not yet reaped): with the boot id it tells the
    recorded process from a later one given the same PID."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return None if fields[0] in ("Z", "X") else fields[19]


def this_run() -> dict:
    pid = os.getpid()
    return {
        "pid": pid,
        "host": socket.gethostname(),
        "boot_id": boot_id(),
        "process_start": process_start(pid),
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
    for lock in sorted((directory / SNAKEMAKE_LOCKS).glob("*.lock")):
        lock.unlink(missing_ok=True)
    (directory / RECORD).unlink(missing_ok=True)
    return (
        f"concord: the previous run in {where} ({who}) did not finish: it was killed or its "
        f"machine stopped. Its locks are removed; the jobs it left unfinished run again "
        f"(--rerun-incomplete, which concord's profiles set)."
    )
