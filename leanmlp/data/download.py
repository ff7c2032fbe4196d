"""A resumable, verified HTTP download using only the standard library.

Why not Snakemake's HTTP storage plugin: it neither resumes a partial file nor reports
progress, and a 536 MB archive over a flaky link needs both.
"""

import hashlib
import http.client
import os
import socket
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from leanmlp.data.checksums import md5_of_file
from leanmlp.exceptions import ChecksumError, DownloadError, HostUnreachableError

USER_AGENT = "leanmlp-downloader/0.1"


class _TransientError(Exception):
    """A failure worth retrying (timeout, dropped connection, server error)."""


# Fewer than 64 KiB in a minute is a stalled transfer: NIST's 536 MB would take six days.
STALL = (60.0, 64 * 1024)


def archive_place(url: str, md5: str | None) -> str:
    """Where the download stage keeps the archive of ``url``: a folder for each (checksum, URL)
    pair, since both decide what the file holds. Two configs share an archive only when both
    agree, so a config that downloads from elsewhere (or expects another md5) can never make
    Snakemake delete an archive another config downloaded and verified."""
    url_key = hashlib.sha256(url.encode()).hexdigest()[:12]
    return f"resources/emnist/{md5 or 'unverified'}-{url_key}/{PurePosixPath(url).name}"


def check_zip_archive(path: str | Path, url: str) -> None:
    """A downloaded file that is not a zip (an HTML error page served with status 200, say) is
    deleted, so the next run fetches again instead of failing on it forever."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        return
    size, start = path.stat().st_size, path.read_bytes()[:40]
    path.unlink()
    raise DownloadError(f"{url}: what arrived is not a zip archive ({size} bytes beginning {start!r}); it was "
                        "deleted, so the next run downloads afresh. Check data.source, or set data.md5")


def partial_path(dest: str | Path) -> Path:
    """Where an unfinished download of ``dest`` is kept between attempts and runs."""
    dest = Path(dest)
    return dest.with_name(dest.name + ".part")


def download(url: str, dest: str | Path, md5: str | None = None, *, progress: Callable | None = None,
             retries: int = 4, timeout: float = 30.0, backoff: float = 2.0, chunk_size: int = 1 << 20,
             stall: tuple[float, int] = STALL, sleep: Callable[[float], None] = time.sleep) -> Path:
    """Download ``url`` to ``dest``, resuming a partial file and verifying its md5.

    The bytes go to ``dest + '.part'``; a later call (or a later run) resumes it with an
    HTTP Range request. Only a complete file whose md5 matches is renamed onto ``dest``.

    Parameters
    ----------
    progress : callable(done_bytes, total_bytes_or_None), optional
        Called after every chunk.
    retries : int
        Attempts after the first on transient failures, waiting ``backoff * 2**k`` seconds.
    stall : (seconds, bytes)
        A transfer that brings fewer bytes than this in that many seconds has stalled (a server
        that trickles a byte at a time never trips the socket's timeout): a transient failure,
        retried and resumed like a dropped connection.

    Raises
    ------
    HostUnreachableError
        At once, without retrying, when the host cannot be resolved or refuses connections
        before any byte has arrived. Once bytes have arrived (in this run or an earlier one), a
        refused or reset connection is a dropped transfer: retried with backoff and resumed.
    ChecksumError
        The complete file's md5 differs; the bad file is deleted so the next run starts over.
    DownloadError
        An HTTP error, or transient failures outlasting the retries (the partial file stays).
    """
    dest = Path(dest)
    part = partial_path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries + 1):
        try:
            _fetch_into(url, part, progress, timeout, chunk_size, stall)
            break
        except _TransientError as e:
            if attempt == retries:
                raise DownloadError(
                    f"{url}: gave up after {retries + 1} attempts ({e}); "
                    f"the {_size_of(part)} bytes received stay in {part} and the next run resumes"
                ) from e
            sleep(backoff * 2**attempt)
    if md5 is not None:
        actual = md5_of_file(part)
        if actual != md5.lower():
            part.unlink()
            raise ChecksumError(
                f"{url}: md5 of the downloaded file is {actual}, expected {md5}; "
                f"the corrupt file was deleted, so the next run downloads it afresh"
            )
    os.replace(part, dest)
    return dest


def _size_of(path):
    return path.stat().st_size if path.exists() else 0


def _fetch_into(url, part, progress, timeout, chunk_size, stall):
    offset = _size_of(part)
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        response = urllib.request.urlopen(urllib.request.Request(url, headers=headers),
                                          timeout=timeout)
    except urllib.error.HTTPError as e:
        if e.code == 416 and offset:
            return  # nothing past what we hold: the partial file is whole; the md5 decides
        if e.code >= 500 or e.code == 429:
            raise _TransientError(f"HTTP {e.code} {e.reason}") from e
        raise DownloadError(f"{url}: HTTP {e.code} {e.reason}") from e
    except urllib.error.URLError as e:
        if isinstance(e.reason, (socket.gaierror, ConnectionRefusedError)) and not offset:
            raise HostUnreachableError(
                f"cannot reach {urlparse(url).netloc} ({e.reason})"
            ) from e
        raise _TransientError(str(e.reason)) from e
    except (TimeoutError, ConnectionError, http.client.HTTPException) as e:
        raise _TransientError(repr(e)) from e

    with response:
        if offset and response.status != 206:
            offset = 0  # the server ignored the Range header: start over
        length = response.headers.get("Content-Length")
        total = offset + int(length) if length is not None else None
        done = offset
        stall_seconds, stall_bytes = stall
        window_start, window_done = time.monotonic(), done
        try:
            with open(part, "ab" if offset else "wb") as f:
                # read1: what has arrived, up to a chunk; read() would wait for a whole chunk
                while chunk := response.read1(chunk_size):
                    f.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
                    if time.monotonic() - window_start >= stall_seconds:
                        if done - window_done < stall_bytes:
                            raise _TransientError(f"stalled: {done - window_done} bytes in the last "
                                                  f"{time.monotonic() - window_start:.0f} s, after {done} in all")
                        window_start, window_done = time.monotonic(), done
        except (TimeoutError, ConnectionError, http.client.HTTPException) as e:
            raise _TransientError(f"connection lost after {done} bytes ({e!r})") from e
    if total is not None and done < total:
        raise _TransientError(f"connection closed after {done} of {total} bytes")
