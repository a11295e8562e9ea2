"""The fetcher against a real HTTP server on loopback that misbehaves on purpose."""

from __future__ import annotations

import gzip
from datetime import date

import pytest
from tests.http_server import LoopbackServer

from storyline.ingest.web import FetchError, FetchOptions, Validators, check_url, fetch

FAST = FetchOptions(allow_private=True, host_interval=0.0, backoff=0.05, timeout=5.0)


@pytest.fixture(scope="module")
def server():
    with LoopbackServer() as running:
        yield running


def _one(server, path: str, options: FetchOptions = FAST, **kwargs):
    [result] = fetch([server.base + path], options, **kwargs)
    return result


def test_fetches_a_page_as_html_with_its_final_url(server):
    result = _one(server, "/redirect")
    assert result.failure is None
    assert result.final_url == server.base + "/article.html"
    assert "river restoration plan" in result.document.html
    assert result.document.source == server.base + "/redirect"


def test_sends_a_user_agent_that_names_storyline(server):
    _one(server, "/article.html")
    headers = [h for p, _, h in server.hits if p == "/article.html"][-1]
    assert headers["User-Agent"].startswith("storyline/")


def test_loopback_is_refused_unless_allowed(server):
    result = _one(server, "/article.html", FetchOptions(host_interval=0.0))
    assert result.document is None
    assert "loopback" in result.failure.message and "--allow-private" in result.failure.message


def test_a_redirect_to_a_private_address_is_refused_at_the_hop(server):
    # The resolver says the first host is public; the redirect leads to 127.0.0.1 itself.
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34"] if host == "localhost" else ["127.0.0.1"]

    options = FetchOptions(host_interval=0.0, respect_robots=False)
    result = _one(server, "/to-loopback-ip", options, resolver=resolver)
    assert result.document is None and "127.0.0.1" in result.failure.message


@pytest.mark.parametrize(
    "address",
    [
        "10.1.2.3",
        "192.168.0.10",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
        "100.64.0.1",
    ],
)
def test_check_url_refuses_non_public_addresses(address):
    with pytest.raises(FetchError, match="refused"):
        check_url("http://example.test/", allow_private=False, resolver=lambda h, p: [address])


@pytest.mark.parametrize(
    "url, message",
    [
        ("file:///etc/passwd", "only http and https"),
        ("ftp://example.com/x", "only http and https"),
        ("http://user:pw@example.com/", "credentials"),
        ("http:///nohost", "no host"),
    ],
)
def test_check_url_refuses_other_schemes_and_credentials(url, message):
    with pytest.raises(FetchError, match=message):
        check_url(url, allow_private=False, resolver=lambda h, p: ["93.184.216.34"])


def test_check_url_allows_a_public_address():
    check_url("https://example.com/a", allow_private=False, resolver=lambda h, p: ["93.184.216.34"])


def test_robots_txt_is_obeyed(server):
    result = _one(server, "/private/page.html")
    assert result.document is None and "robots.txt" in result.failure.message
    assert "/private/page.html" not in server.paths()


def test_endless_redirects_stop_at_the_limit(server):
    result = _one(server, "/loop0", FetchOptions(allow_private=True, host_interval=0.0, max_redirects=3))
    assert "more than 3 redirects" in result.failure.message
    assert "/loop4" not in server.paths()


@pytest.mark.parametrize(
    "path, message",
    [
        ("/missing", "HTTP 404"),
        ("/pdf", "content-type application/pdf"),
        ("/big", "too large"),
        ("/big-chunked", "larger than the limit"),
        ("/gzip-bomb", "larger than the limit"),
    ],
)
def test_bad_answers_fail_with_a_reason(server, path, message):
    options = FetchOptions(allow_private=True, host_interval=0.0, max_bytes=200_000)
    result = _one(server, path, options)
    assert result.document is None
    assert message in result.failure.message and result.failure.stage == "fetch"


def test_a_slow_server_cannot_hold_a_fetch_past_its_deadline(server):
    options = FetchOptions(allow_private=True, host_interval=0.0, timeout=1.0, retries=0)
    result = _one(server, "/slow", options)
    assert "within 1 s" in result.failure.message


def test_a_transient_error_is_retried(server):
    result = _one(server, "/flaky")
    assert result.failure is None and "sectionflaky0" in result.document.html.replace(" ", "")
    assert server.paths().count("/flaky") == 2


def test_dead_host_fails_without_sinking_the_batch(server):
    results = fetch(
        ["http://127.0.0.1:9/nothing", server.base + "/article.html"],
        FetchOptions(allow_private=True, host_interval=0.0, retries=0, timeout=3.0),
    )
    assert results[0].failure is not None and results[1].document is not None


def test_refetch_is_conditional_and_not_modified_is_reported(server):
    first = _one(server, "/etag")
    assert first.validators.etag == '"v1"' and first.validators.last_modified
    again = _one(server, "/etag", known={server.base + "/etag": first.validators})
    assert again.not_modified and again.document is None and again.failure is None
    headers = [h for p, _, h in server.hits if p == "/etag"][-1]
    assert headers["If-None-Match"] == '"v1"'


def test_declared_charset_is_used(server):
    result = _one(server, "/latin1.html")
    assert "rivière" in result.document.html


def test_requests_to_one_host_are_paced(server):
    options = FetchOptions(allow_private=True, host_interval=0.3)
    fetch([server.base + "/paced-a.html", server.base + "/paced-b.html"], options)
    times = sorted(t for p, t, _ in server.hits if p in ("/paced-a.html", "/paced-b.html"))
    assert times[1] - times[0] >= 0.29


def test_unknown_validators_are_ignored(server):
    result = _one(server, "/article.html", known={"http://elsewhere/": Validators(etag='"x"')})
    assert result.document is not None


# -- the pipeline and the CLI over URLs, feeds and WARC archives -------------------------------


def _warc(path, records) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, content_type, body, day in records:
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(body),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": f"2024-05-{day:02d}T10:00:00Z"},
                )
            )


def test_ingest_urls_into_the_store_with_page_metadata(server, store):
    from storyline import pipeline

    result = pipeline.ingest(
        [server.base + "/article.html", server.base + "/missing"], store, fetch_options=FAST
    )
    [article] = store.articles(result.article_ids)
    assert article.url == server.base + "/article.html"
    assert article.outlet == "Loopback Gazette" and article.published.isoformat() == "2024-05-02"
    assert "river restoration plan" in article.text
    assert [f.source for f in result.failures] == [server.base + "/missing"]


def test_refetching_an_unchanged_page_reuses_its_article(server, store):
    from storyline import pipeline

    first = pipeline.ingest([server.base + "/etag"], store, fetch_options=FAST)
    again = pipeline.ingest([server.base + "/etag"], store, fetch_options=FAST)
    assert again.article_ids == first.article_ids and again.added == 0 and not again.failures
    assert [h.get("If-None-Match") for p, _, h in server.hits if p == "/etag"][-1] == '"v1"'


def test_a_feed_is_taken_once_entry_by_entry(server, store):
    from storyline import pipeline

    feed = server.base + "/feed.xml"
    first = pipeline.ingest([], store, feeds=[feed], fetch_options=FAST)
    assert first.added == 2 and not first.failures
    before = len(server.hits)
    again = pipeline.ingest([], store, feeds=[feed], fetch_options=FAST)
    assert again.added == 0 and again.article_ids == ()
    # the feed is read again, its entries are not refetched
    assert [p for p, _, _ in server.hits[before:] if p != "/robots.txt"] == ["/feed.xml"]


def test_warc_archive_is_streamed_with_host_and_date_filters(tmp_path, store):
    from tests.http_server import article_html

    from storyline import pipeline
    from storyline.ingest.warc import WarcFilter

    archive = tmp_path / "news.warc.gz"
    _warc(
        archive,
        [
            ("https://news.example.com/a", "text/html; charset=utf-8", article_html("a").encode(), 1),
            ("https://other.org/b", "text/html", article_html("b").encode(), 2),
            ("https://news.example.com/logo.png", "image/png", b"\x89PNG", 2),
            ("https://news.example.com/c", "text/html", article_html("c").encode(), 9),
        ],
    )
    everything = pipeline.ingest([archive], store)
    assert len(everything.article_ids) == 3 and not everything.failures
    kept = pipeline.ingest(
        [tmp_path], store, warc_filter=WarcFilter(hosts=frozenset({"example.com"}), until=date(2024, 5, 5))
    )
    [article] = store.articles(kept.article_ids)
    assert article.url == "https://news.example.com/a"


@pytest.mark.parametrize("compressed", [False, True])
def test_a_truncated_warc_fails_clearly_and_keeps_what_came_before(tmp_path, store, compressed):
    from tests.http_server import article_html

    from storyline import pipeline

    whole = tmp_path / "whole.warc.gz"
    _warc(
        whole,
        [(f"https://a.example.com/{i}", "text/html", article_html(str(i)).encode(), 1) for i in range(2)],
    )
    data = whole.read_bytes() if compressed else gzip.decompress(whole.read_bytes())
    cut = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    cut.write_bytes(data[: len(data) * 4 // 5])  # the second record loses its end
    result = pipeline.ingest([cut], store)
    [article] = store.articles(result.article_ids)
    assert article.url == "https://a.example.com/0"
    assert any(f.source.startswith(str(cut)) and "truncated" in f.message for f in result.failures)


def test_a_file_that_is_not_a_warc_fails_clearly(tmp_path, store):
    from storyline import pipeline

    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"this is not an archive " * 50)
    result = pipeline.ingest([junk], store)
    assert result.article_ids == ()
    assert "unreadable WARC data" in result.failures[0].message


def test_cli_ingest_refuses_loopback_without_the_flag(server, tmp_path):
    from click.testing import CliRunner

    from storyline.cli import cli

    db = str(tmp_path / "s.db")
    refused = CliRunner().invoke(cli, ["ingest", server.base + "/article.html", "--db", db, "-q"])
    assert refused.exit_code == 1 and "--allow-private" in refused.output
    allowed = CliRunner().invoke(
        cli, ["ingest", server.base + "/article.html", "--db", db, "-q", "--allow-private"]
    )
    assert allowed.exit_code == 0, allowed.output


@pytest.mark.slow
def test_cli_watch_takes_new_feed_entries_once(server, tmp_path):
    from click.testing import CliRunner

    from storyline.cli import cli

    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# my feeds\n{server.base}/feed.xml\n")
    db = str(tmp_path / "w.db")
    args = ["watch", str(feeds), "--rounds", "1", "--allow-private", "--db", db]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and "2 new articles" in first.output, first.output
    second = CliRunner().invoke(cli, args)
    assert "0 new articles" in second.output


def test_cli_watch_refuses_a_too_eager_interval(tmp_path):
    from click.testing import CliRunner

    from storyline.cli import cli

    feeds = tmp_path / "feeds.txt"
    feeds.write_text("https://example.com/feed.xml\n")
    result = CliRunner().invoke(cli, ["watch", str(feeds), "--every", "5s"])
    assert result.exit_code == 2 and "at most once a minute" in result.output


def test_malformed_urls_fail_clearly():
    for url in ("http://[::1/x", "http://example.com:port/"):
        with pytest.raises(FetchError, match="malformed URL"):
            check_url(url, allow_private=False, resolver=lambda h, p: ["93.184.216.34"])


def test_an_unasked_not_modified_is_one_failure_for_a_page_and_a_feed(server, store):
    from storyline import pipeline

    url = server.base + "/always-304"
    result = pipeline.ingest([url], store, feeds=[url], fetch_options=FAST)
    assert result.article_ids == ()
    assert [f.source for f in result.failures] == [url, url]
    assert all("not conditional" in f.message for f in result.failures)
