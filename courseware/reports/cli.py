"""`flask --app courseware report export`: the reports as files, with a progress bar."""

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from courseware.accounts.audit import record
from courseware.db import db
from courseware.reports import export, queries
from courseware.timeutil import local_today

report_cli = AppGroup("report", help="Export completion reports.")


@report_cli.command("export")
@click.option("--by", type=click.Choice(queries.GROUPINGS), default="unit", show_default=True)
@click.option(
    "--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="First day, e.g. 2026-01-01."
)
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Last day, e.g. 2026-12-31.")
@click.option("--unit", "unit_id", type=int, help="Only this unit and its sub-units.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option(
    "--detail", is_flag=True, help="Every completion as a row, instead of one line per group."
)
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_report(by, start, end, unit_id, fmt, detail, out):
    """Write the report to OUT: one line per unit, class or course, or with --detail every completion."""
    filters = queries.Filters(
        by=by,
        start=start.date() if start else None,
        end=end.date() if end else None,
        unit_id=unit_id,
    )
    if filters.start and filters.end and filters.start > filters.end:
        raise click.BadParameter("--from comes after --to")
    if detail:
        total = queries.count_detail(filters)
        with click.progressbar(
            length=total, label=f"Writing {total:,} rows", file=sys.stderr
        ) as bar:
            last = 0

            def progress(done):
                nonlocal last
                bar.update(done - last)
                last = done

            written = export.write_detail(filters, fmt, out, progress)
    else:
        # The same sheets as the page's download, headed in the terminal's language, as every
        # command speaks (courseware.i18n).
        lines = queries.report(filters, local_today())
        written = export.write_summary(out, fmt, by, lines)
    record(
        "report.export",
        f"cli:{by}",
        {
            "detail": detail,
            "format": fmt,
            "rows": written,
            "from": filters.start.isoformat() if filters.start else "",
            "to": filters.end.isoformat() if filters.end else "",
        },
    )
    db.session.commit()
    click.echo(f"Wrote {written:,} rows to {out}.")


def init_app(app):
    app.cli.add_command(report_cli)
