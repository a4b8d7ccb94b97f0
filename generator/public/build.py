"""`postmortem build --public`: the public site written into its folder (`public.output`, by default
`site-public/`) and put in place in one step."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..atomic import replace_folder
from ..checker import ValidationFailed, read_all
from ..errors import UsageError
from ..kb.layout import KnowledgeBase
from .content import public_content
from .render import render


@dataclass(frozen=True)
class PublicBuild:
    """What the public build wrote: its folder, the public incidents and the services shown."""

    folder: Path
    incidents: int
    services: int


def build_public(kb: KnowledgeBase, today: dt.date | None = None, jobs: int | None = None) -> PublicBuild:
    """Check every post-mortem, then write the public site. Errors anywhere (PM701 and PM702
    among them) stop it: ValidationFailed, and the previous public site is left as it was. Raises
    UsageError when the configured logo cannot be read."""
    config = kb.config
    checked = read_all(kb, jobs)
    if checked.result.errors:
        raise ValidationFailed(checked.result)
    content = public_content(config, checked.postmortems, today or config.today())
    files = render(content)
    if content.logo:
        try:
            files[content.logo] = (kb.root / config.public.logo).read_bytes()
        except OSError as error:
            raise UsageError(f"public.logo: cannot read {config.public.logo}: {error.strerror or error}") from None
    target = kb.root / config.public.output
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for path, data in sorted(files.items()):
            (staging / path).parent.mkdir(parents=True, exist_ok=True)
            (staging / path).write_bytes(data)
        staging.chmod(0o755)
        replace_folder(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return PublicBuild(target, len(content.incidents), len(content.services))
