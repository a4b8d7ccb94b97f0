"""postmortem-kb: a git-native knowledge base of incident post-mortems.

The library API, usable without the command line:

    from pathlib import Path
    import generator

    kb = generator.open_knowledge_base(Path("."))
    for diagnostic in generator.check(kb).diagnostics:
        print(diagnostic.path, diagnostic.line, diagnostic.code, diagnostic.message)

    loaded = generator.load_knowledge_base(Path("."))   # every post-mortem read, for figures
    print(generator.compute_stats(loaded)["mttr_minutes"])
"""

from importlib import import_module

# Imported on first use, so that `postmortem --help` does not pay for pydantic and the rules.
_API = {
    "add_action_ids": "authoring.actionids",
    "board_report": "reports.board",
    "build_site": "site.build",
    "check": "checker",
    "check_changed_since": "checker",
    "compute_stats": "reports.stats",
    "customer_report": "reports.customer",
    "init_knowledge_base": "authoring.starter",
    "list_postmortems": "reports.catalog",
    "load_config": "kb.config.loader",
    "load_knowledge_base": "checker",
    "new_postmortem": "authoring.scaffold",
    "open_knowledge_base": "kb.layout",
    "postmortem_rows": "reports.exports",
    "read_evidence": "kb.gitinfo",
    "review_actions": "reports.review",
    "slack_timeline": "authoring.slack",
    "sync_actions": "authoring.sync",
}
__all__ = sorted(_API)


def __getattr__(name: str):
    if name == "__version__":  # read when asked: importlib.metadata costs every command 40 ms
        return _installed_version()
    if name in _API:
        return getattr(import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _installed_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("postmortem-kb")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that is not installed
        return "0+unknown"
