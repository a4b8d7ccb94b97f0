"""postmortem-kb: a git-native knowledge base of incident post-mortems.

The library API, usable without the command line:

    from pathlib import Path
    import generator

    result = generator.check(Path("."))
    for diagnostic in result.diagnostics:
        print(diagnostic.path, diagnostic.line, diagnostic.code, diagnostic.message)
"""

from importlib import import_module
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("postmortem-kb")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

# Imported on first use, so that `postmortem --help` does not pay for pydantic and the rules.
_API = {
    "check": "checker",
    "discover": "checker",
    "init_knowledge_base": "starter",
    "list_postmortems": "catalog",
    "load_config": "config",
    "new_postmortem": "scaffold",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
