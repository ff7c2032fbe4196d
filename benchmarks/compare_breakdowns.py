"""Two runs of bench_epoch.py side by side: seconds per epoch, ratios and where leanmlp's epoch goes.

    python benchmarks/compare_breakdowns.py docs/benchmarks/bench_epoch_before.json \
        docs/benchmarks/bench_epoch_after.json

Prints one markdown table per model: each framework's seconds per epoch and leanmlp's ratio to
it, leanmlp's multiple of the matmul time, then every part of the measured breakdown, in
seconds per epoch, before and after.
"""

import argparse
import json
from pathlib import Path

MODELS = {"pixels": "784 pixels", "pca78": "78 principal components"}


def union(before, after, key):
    """The names under ``key`` in either run, in order of first appearance."""
    return list(dict.fromkeys([*before[key], *after[key]]))


def rows(before, after):
    """(what, before, after) rows for one model's results; missing entries are None."""
    lines = []
    for name in union(before, after, "seconds_per_epoch"):
        lines.append((f"{name}, s/epoch", before["seconds_per_epoch"].get(name),
                      after["seconds_per_epoch"].get(name)))
    for ratio in union(before, after, "ratios"):
        lines.append((ratio, before["ratios"].get(ratio), after["ratios"].get(ratio)))
    multiples = [result["seconds_per_epoch"]["leanmlp"] / result["matmul_seconds_per_epoch"]
                 for result in (before, after)]
    lines.append(("leanmlp / matmuls alone", *multiples))
    lines.append(("breakdown epoch, s", before["breakdown_epoch_seconds"], after["breakdown_epoch_seconds"]))
    parts = sorted(union(before, after, "breakdown_seconds"),
                   key=lambda part: -before["breakdown_seconds"].get(part, 0.0))
    for part in parts:
        lines.append((f"  {part}, s", before["breakdown_seconds"].get(part), after["breakdown_seconds"].get(part)))
    return lines


def markdown(lines, labels):
    def cell(value):
        return "—" if value is None else f"{value:.3f}"

    out = [f"| | {labels[0]} | {labels[1]} |", "| --- | --- | --- |"]
    out += [f"| {what} | {cell(first)} | {cell(second)} |" for what, first, second in lines]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    before, after = (json.loads(path.read_text()) for path in (args.before, args.after))
    for key, label in MODELS.items():
        print(f"\n{label} ({before[key]['epochs']} and {after[key]['epochs']} epochs)\n")
        print(markdown(rows(before[key], after[key]), (args.before.stem, args.after.stem)))


if __name__ == "__main__":
    main()
