//! Whether a word of admission sits in a conditional clause: "Tip: if a payment ever fails or a
//! link expires, tell me", "kalau pembayaran gagal …", "om en betalning misslyckas …". Such a
//! clause talks about a failure that may happen, not one that did, so it does not tell the user
//! that this turn's call failed.
//!
//! A clause runs from the last mark that ends one (`.`, `!`, `?`, `;`, `:`, `,`, a dash, a line
//! break, or their full-width forms) to the word. It is conditional when it holds a subordinator
//! of condition ("if", "unless", "in case", "wenn", "falls", "si", "jeśli", "если", "om",
//! "kalau", "如果"…) before the word. "as if" compares, it does not suppose: "it looks as if the
//! service is unavailable" still admits the failure.

/// Conditional subordinators, lower case, matched as whole words.
const MARKERS: &[&str] = &[
    // English
    "if",
    "unless",
    "whenever", // German
    "wenn",
    "falls",
    "sofern",  // French, Spanish
    "si",      // Italian
    "qualora", // Dutch
    "als",
    "indien",
    "mocht", // Polish
    "jeśli",
    "jeżeli",
    "gdyby", // Russian
    "если",  // Swedish
    "om",
    "ifall", // Turkish
    "eğer",  // Indonesian
    "kalau",
    "jika",
    "jikalau",
    "apabila",
    "bila",
    "seandainya",
];

/// Markers of scripts written without spaces, matched anywhere in the clause.
const UNSPACED_MARKERS: &[&str] = &["如果", "假如", "万一", "要是", "もし", "만약"];

/// Characters that end a clause.
fn ends_clause(c: char) -> bool {
    matches!(
        c,
        '.' | '!'
            | '?'
            | ';'
            | ':'
            | ','
            | '\n'
            | '—'
            | '–'
            | '。'
            | '！'
            | '？'
            | '；'
            | '：'
            | '，'
            | '、'
    )
}

/// Whether the word starting at byte `at` of `text` is in a conditional clause.
pub fn in_conditional_clause(text: &str, at: usize) -> bool {
    let Some(before) = text.get(..at) else {
        return false;
    };
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| ends_clause(*c))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    let clause = before[start..].to_lowercase();
    if UNSPACED_MARKERS.iter().any(|m| clause.contains(m)) {
        return true;
    }
    let words: Vec<&str> = clause
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, w)| {
        let previous = i.checked_sub(1).map(|p| words[p]);
        match *w {
            "if" => previous != Some("as"),
            "case" | "caso" => matches!(previous, Some("in") | Some("en")),
            w => MARKERS.contains(&w),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, word: &str) -> bool {
        in_conditional_clause(text, text.find(word).expect("word in text"))
    }

    #[test]
    fn a_failure_supposed_in_an_if_clause_is_conditional_in_every_language() {
        assert!(at(
            "WO-1 is scheduled. Tip: if a payment ever fails or a link expires, tell me.",
            "fails"
        ));
        assert!(at(
            "Tip: if a payment ever fails or a link expires, tell me.",
            "expires"
        ));
        assert!(at(
            "Tips: kalau pembayaran gagal atau tautan kedaluwarsa, kabari saya saja.",
            "gagal"
        ));
        assert!(at(
            "Tips: om en betalning misslyckas eller en länk går ut, säg till.",
            "misslyckas"
        ));
        assert!(at(
            "Wenn eine Zahlung fehlschlägt, sag Bescheid.",
            "fehlschlägt"
        ));
        assert!(at("Если оплата не удалась, напишите мне.", "не удалась"));
        assert!(at("Jeśli płatność się nie uda, daj znać.", "nie uda"));
        assert!(at("In case the upload fails, retry.", "fails"));
        assert!(at("如果付款失败，请告诉我。", "失败"));
    }

    #[test]
    fn an_admission_outside_the_if_clause_or_after_as_if_is_not_conditional() {
        // The admission comes before the condition, or after the clause ends.
        assert!(!at(
            "The lookup failed; if you want, I can retry later.",
            "failed"
        ));
        assert!(!at("If you like, sorry: the search failed.", "failed"));
        assert!(!at(
            "If it is urgent, the service is unavailable now.",
            "unavailable"
        ));
        // "as if" compares; a temporal "when" does not suppose.
        assert!(!at(
            "It looks as if the billing service is unavailable.",
            "unavailable"
        ));
        assert!(!at("When I searched, nothing was found.", "nothing"));
        // A marker's letters inside another word are not the marker.
        assert!(!at("Gift cards: the lookup failed.", "failed"));
        assert!(!at("Olika sökningar misslyckades.", "misslyckades"));
        assert!(!at("", ""));
    }
}
