"""A page looked at as a person does: rendered by headless Chromium at a window width, after its
scripts ran, then asked what a reader would see (pictures that did not load, a page wider than
the window). Chromium comes from the system's packages (Debian: apt-get install chromium)."""

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
MISSING = "headless Chromium is not installed (Debian: apt-get install chromium): the page is not rendered"

# As root on a closed network: no sandbox, and none of the browser's own connections.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")

# Runs in the page after its own scripts: first ``action`` (a view to open), then the checks,
# written into the page for --dump-dom to carry out.
PROBE = """<script>
window.addEventListener("load", () => setTimeout(() => {
  %(action)s;
  setTimeout(() => {
    const broken = [...document.images].filter(image => !(image.complete && image.naturalWidth > 0))
      .map(image => image.alt || image.src.slice(0, 80));
    const shown = [...document.images].map(image => ({alt: image.alt, width: image.getBoundingClientRect().width}));
    const probe = document.createElement("pre");
    probe.id = "leanmlp-probe";
    probe.textContent = JSON.stringify({broken: broken, images: shown,
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      text: document.body.innerText});
    document.body.appendChild(probe);
  }, 1500);
}, 1500));
</script>"""


def run_chromium(url: str, width: int, height: int, *extra: str) -> str:
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                                 "--virtual-time-budget=20000", *extra, url],
                                capture_output=True, text=True, timeout=180)
    return result.stdout


def look_at(page: Path, width: int, height: int = 1000, action: str = "", screenshot: Path | None = None) -> dict:
    """What a reader of ``page`` sees at this window size, after ``action`` (JavaScript) ran:
    {broken: [pictures that did not load], images: [{alt, width}], overflow: pixels the page is
    wider than the window, text: its visible text}. screenshot : also save the window as PNG."""
    with tempfile.TemporaryDirectory() as folder:
        probed = Path(folder) / page.name
        probed.write_text(page.read_text() + PROBE % {"action": action or "void 0"})
        if screenshot is not None:
            run_chromium(probed.as_uri(), width, height, f"--screenshot={screenshot}")
        dom = run_chromium(probed.as_uri(), width, height, "--dump-dom")
    found = re.search(r'<pre id="leanmlp-probe">(.*?)</pre>', dom, re.DOTALL)
    if found is None:
        raise AssertionError(f"{page.name} never finished rendering at {width} px")
    text = found[1].replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    return json.loads(text)


def open_result(file_name: str) -> str:
    """JavaScript that opens one result of Snakemake's HTML report, as a click on it does."""
    return ("const path = Object.keys(results).find(key => key.endsWith(%s));"
            "app.setView({content: 'img', contentPath: results[path].data_uri, resultPath: path})"
            % json.dumps(file_name))
