"""A real HTTP server on loopback that misbehaves on purpose, for the fetcher's tests."""

from __future__ import annotations

import gzip
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARTICLE_HTML = """<html><head><title>Council approves the river plan</title>
<meta property="og:site_name" content="Loopback Gazette">
<meta property="article:published_time" content="2024-05-02T08:00:00Z"></head>
<body><nav>Home | News</nav><article><h1>Council approves the river plan</h1>
{paragraphs}</article><footer>Contact us</footer></body></html>"""
PARAGRAPH = (
    "<p>The city council approved the river restoration plan on Wednesday after a "
    "long debate, and work on section {i} will begin in the spring.</p>"
)
FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback Gazette</title>
<link>http://{host}/</link><description>news</description>
<item><title>River plan</title><link>http://{host}/article.html</link>
<guid>river-plan</guid><pubDate>Thu, 02 May 2024 08:00:00 GMT</pubDate></item>
<item><title>Second story</title><link>http://{host}/second.html</link>
<guid>second</guid></item>
</channel></rss>"""


def article_html(variant: str = "") -> str:
    paragraphs = "".join(PARAGRAPH.format(i=f"{variant}{i}") for i in range(6))
    return ARTICLE_HTML.format(paragraphs=paragraphs)


class Handler(BaseHTTPRequestHandler):
    server: LoopbackServer

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - one branch per scripted behaviour
        self.server.hits.append((self.path, time.monotonic(), dict(self.headers)))
        path = self.path
        host = self.headers.get("Host", "")
        if path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path in (
            "/article.html",
            "/second.html",
            "/private/page.html",
            "/paced-a.html",
            "/paced-b.html",
        ):
            self._send(200, article_html(path).encode())
        elif path == "/latin1.html":
            body = article_html().replace("river", "rivière").encode("latin-1")
            self._send(200, body, "text/html; charset=iso-8859-1")
        elif path == "/redirect":
            self._send(302, headers={"Location": "/article.html"})
        elif path.startswith("/loop"):
            n = int(path[5:] or 0)
            self._send(302, headers={"Location": f"/loop{n + 1}"})
        elif path == "/to-loopback-ip":
            port = self.server.server_address[1]
            self._send(302, headers={"Location": f"http://127.0.0.1:{port}/article.html"})
        elif path == "/missing":
            self._send(404, b"not here")
        elif path == "/pdf":
            self._send(200, b"%PDF-1.4", "application/pdf")
        elif path == "/big":
            self._send(200, b"<p>" + b"x" * 300_000 + b"</p>")
        elif path == "/big-chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()  # no Content-Length: the cap must stop the read
            for _ in range(40):
                self.wfile.write(b"<p>" + b"y" * 10_000 + b"</p>")
            self.close_connection = True
        elif path == "/gzip-bomb":
            body = gzip.compress(b"<p>" + b"0" * 20_000_000 + b"</p>", compresslevel=9)
            self._send(200, body, headers={"Content-Encoding": "gzip"})
        elif path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(50):  # trickles forever (for a test): one byte each 0.2 s
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            self.close_connection = True
        elif path == "/flaky":
            self.server.flaky_calls += 1
            if self.server.flaky_calls == 1:
                self._send(503, b"busy", headers={"Retry-After": "0"})
            else:
                self._send(200, article_html("flaky").encode())
        elif path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304)
            else:
                self._send(
                    200,
                    article_html("etag").encode(),
                    headers={"ETag": '"v1"', "Last-Modified": formatdate(usegmt=True)},
                )
        elif path == "/always-304":  # "not modified" whatever was asked
            self._send(304)
        elif path == "/feed.xml":
            self._send(200, FEED.format(host=host).encode(), "application/rss+xml")
        elif path == "/broken.html":
            self._send(200, b"<html><body><div><div><p>unclosed <b>tags \xff\xfe garbage")
        else:
            self._send(404, b"unknown")


class LoopbackServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.hits: list[tuple[str, float, dict]] = []
        self.flaky_calls = 0
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://localhost:{self.server_address[1]}"

    def paths(self) -> list[str]:
        return [path for path, _, _ in self.hits]

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
