"""A corpus index over many plans' tasks: every task's best counterparts in other plans, and a peer view.

Scores are the cosine of ``fazhi.align``'s vectors (TF-IDF of character 2- and 3-grams of the commitment
text, sublinear tf), with the IDF fitted on the whole corpus, so a phrase every plan prints weighs little.

Why it scales: plans copy each other, so many tasks print the same commitment text. The index keeps one
row per distinct text (identical texts have identical vectors, so nothing is lost) and counts each text
as many times as it occurs when fitting the IDF, which gives the same weights as fitting on every task.
All pairs are then scored in chunks of distinct rows (sparse product chunk × corpusᵀ; of each row only
the scores passing the threshold are sorted, which measured no slower than ``numpy.argpartition`` over the
dense row and breaks ties reproducibly), so memory stays bounded by the chunk. Chunks can run on several
threads: scipy's sparse product, nearly all of the time, releases the GIL (on 1,000 generated plans, 95k
tasks, two threads took the search from 44 s to 22 s). A distinct text's best columns are then spread to the tasks that print it,
skipping the task's own plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from fazhi.align import TaskKey, commitment_text
from fazhi.align.features import NGRAMS
from fazhi.model import Plan, Task

__all__ = ["CorpusIndex", "CorpusTask", "Counterpart", "Match"]

CHUNK_CELLS = 4_000_000  # scores held per chunk (rows × distinct texts); ~80 MB with the product's indices


@dataclass(frozen=True)
class CorpusTask:
    """A task of the corpus: its plan's id and its key within that plan."""

    plan_id: str
    key: TaskKey


@dataclass(frozen=True)
class Match:
    task: CorpusTask
    score: float  # cosine in [0, 1]


@dataclass(frozen=True)
class Counterpart:
    """A corpus task and its best matches in other plans, best first (empty when none passes the score)."""

    task: CorpusTask
    matches: tuple[Match, ...]


class CorpusIndex:
    """Tasks of many plans as TF-IDF vectors, one row per distinct commitment text.

    ``min_df`` drops n-grams printed by fewer tasks (an n-gram only one task prints adds to no pair's
    dot product, only to that task's norm); ``max_features`` keeps the most frequent n-grams only. With
    ``min_df=1`` and no cap the scores equal a ``TfidfVectorizer`` fitted on every task's text.
    """

    def __init__(self, plans: Iterable[tuple[str, Plan]], *, min_df: int = 1,
                 max_features: int | None = None) -> None:
        import numpy as np

        tasks: list[CorpusTask] = []
        plan_of: list[int] = []
        text_of: list[int] = []
        distinct: dict[str, int] = {}
        plan_ids: list[str] = []
        seen: set[str] = set()
        for plan_id, plan in plans:
            if plan_id in seen:
                raise ValueError(f"plan id {plan_id!r} occurs twice in the corpus")
            seen.add(plan_id)
            plan_ids.append(plan_id)
            for task in plan.tasks:
                tasks.append(CorpusTask(plan_id, TaskKey.of(task)))
                plan_of.append(len(plan_ids) - 1)
                text_of.append(distinct.setdefault(commitment_text(task), len(distinct)))
        self._tasks = tuple(tasks)
        self._plan_ids = tuple(plan_ids)
        self._plan_of: Any = np.asarray(plan_of, dtype=np.int32)
        self._text_of: Any = np.asarray(text_of, dtype=np.int32)
        # tasks grouped by distinct text, in corpus order within a group: members of text u are
        # self._by_text[self._starts[u]:self._starts[u + 1]]
        self._by_text: Any = np.argsort(self._text_of, kind="stable").astype(np.int32)
        self._starts: Any = np.searchsorted(self._text_of[self._by_text], np.arange(len(distinct) + 1))
        self._plan_size = int(np.bincount(self._plan_of).max()) if tasks else 0
        self._vocabulary: dict[str, int] = {}
        self._idf: Any = np.zeros(0, dtype=np.float32)
        self._matrix: Any = self._fit(list(distinct), min_df, max_features)

    # -- what the index holds

    @property
    def tasks(self) -> tuple[CorpusTask, ...]:
        return self._tasks

    @property
    def plan_ids(self) -> tuple[str, ...]:
        return self._plan_ids

    @property
    def distinct_texts(self) -> int:
        return int(self._matrix.shape[0])

    @property
    def features(self) -> int:
        return len(self._vocabulary)

    @property
    def matrix(self) -> Any:
        """The L2-normalised float32 CSR matrix, one row per distinct commitment text."""
        return self._matrix

    def vector_row(self, index: int) -> int:
        """The matrix row of the corpus task at ``index``."""
        return int(self._text_of[index])

    def __len__(self) -> int:
        return len(self._tasks)

    # -- fitting

    def _fit(self, texts: list[str], min_df: int, max_features: int | None) -> Any:
        import numpy as np
        from sklearn.feature_extraction.text import CountVectorizer

        sparse = _scipy_sparse()
        empty = sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        if not any(texts):
            return empty
        counter = CountVectorizer(analyzer="char", ngram_range=NGRAMS, dtype=np.float32)
        try:
            counts = counter.fit_transform(texts).tocsr()
        except ValueError:  # no n-gram at all (texts of one character)
            return empty
        occurrences = np.bincount(self._text_of, minlength=len(texts)).astype(np.float64)
        df = (counts > 0).T.astype(np.float64) @ occurrences  # documents = tasks, not distinct texts
        keep = df >= min_df
        if max_features is not None and keep.sum() > max_features:
            frequency = counts.T.astype(np.float64) @ occurrences
            frequency[~keep] = -1.0
            keep = np.zeros_like(keep)
            keep[np.argsort(-frequency, kind="stable")[:max_features]] = True
        columns = np.flatnonzero(keep)
        if not len(columns):
            return empty
        names = counter.get_feature_names_out()[columns]
        self._vocabulary = {str(name): i for i, name in enumerate(names)}
        n = len(self._tasks)
        self._idf = (np.log((1.0 + n) / (1.0 + df[columns])) + 1.0).astype(np.float32)  # sklearn's smooth idf
        return self._weigh(counts[:, columns])

    def _weigh(self, counts: Any) -> Any:
        """Counts → sublinear tf × idf, rows L2-normalised (what TfidfVectorizer does)."""
        import numpy as np
        from sklearn.preprocessing import normalize

        weights = counts.astype(np.float32, copy=True).tocsr()
        weights.data = 1.0 + np.log(weights.data)
        weights = weights.multiply(self._idf[None, :]).tocsr()
        result: Any = normalize(weights, norm="l2", copy=False).astype(np.float32)
        result.sort_indices()
        return result

    def vectorize(self, texts: list[str]) -> Any:
        """Commitment texts from outside the corpus as rows comparable with ``matrix``."""
        import numpy as np
        from sklearn.feature_extraction.text import CountVectorizer

        if not self._vocabulary:
            return _scipy_sparse().csr_matrix((len(texts), 0), dtype=np.float32)
        counter = CountVectorizer(analyzer="char", ngram_range=NGRAMS, vocabulary=self._vocabulary,
                                  dtype=np.float32)
        return self._weigh(counter.transform(texts))

    # -- searching

    def best_counterparts(self, k: int = 3, min_score: float = 0.25, *, other_plans_only: bool = True,
                          workers: int = 1, chunk_size: int | None = None) -> list[Counterpart]:
        """Every corpus task with its ``k`` best-scoring tasks elsewhere, in corpus order.

        Elsewhere means in another plan, or with ``other_plans_only=False`` any task but itself. Equal
        scores keep a fixed order (the text first printed earlier in the corpus, then corpus order), so a
        run can be repeated. ``chunk_size`` is the number of distinct texts scored at once (by default as
        many as keep a chunk near ``CHUNK_CELLS`` scores); ``workers`` threads share the chunks. A
        ``min_score`` near 0 is slow: every pair that shares an n-gram is then sorted.
        """
        results: list[Counterpart | None] = [None] * len(self._tasks)
        if k <= 0 or not self._tasks:
            return [Counterpart(t, ()) for t in self._tasks]
        # a distinct text's best columns must reach past every column the task may not use: those
        # printed only in its own plan (at most the plan's size), or just itself
        width = k + (self._plan_size if other_plans_only else 1)
        for start, columns, scores in self._chunks(width, min_score, workers, chunk_size):
            for row in range(len(columns)):
                text = start + row
                best = list(zip(columns[row].tolist(), scores[row].tolist(), strict=True))
                for index in self._by_text[self._starts[text] : self._starts[text + 1]].tolist():
                    found = self._spread(index, best, k, other_plans_only)
                    results[index] = Counterpart(self._tasks[index], found)
        return [r if r is not None else Counterpart(self._tasks[i], ()) for i, r in enumerate(results)]

    def query(self, task: Task, k: int = 5, min_score: float = 0.25, *,
              exclude_plan: str | None = None) -> tuple[Match, ...]:
        """The corpus tasks closest to a task from outside (the same commitment across many plans).

        ``exclude_plan`` leaves out one plan's tasks, e.g. the plan the task itself comes from.
        """
        if k <= 0 or not self._tasks or not self._vocabulary:
            return ()
        vector = self.vectorize([commitment_text(task)])
        excluded = -1
        if exclude_plan is not None and exclude_plan in self._plan_ids:
            excluded = self._plan_ids.index(exclude_plan)
        width = k + (self._plan_size if excluded >= 0 else 0)
        columns, top = _top(vector @ self._matrix.T, width, min_score)
        found: list[Match] = []
        for column, score in zip(columns[0].tolist(), top[0].tolist(), strict=True):
            for index in self._by_text[self._starts[column] : self._starts[column + 1]].tolist():
                if self._plan_of[index] != excluded:
                    found.append(Match(self._tasks[index], min(1.0, score)))
                    if len(found) == k:
                        return tuple(found)
        return tuple(found)

    def _chunks(self, width: int, min_score: float, workers: int,
                chunk_size: int | None) -> Iterator[tuple[int, Any, Any]]:
        """(first row, best columns, their scores) for each chunk of distinct texts, in order."""
        rows = self._matrix.shape[0]
        size = chunk_size or max(1, min(4096, CHUNK_CELLS // max(rows, 1)))
        starts = range(0, rows, size)
        transposed = self._matrix.T.tocsr()

        def score(start: int) -> tuple[int, Any, Any]:
            return (start, *_top(self._matrix[start : start + size] @ transposed, width, min_score))

        if workers <= 1:
            yield from map(score, starts)
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending = []
            for start in starts:  # at most two chunks per worker in flight, so memory stays bounded
                pending.append(pool.submit(score, start))
                if len(pending) >= 2 * workers:
                    yield pending.pop(0).result()
            for future in pending:
                yield future.result()

    def _spread(self, index: int, best: list[tuple[int, float]], k: int,
                other_plans_only: bool) -> tuple[Match, ...]:
        """The best ``k`` tasks for one task from its text's best columns, skipping what it may not match."""
        plan = self._plan_of[index]
        found: list[Match] = []
        for column, score in best:
            for other in self._by_text[self._starts[column] : self._starts[column + 1]].tolist():
                if other == index or (other_plans_only and self._plan_of[other] == plan):
                    continue
                found.append(Match(self._tasks[other], min(1.0, score)))
                if len(found) == k:
                    return tuple(found)
        return tuple(found)


def _scipy_sparse() -> Any:
    """scipy.sparse, imported when needed (scipy ships no type information the project checks)."""
    import importlib

    return importlib.import_module("scipy.sparse")


def _top(product: Any, width: int, min_score: float) -> tuple[list[Any], list[Any]]:
    """Per row of a sparse score matrix, the columns of its ``width`` best scores at or above ``min_score``.

    Best first, ties by column. Only scores passing the threshold are sorted (most pairs of tasks share
    a few n-grams and score far below it), which costs far less than a partition of every dense row.
    """
    import numpy as np

    product = product.tocsr()
    height = product.shape[0]
    rows = np.repeat(np.arange(height, dtype=np.int32), np.diff(product.indptr))
    keep = product.data >= min_score
    rows, columns, scores = rows[keep], product.indices[keep], product.data[keep]
    order = np.lexsort((columns, -scores, rows))
    rows, columns, scores = rows[order], columns[order], scores[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, rows)  # place within its row
    take = rank < width
    rows, columns, scores = rows[take], columns[take], scores[take]
    ends = np.cumsum(np.bincount(rows, minlength=height))[:-1]
    return np.split(columns, ends), np.split(scores, ends)
