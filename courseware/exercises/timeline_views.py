"""The inject timeline as a spreadsheet, in the browser, for the course's editors: download it,
upload an edited sheet, see what would change (or every problem by row and column), then apply.

Applying rewrites the scenario's file (its injects section only) and loads it at once, as
`content sync` would for that one exercise.
"""

from __future__ import annotations

import base64

from flask import abort, Blueprint, flash, redirect, render_template, request, Response, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from courseware import exports, permissions
from courseware.access import roles
from courseware.accounts.audit import record
from courseware.content.files import fingerprint
from courseware.content.folders import content_dir
from courseware.db import db
from courseware.exercises import authoring, messages, timeline
from courseware.exercises.files import parse_scenario
from courseware.exercises.forms import TimelineForm
from courseware.exercises.models import Exercise

bp = Blueprint("exercise_timeline", __name__, url_prefix="/teach/exercises")


def edited_exercise(exercise_id: int) -> Exercise:
    """The exercise, if the user edits its course; 404 otherwise, so ids leak nothing."""
    exercise = db.session.get(Exercise, exercise_id)
    if (
        exercise is None
        or exercise.archived_at is not None
        or not permissions.edits_course(current_user, exercise.course)
    ):
        abort(404)
    return exercise


def scenario_file(exercise: Exercise):
    """The scenario's file under the exercises folder (it may be missing on this server)."""
    return content_dir("exercises") / exercise.course.slug / f"{exercise.slug}.yaml"


def _source(exercise: Exercise) -> str | None:
    """The text learners' scenario comes from: its published revision's (which may have been
    written in the browser), else its file on this server."""
    if exercise.published is not None:
        return exercise.published.text
    path = scenario_file(exercise)
    return path.read_bytes().decode("utf-8-sig") if path.is_file() else None


def _draft_message(draft) -> str:
    """Why a sheet is not applied while the scenario has a newer draft, naming the draft."""
    who = draft.author.name if draft.author else _("the files")
    return _(
        "The scenario has a draft newer than what learners get: revision %(n)d, saved by "
        "%(who)s on %(when)s. Applying the sheet would pass over that draft and leave it "
        "unpublishable. Publish the draft (or publish the current text over it) in the scenario "
        "editor first, then upload the sheet again.",
        n=draft.number,
        who=who,
        when=format_datetime(draft.created_at, "short"),
    )


def _page(exercise: Exercise, form: TimelineForm, status: int = 200, **preview):
    return render_template(
        "exercises/teach/timeline.html",
        exercise=exercise,
        scenario=exercise.scenario,
        form=form,
        has_file=scenario_file(exercise).is_file(),
        messages=messages,
        **preview,
    ), status


@bp.route("/<int:exercise_id>/timeline", methods=["GET", "POST"])
@roles(*permissions.STAFF)
def timeline_page(exercise_id):
    """Download the timeline; upload a sheet to preview; apply the previewed sheet."""
    exercise = edited_exercise(exercise_id)
    form = TimelineForm()
    if request.method == "GET":
        return _page(exercise, form)
    if not form.validate_on_submit():
        return _page(exercise, form, 400)
    draft = authoring.newer_draft(exercise)
    if draft is not None:
        form.file.errors.append(_draft_message(draft))
        return _page(exercise, form, 409, draft=draft)
    source = _source(exercise)
    if source is None:
        form.file.errors.append(
            _("The scenario's file is not on this server; import the sheet on the command line.")
        )
        return _page(exercise, form, 400)
    path = scenario_file(exercise)
    try:
        table = timeline.read_sheet(form.data_bytes, form.name)
        change = timeline.plan_import(source, str(path), exercise.slug, table)
    except timeline.TimelineError as error:
        return _page(exercise, form, 400, problems=error.problems, filename=form.name)
    base = fingerprint(source)
    if not form.confirming:
        return _page(
            exercise,
            form,
            change=change,
            filename=form.name,
            content=base64.b64encode(form.data_bytes).decode("ascii"),
            base=base,
        )
    if form.base.data != base:
        form.file.errors.append(
            _("The scenario changed since the preview: upload the sheet again.")
        )
        return _page(exercise, form, 409)
    if not change.nothing:
        written = path.is_file()
        try:
            if written:
                path.write_text(change.text, "utf-8")
        except OSError:
            form.file.errors.append(_("The scenario's file cannot be written on this server."))
            return _page(exercise, form, 500)
        scenario, _problems = parse_scenario(change.text, str(path), exercise.slug)
        # A new published revision, as the scenario editor's: runs keep their scenario.
        authoring.publish_text(
            exercise, change.text, scenario, author=current_user, note=f"timeline: {form.name}"
        )
        if written:
            exercise.file_hash = authoring.text_hash(authoring.normalise(change.text))
    record(
        "exercise.timeline",
        f"exercise:{exercise.slug}",
        {
            "file": form.name,
            "added": change.added,
            "changed": change.changed,
            "removed": change.removed,
        },
    )
    db.session.commit()
    flash(
        _(
            "Timeline applied. Injects added: %(added)d; changed: %(changed)d; removed: %(removed)d.",
            added=len(change.added),
            changed=len(change.changed),
            removed=len(change.removed),
        ),
        "success",
    )
    return redirect(url_for(".timeline_page", exercise_id=exercise.id))


@bp.route("/<int:exercise_id>/timeline.<fmt>")
@roles(*permissions.STAFF)
def timeline_download(exercise_id, fmt):
    """The timeline as XLSX or CSV: from the scenario's file where it is on this server."""
    exercise = edited_exercise(exercise_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    source = _source(exercise)
    scenario = exercise.scenario
    if source is not None:
        parsed, _problems = parse_scenario(source, exercise.slug, exercise.slug)
        scenario = parsed or scenario
    return Response(
        timeline.export_bytes(scenario, fmt),
        mimetype=exports.XLSX_TYPE if fmt == "xlsx" else exports.CSV_TYPE,
        headers={"Content-Disposition": f"attachment; filename={exercise.slug}-timeline.{fmt}"},
    )
