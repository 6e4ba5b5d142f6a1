"""Lessons: courses and their lessons, revisions, reading and authoring."""
