//! `tasnif topics MODEL`: the topics of a model.

use clap::Args;
use std::path::PathBuf;
use tasnif::Model;
use tasnif::model::ModelKind;
use tasnif::topics::TopicModel;

use super::{EXIT_OK, Failure, Outcome, shown};

#[derive(Args)]
pub(crate) struct TopicsArgs {
    /// A topic model file written by `tasnif train`.
    model: PathBuf,
    /// The topics as one JSON object
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(a: &TopicsArgs) -> Outcome {
    let model = Model::load(&a.model)?;
    let ModelKind::Topics(t) = model.kind() else {
        return Err(Failure(format!(
            "{}: a supervised model has labels, not topics (try `tasnif eval`)",
            shown(&a.model)
        )));
    };
    if a.json {
        let mut facts = serde_json::to_value(model.facts()).unwrap_or_default();
        // the parameters themselves, without the kind they are filed under, and the corpus
        // in one line as before
        if let Some(p) = facts["params"]
            .as_object()
            .and_then(|p| p.values().next())
            .cloned()
        {
            facts["params"] = p;
        }
        facts["corpus"] = model.facts().corpus_name().into();
        outln!(
            "{}",
            serde_json::json!({"model": a.model, "facts": facts, "topics": topic_rows(&model, t)?})
        );
    } else {
        print_topics(&model, t)?;
    }
    Ok(EXIT_OK)
}

/// The topics as JSON rows; a named topic carries what it was given, and the seed words the
/// vocabulary lacks when there are any.
pub(crate) fn topic_rows(model: &Model, t: &TopicModel) -> tasnif::Result<Vec<serde_json::Value>> {
    let unused = model.unused_seed_words()?;
    Ok(t.topics
        .iter()
        .map(|tp| {
            let mut v = serde_json::json!({
                "topic": tp.id, "count": tp.size, "label": tp.label(), "name": tp.name,
                "top_words": tp.top_terms.iter().map(|w| &w.word).collect::<Vec<_>>(),
                "examples": tp.examples,
            });
            if let Some(g) = &tp.given {
                v["given"] = serde_json::to_value(g).unwrap_or_default();
                if let Some((_, words)) = unused.iter().find(|u| u.0 == tp.id) {
                    v["given"]["seeds_not_in_vocabulary"] = words.clone().into();
                }
            }
            v
        })
        .collect())
}

/// One line per topic: its name (the given one, or from its top words) and top words; named
/// topics are followed by their seed words, and those the vocabulary lacks.
pub(crate) fn print_topics(model: &Model, t: &TopicModel) -> tasnif::Result<()> {
    outln!("Topic | Count | Name | Top words");
    for tp in &t.topics {
        let words: Vec<&str> = tp.top_terms.iter().map(|w| w.word.as_str()).collect();
        outln!(
            "{} | {} | {} | {}",
            tp.id,
            tp.size,
            tp.label(),
            words.join("، ")
        );
    }
    let named: Vec<_> = t
        .topics
        .iter()
        .filter_map(|tp| Some((tp.id, tp.given.as_ref()?)))
        .collect();
    if !named.is_empty() {
        let unused = model.unused_seed_words()?;
        outln!("\nNamed topic | Seed words (as the vocabulary has them)");
        for (id, g) in named {
            let lacking = match unused.iter().find(|u| u.0 == id) {
                Some((_, words)) => format!("; not in the corpus: {}", words.join("، ")),
                None => String::new(),
            };
            outln!(
                "{} {} | {} ({}{})",
                id,
                g.name,
                g.seeds.join("، "),
                g.seed_terms.join("، "),
                lacking
            );
        }
    }
    Ok(())
}
