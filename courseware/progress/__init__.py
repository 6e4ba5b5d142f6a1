"""Progress: visits, per-lesson summaries, completion."""
