"""`flask --app courseware exercise timeline export | import SCENARIO FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from courseware.content.folders import content_dir
from courseware.exercises import timeline
from courseware.exercises.files import load_scenario_file

exercise_cli = AppGroup("exercise", help="Work on exercise scenarios.")
timeline_cli = AppGroup("timeline", help="The inject timeline as a spreadsheet (XLSX or CSV).")
exercise_cli.add_command(timeline_cli)


def scenario_path(name: str) -> Path:
    """A scenario file: a path to it, or COURSE/SLUG or SLUG under the exercises folder."""
    given = Path(name)
    if given.suffix == ".yaml" and given.is_file():
        return given
    root = content_dir("exercises")
    if "/" in name:
        path = root / f"{name}.yaml"
        if path.is_file():
            return path
        raise click.ClickException(f"no scenario {name!r} under {root}")
    found = sorted(root.glob(f"*/{name}.yaml")) if root.is_dir() else []
    if len(found) == 1:
        return found[0]
    if found:
        courses = ", ".join(f"{p.parent.name}/{name}" for p in found)
        raise click.ClickException(f"several courses have {name!r}: say which, such as {courses}")
    raise click.ClickException(f"no scenario {name!r} under {root}")


def _format(file: Path) -> str:
    fmt = file.suffix.lower().lstrip(".")
    if fmt not in ("xlsx", "csv"):
        raise click.ClickException("the file must end in .xlsx or .csv")
    return fmt


@timeline_cli.command("export")
@click.argument("scenario")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def export_timeline(scenario, file):
    """Write SCENARIO's injects to FILE (.xlsx or .csv), one row per inject and further option."""
    fmt = _format(file)
    path = scenario_path(scenario)
    loaded, problems = load_scenario_file(path)
    if loaded is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{len(problems)} problems in {path}; fix them first")
    file.write_bytes(timeline.export_bytes(loaded, fmt))
    click.echo(f"Wrote {len(loaded.injects)} injects of {path} to {file}.")


@timeline_cli.command("import")
@click.argument("scenario")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_timeline(scenario, file):
    """Replace SCENARIO's injects with FILE's rows; on any problem nothing is written."""
    _format(file)
    path = scenario_path(scenario)
    try:
        table = timeline.read_sheet(file.read_bytes(), file.name)
        change = timeline.plan_import(
            path.read_bytes().decode("utf-8-sig"), str(path), path.stem, table
        )
    except timeline.TimelineError as error:
        for problem in error.problems:
            click.echo(f"{file}: {problem}", err=True)
        raise click.ClickException(
            f"{len(error.problems)} problems in {file}; nothing was changed"
        ) from None
    if change.nothing and change.text == path.read_bytes().decode("utf-8-sig"):
        click.echo(f"{path}: the timeline is unchanged.")
        return
    path.write_text(change.text, "utf-8")
    click.echo(
        f"{path}: {len(change.added)} injects added, {len(change.changed)} changed, "
        f"{len(change.removed)} removed. Run `flask --app courseware content sync` to load it."
    )


def init_app(app):
    app.cli.add_command(exercise_cli)
