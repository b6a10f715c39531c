//! Knowledge base: articles, their versions and ratings, and the import format.

pub mod files;
