"""The processes a build runs beside its own: the page generator in a forked child
(`run_in_child`), Pagefind fed one search bundle after the other from a thread
(`PagefindFeeder`). Each is there for what it measured (benchmarks/README.md): the figure is
beside it."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import cbor2

from ..errors import BuildError
from .searchindex import sort_pagefind_index

Result = TypeVar("Result")
Other = TypeVar("Other")


class ChildFailed(Exception):
    """The child process crashed (its exception's type and text), or ended before it answered
    (killed, out of memory)."""


@dataclass(frozen=True)
class _Returned:
    value: Any


@dataclass(frozen=True)
class _Crashed:
    error: str


def run_in_child(function: Callable[..., Result], *args: Any, on_message: Callable[[Any], None],
                 meanwhile: Callable[[], Other]) -> tuple[Result, Other]:
    """`function(send, *args)` run in a forked child process, and `meanwhile()` here once the child
    has started; returns what each returned (the child's must pickle). Each `send(message)` in the
    child calls `on_message(message)` here as it arrives. Raises ChildFailed when `function` raised
    or the child ended without an answer. Where processes cannot be forked, runs both here.

    Why (issue #3): every object the child makes goes with it, so what runs next here (MkDocs)
    starts on a small heap rather than one the allocator keeps: the peak of the build stays that of
    generation, 287 MB at 10,000, rather than generation's and MkDocs' added. Forking, rather than
    starting a new interpreter, costs milliseconds and takes the modules already imported along."""
    if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover - not Linux
        return function(on_message, *args), meanwhile()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run_and_answer, args=(sender, function, args))
    child.start()
    sender.close()
    try:
        other = meanwhile()
        while not isinstance(message := receiver.recv(), _Returned | _Crashed):
            on_message(message)
    except EOFError:
        message = _Crashed("stopped before it finished")
    finally:
        receiver.close()
        child.join()
    if isinstance(message, _Crashed):
        raise ChildFailed(message.error)
    return message.value, other


def _run_and_answer(sender, function: Callable[..., Any], args: tuple) -> None:
    try:
        answer: _Returned | _Crashed = _Returned(function(sender.send, *args))
    except Exception as error:  # the parent raises ChildFailed rather than waiting for ever
        answer = _Crashed(f"failed: {type(error).__name__}: {error}")
    sender.send(answer)


def pagefind_command() -> list[str]:
    """Pagefind's own executable, as `python -m pagefind` finds it (the extended build first):
    that wrapper starts a Python and imports asyncio before it runs the same executable, about
    0.1 s a bundle. The wrapper where the executable is not found."""
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        with contextlib.suppress(ImportError):
            executable = __import__(package).get_executable()
            if executable is not None:
                return [os.fspath(executable)]
    return [sys.executable, "-m", "pagefind"]


class PagefindFeeder:
    """Pagefind indexing the search bundles of `documents` into `output`, one after the other, each
    once `index` names it (as soon as its documents are written), from a thread. Use as a context
    manager: leaving it stops Pagefind and removes `output` (take the bundles `finish` returns out
    of it first).

    Why, as measured: each bundle indexed as soon as it is written starts Pagefind about two
    seconds earlier, on the core page generation leaves idle, and a lower priority (`nice` +10)
    keeps a whole core for page generation, the longest chain of the build: in a 67 s build one
    core sat idle 3.7 s before Pagefind started and 9.3 s at the end, 0.5 s and 3.5 s after. One
    bundle at a time (1,250 post-mortems) keeps Pagefind near 110 MB: its memory grows with what
    one run indexes, about 70 KB a document."""

    #: How much Pagefind gives way to page generation (a `nice` increment).
    NICENESS = 10

    def __init__(self, documents: Path, output: Path, language: str) -> None:
        self.documents, self.output, self.language = documents, output, language
        self.command = pagefind_command()
        # The environment Pagefind gets, copied here before the thread starts: the thread starts Pagefind
        # while the main one may be setting SOURCE_DATE_EPOCH for MkDocs, and a child started from the
        # process's own environment in the middle of that change read a torn variable (Pagefind
        # panicked on "=\xD0&").
        self.environment = dict(os.environ)
        self.bundles: queue.SimpleQueue[str | None] = queue.SimpleQueue()
        self.running: subprocess.Popen | None = None
        self.error: str | None = None
        self.stopped = False
        self.thread = threading.Thread(target=self._index_all, name="search-index", daemon=True)

    def __enter__(self) -> PagefindFeeder:
        self.thread.start()
        return self

    def __exit__(self, *exception) -> None:
        self.stopped = True
        self.bundles.put(None)
        if self.running is not None and self.running.poll() is None:
            self.running.kill()
        self.thread.join()
        shutil.rmtree(self.output, ignore_errors=True)

    def index(self, bundle: str) -> None:
        """Index the bundle `bundle` (a folder of `documents`) once those before it are."""
        self.bundles.put(bundle)

    def finish(self) -> list[Path]:
        """Wait for every bundle named to be indexed; return them. Raises BuildError when Pagefind failed."""
        self.bundles.put(None)
        self.thread.join()
        if self.error:
            raise BuildError(self.error)
        return sorted(self.output.iterdir())

    def _index_all(self) -> None:
        while (bundle := self.bundles.get()) is not None and not self.stopped:
            self.error = self._index(bundle)
            if self.error or self.stopped:
                return

    def _index(self, bundle: str) -> str | None:
        """Index one bundle; what went wrong, or None."""
        self.running = subprocess.Popen(
            [*self.command, "--site", str(self.documents / bundle), "--output-path", str(self.output / bundle),
             "--force-language", self.language, "--silent"],
            env=self.environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        with contextlib.suppress(OSError):  # gone already, or not allowed: it runs at our priority
            os.setpriority(os.PRIO_PROCESS, self.running.pid, os.getpriority(os.PRIO_PROCESS, 0) + self.NICENESS)
        output, _ = self.running.communicate()
        if self.stopped:
            return None
        if self.running.returncode != 0:
            return f"the search indexer (Pagefind) failed: {output.strip()}"
        try:
            sort_pagefind_index(self.output / bundle)  # Pagefind's files in one order (see searchindex)
        except (OSError, ValueError, KeyError, IndexError, cbor2.CBORError) as error:
            return f"the search index (Pagefind {bundle}) could not be put in order: {error}"
        return None
