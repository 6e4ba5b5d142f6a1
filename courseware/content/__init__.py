"""Course content as files: parse and validate lessons/, render Markdown safely."""
