"""Similar incidents by their words, on hand-built knowledge bases whose answers are known."""

from __future__ import annotations

import pytest

from generator.figures import similarity
from generator.figures.similarity import Match, similar_documents, words

POOL = "database connection pool saturated at peak checkout traffic"


def similar(documents: dict[str, list[str]]) -> dict[str, list[Match]]:
    return similar_documents(documents.items())


def test_words_drop_short_common_and_numeric_tokens() -> None:
    assert words("The DB pool was saturated at 19:02, and the pool's size (20) was too small") == [
        "pool", "saturated", "pool", "size", "small"]
    assert words("La file d'attente des courriels était saturée") == ["file", "attente", "courriels", "était", "saturée"]


def test_the_most_similar_come_first_with_the_words_they_share() -> None:
    found = similar({
        "march-pool": words(POOL + " payments"),
        "february-pool": words("connection pool saturated payments latency"),
        "certificate": words("expired certificate login outage renewal"),
        "certificate-again": words("certificate renewal forgotten login"),
        "pool-far": words("pool saturated"),
    })
    assert [m.id for m in found["march-pool"]] == ["february-pool", "pool-far"]
    # In 5 documents, idf = log(6 / (1 + df)) + 1: connection and payments (df 2) 1.69, pool and
    # saturated (df 3) 1.41; ties go to the word met first.
    assert found["march-pool"][0].shared == ("connection", "payments", "pool")
    assert [m.id for m in found["certificate"]] == ["certificate-again"]
    assert found["certificate"][0].shared == ("certificate", "login", "renewal")
    assert all(m.id != key for key, matches in found.items() for m in matches)   # never itself
    scores = [m.score for m in found["march-pool"]]
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1


def test_identical_documents_score_one_and_unrelated_ones_are_not_listed() -> None:
    found = similar({"a": words(POOL), "b": words(POOL), "c": words("email template typo")})
    assert found["a"] == [Match("b", 1.0, ("database", "connection", "pool"))]
    assert "c" not in found


def test_categories_count_but_are_not_shown_as_shared_words() -> None:
    service = similarity.category("service", "payments-api")
    found = similar({"a": [service, "timeout"], "b": [service, "queue"], "c": ["deploy"]})
    assert found["a"] == [Match("b", pytest.approx(found["a"][0].score), ())]
    assert found["a"][0].score > similarity.MIN_SCORE


def test_at_most_five_are_listed() -> None:
    found = similar({f"pm-{n}": words(POOL) for n in range(8)})
    assert [len(matches) for matches in found.values()] == [5] * 8


def test_a_document_meets_only_the_champions_of_its_terms(monkeypatch) -> None:
    # Not every pair is compared: "pool" keeps its two weightiest documents, so the document where
    # it weighs least meets neither of the others through it.
    monkeypatch.setattr(similarity, "CHAMPIONS", 2)
    found = similar({"short": ["pool"], "medium": ["pool", "saturated"],
                               "long": ["pool", "saturated", "checkout", "traffic", "latency", "peak"]})
    assert [m.id for m in found["long"]] == ["medium", "short"]   # its champions: short and medium
    assert [m.id for m in found["short"]] == ["medium"]           # "long" is no champion of "pool"
    assert similar({}) == {}
