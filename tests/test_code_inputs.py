"""Each rule's code inputs are the leanmlp modules its script imports, followed transitively;
editing one replans exactly the affected stages; and a workflow always runs the leanmlp beside
it, whatever the environment holds (two clones, one environment)."""

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO, WorkflowCopy
from leanmlp.provenance import code_digest, imported_modules

SCRIPTS = sorted((REPO / "scripts").glob("*.py"))


def direct_imports(path):
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("leanmlp."):
            names.add(node.module.split(".")[1])
    return names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.stem)
def test_every_script_import_is_a_code_input(script):
    covered = {Path(p).stem for p in imported_modules(script)}
    assert direct_imports(script) <= covered
    # and what those modules import, in turn
    for module in direct_imports(script):
        assert direct_imports(REPO / "leanmlp" / f"{module}.py") <= covered | {module}


def test_every_rule_takes_its_own_scripts_code():
    for path in (REPO / "workflow/rules").glob("*.smk"):
        for block in re.split(r"(?m)^rule ", path.read_text())[1:]:
            script = re.search(r'"\.\./\.\./scripts/(\w+)\.py"', block)
            if script:
                assert f'code=script_code("{script[1]}")' in block, block.splitlines()[0]


def snakemake(workflow, *args, env=None):
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workflow.folder, env=env,
                          capture_output=True, text=True, timeout=600)


TARGET = "results/demo/mlp/adam_lr0.001/h1x32/seed0/metrics.json"


def planned_rules(workflow, env=None):
    result = snakemake(workflow, "-n", TARGET, "--quiet", "rules", "--configfile", "config/demo.yaml", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return set(re.findall(r"^(\w+)\s+\d+$", result.stdout, re.MULTILINE)) - {"total"}


@pytest.mark.workflow
def test_editing_any_imported_module_replans_its_stages_only(tmp_path):
    workflow = WorkflowCopy(tmp_path)
    assert snakemake(workflow, "--cores", "2", TARGET, "--configfile", "config/demo.yaml").returncode == 0
    assert planned_rules(workflow) == set()
    def edited(name):
        """Append a comment to a module, ask what is planned, and put the module back as it was."""
        path = tmp_path / "leanmlp" / name
        text, times = path.read_text(), path.stat()
        path.write_text(text + "\n# an edit\n")
        try:
            return planned_rules(workflow)
        finally:
            path.write_text(text)
            os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))

    for module in map(Path, imported_modules(REPO / "scripts/train_mlp.py")):
        assert "train_mlp" in edited(module.name), module.name
    assert edited("reporting.py") == set()  # no stage of this target imports it
    assert planned_rules(workflow) == set()

@pytest.mark.workflow
def test_a_second_clone_runs_its_own_code_whatever_the_environment_holds(tmp_path):
    """The environment's leanmlp is this repository's (editable install, and PYTHONPATH for a
    stand-in of any other install); the clone's edit must still be what runs."""
    clone = WorkflowCopy(tmp_path / "clone")
    providers = tmp_path / "clone/leanmlp/data_providers.py"
    source = providers.read_text()
    assert "PIXEL_SCALE = np.float32(1 / 255)" in source
    providers.write_text(source.replace("PIXEL_SCALE = np.float32(1 / 255)", "PIXEL_SCALE = np.float32(0)"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = snakemake(clone, "--cores", "2", TARGET, "--configfile", "config/demo.yaml", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    metrics = json.loads((clone / TARGET).read_text())
    assert metrics["provenance"]["package"] == str(tmp_path / "clone/leanmlp")
    assert metrics["final_valid_acc"] < 0.3  # every input scaled to zero: the clone's constant ran
    # and the clone's code digest is what decides its reruns: the repository's edit is not the clone's
    assert code_digest(tmp_path / "clone/scripts/train_mlp.py", package_dir=tmp_path / "clone/leanmlp") != \
        code_digest(REPO / "scripts/train_mlp.py")
