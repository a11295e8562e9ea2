"""The web app: server-rendered pages over the same Python API as the CLI, each with a JSON
twin at the same path plus `.json`, and an OpenAPI description at /openapi.json.

    app = create_app("story.db")          # then: uvicorn.run(app)

Reads are open; every request that changes anything (POST) needs the token when one is set,
is refused when it comes from another site (an Origin header naming another host, or `null`),
and must prove it comes from this app: the form's `csrf` field, or a custom header that no
other site can send without a CORS preflight, which this server never grants. Uploads are
size-limited and written only under the data directory.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import re
import secrets
import shutil
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, File, Form, HTTPException, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storyline import nlp, pipeline
from storyline.config import DEFAULTS
from storyline.dates import timex
from storyline.ingest.remote import is_url
from storyline.ingest.web import FetchOptions
from storyline.models import Analysis, Article, Span, TimeExpression
from storyline.render import render_html, render_json, render_markdown
from storyline.store import Store
from storyline.web import views
from storyline.web.jobs import JobRunner, briefing_signature

log = logging.getLogger(__name__)

UPLOAD_SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
TOKEN_COOKIE = "storyline_token"
# Scripts send this header (any value) on changes; a page of another site cannot send a custom
# header without a preflight, so no token is needed to tell their requests apart.
REQUEST_HEADER = "X-Storyline-Request"
CSRF_FIELD = "csrf"
MAX_NAME_CHARS = 120  # of an uploaded file's name, before its suffix (ASCII once sanitized)
Speaker = Annotated[str | None, Query(max_length=200, description="Only this speaker's quotes")]
# An HTML page's id has no dot: "/events/ID.json" is the page's JSON twin, never an HTML page of
# the id "ID.json" (ids are hex digests and slugs).
PageId = Annotated[str, PathParam(pattern=r"^[^.]+$", description="The id, without a suffix")]
Offset = Annotated[int | None, Query(ge=0, le=10**9, description="Highlight from here")]
Query_ = Annotated[str, Query(max_length=500, description="Words to find (all of them)")]
Files = Annotated[Sequence[UploadFile], File(description="Article files: .txt, .html, .jsonl")]
Urls = Annotated[str, Form(max_length=20_000, description="URLs, one a line")]
Csrf = Annotated[
    str, Form(max_length=100, description="The form's token (not needed with X-Storyline-Request)")
]
_STATIC = Path(__file__).parent / "static"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")

_env = Environment(
    loader=PackageLoader("storyline", "web/templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
)
_env.filters["pct"] = lambda part, whole: f"{100 * part / whole:.0f}" if whole else "0"

_ERROR = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
_JSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {"schema": {"type": "object"}}}, "description": "The page's data"},
    400: {"description": "Bad parameter", "content": {"application/json": {"schema": _ERROR}}},
    404: {"description": "No such item", "content": {"application/json": {"schema": _ERROR}}},
    422: {"description": "Invalid parameter", "content": {"application/json": {"schema": _ERROR}}},
}
_HTML: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "Page"},
    400: {"description": "Bad parameter", "content": {"text/html": {"schema": {"type": "string"}}}},
    404: {"description": "No such item", "content": {"text/html": {"schema": {"type": "string"}}}},
    422: {"description": "Invalid parameter", "content": {"text/html": {"schema": {"type": "string"}}}},
}


class AppState:
    """The store path, the briefing in memory, the ingestion jobs."""

    def __init__(
        self, db: str, data_dir: Path, token: str | None, max_upload_bytes: int, fetch_options: FetchOptions
    ) -> None:
        self.db, self.data_dir, self.token = db, data_dir, token
        self.max_upload_bytes = max_upload_bytes
        self.csrf = secrets.token_urlsafe(24)  # the forms' token, new each time the server starts
        self.writes: frozenset[tuple[str, str]] = frozenset()  # (method, path) of each change
        self.corpus: views.Corpus | None = None
        self.lock = threading.Lock()
        self.jobs = JobRunner(db, self._use_briefing, fetch_options)

    def _use_briefing(self, briefing, signature: str) -> None:
        self.corpus = views.Corpus.of(briefing, signature)

    def current(self) -> views.Corpus | None:
        """The briefing of every article in the store, rebuilt only when articles were added
        (and not while a job is adding some: pages show the last one until it is done)."""
        with Store(self.db) as store:
            signature = briefing_signature(store)
            corpus = self.corpus
            if corpus is not None and (corpus.key == signature or self.jobs.busy):
                return corpus
            with self.lock:
                if self.corpus is not None and self.corpus.key == signature:
                    return self.corpus
                ids = [a.id for a in store.articles()]
                if not ids:
                    return None
                self.corpus = views.Corpus.of(pipeline.build_briefing(store, ids), signature)
                return self.corpus


def _twin(request: Request) -> str:
    """The JSON twin of a page: the same path plus .json, with the same query."""
    path = request.url.path.rstrip("/") or "/index"
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
    return f"{path}.json" + (f"?{urlencode(query)}" if query else "")


def _page(template: str, request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("twin", _twin(request) if request.method == "GET" and status == 200 else None)
    html = _env.get_template(template).render(request=request, **context)
    return HTMLResponse(html, status_code=status)


def _json(data: Any, status: int = 200) -> Response:
    body = json.dumps(_public(data), ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=status, media_type="application/json")


def _public(data: Any) -> Any:
    """Drop keys starting with '_' (rendered HTML meant for the template only)."""
    if isinstance(data, dict):
        return {k: _public(v) for k, v in data.items() if not k.startswith("_")}
    if isinstance(data, list):
        return [_public(v) for v in data]
    return data


def _not_found(what: str, key: str) -> HTTPException:
    return HTTPException(404, f"no {what} with id {key!r}; start from the corpus page at /")


def safe_upload_path(directory: Path, filename: str | None, index: int) -> Path | None:
    """Where an uploaded file goes: its base name (sanitized, prefixed with its index) inside
    `directory`, or None when the name or type is not accepted."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = _SAFE_NAME.sub("_", base).strip(" .")
    if not base or not base.lower().endswith(UPLOAD_SUFFIXES):
        return None
    stem, dot, suffix = base.rpartition(".")
    base = f"{stem[:MAX_NAME_CHARS]}{dot}{suffix}"  # file systems take names of 255 bytes at most
    path = (directory / f"{index:03d}-{base}").resolve()
    return path if path.is_relative_to(directory.resolve()) else None


class _Guard:
    """ASGI middleware: token and same-origin check on writes, body size limit on uploads."""

    def __init__(self, app: ASGIApp, state: AppState) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(headers, scope)
        if refusal is not None:
            await _refusal_response(scope, *refusal)(scope, receive, send)
            return
        limit = self.state.max_upload_bytes + 64 * 1024  # multipart framing on top of the files
        too_large = f"upload larger than {self.state.max_upload_bytes} bytes; send fewer or smaller files"
        if int(headers.get("content-length") or 0) > limit:
            await _refusal_response(scope, 413, too_large)(scope, receive, send)
            return
        if "content-length" not in headers:  # chunked: read it here, so the limit answers 413
            body = await _read_body(receive, limit)
            if body is None:
                await _refusal_response(scope, 413, too_large)(scope, receive, send)
                return
            receive = _replay(body, receive)
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _refusal_response(scope, 413, too_large)(scope, receive, send)

    def _refusal(self, headers: dict[str, str], scope: Scope) -> tuple[int, str] | None:
        origin = headers.get("origin")
        # `null` is what a sandboxed iframe, a data: URL or a file: page sends: another site.
        if origin and (origin == "null" or urlsplit(origin).netloc != headers.get("host")):
            return 403, f"cross-site request from Origin {origin} refused"
        refusal = self._token_refusal(headers)
        if refusal is not None:
            return refusal
        # only where a route takes the method: elsewhere the app's 405 is the truer answer
        if (scope["method"], scope["path"]) in self.state.writes and REQUEST_HEADER.lower() not in headers:
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type not in ("multipart/form-data", "application/x-www-form-urlencoded"):
                return 403, (
                    f"a change needs the header '{REQUEST_HEADER}: 1' (or the form's {CSRF_FIELD} "
                    "field); send it from scripts"
                )
            scope.setdefault("state", {})["csrf_field_needed"] = True  # checked by the route
        return None

    def _token_refusal(self, headers: dict[str, str]) -> tuple[int, str] | None:
        token = self.state.token
        if token is None:
            return None
        given = headers.get("x-storyline-token") or ""
        if headers.get("authorization", "").startswith("Bearer "):
            given = headers["authorization"][7:]
        cookies = dict(
            part.strip().split("=", 1) for part in headers.get("cookie", "").split(";") if "=" in part
        )
        given = given or cookies.get(TOKEN_COOKIE, "")
        if not hmac.compare_digest(given.encode(), token.encode()):
            return 401, (
                "this server needs its token for changes: send it as 'Authorization: "
                "Bearer TOKEN', or open any page once with ?token=TOKEN"
            )
        return None


class _TooLarge(Exception):
    pass


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body of a request, or None as soon as it grows past `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # the disconnect, when it comes
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _refusal_response(scope: Scope, status: int, message: str) -> Response:
    """`{"error": message}` for a JSON path, else an error page that a browser shows."""
    if scope["path"].endswith(".json") or scope["path"].startswith("/openapi"):
        return JSONResponse({"error": message}, status_code=status)
    return _page("error.html", Request(scope), status=status, status_code=status, message=message)


def _validation_message(errors: Sequence[dict]) -> str:
    """FastAPI's validation errors in one line: where, and what is wrong."""
    parts = []
    for error in errors[:5]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path"))
        message = error.get("msg", "invalid")
        if "UploadFile" in message:  # a part sent without a file name arrives as a string
            message = "not a file: each uploaded file needs a file name"
        parts.append(f"{where or 'request'}: {message}")
    return "; ".join(parts) + " (see /openapi.json)"


class _HostCheck:
    """ASGI middleware: answer only a Host header that is an IP address (a rebinding page
    cannot send one: its Host is its own domain) or one of the allowed names."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app, self.allowed = app, allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
            if not _host_answered(host, self.allowed):
                refusal = PlainTextResponse(
                    f"Invalid host header {host[:100]!r}: this server answers its IP addresses"
                    " and the names given with --allowed-host",
                    status_code=400,
                )
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _host_answered(host: str, allowed: frozenset[str]) -> bool:
    try:
        name = urlsplit(f"//{host}").hostname or ""
    except ValueError:  # "[::1", say
        return False
    if name in allowed or "*" in allowed:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def create_app(
    db: str | Path,
    *,
    data_dir: str | Path | None = None,
    token: str | None = None,
    max_upload_bytes: int = DEFAULTS.ingest.max_bytes,
    allow_private: bool = False,
    allowed_hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The web app over the store at `db`; uploads go under `data_dir` (default: beside db).

    Pasted URLs are fetched with the same guard as the CLI: private, loopback and link-local
    addresses are refused unless `allow_private`, so the server cannot be used to reach into
    the network it runs in. With `allowed_hosts`, a request whose Host header is neither an IP
    address nor one of those names is refused (400): a web page that rebinds its own domain to
    the server's address cannot read the store through the visitor's browser."""
    db_path = Path(db).resolve()
    data = Path(data_dir) if data_dir else db_path.parent / "storyline-data"
    state = AppState(
        str(db_path),
        data.resolve(),
        token or None,
        max_upload_bytes,
        FetchOptions(max_bytes=max_upload_bytes, allow_private=allow_private),
    )
    app = FastAPI(
        title="storyline",
        version="1.0",
        docs_url=None,
        redoc_url=None,
        description="Every page of the storyline web app and its JSON twin.",
    )
    app.state.storyline = state
    app.add_middleware(_Guard, state=state)
    if allowed_hosts is not None:
        app.add_middleware(_HostCheck, allowed=frozenset(h.lower() for h in allowed_hosts))
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")

    @app.middleware("http")
    async def remember_token(request: Request, call_next):
        response = await call_next(request)
        given = request.query_params.get("token")
        if state.token and given and hmac.compare_digest(given.encode(), state.token.encode()):
            response.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict")
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        return _refusal_response(request.scope, 422, _validation_message(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        response: Response
        if request.url.path.endswith(".json"):
            response = JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        else:
            response = _page(
                "error.html", request, status=exc.status_code, status_code=exc.status_code, message=exc.detail
            )
        response.headers.update(exc.headers or {})
        if exc.status_code == 405:  # every method of the path, not only the first route's
            allowed = {
                m
                for route in app.routes
                if isinstance(route, Route) and route.methods and route.path_regex.match(request.url.path)
                for m in route.methods
            }
            response.headers["Allow"] = ", ".join(sorted(allowed))
        return response

    def corpus_or_none() -> views.Corpus | None:
        return state.current()

    def corpus_required() -> views.Corpus:
        corpus = state.current()
        if corpus is None:
            raise HTTPException(404, "the store has no articles yet; add some at /add")
        return corpus

    # -- corpus ---------------------------------------------------------------------------------

    def may_change(request: Request) -> bool:
        """Whether the request carries the token (always true on a server without one)."""
        if state.token is None:
            return True
        given = request.query_params.get("token", "")
        headers = {k.lower(): v for k, v in request.headers.items()}
        return _Guard(app, state)._token_refusal(headers) is None or hmac.compare_digest(
            given.encode(), state.token.encode()
        )

    def corpus_data(request: Request) -> dict:
        corpus = corpus_or_none()
        page = (
            views.corpus_page(corpus) if corpus else {"articles": 0, "events": [], "entities": 0, "quotes": 0}
        )
        return {
            **page,
            "jobs": [j.to_dict() for j in state.jobs.jobs.values() if j.state in ("queued", "running")]
            if may_change(request)
            else [],
        }

    @app.get("/", response_class=HTMLResponse, responses=_HTML, summary="Corpus: events")
    def corpus_html(request: Request):
        return _page("corpus.html", request, page=corpus_data(request))

    @app.get("/index.json", responses=_JSON, summary="Corpus: events (JSON)")
    def corpus_json(request: Request):
        return _json(corpus_data(request))

    # -- event --------------------------------------------------------------------------------

    def event_data(event_id: str, speaker: str | None) -> dict:
        page = views.event_page(corpus_required(), event_id, speaker or None)
        if page is None:
            raise _not_found("event", event_id)
        return page

    @app.get("/events/{event_id}.json", responses=_JSON, summary="Event (JSON)")
    def event_json(event_id: str, speaker: Speaker = None):
        page = event_data(event_id, speaker)
        corpus = state.corpus
        key = ("json", event_id, None)
        if speaker or corpus is None or key not in corpus.page_cache:
            response = _json(page)
            if corpus is not None and not speaker:
                corpus.page_cache[key] = response.body
            return response
        return Response(corpus.page_cache[key], media_type="application/json")

    @app.get(
        "/events/{event_id}/briefing.{fmt}",
        summary="Event export: md, json or html",
        responses={
            200: {
                "content": {"text/markdown": {}, "application/json": {}, "text/html": {}},
                "description": "The export",
            },
            404: {"description": "No such event or format"},
            422: {"description": "Invalid parameter", "content": {"application/json": {"schema": _ERROR}}},
        },
    )
    def event_export(event_id: str, fmt: str):
        if fmt not in ("md", "json", "html"):
            raise HTTPException(404, f"no export format {fmt!r}; use md, json or html")
        briefing = views.event_briefing(corpus_required(), event_id)
        if briefing is None:
            raise _not_found("event", event_id)
        body, media = {
            "md": (render_markdown, "text/markdown; charset=utf-8"),
            "json": (render_json, "application/json"),
            "html": (render_html, "text/html; charset=utf-8"),
        }[fmt]
        return Response(
            body(briefing),
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="{event_id}.{fmt}"'},
        )

    @app.get(
        "/events/{event_id}",
        response_class=HTMLResponse,
        responses=_HTML,
        summary="Event: summary, timeline, quotes, claims, coverage",
    )
    def event_html(request: Request, event_id: PageId, speaker: Speaker = None):
        page = event_data(event_id, speaker)
        corpus = state.corpus
        key = ("html", event_id, None)
        # An unfiltered page is the same bytes every time, so it is kept.
        cache = corpus.page_cache if not request.query_params and corpus is not None else None
        if cache is not None and key in cache:
            return HTMLResponse(cache[key])
        response = _page(
            "event.html",
            request,
            page=page,
            speaker=speaker,
            unique_limit=DEFAULTS.web.unique_rows_shown,
            quote_limit=DEFAULTS.web.quotes_shown_per_speaker,
        )
        if cache is not None:
            cache[key] = response.body
        return response

    # -- article ------------------------------------------------------------------------------

    def article_data(article_id: str, start: int | None, end: int | None) -> dict:
        corpus = corpus_required()
        article = corpus.articles.get(article_id)
        if article is None:
            raise _not_found("article", article_id)
        highlight = None
        if start is not None and end is not None:
            if not 0 <= start < end <= len(article.text):
                raise HTTPException(400, f"span {start}-{end} is outside the article (0-{len(article.text)})")
            highlight = Span(article_id=article.id, start=start, end=end)
        analysis, dates = parsed_article(article)
        return views.article_page(corpus, article, analysis, dates, highlight)

    # An article's id is a hash of its text and its parse is stored under ANALYSIS_VERSION, so
    # its parse and dates never change while the server runs: read and tag them once per article
    # (the article page re-read and re-tagged them on every request; about half its time).
    parsed: dict[str, tuple[Analysis | None, list[TimeExpression]]] = {}

    def parsed_article(article: Article) -> tuple[Analysis | None, list[TimeExpression]]:
        found = parsed.get(article.id)
        if found is None:
            with Store(state.db) as store:
                stored = store.get_output("analysis", article.id, nlp.ANALYSIS_VERSION)
            analysis = nlp.analysis_from_json(stored) if stored else None
            dates = timex.find_dates(
                article, analysis.sentences if analysis else (), tokens=analysis.tokens if analysis else ()
            )
            found = parsed[article.id] = (analysis, dates)
            if len(parsed) > 512:  # the oldest out: a bounded cache on a long-running server
                parsed.pop(next(iter(parsed)), None)
        return found

    @app.get("/articles/{article_id}.json", responses=_JSON, summary="Article (JSON)")
    def article_json(article_id: str, start: Offset = None, end: Offset = None):
        return _json(article_data(article_id, start, end))

    @app.get(
        "/articles/{article_id}",
        response_class=HTMLResponse,
        responses=_HTML,
        summary="Article: cleaned text with marks, removed debris, copies",
    )
    def article_html(request: Request, article_id: PageId, start: Offset = None, end: Offset = None):
        return _page("article.html", request, page=article_data(article_id, start, end))

    # -- entity -------------------------------------------------------------------------------

    def entity_data(entity_id: str) -> dict:
        page = views.entity_page(corpus_required(), entity_id)
        if page is None:
            raise _not_found("entity", entity_id)
        return page

    @app.get("/entities/{entity_id}.json", responses=_JSON, summary="Entity (JSON)")
    def entity_json(entity_id: str):
        return _json(entity_data(entity_id))

    @app.get(
        "/entities/{entity_id}",
        response_class=HTMLResponse,
        responses=_HTML,
        summary="Entity: aliases, quotes, events",
    )
    def entity_html(request: Request, entity_id: PageId):
        return _page("entity.html", request, page=entity_data(entity_id))

    # -- the story's timeline -----------------------------------------------------------------

    def timeline_data() -> dict:
        corpus = corpus_or_none()
        return views.timeline_page(corpus) if corpus else {"timeline": []}

    @app.get("/timeline", response_class=HTMLResponse, responses=_HTML, summary="The story's timeline")
    def timeline_html(request: Request):
        return _page("timeline.html", request, page=timeline_data())

    @app.get("/timeline.json", responses=_JSON, summary="The story's timeline (JSON)")
    def timeline_json():
        return _json(timeline_data())

    # -- search -------------------------------------------------------------------------------

    def search_data(q: str) -> dict:
        corpus = corpus_or_none()
        with Store(state.db) as store:
            if corpus is not None:
                store.index_passages(corpus.key, views.passages(corpus))
            hits = store.search(q) if q.strip() else []
        return views.search_page(corpus, q, hits)

    @app.get(
        "/search", response_class=HTMLResponse, responses=_HTML, summary="Search articles, quotes and claims"
    )
    def search_html(request: Request, q: Query_ = ""):
        return _page("search.html", request, page=search_data(q), query=q)

    @app.get("/search.json", responses=_JSON, summary="Search (JSON)")
    def search_json(q: Query_ = ""):
        return _json(search_data(q))

    # -- add articles -------------------------------------------------------------------------

    def add_data(request: Request) -> dict:
        """Recent jobs name the files people uploaded: only those with the token see them."""
        return {
            "max_upload_bytes": state.max_upload_bytes,
            "accepted": list(UPLOAD_SUFFIXES),
            "url_ingest": True,
            "token_required": state.token is not None,
            "jobs": [j.to_dict() for j in reversed(state.jobs.jobs.values())] if may_change(request) else [],
        }

    @app.get("/add", response_class=HTMLResponse, responses=_HTML, summary="Add articles")
    def add_html(request: Request):
        return _page(
            "add.html", request, page=add_data(request), csrf=state.csrf, token_given=may_change(request)
        )

    @app.get("/add.json", responses=_JSON, summary="Add articles: limits and jobs (JSON)")
    def add_json(request: Request):
        return _json(add_data(request))

    def check_csrf(request: Request, csrf: str) -> None:
        """A form sent without the custom header must carry this server's form token."""
        if getattr(request.state, "csrf_field_needed", False) and not hmac.compare_digest(
            csrf.encode(), state.csrf.encode()
        ):
            raise HTTPException(
                403,
                f"this form is out of date or came from another site (no valid {CSRF_FIELD} field); "
                f"reload /add and send it again, or send the header '{REQUEST_HEADER}: 1' from scripts",
            )

    async def start_job(files: list[UploadFile], urls: str) -> tuple[dict | None, str | None]:
        notes: list[str] = []
        pasted = [u for u in urls.split() if u]
        wanted_urls = [u for u in pasted if is_url(u)]
        notes += [f"skipped {u!r}: not an http(s) URL" for u in pasted if not is_url(u)][:5]
        if len(wanted_urls) > DEFAULTS.web.max_pasted_urls:
            return None, f"{len(wanted_urls)} URLs pasted; at most {DEFAULTS.web.max_pasted_urls} at a time"
        files = [f for f in files if f.filename]
        if not files and not wanted_urls:
            return None, notes[0] if notes else (
                "nothing to add: pick .txt, .html or .jsonl files or paste URLs"
            )
        directory = state.data_dir / "uploads" / uuid.uuid4().hex[:12]
        accepted: list[tuple[Path, bytes]] = []
        total = 0
        for index, upload in enumerate(files):
            target = safe_upload_path(directory, upload.filename, index)
            if target is None:
                notes.append(
                    f"skipped {upload.filename!r}: only {', '.join(UPLOAD_SUFFIXES)} "
                    "files with plain names are accepted"
                )
                continue
            content = await upload.read(state.max_upload_bytes + 1 - total)
            total += len(content)
            if total > state.max_upload_bytes:  # nothing is written unless all of it fits
                raise HTTPException(
                    413, f"upload larger than {state.max_upload_bytes} bytes; send fewer or smaller files"
                )
            accepted.append((target, content))
        saved = []
        try:
            for target, content in accepted:
                directory.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                saved.append(target)
        except OSError as e:  # a full disk, say: the files of this request go, none stays half
            shutil.rmtree(directory, ignore_errors=True)
            log.error("cannot save an upload in %s: %s", directory, e)
            raise HTTPException(507, "the server cannot store this upload now (disk full?); try later") from e
        if not saved and not wanted_urls:
            return None, "; ".join(notes)
        return state.jobs.submit([str(p) for p in saved], notes, urls=wanted_urls).to_dict(), None

    @app.post(
        "/add",
        response_class=HTMLResponse,
        summary="Upload articles (form)",
        responses={
            303: {"description": "To the job's progress page"},
            400: {"description": "Nothing to ingest"},
            401: {"description": "Token missing or wrong"},
            403: {"description": "Cross-site request"},
            413: {"description": "Upload too large"},
            422: {"description": "Invalid form", "content": {"text/html": {"schema": {"type": "string"}}}},
        },
    )
    async def add_post(request: Request, files: Files = (), urls: Urls = "", csrf: Csrf = ""):
        check_csrf(request, csrf)
        job, problem = await start_job(list(files), urls)
        if job is None:
            return _page(
                "add.html", request, status=400, page=add_data(request), problem=problem, csrf=state.csrf
            )
        return RedirectResponse(job["href"], status_code=303)

    @app.post(
        "/add.json",
        status_code=202,
        summary="Upload articles (JSON)",
        responses={
            202: {"description": "The job", "content": {"application/json": {"schema": {"type": "object"}}}},
            400: {"description": "Nothing to ingest", "content": {"application/json": {"schema": _ERROR}}},
            401: {
                "description": "Token missing or wrong",
                "content": {"application/json": {"schema": _ERROR}},
            },
            403: {"description": "Cross-site request", "content": {"application/json": {"schema": _ERROR}}},
            413: {"description": "Upload too large", "content": {"application/json": {"schema": _ERROR}}},
            422: {"description": "Invalid form", "content": {"application/json": {"schema": _ERROR}}},
        },
    )
    async def add_post_json(request: Request, files: Files = (), urls: Urls = "", csrf: Csrf = ""):
        check_csrf(request, csrf)
        job, problem = await start_job(list(files), urls)
        if job is None:
            return _json({"error": problem}, 400)
        return _json(job, 202)

    def job_data(job_id: str) -> dict:
        job = state.jobs.jobs.get(job_id)
        if job is None:
            raise _not_found("job", job_id)
        data = job.to_dict()
        corpus = state.corpus
        data["articles"] = (
            [corpus.article_brief(a) for a in job.article_ids if corpus and a in corpus.articles]
            if job.state == "done"
            else []
        )
        return data

    @app.get("/jobs/{job_id}.json", responses=_JSON, summary="Ingestion progress (JSON)")
    def job_json(job_id: str):
        return _json(job_data(job_id))

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, responses=_HTML, summary="Ingestion progress")
    def job_html(request: Request, job_id: PageId):
        return _page("job.html", request, page=job_data(job_id))

    state.writes = frozenset(
        (method, route.path)
        for route in app.routes
        if isinstance(route, Route)
        for method in route.methods or ()
        if method not in ("GET", "HEAD", "OPTIONS")
    )
    return app


__all__ = ["create_app", "safe_upload_path"]
