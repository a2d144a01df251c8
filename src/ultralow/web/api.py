"""``/api/v1``: the open data as JSON (paged, filtered), CSV and Parquet; read-only; bounded parameters.

Every dataset is a selection of the site build (``ultralow.app.site``); columns and units are those of
``ultralow.web.dictionary``. A period longer than 366 days, a page size above 10,000 rows or an unknown
parameter is refused with 400 and a message.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from ultralow.app import SCHEMA_VERSION, site, write_csv
from ultralow.cems.document import to_json_rows
from ultralow.web.context import WebContext
from ultralow.web.dictionary import BY_NAME, Dataset
from ultralow.web.state import Build, SiteState

MAX_PAGE_SIZE = 10_000
DEFAULT_PAGE_SIZE = 1_000
MAX_PERIOD_DAYS = 366
MAX_OUTLETS = 100
MAX_PAGE = 1_000_000
FORMATS = ("json", "csv", "parquet")


class BadRequest(ValueError):
    pass


def _dates(params: Any, build: Build) -> tuple[date, date]:
    period = build.figures.period
    if period is None:
        raise RuntimeError("the site build has no judged period")
    first, last = period.start, period.end - timedelta(days=1)
    try:
        if params.get("from"):
            first = date.fromisoformat(params["from"])
        if params.get("to"):
            last = date.fromisoformat(params["to"])
    except ValueError as exc:
        raise BadRequest(f"from/to: {exc} (use YYYY-MM-DD)") from None
    if last < first:
        raise BadRequest("to: before from")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise BadRequest(f"from/to: the period is {(last - first).days + 1} days; at most {MAX_PERIOD_DAYS} per request")
    return first, last


def _int(params: Any, name: str, default: int, low: int, high: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{name}: {raw[:40]!r} is not a whole number") from None
    if not low <= value <= high:
        raise BadRequest(f"{name}: {value} is outside {low}–{high:,}")
    return value


def _in(table: pa.Table, column: str, values: list[str]) -> pa.Table:
    return table.filter(pc.is_in(table[column], pa.array(values, pa.string()))) if values else table


class Api:
    def __init__(self, context: WebContext, state: SiteState) -> None:
        self.context = context
        self.state = state

    # -- datasets as Arrow tables (columns of the dictionary; ``outlet_id`` keeps its engine name here) ----
    def table(self, dataset: Dataset, build: Build, request: Request) -> tuple[pa.Table, dict[str, int]]:
        params = request.query_params
        judgement = build.figures.judgement
        if judgement is None:
            raise RuntimeError("the site build has no judgement")
        offsets = judgement.offsets
        registry = self.context.registry
        name = dataset.name
        outlets = params.getlist("outlet")
        if len(outlets) > MAX_OUTLETS:
            raise BadRequest(f"outlet: at most {MAX_OUTLETS} outlets per request")
        unknown = [o for o in outlets if o not in {x.id for x in registry.outlets}]
        if unknown:
            raise BadRequest(f"outlet: unknown outlet {unknown[0][:60]!r}")
        if name == "bases":
            rows = [{"id": b.id, "name": b.name, "country": b.country, "timezone": b.timezone,
                     "outlets": sum(1 for o in registry.outlets if o.base == b.id)} for b in registry.bases]
            return pa.Table.from_pylist(rows), offsets
        if name == "outlets":
            last = build.figures.overview.last_hours if build.figures.overview else site.last_data_hours(judgement)
            rows = [{"id": o.id, "base": o.base, "name": o.name, "source_type": o.source_type,
                     "limit_sets": list(o.limit_sets), "last_valid_hour": last.get(o.id),
                     "utc_offset_min": offsets.get(o.id, 480), "outlet_id": o.id}
                    for o in registry.outlets if not params.get("base") or o.base == params["base"]]
            return pa.Table.from_pylist(rows), offsets
        if name == "hours":
            first, last_day = _dates(params, build)
            hours = _in(judgement.hours, "outlet_id", outlets)
            if params.get("code"):
                hours = hours.filter(pc.equal(hours["code"], params["code"]))
            start = datetime.combine(first, datetime.min.time())
            end = datetime.combine(last_day + timedelta(days=1), datetime.min.time())
            hours = hours.filter(pc.and_(pc.greater_equal(hours["hour"], pa.scalar(start, hours["hour"].type)),
                                         pc.less(hours["hour"], pa.scalar(end, hours["hour"].type))))
            return hours, offsets
        if name == "events":
            events = _in(judgement.tables["events"], "outlet_id", outlets)
            if params.get("code"):
                events = events.filter(pc.equal(events["code"], params["code"]))
            return events, offsets
        if name == "annual":
            annual = judgement.rollups
            if params.get("base"):
                annual = annual.filter(pc.equal(annual["base"], params["base"]))
            return annual, offsets
        if name == "kpis":  # reported KPIs of the approved ledgers (ultralow.app.kpi); none without ledgers
            report = build.figures.kpis
            rows = [{"kpi": k.id, "value": k.value, "unit": k.unit, "period": str(report.year)}
                    for k in report.kpis if k.status == "reported"] if report is not None else []
            schema = pa.schema([(c.name, pa.float64() if c.type == "number" else pa.string())
                                for c in dataset.columns])
            return pa.Table.from_pylist(rows, schema=schema), offsets
        if name == "claims":
            result = build.figures.claims
            rows = []
            for checked in result.checked if result else []:
                if params.get("verdict") and checked.verdict != params["verdict"]:
                    continue
                claim, evidence = checked.claim, checked.evidence
                rows.append({"id": claim.id, "document": claim.document, "text": claim.text, "metric": claim.metric,
                             "value": claim.value, "unit": claim.unit, "verdict": checked.verdict,
                             "reason": checked.reason, "evidence_value": evidence.value if evidence else None,
                             "evidence_unit": evidence.unit if evidence else None,
                             "evidence_period": evidence.period if evidence else None})
            schema = pa.schema([(c.name, pa.float64() if c.type == "number" else pa.string())
                                for c in dataset.columns])
            return pa.Table.from_pylist(rows, schema=schema), offsets
        raise BadRequest(f"unknown dataset {name!r}")

    def select(self, dataset: Dataset, table: pa.Table) -> pa.Table:
        wanted = ["outlet_id" if c == "outlet" else c for c in dataset.column_names]
        keep = [c for c in wanted if c in table.column_names]
        if dataset.name == "outlets":
            keep.append("outlet_id")
        if "utc_offset_min" in table.column_names:
            keep.append("utc_offset_min")
        return table.select(keep)

    # -- the endpoint -------------------------------------------------------------------------------------
    async def dataset(self, request: Request) -> Response:
        raw = request.path_params["name"]
        name, _, ext = raw.partition(".")
        dataset = BY_NAME.get(name)
        fmt = ext or request.query_params.get("format", "json")
        if dataset is None:
            return error(404, f"no dataset {name[:40]!r}; datasets: {', '.join(BY_NAME)}")
        if fmt not in FORMATS:
            return error(400, f"format: {fmt[:20]!r} is not one of {', '.join(FORMATS)}")
        allowed = {*dataset.filters, "page", "page_size", "format"}
        extra = sorted(set(request.query_params) - allowed)
        if extra:
            return error(400, f"{extra[0][:40]}: not a parameter of {name}; parameters: {', '.join(sorted(allowed))}")
        self.state.refresh_if_changed()
        build = self.state.build
        if build is None:
            return error(503, "the figures are being computed; retry in a moment", {"retry-after": "10"})
        if build.figures.judgement is None:
            return error(404, "the store holds no monitoring data yet")
        try:
            page = _int(request.query_params, "page", 1, 1, MAX_PAGE)
            page_size = _int(request.query_params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
            table, offsets = self.table(dataset, build, request)
        except BadRequest as exc:
            return error(400, str(exc))
        table = self.select(dataset, table)
        if fmt == "csv":
            return csv_response(name, table, offsets)
        if fmt == "parquet":
            return parquet_response(name, table)
        total = table.num_rows
        rows = to_json_rows(table.slice((page - 1) * page_size, page_size).to_pylist(), offsets)
        if name == "outlets":  # outlet_id came along for the time offsets; the id is the "id" column
            for row in rows:
                row.pop("outlet", None)
        pages = max(1, math.ceil(total / page_size))
        period = build.figures.period
        body = {
            "schema_version": SCHEMA_VERSION, "dataset": name,
            "period": period.as_dict() if period else None,
            "updated_at": build.figures.computed_at.isoformat(timespec="seconds"),
            "page": page, "page_size": page_size, "total": total, "pages": pages,
            "next": next_url(request, page + 1) if page < pages else None,
            "data": rows,
        }
        return Response(json.dumps(body, ensure_ascii=False, allow_nan=False, default=str),
                        media_type="application/json")


def next_url(request: Request, page: int) -> str:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"] + [("page", str(page))]
    from urllib.parse import urlencode

    return f"{request.url.path}?{urlencode(params)}"


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def csv_response(name: str, table: pa.Table, offsets: dict[str, int]) -> Response:
    def chunks() -> Iterator[str]:
        out: list[str] = []
        write_csv(name, table, offsets, out.append)
        yield from out

    return StreamingResponse(chunks(), media_type="text/csv; charset=utf-8",
                             headers={"content-disposition": f'attachment; filename="{name}.csv"'})


def parquet_response(name: str, table: pa.Table) -> Response:
    if "outlet_id" in table.column_names and name != "outlets":
        table = table.rename_columns(["outlet" if c == "outlet_id" else c for c in table.column_names])
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return Response(buffer.getvalue(), media_type="application/vnd.apache.parquet",
                    headers={"content-disposition": f'attachment; filename="{name}.parquet"'})


def routes(context: WebContext, state: SiteState) -> list[Route]:
    api = Api(context, state)
    return [Route("/api/v1/{name:str}", api.dataset, methods=["GET", "HEAD"])]
