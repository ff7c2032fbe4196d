"""The demo as a user runs it (the workflow's profile, the README's commands), then read as a
person reads it: the terminal, the Markdown report and both HTML pages in a real browser."""

import re
import shutil

import pytest
from browser import CHROMIUM, MISSING, look_at, open_result
from conftest import REPO, WorkflowCopy
from test_workflow_report import TRAINING_JOBS

pytestmark = pytest.mark.workflow

FIGURES = 19  # figure 0 (ours), the paper's figures 1-15, and ours 16-18


@pytest.fixture(scope="module")
def user_demo(tmp_path_factory):
    """The demo run and its HTML report made with the README's commands, in a fresh copy."""
    folder = tmp_path_factory.mktemp("user_demo")
    workflow = WorkflowCopy(folder)
    shutil.copytree(REPO / "profiles", folder / "profiles")
    run = workflow.run("--cores", "2", "--configfile", "config/demo.yaml")
    assert run.returncode == 0, run.output[-3000:]
    report = workflow.run("--configfile", "config/demo.yaml", "--report", "results/demo/report.html")
    assert report.returncode == 0, report.output[-3000:]
    return workflow, run.output, report.output


def test_the_demo_terminal_is_readable(user_demo):
    """At most 600 lines for its 335 jobs (2,717 before Snakemake's per-job lines were
    condensed), every line a job prints tagged with its job, and the run ends naming its report."""
    workflow, output, _ = user_demo
    lines = output.splitlines()
    assert len(lines) <= 600, len(lines)
    assert "Select jobs to execute" not in output and "Finished jobid" not in output
    job_lines = [line for line in lines if re.match(r"\d\d:\d\d:\d\d \[", line)]
    training = [line for line in job_lines if line[10:].startswith("train_mlp")]
    # one closing line a training, naming its job; a progress line only once a job has run half a
    # minute (none of the demo's do). Counted in the whole output: under load a line can arrive in
    # two writes with another job's line between them.
    closing = re.findall(r"\d\d:\d\d:\d\d \[train_mlp [^\]\s]+\] done in ", output)
    assert len(closing) == TRAINING_JOBS
    assert len(training) <= TRAINING_JOBS + sum("DIVERGED" in line for line in training)
    assert all(re.match(r"\d\d:\d\d:\d\d \[train_mlp [\w.]+/[\w.~-]+/seed\d+\] ", line) for line in training)
    assert all(re.match(r"\d\d:\d\d:\d\d \[baseline \w+\] ", line) for line in job_lines if "[baseline" in line)
    assert "The report: results/demo/report.md" in lines[-3] + lines[-2] + lines[-1]
    assert (workflow / "results/demo/config.yaml").exists()


def test_the_report_command_prints_no_warning_meant_for_snakemakes_developers(user_demo):
    _, _, report_output = user_demo
    assert "Warning" not in report_output and "tracemalloc" not in report_output, report_output[-2000:]
    assert "Report created." in report_output


def prose(report: str) -> str:
    """A report's sentences: every line but its tables' rows."""
    return "\n".join(line for line in report.splitlines() if not line.startswith("|"))


def published_figures() -> tuple[set[str], set[str]]:
    """The published run's own figures, read from its report (docs/reproduction): its split sizes
    (written with thousands commas, so they cannot arise by chance on the demo's small splits) and
    every number of its prose's sentences about the optimizers, with the numbers the report's old
    anomaly texts carried from it. (Its table cells are left out: the demo's accuracies, counts of
    269 images, meet many 4-digit numbers by chance.)"""
    published = (REPO / "docs/reproduction/report.md").read_text()
    sizes = set(re.search(r"train ([\d,]+), valid ([\d,]+), test ([\d,]+)\)", published).groups())
    # the run took the paper's own training size: that one is the paper's figure, which any report quotes
    sizes -= {f"{number:,}" for number in re.findall(r"\d+", (REPO / "config/paper_reference.yaml").read_text())
              for number in [int(number)]}
    optimizers = prose(published).split("## Which optimizer setting")[1].split("## Is the pruning")[0]
    numbers = {number for number in re.findall(r"\d+\.\d{2,}", optimizers)} - {"0.001", "0.1"}
    return sizes, numbers | {"0.69 valid", "49.5%", "26.5%", "47.9%"}


def test_the_demo_report_carries_no_number_of_another_datasets_run(user_demo):
    workflow, _, _ = user_demo
    report = (workflow / "results/demo/report.md").read_text()
    sizes, numbers = published_figures()
    assert sizes and len(numbers) >= 8
    assert not [size for size in sizes if size in report]
    assert not [number for number in numbers if re.search(rf"(?<![\d.]){re.escape(number)}(?!\d)", prose(report))]
    # the digits are not the paper's task: its measured numbers are shown beside ours, never judged
    # (what we compute from declared sizes, section 4.6's multiplications, still is)
    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in report.splitlines()
            if re.match(r"\| (table|figure)", line)]
    assert rows and not [row for row in rows if row[-1] in ("reproduced", "close", "differs")]
    assert "not comparable (another dataset)" in report
    assert "it learned" not in report or "did not learn" in report


@pytest.mark.skipif(CHROMIUM is None, reason=MISSING)
@pytest.mark.parametrize("width", [800, 1280, 1920])
def test_the_report_page_shows_every_figure_at_any_width(user_demo, width):
    workflow, _, _ = user_demo
    page = workflow / "results/demo/report_page.html"
    seen = look_at(page, width)
    assert seen["broken"] == [] and seen["overflow"] <= 0, (seen["broken"], seen["overflow"])
    # figure 0 and 18 where the text reads them, and every figure in the paper's order at the end
    assert len(seen["images"]) == FIGURES + 2
    assert all(0 < image["width"] <= width for image in seen["images"])
    names = [image["alt"] for image in seen["images"][2:]]
    assert names == sorted(names) and names[0].startswith("fig00_")
    assert "src=\"figures/" not in page.read_text()  # inlined: it renders inside the bundle too


@pytest.mark.skipif(CHROMIUM is None, reason=MISSING)
def test_the_html_report_opens_on_the_verdicts_and_figure_0_fills_the_window(user_demo):
    workflow, _, _ = user_demo
    bundle = workflow / "results/demo/report.html"
    first = look_at(bundle, 1600)
    assert "The verdicts of run demo" in first["text"] and "claim verdicts" in first["text"]
    assert "regularisation_closes_gap" in first["text"]
    assert first["broken"] == [] and first["overflow"] <= 0
    figure = look_at(bundle, 1600, action=open_result("fig00_paper_vs_ours.png"))
    assert figure["broken"] == [] and figure["overflow"] <= 0
    assert max(image["width"] for image in figure["images"]) > 1000  # not a thumbnail beside the menu
