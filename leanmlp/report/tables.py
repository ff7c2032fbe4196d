"""Tables and paper-versus-reproduction comparisons, built from the pipeline's outputs.

Everything here takes and returns plain data (dicts, pandas DataFrames); the stage
scripts read the files and write the results.
"""

import base64
import html
import json
import math
import os
import re
from pathlib import Path

import markdown
import pandas as pd

from leanmlp.nn.fitting import describe_run
from leanmlp.report.comparisons import missing
from leanmlp.study.claims import seed_summary


def job_table(metrics: list[dict]) -> pd.DataFrame:
    """One row per (setting, run, seed) from the metrics.json dicts of the training jobs."""
    rows = []
    for record in metrics:
        row = {key: value for key, value in record.items() if key not in ("hyperparameters", "provenance")}
        made_by = record.get("provenance") or {}
        row["commit"], row["dirty"] = made_by.get("commit"), made_by.get("dirty")
        row["description"] = describe_run(record["hyperparameters"])
        row["hidden"] = json.dumps(record["hyperparameters"]["hidden"])
        row["input"] = record["hyperparameters"].get("input", "raw")
        rows.append(row)
    return pd.DataFrame(rows)


def stage_times(benchmark_folder: str | Path) -> pd.DataFrame:
    """Wall seconds per rule, summed over its jobs, from Snakemake's benchmark files
    (<folder>/<rule>.tsv, or <folder>/<rule>/.../<job>.tsv)."""
    totals = {}
    for path in sorted(Path(benchmark_folder).rglob("*.tsv")):
        rule = path.relative_to(benchmark_folder).parts[0].removesuffix(".tsv")
        seconds = pd.read_csv(path, sep="\t")["s"].iloc[-1]
        count, total = totals.get(rule, (0, 0.0))
        totals[rule] = (count + 1, total + seconds)
    return pd.DataFrame([{"stage": rule, "jobs": n, "wall seconds (sum)": round(s, 1)}
                         for rule, (n, s) in totals.items()])


REPORT_STYLE = """body { font-family: sans-serif; max-width: 75em; margin: 1em auto; padding: 0 1em;
       line-height: 1.4; overflow-wrap: anywhere; }
img { max-width: 100%; height: auto; display: block; margin: 0.5em 0; }
.wide { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; overflow-wrap: normal; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; }
th { background: #eee; }
blockquote { color: #444; border-left: 3px solid #ccc; margin-left: 0; padding-left: 1em; }"""

# A page's own pictures, named by a path relative to it (figures/fig00.png): inlined, so that the
# page shows them wherever it is opened, inside Snakemake's HTML report too.
RELATIVE_IMAGE = re.compile(r'<img alt="([^"]*)" src="(?!data:|https?:|/)([^"]+)"')


def markdown_html(text: str, images: str | Path | None = None) -> str:
    """Markdown as an HTML fragment: every table in a box that scrolls sideways on its own (the
    page never does), every picture under ``images`` inlined as a data URI."""
    body = markdown.markdown(text, extensions=["tables"])
    body = body.replace("<table>", '<div class="wide"><table>').replace("</table>", "</table></div>")
    if images is None:
        return body

    def inline(match: re.Match) -> str:
        picture = Path(images) / match[2]
        encoded = base64.b64encode(picture.read_bytes()).decode("ascii")
        return f'<img alt="{match[1]}" src="data:image/png;base64,{encoded}"'

    return RELATIVE_IMAGE.sub(inline, body)


def markdown_page(text: str, title: str, images: str | Path | None = None) -> str:
    """Markdown as a standalone HTML page (tables included), for Snakemake's HTML report; its
    pictures are inlined from the folder ``images`` (see ``markdown_html``)."""
    return (f"<!doctype html>\n<html><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{html.escape(title)}</title><style>{REPORT_STYLE}</style></head>\n<body>\n"
            f"{markdown_html(text, images)}\n</body></html>\n")


# The first page of Snakemake's HTML report: its description column is narrow (a rule graph
# sits beside it elsewhere) and centred top to bottom (a long page would lose its top), so the
# verdicts widen it and start it at the top; the selectors find only this fragment's page.
VERDICTS_STYLE = """.prose:has(#leanmlp-verdicts) { max-width: min(100%, 80rem); }
div.h-screen:has(#leanmlp-verdicts) { align-items: flex-start; }
#leanmlp-verdicts .wide { overflow-x: auto; }
#leanmlp-verdicts table { font-size: 0.8rem; }
#leanmlp-verdicts code::before, #leanmlp-verdicts code::after { content: none; }"""


def verdicts_fragment(text: str, name: str) -> str:
    """The verdicts at a glance (Markdown) as the HTML fragment Snakemake's report opens on."""
    return (f'<style>{VERDICTS_STYLE}</style>\n<div id="leanmlp-verdicts">\n'
            f"<h2>The verdicts of run {html.escape(name)}</h2>\n{markdown_html(text)}\n"
            "<p>The whole report, every number of the paper beside ours: <em>1. Verdicts</em> in the menu.</p>\n"
            "</div>\n")


def markdown_table(frame: pd.DataFrame, **options: object) -> str:
    """``frame`` as a Markdown table in which every missing value reads "—", never "nan"."""
    return frame.astype(object).where(frame.notna(), None).to_markdown(index=False, missingval="—", **options)


MEASURES = ("final_train_acc", "final_train_running_acc", "final_valid_acc", "best_valid_acc",
            "test_acc_final", "test_acc_best_valid", "seconds_total", "seconds_per_epoch_median",
            "cpu_seconds_per_epoch_median", "train_eval_seconds_median", "late_over_early_epoch_seconds",
            "best_valid_loss_epoch")


def aggregate_seeds(jobs: pd.DataFrame) -> pd.DataFrame:
    """Per (setting, run): mean, standard deviation (ddof 1, NaN for one seed) and the half
    width of the 95% t-interval over seeds of every measure, the seed count and divergences."""
    rows = []
    for (setting, run), group in jobs.groupby(["setting", "run"], sort=False):
        row = {"setting": setting, "run": run, "n_seeds": len(group), "diverged": int(group.diverged.sum()),
               "description": group.description.iloc[0], "n_train": group.n_train.iloc[0],
               "n_features": group.n_features.iloc[0], "epochs_run": group.epochs_run.min()}
        for measure in MEASURES:
            summary = seed_summary(group[measure].dropna()) if measure in group else seed_summary([])
            row[measure] = summary["mean"]
            row[f"{measure}_std"] = summary["std"]
            row[f"{measure}_ci"] = summary["ci_high"] - summary["mean"]
        rows.append(row)
    return pd.DataFrame(rows)


def mean_std_text(mean: float, std: float, n_seeds: int, digits: int = 4) -> str:
    """'0.8410 (1 seed)', '0.8410 ± 0.0021 (3 seeds)' (± one standard deviation); '—' if missing."""
    if missing(mean):
        return "—"
    if n_seeds < 2 or missing(std):
        return f"{mean:.{digits}f}"
    return f"{mean:.{digits}f} ± {std:.{digits}f} ({n_seeds} seeds)"


def reference_row(reference: dict, row: object) -> dict:
    """A row of a reference table by its key, whether YAML read the key as a number or text."""
    return {str(key): value for key, value in reference.items()}[str(row)]


def paper_rows_table(aggregated: pd.DataFrame, rows: dict, reference: dict, settings: list[str],
                     columns: dict[str, str]) -> pd.DataFrame:
    """A paper table in the experiments file's row order: for each paper row, its run and every
    setting, the paper's numbers beside ours (mean, std, 95% half width, seeds).

    rows : {row key (as in the reference): run}; reference : {row key: the paper's row}
    columns : paper keys -> our measures, e.g. {'valid': 'final_valid_acc'}
    """
    table = []
    indexed = aggregated.set_index(["setting", "run"])
    for number, run in rows.items():
        paper = reference_row(reference, number)
        for setting in settings:
            row = {"row": number, "run": run, "setting": setting}
            found = (setting, run) in indexed.index
            job = indexed.loc[(setting, run)] if found else None
            row["model"] = job["description"] if found else run or "not run"
            row["n_train"] = int(job["n_train"]) if found else None
            for paper_key, measure in columns.items():
                row[f"paper_{paper_key}"] = paper.get(paper_key)
                for suffix in ("", "_std", "_ci"):
                    row[f"ours_{paper_key}{suffix}"] = float(job[f"{measure}{suffix}"]) if found else math.nan
            row["n_seeds"] = int(job["n_seeds"]) if found else 0
            row["diverged"] = int(job["diverged"]) if found else 0
            table.append(row)
    return pd.DataFrame(table)


def wide_markdown(table: pd.DataFrame, columns: dict[str, str], settings: list[str]) -> str:
    """The paper's layout: one line per paper row, the paper's value then ours per setting."""
    lines = []
    for _, group in table.groupby("row", sort=False):
        first = group.iloc[0]
        line = {"model": first["model"]}
        if not missing(first.get("n_train")) and not pd.isna(first.get("n_train")):
            line["train samples"] = f"{int(first['n_train']):,}"
        for key in columns:
            paper = first[f"paper_{key}"]
            line[f"paper {key}"] = "—" if paper is None or pd.isna(paper) else f"{paper:.4f}"
            for setting in settings:
                job = group[group.setting == setting]
                if job.empty:
                    line[f"{setting} {key}"] = "—"
                    continue
                job = job.iloc[0]
                text = mean_std_text(job[f"ours_{key}"], job[f"ours_{key}_std"], job["n_seeds"])
                if job["n_seeds"] == 0:
                    text = "not run"
                line[f"{setting} {key}"] = text + (" (diverged)" if job["diverged"] else "")
        lines.append(line)
    return markdown_table(pd.DataFrame(lines))


def overview_panel(table: pd.DataFrame, columns: dict[str, str]) -> tuple[pd.DataFrame, str | None]:
    """One panel of figure 0 from a ``paper_rows_table``: a line per (paper row, column),
    labelled by what differs between the rows. Returns (lines, the model the rows share, in
    words, or '' when they share none)."""
    models = list(dict.fromkeys(table.model))
    shared = os.path.commonprefix(models) if len(models) > 1 else ""
    shared = shared[:shared.rfind(" ") + 1]  # cut at a word boundary

    def label(row: object, key: str) -> str:
        name = row.model[len(shared):].replace("mean_distance/", "mean distance ").replace("rmse/", "RMSE ")
        return f"{row.row} {name}" + (f": {key}" if len(columns) > 1 else "")

    lines = pd.DataFrame([
        {"label": label(row, key), "paper": getattr(row, f"paper_{key}"), "setting": row.setting,
         "mean": getattr(row, f"ours_{key}"), "ci": getattr(row, f"ours_{key}_ci"), "n_seeds": row.n_seeds}
        for row in table.itertuples() for key in columns])
    shared = shared.strip().rstrip(",")
    if shared.endswith(", input"):  # the rows differ in their training set: say so
        shared = shared.removesuffix(", input") + ", on each training set below"
    return lines, shared


def table2(aggregated: pd.DataFrame, baselines: list[dict], reference: dict, mlp_rows: dict,
           settings: list[str]) -> pd.DataFrame:
    """Table 2: valid accuracy and training seconds of the MLPs (per setting) and the baselines,
    each beside the paper's row. mlp_rows : {row key: run}; baselines : their JSON dicts, found in
    the reference under their model name."""
    rows = []
    indexed = aggregated.set_index(["setting", "run"])
    for key, run in mlp_rows.items():
        paper = reference_row(reference, key)
        for setting in settings:
            found = (setting, run) in indexed.index
            job = indexed.loc[(setting, run)] if found else {}
            rows.append({"model": f"MLP {job['description']}" if found else run, "run": run, "setting": setting,
                         "paper_model": paper["model"], "paper_valid": paper["valid"],
                         "paper_seconds": paper["seconds"], "ours_valid": job.get("final_valid_acc", math.nan),
                         "ours_test": job.get("test_acc_final", math.nan),
                         "ours_seconds": job.get("seconds_total", math.nan),
                         "n_seeds": int(job["n_seeds"]) if found else 0})
    for baseline in baselines:
        paper = reference.get(baseline["model"], {})
        rows.append({"model": baseline["label"], "run": baseline["model"], "setting": "—",
                     "paper_model": paper.get("model"),
                     "paper_valid": paper.get("valid"), "paper_seconds": paper.get("seconds"),
                     "ours_valid": baseline["valid_acc"], "ours_test": baseline["test_acc"],
                     "ours_seconds": baseline["fit_seconds"], "n_seeds": 1})
    return pd.DataFrame(rows)


def table2_markdown(table: pd.DataFrame) -> str:
    def number(value: float, digits: int) -> str:
        return "—" if missing(value) or pd.isna(value) else f"{value:.{digits}f}"

    return table.assign(
        paper_valid=table.paper_valid.map(lambda v: number(v, 4)),
        paper_seconds=table.paper_seconds.map(lambda v: number(v, 2)),
        ours_valid=table.ours_valid.map(lambda v: number(v, 4)), ours_test=table.ours_test.map(lambda v: number(v, 4)),
        ours_seconds=table.ours_seconds.map(lambda v: number(v, 1)),
    ).pipe(markdown_table)


def memory_table(memory: pd.DataFrame) -> pd.DataFrame:
    """Memory of every training-set variant: its data plus its transform (the paper's measure;
    the paper's own numbers are among the report's comparisons). memory : the mining stage's table."""
    table = memory.assign(memory_mb=(memory["memory"] + memory["transform"]) / 1e6)
    return table[["variant", "n_samples", "n_features", "memory_mb", "share_of_raw", "disk"]]


def memory_markdown(table: pd.DataFrame) -> str:
    return table.assign(
        memory_mb=table.memory_mb.map("{:.2f}".format), share_of_raw=table.share_of_raw.map("{:.1%}".format),
        disk=(table.disk / 1e6).map("{:.2f}".format),
    ).rename(columns={"disk": "disk_mb"}).pipe(markdown_table)


def memory_accuracy_points(aggregated: pd.DataFrame, memory: pd.DataFrame, run_inputs: dict[str, str],
                           settings: list[str]) -> pd.DataFrame:
    """Figure 16's points: (setting, variant, memory_mb, test_acc, n_seeds) of each run.
    run_inputs : {run: the input variant it trains on}; memory : ``memory_table``'s output."""
    indexed = aggregated.set_index(["setting", "run"])
    sizes = memory.set_index("variant").memory_mb
    return pd.DataFrame([
        {"setting": setting, "variant": variant, "memory_mb": sizes[variant],
         "test_acc": indexed.loc[(setting, run), "test_acc_final"],
         "n_seeds": int(indexed.loc[(setting, run), "n_seeds"])}
        for setting in settings for run, variant in run_inputs.items()
        if (setting, run) in indexed.index and variant in sizes.index])


