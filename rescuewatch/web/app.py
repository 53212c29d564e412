"""The web app and JSON API: browse incidents, their claims, sources and evidence.

Read-only by design: changes go through the audited ``rescuewatch review`` commands. Every
query parameter is validated and bounded, passed to SQL only as a bound parameter, and every
value shown in a page is escaped by Jinja2's autoescaping.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import AfterValidator, BeforeValidator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from rescuewatch import __version__
from rescuewatch.model import CERTAINTY_GRADES, INTEGER_MAX, VICTIM_CATEGORIES, expand_categories
from rescuewatch.report.bidi import contain_bidi
from rescuewatch.store import Store
from rescuewatch.store.browse import (
    IncidentFilter,
    document_detail,
    incident_detail,
    incident_points,
    list_incidents,
    merged_into,
    overview,
)

HERE = Path(__file__).parent
STATIC = HERE.parent / "report" / "static"
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; frame-ancestors 'none'"
)

LOG = logging.getLogger("rescuewatch.web")

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _no_control(value: str | None) -> str | None:
    # No one searches for a control character, and the backends disagree on them: PostgreSQL
    # refuses a NUL in text (a 500), SQLite ends a LIKE pattern at it (matching everything).
    if value is not None and CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _blank_is_none(value: Any) -> Any:
    # The front page's form sends every field, the ones left empty as "country=&since=": an
    # empty filter is no filter (it was refused with a 422 in JSON, so the form only worked
    # with a country and both dates filled in).
    if value == "":
        return None
    return value


Blank = BeforeValidator(_blank_is_none)
Country = Annotated[str | None, Query(max_length=2, pattern="^[A-Za-z]{2}$"), Blank]
Category = Annotated[str | None, Query(max_length=200), Blank, AfterValidator(_no_control)]
#: The categories the filter offers: each victim category, and the responders together.
FILTER_CATEGORIES = (*VICTIM_CATEGORIES, "responders")
Certainty = Annotated[str | None, Query(max_length=10), Blank, AfterValidator(_no_control)]
Day = Annotated[dt.date | None, Query(), Blank]
Text = Annotated[str | None, Query(
    max_length=200, description="Text in the place, the region or an alleged perpetrator, "
                                "matched literally (% and _ too), case aside"),
    Blank, AfterValidator(_no_control)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
# Ids are PostgreSQL INTEGERs (SQLite cannot even bind a number past 64 bits): an id no row can
# have is refused as 422 before it reaches the database, where it raised an error (a 500).
RowId = Annotated[int, PathParam(ge=1, le=INTEGER_MAX)]
#: The most incidents the map's GeoJSON gives (the first by id), to bound the response; it
#: says when there are more.
MAP_POINTS = 100_000


def _filter(country: str | None, category: str | None, certainty: str | None,
            since: dt.date | None, until: dt.date | None, q: str | None) -> IncidentFilter:
    try:  # several, comma-separated, or "responders", as on the command line
        expand_categories(category)
    except ValueError:
        raise HTTPException(422, f"unknown category; choose from {', '.join(FILTER_CATEGORIES)}, "
                                 "or several separated by commas") from None
    if certainty and certainty not in CERTAINTY_GRADES:
        raise HTTPException(422, f"unknown certainty; choose from {', '.join(CERTAINTY_GRADES)}")
    return IncidentFilter(country=country or None, category=category or None,
                          certainty=certainty or None, since=since, until=until, text=q or None)


def _filter_params(flt: IncidentFilter) -> dict[str, str]:
    """The query parameters that give ``flt`` (those set only)."""
    values = {"country": flt.country, "category": flt.category, "certainty": flt.certainty,
              "since": flt.since, "until": flt.until, "q": flt.text}
    return {k: str(v) for k, v in values.items() if v is not None}


#: How the page names each filter parameter (as the list's form labels it)
_FILTER_LABELS = {"country": "country", "category": "category", "certainty": "certainty",
                  "since": "from", "until": "to", "q": "text"}


def _filter_query(flt: IncidentFilter) -> str:
    """``?`` and the query of ``flt``, or nothing when it filters nothing."""
    params = _filter_params(flt)
    return "?" + urlencode(params) if params else ""


def _page_query(flt: IncidentFilter, limit: int, offset: int) -> str:
    """The front page's query for another page of the same filtered list: every filter kept
    (the next page's link dropped the dates and the text, listing other incidents)."""
    return "?" + urlencode({**_filter_params(flt), "offset": offset, "limit": limit})


def _claim_json(item: dict[str, Any]) -> dict[str, Any]:
    """A claim as the API gives it: the ``extract`` contract, with what the store adds to it
    as ``export --format jsonl`` writes it (other harms to victims, the source's own words and
    certainty, the dataset row). The contract's victims alone turned a kidnapped aid worker
    into one neither killed nor injured, and dropped the row a claim came from."""
    claim = item["claim"]
    out = claim.to_contract({"sha256": item["document_sha256"], "origin": item["document_origin"]})
    out["victims"] = [{**v.to_json(), "affected": v.affected, "harm": v.harm} for v in claim.victims]
    return {**out, "claim_id": claim.id, "source": item["source_key"],
            "source_affiliation": item["source_affiliation"], "time_of_day": claim.time_of_day,
            "event_type": claim.event_type, "description": claim.description,
            "reported_certainty": claim.reported_certainty, "row_ref": claim.row_ref,
            "extractor": claim.extractor, "extractor_version": claim.extractor_version,
            "original": claim.original}


class MergedIncident(HTTPException):
    """A 404 for an incident that ``review merge`` merged into another, which it names."""

    def __init__(self, incident_id: int, merged_into: int) -> None:
        super().__init__(404, f"no incident {incident_id}: it was merged into incident {merged_into}",
                         headers={"Link": f'</incidents/{merged_into}>; rel="alternate"'})
        self.merged_into = merged_into


def _audit_json(entry: dict[str, Any]) -> dict[str, Any]:
    """An audit entry with its values before and after as JSON, as ``audit --json`` gives
    them: the API gave each as a string of JSON, to be decoded a second time."""
    out = dict(entry)
    for key in ("before", "after"):
        if isinstance(out.get(key), str):
            with contextlib.suppress(ValueError):
                out[key] = json.loads(out[key])
    return out


class HeadAsGet:
    """Answer HEAD as GET: every page and API answer is a GET, and HEAD (link checkers,
    ``curl -I``, monitoring) was refused with 405. The server (uvicorn) sends the headers of
    the GET answer without its body, since the request it holds is still a HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
        await self.app(scope, receive, send)


def _server_error(request: Request) -> Response:
    message = "internal error: the server's log says what went wrong"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=500)
    return PlainTextResponse(message, status_code=500)


def create_app(store: Store) -> FastAPI:
    """The FastAPI application serving ``store``."""
    # not FastAPI's /docs or /redoc: they load scripts from a CDN, which an offline machine
    # cannot reach and the CSP refuses; /docs is a page of our own (api.html)
    app = FastAPI(title="rescuewatch", version=__version__, docs_url=None, redoc_url=None,
                  description="Incidents of attacks on medical and rescue workers, as claimed by named sources.")
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                      finalize=contain_bidi)
    app.add_middleware(HeadAsGet)
    app.mount("/assets", StaticFiles(directory=HERE / "static"), name="assets")
    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def page(name: str, code: int = 200, headers: Mapping[str, str] | None = None,
             **context: Any) -> HTMLResponse:
        html = env.get_template(name).render(version=__version__, categories=FILTER_CATEGORIES,
                                             grades=CERTAINTY_GRADES, **context)
        return HTMLResponse(html, status_code=code, headers=headers)

    def wants_json(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # A page's error is a page: a browser showed {"detail": "no incident 7"} as raw JSON.
        if wants_json(request) or exc.status_code < 400:
            return await http_exception_handler(request, exc)
        title = exc.detail if exc.status_code == 404 else f"{exc.status_code}: {exc.detail}"
        return page("error.html", status=exc.status_code, title=str(title), problems=[],
                    merged_into=getattr(exc, "merged_into", None),
                    code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if wants_json(request):
            return await request_validation_exception_handler(request, exc)
        problems = [f"{'.'.join(str(part) for part in e['loc'][1:]) or 'request'}: {e['msg']}"
                    for e in exc.errors()]
        return page("error.html", status=422, title="The request cannot be answered",
                    problems=problems, code=422)

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        try:
            response: Response = await call_next(request)
        except Exception:
            # Caught here, not left to Starlette's outermost handler, so that an error's page
            # carries the same headers as any other and says nothing of the cause but where
            # to find it: the traceback goes to the server's log.
            LOG.exception("error answering %s %s", request.method, request.url.path)
            response = _server_error(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.get("/", response_class=HTMLResponse)
    def index(country: Country = None, category: Category = None, certainty: Certainty = None,
              since: Day = None, until: Day = None, q: Text = None,
              limit: Limit = 50, offset: Offset = 0) -> HTMLResponse:
        flt = _filter(country, category, certainty, since, until, q)
        rows, total = list_incidents(store, flt, limit=limit, offset=offset)
        return page("index.html", summary=overview(store), incidents=rows, total=total,
                    flt=flt, limit=limit, offset=offset, map_query=_filter_query(flt),
                    next_page=_page_query(flt, limit, offset + limit),
                    previous_page=_page_query(flt, limit, max(0, offset - limit)))

    def no_incident(incident_id: int) -> HTTPException:
        target = merged_into(store, incident_id)
        if target is None:
            return HTTPException(404, f"no incident {incident_id}")
        # a merged incident's link (cited, bookmarked) says where its claims went
        return MergedIncident(incident_id, target)

    @app.get("/incidents/{incident_id}", response_class=HTMLResponse)
    def incident_page(incident_id: RowId) -> HTMLResponse:
        detail = incident_detail(store, incident_id)
        if detail is None:
            raise no_incident(incident_id)
        return page("incident.html", **detail)

    @app.get("/documents/{document_id}", response_class=HTMLResponse)
    def document_page(document_id: RowId) -> HTMLResponse:
        detail = document_detail(store, document_id)
        if detail is None:
            raise HTTPException(404, f"no document {document_id}")
        return page("document.html", **detail)

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_page() -> HTMLResponse:
        return page("api.html", spec=app.openapi())

    @app.get("/map", response_class=HTMLResponse)
    def map_page(country: Country = None, category: Category = None,
                 certainty: Certainty = None, since: Day = None, until: Day = None,
                 q: Text = None) -> HTMLResponse:
        # the list's filters carry over: "map" under a filtered list showed every incident
        flt = _filter(country, category, certainty, since, until, q)
        return page("map.html", has_leaflet=(STATIC / "leaflet.js").exists(),
                    filters=[(_FILTER_LABELS[k], v) for k, v in _filter_params(flt).items()],
                    query=_filter_query(flt))

    @app.get("/api/stats")
    def api_stats() -> dict[str, Any]:
        return overview(store)

    @app.get("/api/incidents")
    def api_incidents(country: Country = None, category: Category = None,
                      certainty: Certainty = None, since: Day = None,
                      until: Day = None, q: Text = None, limit: Limit = 50,
                      offset: Offset = 0) -> dict[str, Any]:
        flt = _filter(country, category, certainty, since, until, q)
        rows, total = list_incidents(store, flt, limit=limit, offset=offset)
        return {"total": total, "limit": limit, "offset": offset, "incidents": rows}

    @app.get("/api/incidents/{incident_id}")
    def api_incident(incident_id: RowId) -> dict[str, Any]:
        detail = incident_detail(store, incident_id)
        if detail is None:
            raise no_incident(incident_id)
        claims = [_claim_json(c) for c in detail["claims"]]
        return {"incident": detail["incident"], "claims": claims,
                "audit": [_audit_json(a) for a in detail["audit"]]}

    @app.get("/api/incidents.geojson")
    def api_geojson(country: Country = None, category: Category = None,
                    certainty: Certainty = None, since: Day = None,
                    until: Day = None, q: Text = None) -> JSONResponse:
        flt = _filter(country, category, certainty, since, until, q)
        points, total = incident_points(store, flt, limit=MAP_POINTS)
        features = [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [p.pop("lon"), p.pop("lat")]},
             "properties": p}
            for p in points
        ]
        # A map past the limit is cut, never silently: "total" and "truncated" are foreign
        # members, which RFC 7946 (6.1) allows beside the features.
        return JSONResponse({"type": "FeatureCollection", "features": features, "total": total,
                             "truncated": total > len(features)},
                            media_type="application/geo+json")

    return app
