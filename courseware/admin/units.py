"""Units (单位): the tree, adding, renaming, moving and deleting."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.attributes import set_committed_value

from courseware import permissions
from courseware.accounts import operations
from courseware.accounts.forms import UnitForm
from courseware.accounts.models import Unit, unit_subtree_ids
from courseware.admin.blueprint import admin_only, bp, int_or_none, managed_unit, scope
from courseware.db import db
from courseware.forms import ActionForm


@bp.route("/units", methods=["GET", "POST"])
@admin_only
def units():
    """Show the unit tree (a unit administrator's from their unit down) and add units to it."""
    form = UnitForm(scope=scope())
    if form.validate_on_submit():
        unit = operations.save_unit(None, form.name.data.strip(), int_or_none(form.parent_id.data))
        db.session.commit()
        flash(_("Unit “%(name)s” added.", name=unit.path()), "success")
        return redirect(url_for("admin.units"))
    return render_template("admin/units.html", roots=_tree_roots(), form=form)


def _tree_roots() -> list[Unit]:
    """The roots of the administrator's unit tree, every unit below them read in one query (not
    one per unit, as unit.children would) and each one's children set, ordered by name."""
    if permissions.is_province_admin(current_user):
        units = db.session.scalars(sa.select(Unit).order_by(Unit.name)).all()
        roots = [u for u in units if u.parent_id is None]
    else:
        units = db.session.scalars(
            sa.select(Unit)
            .where(Unit.id.in_(unit_subtree_ids(current_user.admin_unit_id)))
            .order_by(Unit.name)
        ).all()
        roots = [u for u in units if u.id == current_user.admin_unit_id]
    children: dict[int, list[Unit]] = {u.id: [] for u in units}
    for unit in units:
        if unit.parent_id in children:
            children[unit.parent_id].append(unit)
    for unit in units:
        set_committed_value(unit, "children", children[unit.id])
    return roots


def _editable_unit(unit_id: int) -> Unit:
    """A unit the administrator may rename, move or delete: one of theirs, below their own unit.

    A unit administrator's own unit hangs from units they do not manage: it stays where it is."""
    unit = managed_unit(unit_id)
    if unit.id == current_user.admin_unit_id:
        abort(403)
    return unit


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@admin_only
def unit_edit(unit_id):
    """Rename or move a unit."""
    unit = _editable_unit(unit_id)
    form = UnitForm(obj=unit, unit=unit, scope=scope())
    if request.method == "GET":
        form.parent_id.data = str(unit.parent_id or "")
    if form.validate_on_submit():
        operations.save_unit(unit, form.name.data.strip(), int_or_none(form.parent_id.data))
        db.session.commit()
        flash(_("Unit saved."), "success")
        return redirect(url_for("admin.units"))
    return render_template(
        "admin/unit_form.html", form=form, unit=unit, in_use=operations.unit_in_use(unit)
    )


@bp.route("/units/<int:unit_id>/delete", methods=["POST"])
@admin_only
def unit_delete(unit_id):
    """Delete a unit that has no sub-units and no people."""
    unit = _editable_unit(unit_id)
    if ActionForm().validate_on_submit():
        if operations.unit_in_use(unit):
            flash(
                _("“%(name)s” still has sub-units or people; move them first.", name=unit.name),
                "error",
            )
            return redirect(url_for("admin.unit_edit", unit_id=unit.id))
        operations.delete_unit(unit)
        db.session.commit()
        flash(_("Unit deleted."), "success")
    return redirect(url_for("admin.units"))
