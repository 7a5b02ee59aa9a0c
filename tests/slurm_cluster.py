"""A real single-node Slurm cluster for the tests, from Debian's packages (munge, slurmctld,
slurmd, slurm-client; scripts/setup/install_tools.sh --test installs them).

Everything lives in one temporary directory: the munge key and socket, slurm.conf, state, spool
and logs. The daemons run in the foreground as children of the test and are stopped by PID.
Two things cannot be private (docs/development.md): the Slurm executor plugin strips SLURM_CONF
before its inner `srun`, so /etc/slurm/slurm.conf must be this cluster's config (a symlink,
removed again afterwards); and the daemons need root.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PLACEHOLDER = "FILL_IN_PARTITION"
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
PREFIX = "concord-slurm-"
PARTITION = "concord"
DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "srun", "scancel", "sinfo", "scontrol")

# The demo's rules ask for what a real genome needs (salmon_index 16 GB) and use a few hundred
# MB: the node declares CPUs and memory itself (SlurmdParameters=config_overrides) so that every
# request fits on any CI machine. Memory is enforced on what a job really uses: jobacct_gather
# polls every second and kills a step above its --mem (OverMemoryKill; no cgroups needed).
SLURM_CONF = """\
ClusterName=concordtest
SlurmctldHost=localhost
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={munge_socket}
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/run/slurmctld.pid
SlurmdPidFile={root}/run/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=task=1
JobAcctGatherParams=OverMemoryKill
# squeue answers for finished jobs this long: the plugin's status command without slurmdbd
MinJobAge=600
ReturnToService=2
SlurmdParameters=config_overrides
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs={cpus} RealMemory={memory_mb} State=UNKNOWN
PartitionName={partition} Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


class Unavailable(Exception):
    """Slurm cannot run here; the message says why (the test is skipped with it)."""


def slurm_profile(cluster: SlurmCluster, directory: Path) -> str:
    """profiles/slurm as a centre fills it in, in `directory`: only the partition replaced."""
    text = (REPO / "profiles" / "slurm" / "config.yaml").read_text()
    assert text.count(PLACEHOLDER) == 1, "profiles/slurm: one partition placeholder"
    profile = directory / "slurm-profile"
    profile.mkdir()
    (profile / "config.yaml").write_text(text.replace(PLACEHOLDER, cluster.partition))
    return str(profile)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def why_not_here() -> str | None:
    """Why this machine cannot start the test cluster, or None when it can."""
    if os.geteuid() != 0:
        return "the Slurm daemons need root"
    missing = [c for c in (*DAEMONS, *CLIENTS) if not shutil.which(c, path=f"/usr/sbin:{_path()}")]
    if missing:
        return f"not installed: {', '.join(missing)} (scripts/setup/install_tools.sh --test)"
    if SYSTEM_CONF.exists() or SYSTEM_CONF.is_symlink():
        target = os.path.realpath(SYSTEM_CONF)
        if PREFIX not in target:
            return f"{SYSTEM_CONF} belongs to another Slurm installation; not replacing it"
        if Path(target).exists():
            return f"{SYSTEM_CONF} points at a concord test cluster that is still running"
    return None


def _path() -> str:
    return os.environ.get("PATH", "")


class SlurmCluster:
    """munged, slurmctld and slurmd on this machine; `with SlurmCluster(...) as cluster:`."""

    def __init__(self, cpus: int, memory_mb: int = 64000):
        self.cpus = cpus
        self.memory_mb = memory_mb
        self.partition = PARTITION
        self.root: Path | None = None
        self.daemons: dict[str, subprocess.Popen] = {}

    def __enter__(self) -> SlurmCluster:
        reason = why_not_here()
        if reason:
            raise Unavailable(reason)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        # mkdtemp is 0700; munged needs every user to be able to reach its socket directory
        self.root = Path(tempfile.mkdtemp(prefix=PREFIX))
        self.root.chmod(0o755)
        for sub in ("munge", "munge-socket", "state", "spool", "run", "log"):
            (self.root / sub).mkdir(mode=0o755)
        (self.root / "munge").chmod(0o700)
        key = self.root / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        socket_path = self.root / "munge-socket" / "munge.socket"
        self._daemon(
            "munged",
            [shutil.which("munged", path="/usr/sbin:" + _path()), "--foreground",
             f"--socket={socket_path}", f"--key-file={key}",
             f"--pid-file={self.root / 'run' / 'munged.pid'}",
             f"--seed-file={self.root / 'munge' / 'munged.seed'}",
             f"--log-file={self.root / 'log' / 'munged.log'}"],
        )  # fmt: skip
        self._wait(socket_path.exists, "munged did not create its socket")
        conf = self.root / "slurm.conf"
        conf.write_text(
            SLURM_CONF.format(
                root=self.root,
                ctld_port=free_port(),
                slurmd_port=free_port(),
                munge_socket=socket_path,
                cpus=self.cpus,
                memory_mb=self.memory_mb,
                partition=self.partition,
            )
        )
        if SYSTEM_CONF.is_symlink():  # a stale link of an earlier test cluster (checked above)
            SYSTEM_CONF.unlink()
        SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
        SYSTEM_CONF.symlink_to(conf)
        sbin = "/usr/sbin:" + _path()
        self._daemon(
            "slurmctld", [shutil.which("slurmctld", path=sbin), "-D", "-i", "-f", str(conf)]
        )
        self._wait(lambda: self._run("scontrol", "ping").returncode == 0, "slurmctld is not up")
        self._daemon(
            "slurmd", [shutil.which("slurmd", path=sbin), "-D", "-N", "localhost", "-f", str(conf)]
        )
        self._wait(
            lambda: self._run("sinfo", "-h", "-o", "%t").stdout.strip() == "idle",
            "the node did not become idle",
        )

    def stop(self) -> None:
        """Cancel every job of this cluster, stop the daemons by PID, remove the config link."""
        if "slurmctld" in self.daemons and self.daemons["slurmctld"].poll() is None:
            self._run("scancel", "--full", "--partition", self.partition)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self._run("squeue", "-h").stdout.strip():
                time.sleep(1)
        for name in ("slurmd", "slurmctld", "munged"):
            process = self.daemons.get(name)
            if process is None or process.poll() is not None:
                continue
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        if self.root and SYSTEM_CONF.is_symlink():
            if os.path.realpath(SYSTEM_CONF) == str(self.root / "slurm.conf"):
                SYSTEM_CONF.unlink()

    def still_running(self) -> list[int]:
        """PIDs of this cluster's daemons that are still alive (none after stop())."""
        return [p.pid for p in self.daemons.values() if p.poll() is None]

    def log(self, name: str) -> str:
        path = self.root / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _daemon(self, name: str, cmd: list[str]) -> None:
        out = open(self.root / "log" / f"{name}.out", "w")
        self.daemons[name] = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        out.close()

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30)

    def _wait(self, ready, what: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if ready():
                return
            dead = [n for n, p in self.daemons.items() if p.poll() is not None]
            if dead:
                break
            time.sleep(0.3)
        logs = "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
            for p in sorted((self.root / "log").iterdir())
        )
        raise RuntimeError(f"test Slurm cluster: {what}\n{logs}")
