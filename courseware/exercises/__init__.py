"""Crisis-response exercises: scenarios as files, the engine, self-paced and live runs, after-action reports."""
