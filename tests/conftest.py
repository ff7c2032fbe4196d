"""Shared fixtures: small EMNIST files in NIST's own layout, and a local HTTP server."""

import gzip
import http.server
import shutil
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import yaml

from leanmlp.data.emnist import emnist_file_names
from leanmlp.data.idx import encode_idx

REPO = Path(__file__).resolve().parents[1]
SHARED_EMNIST = REPO.parent / "shared" / "data" / "emnist"


def make_emnist(split="balanced", parts=("train", "test"), n=60, n_classes=5, first_label=0,
                seed=0):
    """Random upright images and labels per part, plus NIST's mapping text.

    Returns (files: {file name: bytes as NIST ships them}, upright: {part: (images, labels)}).
    """
    rng = np.random.default_rng(seed)
    files, upright = {}, {}
    for part in parts:
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(first_label, first_label + n_classes, size=n).astype(np.uint8)
        names = emnist_file_names(split, part)
        # NIST stores every image transposed.
        files[names["images"]] = gzip.compress(encode_idx(images.transpose(0, 2, 1)))
        files[names["labels"]] = gzip.compress(encode_idx(labels))
        upright[part] = (images, labels)
    mapping = "".join(f"{first_label + k} {65 + k} {97 + k}\n" for k in range(n_classes))
    files[emnist_file_names(split, parts[0])["mapping"]] = mapping.encode()
    return files, upright


def write_folder(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def write_nist_zip(path, files):
    """A zip laid out as NIST's gzip.zip: every file inside a gzip/ folder."""
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"gzip/{name}", data)
    return path


class ArchiveServer:
    """An HTTP server on 127.0.0.1 serving in-memory files, with Range support.

    ``drop_after`` bytes: the next ``drops`` responses are cut off after that many bytes.
    ``ignore_range``: answer every request with the whole file (status 200).
    ``trickles``: the next that many responses send one byte every ``trickle_delay`` seconds.
    ``requests`` records (path, Range header) of every request.
    """

    def __init__(self, files):
        self.files = files
        self.requests = []
        self.drop_after = None
        self.drops = 0
        self.ignore_range = False
        self.trickles, self.trickle_delay = 0, 0.05
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Range")))
                data = server.files.get(self.path)
                if data is None:
                    self.send_error(404, "Not Found")
                    return
                start, status = 0, 200
                requested = self.headers.get("Range")
                if requested and not server.ignore_range:
                    start = int(requested.removeprefix("bytes=").split("-")[0])
                    if start >= len(data):
                        self.send_error(416, "Range Not Satisfiable")
                        return
                    status = 206
                body = data[start:]
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                if status == 206:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if server.drops and server.drop_after is not None:
                    server.drops -= 1
                    body = body[:server.drop_after]
                    self.close_connection = True
                if server.trickles:
                    server.trickles -= 1
                    try:
                        for byte in range(len(body)):
                            self.wfile.write(body[byte:byte + 1])
                            self.wfile.flush()
                            time.sleep(server.trickle_delay)
                    except (BrokenPipeError, ConnectionResetError):
                        pass  # the client gave up on the trickle, as it should
                    return
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"


@pytest.fixture
def archive_server():
    servers = []

    def start(files):
        server = ArchiveServer(files)
        server.thread.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.httpd.shutdown()
        server.httpd.server_close()


def pytest_collection_modifyitems(items):
    """Every test that reads the real EMNIST partition carries the shared_data marker, so
    ``-m "not shared_data"`` leaves them all out, whichever way they reach the data."""
    for item in items:
        if "shared_emnist" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared_data)


@pytest.fixture
def shared_emnist():
    if not (SHARED_EMNIST / "emnist-bymerge-test-images-idx3-ubyte.gz").is_file():
        pytest.skip(f"real EMNIST partition not found at {SHARED_EMNIST} (../shared is absent)")
    return SHARED_EMNIST


class WorkflowCopy:
    """The workflow and its package (not the data) copied into a temporary folder, with a
    Snakemake runner. The copy runs its own leanmlp, as any clone does."""

    def __init__(self, folder):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("Snakefile", "workflow", "scripts", "config", "leanmlp"):
            source = REPO / name
            if source.is_dir():
                shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy(source, folder / name)

    def __truediv__(self, relative):
        return self.folder / relative

    def run(self, *args):
        """Run snakemake here; ``.output`` of the result holds stdout and stderr interleaved."""
        result = subprocess.run([sys.executable, "-m", "snakemake", *args], cwd=self.folder,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                timeout=600)
        result.output = result.stdout
        return result


@pytest.fixture
def workflow_dir(tmp_path):
    return WorkflowCopy(tmp_path)


def planned(configfile):
    """The plan the workflow makes of a config of this repository (leanmlp.plan.Plan)."""
    from snakemake.utils import validate

    from leanmlp.plan import build_plan

    config = yaml.safe_load((REPO / configfile).read_text())
    validate(config, str(REPO / "workflow/schemas/config.schema.yaml"))
    experiments = yaml.safe_load((REPO / config["mlp"]["experiments"]).read_text())
    validate(experiments, str(REPO / "workflow/schemas/experiments.schema.yaml"))
    reference = yaml.safe_load((REPO / "config/paper_reference.yaml").read_text())
    return build_plan(config, config["mlp"]["experiments"], experiments, reference)


def planned_training_jobs(configfile):
    """How many training jobs the workflow plans for a config of this repository: every
    (setting, run) once per seed of its run, counted from the plan itself."""
    plan = planned(configfile)
    return sum(len(plan.matrix.seeds[run]) for _, run in plan.jobs)
