//! tasnif — Arabic news topic discovery and classification.
//!
//! Pipeline: [`text`] (normalise, tokenise, stem) → [`vectorize`] (TF-IDF, sparse) →
//! [`reduce`] (truncated SVD) → [`cluster`] (k-means, refined by [`mixture`]) or [`supervised`]
//! (linear classifier) →
//! [`model`] (versioned file) → [`classify`].

pub mod classify;
pub mod cluster;
pub mod corpus;
pub mod metrics;
pub mod mixture;
pub mod model;
pub mod reduce;
pub mod report;
pub mod sparse;
pub mod supervised;
pub mod text;
pub mod train;
pub mod vectorize;
