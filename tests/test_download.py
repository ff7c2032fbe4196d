"""The downloader against a real HTTP server on 127.0.0.1 serving a zip in NIST's layout."""

import hashlib
import socket
import time

import pytest
from conftest import make_emnist, write_nist_zip

from leanmlp.data.download import download, partial_path
from leanmlp.data.emnist import load_emnist_part
from leanmlp.exceptions import ChecksumError, DownloadError, HostUnreachableError


@pytest.fixture
def nist_zip(tmp_path):
    files, upright = make_emnist(n=400)
    data = write_nist_zip(tmp_path / "built.zip", files).read_bytes()
    return data, hashlib.md5(data).hexdigest(), upright


def no_sleep(seconds):
    pass


def test_full_download_is_verified_and_loadable(tmp_path, archive_server, nist_zip):
    data, md5, upright = nist_zip
    server = archive_server({"/gzip.zip": data})
    seen = []
    dest = download(server.url("/gzip.zip"), tmp_path / "res" / "gzip.zip", md5,
                    progress=lambda done, total: seen.append((done, total)), chunk_size=4096)
    assert dest.read_bytes() == data and not partial_path(dest).exists()
    assert seen[-1] == (len(data), len(data)) and len(seen) > 1
    assert (load_emnist_part(dest, "balanced", "test").labels == upright["test"][1]).all()


def test_partial_file_is_resumed_with_a_range_request(tmp_path, archive_server, nist_zip):
    data, md5, _ = nist_zip
    server = archive_server({"/gzip.zip": data})
    dest = tmp_path / "gzip.zip"
    half = len(data) // 2
    partial_path(dest).write_bytes(data[:half])
    download(server.url("/gzip.zip"), dest, md5)
    assert dest.read_bytes() == data
    assert server.requests == [("/gzip.zip", f"bytes={half}-")]


def test_dropped_connection_is_retried_and_resumed(tmp_path, archive_server, nist_zip):
    data, md5, _ = nist_zip
    server = archive_server({"/gzip.zip": data})
    server.drop_after, server.drops = 1000, 2
    download(server.url("/gzip.zip"), tmp_path / "gzip.zip", md5, sleep=no_sleep)
    assert (tmp_path / "gzip.zip").read_bytes() == data
    assert [r for _, r in server.requests] == [None, "bytes=1000-", "bytes=2000-"]


def test_server_ignoring_range_restarts_from_zero(tmp_path, archive_server, nist_zip):
    data, md5, _ = nist_zip
    server = archive_server({"/gzip.zip": data})
    server.ignore_range = True
    dest = tmp_path / "gzip.zip"
    partial_path(dest).write_bytes(b"stale bytes from elsewhere")
    download(server.url("/gzip.zip"), dest, md5)
    assert dest.read_bytes() == data


def test_already_complete_partial_answers_416_and_is_accepted(tmp_path, archive_server, nist_zip):
    data, md5, _ = nist_zip
    server = archive_server({"/gzip.zip": data})
    dest = tmp_path / "gzip.zip"
    partial_path(dest).write_bytes(data)
    download(server.url("/gzip.zip"), dest, md5)
    assert dest.read_bytes() == data


def test_checksum_mismatch_leaves_no_file(tmp_path, archive_server, nist_zip):
    data, _, _ = nist_zip
    server = archive_server({"/gzip.zip": data})
    dest = tmp_path / "resources" / "gzip.zip"
    with pytest.raises(ChecksumError, match="expected 0{32}; the corrupt file was deleted"):
        download(server.url("/gzip.zip"), dest, "0" * 32)
    assert list(dest.parent.iterdir()) == []


def test_http_error_is_not_retried(tmp_path, archive_server):
    server = archive_server({})
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(server.url("/gzip.zip"), tmp_path / "gzip.zip", sleep=no_sleep)
    assert len(server.requests) == 1


def test_retries_exhausted_keeps_the_partial_file(tmp_path, archive_server, nist_zip):
    data, md5, _ = nist_zip
    server = archive_server({"/gzip.zip": data})
    server.drop_after, server.drops = 100, 99
    dest = tmp_path / "gzip.zip"
    waits = []
    with pytest.raises(DownloadError, match="gave up after 3 attempts.*next run resumes"):
        download(server.url("/gzip.zip"), dest, md5, retries=2, backoff=1.5, sleep=waits.append)
    assert waits == [1.5, 3.0] and partial_path(dest).stat().st_size == 300 and not dest.exists()


def test_unreachable_host_fails_fast_without_retrying(tmp_path):
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    start = time.perf_counter()
    with pytest.raises(HostUnreachableError, match=f"cannot reach 127.0.0.1:{port}"):
        download(f"http://127.0.0.1:{port}/gzip.zip", tmp_path / "gzip.zip")
    assert time.perf_counter() - start < 5


def test_a_server_dying_mid_download_is_a_dropped_transfer_not_offline(tmp_path, archive_server, nist_zip):
    data, md5, _ = nist_zip
    server = archive_server({"/gzip.zip": data})
    server.drop_after, server.drops = 5000, 1
    url = server.url("/gzip.zip")

    def server_dies(seconds):  # after the first drop the server is gone: connections are refused
        server.httpd.shutdown()
        server.httpd.server_close()

    waits = []
    with pytest.raises(DownloadError) as error:
        download(url, tmp_path / "gzip.zip", md5, retries=2, sleep=lambda s: (waits.append(s), server_dies(s)))
    assert "gave up after 3 attempts" in str(error.value) and "the next run resumes" in str(error.value)
    assert "5000 bytes received" in str(error.value) and waits == [2.0, 4.0]
    assert partial_path(tmp_path / "gzip.zip").read_bytes() == data[:5000]


def test_a_page_that_is_not_a_zip_is_deleted_so_the_next_run_fetches_again(tmp_path):
    """With no md5 (an https source), a server that answers 200 with an HTML page: the file is
    refused and deleted, instead of failing every later run as 'not a valid zip archive'."""
    from leanmlp.data.download import check_zip_archive

    page = tmp_path / "gzip.zip"
    page.write_bytes(b"<html><body>Not here</body></html>")
    with pytest.raises(DownloadError, match=r"https://example.org/gzip.zip: what arrived is not a zip archive "
                                            r"\(34 bytes beginning b'<html><body>Not here"):
        check_zip_archive(page, "https://example.org/gzip.zip")
    assert not page.exists()


def test_the_archive_place_depends_on_url_and_checksum():
    from leanmlp.data.download import archive_place

    places = {archive_place(url, md5) for url in ("https://a.org/gzip.zip", "https://b.org/gzip.zip")
              for md5 in (None, "0" * 32)}
    assert len(places) == 4 and all(place.endswith("/gzip.zip") for place in places)
    assert archive_place("https://a.org/gzip.zip", None) == archive_place("https://a.org/gzip.zip", None)


def test_a_trickling_server_is_a_stalled_transfer_retried_and_resumed(tmp_path, archive_server, nist_zip):
    """A byte every 50 ms never trips the socket's timeout: under the stall rate (here 100 bytes
    in 0.5 s) the transfer is dropped, the bytes kept, and the next attempt resumes them."""
    data, md5, _ = nist_zip
    server = archive_server({"/gzip.zip": data})
    server.trickles = 1
    dest = tmp_path / "gzip.zip"
    download(server.url("/gzip.zip"), dest, md5, stall=(0.5, 100), sleep=no_sleep)
    assert dest.read_bytes() == data
    assert len(server.requests) == 2 and server.requests[1][1].startswith("bytes=")
    server.trickles = 9
    with pytest.raises(DownloadError, match=r"gave up after 2 attempts \(stalled: \d+ bytes in the last \d+ s"):
        download(server.url("/gzip.zip"), tmp_path / "again.zip", md5, retries=1, stall=(0.5, 100),
                 sleep=no_sleep)
