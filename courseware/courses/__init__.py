"""Courses: the course itself (its settings and its outline of items), which lessons, quizzes and
exercises belong to."""
