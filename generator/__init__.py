"""postmortem-kb: a git-native knowledge base of incident post-mortems.

The library API, usable without the command line:

    from pathlib import Path
    import generator

    result = generator.check(Path("."))
    for diagnostic in result.diagnostics:
        print(diagnostic.path, diagnostic.line, diagnostic.code, diagnostic.message)
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("postmortem-kb")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
    __version__ = "0+unknown"

from .catalog import list_postmortems
from .checker import check, discover
from .config import load_config
from .scaffold import init_knowledge_base, new_postmortem

__all__ = ["check", "discover", "init_knowledge_base", "list_postmortems", "load_config", "new_postmortem"]
