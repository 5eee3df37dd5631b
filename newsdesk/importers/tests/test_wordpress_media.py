"""Where the WordPress importer may read image files from (a loopback server, no database)."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newsdesk.importers.runner import ItemError, SkipItem
from newsdesk.importers.wordpress.media import MediaSource


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/away.jpg":
            self.send_response(302)
            self.send_header("Location", "http://media.invalid/stolen.jpg")
            self.end_headers()
            return
        body = b"x" * (5000 if self.path == "/big.jpg" else 10)
        self.send_response(404 if self.path == "/missing.jpg" else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_uploads_folder_only_inside_it(tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "2024").mkdir(parents=True)
    (uploads / "2024" / "a.jpg").write_bytes(b"jpeg")
    (tmp_path / "secret.jpg").write_bytes(b"secret")
    media = MediaSource(uploads=uploads)
    path, name = media.get(
        url="https://old.example/wp-content/uploads/2024/a.jpg", attached_file=""
    )
    assert path == (uploads / "2024" / "a.jpg").resolve() and name == "a.jpg"
    with pytest.raises(ItemError, match="outside the uploads folder"):
        media.get(url="", attached_file="../secret.jpg")
    with pytest.raises(ItemError, match="is not in --allow-host"):
        media.get(url="https://old.example/wp-content/uploads/2024/b.jpg", attached_file="")
    with pytest.raises(SkipItem):
        MediaSource().get(url="https://old.example/a.jpg", attached_file="")


def test_downloads_only_from_allowed_hosts_within_limits(server):
    allowed = MediaSource(allow_hosts=["127.0.0.1"], max_bytes=1000)
    assert allowed.get(url=f"{server}/ok.jpg", attached_file="") == (b"x" * 10, "ok.jpg")
    with pytest.raises(ItemError, match="larger than 1000 bytes"):
        allowed.get(url=f"{server}/big.jpg", attached_file="")
    with pytest.raises(ItemError, match="HTTP 404"):
        allowed.get(url=f"{server}/missing.jpg", attached_file="")
    with pytest.raises(ItemError, match="a host not in --allow-host"):
        allowed.get(url=f"{server}/away.jpg", attached_file="")
    with pytest.raises(ItemError, match="is not in --allow-host"):
        MediaSource(allow_hosts=["media.example"]).get(url=f"{server}/ok.jpg", attached_file="")
    with pytest.raises(ItemError, match="is not in --allow-host"):
        allowed.get(url=f"file://{server}/ok.jpg", attached_file="")


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0177.0.0.1", "0x7f000001"])
def test_a_name_resolving_to_loopback_is_refused(server, host):
    # Allowed by name, a host whose name the system resolver turns into a loopback address
    # (short, decimal, octal and hex spellings of 127.0.0.1, which resolve on every machine
    # without a hosts file or DNS) is still refused: only an address named in its standard
    # form may be non-public. The resolver really runs; no packet leaves loopback.
    port = server.rsplit(":", 1)[1]
    assert {info[4][0] for info in socket.getaddrinfo(host, None)} == {"127.0.0.1"}
    media = MediaSource(allow_hosts=[host, f"{host}:{port}"])
    with pytest.raises(ItemError, match=r"resolves to a non-public address \(127\.0\.0\.1\)"):
        media.get(url=f"http://{host}:{port}/ok.jpg", attached_file="")
    # The same server, named by its address, is fetched: the refusal above is the name's.
    named = MediaSource(allow_hosts=["127.0.0.1"])
    assert named.get(url=f"http://127.0.0.1:{port}/ok.jpg", attached_file="")[0] == b"x" * 10
