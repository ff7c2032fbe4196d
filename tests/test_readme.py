"""The README's commands, pasted as written into a fresh copy of the workflow."""

import base64
import re
import subprocess

import pytest
import yaml
from conftest import REPO

pytestmark = pytest.mark.workflow

SECTIONS = ("### Running parts of it", "### Changing one value")


def readme_commands():
    text = (REPO / "README.md").read_text()
    commands = []
    for heading in SECTIONS:
        section = text.split(heading, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
        for block in re.findall(r"```bash\n(.*?)```", section, re.DOTALL):
            for line in block.splitlines():
                command = line.split("  #")[0].strip()
                if command:
                    commands.append(command)
    return commands


def test_the_readme_names_its_commands():
    commands = readme_commands()
    assert len(commands) >= 8 and all("--configfile" in c for c in commands if c.startswith("snakemake"))


def test_every_readme_command_works_in_a_fresh_copy(workflow_dir):
    for command in readme_commands():
        result = subprocess.run(command, shell=True, cwd=workflow_dir.folder, capture_output=True, text=True,
                                timeout=900)
        assert result.returncode == 0, f"{command}\n{result.stderr[-3000:]}"
    html = (workflow_dir / "results/demo/report.html").read_text()
    assert len(html) > 100_000
    assert not (workflow_dir / "report.html").exists()  # nothing lands in the repository's root
    # the report rides inside the HTML report, rendered, with every claim's verdict
    page = embedded(html, "results/demo/report_page.html")
    assert "<h2>Verdicts at a glance</h2>" in page and "<table>" in page and "nan" not in page.split()
    experiments = yaml.safe_load((workflow_dir / "config/experiments/paper.yaml").read_text())
    glance = page.split("<h2>Verdicts at a glance</h2>")[1].split("<h2>")[0]
    # one verdict per setting; a claim on a size, once for every setting
    verdicts = {claim["id"]: 1 if "fact" in claim else 2 for claim in experiments["claims"]}
    for claim_id, count in verdicts.items():
        assert glance.count(f"<code>{claim_id}</code>") == count, claim_id
    assert glance.count("<strong>") == sum(verdicts.values())
    assert "## Verdicts at a glance" in embedded(html, "results/demo/report.md")
    assert (workflow_dir / "results/demo/tables/table1.md").exists()
    # the "Changing one value" examples ran under their own name: the demo's trainings stand
    assert (workflow_dir / "results/demo_5_epochs/mlp").is_dir()
    dry = workflow_dir.run("-n", "--quiet", "rules", "--configfile", "config/demo.yaml")
    assert dry.returncode == 0 and "train_mlp" not in dry.output, dry.output[-2000:]


def embedded(html, path):
    """A file that Snakemake's HTML report carries as a base64 data URI."""
    start = html.index("base64,", html.index('"data_uri"', html.index(f'"{path}": {{'))) + len("base64,")
    return base64.b64decode(html[start:html.index('"', start)]).decode()
