"""A live team at work: joining with the run's code, naming a spokesperson (发言人), proposals
(草稿) that the spokesperson publishes, and who wrote each of the team's posts.

A team with no spokesperson works as before: any member posts. Once a member is named, the others
propose and the spokesperson publishes, as an account run by a press office would.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from courseware.accounts.models import cohort_member, User
from courseware.db import db
from courseware.exercises import engine, runs
from courseware.exercises.models import (
    DraftStatus,
    ExerciseRun,
    LiveSession,
    LiveStatus,
    RunAction,
    RunDraft,
    RunStatus,
)


class JoinError(ValueError):
    """A join code that leads nowhere for this learner; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def normalise_code(typed: str) -> str:
    """A join code as stored: capitals, without the spaces and dashes people type."""
    return "".join(c for c in (typed or "").upper() if c.isalnum())


def join_live(typed_code: str, user_id: int) -> ExerciseRun:
    """The team run a learner joins with a live run's code: their own team if they have one, else
    the smallest team, provided they are a learner of the run's class. JoinError otherwise."""
    code = normalise_code(typed_code)
    live = (
        db.session.scalar(sa.select(LiveSession).where(LiveSession.join_code == code))
        if code
        else None
    )
    if live is None or live.status == LiveStatus.FINISHED:
        raise JoinError("no_such_code")
    mine = next((run for run in live.teams if user_id in (run.members or [])), None)
    if mine is not None:
        return mine
    in_class = live.cohort_id is not None and (
        db.session.scalar(
            sa.select(cohort_member.c.user_id).where(
                cohort_member.c.cohort_id == live.cohort_id, cohort_member.c.user_id == user_id
            )
        )
        is not None
    )
    if not in_class or not live.teams:
        raise JoinError("other_class")
    smallest = min(live.teams, key=lambda run: (len(run.members or []), run.id))
    # Members is JSON: a new list, so the change is seen and stored.
    smallest.members = [*(smallest.members or []), user_id]
    smallest.version += 1
    live.version += 1
    db.session.flush()
    return smallest


def set_spokesperson(run: ExerciseRun, spokesperson_id: int | None) -> None:
    """Name a member the team's spokesperson, or no one (then every member posts)."""
    if spokesperson_id is not None and spokesperson_id not in (run.members or []):
        raise engine.ActionError("not_now")
    run.spokesperson_id = spokesperson_id
    run.version += 1
    db.session.flush()


def proposes(run: ExerciseRun, user_id: int) -> bool:
    """The member's posts go to the spokesperson as proposals rather than out to the public."""
    return run.spokesperson_id is not None and run.spokesperson_id != user_id


def propose(
    run: ExerciseRun, user_id: int, kind: str, target: str, text: str, now: dt.datetime
) -> RunDraft:
    """Keep a teammate's post or reply for the spokesperson to publish."""
    if run.status != RunStatus.OPEN:
        raise engine.ActionError("finished")
    if kind not in engine.post_actions():
        raise engine.ActionError("unknown_action")
    text = text.strip()[: runs.MAX_POST_CHARS]
    if not text:
        raise engine.ActionError("empty_post")
    draft = RunDraft(
        run_id=run.id,
        author_id=user_id,
        kind=kind,
        target=target if kind == "reply" else "",
        text=text,
        status=DraftStatus.PROPOSED,
        created_at=now,
    )
    db.session.add(draft)
    run.version += 1
    db.session.flush()
    return draft


def open_draft(run: ExerciseRun, draft_id) -> RunDraft:
    draft = db.session.get(RunDraft, draft_id) if isinstance(draft_id, int) else None
    if draft is None or draft.run_id != run.id or draft.status != DraftStatus.PROPOSED:
        raise engine.ActionError("no_such_draft")
    return draft


def publish_draft(
    run: ExerciseRun, draft: RunDraft, user_id: int, text: str, now: dt.datetime
) -> None:
    """The spokesperson publishes a proposal, as written or edited; engine.ActionError if the run
    cannot take it now (the proposal then waits, with the edit kept)."""
    if run.spokesperson_id != user_id:
        raise engine.ActionError("not_spokesperson")
    draft.text = text.strip()[: runs.MAX_POST_CHARS] or draft.text
    action = engine.Action(draft.kind, text=draft.text, target=draft.target)
    runs.act(run, user_id, action, now, drafted_by=draft.author_id)
    draft.status, draft.decided_at, draft.decided_by_id = DraftStatus.PUBLISHED, now, user_id
    draft.action_id = db.session.scalar(
        sa.select(RunAction.id).where(RunAction.run_id == run.id).order_by(RunAction.id.desc())
    )
    db.session.flush()


def keep_edit(run: ExerciseRun, draft_id: int, user_id: int, text: str) -> None:
    """Keep the spokesperson's edit with a proposal the run could not take (during a pause)."""
    draft = db.session.get(RunDraft, draft_id)
    if (
        draft is not None
        and draft.run_id == run.id
        and draft.status == DraftStatus.PROPOSED
        and run.spokesperson_id == user_id
    ):
        draft.text = text.strip()[: runs.MAX_POST_CHARS]
        db.session.flush()


def discard_draft(run: ExerciseRun, draft: RunDraft, user_id: int, now: dt.datetime) -> None:
    """The spokesperson sets a proposal aside, or its author withdraws it."""
    if user_id not in (run.spokesperson_id, draft.author_id):
        raise engine.ActionError("not_spokesperson")
    draft.status, draft.decided_at, draft.decided_by_id = DraftStatus.DISCARDED, now, user_id
    run.version += 1
    db.session.flush()


def waiting_drafts(run: ExerciseRun) -> list[RunDraft]:
    """The proposals waiting for the spokesperson, oldest first."""
    return list(
        db.session.scalars(
            sa.select(RunDraft)
            .where(RunDraft.run_id == run.id, RunDraft.status == DraftStatus.PROPOSED)
            .order_by(RunDraft.id)
        )
    )


def member_names(run: ExerciseRun) -> dict[int, str]:
    """The team's members by id, with their names."""
    ids = list(run.members or [])
    if not ids:
        return {}
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())
    return {i: names[i] for i in ids if i in names}


def authors(run: ExerciseRun) -> dict[int, tuple[str, str]]:
    """Who published each of the run's actions and who drafted it, by action id: the names the
    timeline shows under a team's posts ("" where there is no one to name)."""
    rows = db.session.execute(
        sa.select(RunAction.id, RunAction.user_id, RunAction.payload).where(
            RunAction.run_id == run.id
        )
    ).all()
    ids = {r.user_id for r in rows} | {(r.payload or {}).get("drafted_by") for r in rows}
    ids.discard(None)
    names = (
        dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())
        if ids
        else {}
    )
    return {
        r.id: (names.get(r.user_id, ""), names.get((r.payload or {}).get("drafted_by"), ""))
        for r in rows
    }
