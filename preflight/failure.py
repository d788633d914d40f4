"""An unexpected error in preflight itself: one line naming what failed and where to report it (exit 2)."""

from __future__ import annotations

import traceback
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DISTRIBUTION = "pulumi-soc2-baseline"


class InternalError(Exception):
    """A failure in preflight, not in the input: `where` is the innermost preflight function, `text` its traceback."""

    def __init__(self, kind: str, message: str, where: str, text: str):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message, self.where, self.text = kind, message, where, text

    @classmethod
    def of(cls, exn: BaseException) -> "InternalError":
        return cls(type(exn).__name__, str(exn), failed_in(exn), "".join(traceback.format_exception(exn)))

    def line(self) -> str:
        first = self.message.strip().splitlines()[0] if self.message.strip() else "(no message)"
        return (f"preflight: internal error in {self.where}: {self.kind}: {first}; "
                f"rerun with --debug and report it at {issues_url()}")


def failed_in(exn: BaseException) -> str:
    """The innermost preflight function in the exception's traceback, as `module.function`."""
    for frame in reversed(traceback.extract_tb(exn.__traceback__)):
        try:
            relative = Path(frame.filename).resolve().relative_to(PACKAGE_DIR.parent)
        except ValueError:
            continue
        if relative.parts[:1] == (PACKAGE_DIR.name,):
            return ".".join(relative.with_suffix("").parts) + f".{frame.name}"
    return "preflight"


def issues_url() -> str:
    """The Issues URL of pyproject.toml: the checkout's when run from one, else the installed package's."""
    return _checkout_url() or _installed_url() or "the project's issue tracker"


def _checkout_url() -> str:
    pyproject = PACKAGE_DIR.parent / "pyproject.toml"
    try:
        import tomllib
    except ImportError:  # Python 3.10
        return ""
    try:
        project = tomllib.loads(pyproject.read_text()).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return ""
    return project.get("urls", {}).get("Issues", "") if project.get("name") == DISTRIBUTION else ""


def _installed_url() -> str:
    try:
        urls = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return ""
    return next((url.split(",", 1)[1].strip() for url in urls if url.split(",", 1)[0].strip() == "Issues"), "")
