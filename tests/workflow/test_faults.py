"""Faults (issue 15): a run killed mid-way resumes to the same results, a tool that lies about
its success is caught where it lies, a second run in a directory is refused, a full disk fails
cleanly. No fault leaves a file that looks finished but is not."""

from __future__ import annotations

import base64
import gzip
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from concord import paths, runlock
from conftest import REPO, Workdir, differing_files, snakemake_command, standardized_files

PROFILE = ("--profile", str(REPO / "profiles" / "local"), "--cores", "2")  # what users type
BGZF_EOF = bytes.fromhex("1f8b08040000000000ff0600424302001b0003000000000000000000")


def start(w: Workdir, *args: str, timeout: int = 600) -> subprocess.Popen:
    """The run conftest.run_snakemake makes, started in its own process group (to kill it all)."""
    w.write()
    cmd, env = snakemake_command(
        w.path, "--configfile", str(w.path / "config" / "config.yaml"), *args, timeout=timeout
    )
    log = w.path / f"run{time.monotonic_ns()}.out"
    with log.open("w") as out:
        run = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    run.log = log
    return run


def stderr_of(run: subprocess.Popen) -> str:
    return run.log.read_text()


def group_commands(pgid: int) -> list[tuple[str, ...]]:
    """argv of every live process of the process group (a run's jobs stay in its group);
    killed processes not yet reaped (zombies) are not live."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            stat = (proc / "stat").read_text()
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        state, _, group = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(group) == pgid and state != "Z":
            found.append(
                tuple(Path(a.decode()).name if i == 0 else a.decode() for i, a in enumerate(argv))
            )
    return found


def kill_when_running(run: subprocess.Popen, *program: str) -> list[tuple[str, ...]]:
    """SIGKILL the run's whole process group once a process `program ...` runs in it (polled);
    returns what ran at that moment."""
    while run.poll() is None:
        running = group_commands(run.pid)
        if any(argv[: len(program)] == program for argv in running):
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
            for _ in range(500):  # the others die as the kernel gets to them
                if not group_commands(run.pid):
                    return running
                time.sleep(0.02)
            pytest.fail(f"still running after SIGKILL: {group_commands(run.pid)}")
        time.sleep(0.02)
    pytest.fail(f"the run ended (exit {run.returncode}) before {' '.join(program)} ran")


def unfinished(path: Path) -> str | None:
    """Why the file is not a complete file of its kind (BAM, BGZF, gzip), or None."""
    data = path.read_bytes()
    if path.suffix == ".bam":
        quick = subprocess.run(["samtools", "quickcheck", "-v", path], capture_output=True)
        if quick.returncode != 0:
            return "samtools quickcheck fails"
    if path.name.endswith((".bam", ".vcf.gz")) and not data.endswith(BGZF_EOF):
        return "no BGZF end-of-file block"
    if path.suffix == ".gz":
        try:
            gzip.decompress(data)
        except (EOFError, OSError) as error:
            return f"gzip: {error}"
    return None


def marked_incomplete(w: Workdir) -> set[str]:
    """The outputs Snakemake marked as being written (its .snakemake/incomplete markers)."""
    markers = (w.path / ".snakemake" / "incomplete").glob("*")
    return {
        base64.urlsafe_b64decode(m.name).decode() for m in markers if m.name != "migration_underway"
    }


def broken_finished_outputs(w: Workdir) -> list[str]:
    """Files under results/ that Snakemake would take as finished outputs and that are not
    complete: every output a concord.paths template owns, unless marked incomplete."""
    incomplete = marked_incomplete(w)
    problems = []
    for path in sorted((w.path / "results").rglob("*")):
        name = str(path.relative_to(w.path))
        if path.is_file() and paths.owning_template(name) and name not in incomplete:
            if why := unfinished(path):
                problems.append(f"{name}: {why}")
    return problems


def test_a_run_killed_in_alignment_then_in_calling_resumes_to_the_same_results(
    run_two_threads, workdir
):
    killed_in = {}
    steps = (
        ("alignment", ("bwa", "mem"), paths.UNIT_BAM),
        ("calling", ("freebayes",), paths.CHUNK_VCF),
    )
    for step, program, output in steps:
        run = start(workdir, *PROFILE)
        killed_in[step] = kill_when_running(run, *program)
        # what the kill left: the killed job's output marked as unfinished, every other
        # finished-looking output whole
        assert output in {paths.owning_template(f) for f in marked_incomplete(workdir)}, step
        assert broken_finished_outputs(workdir) == [], step
    assert any(argv[:2] == ("samtools", "sort") for argv in killed_in["alignment"])
    run = start(workdir, *PROFILE)
    assert run.wait() == 0, stderr_of(run)[-3000:]
    said = stderr_of(run)
    assert "did not finish: it was killed or its machine stopped" in said  # no --unlock needed
    assert "locks are removed" in said
    assert broken_finished_outputs(workdir) == []
    assert marked_incomplete(workdir) == set()
    expected = standardized_files(run_two_threads.path / "results")
    assert differing_files(expected, standardized_files(workdir.path / "results")) == []


def stop_when_running(run: subprocess.Popen, *program: str) -> None:
    """SIGSTOP the run's process group once `program ...` runs in it: the run holds its
    directory, frozen, until resume()."""
    while run.poll() is None:
        if any(argv[: len(program)] == program for argv in group_commands(run.pid)):
            os.killpg(run.pid, signal.SIGSTOP)
            return
        time.sleep(0.02)
    pytest.fail(f"the run ended (exit {run.returncode}) before {' '.join(program)} ran")


def resume(run: subprocess.Popen) -> int:
    os.killpg(run.pid, signal.SIGCONT)
    return run.wait()


def snakemake_pid(run: subprocess.Popen) -> int:
    """The Snakemake process under `timeout` (the group's leader)."""
    children = Path(f"/proc/{run.pid}/task/{run.pid}/children").read_text().split()
    return int(children[0])


def test_a_second_run_in_the_same_directory_is_refused_naming_the_first(workdir):
    first = start(workdir, "--cores", "2", paths.BWA_INDEX[0], paths.REFERENCE_DICT)
    stop_when_running(first, "bwa", "index")
    try:
        pid = snakemake_pid(first)
        second = workdir.run("--cores", "1", paths.REFERENCE_DICT)
        unlock = workdir.run("--unlock")  # what Snakemake's own lock message suggests
    finally:
        assert resume(first) == 0, stderr_of(first)[-3000:]
    for refused in (second, unlock):
        assert refused.returncode != 0
        assert "concord: this run was refused (nothing was run)" in refused.stderr
        assert f"another concord run is working in {workdir.path}: PID {pid} " in refused.stderr
        assert "wait for it to finish, or stop it (kill " in refused.stderr
        assert "Do not use --unlock while it runs" in refused.stderr
    assert not (workdir.path / runlock.RECORD).exists()  # removed as the first one ended
    again = workdir.run("--cores", "1", paths.REFERENCE_DICT)  # the first one has finished
    assert again.returncode == 0, again.stderr[-3000:]
