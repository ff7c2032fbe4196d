"""benchmarks/compare_breakdowns.py: two benchmark runs side by side, gaps shown as dashes."""

import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "compare_breakdowns.py"
spec = importlib.util.spec_from_file_location("compare_breakdowns", SCRIPT)
compare_breakdowns = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_breakdowns)


def result(lean, torch, parts, extra=None):
    seconds = {"leanmlp": lean, "pytorch": torch, **(extra or {})}
    return {"epochs": 3, "seconds_per_epoch": seconds, "matmul_seconds_per_epoch": 0.5,
            "ratios": {f"leanmlp/{name}": lean / value for name, value in seconds.items() if name != "leanmlp"},
            "breakdown_epoch_seconds": sum(parts.values()), "breakdown_seconds": parts}


def test_rows_pair_every_entry_and_mark_what_one_run_lacks():
    before = result(1.5, 3.0, {"matrix products": 0.7, "optimizer update": 0.5, "penalty": 0.3})
    after = result(1.0, 2.5, {"matrix products": 0.7, "optimizer update": 0.3}, {"pytorch compiled": 4.0})
    rows = {what: (first, second) for what, first, second in compare_breakdowns.rows(before, after)}
    assert rows["leanmlp, s/epoch"] == (1.5, 1.0)
    assert rows["leanmlp/pytorch"] == (0.5, 0.4)
    assert rows["pytorch compiled, s/epoch"] == (None, 4.0)
    assert rows["leanmlp / matmuls alone"] == (3.0, 2.0)
    assert rows["  penalty, s"] == (0.3, None)
    parts = [what for what in rows if what.startswith("  ")]
    assert parts == ["  matrix products, s", "  optimizer update, s", "  penalty, s"]  # largest first, before
    table = compare_breakdowns.markdown(compare_breakdowns.rows(before, after), ("before", "after"))
    assert "| pytorch compiled, s/epoch | — | 4.000 |" in table


def test_the_command_prints_both_models(tmp_path, monkeypatch, capsys):
    run = {key: result(1.0, 2.0, {"matrix products": 0.6}) for key in compare_breakdowns.MODELS}
    paths = []
    for name in ("before", "after"):
        paths.append(tmp_path / f"{name}.json")
        paths[-1].write_text(json.dumps(run))
    monkeypatch.setattr("sys.argv", ["compare_breakdowns.py", *map(str, paths)])
    compare_breakdowns.main()
    out = capsys.readouterr().out
    assert "784 pixels (3 and 3 epochs)" in out and "78 principal components" in out
    assert out.count("| leanmlp/pytorch | 0.500 | 0.500 |") == 2
