"""The evidence that two tasks of two plans correspond, one named measure per matrix (child × parent).

Each measure answers a question a reader asks when comparing two plans by hand (docs/alignment.md):

* ``cosine`` — do the two tasks say the same thing? (TF-IDF over character 2- and 3-grams, fitted on
  both plans, so n-grams most tasks print weigh little; no word segmentation needed.)
* ``child_in_parent`` / ``parent_in_child`` — is one task inside the other? The share of one task's
  weight on n-grams the other also prints: a broad five-year measure contains a narrow annual action.
* ``sentence_cosine`` — do one sentence of each say the same thing? A broad task lists several
  measures, one per sentence; the narrow task matches one of them, not the whole.
* ``child_sentence_in_parent`` / ``parent_sentence_in_child`` — is a sentence of one task inside the
  other, weighted by the sentence's length so a four-character phrase proves little.
* ``shared_passages`` — how many 8-character passages both print verbatim (log scale): plans copy
  whole clauses from the plan above.
* ``child_title_in_parent`` / ``parent_title_in_child`` — is one task's title inside the other task?
* ``section`` — do the headings above the two tasks say the same thing? Lower plans keep the upper
  plan's chapters.
* ``*_of_child_best`` / ``*_of_parent_best`` — each measure relative to the best the same child (or
  parent) task reaches with any task of the other plan: a pair is more credible when it is the best
  either task has.
* ``child_length`` / ``parent_length`` — log of the commitment's length: short texts match by chance.
* ``narrower_in_broader`` — is the shorter task inside the longer one? (``child_in_parent`` or
  ``parent_in_child``, whichever belongs to the shorter commitment.) A broad measure that carries out a
  narrow one prints most of it; two tasks that share only a side sentence leave most of both outside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from fazhi import rules
from fazhi.model import Plan, Task
from fazhi.script import to_simplified

MEASURES = (
    "section", "cosine", "child_in_parent", "parent_in_child", "sentence_cosine", "child_sentence_in_parent",
    "parent_sentence_in_child", "shared_passages", "child_title_in_parent", "parent_title_in_child",
    "cosine_of_child_best", "cosine_of_parent_best", "sentence_of_child_best", "sentence_of_parent_best",
    "containment_of_child_best", "containment_of_parent_best", "passages_of_child_best",
    "passages_of_parent_best", "child_length", "parent_length", "narrower_in_broader",
)
MIN_SENTENCE = 6  # characters: a shorter sentence is a phrase, not a measure
FULL_SENTENCE = 30  # characters at which a sentence's containment counts in full
NGRAMS = (2, 3)  # character n-grams compared: no word segmentation needed, and they survive rewording
PASSAGE = 8  # characters of a verbatim passage
MIN_TITLE = 4  # characters of a title worth looking for

_PUNCTUATION = re.compile(r"[\s，。；、：:;,.（）()“”‘’\"《》〈〉【】]+")
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")


@cache
def _vocabulary() -> tuple[re.Pattern[str], re.Pattern[str]]:
    vocab = rules.load("align")
    words = sorted(vocab["boilerplate"], key=len, reverse=True)
    labels = "|".join(re.escape(w) for w in vocab["clause_labels"])
    boiler = re.compile("|".join(re.escape(w) for w in words))
    clause = re.compile(rf"[（(〔【][^（）()〔〕【】]*(?:{labels})[^（）()〔〕【】]*[）)〕】]|(?:{labels})[:：][^。；\n]*")
    return boiler, clause


def commitment_of(text: str) -> str:
    """A passage without boilerplate and punctuation (the commitment it carries)."""
    boiler, _ = _vocabulary()
    return _PUNCTUATION.sub(" ", boiler.sub(" ", text)).strip()


def printed_text(task: Task) -> str:
    """Title and body as printed, simplified, without responsibility and time-limit clauses."""
    _, clause = _vocabulary()
    return clause.sub("", to_simplified(f"{task.title or ''}。{task.text}"))


def commitment_text(task: Task) -> str:
    """What a task commits to: title and body, simplified, without clauses and boilerplate."""
    return commitment_of(printed_text(task))


def sentences(task: Task) -> list[str]:
    """The task's sentences (split at 。；), each cleaned like the commitment; at least one."""
    found = [s for s in (commitment_of(part) for part in _SENTENCE_END.split(printed_text(task)))
             if len(s.replace(" ", "")) >= MIN_SENTENCE]
    return found or [commitment_text(task)]


def title_text(task: Task) -> str:
    return commitment_of(to_simplified(task.title)) if task.title else ""


def section_text(plan: Plan, task: Task) -> str:
    """The titles of the two headings nearest above the task."""
    titles = {(h.part, h.path): h.title for h in plan.headings}
    chain = [titles.get((task.part, task.path[:depth]), "") for depth in range(1, len(task.path))]
    return to_simplified(" ".join(chain[-2:]))


@dataclass(frozen=True)
class Evidence:
    """The measures for every (child task, parent task), and the texts they were computed from."""

    matrix: Any  # numpy array, shape (children, parents, len(MEASURES))
    child_texts: list[str]
    parent_texts: list[str]
    child_grams: Any  # which n-grams each child task prints (sparse, 0/1)
    parent_weights: Any  # each parent task's TF-IDF weights (sparse)

    def measure(self, name: str) -> Any:
        return self.matrix[:, :, MEASURES.index(name)]

    def covered(self, parent: int, children: list[int]) -> float:
        """Share of a parent task's weight on n-grams that at least one of the given child tasks prints."""
        if not children:
            return 0.0
        weights = self.parent_weights[parent]
        printed = self.child_grams[children].max(axis=0)
        total = float(weights.sum())
        return float(weights.multiply(printed).sum()) / total if total else 0.0


def evidence(child: Plan, parent: Plan) -> Evidence:
    """Every measure for every pair of a child task and a parent task (both plans must have tasks)."""
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer

    kid_texts = [commitment_text(t) for t in child.tasks]
    parent_texts = [commitment_text(t) for t in parent.tasks]
    n_kids = len(kid_texts)
    vectorizer = tfidf()
    matrix = vectorizer.fit_transform(kid_texts + parent_texts)
    kids, parents = matrix[:n_kids], matrix[n_kids:]
    kids_have, parents_have = (kids > 0).astype(float), (parents > 0).astype(float)
    cosine = (kids @ parents.T).toarray()
    child_in_parent = _share(kids, parents_have)
    parent_in_child = _share(parents, kids_have).T

    kid_sentences = [sentences(t) for t in child.tasks]
    parent_sentences = [sentences(t) for t in parent.tasks]
    kid_owner = np.array([i for i, group in enumerate(kid_sentences) for _ in group])
    parent_owner = np.array([j for j, group in enumerate(parent_sentences) for _ in group])
    kid_flat = [s for group in kid_sentences for s in group]
    parent_flat = [s for group in parent_sentences for s in group]
    kid_sent, parent_sent = vectorizer.transform(kid_flat), vectorizer.transform(parent_flat)
    sentence_cosine = _max_by_owner(kid_owner, (kid_sent @ parent_sent.T).toarray(), n_kids)
    sentence_cosine = _max_by_owner(parent_owner, sentence_cosine.T, len(parent_texts)).T
    kid_weight = np.minimum([len(s.replace(" ", "")) for s in kid_flat], FULL_SENTENCE) / FULL_SENTENCE
    parent_weight = np.minimum([len(s.replace(" ", "")) for s in parent_flat], FULL_SENTENCE) / FULL_SENTENCE
    child_sentence_in_parent = _max_by_owner(kid_owner, _share(kid_sent, parents_have) * kid_weight[:, None], n_kids)
    parent_sentence_in_child = _max_by_owner(
        parent_owner, _share(parent_sent, kids_have) * parent_weight[:, None], len(parent_texts)).T

    bare = [t.replace(" ", "") for t in kid_texts + parent_texts]
    passages = CountVectorizer(analyzer="char", ngram_range=(PASSAGE, PASSAGE), binary=True)
    try:
        grams = passages.fit_transform(bare)
        shared = np.log1p((grams[:n_kids] @ grams[n_kids:].T).toarray())
    except ValueError:  # no text reaches PASSAGE characters
        shared = np.zeros_like(cosine)

    child_title = _title_share(vectorizer, [title_text(t) for t in child.tasks], parents_have)
    parent_title = _title_share(vectorizer, [title_text(t) for t in parent.tasks], kids_have).T
    headings = tfidf()
    section_texts = [section_text(child, t) for t in child.tasks] + [section_text(parent, t) for t in parent.tasks]
    try:
        heads = headings.fit_transform(section_texts)
        section = (heads[:n_kids] @ heads[n_kids:].T).toarray()
    except ValueError:  # neither plan has headings above its tasks
        section = np.zeros_like(cosine)

    sentence = sentence_cosine
    containment = np.maximum(child_sentence_in_parent, parent_sentence_in_child)
    kid_length = np.log1p([len(t) for t in bare[:n_kids]])[:, None] * np.ones((1, len(parent_texts)))
    parent_length = np.log1p([len(t) for t in bare[n_kids:]])[None, :] * np.ones((n_kids, 1))
    columns = {
        "section": section, "cosine": cosine, "child_in_parent": child_in_parent, "parent_in_child": parent_in_child,
        "sentence_cosine": sentence_cosine, "child_sentence_in_parent": child_sentence_in_parent,
        "parent_sentence_in_child": parent_sentence_in_child, "shared_passages": shared,
        "child_title_in_parent": child_title, "parent_title_in_child": parent_title,
        "cosine_of_child_best": _of_row_best(cosine), "cosine_of_parent_best": _of_row_best(cosine.T).T,
        "sentence_of_child_best": _of_row_best(sentence), "sentence_of_parent_best": _of_row_best(sentence.T).T,
        "containment_of_child_best": _of_row_best(containment),
        "containment_of_parent_best": _of_row_best(containment.T).T,
        "passages_of_child_best": _of_row_best(shared), "passages_of_parent_best": _of_row_best(shared.T).T,
        "child_length": kid_length, "parent_length": parent_length,
        "narrower_in_broader": np.where(kid_length <= parent_length, child_in_parent, parent_in_child),
    }
    return Evidence(np.stack([columns[name] for name in MEASURES], axis=-1), kid_texts, parent_texts,
                    kids_have.tocsr(), parents.tocsr())


def tfidf() -> Any:
    """The vectorizer every text measure uses: TF-IDF of character n-grams, sublinear term frequency."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer="char", ngram_range=NGRAMS, sublinear_tf=True)


def _share(rows: Any, other_has: Any) -> Any:
    """Share of each row's weight on n-grams each row of ``other_has`` prints."""
    import numpy as np

    mass = np.asarray(rows.sum(axis=1)).ravel()
    mass[mass == 0] = 1.0
    return (rows @ other_has.T).toarray() / mass[:, None]


def _max_by_owner(owner: Any, values: Any, owners: int) -> Any:
    """Collapse rows that belong to the same task (its sentences) to their maximum."""
    import numpy as np

    out = np.zeros((owners, values.shape[1]))
    np.maximum.at(out, owner, values)
    return out


def _of_row_best(values: Any) -> Any:
    import numpy as np

    best = values.max(axis=1, keepdims=True)
    return values / np.maximum(best, 1e-9)


def _title_share(vectorizer: Any, titles: list[str], other_has: Any) -> Any:
    import numpy as np

    out = np.zeros((len(titles), other_has.shape[0]))
    rows = [i for i, title in enumerate(titles) if len(title.replace(" ", "")) >= MIN_TITLE]
    if rows:
        out[rows] = _share(vectorizer.transform([titles[i] for i in rows]), other_has)
    return out
