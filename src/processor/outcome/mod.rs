//! `outcome`: decides whether each finished session succeeded.

pub mod policy;
