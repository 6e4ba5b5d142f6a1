"""Quizzes: questions in files (YAML and GIFT), timed attempts, grading and item analysis."""
