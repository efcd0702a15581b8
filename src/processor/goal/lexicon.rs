//! The words of goal detection: which actions a user asks for, which tools perform them, and
//! which answers claim them done. English, German, French, Spanish, Italian, Portuguese and
//! Japanese.
//!
//! Actions are grouped in classes (cancel, book/schedule, send, refund, create, restart,
//! approve, update, export, delete, pay); a request is satisfied only by a tool of its class.

use std::sync::OnceLock;

use crate::processor::screen::{Screened, ScreenedRegex};

/// Action classes, as bits.
pub const CLASSES: &[(&str, &str)] = &[
    (
        "cancel",
        r"cancel|annul|storn|absag|abgesagt|\bvoid\b|\bvoided\b|\babort|\brevok|キャンセル|取り消|取消|作废|作廢|解約|취소",
    ),
    (
        "book",
        r"\bbook|reserv|schedul|appointment|\btermin|\bbuch|réserv|prenot|agend|programa|planifi|programm|geplant|einplan|vereinbart|予約|スケジュール|\brebook|omboek|\bboek|geboekt|reserveer|改签|预订|预约|订票|예약",
    ),
    (
        "send",
        r"\bsend|\bsent\b|\be-?mail|\bnotify|\bsms\b|\bschick|\bsende|verschick|versend|\benvo|\benvi|\benví|\binvi[ao]|送信|送っ|送付|verstuur|verzend|verzonden|\bstuur|gestuurd|\bmand(?:a|e|o|ar|é|ó|ad[oa])\b|\bpage\s+(?:the\s+)?on-?call|alarmeer|gealarmeerd|发送|寄出|발송|보내|전송",
    ),
    (
        "refund",
        r"refund|reimburs|erstatt|rembours|reembols|rimbors|返金|terugbetal|terugstort|退款|退钱|환불",
    ),
    (
        "create",
        r"\bcreat|\badd\b|\binsert|\bregister|erstell|\banleg|\bcré|\bcrea|\bcri[ae]|作成|登録|\bmaak|aangemaakt|gemaakt|\bgenerat|\bgenerer|\bgenera\b|创建|新建|生成|만들|생성",
    ),
    (
        "restart",
        r"restart|reboot|\bre-?run|\brelaunch|\bredeploy|\bretrigger|neu ?start|neu gestartet|neustart|redémarr|\brelanc|reinici|\brelanz|riavvi|\brilanci|再起動|再実行|herstart|\broll\s?back|\brolled\s+back|terugdraai|teruggedraaid|回滚|重启|재시작|재부팅|롤백",
    ),
    (
        "approve",
        r"approv|\baccept|genehmig|freigeb|freigegeben|approuv|aprob|aprueb|\baprov|承認",
    ),
    (
        "update",
        r"\bupdat|\bchange\b|\bedit|\bpatch\b|\brenam|\bmodif|aktualisier|\bänder|\bmet(s|tre|tez|tons)? à jour|mise? à jour|actualiz|atualiz|aggiorn|更新|変更|\breconcil|riconcili|wijzig|bijgewerkt|\bbijwerk|对账|修改|변경|수정",
    ),
    ("export", r"export|esport|エクスポート"),
    (
        "delete",
        r"delet|\bremov|\bpurge|lösch|supprim|elimin|\bborr|exclu|apag|削除|verwijder|删除|삭제",
    ),
    (
        "pay",
        r"\bpay\b|\bpaid\b|\bcharg(e|ed|es)?\b|bezahl|\bpay[eé]|\bpag[aeoó]|支払|\bbetaal|\bbetaald\b|支付|付款|결제|지불",
    ),
    // Setting something up names no particular action: any acting tool can do it (see
    // [`unmet`]).
    (
        "set_up",
        r"\bset ?up\b|\bconfigur|einricht|eingerichtet|konfigur|\bmis(e|es)? en place|mettre en place|\bimpost|設定|手配|セットアップ",
    ),
];

/// The class of requests that name no particular action ("set up", "configure", "設定").
pub const SET_UP: u32 = 1 << 11;

/// The requested (or claimed) classes that `done` leaves undone. A request to set something
/// up is met by any acting tool's success, since it names no particular action.
pub fn unmet(asked: u32, done: u32) -> u32 {
    let undone = asked & !done;
    if done != 0 {
        undone & !SET_UP
    } else {
        undone
    }
}

/// Every class with its words: [`CLASSES`], then the classes of [`ru_pl_sv_id_tr::MORE_CLASSES`].
fn all_classes() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    CLASSES.iter().chain(ru_pl_sv_id_tr::MORE_CLASSES)
}

fn class_res() -> &'static Screened {
    static RE: OnceLock<Screened> = OnceLock::new();
    RE.get_or_init(|| {
        Screened::new(all_classes().map(|(_, p)| format!("(?i){p}"))).expect("class regex")
    })
}

/// The bit of the class named `name` (zero for an unknown name).
pub fn class_bit(name: &str) -> u32 {
    all_classes()
        .position(|(n, _)| *n == name)
        .map_or(0, |i| 1 << i)
}

/// The action classes a text names, as bits.
pub fn classes_in(text: &str) -> u32 {
    let mut bits = 0u32;
    for i in class_res().matches(text) {
        bits |= 1 << i;
    }
    bits
}

/// The names of the classes in `bits`.
pub fn class_names(bits: u32) -> Vec<&'static str> {
    all_classes()
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
    "classify",
    "categorize",
    "categorise",
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
pub fn tool_classes(name: &str, description: Option<&str>, read_only_hint: Option<bool>) -> u32 {
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

/// Words that open a request, as lowercase token sequences: "please", "can you", "bitte",
/// "merci de", "por favor"... What follows them is the verb of the request. The German markers
/// that put the verb last are in `VERB_LAST_MARKERS` and are tried after these.
const LEADING_MARKERS: &[&[&str]] = &[
    &["please"],
    &["pls"],
    &["kindly"],
    &["can", "you"],
    &["could", "you"],
    &["would", "you"],
    &["will", "you"],
    &["i", "d", "like", "you", "to"],
    &["i", "d", "like", "to"],
    &["i", "would", "like", "to"],
    &["i", "want", "you", "to"],
    &["i", "want", "to"],
    &["i", "want"],
    &["i", "need", "you", "to"],
    &["i", "need", "to"],
    &["i", "need"],
    &["go", "ahead", "and"],
    &["help", "me"],
    &["now"],
    &["also"],
    &["just"],
    &["bitte"],
    &["merci", "de"],
    &["merci", "d"],
    &["veuillez"],
    &["pouvez", "vous"],
    &["pourriez", "vous"],
    &["peux", "tu"],
    &["pourrais", "tu"],
    &["je", "veux"],
    &["je", "voudrais"],
    &["je", "souhaite"],
    &["por", "favor"],
    &["puedes"],
    &["podrías"],
    &["podría"],
    &["puede"],
    &["quiero"],
    &["quisiera"],
    &["necesito"],
    &["você", "pode"],
    &["pode"],
    &["poderia"],
    &["podes"],
    &["quero"],
    &["gostaria", "de"],
    &["preciso"],
    &["per", "favore"],
    &["puoi"],
    &["potresti"],
    &["vorrei"],
    &["voglio"],
    &["graag"],
    &["alsjeblieft"],
    &["alstublieft"],
    &["per", "piacere"],
];

/// Determiners and pronouns between a marker and a noun request ("I want a refund"); skipped
/// only after a marker, since a clause that opens with them names a thing, it asks nothing.
const AFTER_MARKER: &[&str] = &["a", "an", "the", "me", "us", "to", "be", "get"];

/// Markers after which German puts the verb last ("Kannst du die Bestellung stornieren?").
const VERB_LAST_MARKERS: &[&[&str]] = &[
    &["kannst", "du"],
    &["könntest", "du"],
    &["können", "sie"],
    &["könnten", "sie"],
    &["würden", "sie"],
    &["würdest", "du"],
    &["ich", "möchte"],
    &["ich", "will"],
    &["kun", "je"],
    &["kunt", "u"],
    &["wil", "je"],
    &["wilt", "u"],
    &["zou", "je"],
    &["zou", "u"],
    &["ik", "wil"],
];

/// German separable verbs: (stem of the first word, particle at the clause's end) → the words
/// that name the action ("starte X neu" restarts, "plane X ein" schedules, "sage X ab" cancels).
const SEPARABLE: &[(&str, &str, &str)] = &[
    ("start", "neu", "neustart"),
    ("plan", "ein", "einplan"),
    ("trag", "ein", "einplan"),
    ("sag", "ab", "absag"),
    ("schick", "ab", "schick"),
    ("richt", "ein", "einricht"),
    ("maak", "aan", "maak"),
    ("stuur", "door", "stuur"),
];

/// Dutch separable verbs whose particle changes the action: (stem of the first word, particle
/// anywhere later in the clause) → the words that name the action *instead of* the stem's.
/// "Betaal order X terug aan de klant" refunds (terugbetalen), it does not pay; "stort X terug"
/// refunds too, "draai X terug" rolls back. The particle may stand before a trailing phrase
/// ("... terug aan de klant").
const SEPARABLE_CHANGING: &[(&str, &str, &str)] = &[
    ("betaal", "terug", "terugbetal"),
    ("stort", "terug", "terugstort"),
    ("draai", "terug", "terugdraai"),
];

/// Japanese request endings: the action is the noun or verb just before them.
const JA_REQUEST_ENDINGS: &[&str] = &[
    "してください",
    "して下さい",
    "してほしい",
    "して欲しい",
    "をお願いします",
    "お願いします",
    "ください",
    "下さい",
];

fn information_question() -> &'static Screened {
    static RE: OnceLock<Screened> = OnceLock::new();
    RE.get_or_init(|| {
        Screened::new([r"(?i)^\W*(how|what|why|when|where|which|who|is it possible|are there|is there|do you|does|did|have you|has)\b|\bhow (do|can|to|would|does)\b|\bpolicy\b|\bstatus of\b|\bwie (kann|lange|funktioniert)|\bcomment\b|\bpourquoi\b|\bcómo\b|\bpor qué\b|\bcomo (posso|faço)\b|\bcome (posso|si)\b|\bexplain|\btell me\b|\bshow me\b|\berklär|\bexpliqu|\bexplica|どうやって|方法|なぜ|教えて|説明|怎么|如何|为什么|어떻게|\bhoe (kan|moet|doe|werkt)\b|\bwaarom\b|\bperché\b"])
            .expect("question regex")
    })
}

/// Text with quoted passages removed: a quoted subject ("a ticket about 'Refund request'") names
/// something, it asks for nothing.
fn without_quotes(text: &str) -> String {
    const PAIRS: &[(char, char)] = &[
        ('"', '"'),
        ('\u{201c}', '\u{201d}'),
        ('\u{2018}', '\u{2019}'),
        ('«', '»'),
        ('「', '」'),
        ('『', '』'),
    ];
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // A single quote opens a quotation only at a word's start (not "don't", "d'annuler").
        let opens_single = c == '\''
            && (i == 0 || !chars[i - 1].is_alphanumeric())
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        let close = if opens_single {
            Some('\'')
        } else {
            PAIRS.iter().find(|(o, _)| *o == c).map(|(_, cl)| *cl)
        };
        if let Some(close) = close {
            if let Some(j) = chars[i + 1..].iter().position(|x| *x == close) {
                out.push(' ');
                i += j + 2;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The lowercase word tokens of a clause (apostrophes and hyphens split: "d'annuler" is "d",
/// "annuler"; "peux-tu" is "peux", "tu").
fn tokens(clause: &str) -> Vec<String> {
    clause
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The action classes one clause asks for: the verb that opens it, after any request markers
/// ("please cancel", "merci d'annuler", "por favor, reembolsa"), or, after a German modal,
/// the verb that closes it ("kannst du X stornieren"). Nouns of the object ("look up the
/// refund of X", "a ticket about a booking") are not the request's verb.
fn clause_request(clause: &str) -> u32 {
    let words = tokens(clause);
    let mut i = 0;
    let mut verb_last = false;
    'strip: while i < words.len() {
        for m in LEADING_MARKERS.iter().chain(VERB_LAST_MARKERS) {
            if words.len() >= i + m.len()
                && words[i..i + m.len()]
                    .iter()
                    .zip(m.iter())
                    .all(|(w, m)| w == m)
            {
                verb_last |= VERB_LAST_MARKERS.contains(m);
                i += m.len();
                continue 'strip;
            }
        }
        if i > 0 && AFTER_MARKER.contains(&words[i].as_str()) {
            i += 1;
            continue;
        }
        break;
    }
    let rest = &words[i..];
    let Some(first) = rest.first() else {
        return 0;
    };
    if ru_pl_sv_id_tr::noun_not_verb(clause, rest) {
        return 0;
    }
    let last = rest.last().map(String::as_str).unwrap_or("");
    if verb_last {
        // After a German modal the object comes first and the verb last ("Kannst du export
        // EX-1 prüfen?" asks to check, not to export).
        return if rest.len() > 1 {
            classes_in(&format!(" {last} "))
        } else {
            0
        };
    }
    // An imperative is the verb's base form: a clause opening with an English -ing form
    // ("booking X: what is its status?") names a thing, it asks for nothing.
    if first.len() > 5 && first.ends_with("ing") && first.is_ascii() {
        return 0;
    }
    let mut bits = classes_in(&format!(" {first} "));
    if bits == 0 && rest.len() >= 3 && rest[1] == "à" && rest[2] == "jour" {
        // "mettre à jour", "mets à jour": the verb is the whole phrase.
        bits = classes_in(&rest[..3].join(" "));
    }
    if bits == 0 && rest.len() >= 2 && ["up", "back"].contains(&rest[1].as_str()) {
        // "set up a weekly run", "roll back the deployment": a phrasal verb.
        bits = classes_in(&rest[..2].join(" "));
    }
    for (stem, particle, means) in SEPARABLE {
        if rest.len() > 1 && first.starts_with(stem) && last == *particle {
            bits |= classes_in(means);
        }
    }
    for (stem, particle, means) in SEPARABLE_CHANGING {
        if first.starts_with(stem) && rest[1..].iter().any(|w| w == particle) {
            bits = classes_in(means);
        }
    }
    bits
}

/// The action classes of a Japanese request: the words just before its polite ending
/// ("予約してください", "注文をキャンセルしてください").
fn japanese_request(clause: &str) -> u32 {
    for ending in JA_REQUEST_ENDINGS {
        if let Some(at) = clause.find(ending) {
            let before: String = clause[..at]
                .chars()
                .rev()
                .take(8)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let verb = before
                .rsplit(['を', 'は', 'が', 'に', 'の'])
                .next()
                .unwrap_or("");
            return classes_in(verb);
        }
    }
    0
}

/// Words that end with a full stop without ending the sentence ("Dr. Lee", "z. B.").
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "nr", "no", "vs", "ca", "approx", "mme", "mlle", "jr",
    "sr", "sra", "srta", "inc", "ltd", "co", "corp", "dept", "bzw", "sig", "ref", "vol",
];

/// Whether the `.` at byte `at` of `text` ends a sentence: not inside a word or number
/// (`example.org`, `3.5`), not after an initial (`C. Dubois`) or a common abbreviation.
fn ends_sentence(text: &str, at: usize) -> bool {
    let after = &text[at + 1..];
    if after.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return false;
    }
    let before = &text[..at];
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect();
    let n = word.chars().count();
    if n == 1 {
        return false;
    }
    let word: String = word.chars().rev().collect::<String>().to_lowercase();
    !(n > 0 && ABBREVIATIONS.contains(&word.as_str()))
}

/// The pieces of `text` ending at any of `ends` (each piece keeps its terminator); a full stop
/// ends a piece only where it [`ends_sentence`].
pub fn split_sentences<'a>(text: &'a str, ends: &[char]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if ends.contains(&c) && (c != '.' || ends_sentence(text, i)) {
            let end = i + c.len_utf8();
            out.push(&text[start..end]);
            start = end;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The action classes a user message asks to be performed (zero for questions about actions:
/// "how do I cancel?", "what is the refund policy?"). The action is the request's verb, in
/// any of its clauses; quoted passages and the nouns of the object do not count.
pub fn requested_classes(text: &str) -> u32 {
    let t = text.trim();
    if t.is_empty() || t.len() > 2000 || information_question().is_match(t) {
        return 0;
    }
    if ru_pl_sv_id_tr::only_asks_how(t) {
        return 0;
    }
    let cleaned = without_quotes(t);
    let mut bits = 0;
    // Commas do not end a clause: "Por favor, cancela X" is one request, and the items of a
    // list ("check A, the scheduler service") are things, not verbs. A colon opens one ("I
    // said: cancel order A1"). The full-width comma of Chinese does separate clauses ("发票开错了，
    // 请作废": a statement, then the request).
    const ENDS: &[char] = &[
        '.', '!', '?', ';', ':', '\n', '。', '！', '？', '¿', '¡', '：', '，',
    ];
    for clause in split_sentences(&cleaned, ENDS) {
        let clause = clause.trim().trim_end_matches(ENDS).trim();
        if clause.is_empty() {
            continue;
        }
        // A Turkish verb ends its clause, whose first word is then its object.
        let verb_last = ru_pl_sv_id_tr::turkish_request(clause);
        bits |= if verb_last != 0 {
            verb_last
        } else {
            clause_request(clause)
                | japanese_request(clause)
                | cjk::chinese_request(clause)
                | cjk::korean_request(clause)
                | ru_pl_sv_id_tr::request(clause)
        };
    }
    bits
}

/// Past participles of the actions, by language (used in [`claim`]).
const EN_DONE: &str = r"cancell?ed|booked|rebooked|refunded|generated|reconciled|voided|rolled\ back|paged|reserved|scheduled|rescheduled|sent|e-?mailed|refunded|created|added|registered|restarted|rebooted|re-?run|relaunched|redeployed|approved|accepted|updated|changed|edited|modified|exported|deleted|removed|paid|charged|submitted|set\ up|configured";
const DE_DONE: &str = r"storniert|abgesagt|gebucht|reserviert|gesendet|geschickt|verschickt|versendet|erstattet|erstellt|angelegt|neu\ gestartet|neugestartet|genehmigt|freigegeben|aktualisiert|geändert|exportiert|gelöscht|bezahlt|geplant|eingeplant|vereinbart|eingerichtet|konfiguriert";
const FR_DONE: &str = r"(?:annul|réserv|envoy|rembours|cré|redémarr|relanc|approuv|modifi|export|supprim|pay|planifi|programm|configur)ée?s?|mise?s?\ à\ jour|mise?s?\ en\ place";
const ES_DONE: &str = r"(?:cancelad|reservad|enviad|reembolsad|cread|mandad|reiniciad|relanzad|aprobad|actualizad|modificad|exportad|eliminad|borrad|pagad|programad|agendad|configurad)[oa]s?";
const PT_DONE: &str = r"(?:cancelad|reservad|enviad|reembolsad|criad|reiniciad|aprovad|atualizad|exportad|excluíd|apagad|agendad|configurad)[oa]s?|pag[oa]s?";
const NL_DONE: &str = r"geannuleerd|geboekt|omgeboekt|gereserveerd|verstuurd|verzonden|gestuurd|terugbetaald|aangemaakt|gemaakt|herstart|verwijderd|betaald|bijgewerkt|gewijzigd|teruggedraaid|gealarmeerd|gepaged";
const IT_DONE: &str = r"(?:riconciliat|annullat|cancellat|prenotat|inviat|rimborsat|creat|riavviat|rilanciat|approvat|aggiornat|esportat|eliminat|pagat|programmat|configurat|impostat)[oaie]";

/// Chinese: 已 (already) before the action ("已为您改签", "已取消"), or the action followed by
/// 已/成功/完成 ("退款已发起", "发送成功").
const ZH_DONE: &str = r"已(?:经)?(?:为您|帮您|给您)?(?:取消|作废|预订|预约|改签|发送|寄出|退款|创建|生成|重启|回滚|删除|支付|付款|对账|修改|更新)|(?:取消|预订|预约|改签|发送|退款|创建|生成|重启|回滚|删除|支付|付款|对账)(?:已|成功|完成)";
/// Korean: the action noun, then a completed ending ("발송이 완료되었습니다", "취소했습니다").
const KO_DONE: &str = r"(?:취소|예약|발송|전송|환불|생성|재시작|롤백|삭제|결제|변경)(?:가|이|를|을)?\s*(?:완료되었습니다|완료했습니다|완료됐습니다|했습니다|되었습니다|됐습니다)";

/// A sentence asserting a completed action: the subject's auxiliary right before the past
/// participle (only adverbs between: "I've just cancelled", "has now been booked", "a été
/// relancé", "ya está cancelado"). German puts the object between them ("Ich habe die
/// Bestellung storniert"), so it may stand between them there. Reported content after a colon
/// ("Here is what I found: payout P is paid") is never the subject's own claim.
fn claim() -> &'static ScreenedRegex {
    static RE: OnceLock<ScreenedRegex> = OnceLock::new();
    RE.get_or_init(|| {
        let adv = r"(?:\s+(?:just|now|already|also|successfully|all|both))*";
        let pattern = format!(
            r"(?ix)
            \b(?:i|we)(?:\x27ve|’ve|\s+have|\s+had)?{adv}\s+(?:{EN_DONE})\b
          | \b(?:has|have){adv}\s+been{adv}\s+(?:{EN_DONE})\b
          | \b(?:was|were|is\s+now|are\s+now|got|you\x27re|you’re|you\s+are){adv}\s+(?:{EN_DONE})\b
          | \b(?:ik\s+heb|heb\s+ik|we\s+hebben|hebben\s+we|is|zijn|werd|werden)\b[^.!?\n:;]{{0,60}}?\b(?:{NL_DONE})\b
          | {ZH_DONE}
          | {KO_DONE}
          | \bsuccessfully\s+(?:{EN_DONE})\b
          | \b(?:habe|haben|hab|hat|wurde|wurden|ist|sind)\b[^.!?\n:;]{{0,60}}?\b(?:{DE_DONE})\b
          | (?:\bj\x27ai|\bj’ai|\bnous\s+avons|\bl\x27ai|\bl’ai|\ba\s+été|\bont\s+été|\best|\bsont)(?:\s+(?:bien|maintenant|déjà|été))*\s+(?:{FR_DONE})\b
          | \b(?:he|hemos|ha\s+sido|han\s+sido|fue|fueron|quedó|quedaron|está|están)(?:\s+(?:ya|correctamente))?\s+(?:{ES_DONE})\b
          | \b(?:foi|foram|está|estão)(?:\s+(?:já|devidamente))?\s+(?:{PT_DONE})\b
          | \b(?:cancelei|reservei|enviei|reembolsei|criei|reiniciei|aprovei|atualizei|exportei|excluí|paguei|agendei)\b
          | \b(?:ho|abbiamo|è\s+stat[oa]|sono\s+stat[ie])(?:\s+(?:già|correttamente))?\s+(?:{IT_DONE})\b
          | (?:キャンセル|予約|送信|返金|作成|再起動|再実行|承認|更新|変更|エクスポート|削除|支払|設定|手配)(?:を|が)?(?:しました|いたしました|されました|済みです|済み|完了しました)
        "
        );
        ScreenedRegex::new(&pattern).expect("claim regex")
    })
}

/// Words that make a sentence something other than a completed action: negation, plans,
/// conditions, offers ("not", "nothing", "will", "if", "rien", "nada", "nichts", "できな").
fn negation() -> &'static ScreenedRegex {
    static RE: OnceLock<ScreenedRegex> = OnceLock::new();
    RE.get_or_init(|| {
        ScreenedRegex::new(r"(?i)\bnot\b|n't\b|n’t\b|\bnever\b|\bnothing\b|\bunable\b|\bnicht\b|\bnichts\b|\bkein|\bpas\b|\brien\b|\bjamais\b|\bn'|\bn’|\bno\b|\bnada\b|\bningun|\bnão\b|\bnenhum|\bnon\b|\bnessun|ません|できな|失敗|\bwill\b|'ll\b|’ll\b|\bwould\b|\bshall\b|\bcan\b|\bonce\b|\bif\b|\bwenn\b|\bfalls\b|\bsi\b|\bse\b|\bsoll\b")
            .expect("negation regex")
    })
}

fn first_person() -> &'static ScreenedRegex {
    static RE: OnceLock<ScreenedRegex> = OnceLock::new();
    RE.get_or_init(|| {
        ScreenedRegex::new(r"(?i)^(i\b|i'|i’|we\b|we'|we’|habe\b|haben\b|hab\b|j'ai|j’ai|l'ai|l’ai|nous avons|he\b|hemos|ho\b|abbiamo|cancelei|reservei|enviei|reembolsei|criei|reiniciei|aprovei|atualizei|exportei|excluí|paguei|agendei)")
            .expect("first person regex")
    })
}

/// The sentences of an answer that state something (questions ask, they claim nothing).
fn statements(answer: &str) -> impl Iterator<Item = &str> {
    split_sentences(answer, &['.', '!', '?', '\n', '。', '！', '？'])
        .into_iter()
        .filter(|s| !s.trim_end().ends_with(['?', '？']))
}

/// Claims made in the first person ("I've cancelled", "J'ai annulé", "He cancelado"), as
/// class bits; the rest of [`claimed_classes`] are passive ("has been cancelled").
pub fn first_person_claims(answer: &str) -> u32 {
    let mut bits = 0;
    for sentence in statements(answer) {
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
/// Negated, conditional, future and questioning sentences do not claim anything.
pub fn claimed_classes(answer: &str) -> u32 {
    let mut bits = 0;
    for sentence in statements(answer) {
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

mod cjk;
mod ru_pl_sv_id_tr;
#[cfg(test)]
mod tests;
