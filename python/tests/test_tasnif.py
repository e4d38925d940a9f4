"""The Python package gives what the command gives, on data/."""

import pickle

import numpy as np
import pytest

import tasnif
from conftest import MODEL, cli, cli_json_lines, data_files


def test_classify_equals_the_command_on_every_article():
    files = data_files()
    want = {r["id"]: r for r in cli_json_lines("classify", MODEL, "data", "--json")}
    got = tasnif.Model.load(MODEL).classify([t for _, _, t in files], ids=[i for i, _, _ in files])
    assert len(got) == len(want) == 111
    for r in got:
        assert r == want[r["id"]]


def test_a_supervised_model_classifies_as_the_command(tmp_path):
    out = tmp_path / "sup.tasnif"
    cli("train", "data", "--supervised", "--quiet", "--out", out)
    files = data_files()
    want = {r["id"]: r for r in cli_json_lines("classify", out, "data", "--json")}
    model = tasnif.Model.load(out)
    assert model.kind == "supervised" and model.labels == sorted({l for _, l, _ in files})
    for r in model.classify([t for _, _, t in files], ids=[i for i, _, _ in files]):
        assert r == want[r["id"]]
        assert r["probabilities"]


def test_models_and_vectorizers_survive_pickling():
    model = tasnif.Model.load(MODEL)
    again = pickle.loads(pickle.dumps(model))
    text = "غرق قارب يقل مهاجرين قبالة السواحل اليونانية"
    assert again.classify(text) == model.classify(text)
    assert again.to_bytes() == model.to_bytes() == MODEL.read_bytes()
    texts = [t for _, _, t in data_files()]
    v = tasnif.TfidfVectorizer(min_df=2).fit(texts)
    w = pickle.loads(pickle.dumps(v))
    assert (w.transform(texts) != v.transform(texts)).nnz == 0
    assert w.get_params() == v.get_params()


def test_the_vectorizer_is_scikit_learns_on_tasnifs_terms():
    # (max_features is left out: at a tie on the cut scikit-learn's unstable argsort picks
    # either term, tasnif the first in term order)
    sklearn = pytest.importorskip("sklearn.feature_extraction.text")
    texts = [t for _, _, t in data_files()]
    for params in [{}, {"min_df": 2, "max_df": 0.9, "sublinear_tf": True},
                   {"ngram_range": (1, 2), "min_df": 2, "norm": "l1", "smooth_idf": False}]:
        ours = tasnif.TfidfVectorizer(**params)
        x = ours.fit_transform(texts)
        peer = sklearn.TfidfVectorizer(analyzer=lambda t: _ngrams(tasnif.analyze(t), params), **{
            k: v for k, v in params.items() if k != "ngram_range"})
        y = peer.fit_transform(texts)
        assert list(ours.get_feature_names_out()) == list(peer.get_feature_names_out())
        assert x.shape == y.shape
        assert abs(x - y).max() <= 1e-12, params
        np.testing.assert_allclose(ours.idf_, peer.idf_, rtol=0, atol=1e-12)


def _ngrams(terms, params):
    lo, hi = params.get("ngram_range", (1, 1))
    out = list(terms) if lo <= 1 else []
    if hi >= 2:
        out += [f"{a} {b}" for a, b in zip(terms, terms[1:])]
    return out


def test_the_vectorizer_learns_the_vocabulary_a_model_was_trained_with():
    # the committed model's TF-IDF: min_df 2, max_df 0.9, sublinear tf, on the cleaned articles
    texts = [tasnif.clean(t) for _, _, t in data_files()]
    model = tasnif.Model.load(MODEL)
    v = tasnif.TfidfVectorizer(min_df=2, max_df=0.9, sublinear_tf=True).fit(texts)
    assert list(v.get_feature_names_out()) == model.vocabulary
    np.testing.assert_allclose(v.idf_, model.idf, rtol=0, atol=1e-12)


def test_in_a_pipeline_and_a_grid_search():
    pytest.importorskip("sklearn")
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    from sklearn.svm import LinearSVC

    files = [f for f in data_files() if f[1] not in ("greenland", "other")]
    texts, labels = [t for _, _, t in files], [l for _, l, _ in files]
    grid = GridSearchCV(Pipeline([("tfidf", tasnif.TfidfVectorizer()), ("svm", LinearSVC())]),
                        {"tfidf__min_df": [1, 2], "tfidf__sublinear_tf": [False, True]}, cv=3)
    grid.fit(texts, labels)
    assert grid.best_score_ > 0.8
    assert set(grid.best_params_) == {"tfidf__min_df", "tfidf__sublinear_tf"}


def test_topics_trained_in_python_are_those_the_command_trains():
    files = data_files()
    model = tasnif.train_topics([t for _, _, t in files], topics=MODEL.parents[1] / "data/topics.toml",
                                labels=[l for _, l, _ in files], ids=[i for i, _, _ in files])
    cli_model = tasnif.Model.load(MODEL)
    assert model.topics == cli_model.topics
    assert model.vocabulary == cli_model.vocabulary
    texts = [t for _, _, t in files]
    assert model.classify(texts) == cli_model.classify(texts)


def test_named_topics_given_as_a_list_and_errors_that_say_what_is_wrong(tmp_path):
    texts = [t for _, _, t in data_files()]
    topics = [{"name": "Greenland", "name_ar": "غرينلاند", "seeds": ["غرينلاند", "الدنمارك", "xyzzy"]}]
    model = tasnif.train_topics(texts, k=4, topics=topics)
    assert model.topics[0]["label"] == "Greenland · غرينلاند"
    assert model.topics[0]["given"]["seeds"] == ["غرينلاند", "الدنمارك", "xyzzy"]
    # a seed word the corpus lacks guides nothing, and is said so
    assert model.topics[0]["given"]["seeds_not_in_vocabulary"] == ["xyzzy"]
    assert all(t["given"] is None for t in model.topics[1:])
    with pytest.raises(ValueError, match="seeds"):
        tasnif.train_topics(texts, topics=[{"name": "x"}])
    with pytest.raises(tasnif.TasnifError, match="at least 2"):
        tasnif.train_topics(texts, k=1)
    with pytest.raises(OSError, match="nothing.tasnif"):
        tasnif.Model.load(tmp_path / "nothing.tasnif")
    damaged = tmp_path / "damaged.tasnif"
    b = bytearray(MODEL.read_bytes())
    b[100] ^= 0xFF
    damaged.write_bytes(bytes(b))
    with pytest.raises(tasnif.TasnifError, match="damaged"):
        tasnif.Model.load(damaged)
    saved = tmp_path / "m.tasnif"
    model.save(saved)
    with pytest.raises(tasnif.TasnifError, match="exists"):
        model.save(saved)
    assert "Greenland" in cli("topics", saved)


def test_analyze_and_stem():
    assert tasnif.analyze("الحكومة الأفغانية وحركة طالبان") == ["حكوم", "افغان", "حرك", "طالبان"]
    assert tasnif.stem(["المهاجرين", "والحكومة"]) == ["مهاجر", "حكوم"]
    assert tasnif.stem("اللاجئين") == "لاجئ"
    # stopwords stay in stem(), as `tasnif stem` shows them
    assert tasnif.stem("في") != ""
    assert tasnif.clean("TT\n© 2025 All rights reserved\n") is None
