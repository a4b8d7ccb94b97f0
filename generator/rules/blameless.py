"""PM309, PM311, PM312: the root cause is a condition of the system, not a person's fault."""

from __future__ import annotations

import re
from functools import lru_cache

from ..kb.body import Block, is_placeholder
from .registry import ERROR, WARNING, Finding, lenient, rule

HUMAN_ERROR = re.compile(
    r"\b(human|operator|user|engineer|manual|pilot|people|developer|dev)\s+(error|mistake|failure|fault)s?\b"
    r"|\bpebkac\b|\bpebcak\b|\bid10t\b|\blayer\s*8\b|\bhuman factors?\b"
    r"|\b(erreur|faute)s?\s+(humaine|de manipulation|d'inattention|de l'opérateur|de l'utilisateur|"
    r"d'opérateur|d'utilisateur)s?\b|\bfacteur humain\b|\bfaute\s+(?:de|du|des|d')\s*[\w']+"
)
# Words that carry no explanation: what is left once they and the human-error phrase are gone is
# the explanation, if any.
FILLER = frozenset({
    "a", "an", "the", "it", "was", "is", "were", "this", "that", "root", "cause", "causes", "due", "to",
    "by", "of", "just", "simply", "only", "mainly", "our", "we", "someone", "somebody", "made", "make",
    "mistake", "error", "une", "un", "la", "le", "les", "l", "c", "était", "est", "racine", "d", "de",
    "du", "par", "simplement", "juste",
})
ROOT_CAUSE_MIN_WORDS = 6
COUNTERFACTUAL = re.compile(
    r"\b(should(?:n't| not)? have|could have|ought to have|failed to|neglected to|forgot to|didn't bother|"
    r"aurai(?:t|ent) dû|aurai(?:t|ent) pu|n'a pas su|n'ont pas su|a oublié de|ont oublié de|a omis de|"
    r"ont omis de|a négligé de)\b",
    re.IGNORECASE,
)
#: Words one of which each counterfactual phrase holds: blocks without any are not searched.
COUNTERFACTUAL_WORDS = ("have", "fail", "neglect", "forgot", "bother", "aurai", "pas su", "oubli", "omis", "néglig")
#: Where a sentence's subject starts: the start of the text or of a sentence, or after a conjunction.
SUBJECT_START = r"(?:^|[.!?;:]\s+|\b(?:because|when|after|since|as|parce que|quand|lorsque|car|après que)\s+)"


def _root_cause_blocks(doc, context) -> tuple | None:
    """The root-cause section and its content blocks (shared by the three rules), or None."""
    if "root-cause" not in doc.cache:
        spec = context.config.section_spec("root-cause")
        section = doc.section(spec) if spec else None
        doc.cache["root-cause"] = None if section is None else (
            section, [b for b in section.blocks if b.kind != "heading" and not is_placeholder(b.text)])
    return doc.cache["root-cause"]


#: Where a sentence's subject starts, up to its first character. Matching stops there, so that a
#: conjunction is tried as the start of the next ("because when bob...").
SUBJECT = re.compile(SUBJECT_START + "@?", re.IGNORECASE)
WORD_BOUNDARY = re.compile(r"\b")


@lru_cache(maxsize=8)
def _lowercase_names(people: frozenset[str]) -> tuple[frozenset[str], list[int]]:
    """The people's names lowercased, and their lengths, longest first: at a subject, one lookup a
    length rather than a search a person (a catalogue has thousands)."""
    names = frozenset(person.lower() for person in people)
    return names, sorted({len(name) for name in names}, reverse=True)


def _person_named(text: str, start: int, people: frozenset[str]) -> str | None:
    """The longest name of `people` written at `start` of `text` as a whole word, as it is written."""
    names, lengths = _lowercase_names(people)
    for length in lengths:
        written = text[start:start + length]
        if written.lower() in names and WORD_BOUNDARY.match(text, start + length):
            return written
    return None


def _line_of(block: Block, offset: int) -> int:
    return block.line + block.text.count("\n", 0, offset)


@rule("PM309", "human-error-root-cause", ERROR, "The root cause is only \"human error\".")
def human_error_root_cause(doc, context):
    """A person's action is where an incident starts, not why it could happen. Name the system
    condition that let the action cause harm: the missing guard, check, alert or limit. The rule
    fires when the section says "human error" (or "operator error", "user error", "PEBKAC",
    "erreur humaine", "faute de l'opérateur" and the like) and fewer than six other words. In a
    draft this is a warning.

    Failing:
    ```markdown
    ## Root cause
    Human error.
    ```

    Passing:
    ```markdown
    ## Root cause
    An operator ran the migration against production because the staging and production
    credentials were in the same shell profile, and the migration tool asked for no confirmation.
    ```
    """
    found = _root_cause_blocks(doc, context)
    if found is None:
        return
    section, content = found
    text = " ".join(b.text for b in content).lower()
    if not HUMAN_ERROR.search(text):
        return
    words = [w for w in re.findall(r"[\w']+", HUMAN_ERROR.sub(" ", text)) if w not in FILLER]
    if len(words) < ROOT_CAUSE_MIN_WORDS:
        yield Finding(section.line, "the root cause is only human error: name the system condition that let "
                                    "the action cause harm (the missing guard, check, alert or limit)",
                      lenient(doc))


@rule("PM311", "person-as-root-cause", WARNING, "The root cause names a person as the one who caused it.")
def person_as_root_cause(doc, context):
    """People are named in the timeline for what they did, not in the root cause for what went
    wrong: a post-mortem that blames someone teaches the team to hide the next mistake. Write what
    the system allowed. The rule knows the people of the config's `people`.

    Failing:
    ```markdown
    ## Root cause
    Bob deployed the change on a Friday evening without a review.
    ```

    Passing:
    ```markdown
    ## Root cause
    The deploy pipeline let a change reach production without a review, and nothing blocked
    deploys outside working hours.
    ```
    """
    people = context.config.person_ids
    found = _root_cause_blocks(doc, context) if people else None
    if found is None:
        return
    for block in found[1]:
        for match in SUBJECT.finditer(block.text):
            person = _person_named(block.text, match.end(), people)
            if person:
                yield Finding(_line_of(block, match.end()), f"the root cause makes {person} its subject: say what "
                                                            "the system allowed, and keep people in the timeline")


@rule("PM312", "counterfactual-blame", WARNING, "The root cause says what someone should have done.")
def counterfactual_blame(doc, context):
    """"Should have", "failed to", "aurait dû" judge a person with hindsight, and explain nothing:
    what made the right action hard at the time? Name that condition.

    Failing:
    ```markdown
    ## Root cause
    The on-call engineer should have checked the replica lag before the failover.
    ```

    Passing:
    ```markdown
    ## Root cause
    The failover runbook does not mention replica lag, and the lag is on no dashboard the on-call
    engineer sees during a failover.
    ```
    """
    found = _root_cause_blocks(doc, context)
    if found is None:
        return
    for block in found[1]:
        lowered = block.text.lower()
        if not any(word in lowered for word in COUNTERFACTUAL_WORDS):
            continue
        for match in COUNTERFACTUAL.finditer(block.text):
            yield Finding(_line_of(block, match.start()), f"{match[0]!r} judges with hindsight: name the condition "
                                                          "that made the right action hard at the time")
