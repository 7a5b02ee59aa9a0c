"""Faults (issue 15): a run killed mid-way resumes to the same results, a tool that lies about
its success is caught where it lies, a second run in a directory is refused, a full disk fails
cleanly. No fault leaves a file that looks finished but is not."""

from __future__ import annotations

import base64
import gzip
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from concord import paths, runlock
from concord.fastq_check import BGZF_EOF
from conftest import REPO, Workdir, differing_files, snakemake_command, standardized_files

PROFILE = ("--profile", str(REPO / "profiles" / "local"), "--cores", "2")  # what users type


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


def kill_when_running(
    run: subprocess.Popen, w: Workdir, programs: list[tuple[str, ...]], outputs: set[str]
) -> list[tuple[str, ...]]:
    """SIGKILL the run's whole process group once a process of one of `programs` (argv prefixes)
    runs in it and Snakemake has marked an output of one of the `outputs` templates as being
    written (polled); returns what ran at that moment. (Snakemake starts a local job a moment
    before it marks the job's outputs: a kill in that moment leaves an output it would take as
    finished, which is not what this test is about.)"""
    while run.poll() is None:
        running = group_commands(run.pid)
        if any(argv[: len(p)] == p for argv in running for p in programs):
            if outputs & {paths.owning_template(f) for f in marked_incomplete(w)}:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
                for _ in range(500):  # the others die as the kernel gets to them
                    if not group_commands(run.pid):
                        return running
                    time.sleep(0.02)
                pytest.fail(f"still running after SIGKILL: {group_commands(run.pid)}")
        time.sleep(0.02)
    pytest.fail(f"the run ended (exit {run.returncode}) before any of {programs} ran")


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
    steps = (  # what runs in the step, and the outputs its killed job leaves unfinished
        ("alignment", [("bwa", "mem")], {paths.UNIT_BAM}),
        ("calling", [("freebayes",), ("bcftools", "concat")], {paths.CHUNK_VCF, paths.JOINT_VCF}),
    )
    for step, programs, outputs in steps:
        run = start(workdir, *PROFILE)
        killed_in[step] = kill_when_running(run, workdir, programs, outputs)
        # what the kill left: every finished-looking output whole (the rest marked unfinished)
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


def test_jobs_a_killed_snakemake_left_running_keep_the_next_run_out(run_two_threads, workdir):
    run = start(workdir, *PROFILE, NORMAL_BAM)
    while not any(argv[:2] == ("bwa", "mem") for argv in group_commands(run.pid)):
        assert run.poll() is None, stderr_of(run)[-3000:]
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGSTOP)  # held where they are: the alignment job outlives ...
    os.kill(snakemake_pid(run), signal.SIGKILL)  # ... the Snakemake process, killed alone
    try:
        refused = workdir.run(*PROFILE, NORMAL_BAM)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    assert refused.returncode != 0
    assert "was killed, but processes it started still run: " in refused.stderr
    assert re.search(r"\d+ \(bwa\)", refused.stderr)
    while group_commands(run.pid):
        time.sleep(0.02)
    again = workdir.run(*PROFILE, NORMAL_BAM)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "did not finish: it was killed" in again.stderr
    assert bam_records(workdir.path / NORMAL_BAM) == bam_records(run_two_threads.path / NORMAL_BAM)


# --- lying tools: exit 0 after writing an empty or cut-short file ---------------------------

LIAR = """
import subprocess, sys
from pathlib import Path

REAL, SUBCOMMAND, HOW, INSIDE = {real!r}, {subcommand!r}, {how!r}, {inside!r}


def written(args):
    \"\"\"The file the call wrote: -o's value (a file in that directory for salmon), else the
    last argument.\"\"\"
    path = Path(args[args.index("-o") + 1] if "-o" in args else args[-1])
    return path / INSIDE if INSIDE else path


def lie(path):
    data = path.read_bytes()
    if HOW == "empty":
        kept = b""
    elif data[12:14] == b"BC":  # BGZF: its first half of blocks, whole; the rest (EOF) lost
        starts, at = [], 0
        while at < len(data):
            starts.append(at)
            at += int.from_bytes(data[at + 16 : at + 18], "little") + 1
        kept = data[: starts[len(starts) // 2]]
    else:
        kept = data[: len(data) // 2]
    path.write_bytes(kept)
    print(f"lying: {{path}} cut from {{len(data)}} to {{len(kept)}} bytes", file=sys.stderr)


args = sys.argv[1:]
done = subprocess.run([REAL, *args], close_fds=False)  # salmon reads <(...) pipes
if done.returncode == 0 and args[:1] == [SUBCOMMAND] and written(args).exists():
    lie(written(args))
sys.exit(done.returncode)
"""


@pytest.fixture
def lying(tmp_path_factory, monkeypatch):
    """lying(tool, subcommand, how, inside=""): a `tool` first on the PATH that runs the real
    one, then empties (how="empty") or cuts short ("truncate") what `tool subcommand` wrote
    (`inside` that directory for salmon), and exits 0. --version is the real tool's answer, so
    the toolchain check passes."""

    def make(tool: str, subcommand: str, how: str, inside: str = "") -> None:
        bin_dir = tmp_path_factory.mktemp("liar")
        real = shutil.which(tool)
        source = LIAR.format(real=real, subcommand=subcommand, how=how, inside=inside)
        (bin_dir / tool).write_text(f"#!{sys.executable}\n{source}")
        (bin_dir / tool).chmod(0o755)
        monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")

    return make


def run_to_failure(w: Workdir, *targets: str) -> str:
    """Run targets as a user would (the profile: failed jobs' logs shown); it must fail."""
    w.write()
    cmd, env = snakemake_command(
        w.path, "--configfile", str(w.path / "config" / "config.yaml"), *PROFILE, *targets
    )
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=660)
    assert done.returncode != 0, done.stderr[-3000:]
    logs = "".join(log.read_text() for log in (w.path / "logs").rglob("*.log"))
    assert "lying: " in logs  # the liar did lie (its note is in the job's log)
    return done.stderr


def filled(template: str, **values: str) -> str:
    return paths.fill(template, **values)


NORMAL_BAM = filled(paths.BAM, sample="PT01-normal")


def test_an_empty_bam_from_markdup_fails_markdup_naming_it(workdir, lying):
    lying("samtools", "markdup", "empty")
    said = run_to_failure(workdir, NORMAL_BAM)
    assert "Error in rule markdup" in said
    assert f"concord: {NORMAL_BAM} is not a complete BAM: samtools quickcheck fails" in said
    assert "was not identified as sequence data" in said  # samtools' own words, in the log
    assert not (workdir.path / NORMAL_BAM).exists()
    assert not (workdir.path / f"{NORMAL_BAM}.bai").exists()


def test_a_bam_cut_short_by_sort_fails_alignment_naming_it(workdir, lying):
    lying("samtools", "sort", "truncate")
    said = run_to_failure(workdir, NORMAL_BAM)
    unit_bam = filled(paths.UNIT_BAM, sample="PT01-normal", unit="L001")
    assert "Error in rule bwa_mem" in said
    assert f"concord: {unit_bam} is not a complete BAM: samtools quickcheck fails" in said
    assert "was missing EOF block" in said
    assert not (workdir.path / unit_bam).exists()
    assert not (workdir.path / NORMAL_BAM).exists()  # markdup never merged what was left


def test_a_vcf_cut_short_by_bcftools_fails_the_gather_naming_it(workdir, lying):
    lying("bcftools", "norm", "truncate")
    pair = {"patient": "PT01", "tumor": "PT01-tumor", "normal": "PT01-normal"}
    somatic = filled(paths.SOMATIC_VCF, **pair)
    said = run_to_failure(workdir, somatic)
    joint = filled(paths.JOINT_VCF, **pair)
    assert "Error in rule gather_joint_calls" in said
    # bcftools index checks the BGZF end-of-file block
    assert f"index: the input is probably truncated, use -f to index anyway: {joint}" in said
    assert not (workdir.path / joint).exists()
    assert not (workdir.path / somatic).exists()


MATRICES = sorted(paths.EXPRESSION_MATRICES.values())


def test_an_empty_quant_sf_from_salmon_fails_salmon_quant(workdir, lying):
    lying("salmon", "quant", "empty", "quant.sf")
    said = run_to_failure(workdir, *MATRICES)
    assert "Error in rule salmon_quant" in said
    assert re.search(
        r"salmon exited 0 but left \S*results/expression/salmon/PT0[12]-rna/quant.sf empty", said
    )
    assert not list((workdir.path / paths.EXPRESSION).glob("*.tsv"))


def test_equivalence_classes_cut_short_fail_before_the_matrices(workdir, lying):
    lying("salmon", "quant", "truncate", "aux_info/eq_classes.txt.gz")
    said = run_to_failure(workdir, *MATRICES)
    assert "Error in rule expression_quant" in said
    assert "salmon's equivalence classes are cut short or damaged" in said
    assert not list((workdir.path / paths.EXPRESSION).glob("*.tsv"))


# --- concurrency and a full disk --------------------------------------------------------------


def test_two_runs_in_two_directories_at_once_share_nothing(tmp_path_factory):
    a, b = (Workdir(tmp_path_factory.mktemp(name)) for name in ("run_a", "run_b"))
    fastp_a = paths.fill(paths.FASTP_JSON, sample="PT01-tumor", unit="L001")
    fastp_b = paths.fill(paths.FASTP_JSON, sample="PT02-normal", unit="L001")
    first = start(a, "--cores", "1", fastp_a, paths.REFERENCE_FAI)
    stop_when_running(first, "fastp")  # a holds its directory while b runs from start to end
    try:
        second = b.run("--cores", "1", fastp_b, paths.REFERENCE_FAI)
    finally:
        assert resume(first) == 0, stderr_of(first)[-3000:]
    assert second.returncode == 0, second.stderr[-3000:]

    def written(w: Workdir) -> set[str]:
        return {str(f.relative_to(w.path)) for f in (w.path / "results").rglob("*") if f.is_file()}

    assert fastp_a in written(a) and fastp_b in written(b)
    assert not {f for f in written(a) if "PT02" in f}
    assert not {f for f in written(b) if "PT01" in f}
    for w, other in ((a, b), (b, a)):
        for f in (w.path / "results").rglob("*"):
            if f.is_file() and f.suffix in (".json", ".txt", ".tsv", ".fai"):
                assert str(other.path) not in f.read_text(), f


@pytest.fixture
def small_results(workdir):
    """small_results(size): the run's results/ on a tmpfs of that size, unmounted after the
    test; skipped with the reason where mount is not allowed."""
    results = workdir.path / "results"

    def mount(size: str) -> Path:
        results.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(results)],
            capture_output=True, text=True,
        )  # fmt: skip
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
        return results

    try:
        yield mount
    finally:
        if results.is_mount():
            subprocess.run(["umount", "--lazy", str(results)], check=True)


def bam_records(bam: Path) -> str:
    view = subprocess.run(["samtools", "view", bam], capture_output=True, text=True, check=True)
    return view.stdout


def test_a_full_disk_fails_cleanly_and_the_same_command_completes_after(
    run_two_threads, workdir, small_results
):
    # one sample's alignment needs about 2 MB under results/: the reference's index, the
    # trimmed reads, the BAMs
    results = small_results("1m")
    full = start(workdir, *PROFILE, NORMAL_BAM)
    assert full.wait() != 0
    said = stderr_of(full)
    assert f"concord: the run failed, and {results} has " in said
    assert "free space and run the same command again" in said
    assert broken_finished_outputs(workdir) == []  # nothing cut short is left as finished
    assert not (workdir.path / NORMAL_BAM).exists()
    subprocess.run(["mount", "-o", "remount,size=64m", str(results)], check=True)
    again = start(workdir, *PROFILE, NORMAL_BAM)
    assert again.wait() == 0, stderr_of(again)[-3000:]
    assert broken_finished_outputs(workdir) == []
    expected = bam_records(run_two_threads.path / NORMAL_BAM)
    assert bam_records(workdir.path / NORMAL_BAM) == expected


def test_fastp_on_a_full_disk_fails_instead_of_leaving_its_reads_cut_short(workdir, small_results):
    # fastp exits 0 when a write fails: its trimmed FASTQs (~160 kB each) and reports (~540 kB)
    # do not fit
    small_results("250k")
    fastp = paths.fill(paths.FASTP_JSON, sample="PT01-normal", unit="L001")
    full = start(workdir, *PROFILE, fastp)
    assert full.wait() != 0
    said = stderr_of(full)
    assert "Error in rule fastp" in said
    trimmed = paths.fill(paths.TRIMMED_R2, sample="PT01-normal", unit="L001")
    assert re.search(r"concord: results/\S+ was not written whole \(", said)
    assert broken_finished_outputs(workdir) == []
    assert not (workdir.path / trimmed).exists()
    assert not (
        workdir.path / paths.fill(paths.FASTP_HTML, sample="PT01-normal", unit="L001")
    ).exists()
