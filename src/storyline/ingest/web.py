"""Fetch pages over HTTP politely and safely, into RawDocuments or per-URL Failures.

httpx does the HTTP; this module adds what a crawler that may run as a service needs and no
library bundles: a guard against server-side request forgery (private, loopback and link-local
addresses are refused at every redirect hop unless allowed), robots.txt, a per-host pace,
retries with backoff on transient errors, a total deadline per page (a slow server cannot
trickle bytes forever), a cap on the decoded body (so a gzip bomb stops at the cap), a
content-type check, a redirect limit, and conditional requests on refetch.

The address check resolves the host before connecting; a DNS answer that changes between the
check and httpx's own lookup (DNS rebinding) is not covered. Run storyline behind an egress
firewall when it fetches URLs given by untrusted users.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import logging
import socket
import time
import urllib.robotparser
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from storyline.config import DEFAULTS
from storyline.errors import FetchError
from storyline.models import Failure, RawDocument

log = logging.getLogger(__name__)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("storyline")
    except PackageNotFoundError:
        return "dev"


USER_AGENT = f"storyline/{_version()} (news briefing tool; +https://pypi.org/project/storyline/)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
TEXT_TYPES = ("text/plain",)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True, slots=True)
class FetchOptions:
    max_bytes: int = DEFAULTS.ingest.max_bytes
    timeout: float = DEFAULTS.ingest.fetch_timeout
    connect_timeout: float = DEFAULTS.ingest.connect_timeout
    max_redirects: int = DEFAULTS.ingest.max_redirects
    retries: int = DEFAULTS.ingest.retries
    backoff: float = DEFAULTS.ingest.backoff
    max_retry_after: float = DEFAULTS.ingest.max_retry_after
    host_interval: float = DEFAULTS.ingest.host_interval
    concurrency: int = DEFAULTS.ingest.concurrency
    allow_private: bool = False
    respect_robots: bool = True
    user_agent: str = USER_AGENT
    accepted_types: tuple[str, ...] = HTML_TYPES + TEXT_TYPES


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a page last time, for a conditional request."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Fetched:
    """One URL's outcome: a document, or 'not modified', or a failure."""

    url: str
    final_url: str | None = None
    document: RawDocument | None = None
    validators: Validators = Validators()
    not_modified: bool = False
    failure: Failure | None = None


Resolver = Callable[[str, int], Sequence[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """The IP addresses a host name resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as e:
        raise FetchError(f"cannot resolve host {host!r} ({e.strerror})", transient=True) from e
    return sorted({str(info[4][0]) for info in infos})  # a str for IP families; typed str | int


def is_public_address(address: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, *, allow_private: bool, resolver: Resolver = resolve_host) -> None:
    """Raise FetchError unless `url` is http(s) to a host storyline may contact."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as e:  # an unclosed IPv6 bracket, a port that is not a number
        raise FetchError(f"malformed URL ({e})") from e
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {parts.scheme or 'no scheme'!r}")
    if not parts.hostname:
        raise FetchError("the URL has no host")
    if parts.username or parts.password:
        raise FetchError("URLs with credentials are refused")
    if allow_private:
        return
    for address in resolver(parts.hostname, port):
        if not is_public_address(address):
            raise FetchError(
                f"{parts.hostname} resolves to {address}, a private, loopback or link-local "
                "address; refused (pass --allow-private to fetch from your own network)"
            )


@dataclass
class _Host:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_at: float = 0.0
    interval: float = 0.0
    robots: asyncio.Task | None = None  # resolves to the host's RobotFileParser or None


class Fetcher:
    """Fetches many URLs concurrently, one request at a time per host, at a polite pace."""

    def __init__(
        self,
        options: FetchOptions = FetchOptions(),
        *,
        resolver: Resolver = resolve_host,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.options = options
        self.resolver = resolver
        self.transport = transport
        self._hosts: dict[str, _Host] = {}

    async def fetch_all(
        self, urls: Iterable[str], known: dict[str, Validators] | None = None
    ) -> list[Fetched]:
        known = known or {}
        limits = httpx.Limits(max_connections=self.options.concurrency)
        timeout = httpx.Timeout(self.options.timeout, connect=self.options.connect_timeout)
        async with httpx.AsyncClient(
            headers={"User-Agent": self.options.user_agent},
            follow_redirects=False,
            timeout=timeout,
            limits=limits,
            transport=self.transport,
            trust_env=False,
        ) as client:
            gate = asyncio.Semaphore(self.options.concurrency)

            async def one(url: str) -> Fetched:
                async with gate:
                    return await self._fetch_one(client, url, known.get(url))

            return list(await asyncio.gather(*(one(url) for url in dict.fromkeys(urls))))

    async def _fetch_one(self, client: httpx.AsyncClient, url: str, validators: Validators | None) -> Fetched:
        attempt = 0
        while True:
            try:
                return await asyncio.wait_for(self._follow(client, url, validators), self.options.timeout)
            except (FetchError, TimeoutError) as e:
                transient = isinstance(e, TimeoutError) or e.transient
                message = (
                    f"no complete answer within {self.options.timeout:g} s"
                    if isinstance(e, TimeoutError)
                    else str(e)
                )
                if not transient or attempt >= self.options.retries:
                    tries = f" (after {attempt + 1} attempts)" if attempt else ""
                    return Fetched(
                        url=url,
                        failure=Failure(source=url, stage="fetch", message=f"{url}: {message}{tries}"),
                    )
                wait = self.options.backoff * 2**attempt
                if isinstance(e, FetchError) and e.retry_after is not None:
                    wait = max(wait, min(e.retry_after, self.options.max_retry_after))
                log.info("retrying %s in %.1f s: %s", url, wait, message)
                await asyncio.sleep(wait)
                attempt += 1

    async def _follow(self, client: httpx.AsyncClient, url: str, validators: Validators | None) -> Fetched:
        current = url
        for _ in range(self.options.max_redirects + 1):
            await asyncio.to_thread(
                check_url, current, allow_private=self.options.allow_private, resolver=self.resolver
            )
            if not await self._allowed_by_robots(client, current):
                raise FetchError("disallowed by the site's robots.txt")
            headers = _conditional_headers(validators) if current == url else {}
            async with self._paced(current):
                request = client.build_request("GET", current, headers=headers)
                try:
                    response = await client.send(request, stream=True)
                except httpx.TransportError as e:
                    raise FetchError(f"{type(e).__name__}: {e}", transient=True) from e
            try:
                if response.status_code in REDIRECT_STATUSES:
                    location = response.headers.get("location")
                    if not location:
                        raise FetchError(f"HTTP {response.status_code} redirect without a location")
                    try:
                        current = urljoin(current, location)
                    except ValueError as e:
                        raise FetchError(f"redirect to a malformed URL ({e})") from e
                    continue
                return await self._read(response, url, current)
            finally:
                await response.aclose()
        raise FetchError(f"more than {self.options.max_redirects} redirects")

    async def _read(self, response: httpx.Response, url: str, final_url: str) -> Fetched:
        status = response.status_code
        if status == 304:
            asked = response.request.headers
            if "if-none-match" not in asked and "if-modified-since" not in asked:
                # Not modified since a copy storyline never asked about: the server misbehaves.
                raise FetchError("HTTP 304 Not Modified to a request that was not conditional")
            return Fetched(url=url, final_url=final_url, not_modified=True)
        if status in RETRY_STATUSES:
            raise FetchError(
                f"HTTP {status}",
                transient=True,
                retry_after=_retry_after(response.headers.get("retry-after")),
            )
        if status >= 400:
            raise FetchError(f"HTTP {status} {response.reason_phrase}".rstrip())
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and content_type not in self.options.accepted_types:
            raise FetchError(f"not an article page (content-type {content_type})")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.options.max_bytes:
            raise FetchError(
                f"page too large ({int(declared):,} bytes; the limit is "
                f"{self.options.max_bytes:,}, see --max-bytes)"
            )
        body = bytearray()
        try:
            # aiter_bytes decodes gzip/deflate/brotli as it goes: the cap bounds decoded bytes,
            # so a compression bomb stops at the cap.
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.options.max_bytes:
                    raise FetchError(
                        f"page larger than the limit of {self.options.max_bytes:,} bytes (see --max-bytes)"
                    )
        except httpx.DecodingError as e:
            raise FetchError(f"the body cannot be decoded ({e})") from e
        except httpx.TransportError as e:
            raise FetchError(f"connection broken while reading ({type(e).__name__})", transient=True) from e
        text = _decode(bytes(body), response)
        is_text = content_type in TEXT_TYPES
        document = RawDocument(
            source=url, url=final_url, text=text if is_text else None, html=None if is_text else text
        )
        return Fetched(
            url=url,
            final_url=final_url,
            document=document,
            validators=Validators(
                etag=response.headers.get("etag"), last_modified=response.headers.get("last-modified")
            ),
        )

    def _host(self, url: str) -> _Host:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc.lower()}"
        if key not in self._hosts:
            self._hosts[key] = _Host(interval=self.options.host_interval)
        return self._hosts[key]

    def _paced(self, url: str) -> _Pace:
        return _Pace(self._host(url))

    async def _allowed_by_robots(self, client: httpx.AsyncClient, url: str) -> bool:
        if not self.options.respect_robots:
            return True
        host = self._host(url)
        if host.robots is None:  # the first URL of a host reads its robots.txt; the rest wait
            host.robots = asyncio.ensure_future(self._robots(client, url, host))
        rules = await asyncio.shield(host.robots)
        return rules is None or rules.can_fetch(self.options.user_agent, url)

    async def _robots(
        self, client: httpx.AsyncClient, url: str, host: _Host
    ) -> urllib.robotparser.RobotFileParser | None:
        """The host's robots.txt rules; None (everything allowed) when it has none or it
        cannot be read in time."""
        try:
            found = await asyncio.wait_for(
                self._read_robots(client, urljoin(url, "/robots.txt")), self.options.timeout
            )
        except (httpx.HTTPError, FetchError, TimeoutError):
            return None
        if found is None:
            return None
        status, text = found
        parser = urllib.robotparser.RobotFileParser()
        if status in (401, 403):
            parser.disallow_all = True  # type: ignore[attr-defined]  # set in __init__; typeshed omits it
            return parser
        if status >= 400:
            return None
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self.options.user_agent)
        if delay:
            host.interval = max(host.interval, min(float(delay), 60.0))
        return parser

    async def _read_robots(self, client: httpx.AsyncClient, robots_url: str) -> tuple[int, str] | None:
        for _ in range(3):  # robots.txt often redirects (http to https); check each hop
            await asyncio.to_thread(
                check_url, robots_url, allow_private=self.options.allow_private, resolver=self.resolver
            )
            async with self._paced(robots_url), client.stream("GET", robots_url) as response:
                if response.status_code in REDIRECT_STATUSES:
                    try:
                        robots_url = urljoin(robots_url, response.headers["location"])
                    except (KeyError, ValueError):
                        return None
                    continue
                body, limit = bytearray(), DEFAULTS.ingest.robots_max_bytes
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > limit:
                        break
                return response.status_code, bytes(body[:limit]).decode("utf-8", "replace")
        return None


class _Pace:
    """Holds a host's lock for one request and keeps its interval since the previous one."""

    def __init__(self, host: _Host) -> None:
        self.host = host

    async def __aenter__(self) -> None:
        await self.host.lock.acquire()
        wait = self.host.next_at - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    async def __aexit__(self, *exc: object) -> None:
        self.host.next_at = time.monotonic() + self.host.interval
        self.host.lock.release()


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers = {}
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _decode(body: bytes, response: httpx.Response) -> str:
    """The page as text: the charset the server declared, else trafilatura's detection."""
    charset = response.charset_encoding
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:
            pass
    from trafilatura.utils import decode_file

    return decode_file(body)


def fetch(
    urls: Iterable[str],
    options: FetchOptions = FetchOptions(),
    *,
    known: dict[str, Validators] | None = None,
    resolver: Resolver = resolve_host,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[Fetched]:
    """Fetch `urls` (duplicates once each); every URL gets a Fetched, in the order given."""
    fetcher = Fetcher(options, resolver=resolver, transport=transport)
    return asyncio.run(fetcher.fetch_all(urls, known))
