"""What MkDocs logs while it builds: its warnings, gathered, and the message that says what failed."""

from __future__ import annotations

import contextlib
import logging


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def collected_warnings():
    """The warnings MkDocs logs in the block, as a list filled as they come."""
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


def failure(error: Exception, logged: list[str]) -> str:
    """What went wrong: MkDocs logs the page it failed on just before raising, so prefer that."""
    if logged and logged[-1].startswith("Error "):
        return logged[-1]
    return str(error) or type(error).__name__
