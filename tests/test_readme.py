"""The README's commands, pasted as written into a fresh copy of the workflow."""

import base64
import re
import subprocess

import pytest

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
    # report.md rides inside the HTML report, verdicts and all
    start = html.index("base64,", html.index('"data_uri"', html.index('"results/demo/report.md": {'))) + len("base64,")
    embedded = base64.b64decode(html[start:html.index('"', start)]).decode()
    assert "## Verdicts at a glance" in embedded and "**supported**" in embedded and "nan" not in embedded.split()
    assert (workflow_dir / "results/demo/tables/table1.md").exists()
