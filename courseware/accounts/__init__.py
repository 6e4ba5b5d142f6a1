"""People and organisation: users, units (单位), classes (班次), sign-in, roster import, audit log."""
