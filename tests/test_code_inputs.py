"""Each rule's code inputs are the leanmlp modules its script imports, followed transitively;
editing one replans exactly the affected stages; and a workflow always runs the leanmlp beside
it, whatever the environment holds (two clones, one environment)."""

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, WorkflowCopy

from leanmlp.provenance import code_digest, imported_modules

SCRIPTS = sorted((REPO / "scripts").glob("*.py"))


LOADER = """
import importlib, json, sys
found = {}
for script, names in json.loads(sys.argv[1]).items():
    for name in [n for n in sys.modules if n.split(".")[0] == "leanmlp"]:
        del sys.modules[name]  # each script starts from no leanmlp module loaded
    for name in names:
        importlib.import_module(name)
    found[script] = [m.__file__ for n, m in sys.modules.items() if n.split(".")[0] == "leanmlp"]
print(json.dumps(found))
"""


def loaded_modules():
    """{script: the files of leanmlp that Python itself loads when it imports what the script
    imports from leanmlp}, in one fresh interpreter that forgets leanmlp between scripts."""
    names = {script.name: sorted({node.module for node in ast.walk(ast.parse(script.read_text()))
                                  if isinstance(node, ast.ImportFrom) and node.module
                                  and node.module.startswith("leanmlp")})
             for script in SCRIPTS}
    done = subprocess.run([sys.executable, "-c", LOADER, json.dumps(names)], cwd=REPO, capture_output=True,
                          text=True, check=True)
    return {name: set(files) for name, files in json.loads(done.stdout).items()}


def test_every_module_a_script_loads_is_a_code_input():
    """What the parser finds covers what Python loads, in every subpackage (the parser also
    follows imports inside functions, which a plain import does not run)."""
    loaded = loaded_modules()
    for script in SCRIPTS:
        assert loaded[script.name], script.name
        assert loaded[script.name] <= set(imported_modules(script)), script.name


def script_rules():
    """[(rule, its block of the .smk file, the name of its script)] of every rule that runs one
    of scripts/."""
    found = []
    for path in (REPO / "workflow/rules").glob("*.smk"):
        for block in re.split(r"(?m)^rule ", path.read_text())[1:]:
            script = re.search(r'"\.\./\.\./scripts/(\w+)\.py"', block)
            if script:
                found.append((block.split(":")[0], block, script[1]))
    return found


def rule_scripts():
    """{rule: its script} of every rule that runs one of scripts/."""
    return {rule: REPO / "scripts" / f"{name}.py" for rule, _, name in script_rules()}


def test_every_rule_takes_its_own_scripts_code():
    for rule, block, name in script_rules():
        assert f'code=script_code("{name}")' in block, rule


def snakemake(workflow, *args, env=None):
    return subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=workflow.folder, env=env,
                          capture_output=True, text=True, timeout=600)


TARGET = "results/demo/mlp/adam_lr0.001/h1x32/seed0/metrics.json"


def planned_rules(workflow, env=None):
    result = snakemake(workflow, "-n", TARGET, "--quiet", "rules", "--configfile", "config/demo.yaml", env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return set(re.findall(r"^(\w+)\s+\d+$", result.stdout, re.MULTILINE)) - {"total"}


HELD_OUT_EDITS = ("nn/penalties.py", "data/checksums.py", "mining/inputs.py", "deploy/model_io.py",
                  "study/matrix.py", "report/plots.py", "imports.py", "plan.py")


def test_the_held_out_edits_cover_every_subpackage():
    subpackages = {path.parent.name for path in (REPO / "leanmlp").glob("*/__init__.py")}
    assert subpackages <= {Path(module).parent.name for module in HELD_OUT_EDITS}


@pytest.mark.workflow
def test_editing_a_deep_module_of_each_subpackage_replans_exactly_its_stages(tmp_path):
    """A deep module of every subpackage, and of the base, edited in turn: the stages planned
    again are exactly those of the target's jobs whose script imports it, directly or not, and
    the jobs after them (none for a module no stage of the target imports). Each edit costs a
    dry run, so this takes one module a subpackage; the unit test above covers them all."""
    workflow = WorkflowCopy(tmp_path)
    assert snakemake(workflow, "--cores", "2", TARGET, "--configfile", "config/demo.yaml").returncode == 0
    assert planned_rules(workflow) == set()
    graph = snakemake(workflow, "--rulegraph", "dot", TARGET, "--configfile", "config/demo.yaml").stdout
    rules = dict(re.findall(r'^\s*(\d+)\[label = "(\w+)"', graph, re.MULTILINE))
    downstream = {rule: {rule} for rule in rules.values()}
    for _ in rules:  # a job planned again plans every job after it
        for before, after in re.findall(r"^\s*(\d+) -> (\d+)", graph, re.MULTILINE):
            downstream[rules[before]] |= downstream[rules[after]]
    scripts = {rule: script for rule, script in rule_scripts().items() if rule in downstream}
    assert {"convert", "split", "train_mlp"} <= set(scripts)
    uses = {rule: {Path(m).relative_to(REPO / "leanmlp") for m in imported_modules(script)}
            for rule, script in scripts.items()}

    def edited(module):
        """Append a comment to a module, ask what is planned, and put the module back as it was."""
        path = tmp_path / "leanmlp" / module
        text, times = path.read_text(), path.stat()
        path.write_text(text + "\n# an edit\n")
        try:
            return planned_rules(workflow)
        finally:
            path.write_text(text)
            os.utime(path, ns=(times.st_atime_ns, times.st_mtime_ns))

    for module in map(Path, HELD_OUT_EDITS):
        expected = set().union(*(downstream[rule] for rule, used in uses.items() if module in used))
        assert edited(module) == expected, module
    assert planned_rules(workflow) == set()


@pytest.mark.workflow
def test_a_second_clone_runs_its_own_code_whatever_the_environment_holds(tmp_path):
    """The environment's leanmlp is this repository's (editable install, and PYTHONPATH for a
    stand-in of any other install); the clone's edit must still be what runs."""
    clone = WorkflowCopy(tmp_path / "clone")
    providers = tmp_path / "clone/leanmlp/nn/data_providers.py"
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


def test_editing_any_module_of_any_subpackage_changes_exactly_its_scripts_code(tmp_path):
    """Every module of the package, edited in turn in a copy: the code digest changes for
    exactly the scripts that import it, directly or through other modules, so Snakemake replans
    exactly their stages (the workflow test below shows that on real dry runs)."""
    package = tmp_path / "leanmlp"
    shutil.copytree(REPO / "leanmlp", package, ignore=shutil.ignore_patterns("__pycache__"))
    uses = {script: {Path(m).relative_to(package) for m in imported_modules(script, package_dir=package)}
            for script in SCRIPTS}
    before = {script: code_digest(script, package_dir=package) for script in SCRIPTS}
    modules = sorted(path.relative_to(package) for path in package.rglob("*.py"))
    assert {module.parts[0] for module in modules if len(module.parts) > 1} == {
        "nn", "data", "mining", "deploy", "study", "report"}
    for module in modules:
        path = package / module
        text = path.read_text()
        path.write_text(text + "\n# an edit\n")
        try:
            changed = {script for script in SCRIPTS if code_digest(script, package_dir=package) != before[script]}
        finally:
            path.write_text(text)
        assert changed == {script for script in SCRIPTS if module in uses[script]}, module


def test_a_script_its_modules_and_the_templates_they_name_decide_its_code_not_their_times(tmp_path):
    """The code digest is of contents: the report template edited changes exactly the report
    script's digest, a script edited changes its own, and touching every file changes none."""
    package, scripts = tmp_path / "leanmlp", tmp_path / "scripts"
    shutil.copytree(REPO / "leanmlp", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "scripts", scripts)
    copies = sorted(scripts.glob("*.py"))

    def digests():
        return {script.name: code_digest(script, package_dir=package) for script in copies}

    before = digests()
    for file in [*package.rglob("*"), *copies]:
        os.utime(file)
    assert digests() == before
    template = package / "report/templates/report.md.j2"
    template.write_text(template.read_text() + "\nan edit\n")
    assert {name for name, digest in digests().items() if digest != before[name]} == {"report.py"}
    template.write_text(template.read_text().removesuffix("\nan edit\n"))
    (scripts / "collect.py").write_text((scripts / "collect.py").read_text() + "\n# an edit\n")
    assert {name for name, digest in digests().items() if digest != before[name]} == {"collect.py"}


LONGEST_FUNCTION = 60  # lines, in the rooms a researcher extends most: the study and the report


def test_no_function_of_the_study_or_the_report_is_longer_than_a_screen():
    long = []
    for path in sorted([*(REPO / "leanmlp/study").glob("*.py"), *(REPO / "leanmlp/report").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.end_lineno - node.lineno + 1 > LONGEST_FUNCTION:
                long.append(f"{path.name}:{node.name} ({node.end_lineno - node.lineno + 1} lines)")
    assert not long
