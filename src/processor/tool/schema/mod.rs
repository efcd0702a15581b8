//! Result schemas: shapes of JSON results, learned baselines per tool, pinned JSON Schemas and
//! the state file.

pub mod baseline;
pub mod nulled;
pub mod paging;
pub mod pinned;
pub mod shape;
pub mod store;
