"""Administrators' pages, one module per subject: users, units, classes (班次), roster import,
course editors and the audit log. `views.bp` is the one blueprint they share."""
