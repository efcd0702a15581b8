//! Paging cursors: members that point at the next (or previous) page of a listing.
//!
//! A cursor is a string on every page but the last, where it is `null` (Relay's
//! `pageInfo.endCursor`, a `paging.next` link, a `next_page_token`). That is paging ending, not
//! a field the API stopped delivering, so a cursor turning null is no drift. A cursor that is
//! renamed, retyped or removed still is: only the null of the last page is paging.

/// Leaf names that are cursors wherever they are (compared without case, `_` or `-`).
const CURSOR_LEAVES: &[&str] = &[
    "endcursor",
    "startcursor",
    "nextcursor",
    "prevcursor",
    "previouscursor",
    "cursor",
    "nextpagetoken",
    "prevpagetoken",
    "pagetoken",
    "nexttoken",
    "continuationtoken",
    "nextpage",
    "prevpage",
    "previouspage",
    "nextpageurl",
    "nexturl",
    "nextlink",
    "odatanextlink",
    "nextmarker",
    "scrollid",
    "nextoffset",
    "lastevaluatedkey",
];

/// Generic leaves that are cursors inside a paging member (`paging.next`, `links.after`).
const PAGE_STEPS: &[&str] = &[
    "next", "prev", "previous", "after", "before", "last", "first", "marker", "href",
];

/// Members that hold a listing's paging state.
const PAGING_PARENTS: &[&str] = &[
    "pageinfo",
    "paging",
    "pagination",
    "links",
    "cursors",
    "cursor",
    "responsemetadata",
    "meta",
    "next",
    "prev",
    "previous",
];

fn normalise(segment: &str) -> String {
    segment
        .trim_end_matches("[]")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether the key path (`data.manifests.pageInfo.endCursor`) names a paging cursor.
pub fn is_paging_cursor(path: &str) -> bool {
    let mut segments = path.rsplit('.');
    let leaf = normalise(segments.next().unwrap_or(""));
    if CURSOR_LEAVES.contains(&leaf.as_str()) {
        return true;
    }
    let parent = segments.next().map(normalise).unwrap_or_default();
    PAGE_STEPS.contains(&leaf.as_str()) && PAGING_PARENTS.contains(&parent.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_of_relay_rest_and_token_paging_are_recognised() {
        for p in [
            "data.manifests.pageInfo.endCursor",
            "next_cursor",
            "response_metadata.next_cursor",
            "nextPageToken",
            "paging.next",
            "links.next",
            "_links.next.href",
            "meta.pagination.cursors.after",
            "\"@odata.nextLink\"",
        ] {
            assert!(is_paging_cursor(p), "{p}");
        }
    }

    #[test]
    fn data_fields_named_like_steps_are_not_cursors() {
        for p in [
            "next_appointment",
            "stage",
            "refill.next",
            "schedule.after",
            "lease.end_date",
            "pageInfo.totalCount",
            "links",
        ] {
            assert!(!is_paging_cursor(p), "{p}");
        }
    }
}
