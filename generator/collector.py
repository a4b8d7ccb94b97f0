"""Python's cycle collector, paused where a process makes many objects and no cyclic garbage."""

from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collector_paused():
    """Python's cycle collector off for a while, where a process makes hundreds of thousands of
    objects and almost no cyclic garbage: reading and checking files (the parser's tokens hold no
    cycles; the collector's passes were 15% of the time), unpickling the workers' post-mortems (its full collections
    walked them all again, 2.2 s of the 2.7 s the parent spent receiving 10,000 post-mortems), and
    generating the pages from them, and composing a config of tens of thousands of values (the
    collector's passes were half the time of reading a catalogue of 10,000 people)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
