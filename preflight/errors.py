"""The error every module raises for input that stops a check before it runs (exit 2)."""


class PreflightInputError(Exception):
    """Input that stops a check before it runs (exit 2): a bad path, project, stack or config file."""
