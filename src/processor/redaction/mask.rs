//! Masks: what replaces a secret, and how overlapping findings are merged before rewriting.
//!
//! A mask is `[REDACTED:<kind>:<tag>]`. The tag is the first 4 hex digits of
//! `SHA-256(salt || secret)`: equal secrets get equal tags, so a reader can still tell that two
//! spans used the same key, while 16 bits of a salted hash say nothing useful about the secret.
//! The salt comes from the config (`salt`, so several spotter instances or restarts agree) or is
//! drawn at random when the processor is built (tags then correlate within one process only).
//! The mask holds no quote, backslash or separator, so it is safe at any JSON escaping depth.

use std::fmt::Write;

use sha2::{Digest, Sha256};

/// The prefix of every mask; text that already starts with it is never masked again, so
/// running redaction twice changes nothing.
pub const MASK_PREFIX: &str = "[REDACTED:";

/// One finding: the byte range of a secret in a string, its label index, and its rank (the
/// order of its detector; lower wins when two findings start at the same place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub label: usize,
    pub rank: usize,
}

/// Writes masks with a salted tag.
#[derive(Clone)]
pub struct Masker {
    salt: Vec<u8>,
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Masker { salt: <hidden> }")
    }
}

impl Masker {
    pub fn new(salt: Vec<u8>) -> Self {
        Masker { salt }
    }

    /// A masker with 16 random bytes of salt.
    pub fn random() -> Self {
        Masker::new(rand::random::<[u8; 16]>().to_vec())
    }

    /// The 4-hex-digit tag of a secret.
    pub fn tag(&self, secret: &str) -> [u8; 4] {
        let mut h = Sha256::new();
        h.update(&self.salt);
        h.update(secret.as_bytes());
        let d = h.finalize();
        const HEX: &[u8; 16] = b"0123456789abcdef";
        [
            HEX[usize::from(d[0] >> 4)],
            HEX[usize::from(d[0] & 15)],
            HEX[usize::from(d[1] >> 4)],
            HEX[usize::from(d[1] & 15)],
        ]
    }

    pub fn write_mask(&self, out: &mut String, label: &str, secret: &str) {
        let tag = self.tag(secret);
        // The tag is ASCII hex, so this cannot fail.
        let tag = std::str::from_utf8(&tag).unwrap_or("0000");
        let _ = write!(out, "{MASK_PREFIX}{label}:{tag}]");
    }

    /// Rewrite `text`, replacing each (merged) finding with its mask. `labels` maps label
    /// indexes to names; `counts[label]` is incremented per mask written.
    pub fn rewrite(
        &self,
        text: &str,
        findings: &mut Vec<Finding>,
        labels: &[String],
        counts: &mut [u64],
    ) -> String {
        merge(findings);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for f in findings.iter() {
            out.push_str(&text[at..f.start]);
            self.write_mask(&mut out, &labels[f.label], &text[f.start..f.end]);
            counts[f.label] += 1;
            at = f.end;
        }
        out.push_str(&text[at..]);
        out
    }
}

/// Sort findings and fold overlapping ones into one, keeping the label of the first (by start,
/// then rank, then length).
pub fn merge(findings: &mut Vec<Finding>) {
    findings.sort_unstable_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(a.rank.cmp(&b.rank))
            .then(b.end.cmp(&a.end))
    });
    let mut kept = 0;
    for i in 0..findings.len() {
        let f = findings[i];
        if kept > 0 && f.start < findings[kept - 1].end {
            let last = &mut findings[kept - 1];
            last.end = last.end.max(f.end);
        } else {
            findings[kept] = f;
            kept += 1;
        }
    }
    findings.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(start: usize, end: usize, label: usize, rank: usize) -> Finding {
        Finding {
            start,
            end,
            label,
            rank,
        }
    }

    #[test]
    fn overlapping_findings_merge_and_the_better_ranked_label_wins() {
        let mut v = vec![
            f(10, 20, 1, 5),
            f(0, 4, 2, 0),
            f(10, 18, 0, 1),
            f(15, 30, 3, 0),
        ];
        merge(&mut v);
        assert_eq!(v, vec![f(0, 4, 2, 0), f(10, 30, 0, 1)]);
    }

    #[test]
    fn equal_secrets_get_equal_tags_and_the_salt_changes_them() {
        let a = Masker::new(b"one".to_vec());
        let b = Masker::new(b"two".to_vec());
        assert_eq!(a.tag("sk-secret"), a.tag("sk-secret"));
        assert_ne!(a.tag("sk-secret"), a.tag("sk-other"));
        assert_ne!(a.tag("sk-secret"), b.tag("sk-secret"));
    }

    #[test]
    fn rewrite_replaces_only_the_secret_and_counts_it() {
        let m = Masker::new(b"s".to_vec());
        let labels = vec!["jwt".to_string()];
        let mut counts = vec![0];
        let mut v = vec![f(6, 11, 0, 0)];
        let out = m.rewrite("token=abcde; ok", &mut v, &labels, &mut counts);
        let tag = m.tag("abcde");
        let tag = std::str::from_utf8(&tag).unwrap();
        assert_eq!(out, format!("token=[REDACTED:jwt:{tag}]; ok"));
        assert_eq!(counts, vec![1]);
    }
}
