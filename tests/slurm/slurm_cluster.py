"""A one-node Slurm cluster (Debian's slurm-wlm 22.05) in a temporary folder, for tests.

slurmctld and slurmd run in the foreground (-D) as children of this process, as root, on
127.0.0.1 with free ports, with authentication `auth/none` (no munge) and `MpiDefault=pmix`
(srun needs PMIx to start Open MPI ranks); all their state, spool, logs and pid files are in
the folder. `stop()` cancels the cluster's jobs and ends the two daemons by their pids only.

    with SlurmCluster(folder) as cluster:
        env = cluster.env()   # SLURM_CONF and the Open MPI root variables
        subprocess.run(["sbatch", "--wait", ...], env=env)
"""
import os
import shutil
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def slurm_available():
    return all(shutil.which(p) for p in ("slurmctld", "slurmd", "sbatch", "srun", "scancel",
                                         "squeue", "sinfo"))


class SlurmCluster:
    def __init__(self, folder, cpus=2):
        self.folder = os.path.abspath(folder)
        self.cpus = cpus
        self.node = socket.gethostname().split(".")[0]
        self.conf = os.path.join(self.folder, "slurm.conf")
        self.daemons = []

    def env(self):
        env = dict(os.environ)
        env.update(SLURM_CONF=self.conf, OMPI_ALLOW_RUN_AS_ROOT="1",
                   OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
        # Variables of an enclosing allocation would confuse sbatch and srun.
        for name in list(env):
            if name.startswith(("SLURM_", "SBATCH_", "SRUN_", "SALLOC_")) and name != "SLURM_CONF":
                del env[name]
        return env

    def write_config(self):
        for sub in ("state", "spool", "log"):
            os.makedirs(os.path.join(self.folder, sub), exist_ok=True)
        f = self.folder
        text = f"""# A one-node test cluster (tests/slurm/slurm_cluster.py)
ClusterName=terrafatetest
SlurmctldHost={self.node}(127.0.0.1)
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/none
CredType=cred/none
StateSaveLocation={f}/state
SlurmdSpoolDir={f}/spool
SlurmctldPidFile={f}/slurmctld.pid
SlurmdPidFile={f}/slurmd.pid
SlurmctldLogFile={f}/log/slurmctld.log
SlurmdLogFile={f}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=pmix
SlurmdParameters=config_overrides
ReturnToService=2
SchedulerParameters=sched_interval=2
KillWait=10
MinJobAge=600
NodeName={self.node} NodeAddr=127.0.0.1 CPUs={self.cpus} Boards=1 SocketsPerBoard=1 CoresPerSocket={self.cpus} ThreadsPerCore=1 RealMemory=1000 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
"""
        with open(self.conf, "w") as out:
            out.write(text)

    def start(self, timeout=60):
        os.makedirs(self.folder, exist_ok=True)
        self.write_config()
        env = self.env()
        log = open(os.path.join(self.folder, "log", "daemons.out"), "w")
        self.daemons.append(subprocess.Popen(["slurmctld", "-D", "-i", "-f", self.conf], env=env,
                                             stdout=log, stderr=subprocess.STDOUT))
        self.daemons.append(subprocess.Popen(["slurmd", "-D", "-f", self.conf, "-N", self.node],
                                             env=env, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.time() + timeout
        while time.time() < deadline:
            for daemon in self.daemons:
                if daemon.poll() is not None:
                    raise RuntimeError(f"a Slurm daemon exited with status {daemon.returncode}:\n"
                                       + self.logs())
            state = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], env=env,
                                   capture_output=True, text=True)
            if state.returncode == 0 and state.stdout.strip() in ("idle", "idle~"):
                return self
            time.sleep(0.5)
        raise RuntimeError("the Slurm node did not become idle:\n" + self.logs())

    def logs(self):
        text = ""
        for name in ("slurmctld.log", "slurmd.log", "daemons.out"):
            path = os.path.join(self.folder, "log", name)
            if os.path.exists(path):
                text += f"--- {name} (end) ---\n" + open(path).read()[-3000:]
        return text

    def stop(self):
        env = self.env()
        if self.daemons and self.daemons[0].poll() is None:
            subprocess.run(["scancel", "--full", "--quiet", "--user=root"], env=env,
                           capture_output=True, timeout=30)
            deadline = time.time() + 30
            while time.time() < deadline:
                jobs = subprocess.run(["squeue", "-h", "-o", "%i"], env=env, capture_output=True,
                                      text=True, timeout=30)
                if jobs.returncode != 0 or not jobs.stdout.strip():
                    break
                time.sleep(0.5)
        for daemon in reversed(self.daemons):
            if daemon.poll() is None:
                daemon.send_signal(signal.SIGTERM)
        for daemon in reversed(self.daemons):
            try:
                daemon.wait(timeout=30)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
        self.daemons = []

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc):
        self.stop()
        return False
