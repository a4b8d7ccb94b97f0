"""Pagefind's index in one order: the same input gives the same bytes.

Pagefind writes each filter's values, and the list of filters in its metadata file, in the order of
a Rust hash map, which changes from one run to the next (Pagefind/pagefind#638). The files are
named by a hash of their content, so the names change too, and with them the metadata file and
`pagefind-entry.json` that name them. Here each filter's values are sorted, the filters sorted by
name, and every file so rewritten is named anew from its content.

The formats, as Pagefind 1.x writes them: a file is gzip of `pagefind_dcd` followed by CBOR; a
filter file is `[name, [[value, [page, ...]], ...]]`; the metadata file is
`[version, pages, index chunks, [[filter name, filter hash], ...], ...]`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import cbor2

SIGNATURE = b"pagefind_dcd"
#: The place of the filters' list in the metadata file's array.
META_FILTERS = 3


def sort_pagefind_index(bundle: Path) -> None:
    """Rewrite the filter and metadata files of the Pagefind index at `bundle`, and the entry that
    names them, in a canonical order; other files are left as Pagefind wrote them."""
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language in entry["languages"].values():
        meta_path = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _read(meta_path)
        filters = []
        for name, filter_hash in meta[META_FILTERS]:
            filter_path = bundle / "filter" / f"{filter_hash}.pf_filter"
            filter_name, values = _read(filter_path)
            filters.append([name, _rewrite(filter_path, [filter_name, sorted(values)], filter_hash, ".pf_filter")])
        meta[META_FILTERS] = sorted(filters)
        language["hash"] = _rewrite(meta_path, meta, language["hash"], ".pf_meta", prefix="pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path):
    content = gzip.decompress(path.read_bytes())
    if not content.startswith(SIGNATURE):
        raise ValueError(f"{path}: not a Pagefind index file")
    return cbor2.loads(content[len(SIGNATURE):])


def _rewrite(path: Path, value, old_hash: str, suffix: str, prefix: str = "") -> str:
    """Write `value` in place of `path`, under a name hashed from it as Pagefind's are (the
    language, `_`, as many hex digits as before); return the new hash."""
    content = SIGNATURE + cbor2.dumps(value)
    language, digits = old_hash.rsplit("_", 1)
    new_hash = f"{language}_{hashlib.sha256(content).hexdigest()[:len(digits)]}"
    path.unlink()
    path.with_name(f"{prefix}{new_hash}{suffix}").write_bytes(gzip.compress(content, mtime=0))
    return new_hash
