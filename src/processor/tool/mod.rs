//! Tool-call intelligence: outcome classes, silent failures, auth rot, schema drift and loops.

pub mod outcome;
pub mod result;
pub mod schema;
