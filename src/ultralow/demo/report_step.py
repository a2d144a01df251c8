"""The demo's last step: the annual report of the demo year (``ultralow report``'s own path) written to
``reports/`` beside the store, where the public site's Reports page lists it. It reuses the demo's judgement
of the year instead of judging again."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ultralow.app import AppError, Application, Judgement, open_store_read_only

if TYPE_CHECKING:
    from ultralow.demo.job import DemoRun, _Steps


def write_report(steps: _Steps, demo: DemoRun, judgement: Judgement | None) -> None:
    from ultralow.report import ReportRefused, build_report
    from ultralow.web.context import default_reports_dir

    year = demo.period.start.year
    with steps.step("report") as note:
        try:
            with Application(open_store_read_only(demo.db, bounded=False), demo.registry, owns_store=True) as app:
                folder = default_reports_dir(app.db)
                result = build_report(app, year, folder, judgement=judgement)
        except ReportRefused as exc:
            demo.report = {"available": False, "message": "; ".join(exc.problems)}
            note["detail"] = f"the {year} report was refused by its own claim check: {exc.problems[0]}"
            return
        except AppError as exc:
            demo.report = {"available": False, "message": "; ".join(exc.problems)}
            note["detail"] = f"no {year} report: {exc.problems[0]}"
            return
        files: list[dict[str, Any]] = result.to_json()["files"]
        demo.report = {"available": True, **result.to_json()}
        pages = ", ".join(f"{f['lang']} {f['pages']} pages" for f in files)
        counts = ", ".join(f"{k} {v}" for k, v in result.claims["summary"].items() if v)
        note["detail"] = (f"report {year} in {folder}: {pages}; {result.figures} numbered figures; claim check of "
                          f"its own text: {counts or 'no claims'}"
                          f"{'' if result.judged else '; figures from the compliance step above (not judged again)'}")
