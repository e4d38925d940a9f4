pub mod classification;
pub mod clustering;
