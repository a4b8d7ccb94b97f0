"""Similar incidents by their words: TF-IDF over each post-mortem's title, summary, root cause,
tags and categories, compared by cosine similarity without comparing every pair.

Each document is a vector of term weights, (1 + log tf) x idf with idf = log((1 + N) / (1 + df)) + 1,
scaled to length 1. Comparing all pairs would cost N² on N post-mortems; instead each term keeps
its CHAMPIONS documents where it weighs most, and a document meets only the champions of its
TOP_TERMS weightiest terms. Its score with each of them is the part of their cosine similarity that
those terms carry (the champion lists of search engines): at most N x TOP_TERMS x CHAMPIONS
products, one sparse matrix product.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

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
    matrix = sparse.csr_matrix((np.array(counts, dtype=float), (rows, columns)), shape=(len(ids), len(vocabulary)))
    frequency = np.bincount(matrix.indices, minlength=len(vocabulary))
    matrix.data = (1 + np.log(matrix.data)) * (np.log((1 + len(ids)) / (1 + frequency)) + 1)[matrix.indices]
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    matrix = sparse.csr_matrix(sparse.diags(1 / np.where(norms > 0, norms, 1)) @ matrix)
    query = _weightiest(matrix, TOP_TERMS)                      # each document's weightiest terms
    champions = _weightiest(matrix.T.tocsr(), CHAMPIONS)        # each term's weightiest documents
    words = _top_words(query, list(vocabulary))
    found: dict[str, list[Match]] = {}
    for start in range(0, len(ids), CHUNK):  # a few rows at a time: the scores stay small in memory
        for one, other, value in _best(query[start:start + CHUNK] @ champions, start, shown):
            theirs = words[other]
            common = tuple(word for word in words[one] if word in theirs)[:shared]
            found.setdefault(ids[one], []).append(Match(ids[other], round(value, 4), common))
    return found


def _best(scores: sparse.csr_matrix, first: int, shown: int) -> zip:
    """(document, other, score) of the `shown` best scores of each row of `scores`, whose rows are
    the documents from number `first` on: scores under MIN_SCORE and a document itself left out."""
    scores = scores.tocoo()
    row = scores.row + first
    keep = (row != scores.col) & (scores.data >= MIN_SCORE)
    row, column, score = row[keep], scores.col[keep], scores.data[keep]
    order = np.lexsort((-score, row))
    row, column, score = row[order], column[order], score[order]
    chosen = np.arange(len(row)) - np.searchsorted(row, row) < shown
    return zip(row[chosen].tolist(), column[chosen].tolist(), score[chosen].tolist())


def _weightiest(matrix: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """`matrix` with only the `keep` largest values of each row."""
    row = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    order = np.lexsort((matrix.indices, -matrix.data, row))
    rank = np.arange(len(order)) - matrix.indptr[row[order]]
    chosen = order[rank < keep]
    return sparse.csr_matrix((matrix.data[chosen], (row[chosen], matrix.indices[chosen])), shape=matrix.shape)


def _top_words(query: sparse.csr_matrix, names: list[str]) -> list[dict[str, None]]:
    """Each document's weightiest words, the weightiest first (categories left out)."""
    found = []
    for start, end in zip(query.indptr.tolist(), query.indptr[1:].tolist()):
        pairs = sorted(zip((-query.data[start:end]).tolist(), query.indices[start:end].tolist()))
        found.append(dict.fromkeys(names[t] for _, t in pairs if CATEGORY_MARK not in names[t]))
    return found


def category(kind: str, value: str) -> str:
    """A term for a category of a post-mortem (`service:payments-api`), never a word of its text."""
    return f"{kind}{CATEGORY_MARK}{value}"

