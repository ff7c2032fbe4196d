"""Provenance names a tree dirty only for a change to its code, and says which files."""

import subprocess

from leanmlp.provenance import changed_files, describe, git


def test_an_untracked_file_outside_the_code_leaves_the_tree_clean(tmp_path):
    def run(*args):
        subprocess.run(args, cwd=tmp_path, check=True, capture_output=True)

    (tmp_path / "leanmlp/nn").mkdir(parents=True)
    (tmp_path / "leanmlp/nn/layers.py").write_text("x = 1\n")
    (tmp_path / "README.md").write_text("readme\n")
    run("git", "init", "-q")
    run("git", "add", ".")
    run("git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")

    def changed():
        return changed_files(git("status", "--porcelain", "--untracked-files=all", cwd=tmp_path))

    (tmp_path / "overlay.yaml").write_text("name: x\n")  # the README's example, pasted in the root
    (tmp_path / "results").mkdir()
    (tmp_path / "results/report.html").write_text("<html/>")
    assert changed() == []
    (tmp_path / "leanmlp/new_module.py").write_text("y = 2\n")  # untracked, but code a stage may import
    assert changed() == ["leanmlp/new_module.py"]
    (tmp_path / "README.md").write_text("edited\n")  # any tracked change counts
    assert sorted(changed()) == ["README.md", "leanmlp/new_module.py"]


def test_a_dirty_record_names_its_files():
    record = {"commit": "a" * 40, "dirty": True, "changed": ["leanmlp/nn/layers.py"], "package": "/p"}
    assert describe(record) == f"commit {'a' * 12} (with uncommitted changes: leanmlp/nn/layers.py), leanmlp at /p"
