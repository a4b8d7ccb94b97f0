"""The floor of `postmortem validate`: read every post-mortem and parse its front matter with
PyYAML's CSafeLoader, nothing else. Usage: python benchmarks/floor_read_yaml.py KB_ROOT"""

import pathlib
import sys

import yaml

for path in sorted(pathlib.Path(sys.argv[1], "postmortems").rglob("*.md")):
    _, front, _ = path.read_text("utf-8").split("---\n", 2)
    yaml.load(front, Loader=yaml.CSafeLoader)
