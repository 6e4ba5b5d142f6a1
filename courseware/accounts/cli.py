"""Command-line tools: `flask --app courseware user …` and `flask --app courseware demo`."""

import os
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup, with_appcontext

from courseware.accounts import demo, operations, roster
from courseware.accounts.credentials import normalise_username, password_problem
from courseware.accounts.models import Role, Unit, User
from courseware.db import db

user_cli = AppGroup("user", help="Manage user accounts.")


def _find_unit(text: str) -> Unit:
    unit, why = roster.UnitIndex().find(text)
    if why:
        raise click.BadParameter(why, param_hint="--unit")
    return unit


@user_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.LEARNER.value)
@click.option("--name", default=None, help="Full name; defaults to the username.")
@click.option(
    "--unit",
    default=None,
    help="Unit name or path, such as 浙江省/杭州市; an administrator with a unit manages only that "
    "unit and its sub-units (单位管理员).",
)
def create_user(username, role, name, unit):
    """Create an account; the password comes from a prompt or COURSEWARE_PASSWORD.

    An administrator created without --unit is the province's and manages every unit."""
    username = normalise_username(username)
    if not username or len(username) > 64:
        raise click.BadParameter("give a username of 1 to 64 characters", param_hint="USERNAME")
    if db.session.scalar(sa.select(User).where(User.username == username)):
        raise click.ClickException(f"the username {username!r} is taken")
    found = _find_unit(unit) if unit else None
    unit_id = found.id if found else None
    password = os.environ.get("COURSEWARE_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    problem = password_problem(password, username)
    if problem:
        raise click.ClickException(problem)
    user, _generated = operations.create_user(
        {
            "username": username,
            "name": name or username,
            "role": role,
            "unit_id": unit_id,
            "admin_unit_id": unit_id if role == Role.ADMIN.value else None,
        }
    )
    user.set_password(password)
    user.must_change_password = False
    db.session.commit()
    scope = f", managing {found.path()}" if found and role == Role.ADMIN.value else ""
    click.echo(f"Created {role} {username}{scope}.")


@user_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; change nothing.")
@click.option(
    "--passwords-out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write new accounts' initial passwords to this XLSX instead of the screen.",
)
def import_roster(file, dry_run, passwords_out):
    """Import a roster (CSV or XLSX): all rows or none."""
    try:
        table = roster.read_table(file.name, file.read_bytes())
    except roster.RosterFileError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    with click.progressbar(length=len(table.rows), label="Checking rows", file=sys.stderr) as bar:
        plan = roster.plan_import(table, progress=bar.update)
    if not plan.ok:
        for problem in plan.problems:
            click.echo(f"{file}: {problem.place()}: {problem.message}", err=True)
        raise click.ClickException(f"{len(plan.problems)} problems; nothing was imported")
    click.echo(
        f"{len(plan.creates)} to create, {len(plan.updates)} to update, {len(plan.unchanged)} unchanged."
    )
    if dry_run:
        return
    with click.progressbar(
        length=len(plan.creates) + len(plan.updates), label="Importing", file=sys.stderr
    ) as bar:
        result = roster.apply_plan(plan, file.name, progress=bar.update)
    db.session.commit()
    if passwords_out and result.created:
        passwords_out.write_bytes(roster.credentials_sheet(result.created))
        click.echo(f"Initial passwords written to {passwords_out}.")
    else:
        for user, password in result.created:
            click.echo(f"{user.username}\t{password}\t{user.name}")


@click.command("demo")
@with_appcontext
def create_demo():
    """Create the demo organisation if the database has no users; print the demo logins."""
    if demo.database_is_empty():
        demo.create_demo()
        db.session.commit()
        click.echo("Created the demo organisation: 10 units, 3 staff, a class of 30 learners.")
    logins = demo.demo_logins()
    if not logins:
        click.echo("The database has users of its own; no demo accounts.")
        return
    click.echo(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
    for user in logins:
        click.echo(f"  {user.role:<10} {user.username:<10} {user.name}")
    click.echo("  … and learner03 to learner30.")


def init_app(app):
    app.cli.add_command(user_cli)
    app.cli.add_command(create_demo)
