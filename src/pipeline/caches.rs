//! Per-batch caches shared by the processors of one pipeline, keyed by type.
//!
//! A processor family that wants to share work between its processors within one batch (the
//! tool processors parse each tool result once) defines its own cache type and keeps it here;
//! the batch owns the map without knowing what is in it. Caches are optimisations only: a
//! processor that builds a new batch may start with empty caches, and nothing may depend on
//! their content for correctness.

/// A type-keyed map of caches; allocates nothing until the first cache is stored.
#[derive(Debug, Clone, Default)]
pub struct Caches(http::Extensions);

impl Caches {
    /// The cache of type `T`, created empty on first use.
    pub fn get_or_default<T: Clone + Default + Send + Sync + 'static>(&mut self) -> &mut T {
        self.0.get_or_insert_default::<T>()
    }

    /// The cache of type `T`, if one was stored.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.0.get::<T>()
    }

    /// Forget every cache.
    pub fn clear(&mut self) {
        self.0.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Default, PartialEq)]
    struct Parsed(Vec<u32>);

    #[test]
    fn a_cache_is_created_on_first_use_and_kept_by_type() {
        let mut caches = Caches::default();
        assert!(caches.get::<Parsed>().is_none());
        caches.get_or_default::<Parsed>().0.push(7);
        caches.get_or_default::<Parsed>().0.push(8);
        assert_eq!(caches.get::<Parsed>(), Some(&Parsed(vec![7, 8])));
        assert!(caches.get::<String>().is_none());
        let copy = caches.clone();
        caches.clear();
        assert!(caches.get::<Parsed>().is_none());
        assert_eq!(copy.get::<Parsed>(), Some(&Parsed(vec![7, 8])));
    }
}
