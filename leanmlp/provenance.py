"""Which code and which config made a result: the git commit of the workflow that holds this
package (and whether its tree had uncommitted changes), the package's path, a hash of the
config and the versions of the libraries that computed it."""

import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from leanmlp.imports import data_files, imported_modules

PACKAGE_DIR = Path(__file__).resolve().parent
LIBRARIES = ("numpy", "scikit-learn", "pandas", "matplotlib", "snakemake")


def git(*args: str, cwd: str | Path = PACKAGE_DIR) -> str | None:
    """stdout of a git command in the workflow's folder, or None where git or the repo is missing."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.rstrip("\n") if done.returncode == 0 else None  # porcelain lines start with a space


def git_missing_reason() -> str:
    """Why no commit can be recorded: git is not installed (or not on PATH), or the package's
    folder is not inside a git checkout."""
    try:
        subprocess.run(["git", "--version"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "git is not on PATH"
    return "not a checkout"


def cpu_model() -> str:
    """The CPU's model name (``platform.processor()`` is empty on most Linux machines)."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def config_hash(config: dict) -> str:
    """A short, order-independent hash of a config dict."""
    text = json.dumps(config, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def library_versions() -> dict[str, str | None]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


# Where an untracked file is code that a run could have used; anywhere else (an overlay config in
# the root, a report written beside the README) it is not a change to the code.
CODE_PLACES = ("leanmlp/", "scripts/", "workflow/", "config/", "Snakefile")


def changed_files(status: str) -> list[str]:
    """The files of ``git status --porcelain`` output that make a tree differ from its commit:
    every tracked change, and untracked files only inside the code (``CODE_PLACES``)."""
    changed = []
    for line in status.splitlines():
        code, path = line[:2], line[3:].strip('"')
        if code != "??" or path.startswith(CODE_PLACES):
            changed.append(path)
    return changed


def provenance(config: dict | None = None) -> dict:
    """{commit, dirty, changed (the first files that make it dirty), package, config_hash,
    versions}; commit is None outside a git checkout."""
    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=all") if commit else None
    changed = changed_files(status) if status is not None else []
    return {"commit": commit, "dirty": bool(changed) if status is not None else None, "changed": changed[:10],
            **({} if commit else {"no_commit_because": git_missing_reason()}),
            "package": str(PACKAGE_DIR), "config_hash": config_hash(config) if config is not None else None,
            "versions": library_versions()}


def describe(record: dict | None) -> str:
    """'commit 1a2b3c4d5e6f (uncommitted changes), leanmlp at /path' for a log or a report."""
    if not record:
        return "provenance not recorded"
    commit = record.get("commit")
    text = f"commit {commit[:12]}" if commit else f"no git commit ({record.get('no_commit_because', 'not a checkout')})"
    if record.get("dirty"):
        changed = record.get("changed") or []
        text += f" (with uncommitted changes{': ' + ', '.join(changed) if changed else ''})"
    text += f", leanmlp at {record.get('package')}"
    if record.get("config_hash"):
        text += f", config {record['config_hash']}"
    return text


def code_digest(path: str | Path, package: str = "leanmlp", package_dir: Path = PACKAGE_DIR) -> str:
    """A short digest of the contents of the script ``path`` itself, of every module
    ``imported_modules`` finds, and of the package's data files they name (a template): it
    changes exactly when one of them does (a file touched but not edited leaves it alone)."""
    digest = hashlib.sha256(b"script\0" + Path(path).read_bytes() + b"\0")
    modules = imported_modules(path, package, package_dir)
    for file in [*modules, *data_files(modules, package_dir)]:
        # the path inside the package, so that moving a file is a change like editing it
        place = Path(file).relative_to(Path(package_dir)).as_posix()
        digest.update(place.encode() + b"\0" + Path(file).read_bytes() + b"\0")
    return digest.hexdigest()[:16]
