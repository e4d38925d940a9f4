//! The HTML report through the library: escaping, sampling of the document map, chart presence.

use std::path::Path;
use tasnif::classify::Classifier;
use tasnif::corpus::{self, JsonlFields};
use tasnif::model::ModelKind;
use tasnif::report::{self, ReportOptions};
use tasnif::train::{self, KChoice, Silent, SupervisedParams, TopicParams};

fn data() -> tasnif::corpus::Corpus {
    corpus::read_path(Path::new("data"), &JsonlFields::default()).expect("bundled corpus")
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
    let (mut model, _) = train::train_topics(
        &c,
        "data",
        &TopicParams::new(KChoice::Fixed(4), 42),
        &Silent,
    )
    .unwrap();
    let ModelKind::Topics(t) = &mut model.kind else {
        unreachable!()
    };
    t.topics[0].name = "<script>alert(\"x\")</script> & 'q'".into();
    t.topics[1].examples[0] = "<img src=x onerror=alert(1)>".into();
    let classifier = Classifier::new(model).unwrap();
    let html = report::render(&classifier, Some(&c), &opts(50));
    assert!(!html.contains("<script"), "unescaped topic name");
    assert!(!html.contains("<img"), "unescaped example");
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"));
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
    // --max-docs 0 draws no document and says so, and keeps the heat map.
    let none = report::render(&classifier, Some(&c), &opts(0));
    assert!(none.contains("--max-docs 0") && none.contains("id=\"topic-label-matrix\""));
    // Without a corpus: no document map, still the topics and the intertopic map.
    let bare = report::render(&classifier, None, &opts(50));
    assert!(!bare.contains("id=\"doc-map\"") && bare.contains("id=\"topic-map\""));
}

#[test]
fn supervised_report_has_confusion_matrix_and_metrics() {
    let c = data();
    let model = train::train_supervised(&c, "data", &SupervisedParams::new(42), &Silent).unwrap();
    let classifier = Classifier::new(model).unwrap();
    let r = report::evaluate(&classifier, &c).expect("labelled corpus");
    let total: usize = r.confusion.counts.iter().flatten().sum();
    assert_eq!(total, c.docs.len());
    let html = report::render(&classifier, Some(&c), &opts(2000));
    let k = r.confusion.labels.len();
    assert_eq!(html.matches("<rect class=\"cell\"").count(), k * k);
    assert_eq!(html.matches("class=\"label-row\"").count(), k);
    assert!(html.contains(&format!("{:.3}", r.per_label[0].f1)));
}
