"""The actions: every corrective action grouped overdue, open and done, filterable by owner and
team, and a page per owner."""

from __future__ import annotations

from collections.abc import Iterator

from .context import Site
from .markup import WIDE, Fragments, GeneratedFile, e, front_matter_block, paragraph
from .tables import action_table, owner_link

#: Done actions shown on the actions page, the most recently closed first.
DONE_SHOWN = 200


def action_pages(site: Site) -> Iterator[GeneratedFile]:
    label = site.labels
    source, html = "actions/index.md", Fragments()
    every = site.all_actions()
    owners = sorted({a.owner for _, a in every})
    teams = sorted({t for owner in owners for t in site.config.teams_of(owner)})

    def select(name: str, key: str, options: list[str]) -> str:
        choices = "".join(f'<option value="{e(o)}">{e(o)}</option>' for o in options)
        return (f'<label>{e(label(key))} <select data-filter="{name}"><option value="">{e(label("filter_all"))}'
                f"</option>{choices}</select></label>")

    parts = [
        front_matter_block(label("actions_title"), **WIDE),
        f"# {e(label('actions_title'))}\n",
        paragraph(label("actions_intro", today=site.today.isoformat())),
        html(f'<div class="pm-filters">{select("owner", "filter_owner", owners)} '
             f'{select("teams", "filter_team", teams)}</div>'),
    ]
    for key, items in site.grouped_actions(every).items():
        shown = items[:DONE_SHOWN] if key == "group_done" else items
        parts += [f"## {e(label(key))} ({len(items)})\n",
                  html(action_table(site, source, shown, filterable=True)) if shown else paragraph(label("none"))]
    owner_links = " · ".join(owner_link(site, source, owner) for owner in owners)
    parts += [f"## {e(label('owners'))}\n", html(f"<p>{owner_links}</p>")]
    yield source, "\n".join(parts), html.blocks
    for owner in owners:
        page, html = f"actions/{site.owner_slugs[owner]}.md", Fragments()
        title = label("owner_title", owner=owner)
        text = [front_matter_block(title, **WIDE), f"# {e(title)}\n"]
        for key, items in site.grouped_actions([(pm, a) for pm, a in every if a.owner == owner]).items():
            text += [f"## {e(label(key))} ({len(items)})\n",
                     html(action_table(site, page, items)) if items else paragraph(label("none"))]
        yield page, "\n".join(text), html.blocks
