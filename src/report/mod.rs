//! A self-contained HTML report of a model: one file, no network, no scripts, no web fonts.
//!
//! Every chart is inline SVG written directly here rather than through a plotting crate: it is the
//! simplest route, adds no dependency, and gives full control over right-to-left text (Arabic
//! labels are set with `direction="rtl"`, so `text-anchor="start"` puts them flush right; Latin
//! labels and numbers get `direction="ltr"`). The page itself is `<html dir="rtl" lang="ar">`,
//! and mixed Latin/number fragments in prose are isolated with `unicode-bidi: isolate`.
//!
//! Contents:
//! 1. training facts (corpus, size, parameters, seed, tasnif version, date);
//! 2. per topic: a bar chart of its top words (surface forms), its size and three representative
//!    first lines (supervised models: a bar chart of the training support per label);
//! 3. with a corpus, for topic models: a map of the documents (their first two SVD coordinates,
//!    at most [`MAX_MAP_DOCS`] documents sampled evenly), coloured by topic, and, when the corpus
//!    is labelled, a label × topic heat map; always, for topic models: the intertopic map
//!    (centroids' first two SVD coordinates, bubble area ∝ topic size);
//! 4. with a labelled corpus, for supervised models: the confusion matrix as a heat map and the
//!    per-label precision / recall / F1 table.
//!
//! All text inserted in the page goes through `escape`.

use crate::classify::Classifier;
use crate::corpus::Corpus;
use crate::metrics::evaluation::{Scores, evaluate_rows};
use crate::model::{Model, ModelKind};

use std::fmt::Write;

mod draw;
mod supervised;
mod time;
mod topics;

use draw::*;
use supervised::evaluation_section;
use time::over_time_section;
use topics::{
    document_map, document_map_section, intertopic_section, sample_indices,
    topic_evaluation_section, topics_section,
};

/// Most documents drawn on the document map (and analysed for it).
pub const MAX_MAP_DOCS: usize = 2000;

/// What to call things in the report.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    /// The model file as the user named it.
    pub model_path: String,
    /// The corpus as the user named it, when one is given.
    pub corpus_path: Option<String>,
    /// Most documents on the document map.
    pub max_map_docs: usize,
    /// Date the report is generated (YYYY-MM-DD).
    pub generated_on: String,
}

/// Renders the whole report. With a corpus, its evaluation is [`crate::evaluate`]'s, the
/// same numbers `tasnif eval` prints.
pub fn render(classifier: &Classifier, corpus: Option<&Corpus>, opts: &ReportOptions) -> String {
    let model = classifier.model();
    let mut body = String::new();
    match &model.kind {
        ModelKind::Topics(t) => {
            body += &topics_section(t);
            body += "<div class=\"maps\">";
            body += &intertopic_section(t);
            // topic models always evaluate (top-word quality needs no label)
            let evaluated = corpus.and_then(|c| evaluate_rows(classifier, c).ok().map(|e| (c, e)));
            if let Some((c, (_, rows))) = &evaluated {
                let sampled = sample_indices(c.docs.len(), opts.max_map_docs);
                let points = document_map(t, c, rows, &sampled);
                body += &document_map_section(t, &points, c.docs.len(), opts.max_map_docs);
            }
            body += "</div>";
            if let Some((_, (evaluation, _))) = &evaluated {
                body += &topic_evaluation_section(t, evaluation);
                if let Some(timeline) = &evaluation.over_time {
                    body += &over_time_section(t, timeline);
                }
            }
        }
        ModelKind::Supervised(s) => {
            let items: Vec<(String, f64, String)> = s
                .labels
                .iter()
                .zip(&s.support)
                .map(|(l, &n)| (l.clone(), n as f64, n.to_string()))
                .collect();
            let _ = write!(
                body,
                "<section id=\"labels\"><h2>التصنيفات <small>(labels, training documents)</small></h2>\
                 <div class=\"card\">{}</div></section>",
                bar_chart("label-support", &items, PALETTE[0])
            );
            if let Some(c) = corpus {
                match crate::evaluate(classifier, c).map(|e| e.scores) {
                    Ok(Scores::Supervised { report, .. }) => body += &evaluation_section(&report),
                    _ => {
                        body += "<section id=\"evaluation\"><h2>التقييم <small>(evaluation)</small></h2>\
                         <p>لا توجد مقالات موسومة قابلة للتصنيف في المدوّنة <small>(no labelled documents to evaluate on)</small>.</p></section>"
                    }
                }
            }
        }
    }
    body += &facts_section(model, corpus, opts);
    format!(
        "<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"ar\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>tasnif — {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header><h1>تقرير النموذج <small class=\"ltr\">tasnif report</small></h1>\
         <p class=\"ltr path\">{}</p></header>\n{body}\n\
         <footer>أُنشئ في <span class=\"ltr\">{} · tasnif {}</span></footer>\n</body>\n</html>\n",
        escape(&opts.model_path),
        escape(&opts.model_path),
        escape(&opts.generated_on),
        escape(env!("CARGO_PKG_VERSION")),
    )
}

const CSS: &str = "
body{font-family:'Noto Naskh Arabic','Noto Sans Arabic','DejaVu Sans',sans-serif;margin:24px;color:#222;background:#fafafa;direction:rtl}
h1{margin:0 0 4px}h2{border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}
small{color:#777;font-weight:normal;font-size:70%;direction:ltr;unicode-bidi:isolate}
.ltr{direction:ltr;unicode-bidi:isolate;display:inline-block}
.path{color:#555;margin:0}
.maps{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px;align-items:start}
.maps h2{font-size:120%}
.topics{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px}
.card h3{margin:0 0 4px;font-size:110%}
.card.fit{display:inline-block;max-width:100%;overflow-x:auto}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-inline-end:6px;vertical-align:middle}
.size{color:#555;margin:0 0 8px}
ol.examples{margin:8px 0 0;padding-inline-start:20px;font-size:90%;color:#333}
ol.examples li{margin-bottom:2px}
table{border-collapse:collapse;background:#fff}
td,th{border:1px solid #ddd;padding:4px 10px;text-align:start}
td.num,th.num{direction:ltr;unicode-bidi:isolate;text-align:left;font-variant-numeric:tabular-nums}
pre{direction:ltr;text-align:left;background:#fff;border:1px solid #ddd;padding:8px;font-size:80%;white-space:pre-wrap;max-height:260px;overflow:auto}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px}
svg{background:#fff;max-width:100%;height:auto}
svg text{font-size:13px;fill:#222}
svg .axis{stroke:#bbb;stroke-width:1}
svg .tick{font-size:11px;fill:#777}
footer{margin-top:32px;color:#777;font-size:85%}
";

fn facts_section(model: &Model, corpus: Option<&Corpus>, opts: &ReportOptions) -> String {
    let f = &model.facts;
    let mut rows: Vec<(&str, String)> = vec![
        ("نوع النموذج (kind)", model.kind_name().to_string()),
        ("مدوّنة التدريب (training corpus)", f.corpus_name()),
        (
            "مقالات التدريب (documents)",
            format!("{} ({} skipped)", f.n_docs, f.n_skipped),
        ),
        (
            "المفردات (vocabulary)",
            model.vectorizer.vocabulary().len().to_string(),
        ),
        ("البذرة (seed)", f.seed.to_string()),
        ("تاريخ التدريب (trained on)", f.trained_on.clone()),
        ("إصدار tasnif (version)", f.tasnif_version.clone()),
    ];
    if let ModelKind::Topics(t) = &model.kind {
        rows.push(("عدد المواضيع (topics, k)", t.topics.len().to_string()));
        rows.push(("مكوّنات SVD (components)", t.svd.n_components().to_string()));
    }
    if let (Some(p), Some(c)) = (&opts.corpus_path, corpus) {
        rows.push((
            "مدوّنة التقرير (report corpus)",
            format!("{p} — {} documents", c.docs.len()),
        ));
    }
    let mut s = String::from(
        "<section id=\"facts\"><h2>حقائق التدريب <small>(training facts)</small></h2><table id=\"facts-table\">",
    );
    for (k, v) in rows {
        let _ = write!(
            s,
            "<tr><th>{}</th><td><bdi>{}</bdi></td></tr>",
            escape(k),
            escape(&v)
        );
    }
    s += "</table>";
    let params = serde_json::to_string_pretty(&f.params).unwrap_or_default();
    let _ = write!(
        s,
        "<details><summary>المعاملات <small>(parameters)</small></summary><pre>{}</pre></details></section>",
        escape(&params)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn samples_evenly_and_deterministically() {
        assert_eq!(sample_indices(3, 5), vec![0, 1, 2]);
        let s = sample_indices(10_000, 2000);
        assert_eq!(s.len(), 2000);
        assert!(s.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(s[1], 5);
        assert_eq!(*s.last().unwrap(), 9995);
        assert_eq!(s, sample_indices(10_000, 2000));
    }

    #[test]
    fn heatmap_has_one_cell_per_count() {
        let l = vec!["a".to_string(), "ب".to_string()];
        let svg = heatmap("m", &l, &l, &[vec![3, 1], vec![0, 4]], "t", "p");
        assert_eq!(svg.matches("class=\"cell\"").count(), 4);
        assert!(svg.contains(">3</text>") && svg.contains(">4</text>"));
    }

    /// Regression (issue 20): the label × topic heat map cut topic names to their first word,
    /// and the confusion matrix's "middleEast" and "internatio…" ran into each other. Names are
    /// whole (a topic's parts on lines of their own) and columns as wide as their widest line.
    #[test]
    fn heatmap_column_names_are_whole_and_do_not_collide() {
        let labels: Vec<String> = ["culture", "internationalNews", "middleEast"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let svg = heatmap("c", &labels, &labels, &vec![vec![1; 3]; 3], "t", "p");
        assert!(svg.contains(">internationalNews</tspan>") && !svg.contains('…'));
        let xs: Vec<f64> = svg
            .match_indices("class=\"col-label\" x=\"")
            .map(|(i, m)| {
                let at = i + m.len();
                svg[at..at + svg[at..].find('"').unwrap()].parse().unwrap()
            })
            .collect();
        let gap = (xs[0] - xs[1]).abs();
        assert!(gap >= text_width("internationalNews", 11.0), "{gap}");
        let topics = vec!["0: طالبان · حركة · الأفغانية".to_string()];
        let svg = heatmap("t", &labels, &topics, &vec![vec![1]; 3], "t", "p");
        for part in ["0: طالبان", "حركة", "الأفغانية"] {
            assert!(svg.contains(&format!(">{part}</tspan>")), "{part}: {svg}");
        }
    }

    fn data() -> Corpus {
        crate::corpus::read_input(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data"),
            &Default::default(),
        )
        .expect("bundled corpus")
    }

    fn opts(max: usize) -> ReportOptions {
        ReportOptions {
            model_path: "m<1>.tasnif".into(),
            corpus_path: Some("data".into()),
            max_map_docs: max,
            generated_on: "2025-01-01".into(),
        }
    }

    #[test]
    fn topic_report_escapes_text_and_samples_the_map() {
        let c = data();
        let mut model = crate::TopicParams::new()
            .k(4)
            .check()
            .unwrap()
            .fit(&c)
            .unwrap()
            .model;
        let ModelKind::Topics(t) = &mut model.kind else {
            unreachable!()
        };
        t.topics[0].name = "<script>alert(\"x\")</script> & 'q'".into();
        t.topics[1].examples[0] = "<img src=x onerror=alert(1)>".into();
        let classifier = Classifier::new(model).unwrap();
        let html = render(&classifier, Some(&c), &opts(50));
        assert!(!html.contains("<script"), "unescaped topic name");
        assert!(!html.contains("<img"), "unescaped example");
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;")
        );
        assert!(html.contains("m&lt;1&gt;.tasnif"));
        assert!(html.starts_with("<!DOCTYPE html>\n<html dir=\"rtl\" lang=\"ar\">"));
        // 50 of the 111 documents are drawn, each once.
        assert_eq!(html.matches("<circle class=\"doc\"").count(), 50);
        for id in [
            "topic-0-words",
            "topic-3-words",
            "topic-map",
            "doc-map",
            "topic-label-matrix",
        ] {
            assert!(html.contains(&format!("id=\"{id}\"")), "missing {id}");
        }
        assert_eq!(html.matches("class=\"bubble\"").count(), 4);
        // The label × topic heat map counts every labelled document, not only the 50 drawn.
        let start = html.find("id=\"topic-label-matrix\"").unwrap();
        let matrix = &html[start..start + html[start..].find("</svg>").unwrap()];
        let cells: Vec<usize> = matrix
            .split("</text></g>")
            .filter_map(|part| part.rsplit('>').next()?.parse().ok())
            .collect();
        assert_eq!(cells.len(), 5 * 4, "5 labels × 4 topics");
        assert_eq!(cells.iter().sum::<usize>(), c.docs.len());
        // a map of at most 0 documents draws none and says so, and keeps the heat map.
        let none = render(&classifier, Some(&c), &opts(0));
        assert!(
            none.contains("none drawn: the map was given at most")
                && none.contains("id=\"topic-label-matrix\"")
        );
        // Without a corpus: no document map, still the topics and the intertopic map.
        let bare = render(&classifier, None, &opts(50));
        assert!(!bare.contains("id=\"doc-map\"") && bare.contains("id=\"topic-map\""));
    }

    #[test]
    fn supervised_report_has_confusion_matrix_and_metrics() {
        let c = data();
        let model = crate::SupervisedParams::new()
            .check()
            .unwrap()
            .fit(&c)
            .unwrap()
            .model;
        let classifier = Classifier::new(model).unwrap();
        let Ok(crate::metrics::evaluation::Scores::Supervised { report: r, .. }) =
            crate::evaluate(&classifier, &c).map(|e| e.scores)
        else {
            panic!("a supervised evaluation")
        };
        let total: usize = r.confusion.counts.iter().flatten().sum();
        assert_eq!(total, c.docs.len());
        let html = render(&classifier, Some(&c), &opts(2000));
        let k = r.confusion.labels.len();
        assert_eq!(html.matches("<rect class=\"cell\"").count(), k * k);
        assert_eq!(html.matches("class=\"label-row\"").count(), k);
        assert!(html.contains(&format!("{:.3}", r.per_label[0].f1)));
    }
}
