//! `tasnif._tasnif`: the Rust side of the Python package. The Python modules around it
//! (`tasnif/__init__.py`, `tasnif/spark.py`) give it its Python shape (a scikit-learn
//! vectoriser, dicts, DataFrames); this file only moves data across and releases the GIL
//! while Rust works.

use pyo3::exceptions::{PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rayon::prelude::*;

use tasnif::corpus::{Document, Skipped};
use tasnif::model::ModelKind;
use tasnif::text::{Analyzer, AnalyzerConfig};
use tasnif::topics::NamedTopic;
use tasnif::topics::TopicSums;
use tasnif::topics::kmeans::ClusterSums;
use tasnif::topics::mixture::ExpectedCounts;
use tasnif::topics::passes::{self, LsaPartial, PassTrainer, Plan, ShareLsa, ShareRows};
use tasnif::vectorize::TermCounts;
use tasnif::vectorize::{DocFreq, Norm, TfidfParams, TfidfVectorizer};
use tasnif::{Classifier, Corpus, SupervisedParams, TopicParams};

pyo3::create_exception!(
    _tasnif,
    TasnifError,
    pyo3::exceptions::PyException,
    "A tasnif error: the message names the file or input and the problem."
);

fn err(e: impl std::fmt::Display) -> PyErr {
    TasnifError::new_err(e.to_string())
}

fn default_analyzer() -> PyResult<Analyzer> {
    Analyzer::new(AnalyzerConfig::default()).map_err(err)
}

/// The terms tasnif makes of `text` (normalised, stopwords dropped, light-stemmed): what a
/// model sees.
#[pyfunction]
fn analyze(py: Python<'_>, text: String) -> PyResult<Vec<String>> {
    let a = default_analyzer()?;
    Ok(py.detach(|| a.terms(&text)))
}

/// The stem of each word (stopwords and numbers kept, as `tasnif stem` shows them); a word
/// the tokeniser splits gives its stems joined by a space, one with no letters "".
#[pyfunction]
fn stem(py: Python<'_>, words: Vec<String>) -> PyResult<Vec<String>> {
    let a = Analyzer::new(AnalyzerConfig {
        stopwords: tasnif::text::stopwords::StopwordsConfig::None,
        keep_numbers: true,
        ..Default::default()
    })
    .map_err(err)?;
    Ok(py.detach(|| words.par_iter().map(|w| a.terms(w).join(" ")).collect()))
}

/// The text a corpus reader keeps of `text`: page boilerplate (captions, footers, Latin
/// fragments) dropped; `None` when no Arabic text is left.
#[pyfunction]
fn clean(text: String) -> Option<String> {
    Document::from_raw("", &text).map(|d| d.text)
}

fn doc_freq(count: Option<usize>, proportion: Option<f64>, name: &str) -> PyResult<DocFreq> {
    match (count, proportion) {
        (Some(c), None) => Ok(DocFreq::Count(c)),
        (None, Some(p)) => Ok(DocFreq::Proportion(p)),
        _ => Err(PyValueError::new_err(format!("{name}: an int or a float"))),
    }
}

/// A CSR matrix as (data, indices, indptr) bytes (float64, int32, int64), which numpy reads
/// without a copy per value.
type CsrParts<'py> = (
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    Bound<'py, PyBytes>,
    usize,
    usize,
);

fn csr_parts<'py>(py: Python<'py>, m: &tasnif::linalg::CsrMatrix) -> PyResult<CsrParts<'py>> {
    // written straight into the Python bytes objects: no intermediate copy
    fn bytes_of<'py, T: Copy, const N: usize>(
        py: Python<'py>,
        values: &[T],
        le: impl Fn(T) -> [u8; N],
    ) -> PyResult<Bound<'py, PyBytes>> {
        PyBytes::new_with(py, values.len() * N, |buf| {
            for (chunk, &v) in buf.chunks_exact_mut(N).zip(values) {
                chunk.copy_from_slice(&le(v));
            }
            Ok(())
        })
    }
    Ok((
        bytes_of(py, m.data(), f64::to_le_bytes)?,
        bytes_of(py, m.indices(), |j: u32| (j as i32).to_le_bytes())?,
        bytes_of(py, m.indptr(), |p: usize| (p as i64).to_le_bytes())?,
        m.n_rows(),
        m.n_cols(),
    ))
}

/// The Rust vectoriser behind `tasnif.TfidfVectorizer`.
#[pyclass(module = "tasnif._tasnif", name = "_Vectorizer")]
struct Vectorizer {
    params: TfidfParams,
    fitted: Option<TfidfVectorizer>,
}

impl Vectorizer {
    fn fitted(&self) -> PyResult<&TfidfVectorizer> {
        self.fitted.as_ref().ok_or_else(|| {
            pyo3::exceptions::PyAttributeError::new_err(
                "this TfidfVectorizer is not fitted yet: call fit or fit_transform first",
            )
        })
    }
}

#[pymethods]
impl Vectorizer {
    #[new]
    #[pyo3(signature = (min_df_count, min_df_proportion, max_df_count, max_df_proportion, max_features, ngram_range, norm, use_idf, smooth_idf, sublinear_tf))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        min_df_count: Option<usize>,
        min_df_proportion: Option<f64>,
        max_df_count: Option<usize>,
        max_df_proportion: Option<f64>,
        max_features: Option<usize>,
        ngram_range: (usize, usize),
        norm: Option<String>,
        use_idf: bool,
        smooth_idf: bool,
        sublinear_tf: bool,
    ) -> PyResult<Self> {
        let norm = match norm.as_deref() {
            Some("l2") => Norm::L2,
            Some("l1") => Norm::L1,
            None => Norm::None,
            Some(other) => {
                return Err(PyValueError::new_err(format!(
                    "norm must be 'l1', 'l2' or None, got {other:?}"
                )));
            }
        };
        let params = TfidfParams {
            min_df: doc_freq(min_df_count, min_df_proportion, "min_df")?,
            max_df: doc_freq(max_df_count, max_df_proportion, "max_df")?,
            max_features,
            sublinear_tf,
            norm,
            use_idf,
            smooth_idf,
            ngram_range,
        };
        params
            .clone()
            .check()
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Vectorizer {
            params,
            fitted: None,
        })
    }

    fn fit(&mut self, py: Python<'_>, texts: Vec<String>) -> PyResult<()> {
        let a = default_analyzer()?;
        let p = self.params.clone().check().map_err(err)?;
        let v = py.detach(|| p.fit_texts(&a, &texts)).map_err(err)?;
        self.fitted = Some(v);
        Ok(())
    }

    fn fit_transform<'py>(
        &mut self,
        py: Python<'py>,
        texts: Vec<String>,
    ) -> PyResult<CsrParts<'py>> {
        let a = default_analyzer()?;
        let p = self.params.clone().check().map_err(err)?;
        let (v, m) = py
            .detach(|| p.fit_transform_texts(&a, &texts))
            .map_err(err)?;
        self.fitted = Some(v);
        csr_parts(py, &m)
    }

    fn transform<'py>(&self, py: Python<'py>, texts: Vec<String>) -> PyResult<CsrParts<'py>> {
        let a = default_analyzer()?;
        let v = self.fitted()?;
        let m = py.detach(|| v.transform_texts(&a, &texts));
        csr_parts(py, &m)
    }

    fn vocabulary(&self) -> PyResult<Vec<String>> {
        Ok(self.fitted()?.vocabulary().to_vec())
    }

    fn idf(&self) -> PyResult<Vec<f64>> {
        Ok(self.fitted()?.idf().to_vec())
    }

    /// The parameters and the fitted vocabulary as bytes (pickling).
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let s = serde_json::to_vec(&(&self.params, &self.fitted)).map_err(err)?;
        Ok(PyBytes::new(py, &s))
    }

    /// The vectoriser [`state`](Self::state) gave.
    #[staticmethod]
    fn from_state(state: &[u8]) -> PyResult<Self> {
        let (params, fitted): (TfidfParams, Option<TfidfVectorizer>) =
            serde_json::from_slice(state).map_err(err)?;
        Ok(Vectorizer {
            params,
            fitted: fitted.map(|mut v| {
                v.rebuild_index();
                v
            }),
        })
    }
}

/// A trained tasnif model: load, classify, save; picklable (its bytes are the model file).
#[pyclass(module = "tasnif._tasnif", name = "Model", frozen)]
struct Model {
    classifier: Classifier,
}

fn classification_json(classifier: &Classifier, id: &str, raw: &str) -> Result<String, String> {
    // cleaned as `tasnif classify` cleans a file; evidence spans point into `raw`
    let Some(doc) = Document::from_raw(id, raw) else {
        return Err("no Arabic text".into());
    };
    let mut c = classifier
        .classify(id, &doc.text)
        .map_err(|e| e.to_string())?;
    for span in c.evidence.iter_mut().flat_map(|e| e.spans.iter_mut()) {
        *span = span.map(|o| doc.input_offset(o));
    }
    serde_json::to_string(&c).map_err(|e| e.to_string())
}

#[pymethods]
impl Model {
    /// Reads a model file written by `tasnif train` (or by `Model.save`).
    #[staticmethod]
    fn load(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Self> {
        let classifier = py
            .detach(|| Classifier::load(&path))
            .map_err(|e| match &e {
                tasnif::Error::Model(tasnif::model::ModelError::Io { .. }) => {
                    PyOSError::new_err(e.to_string())
                }
                _ => err(e),
            })?;
        Ok(Model { classifier })
    }

    /// A model from the bytes of a model file.
    #[staticmethod]
    fn from_bytes(py: Python<'_>, data: Vec<u8>) -> PyResult<Self> {
        trained(py, || {
            tasnif::Model::from_bytes(&data, std::path::Path::new("<bytes>"))
        })
    }

    /// The bytes of the model file.
    fn to_bytes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let b = self.classifier.model().to_bytes().map_err(err)?;
        Ok(PyBytes::new(py, &b))
    }

    /// Writes the model file (atomically; an existing file only with `force`).
    #[pyo3(signature = (path, force = false))]
    fn save(&self, py: Python<'_>, path: std::path::PathBuf, force: bool) -> PyResult<()> {
        py.detach(|| self.classifier.model().save(&path, force))
            .map_err(err)
    }

    /// Each text's result as the JSON text `tasnif classify --json` prints (in parallel, in
    /// order), or `{"id", "skipped"}` for a text that cannot be classified.
    fn classify_json(
        &self,
        py: Python<'_>,
        ids: Vec<String>,
        texts: Vec<String>,
    ) -> PyResult<Vec<String>> {
        if ids.len() != texts.len() {
            return Err(PyValueError::new_err("ids and texts differ in length"));
        }
        let c = &self.classifier;
        Ok(py.detach(|| {
            (ids.par_iter().zip(&texts))
                .map(|(id, text)| {
                    classification_json(c, id, text).unwrap_or_else(|reason| {
                        serde_json::json!({"id": id, "skipped": reason}).to_string()
                    })
                })
                .collect()
        }))
    }

    /// Each text's (label, class, score); texts that cannot be classified get (None, -1, nan).
    /// The columnar form Spark uses.
    fn classify_columns(
        &self,
        py: Python<'_>,
        texts: Vec<Option<String>>,
    ) -> (Vec<Option<String>>, Vec<i64>, Vec<f64>) {
        let c = &self.classifier;
        let rows: Vec<(Option<String>, i64, f64)> = py.detach(|| {
            texts
                .par_iter()
                .map(|t| {
                    let r = t
                        .as_deref()
                        .and_then(|t| Document::from_raw("", t))
                        .and_then(|d| c.classify("", &d.text).ok());
                    match r {
                        Some(c) => (Some(c.label), c.class as i64, c.score),
                        None => (None, -1, f64::NAN),
                    }
                })
                .collect()
        });
        let mut out = (
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
            Vec::with_capacity(rows.len()),
        );
        for (l, k, s) in rows {
            out.0.push(l);
            out.1.push(k);
            out.2.push(s);
        }
        out
    }

    /// The vocabulary (sorted terms) and each term's idf.
    #[getter]
    fn vocabulary(&self) -> Vec<String> {
        self.classifier.model().vectorizer().vocabulary().to_vec()
    }

    #[getter]
    fn idf(&self) -> Vec<f64> {
        self.classifier.model().vectorizer().idf().to_vec()
    }

    /// "topics" or "supervised".
    #[getter]
    fn kind(&self) -> &'static str {
        self.classifier.model().kind_name()
    }

    /// The topics as JSON (`tasnif topics --json`'s rows), or `None` for a supervised model.
    /// A named topic's `given` also lists the seed words the vocabulary lacks, when any.
    fn topics_json(&self) -> PyResult<Option<String>> {
        let model = self.classifier.model();
        let ModelKind::Topics(t) = model.kind() else {
            return Ok(None);
        };
        let unused = model.unused_seed_words().map_err(err)?;
        let rows: Vec<serde_json::Value> = (t.topics.iter())
            .map(|tp| {
                let mut v = serde_json::json!({
                    "topic": tp.id, "count": tp.size, "label": tp.label(), "name": tp.name,
                    "given": tp.given,
                    "top_words": tp.top_terms.iter().map(|w| &w.word).collect::<Vec<_>>(),
                    "examples": tp.examples,
                });
                if let Some((_, words)) = unused.iter().find(|u| u.0 == tp.id) {
                    v["given"]["seeds_not_in_vocabulary"] = words.clone().into();
                }
                v
            })
            .collect();
        Ok(Some(serde_json::Value::from(rows).to_string()))
    }

    /// The labels of a supervised model, or `None`.
    #[getter]
    fn labels(&self) -> Option<Vec<String>> {
        self.classifier.model().labels().map(<[String]>::to_vec)
    }

    /// How, when and on what the model was trained, as JSON.
    fn facts_json(&self) -> PyResult<String> {
        serde_json::to_string(self.classifier.model().facts()).map_err(err)
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let py = slf.py();
        let from_bytes = py.get_type::<Model>().getattr("from_bytes")?;
        Ok((from_bytes, (slf.get().to_bytes(py)?,)))
    }
}

/// The corpus of `texts` (raw: cleaned as the readers clean files), each with its label when
/// `labels` is given; a text left without Arabic text is skipped and counted.
fn corpus_of(
    ids: Vec<String>,
    texts: Vec<String>,
    labels: Option<Vec<Option<String>>>,
) -> PyResult<Corpus> {
    if ids.len() != texts.len() || labels.as_ref().is_some_and(|l| l.len() != texts.len()) {
        return Err(PyValueError::new_err(
            "ids, texts and labels differ in length",
        ));
    }
    let labels = labels.unwrap_or_else(|| vec![None; texts.len()]);
    let made: Vec<Result<Document, Skipped>> = (ids.into_par_iter().zip(texts).zip(labels))
        .map(
            |((id, text), label)| match Document::from_raw(id.clone(), &text) {
                Some(mut d) => {
                    d.label = label;
                    Ok(d)
                }
                None => Err(Skipped {
                    path: id.into(),
                    line: None,
                    reason: "no Arabic text".into(),
                }),
            },
        )
        .collect();
    let mut docs = Vec::new();
    let mut skipped = Vec::new();
    for m in made {
        match m {
            Ok(d) => docs.push(d),
            Err(s) => skipped.push(s),
        }
    }
    let mut corpus = Corpus::from_documents(docs);
    corpus.skipped = skipped;
    Ok(corpus)
}

fn named_topics(topics: Option<Bound<'_, PyAny>>) -> PyResult<Vec<NamedTopic>> {
    let Some(t) = topics else {
        return Ok(Vec::new());
    };
    if let Ok(path) = t.extract::<std::path::PathBuf>() {
        return NamedTopic::read_file(&path).map_err(err);
    }
    // a list of dicts: {"name", "name_ar", "seeds"}
    let mut out = Vec::new();
    for item in t.try_iter()? {
        let item = item?;
        let get = |k: &str| -> PyResult<Option<Bound<'_, PyAny>>> {
            item.get_item(k).map(Some).or_else(|e| {
                if e.is_instance_of::<pyo3::exceptions::PyKeyError>(item.py()) {
                    Ok(None)
                } else {
                    Err(e)
                }
            })
        };
        let name: String = get("name")?
            .ok_or_else(|| PyValueError::new_err("a named topic needs a \"name\""))?
            .extract()?;
        let name_ar: String = get("name_ar")?
            .map(|v| v.extract())
            .transpose()?
            .unwrap_or_default();
        let seeds: Vec<String> = get("seeds")?
            .ok_or_else(|| PyValueError::new_err(format!("topic {name:?} needs \"seeds\"")))?
            .extract()?;
        out.push(NamedTopic {
            name,
            name_ar,
            seeds,
        });
    }
    let text = toml_of(&out);
    NamedTopic::parse(&text).map_err(PyValueError::new_err)
}

/// Named topics written as a topics file, so that a list given in Python is checked by the same
/// rules as a file.
fn toml_of(topics: &[NamedTopic]) -> String {
    let q = |s: &str| serde_json::Value::from(s).to_string();
    let mut s = String::new();
    for t in topics {
        let seeds: Vec<String> = t.seeds.iter().map(|x| q(x)).collect();
        s += &format!(
            "[[topic]]\nname = {}\nname_ar = {}\nseeds = [{}]\n",
            q(&t.name),
            q(&t.name_ar),
            seeds.join(", ")
        );
    }
    s
}

/// Trains a topic model (see `tasnif.train_topics`).
#[pyfunction]
#[pyo3(signature = (ids, texts, k = None, seed = 42, topics = None, labels = None))]
fn train_topics(
    py: Python<'_>,
    ids: Vec<String>,
    texts: Vec<String>,
    k: Option<usize>,
    seed: u64,
    topics: Option<Bound<'_, PyAny>>,
    labels: Option<Vec<Option<String>>>,
) -> PyResult<Model> {
    let named = named_topics(topics)?;
    let mut params = TopicParams::new().seed(seed).named(named);
    if let Some(k) = k {
        params = params.k(k);
    }
    let params = params.check().map_err(err)?;
    let corpus = corpus_of(ids, texts, labels)?;
    trained(py, || params.fit(&corpus).map(|f| f.model))
}

/// Trains a supervised classifier (see `tasnif.train_supervised`).
#[pyfunction]
#[pyo3(signature = (ids, texts, labels, seed = 42))]
fn train_supervised(
    py: Python<'_>,
    ids: Vec<String>,
    texts: Vec<String>,
    labels: Vec<Option<String>>,
    seed: u64,
) -> PyResult<Model> {
    let params = SupervisedParams::new().seed(seed).check().map_err(err)?;
    let corpus = corpus_of(ids, texts, Some(labels))?;
    trained(py, || params.fit(&corpus).map(|f| f.model))
}

/// Makes a model (a training, a decoding) with the GIL released and wraps it for Python.
fn trained<E: std::fmt::Display + Send>(
    py: Python<'_>,
    make: impl FnOnce() -> Result<tasnif::Model, E> + Send,
) -> PyResult<Model> {
    let model = py.detach(make).map_err(err)?;
    Ok(Model {
        classifier: Classifier::new(model).map_err(err)?,
    })
}

#[pymodule]
fn _tasnif(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(stem, m)?)?;
    m.add_function(wrap_pyfunction!(clean, m)?)?;
    m.add_function(wrap_pyfunction!(train_topics, m)?)?;
    m.add_function(wrap_pyfunction!(train_supervised, m)?)?;
    m.add_class::<Vectorizer>()?;
    m.add_class::<PassDriver>()?;
    for f in [
        wrap_pyfunction!(share_counts, m)?,
        wrap_pyfunction!(share_rows, m)?,
        wrap_pyfunction!(share_lsa, m)?,
        wrap_pyfunction!(share_assign, m)?,
        wrap_pyfunction!(share_hard, m)?,
        wrap_pyfunction!(share_e_step, m)?,
        wrap_pyfunction!(share_sums, m)?,
        wrap_pyfunction!(share_describe, m)?,
    ] {
        m.add_function(f)?;
    }
    m.add_class::<Model>()?;
    m.add("TasnifError", m.py().get_type::<TasnifError>())?;
    Ok(())
}

// Topic training in passes over Spark partitions (`tasnif.spark.train_topics`): the driver
// below, and one function per pass for the partitions. Everything crosses as bincode bytes the
// Python side only moves around.

fn to_bytes<'py, T: serde::Serialize>(py: Python<'py>, v: &T) -> PyResult<Bound<'py, PyBytes>> {
    let b = bincode::serde::encode_to_vec(v, bincode::config::standard()).map_err(err)?;
    Ok(PyBytes::new(py, &b))
}

fn from_bytes<T: serde::de::DeserializeOwned>(b: &[u8]) -> PyResult<T> {
    bincode::serde::decode_from_slice(b, bincode::config::standard())
        .map(|(v, _)| v)
        .map_err(err)
}

fn labels_of(all: &[u8], first: usize, n: usize) -> PyResult<Vec<u32>> {
    let labels: Vec<u32> = from_bytes(all)?;
    labels
        .get(first..first + n)
        .map(<[u32]>::to_vec)
        .ok_or_else(|| err("the labels do not cover this partition"))
}

/// The texts of a partition as training reads them (cleaned as the corpus readers clean
/// them); the number left out for having no Arabic text.
fn cleaned(texts: Vec<Option<String>>) -> (Vec<String>, usize) {
    let kept: Vec<String> = (texts.par_iter())
        .filter_map(|t| {
            t.as_deref()
                .and_then(|t| Document::from_raw("", t))
                .map(|d| d.text)
        })
        .collect();
    let skipped = texts.len() - kept.len();
    (kept, skipped)
}

/// The driver of topic training in passes (see `tasnif::topics::passes`).
#[pyclass(module = "tasnif._tasnif", name = "PassDriver")]
struct PassDriver {
    inner: Option<PassTrainer>,
}

impl PassDriver {
    fn t(&mut self) -> PyResult<&mut PassTrainer> {
        self.inner
            .as_mut()
            .ok_or_else(|| err("this training has finished"))
    }
}

#[pymethods]
impl PassDriver {
    #[new]
    #[pyo3(signature = (k = None, seed = 42, topics = None))]
    fn new(k: Option<usize>, seed: u64, topics: Option<Bound<'_, PyAny>>) -> PyResult<Self> {
        let named = named_topics(topics)?;
        let mut params = TopicParams::new().seed(seed).named(named);
        if let Some(k) = k {
            params = params.k(k);
        }
        let params = params.check().map_err(err)?;
        Ok(PassDriver {
            inner: Some(PassTrainer::new(params).map_err(err)?),
        })
    }

    fn plan<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let plan = self.t()?.plan.clone();
        to_bytes(py, &plan)
    }

    fn add_counts(&mut self, counts: &[u8]) -> PyResult<()> {
        let c: TermCounts = from_bytes(counts)?;
        self.t()?.add_counts(&c);
        Ok(())
    }

    fn vocabulary(&mut self, py: Python<'_>) -> PyResult<()> {
        let t = self.t()?;
        py.detach(|| t.vocabulary()).map_err(err)
    }

    fn fit_svd(&mut self, py: Python<'_>, sampled: Vec<Vec<u8>>) -> PyResult<()> {
        let mut rows = Vec::new();
        for s in &sampled {
            rows.extend(from_bytes::<Vec<(usize, Vec<(u32, u32)>)>>(s)?);
        }
        let t = self.t()?;
        py.detach(|| t.fit_svd(rows)).map_err(err)
    }

    fn cluster(&mut self, py: Python<'_>, partials: Vec<Vec<u8>>) -> PyResult<bool> {
        let partials: Vec<LsaPartial> = partials
            .iter()
            .map(|p| from_bytes(p))
            .collect::<PyResult<_>>()?;
        let t = self.t()?;
        py.detach(|| t.cluster(&partials)).map_err(err)
    }

    fn lloyd(&mut self, shares: Vec<Vec<u8>>) -> PyResult<bool> {
        let shares: Vec<(Vec<u32>, ClusterSums)> = shares
            .iter()
            .map(|s| from_bytes(s))
            .collect::<PyResult<_>>()?;
        Ok(self.t()?.lloyd(&shares))
    }

    fn labels<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let labels = self.t()?.labels().to_vec();
        to_bytes(py, &labels)
    }

    fn start_mixture(&mut self, shares: Vec<Vec<u8>>) -> PyResult<bool> {
        let shares: Vec<ExpectedCounts> = shares
            .iter()
            .map(|s| from_bytes(s))
            .collect::<PyResult<_>>()?;
        Ok(self.t()?.start_mixture(&shares))
    }

    fn mixture_collects(&mut self) -> PyResult<bool> {
        Ok(self.t()?.mixture_collects())
    }

    fn mixture_step(&mut self, shares: Vec<Vec<u8>>) -> PyResult<bool> {
        let shares: Vec<(Vec<u32>, Option<ExpectedCounts>)> = shares
            .iter()
            .map(|s| from_bytes(s))
            .collect::<PyResult<_>>()?;
        Ok(self.t()?.mixture_step(&shares))
    }

    fn settle<'py>(&mut self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let labels = self.t()?.settle().to_vec();
        to_bytes(py, &labels)
    }

    fn k(&mut self) -> PyResult<usize> {
        Ok(self.t()?.k())
    }

    fn centroids(&mut self, shares: Vec<Vec<u8>>) -> PyResult<()> {
        let shares: Vec<ClusterSums> = shares
            .iter()
            .map(|s| from_bytes(s))
            .collect::<PyResult<_>>()?;
        self.t()?.centroids(&shares);
        Ok(())
    }

    #[pyo3(signature = (shares, corpus, skipped))]
    fn finish(
        &mut self,
        py: Python<'_>,
        shares: Vec<Vec<u8>>,
        corpus: String,
        skipped: usize,
    ) -> PyResult<Model> {
        let shares: Vec<TopicSums> = shares
            .iter()
            .map(|s| from_bytes(s))
            .collect::<PyResult<_>>()?;
        let mut t = self
            .inner
            .take()
            .ok_or_else(|| err("this training has finished"))?;
        t.corpus(vec![corpus], skipped);
        trained(py, || t.finish(&shares))
    }
}

/// Pass 1 of a partition: its counts, how many texts it keeps and how many it skips.
#[pyfunction]
fn share_counts<'py>(
    py: Python<'py>,
    plan: &[u8],
    texts: Vec<Option<String>>,
) -> PyResult<(Bound<'py, PyBytes>, usize, usize)> {
    let plan: Plan = from_bytes(plan)?;
    let (texts, skipped) = py.detach(|| cleaned(texts));
    let counts = py
        .detach(|| passes::share_counts(&plan, &texts))
        .map_err(err)?;
    Ok((to_bytes(py, &counts)?, texts.len(), skipped))
}

/// Pass 2 of a partition whose first kept document is `first`: its rows (kept for the later
/// passes) and those of them the SVD's sample takes.
#[pyfunction]
fn share_rows<'py>(
    py: Python<'py>,
    plan: &[u8],
    first: usize,
    texts: Vec<Option<String>>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let plan: Plan = from_bytes(plan)?;
    let rows = py
        .detach(|| ShareRows::new(&plan, first, &cleaned(texts).0))
        .map_err(err)?;
    Ok((to_bytes(py, &rows)?, to_bytes(py, &rows.sampled(&plan))?))
}

/// Pass 3: a partition's LSA rows (kept) and what k-means's start needs of them.
#[pyfunction]
fn share_lsa<'py>(
    py: Python<'py>,
    plan: &[u8],
    rows: &[u8],
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let plan: Plan = from_bytes(plan)?;
    let rows: ShareRows = from_bytes(rows)?;
    let (lsa, partial) = py.detach(|| {
        let lsa = ShareLsa::new(&plan, &rows);
        let partial = lsa.partial(&plan, &rows);
        (lsa, partial)
    });
    Ok((to_bytes(py, &lsa)?, to_bytes(py, &partial)?))
}

/// Pass 4: one Lloyd assignment of a partition.
#[pyfunction]
fn share_assign<'py>(py: Python<'py>, plan: &[u8], lsa: &[u8]) -> PyResult<Bound<'py, PyBytes>> {
    let plan: Plan = from_bytes(plan)?;
    let lsa: ShareLsa = from_bytes(lsa)?;
    let out = py.detach(|| lsa.assign(&plan)).map_err(err)?;
    to_bytes(py, &out)
}

/// Pass 5 start: a partition's statistics of the k-means partition.
#[pyfunction]
fn share_hard<'py>(
    py: Python<'py>,
    plan: &[u8],
    rows: &[u8],
    labels: &[u8],
    k: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let plan: Plan = from_bytes(plan)?;
    let rows: ShareRows = from_bytes(rows)?;
    let labels = labels_of(labels, rows.first, rows.rows.len())?;
    let out = py.detach(|| rows.hard_counts(&plan, &labels, k));
    to_bytes(py, &out)
}

/// Pass 5: one E-step of a partition.
#[pyfunction]
fn share_e_step<'py>(
    py: Python<'py>,
    plan: &[u8],
    rows: &[u8],
    collect: bool,
) -> PyResult<Bound<'py, PyBytes>> {
    let plan: Plan = from_bytes(plan)?;
    let rows: ShareRows = from_bytes(rows)?;
    let out = py.detach(|| rows.e_step(&plan, collect));
    to_bytes(py, &out)
}

/// Pass 6a: a partition's LSA row sums per topic.
#[pyfunction]
fn share_sums<'py>(
    py: Python<'py>,
    lsa: &[u8],
    labels: &[u8],
    k: usize,
) -> PyResult<Bound<'py, PyBytes>> {
    let lsa: ShareLsa = from_bytes(lsa)?;
    let labels = labels_of(labels, lsa.first, lsa.rows.nrows())?;
    to_bytes(py, &lsa.sums(&labels, k))
}

/// Pass 6b: what naming the topics needs of a partition.
#[pyfunction]
fn share_describe<'py>(
    py: Python<'py>,
    plan: &[u8],
    rows: &[u8],
    lsa: &[u8],
    labels: &[u8],
) -> PyResult<Bound<'py, PyBytes>> {
    let plan: Plan = from_bytes(plan)?;
    let rows: ShareRows = from_bytes(rows)?;
    let lsa: ShareLsa = from_bytes(lsa)?;
    let labels = labels_of(labels, rows.first, rows.rows.len())?;
    let out = py.detach(|| rows.describe(&plan, &lsa, &labels));
    to_bytes(py, &out)
}
