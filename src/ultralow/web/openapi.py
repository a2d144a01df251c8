"""The OpenAPI 3.1 document of ``/api/v1``, generated from the data dictionary, and the docs pages."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ultralow import __version__
from ultralow.web.api import DEFAULT_PAGE_SIZE, FORMATS, MAX_PAGE_SIZE, MAX_PERIOD_DAYS
from ultralow.web.dictionary import DATASETS, Column, Dataset
from ultralow.web.rendering import render

PARAMETERS: dict[str, dict[str, Any]] = {
    "outlet": {"description": "outlet id; repeat for several (at most 100)", "schema": {"type": "string"}},
    "code": {"description": "HJ 212-2017 factor code, e.g. a21026", "schema": {"type": "string"}},
    "from": {"description": "first plant-local day, YYYY-MM-DD (default: the site's period)",
             "schema": {"type": "string", "format": "date"}},
    "to": {"description": f"last plant-local day, included; at most {MAX_PERIOD_DAYS} days after from",
           "schema": {"type": "string", "format": "date"}},
    "base": {"description": "base id", "schema": {"type": "string"}},
    "verdict": {"description": "claim verdict", "schema": {"type": "string"}},
    "page": {"description": "page number from 1", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    "page_size": {"description": f"rows per page, at most {MAX_PAGE_SIZE:,}",
                  "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                             "default": DEFAULT_PAGE_SIZE}},
    "format": {"description": "json (default), csv or parquet; also as a suffix: /api/v1/hours.csv",
               "schema": {"type": "string", "enum": list(FORMATS)}},
}


def _schema(column: Column) -> dict[str, Any]:
    if column.type.startswith("array"):
        return {"type": ["array", "null"], "items": {"type": "string"}, "description": column.description}
    base = column.type.split(" ")[0]
    out: dict[str, Any] = {"type": [base, "null"], "description": column.description}
    if column.type == "string (date-time)":
        out["format"] = "date-time"
    if column.unit:
        out["x-unit"] = column.unit
    return out


def _path(dataset: Dataset) -> dict[str, Any]:
    params = [*dataset.filters, "page", "page_size", "format"]
    return {"get": {
        "summary": dataset.title, "description": dataset.description, "operationId": f"get_{dataset.name}",
        "parameters": [{"name": p, "in": "query", "required": False, **PARAMETERS[p]} for p in params],
        "responses": {
            "200": {"description": "one page of rows (JSON), or every row as CSV / Parquet",
                    "content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {
                            "schema_version": {"type": "integer"}, "dataset": {"type": "string"},
                            "period": {"type": ["object", "null"]}, "updated_at": {"type": "string"},
                            "page": {"type": "integer"}, "page_size": {"type": "integer"},
                            "total": {"type": "integer"}, "pages": {"type": "integer"},
                            "next": {"type": ["string", "null"]},
                            "data": {"type": "array", "items": {"$ref": f"#/components/schemas/{dataset.name}"}},
                        }}},
                        "text/csv": {}, "application/vnd.apache.parquet": {}}},
            "400": {"description": "a parameter out of bounds or unknown, with a message",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/error"}}}},
            "503": {"description": "the figures are being computed; retry"},
        },
    }}


def openapi_document() -> dict[str, Any]:
    schemas: dict[str, Any] = {d.name: {"type": "object", "properties": {c.name: _schema(c) for c in d.columns}}
                               for d in DATASETS}
    schemas["error"] = {"type": "object", "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ultralow open data", "version": __version__,
                 "description": "Read-only figures of the responsibility site (synthetic demo data)."},
        "paths": {f"/api/v1/{d.name}": _path(d) for d in DATASETS},
        "components": {"schemas": schemas},
    }


async def openapi_json(request: Request) -> Response:
    return JSONResponse(openapi_document())


async def api_docs(request: Request) -> Response:
    document = openapi_document()
    return render(request, "api_docs.html", {"title": "API", "group_name": "ultralow", "doc": document,
                                             "datasets": DATASETS, "parameters": PARAMETERS})


def routes() -> list[Route]:
    return [Route("/api/openapi.json", openapi_json), Route("/api/docs", api_docs)]
