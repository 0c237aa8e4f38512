"""Corpus index: a task's counterparts in other plans, the peer view, edge cases, chunking."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

import fazhi
from fazhi.align import TaskKey, commitment_text
from fazhi.align.corpus import CorpusIndex, CorpusTask, Counterpart
from fazhi.model import Plan, PlanMeta, Task

SAMPLES = Path(__file__).parents[3] / "samples" / "plans"
# a few official-style synonyms, so a copy reads like another jurisdiction's rewording
REWORD = {"推进": "推动", "加强": "强化", "完善": "健全", "建立": "构建", "提升": "提高", "落实": "执行"}


def _reworded(task: Task) -> Task:
    text, title = task.text, task.title
    for old, new in REWORD.items():
        text = text.replace(old, new)
        title = title.replace(old, new) if title else title
    return replace(task, text=text, title=title)


@cache
def _samples() -> dict[str, Plan]:
    return {p.name[:3]: fazhi.parse_file(p) for p in sorted(SAMPLES.glob("*.txt"))}


def _corpus() -> list[tuple[str, Plan]]:
    """The five samples, a reworded copy of 001 and a reworded copy of 004 with its tasks reversed."""
    samples = _samples()
    copy_001 = replace(samples["001"], tasks=tuple(_reworded(t) for t in samples["001"].tasks))
    copy_004 = replace(samples["004"], tasks=tuple(_reworded(t) for t in reversed(samples["004"].tasks)))
    return [*samples.items(), ("copy-001", copy_001), ("copy-004", copy_004)]


@cache
def _index() -> CorpusIndex:
    return CorpusIndex(_corpus())


@cache
def _results() -> tuple[Counterpart, ...]:
    return tuple(_index().best_counterparts(k=3))


def test_a_reworded_task_finds_its_origin_first() -> None:
    samples = _samples()
    changed = [t for t in samples["001"].tasks if commitment_text(_reworded(t)) != commitment_text(t)]
    assert len(changed) > 30  # the rewording really touched the copy
    by_task = {(r.task.plan_id, r.task.key): r for r in _results()}
    for task in changed:
        best = by_task[("copy-001", TaskKey.of(task))].matches[0]
        assert best.task == CorpusTask("001", TaskKey.of(task))
        assert best.score < 1.0  # reworded, not verbatim
    for task in samples["004"].tasks:  # reordered as well as reworded
        assert by_task[("copy-004", TaskKey.of(task))].matches[0].task == CorpusTask("004", TaskKey.of(task))


def test_every_task_gets_a_result_in_corpus_order_and_never_a_match_in_its_own_plan() -> None:
    results = _results()
    assert [r.task for r in results] == list(_index().tasks)
    assert len(results) == sum(len(plan.tasks) for _, plan in _corpus())
    assert all(m.task.plan_id != r.task.plan_id for r in results for m in r.matches)


def test_scores_are_between_zero_and_one_best_first_and_pass_the_threshold() -> None:
    results = CorpusIndex(_corpus()).best_counterparts(k=4, min_score=0.3)
    assert any(r.matches for r in results)
    for result in results:
        scores = [m.score for m in result.matches]
        assert len(scores) <= 4
        assert all(0.3 <= s <= 1.0 for s in scores)
        assert scores == sorted(scores, reverse=True)


def test_a_task_repeated_in_its_own_plan_matches_only_when_same_plan_matches_are_allowed() -> None:
    plan = _samples()["004"]
    twin = replace(plan.tasks[0], path=("九", "1"))
    doubled = replace(plan, tasks=(*plan.tasks, twin))
    index = CorpusIndex([("doubled", doubled), ("002", _samples()["002"])])
    first = CorpusTask("doubled", TaskKey.of(plan.tasks[0]))
    across = index.best_counterparts(k=3)[0]
    within = index.best_counterparts(k=3, other_plans_only=False)[0]
    assert across.task == within.task == first
    assert all(m.task.plan_id == "002" for m in across.matches)
    assert within.matches[0].task == CorpusTask("doubled", TaskKey("body", ("九", "1")))
    assert within.matches[0].score == pytest.approx(1.0, abs=1e-5)
    assert all(m.task != first for m in within.matches)  # never itself


def test_query_finds_the_verbatim_task_first_and_can_leave_its_plan_out() -> None:
    index = _index()
    task = _samples()["002"].tasks[5]
    found = index.query(task, k=5)
    assert found[0].task == CorpusTask("002", TaskKey.of(task))
    assert found[0].score == pytest.approx(1.0, abs=1e-5)
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert all(m.task.plan_id != "002" for m in index.query(task, k=5, exclude_plan="002"))
    copied = _samples()["001"].tasks[3]
    peers = {m.task.plan_id for m in index.query(copied, k=5)}
    assert {"001", "copy-001"} <= peers  # the peer view: the same commitment in several plans


def test_an_empty_corpus_and_plans_without_tasks_give_empty_results() -> None:
    task = _samples()["004"].tasks[0]
    empty_plan = Plan(PlanMeta(), (), ())
    for index in (CorpusIndex([]), CorpusIndex([("empty", empty_plan)])):
        assert len(index) == 0
        assert index.best_counterparts() == []
        assert index.query(task) == ()
    one = CorpusIndex([("empty", empty_plan), ("004", _samples()["004"])])
    assert len(one) == len(_samples()["004"].tasks)
    assert all(r.matches == () for r in one.best_counterparts())  # no other plan to match


def test_tasks_without_words_are_kept_with_no_matches() -> None:
    blank = Plan(PlanMeta(), (), (Task("body", ("一",), None, "", 1), Task("body", ("二",), "。", "", 2)))
    index = CorpusIndex([("a", blank), ("b", blank)])
    assert [r.matches for r in index.best_counterparts()] == [(), (), (), ()]
    assert index.query(blank.tasks[0]) == ()
    mixed = CorpusIndex([("a", blank), ("004", _samples()["004"])])
    assert all(r.matches == () for r in mixed.best_counterparts() if r.task.plan_id == "a")


def test_a_plan_id_used_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        CorpusIndex([("a", _samples()["004"]), ("a", _samples()["002"])])


def test_chunked_and_threaded_results_equal_one_unchunked_pass() -> None:
    index = _index()
    whole = index.best_counterparts(k=3, chunk_size=index.distinct_texts)
    assert index.best_counterparts(k=3, chunk_size=7) == whole
    assert index.best_counterparts(k=3, chunk_size=1, workers=2) == whole
    assert index.best_counterparts(k=3) == whole


def test_scores_equal_a_tfidf_vectorizer_fitted_on_every_task() -> None:
    corpus = _corpus()
    texts = [commitment_text(t) for _, plan in corpus for t in plan.tasks]
    expected = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(texts)
    index = _index()
    rows = index.matrix[[index.vector_row(i) for i in range(len(texts))]]
    assert index.matrix.dtype == np.float32
    np.testing.assert_allclose((rows @ rows.T).toarray(), (expected @ expected.T).toarray(), atol=1e-5)
    assert index.distinct_texts < len(texts)  # the copies print some texts unchanged: one row each


def test_min_df_and_a_feature_cap_shrink_the_vocabulary_and_still_find_the_origin() -> None:
    full, pruned = _index(), CorpusIndex(_corpus(), min_df=2, max_features=5000)
    assert pruned.features == 5000 < full.features
    task = _samples()["001"].tasks[3]
    assert pruned.query(_reworded(task), k=1, exclude_plan="copy-001")[0].task == CorpusTask("001", TaskKey.of(task))
