//! The words of goal detection: which actions a user asks for, which tools perform them, and
//! which answers claim them done. English, German, French, Spanish, Italian, Portuguese and
//! Japanese.
//!
//! Actions are grouped in classes (cancel, book/schedule, send, refund, create, restart,
//! approve, update, export, delete, pay); a request is satisfied only by a tool of its class.

use std::sync::OnceLock;

use regex::Regex;

/// Action classes, as bits.
pub const CLASSES: &[(&str, &str)] = &[
    (
        "cancel",
        r"cancel|annul|storn|absag|\bvoid\b|キャンセル|取り消|取消|解約",
    ),
    (
        "book",
        r"\bbook|reserv|schedul|appointment|\btermin|\bbuch|prenot|agend|programa|planifi|予約",
    ),
    (
        "send",
        r"\bsend|\bsent\b|\be-?mail|\bnotify|\bschick|\bsende|verschick|\benvo|\benvi|\binvi[ao]|送信|送っ|送付",
    ),
    (
        "refund",
        r"refund|reimburs|erstatt|rembours|reembols|rimbors|返金",
    ),
    (
        "create",
        r"\bcreat|\badd\b|\bregister|erstell|\banleg|\bcré|\bcrea|\bcri[ae]|作成|登録",
    ),
    (
        "restart",
        r"restart|reboot|neu ?start|neustart|redémarr|reinici|riavvi|再起動",
    ),
    (
        "approve",
        r"approv|genehmig|freigeb|approuv|aprob|aprova|承認",
    ),
    (
        "update",
        r"\bupdat|\bchange\b|\bmodif|aktualisier|\bänder|mettre à jour|mis à jour|actualiz|atualiz|aggiorn|更新|変更",
    ),
    ("export", r"export|エクスポート"),
    (
        "delete",
        r"delet|\bremov|lösch|supprim|elimin|\bborr|exclu|apag|削除",
    ),
    ("pay", r"\bpay\b|\bpaid\b|bezahl|\bpay[eé]|\bpag[aeoó]|支払"),
];

fn class_res() -> &'static Vec<Regex> {
    static RE: OnceLock<Vec<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        CLASSES
            .iter()
            .map(|(_, p)| Regex::new(&format!("(?i){p}")).expect("class regex"))
            .collect()
    })
}

/// The action classes a text names, as bits.
pub fn classes_in(text: &str) -> u16 {
    let mut bits = 0u16;
    for (i, re) in class_res().iter().enumerate() {
        if re.is_match(text) {
            bits |= 1 << i;
        }
    }
    bits
}

/// The names of the classes in `bits`.
pub fn class_names(bits: u16) -> Vec<&'static str> {
    CLASSES
        .iter()
        .enumerate()
        .filter(|(i, _)| bits & (1 << i) != 0)
        .map(|(_, (n, _))| *n)
        .collect()
}

/// Verbs that only read: a tool whose name starts with one never performs an action.
const READ_VERBS: &[&str] = &[
    "get",
    "list",
    "search",
    "find",
    "fetch",
    "lookup",
    "look",
    "query",
    "read",
    "check",
    "view",
    "describe",
    "show",
    "retrieve",
    "count",
    "validate",
    "preview",
    "estimate",
    "quote",
    "calculate",
    "compute",
    "summarize",
    "summarise",
    "analyze",
    "analyse",
    "status",
    "browse",
    "inspect",
    "explain",
    "track",
    "verify",
    "lint",
    "diff",
    "download",
    "report",
    "logs",
    "info",
    "details",
    "history",
    "rates",
    "rate",
    "weather",
    "coverage",
    "notes",
];

/// Whether a tool only reads: a reading word anywhere in its name.
pub fn is_reader(name: &str) -> bool {
    words(name).iter().any(|w| READ_VERBS.contains(&w.as_str()))
}

/// The words of a tool name (`cancelOrder`, `cancel-order`, `orders.cancel`).
fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The action classes a tool performs, from its name, else its description; zero for tools
/// that only read, and for tools marked `readOnlyHint` (MCP). `destructive` (MCP
/// `destructiveHint`) marks a tool as acting even when its name says nothing: it then counts
/// for every class its description names.
pub fn tool_classes(name: &str, description: Option<&str>, read_only_hint: Option<bool>) -> u16 {
    if read_only_hint == Some(true) {
        return 0;
    }
    let w = words(name);
    if w.first().is_some_and(|f| READ_VERBS.contains(&f.as_str())) {
        return 0;
    }
    let w: Vec<String> = w;
    let spaced = w.join(" ");
    let from_name = classes_in(&format!(" {spaced} "));
    if from_name != 0 {
        return from_name;
    }
    description.map(classes_in).unwrap_or(0)
}

fn request_marker() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\bplease\b|\bpls\b|\b(can|could|would|will) you\b|\bi('d| would) like\b|\bi (want|need)\b|\bgo ahead\b|\bhelp me\b|\bi'd like\b|\bbitte\b|\b(kannst|könntest) du\b|\b(können|könnten|würden) sie\b|\bich (möchte|will|hätte gern|brauche)\b|\b(pouvez|pourriez)[ -]vous\b|\b(peux|pourrais)[ -]tu\b|\bje (veux|voudrais|souhaite)\b|\bmerci de\b|\bveuillez\b|\bs'il (vous|te) pla[iî]t\b|\bpor favor\b|\b(puedes|podrías|podría|puede)\b|\b(quiero|quisiera|necesito)\b|\b(pode|poderia|podes)\b|\b(quero|gostaria|preciso)\b|\bper favore\b|\b(puoi|potresti|vorrei|voglio)\b|ください|下さい|お願い|してほしい|して欲しい")
            .expect("request regex")
    })
}

fn information_question() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^\W*(how|what|why|when|where|which|who|is it possible|are there|is there|do you|does|did|have you|has)\b|\bhow (do|can|to|would|does)\b|\bpolicy\b|\bstatus of\b|\bwie (kann|lange|funktioniert)|\bcomment\b|\bpourquoi\b|\bcómo\b|\bpor qué\b|\bcomo (posso|faço)\b|\bcome (posso|si)\b|\bexplain|\btell me\b|\bshow me\b|\berklär|\bexpliqu|\bexplica|どうやって|方法|なぜ|教えて|説明")
            .expect("question regex")
    })
}

/// The action classes a user message asks to be performed (zero for questions about actions:
/// "how do I cancel?", "what is the refund policy?").
pub fn requested_classes(text: &str) -> u16 {
    let t = text.trim();
    if t.is_empty() || t.len() > 2000 {
        return 0;
    }
    let classes = classes_in(t);
    if classes == 0 {
        return 0;
    }
    let first_word = t
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    let imperative = classes_in(first_word) != 0;
    let asks = request_marker().is_match(t) || imperative;
    if !asks || information_question().is_match(t) {
        return 0;
    }
    classes
}

fn claim() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?ix)
            \b(i(\x27ve|\x27ve\ just|\ have|\ just)?|we(\x27ve|\ have)?|has\ been|have\ been|was\ successfully|were\ successfully|successfully|is\ now|are\ now|done)\b[^.!?\n]{0,40}?\b(cancell?ed|booked|reserved|scheduled|rescheduled|sent|e-?mailed|refunded|created|added|registered|restarted|rebooted|approved|updated|changed|exported|deleted|removed|paid|submitted)\b
          | \b(habe|haben|hab|wurde|wurden)\b[^.!?\n]{0,60}?\b(storniert|abgesagt|gebucht|reserviert|gesendet|geschickt|verschickt|erstattet|erstellt|angelegt|neu\ gestartet|neugestartet|genehmigt|aktualisiert|geändert|exportiert|gelöscht|bezahlt|geplant|vereinbart)\b
          | \b(j\x27ai|nous\ avons|a\ été|ont\ été|est\ bien|c\x27est\ fait)\b[^.!?\n]{0,40}?(annulé|réservé|envoyé|remboursé|créé|redémarré|approuvé|mis\ à\ jour|exporté|supprimé|payé|planifié)
          | \b(he|hemos|ha\ sido|han\ sido|fue|fueron|quedó)\b[^.!?\n]{0,40}?(cancelad|reservad|enviad|reembolsad|cread|reiniciad|aprobad|actualizad|exportad|eliminad|pagad|programad|agendad)
          | \b(foi|foram|já)\b[^.!?\n]{0,40}?(cancelad|reservad|enviad|reembolsad|criad|reiniciad|aprovad|atualizad|exportad|excluíd|apagad|pag[oa]\b|agendad)
          | \b(cancelei|reservei|enviei|reembolsei|criei|reiniciei|aprovei|atualizei|exportei|excluí|paguei|agendei)\b
          | \b(ho|abbiamo|è\ stat[oa])\b[^.!?\n]{0,40}?(annullat|cancellat|prenotat|inviat|rimborsat|creat|riavviat|approvat|aggiornat|esportat|eliminat|pagat|programmat)
          | (キャンセル|予約|送信|返金|作成|再起動|承認|更新|変更|エクスポート|削除|支払)[^。！？\n]{0,12}?(しました|されました|完了|済み|いたしました)
        ")
        .expect("claim regex")
    })
}

fn negation() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)\bnot\b|n't\b|\bnever\b|\bunable\b|\bnicht\b|\bkein|\bpas\b|\bjamais\b|\bno\b|\bnão\b|\bnon\b|ません|できな|失敗|\bwill\b|\bwould\b|\bcan\b|\bonce\b|\bif\b|\bwenn\b|\bsi\b|\bse\b")
            .expect("negation regex")
    })
}

fn first_person() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?i)^(i\b|i'|we\b|we'|habe\b|haben\b|hab\b|j'ai|nous avons|he\b|hemos|ho\b|abbiamo|cancelei|reservei|enviei|reembolsei|criei|reiniciei|aprovei|atualizei|exportei|excluí|paguei|agendei)")
            .expect("first person regex")
    })
}

/// Claims made in the first person ("I've cancelled", "J'ai annulé", "He cancelado"), as
/// class bits; the rest of [`claimed_classes`] are passive ("has been cancelled").
pub fn first_person_claims(answer: &str) -> u16 {
    let mut bits = 0;
    for sentence in answer.split(['.', '!', '?', '\n', '。', '！', '？']) {
        let Some(m) = claim().find(sentence) else {
            continue;
        };
        if negation().is_match(sentence) || !first_person().is_match(m.as_str()) {
            continue;
        }
        bits |= classes_in(m.as_str());
    }
    bits
}

/// The action classes an answer claims to have completed ("I've cancelled your order",
/// "Done: the meeting has been booked", "Die Bestellung wurde storniert", "予約しました").
/// Negated, conditional and future sentences do not claim anything.
pub fn claimed_classes(answer: &str) -> u16 {
    let mut bits = 0;
    for sentence in answer.split(['.', '!', '?', '\n', '。', '！', '？']) {
        let Some(m) = claim().find(sentence) else {
            continue;
        };
        if negation().is_match(sentence) {
            continue;
        }
        bits |= classes_in(m.as_str());
    }
    bits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(bits: u16) -> Vec<&'static str> {
        class_names(bits)
    }

    #[test]
    fn requests_for_actions_are_recognised_in_several_languages() {
        for (text, want) in [
            ("Please cancel my order A1", "cancel"),
            ("Can you book a table for two at 8?", "book"),
            ("Cancel order 7781.", "cancel"),
            ("I want a refund for order 55", "refund"),
            ("Bitte storniere meine Bestellung.", "cancel"),
            ("Pouvez-vous annuler ma commande ?", "cancel"),
            ("Por favor, cancela mi pedido.", "cancel"),
            ("Pode reiniciar o servidor, por favor?", "restart"),
            ("注文をキャンセルしてください", "cancel"),
            ("Restart the billing service please", "restart"),
        ] {
            assert_eq!(names(requested_classes(text)), vec![want], "{text}");
        }
        for text in [
            "How do I cancel an order?",
            "What is your refund policy?",
            "Where is my parcel?",
            "Thanks!",
            "What's the status of my booking?",
        ] {
            assert_eq!(requested_classes(text), 0, "{text}");
        }
    }

    #[test]
    fn acting_tools_are_told_from_reading_tools() {
        assert_eq!(
            names(tool_classes("cancel_order", None, None)),
            vec!["cancel"]
        );
        assert_eq!(
            names(tool_classes("issueRefund", None, None)),
            vec!["refund"]
        );
        assert_eq!(names(tool_classes("send_email", None, None)), vec!["send"]);
        assert_eq!(tool_classes("get_order_status", None, None), 0);
        assert_eq!(tool_classes("search_docs", None, None), 0);
        assert_eq!(tool_classes("lookup_booking", None, None), 0);
        assert_eq!(tool_classes("cancel_order", None, Some(true)), 0);
        assert_eq!(
            names(tool_classes("orders_v2", Some("Cancels an order"), None)),
            vec!["cancel"]
        );
    }

    #[test]
    fn completed_side_effects_are_claims_and_plans_are_not() {
        for (text, want) in [
            ("I've cancelled your order A1.", "cancel"),
            ("Done: the appointment has been booked for Monday.", "book"),
            ("Die Bestellung wurde storniert.", "cancel"),
            ("J'ai annulé votre commande.", "cancel"),
            ("He cancelado tu pedido.", "cancel"),
            ("O pedido foi cancelado.", "cancel"),
            ("予約しました。", "book"),
            ("I have sent the invoice to ana@example.com.", "send"),
        ] {
            assert_eq!(names(claimed_classes(text)), vec![want], "{text}");
        }
        for text in [
            "I could not cancel your order.",
            "Once the refund is processed you will get an email.",
            "Your order has not been cancelled yet.",
            "I can cancel it if you confirm.",
            "Your order is on its way.",
        ] {
            assert_eq!(claimed_classes(text), 0, "{text}");
        }
    }
}
