"""Similar incidents by their words: TF-IDF over each post-mortem's title, summary, root cause,
tags and categories, compared by cosine similarity without comparing every pair.

Each document is a vector of term weights, (1 + log tf) x idf with idf = log((1 + N) / (1 + df)) + 1,
scaled to length 1. Comparing all pairs would cost N² on N post-mortems; instead each term keeps
its CHAMPIONS documents where it weighs most, and a document meets only the champions of its
TOP_TERMS weightiest terms. Its score with each of them is the part of their cosine similarity that
those terms carry (the champion lists of search engines): at most N x TOP_TERMS x CHAMPIONS
products. The vectors are arrays of (document, term, weight) triples and the products are numpy
operations on them: no sparse-matrix library (scipy was 143 MB installed for this one product).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

TOP_TERMS = 12
CHAMPIONS = 40
#: Documents whose scores are worked out together (a few MB of scores at a time).
CHUNK = 500
#: Below this score, two post-mortems share too little to be shown as similar.
MIN_SCORE = 0.07
SHOWN = 5
#: Terms that are not words of the text (a service, a category): they count, but are not shown.
CATEGORY_MARK = ":"

WORD = re.compile(r"[^\W\d_]{3,}")
_STOPWORDS_TEXT = """
the and for with was were are not but from that this these those into onto our out has have had its
than then when while which who whom what where why how all any each few more most other some such only
own same too very can will just also after before during about above below over under again further
once there here both because until against between through off per via did does doing been being
une des les est pas par pour sur dans avec sans sous aux que qui quoi dont mais plus moins comme ont
été etre être cette ces son ses leur leurs nous vous ils elles lors après avant pendant entre chez
one two three could would should may might must new went got get every nothing nobody cause caused
minute minutes hour hours second seconds day days week weeks time times
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def words(text: str) -> list[str]:
    """The words of `text` that can make two post-mortems alike: lowercase, three letters at least,
    common English and French words left out."""
    return [w for w in WORD.findall(text.lower()) if w not in STOPWORDS]


@dataclass(frozen=True)
class Match:
    """A post-mortem similar to another: its id, the score (0 to 1), and the words they share,
    the weightiest first."""

    id: str
    score: float
    shared: tuple[str, ...]


def similar_documents(documents: Iterable[tuple[str, list[str]]], shown: int = SHOWN, shared: int = 3) -> dict[str, list[Match]]:
    """For each document of `documents` ((id, terms) pairs, read once: a generator keeps one
    document's terms in memory at a time), up to `shown` others by decreasing score, those scoring
    at least MIN_SCORE, each with up to `shared` words in common (among the weightiest of both,
    in the order of their weight in the document)."""
    ids: list[str] = []
    vocabulary: dict[str, int] = {}
    rows, columns, counts = [], [], []
    for number, (name, terms) in enumerate(documents):
        ids.append(name)
        count = Counter(terms)
        rows += [number] * len(count)
        columns += [vocabulary.setdefault(term, len(vocabulary)) for term in count]
        counts += count.values()
    if not vocabulary:
        return {}
    tfidf = _Vectors.of(np.array(rows, dtype=np.intp), np.array(columns, dtype=np.intp), np.array(counts, dtype=float))
    frequency = np.bincount(tfidf.column, minlength=len(vocabulary))
    weight = (1 + np.log(tfidf.value)) * (np.log((1 + len(ids)) / (1 + frequency)) + 1)[tfidf.column]
    # Each row's squares added in the order of its terms' numbers, by np.add.reduceat: the sums, to the
    # last bit, of the sparse matrices this replaced (the scores, and so their ties, stay the same).
    norms = np.ones(len(ids))
    starts = np.flatnonzero(np.r_[True, tfidf.row[1:] != tfidf.row[:-1]])
    norms[tfidf.row[starts]] = np.sqrt(np.add.reduceat(weight * weight, starts))
    tfidf = _Vectors(tfidf.row, tfidf.column, weight * (1 / norms)[tfidf.row])
    query = tfidf.weightiest(TOP_TERMS)                                                # each document's weightiest terms
    champions = _Vectors.of(tfidf.column, tfidf.row, tfidf.value).weightiest(CHAMPIONS)  # each term's weightiest documents
    words = _top_words(query, len(ids), list(vocabulary))
    champion_starts = champions.row_starts(len(vocabulary))
    found: dict[str, list[Match]] = {}
    chunks = np.searchsorted(query.row, np.arange(0, len(ids) + CHUNK, CHUNK)).tolist()
    for start, end in zip(chunks, chunks[1:]):  # a few documents at a time: the scores stay small in memory
        for one, other, value in _best(query[start:end], champions, champion_starts, len(ids), shown):
            theirs = words[other]
            common = tuple(word for word in words[one] if word in theirs)[:shared]
            found.setdefault(ids[one], []).append(Match(ids[other], round(value, 4), common))
    return found


@dataclass(frozen=True)
class _Vectors:
    """A sparse matrix as its non-zero values: `value` at (`row`, `column`), by row, then by column."""

    row: np.ndarray
    column: np.ndarray
    value: np.ndarray

    @classmethod
    def of(cls, row: np.ndarray, column: np.ndarray, value: np.ndarray) -> _Vectors:
        """The matrix of these values, in any order."""
        order = np.argsort(row * (int(column.max(initial=0)) + 1) + column, kind="stable")  # faster than lexsort
        return cls(row[order], column[order], value[order])

    def weightiest(self, keep: int) -> _Vectors:
        """This matrix with only the `keep` largest values of each row (of equal values, those of the
        first columns)."""
        order = np.lexsort((-self.value, self.row))  # a stable sort: equal values stay in the order of columns
        rank = np.arange(len(order)) - np.searchsorted(self.row, self.row)[order]
        chosen = np.sort(order[rank < keep])  # back to the order by row, then by column
        return _Vectors(self.row[chosen], self.column[chosen], self.value[chosen])

    def __getitem__(self, entries: slice) -> _Vectors:
        """The values from one entry to another (whole rows, when they start and end rows)."""
        return _Vectors(self.row[entries], self.column[entries], self.value[entries])

    def row_starts(self, rows: int) -> np.ndarray:
        """Where each of the `rows` rows starts, and where the last ends (a CSR matrix's indptr)."""
        return np.searchsorted(self.row, np.arange(rows + 1))


def _best(query: _Vectors, champions: _Vectors, champion_starts: np.ndarray, documents: int, shown: int) -> zip:
    """(document, other, score) of the `shown` best scores of the documents of `query` (their
    weightiest terms) against the champions of those terms (`champion_starts`: where each term's
    start), scores under MIN_SCORE and a document itself left out.

    A score adds up its terms' products in the order of the terms' numbers, from 0; of equal scores,
    the other document met last through the terms comes first. Both are what the sparse matrix
    product that this replaced did, so that the pages stay the same to the last digit and order."""
    first = champion_starts[query.column]
    count = champion_starts[query.column + 1] - first
    entry = np.repeat(np.arange(len(query.row)), count)   # each (query term, champion) product, in the order met
    champion = np.arange(len(entry)) - np.repeat(np.cumsum(count) - count, count) + np.repeat(first, count)
    pair = query.row[entry] * documents + champions.column[champion]
    product = query.value[entry] * champions.value[champion]
    order = np.argsort(pair, kind="stable")        # each pair's products together, in the order met
    pair, product = pair[order], product[order]
    group = np.flatnonzero(np.r_[True, pair[1:] != pair[:-1]])
    size = np.diff(np.r_[group, len(pair)])
    score = np.zeros(len(group))
    for nth in range(int(size.max()) if len(size) else 0):   # at most TOP_TERMS products a pair
        adding = size > nth
        score[adding] += product[group[adding] + nth]
    met = order[group]                                # the first product of each pair
    one, other = pair[group] // documents, pair[group] % documents
    keep = (one != other) & (score >= MIN_SCORE)
    one, other, score, met = one[keep], other[keep], score[keep], met[keep]
    order = np.lexsort((-met, -score, one))
    one, other, score = one[order], other[order], score[order]
    chosen = np.arange(len(one)) - np.searchsorted(one, one) < shown
    return zip(one[chosen].tolist(), other[chosen].tolist(), score[chosen].tolist())


def _top_words(query: _Vectors, documents: int, names: list[str]) -> list[dict[str, None]]:
    """Each document's weightiest words, the weightiest first (categories left out)."""
    terms = query.column[np.lexsort((-query.value, query.row))].tolist()
    bounds = query.row_starts(documents).tolist()
    return [dict.fromkeys(names[t] for t in terms[start:end] if CATEGORY_MARK not in names[t])
            for start, end in zip(bounds, bounds[1:])]


def category(kind: str, value: str) -> str:
    """A term for a category of a post-mortem (`service:payments-api`), never a word of its text."""
    return f"{kind}{CATEGORY_MARK}{value}"

