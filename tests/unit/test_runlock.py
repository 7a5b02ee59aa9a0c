"""concord.runlock: a live run's record refuses a second run; a dead run's record and its
Snakemake locks are cleared; a record from another host is never taken for dead."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from concord import runlock


def write_record(tmp_path, **changes) -> dict:
    record = runlock.this_run() | changes
    (tmp_path / runlock.RECORD).parent.mkdir(parents=True)
    (tmp_path / runlock.RECORD).write_text(json.dumps(record))
    return record


def test_no_record_is_no_other_run(tmp_path):
    assert runlock.check_no_other_run(tmp_path) is None


def test_a_live_run_is_refused_with_its_pid(tmp_path):
    record = write_record(tmp_path)  # this very process: alive
    with pytest.raises(runlock.AnotherRun, match=f"is working in .*: PID {record['pid']} on host"):
        runlock.check_no_other_run(tmp_path)
    assert (tmp_path / runlock.RECORD).exists()


def test_a_dead_run_leaves_its_locks_which_are_removed(tmp_path):
    gone = subprocess.Popen(["sleep", "60"])
    started = runlock.process_start(gone.pid)
    gone.kill()
    gone.wait()
    write_record(tmp_path, pid=gone.pid, process_start=started, pgid=None)
    locks = tmp_path / runlock.SNAKEMAKE_LOCKS
    locks.mkdir()
    (locks / "0.input.lock").write_text("results/x\n")
    note = runlock.check_no_other_run(tmp_path)
    assert f"PID {gone.pid}" in note and "did not finish" in note
    assert list(locks.iterdir()) == [] and not (tmp_path / runlock.RECORD).exists()


def test_a_killed_run_not_yet_reaped_is_not_running(tmp_path):
    zombie = subprocess.Popen(["sleep", "60"])
    started = runlock.process_start(zombie.pid)
    zombie.kill()
    os.waitid(os.P_PID, zombie.pid, os.WEXITED | os.WNOWAIT)  # dead, left unreaped: a zombie
    try:
        write_record(tmp_path, pid=zombie.pid, process_start=started, pgid=None)
        assert "did not finish" in runlock.check_no_other_run(tmp_path)
    finally:
        zombie.wait()


def test_jobs_left_running_by_a_killed_run_are_named(tmp_path):
    # a "Snakemake" that leads its process group and started a "job" in it, then only it killed
    run = subprocess.Popen(["sh", "-c", "sleep 60 & exec sleep 61"], start_new_session=True)
    try:
        started = runlock.process_start(run.pid)
        for _ in range(500):  # until the job has started
            if len(runlock_group(run.pid)) == 2:
                break
            time.sleep(0.01)
        run.kill()
        run.wait()
        write_record(tmp_path, pid=run.pid, process_start=started, pgid=run.pid)
        with pytest.raises(
            runlock.AnotherRun, match=r"was killed, but processes it started .*\(sleep\)"
        ):
            runlock.check_no_other_run(tmp_path)
        assert (tmp_path / runlock.RECORD).exists()
    finally:
        os.killpg(run.pid, signal.SIGKILL)


def runlock_group(pgid: int) -> list[int]:
    return [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and (stat := runlock.proc_stat(p.name)) and int(stat[1][2]) == pgid
    ]


def test_a_pid_given_to_another_process_since_is_not_the_recorded_run(tmp_path):
    write_record(tmp_path, process_start="1", pgid=None)  # our PID, not our start time
    assert "did not finish" in runlock.check_no_other_run(tmp_path)


def test_a_run_recorded_on_another_host_is_never_taken_for_dead(tmp_path):
    write_record(tmp_path, host="login-node-7", pid=1)
    with pytest.raises(runlock.AnotherRun, match="may be working in .*login-node-7.*--unlock"):
        runlock.check_no_other_run(tmp_path)


def test_a_run_forgets_only_its_own_record(tmp_path):
    write_record(tmp_path, pid=1)
    runlock.forget_this_run(tmp_path)
    assert (tmp_path / runlock.RECORD).exists()
    runlock.record_this_run(tmp_path)
    runlock.forget_this_run(tmp_path)
    assert not (tmp_path / runlock.RECORD).exists()
