"""What must not reach the site: credentials and personal data found on their line, reasoned
exceptions, restricted incidents, and every accepted post-mortem in every output."""

from __future__ import annotations

import datetime as dt
import gzip
import html
import json
import shutil
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.checker import check, load_knowledge_base
from generator.cli import cli
from generator.kb.layout import open_knowledge_base
from generator.reports.stats import compute_stats
from generator.safety.credentials import find_secrets
from generator.safety.gitleaks import rules
from generator.safety.personal import card_network, find_personal_data, iban_valid, luhn_valid
from generator.site.build import build_site
from generator.site.markup import e

from .conftest import FIXTURES, REPOSITORY, TODAY, copy_knowledge_base, lay_out, write

#: Made-up credentials in the forms people paste, none a placeholder: each must be an error.
SECRETS = [
    ("AWS Access Key", "the job used AKIAZ7VRSQ5BLXK4MT3W for the upload"),
    ("AWS Access Key", 'aws_secret_access_key = "q8Vz2Lr7Kt0mXw4Pj9Ns6Bd1Fh3Gc5Ya8Ue2Io7R"'),
    ("private key", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA3Tz2mr7SuFv8Lo1zW5hqG7KpXs3Ny0dQ4jR9uVbH2eLcMk6a\n"
                    "-----END RSA PRIVATE KEY-----"),
    ("GitHub Token", "curl -H 'Authorization: token ghp_R8mK2vX9qL4tZ7wN1pS6bY3dF0hJ5cG8uA2e'"),
    ("GitLab Token", "CI_TOKEN glpat-Kq8vR2mX7pL4zT9wQ3sY"),
    ("Slack Token", "the bot token xoxb-4820593716-5391746280-Rk7mQ2vX9pL4tZ8wN1sY6bD3 leaked"),
    ("slack app token", "app token xapp-1-A04QK2L7RZ9-4820593716288-9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b"),
    ("Slack Token", "posted to https://hooks.slack.com/services/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"),
    ("Stripe Access Key", "STRIPE_KEY sk_live_R8mK2vX9qL4tZ7wN1pS6bY3d"),
    ("JSON Web Token", "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
    ("Basic Auth Credentials", "DATABASE_URL=postgres://app:Xk9mP2vL8qR4@db.internal:5432/app"),
    ("password in a URL", "amqp://guest:S3cr!t-Kq8vR2@rabbit.internal"),  # `!` is allowed in user information
    ("curl auth user", "curl -u admin:Kq8vR2mX7pL4 https://api.internal/v1"),
    ("authorization header", "Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0"),
    ("password on a database client's command line", "mysql -u root -pKq8vR2mX7pL4 -h db.internal"),
    (".netrc password", "machine api.internal login deploy password Kq8vR2mX7pL4zT"),
    ("NPM tokens", "//registry.npmjs.org/:_authToken=npm_Kq8vR2mX7pL4zT9wQ3sY6uB1nD5fH0jA2cE4"),
]
#: What a credential looks like before anyone fills it in: a warning that says why, never an error.
PLACEHOLDERS = [
    ("the documentation's AKIAIOSFODNN7EXAMPLE", "'example'"),
    ("AKIAXXXXXXXXXXXXXXXX", "mostly x"),
    ("glpat-XXXXXXXXXXX-XXXXXXXX", "mostly x"),
    ("ghu_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "mostly x"),
    ("-----BEGIN PRIVATE KEY-----\nanything\n-----END PRIVATE KEY-----", "no key"),
    ("mongodb://xxxx:xxxxx@mongo.internal", "one character"),
    ("https://user:password@example.com", "the word"),
    ("xoxp-572370529330-573807301142-572331691188-####################", "mask"),
    ("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "counts"),
    ("glsoat-PREfix_helloworld380_testin_pretty_long_token_long_", "words"),
]
NOT_SECRETS = [
    "password: hunter2",  # low entropy: a placeholder, not a credential
    "the token: expired after the rotation at 14:02",
    "we rotated the AWS keys and the GitHub tokens",
    "see https://wiki.example.com/runbooks/payments",
]


@pytest.mark.parametrize(("kind", "line"), SECRETS)
def test_each_kind_of_secret_is_found_on_its_line(kind: str, line: str) -> None:
    found = find_secrets(f"## Timeline\n\n- 14:02 — nothing here\n{line}\n")
    assert [(f.line, f.kind, f.placeholder) for f in found] == [(4, kind, None)]
    assert line[found[0].column - 1:].startswith(found[0].text)


def test_every_gitleaks_rule_compiles_in_python() -> None:
    """The rules compile when a text first wakes them; each must compile, with its allow-lists."""
    every_rule, everywhere = rules()
    assert len(every_rule) == 221
    for rule in every_rule:
        assert rule.regex.pattern == rule.pattern
        for allowlist in (*rule.allowlists, everywhere):
            assert len(allowlist.regexes) == len(allowlist.patterns)


@pytest.mark.parametrize(("line", "why"), PLACEHOLDERS)
def test_a_placeholder_says_why_it_is_one(line: str, why: str) -> None:
    [found] = find_secrets(line)
    assert why in found.placeholder


@pytest.mark.parametrize("line", NOT_SECRETS)
def test_prose_about_secrets_is_not_a_secret(line: str) -> None:
    assert find_secrets(line) == []


PERSONAL = [
    ("e-mail address", "jane.doe@gmail.com wrote to support"),
    ("card number", "charged on 4111 1111 1111 1111 twice"),
    ("card number", "card 5555555555554444 declined"),
    ("IBAN", "refund to FR76 3000 6000 0112 3456 7890 189"),
    ("phone number", "called from +33 6 12 34 56 78"),
    ("phone number", "called from +1 415 555 2671"),
    ("phone number", "rappelé au 06 12 34 56 78 puis au 01.42.68.53.00"[:27]),  # national, the config's country
    ("public IP address", "requests from 8.8.8.8 were blocked"),
    ("public IP address", "requests from 2606:4700:4700::1111 were blocked"),
    ("public IP address", "client ::ffff:8.8.8.8 retried"),  # IPv4-mapped: the address is 8.8.8.8
    ("public IP address", "resolver [2001:4860:4860::8888]:53 timed out"),
    ("public IP address", "GET http://8.8.4.4:8080/health"),
]
NOT_PERSONAL = [
    "ops@tarteline.com and oncall@eu.tarteline.com paged",  # the company's own domains
    "write to someone@example.com",  # reserved for examples
    "card 4111 1111 1111 1112 failed",  # fails the Luhn check
    "epoch 1700000000000 in the logs",  # 13 digits, no card network
    "FR76 3000 6000 0112 3456 7890 188",  # fails the IBAN checksum
    "started_at: 2026-03-02T14:00:00+01:00",  # an offset, not a phone
    "10.0.0.8 and 192.168.1.1 and 127.0.0.1 and 2001:db8::1",  # private and documentation ranges
    "from ::ffff:10.0.0.1 and [::ffff:127.0.0.1]:8080 and fe80::1%eth0",  # private, however written
    "call (415) 555-0132",  # a national number of another country than the config's
    "at 2026-03-13 18:42:07, 12 000 users, 1 240 customers, order 123456789",
    "version v1.2.3.4 and 14:02:33",
    "2,300 users, 99.95% availability, 47 minutes",
]


@pytest.mark.parametrize(("kind", "line"), PERSONAL)
def test_each_kind_of_personal_data_is_found_on_its_line(kind: str, line: str) -> None:
    found = find_personal_data(f"## Impact\n\n{line}\n", ["tarteline.com"], "FR")
    assert [(f.line, f.kind) for f in found] == [(3, kind)]
    assert line[found[0].column - 1:].startswith(found[0].text)


@pytest.mark.parametrize("line", NOT_PERSONAL)
def test_what_is_not_a_customers_personal_data(line: str) -> None:
    assert find_personal_data(line, ["tarteline.com"], "FR") == []


#: Test numbers of each network (the networks' and payment processors' published test cards).
CARDS = [("Visa", "4111 1111 1111 1111"), ("Mastercard", "5555 5555 5555 4444"), ("Mastercard", "2223 0000 4840 0011"),
         ("American Express", "3782 822463 10005"), ("Discover", "6011 1111 1111 1117"),
         ("Diners Club", "3056 930902 5904"), ("JCB", "3530 1113 3330 0000"), ("UnionPay", "6200 0000 0000 0005"),
         ("Maestro", "6759 6498 2643 8453"), ("Mir", "2200 0000 0000 0004"), ("Elo", "5066 9911 1111 1118"),
         ("Hipercard", "6062 8288 8866 6688"), ("Troy", "9792 0300 0000 0000"), ("Dankort", "5019 7170 1010 3742"),
         ("UATP", "1354 12345 678911")]


@pytest.mark.parametrize(("network", "number"), CARDS)
def test_a_card_of_every_network_is_found(network: str, number: str) -> None:
    assert card_network(number) == network
    assert [f.kind for f in find_personal_data(f"charged {number} twice")] == ["card number"]


def test_national_phone_numbers_need_the_country() -> None:
    assert find_personal_data("rappelé au 06 12 34 56 78") == []
    assert [f.text for f in find_personal_data("rappelé au 06 12 34 56 78", country="FR")] == ["06 12 34 56 78"]
    assert [f.text for f in find_personal_data("called (415) 555-0132", country="US")] == ["(415) 555-0132"]


def test_checksums_computed_by_hand() -> None:
    # 4111 1111 1111 1111: doubled every second digit from the right, 8 + 7 x (2 + 1) = 30, a multiple of 10.
    assert luhn_valid("4111111111111111") and not luhn_valid("4111111111111112")
    # GB82 WEST 1234 5698 7654 32 is the IBAN of the ISO 13616 example: 3214282912345698765432161182 mod 97 = 1.
    assert iban_valid("GB82 WEST 1234 5698 7654 32") and not iban_valid("GB82 WEST 1234 5698 7654 33")


@pytest.mark.parametrize(("status", "level"), [("draft", "warning"), ("review", "error"), ("published", "error")])
def test_personal_data_is_a_warning_in_drafts_only(kb: Path, base_text: str, status: str, level: str) -> None:
    text = base_text.replace("status: published", f"status: {status}").replace(
        "800 shoppers saw errors.", "800 shoppers saw errors, jane.doe@gmail.com among them.")
    write(kb, "2026-03-02-checkout-deploy-errors.md", text)
    assert [(d.code, d.level.value) for d in check(open_knowledge_base(kb)).diagnostics] == [("PM603", level)]


def test_strict_fails_on_personal_data_in_a_draft(runner, kb: Path, base_text: str) -> None:
    write(kb, "2026-03-02-checkout-deploy-errors.md", base_text.replace("status: published", "status: draft").replace(
        "800 shoppers saw errors.", "800 shoppers saw errors, jane.doe@gmail.com among them."))
    assert runner.invoke(cli, ["--root", str(kb), "validate"]).exit_code == 0
    assert runner.invoke(cli, ["--root", str(kb), "validate", "--strict"]).exit_code == 1


def test_the_sample_knowledge_base_has_no_safety_finding() -> None:
    result = check(open_knowledge_base(REPOSITORY))
    assert [d for d in result.diagnostics if d.code.startswith("PM6")] == []
    assert result.errors == 0


ALLOWED = "Mail to billing@stripe.com bounced. <!-- postmortem: allow PM603 the provider's public support address -->"


def test_an_allowed_finding_is_listed_apart_with_its_reason(runner, kb: Path, base_text: str) -> None:
    write(kb, "2026-03-02-checkout-deploy-errors.md", base_text.replace("800 shoppers saw errors.", ALLOWED))
    result = runner.invoke(cli, ["--root", str(kb), "validate", "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["diagnostics"] == []
    assert [(s["line"], s["code"], s["reason"]) for s in document["silenced"]] == [
        (41, "PM603", "the provider's public support address")]
    text = runner.invoke(cli, ["--root", str(kb), "validate"])
    assert text.stdout == "1 post-mortem checked: no problems found (1 allowed by a comment with a reason).\n"


def test_an_allow_comment_in_the_front_matter(kb: Path, base_text: str) -> None:
    write(kb, "2026-03-02-checkout-deploy-errors.md", base_text.replace(
        "  users_affected: 800", "  users_affected: 800  # postmortem: allow PM602 no secret here, a test"))
    result = check(open_knowledge_base(kb))
    assert [(d.line, d.code) for d in result.diagnostics] == [(19, "PM605")]


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file of a built site, decompressed where it is gzip (the search index, the sitemap)."""
    contents = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            contents[path.relative_to(folder).as_posix()] = data
    return contents


RESTRICTED = "2026-04-01-restricted-data-exposure"
SECRET_TITLE = "Zebracorn customer export exposed"
SECRET_BODY = "quokkaglyph bucket policy"
SECRET_ACTION = "Rotate the narwhalix credentials"


def restricted_text(base_text: str) -> str:
    """The base post-mortem made a restricted SEV1 of 2026-04-01 that lasted 90 minutes."""
    return (base_text.replace("title: Checkout errors for 20 minutes after a deploy", f"title: {SECRET_TITLE}")
            .replace("severity: SEV2", "severity: SEV1\nvisibility: restricted")
            .replace("2026-03-02T14:00:00", "2026-04-01T10:00:00").replace("2026-03-02T14:05:00", "2026-04-01T10:05:00")
            .replace("2026-03-02T14:08:00", "2026-04-01T10:08:00").replace("2026-03-02T14:20:00", "2026-04-01T11:00:00")
            .replace("2026-03-02T14:30:00", "2026-04-01T11:30:00")
            .replace("- 14:00 — deploy starts", "- 10:00 — deploy starts").replace("- 14:05", "- 10:05")
            .replace("- 14:20", "- 11:00").replace("- 14:30", "- 11:30")
            .replace("Canary deploys for checkout", SECRET_ACTION)
            .replace("800 shoppers saw errors.", f"800 shoppers saw errors through the {SECRET_BODY}."))


def test_a_restricted_postmortem_counts_but_shows_nothing_but_its_header(tmp_path: Path, base_text: str) -> None:
    root = copy_knowledge_base(tmp_path / "kb")
    before = compute_stats(load_knowledge_base(root), today=TODAY)
    write(root, f"{RESTRICTED}.md", restricted_text(base_text))
    after = compute_stats(load_knowledge_base(root), today=TODAY)
    # One SEV1 more, of 90 minutes: the mean time to resolve moves from before's mean over n to
    # (n x mean + 90) / (n + 1).
    n = before["incidents"]
    assert after["incidents"] == n + 1
    assert after["by_severity"]["SEV1"] == before["by_severity"]["SEV1"] + 1
    assert after["mttr_minutes"] == pytest.approx((n * before["mttr_minutes"] + 90) / (n + 1), abs=0.01)  # rounded
    assert after["services"]["checkout-web"]["downtime_minutes"] == before["services"]["checkout-web"]["downtime_minutes"] + 90

    build_site(open_knowledge_base(root), TODAY)
    site = files_in(root / "site")
    for secret in (SECRET_TITLE, SECRET_BODY, SECRET_ACTION, "Zebracorn", "quokkaglyph", "narwhalix"):
        leaks = [name for name, data in site.items() if secret.encode() in data]
        assert leaks == [], f"{secret!r} published in {leaks}"
    page = site[f"postmortems/2026/{RESTRICTED}/index.html"].decode()
    assert "<title>Restricted incident - Tarteline post-mortems</title>" in page
    assert "SEV1" in page and "Checkout (web)" in page and "1 h 30" in page
    assert "Restricted: this incident counts in every figure" in page
    search_index = [name for name in site if name.startswith("pagefind/")]
    assert search_index and not any(RESTRICTED.encode() in site[name] for name in search_index)
    # In the feed: its entry and the header's facts, no summary.
    atom = "{http://www.w3.org/2005/Atom}"
    entry = next(entry for entry in ElementTree.fromstring(site["feed.xml"]).iter(f"{atom}entry")
                 if entry.find(f"{atom}link").get("href").endswith(f"{RESTRICTED}/"))
    assert entry.find(f"{atom}title").text == "Restricted incident"
    assert entry.find(f"{atom}summary").text == "SEV1 · Checkout (web) · Started 2026-04-01 11:00 · Duration 1 h 30"
    assert entry.find(f"{atom}content") is None


def warning_only_fixtures() -> list[str]:
    expected = yaml.safe_load((FIXTURES / "invalid/expected.yml").read_text())
    # PM406's fixture links to another fixture, which is not among these.
    return sorted(path for path, entries in expected.items()
                  if all(" warning " in f" {e} " for e in entries) and "pm406" not in path)


def test_every_accepted_postmortem_is_in_every_output(runner, tmp_path: Path) -> None:
    """A file for each warning code: validate accepts them, so list, stats and the site show them all."""
    root = lay_out(tmp_path / "kb")
    accepted = warning_only_fixtures()
    codes = {e.split()[-1] for path, entries in yaml.safe_load((FIXTURES / "invalid/expected.yml").read_text()).items()
             if path in accepted for e in entries}
    assert {"PM103", "PM206", "PM302", "PM304", "PM308", "PM310", "PM311", "PM312", "PM605"} <= codes
    for path in accepted:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / "invalid" / path, target)
    draft = (FIXTURES / "valid/postmortems/2026/2026-03-05-draft-without-resolution.md").read_text()
    write(root, "2026-03-05-draft-with-todo.md", draft.replace("severity: SEV2", "severity: TODO"))  # PM115
    ids = sorted([Path(path).stem for path in accepted] + ["2026-03-05-draft-with-todo"])
    validated = runner.invoke(cli, ["--root", str(root), "validate"])
    assert validated.exit_code == 0, validated.stdout

    listed = runner.invoke(cli, ["--root", str(root), "list", "--format", "json"])
    assert (listed.exit_code, listed.stderr) == (0, "")
    assert sorted(row["id"] for row in json.loads(listed.stdout)) == ids
    counted = [pm for pm in load_knowledge_base(root).postmortems if pm.value("status").value != "draft"]
    assert compute_stats(load_knowledge_base(root), today=TODAY)["incidents"] == len(counted) > 0
    build_site(open_knowledge_base(root), dt.date(2026, 3, 20))
    assert sorted(p.name for p in (root / "site/postmortems/2026").iterdir() if p.is_dir()) == ids


@given(st.one_of(st.text(), st.integers(), st.dates()))
def test_escaping_any_value_is_html_escape_of_its_text(value):
    # e() skips html.escape for text with nothing to escape: it must never differ from it.
    assert e(value) == html.escape(str(value), quote=True)


def test_every_countrys_example_numbers_are_found_in_its_national_format() -> None:
    """The phone library's own example numbers (fixed line and mobile) of each country it knows,
    written as that country writes them at home, with the config's `country` set to it. Numbers of
    fewer than six digits (a few islands': 62889 on Ascension) are not looked for: every count of
    users or requests would be one."""
    import phonenumbers

    missed = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            national = phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)
            if sum(char.isdigit() for char in national) < 6:
                continue
            if not [f for f in find_personal_data(f"- 18:50 — called {national} back", country=region)
                    if f.kind == "phone number"]:
                missed.append(f"{region} {national}")
    assert missed == []
