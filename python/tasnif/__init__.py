"""tasnif: Arabic news topics and classification, from Python.

    >>> import tasnif
    >>> model = tasnif.Model.load("models/topics.tasnif")
    >>> model.classify(["وصل وفد من حركة طالبان إلى موسكو لإجراء محادثات سلام"])[0]["label"]
    'Afghanistan diplomacy · دبلوماسية أفغانستان'

The work is done by the Rust library (the same code as the `tasnif` command), with the GIL
released. `tasnif.spark` runs classification and topic training on Spark.
"""

from __future__ import annotations

import json
from typing import Iterable, Optional, Sequence, Union

import numpy as np
import scipy.sparse

from . import _tasnif
from ._tasnif import TasnifError

__all__ = [
    "analyze",
    "clean",
    "stem",
    "TfidfVectorizer",
    "Model",
    "train_topics",
    "train_supervised",
    "TasnifError",
]


def analyze(text: str) -> list:
    """The terms tasnif makes of ``text`` (normalised, stopwords dropped, light-stemmed):
    what a model sees."""
    return _tasnif.analyze(text)


def clean(text: str) -> Optional[str]:
    """The text tasnif keeps of a scraped page or article (captions, footers and Latin
    boilerplate dropped), as its corpus readers and ``Model.classify`` do; ``None`` when no
    Arabic text is left."""
    return _tasnif.clean(text)


def stem(words: Union[str, Iterable[str]]) -> Union[str, list]:
    """The stem of a word, or of each word of a list (stopwords kept, as ``tasnif stem``
    shows them)."""
    if isinstance(words, str):
        return _tasnif.stem([words])[0]
    return _tasnif.stem(list(words))


try:  # scikit-learn's base classes when it is installed (Pipeline, GridSearchCV, clone)
    from sklearn.base import BaseEstimator as _Base, TransformerMixin as _Mixin
except ImportError:  # pragma: no cover - the same contract without scikit-learn

    class _Base:
        def get_params(self, deep=True):
            return {k: getattr(self, k) for k in TfidfVectorizer._PARAMS}

        def set_params(self, **params):
            for k, v in params.items():
                if k not in TfidfVectorizer._PARAMS:
                    raise ValueError(f"invalid parameter {k!r} for TfidfVectorizer")
                setattr(self, k, v)
            return self

    class _Mixin:
        def fit_transform(self, X, y=None):
            return self.fit(X, y).transform(X)


def _doc_freq(value, name):
    # scikit-learn: an int is a document count, a float a proportion of the documents
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be an int or a float, got {value!r}")
    if isinstance(value, (int, np.integer)):
        return int(value), None
    if isinstance(value, (float, np.floating)):
        return None, float(value)
    raise ValueError(f"{name} must be an int or a float, got {value!r}")


class TfidfVectorizer(_Mixin, _Base):
    """TF-IDF on tasnif's Arabic analysis, with scikit-learn's parameter names and semantics
    (``min_df``, ``max_df``, ``max_features``, ``ngram_range`` up to bigrams, ``norm``,
    ``use_idf``, ``smooth_idf``, ``sublinear_tf``). Returns ``scipy.sparse.csr_matrix``; the
    columns are the vocabulary in sorted order, as scikit-learn's."""

    _PARAMS = ("min_df", "max_df", "max_features", "ngram_range", "norm", "use_idf",
               "smooth_idf", "sublinear_tf")

    def __init__(self, *, min_df=1, max_df=1.0, max_features=None, ngram_range=(1, 1),
                 norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=False):
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.ngram_range = ngram_range
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf

    def _rust(self):
        min_c, min_p = _doc_freq(self.min_df, "min_df")
        max_c, max_p = _doc_freq(self.max_df, "max_df")
        lo, hi = self.ngram_range
        return _tasnif._Vectorizer(min_c, min_p, max_c, max_p, self.max_features,
                                   (int(lo), int(hi)), self.norm, bool(self.use_idf),
                                   bool(self.smooth_idf), bool(self.sublinear_tf))

    @staticmethod
    def _texts(raw_documents):
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        return [str(t) for t in raw_documents]

    @staticmethod
    def _csr(parts):
        data, indices, indptr, n_rows, n_cols = parts
        return scipy.sparse.csr_matrix(
            (np.frombuffer(data, dtype="<f8"), np.frombuffer(indices, dtype="<i4"),
             np.frombuffer(indptr, dtype="<i8")),
            shape=(n_rows, n_cols))

    def fit(self, raw_documents, y=None):
        self._vectorizer = self._rust()
        self._vectorizer.fit(self._texts(raw_documents))
        return self

    def fit_transform(self, raw_documents, y=None):
        self._vectorizer = self._rust()
        return self._csr(self._vectorizer.fit_transform(self._texts(raw_documents)))

    def transform(self, raw_documents):
        return self._csr(self._fitted().transform(self._texts(raw_documents)))

    def _fitted(self):
        v = getattr(self, "_vectorizer", None)
        if v is None:
            try:
                from sklearn.exceptions import NotFittedError
            except ImportError:  # pragma: no cover
                NotFittedError = AttributeError
            raise NotFittedError("This TfidfVectorizer is not fitted yet: call fit first.")
        return v

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self._fitted().vocabulary(), dtype=object)

    def __getstate__(self):
        base = getattr(super(), "__getstate__", None)
        state = dict(base() if base else self.__dict__)
        if state.get("_vectorizer") is not None:
            state["_vectorizer"] = state["_vectorizer"].state()
        return state

    def __setstate__(self, state):
        state = dict(state)
        if isinstance(state.get("_vectorizer"), bytes):
            state["_vectorizer"] = _tasnif._Vectorizer.from_state(state["_vectorizer"])
        base = getattr(super(), "__setstate__", None)
        if base:
            base(state)
        else:
            self.__dict__.update(state)

    @property
    def vocabulary_(self):
        return {t: i for i, t in enumerate(self._fitted().vocabulary())}

    @property
    def idf_(self):
        return np.asarray(self._fitted().idf())


class Model:
    """A trained tasnif model (a topic model or a supervised classifier): the same file as
    ``tasnif train`` writes. Picklable: it travels as the bytes of its file."""

    def __init__(self, inner):
        self._inner = inner

    @classmethod
    def load(cls, path) -> "Model":
        """Reads a model file written by ``tasnif train`` or :meth:`save`."""
        return cls(_tasnif.Model.load(str(path)))

    @classmethod
    def from_bytes(cls, data: bytes) -> "Model":
        return cls(_tasnif.Model.from_bytes(data))

    def to_bytes(self) -> bytes:
        return self._inner.to_bytes()

    def save(self, path, force: bool = False) -> None:
        """Writes the model file (atomically; an existing file is replaced only with
        ``force``)."""
        self._inner.save(str(path), force)

    def classify(self, texts: Union[str, Sequence[str]], ids: Optional[Sequence[str]] = None) -> list:
        """Each text's result as a dict with the fields of ``tasnif classify --json``:
        ``id``, ``label``, ``class``, ``score``, ``evidence`` (``word``, ``term``, ``weight``,
        ``spans`` as UTF-8 byte offsets into the text, ``text``), and ``probabilities`` for a
        supervised model. A text that cannot be classified gives ``{"id", "skipped"}``.
        Texts are cleaned as the command cleans files (captions, footers, Latin boilerplate)."""
        if isinstance(texts, str):
            texts = [texts]
        texts = [str(t) for t in texts]
        ids = [str(i) for i in ids] if ids is not None else [str(i) for i in range(len(texts))]
        return [json.loads(line) for line in self._inner.classify_json(ids, texts)]

    @property
    def vocabulary(self) -> list:
        """The model's vocabulary: its terms, sorted (the TF-IDF columns)."""
        return self._inner.vocabulary

    @property
    def idf(self) -> np.ndarray:
        """Each vocabulary term's idf."""
        return np.asarray(self._inner.idf)

    @property
    def kind(self) -> str:
        """``"topics"`` or ``"supervised"``."""
        return self._inner.kind

    @property
    def topics(self) -> Optional[list]:
        """A topic model's topics (``topic``, ``count``, ``label``, ``name``, ``given``,
        ``top_words``, ``examples``); ``None`` for a supervised model. A named topic's ``given``
        lists its seed words the vocabulary lacks under ``seeds_not_in_vocabulary``."""
        t = self._inner.topics_json()
        return None if t is None else json.loads(t)

    @property
    def labels(self) -> Optional[list]:
        """A supervised model's labels; ``None`` for a topic model."""
        return self._inner.labels

    @property
    def facts(self) -> dict:
        """How, when and on what the model was trained."""
        return json.loads(self._inner.facts_json())

    def __reduce__(self):
        return (Model.from_bytes, (self.to_bytes(),))

    def __repr__(self):
        return f"<tasnif.Model {self.kind}, {len(self.topics or self.labels or [])} classes>"


def _ids(texts, ids):
    return [str(i) for i in ids] if ids is not None else [str(i) for i in range(len(texts))]


def train_topics(texts: Sequence[str], k: Optional[int] = None, *, seed: int = 42,
                 topics=None, labels: Optional[Sequence[Optional[str]]] = None,
                 ids: Optional[Sequence[str]] = None) -> Model:
    """Discovers topics in ``texts`` (as ``tasnif train``). ``topics``: named topics, a path to
    a topics file or a list of ``{"name", "name_ar", "seeds"}`` dicts (they become the first
    topics; ``k`` defaults to their number, otherwise to 4). ``labels``, when given, are kept
    with the documents (the model's facts report the agreement). Texts without Arabic text
    are skipped and counted."""
    texts = [str(t) for t in texts]
    if topics is not None and not isinstance(topics, (str, bytes)) and hasattr(topics, "__fspath__"):
        topics = str(topics)
    lab = None if labels is None else [None if l is None else str(l) for l in labels]
    return Model(_tasnif.train_topics(_ids(texts, ids), texts, k, seed, topics, lab))


def train_supervised(texts: Sequence[str], labels: Sequence[Optional[str]], *, seed: int = 42,
                     ids: Optional[Sequence[str]] = None) -> Model:
    """Learns the labels of ``texts`` (as ``tasnif train --supervised``); unlabelled texts
    (``None``) are skipped."""
    texts = [str(t) for t in texts]
    lab = [None if l is None else str(l) for l in labels]
    return Model(_tasnif.train_supervised(_ids(texts, ids), texts, lab, seed))
