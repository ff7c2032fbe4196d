"""The demo through a real one-node SLURM cluster with Snakemake's SLURM executor plugin,
compared output by output with a local run of the same config and seed."""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import REPO, WorkflowCopy

pytestmark = pytest.mark.workflow
CLUSTER_SCRIPTS = REPO.parent / "shared" / "cluster"
def local_rules():
    """The rules the workflow runs on the submitting host (its `localrules:` lists)."""
    names = set()
    for path in (REPO / "workflow/rules").glob("*.smk"):
        for block in re.findall(r"^localrules:\n((?:    \w+,?\n)+)", path.read_text(), re.MULTILINE):
            names.update(re.findall(r"\w+", block))
    return names


LOCAL_RULES = local_rules()


def cannot_start_cluster():
    if os.geteuid() != 0:
        return "starting slurmctld/slurmd needs root"
    if shutil.which("apt-get") is None:
        return "no apt-get to install SLURM from Debian's packages"
    if not (CLUSTER_SCRIPTS / "start_local_slurm.sh").is_file():
        return f"no cluster scripts at {CLUSTER_SCRIPTS} (../shared is absent)"
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        return "snakemake-executor-plugin-slurm is not installed (pip install -e '.[cluster]')"
    return None


def controller_running():
    pid_file = Path(os.environ.get("SLURM_LOCAL_BASE", "/tmp/local-slurm")) / "run/slurmctld.pid"
    return pid_file.is_file() and Path(f"/proc/{pid_file.read_text().strip()}/comm").exists()


@pytest.fixture(scope="module")
def slurm_cluster():
    """A running one-node cluster. .ci/run starts one for the whole session (while SLURM's
    client is installed but no controller answers, every snakemake start waits 10 s for
    the plugin's `scontrol` query); otherwise this fixture starts one and stops it after."""
    reason = cannot_start_cluster()
    if reason:
        pytest.skip(reason)
    started_here = not controller_running()
    subprocess.run(["bash", CLUSTER_SCRIPTS / "start_local_slurm.sh"], check=True, timeout=600)
    yield
    if started_here:
        subprocess.run(["bash", CLUSTER_SCRIPTS / "stop_local_slurm.sh"], check=True, timeout=120)


def cluster_profile(folder):
    """profiles/slurm as a user would fill it in, plus what this accounting-less test cluster
    needs (squeue for status: sacct would hang; a short first status check)."""
    profile = yaml.safe_load((REPO / "profiles/slurm/config.yaml").read_text())
    profile["default-resources"]["slurm_partition"] = "debug"
    del profile["default-resources"]["slurm_account"]
    profile.update({"slurm-no-account": True, "slurm-status-command": "squeue",
                    "slurm-init-seconds-before-status-checks": 2, "jobs": 4, "latency-wait": 5,
                    # bundle the demo's many one-second jobs into a few allocations; a group
                    # asks for at most the node's 2 cores and 8 GB (--cores / --resources)
                    "group-components": ["training=100", "projections=20", "baselines=20"],
                    "cores": 2, "resources": ["mem_mb=8000"]})
    (folder / "profile").mkdir()
    (folder / "profile/config.yaml").write_text(yaml.safe_dump(profile))
    return str(folder / "profile")


def comparable(path):
    """A result file's content without what legitimately differs between runs: timings (and
    the rows that judge one), and the provenance record (the two runs sit in two folders, so
    their package paths differ)."""
    if path.suffix == ".npz":
        with np.load(path) as f:
            return {key: f[key].tobytes() for key in f if key != "provenance"}
    if path.suffix == ".csv":
        table = pd.read_csv(path)
        table = table.drop(columns=[c for c in table.columns if "seconds" in c])
        timed = table.astype(str).apply(lambda column: column.str.contains("seconds")).any(axis=1)
        return table[~timed].to_csv(index=False)  # a judged claim on a time is a timing too
    record = json.loads(path.read_text())
    if not isinstance(record, dict):
        return record
    return {k: v for k, v in record.items() if "seconds" not in k and k != "provenance"}


def demo_one_setting(workflow):
    """The demo matrix under one optimizer setting and one seed (47 trainings, every stage): the whole
    demo through SLURM takes 6 minutes here, too long beside the rest of CI."""
    config = yaml.safe_load((workflow / "config/demo.yaml").read_text())
    config["mlp"]["default_settings"] = ["adam_lr0.001"]
    # one seed per run: the extra seeds of the claims and hypotheses add nothing to what this test proves
    experiments = yaml.safe_load((workflow / config["mlp"]["experiments"]).read_text())
    grids = [grid["base"] for grid in experiments["grids"].values()]
    experiments.pop("role_seeds", None)
    for declared in [*experiments["roles"].values(), *experiments["runs"].values(), *grids]:
        declared.pop("seeds", None)
    (workflow / "slurm_experiments.yaml").write_text(yaml.safe_dump(experiments, sort_keys=False))
    config["mlp"]["experiments"] = "slurm_experiments.yaml"
    (workflow / "slurm_demo.yaml").write_text(yaml.safe_dump(config))
    return "slurm_demo.yaml"


def test_demo_through_slurm_equals_a_local_run(slurm_cluster, tmp_path):
    local, cluster = WorkflowCopy(tmp_path / "local"), WorkflowCopy(tmp_path / "slurm")
    start = time.perf_counter()
    result = cluster.run("--profile", cluster_profile(cluster.folder), "--configfile", demo_one_setting(cluster))
    slurm_seconds = time.perf_counter() - start
    assert result.returncode == 0, result.output[-4000:]
    start = time.perf_counter()
    assert local.run("--cores", "2", "--configfile", demo_one_setting(local)).returncode == 0
    local_seconds = time.perf_counter() - start

    job_ids = {}
    for log in (cluster / "results/demo/logs").rglob("*.log"):
        name = log.relative_to(cluster / "results/demo/logs").parts[0].removesuffix(".log")  # <rule>[_<job>]
        match = re.search(r"as SLURM job (\d+)", log.read_text())
        if not any(name == rule or name.startswith(f"{rule}_") for rule in LOCAL_RULES):
            assert match, f"{log} ran outside SLURM"
            job_ids[str(log)] = match[1]
    squeue = subprocess.run(["squeue", "--states=all", "-h", "-o", "%i %T"], capture_output=True, text=True,
                            check=True)
    states = dict(line.split() for line in squeue.stdout.splitlines())
    assert {job_id: states.get(job_id) for job_id in job_ids.values()} == {j: "COMPLETED" for j in job_ids.values()}

    files = sorted(p.relative_to(local / "results") for p in (local / "results").rglob("*")
                   if p.suffix in (".npz", ".csv", ".json"))
    assert len(files) > 100  # data, mining, 47 trainings, baselines, tables
    different = [str(f) for f in files if comparable(local / "results" / f) != comparable(cluster / "results" / f)]
    assert not different
    print(f"demo matrix through SLURM: {len(job_ids)} jobs run under sbatch (SLURM job ids "
          f"{min(map(int, job_ids.values()))}-{max(map(int, job_ids.values()))}), all COMPLETED; "
          f"{len(files)} result files equal to the local run; wall time {slurm_seconds:.0f} s "
          f"through SLURM, {local_seconds:.0f} s locally")
