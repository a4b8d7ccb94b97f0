"""Where the browser tests find Debian's Chromium: the one lookup shared by the tests, the benchmarks
and `make chromium` (which runs this file and, as root, installs Chromium when it exits non-zero).

    python3 tests/browser.py    # prints the path and exits 0, or exits 1 when Chromium is missing
"""

from __future__ import annotations

import os
import sys

#: Debian's package installs it here; Playwright is pointed at it, never at a browser of its own.
CHROMIUM = "/usr/bin/chromium"


def chromium_path() -> str | None:
    """The Chromium executable, or None when it is not installed."""
    return CHROMIUM if os.access(CHROMIUM, os.X_OK) else None


if __name__ == "__main__":
    found = chromium_path()
    if found is None:
        sys.exit(1)
    print(found)
