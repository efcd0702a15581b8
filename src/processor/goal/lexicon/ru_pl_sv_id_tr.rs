//! Requests in Russian, Polish, Swedish, Indonesian and Turkish, and the action classes the
//! first lexicon lacked: extend (renew, prolong, postpone), enroll, order (refill), transfer,
//! publish (post, announce) and release (lift a hold, unblock). Words that name a thing as
//! often as an action in tool names ("post", "file") are read in requests only: a tool named
//! `post_journal_entry` or `upload_file` says nothing of what it does.
//!
//! Russian, Polish, Swedish and Indonesian put the verb of a request first, as an imperative
//! (or an infinitive after a modal or "please"): the clause's first word after the request
//! markers is matched as a whole word against each class's imperative forms, so a noun of the
//! same stem ("Отмена заказа", "Bokning B-1", "Zamówienie Z-1") asks for nothing. Turkish
//! puts the verb last: the clause's last word as an imperative (`gönder`, `yayınlayın`), an
//! aorist before a question particle (`gönderir misin`), or a light verb after the noun of the
//! action (`iptal et`, `rezervasyonu yap`, `randevu ayarla`).
//!
//! Verbs that name no particular action ("Оформите", "Złóż", "Ajukan", `talep et`, "file",
//! "submit": make, submit or file a request for something) ask to set something up: any
//! acting tool meets them ([`SET_UP`]). Causatives ask for the state they name ("get the hold
//! released", "få X släppt", "lass X aufheben"), and "open a/an/ett …" brings a new thing into
//! being.

use std::sync::OnceLock;

use super::{class_bit, classes_in, tokens, SET_UP};
use crate::processor::screen::Screened;

/// Classes after [`super::CLASSES`], with their words in the languages whose requests are
/// read by [`super::clause_request`] and in tool names and descriptions.
pub const MORE_CLASSES: &[(&str, &str)] = &[
    (
        "extend",
        r"\brenew|\bextend|\bprolong|verlänger|\bverläng|prolonge|prorrog|prolung|rinnov|renouvel|verleng|\bpostpone|verschieb|uitstel",
    ),
    (
        "enroll",
        r"\benrol|einschreib|eingeschrieben|\banmeld|angemeldet|\binscri|\biscriv|\bmatricul|inschrijv|ingeschreven",
    ),
    // "order" and "Bestellung" name the thing a tool or an answer is about as often as the
    // action ("cancel_order", "die Bestellung wurde storniert"): only a request's verb
    // (`INITIAL`), a refill and placing an order are the action.
    (
        "order",
        r"\breorder|\brefill|\b(?:place|create|submit)\s+(?:an?\s+)?order\b",
    ),
    (
        "transfer",
        r"\btransfer|übertrag|\btransfér|\btrasferi|overdra",
    ),
    (
        "publish",
        r"\bpublish|\bannounce|veröffentlich|\bpublie|\bpublié|\bpubblic|\bpublicar|\bpublicad|publiceer|gepubliceerd",
    ),
    (
        "release",
        r"\breleas|\bunblock|\bunlock|\blift\b|\blifted\b|aufheb|aufgehoben|\blibér|\bsblocc|vrijgeg|vrijgev|\bsläpp",
    ),
];

/// Whole-word imperative (and, after a modal, infinitive) forms of Russian, Polish, Swedish and
/// Indonesian verbs, by class. Two-word verbs ("ta bort", "starta om") are matched on the
/// clause's first two words.
const INITIAL: &[(&str, &str)] = &[
    (
        "cancel",
        "отмени(?:те)?|отменить|аннулируй(?:те)?|аннулировать|anuluj(?:cie)?|anulować|odwołaj(?:cie)?|odwołać|avboka|avbryt|annullera|makulera|batalkan",
    ),
    (
        "book",
        "забронируй(?:те)?|забронировать|бронируй(?:те)?|запланируй(?:те)?|запланировать|zarezerwuj(?:cie)?|zarezerwować|zaplanuj(?:cie)?|zaplanować|umów(?:cie)?|umówić|boka|boka in|schemalägg|pesan|pesankan|jadwalkan|reservasi|reservasikan",
    ),
    (
        "send",
        "отправь(?:те)?|отправить|пошли(?:те)?|послать|вышли(?:те)?|выслать|wyślij(?:cie)?|wysłać|prześlij(?:cie)?|przesłać|skicka|mejla|kirim|kirimkan|kirimi",
    ),
    (
        "refund",
        "возмести(?:те)?|возместить|zrefunduj(?:cie)?|refundować|återbetala|refund",
    ),
    (
        "create",
        "создай(?:те)?|создать|заведи(?:те)?|завести|utwórz(?:cie)?|utworzyć|stwórz(?:cie)?|stworzyć|załóż(?:cie)?|założyć|dodaj(?:cie)?|dodać|skapa|lägg till|buat|buatkan|bikin|bikinkan|tambahkan",
    ),
    (
        "delete",
        "удали(?:те)?|удалить|usuń(?:cie)?|usunąć|skasuj(?:cie)?|skasować|radera|ta bort|hapus|hapuskan",
    ),
    (
        "pay",
        "оплати(?:те)?|оплатить|заплати(?:те)?|заплатить|zapłać(?:cie)?|zapłacić|opłać(?:cie)?|opłacić|betala|bayar|bayarkan|lunasi",
    ),
    (
        "restart",
        "перезапусти(?:те)?|перезапустить|перезагрузи(?:те)?|перезагрузить|zrestartuj(?:cie)?|zrestartować|uruchom ponownie|starta om|mulai ulang",
    ),
    (
        "approve",
        "одобри(?:те)?|одобрить|утверди(?:те)?|утвердить|zatwierdź(?:cie)?|zatwierdzić|zaakceptuj(?:cie)?|zaakceptować|godkänn|godkänna|setujui",
    ),
    (
        "update",
        "обнови(?:те)?|обновить|измени(?:те)?|изменить|поменяй(?:те)?|поменять|zaktualizuj(?:cie)?|zaktualizować|zmień(?:cie)?|zmienić|uppdatera|ändra|perbarui|perbaharui|ubah",
    ),
    (
        "export",
        "экспортируй(?:те)?|экспортировать|выгрузи(?:те)?|выгрузить|wyeksportuj(?:cie)?|wyeksportować|eksportuj(?:cie)?|eksportować|exportera|ekspor|eksporkan",
    ),
    (
        "extend",
        "продли(?:те)?|продлить|отсрочь(?:те)?|przedłuż(?:cie)?|przedłużyć|przesuń(?:cie)?|przesunąć|förläng|förlänga|skjut upp|perpanjang|perpanjangkan|tunda|tundakan",
    ),
    (
        "enroll",
        "зачисли(?:те)?|зачислить|зарегистрируй(?:те)?|зарегистрировать|zapisz(?:cie)?|zapisać|zarejestruj(?:cie)?|zarejestrować|registrera|anmäl|skriv in|daftarkan",
    ),
    (
        "order",
        "order|reorder|закажи(?:те)?|заказать|zamów(?:cie)?|zamówić|beställ|beställa",
    ),
    (
        "transfer",
        "переведи(?:те)?|перевести|перенеси(?:те)?|перенести|przenieś(?:cie)?|przenieść|przelej(?:cie)?|przelać|flytta|överför|pindahkan|transferkan",
    ),
    (
        "publish",
        "post|опубликуй(?:те)?|опубликовать|размести(?:те)?|разместить|opublikuj(?:cie)?|opublikować|publicera|terbitkan|umumkan|publikasikan",
    ),
    (
        "release",
        "разблокируй(?:те)?|разблокировать|zwolnij(?:cie)?|zwolnić|odblokuj(?:cie)?|odblokować|släpp|frigör|lepaskan|bebaskan",
    ),
    (
        "set_up",
        "file|submit|lodge|оформи(?:те)?|оформить|подай(?:те)?|подать|настрой(?:те)?|настроить|złóż(?:cie)?|złożyć|skonfiguruj(?:cie)?|ustaw(?:cie)?|konfigurera|ställ in|lämna in|ajukan|siapkan|atur",
    ),
];

/// Words that open a request in these languages ("пожалуйста", "czy możesz", "kan du",
/// "tolong"); the verb follows them.
const MARKERS: &[&[&str]] = &[
    &["пожалуйста"],
    &["прошу"],
    &["не", "могли", "бы", "вы"],
    &["могли", "бы", "вы"],
    &["вы", "можете"],
    &["можете"],
    &["можешь"],
    &["мне", "нужно"],
    &["нужно"],
    &["надо"],
    &["срочно"],
    &["теперь"],
    &["proszę"],
    &["prosze"],
    &["czy", "możesz"],
    &["czy", "możecie"],
    &["czy", "mógłbyś"],
    &["czy", "mogłabyś"],
    &["możesz"],
    &["mógłbyś"],
    &["mogłabyś"],
    &["chcę"],
    &["chciałbym"],
    &["chciałabym"],
    &["pilnie"],
    &["teraz"],
    &["snälla"],
    &["vänligen"],
    &["kan", "du"],
    &["kan", "ni"],
    &["skulle", "du", "kunna"],
    &["skulle", "ni", "kunna"],
    &["jag", "vill", "att", "du"],
    &["jag", "vill"],
    &["tolong"],
    &["mohon"],
    &["silakan"],
    &["bisakah", "anda"],
    &["bisakah", "kamu"],
    &["bisa"],
    &["saya", "ingin"],
    &["saya", "mau"],
    &["minta"],
    &["harap"],
    &["segera"],
];

/// English words that name an action as a verb and a thing as a noun ("Order A1 has not
/// arrived", "Transfer T-1 failed", "Release 2.3 broke it"): at a clause's start they ask for
/// the action only when what follows is not an identifier or a verb of their own.
const NOUN_OR_VERB: &[&str] = &[
    "order",
    "file",
    "post",
    "transfer",
    "release",
    "refill",
    "renewal",
    "extension",
];

/// Words after a noun that make it the subject ("Order A1 is late", "Transfer failed").
const SUBJECT_FOLLOWERS: &[&str] = &[
    "is", "was", "has", "hasn", "had", "did", "didn", "does", "doesn", "failed", "status", "still",
    "never", "not", "isn", "wasn", "number", "details", "history", "went", "got",
];

/// Whether `words` (the tokens of `clause` from its verb on) open with an English noun that
/// may be a verb, used as a noun ([`NOUN_OR_VERB`]): the next word is an identifier
/// ("refill RF-Z5NJ0SU", "Order 1234"; in the clause's own spelling, since tokens split and
/// lowercase it) or makes the noun a subject ("Order A1 is late"). "Transfer RX-1 to X" still
/// asks: an identifier sent somewhere is an object.
pub fn noun_not_verb(clause: &str, words: &[String]) -> bool {
    let Some(first) = words.first() else {
        return false;
    };
    if !NOUN_OR_VERB.contains(&first.as_str()) {
        return false;
    }
    let raw: Vec<&str> = clause.split_whitespace().collect();
    let at = raw.iter().position(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .eq_ignore_ascii_case(first)
    });
    let Some(next) = at.and_then(|i| raw.get(i + 1)) else {
        return true;
    };
    let word = next.trim_matches(|c: char| !c.is_alphanumeric());
    let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    let id = word.chars().any(|c| c.is_ascii_digit())
        || (letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()));
    let sent_somewhere = raw.iter().skip(2).any(|w| w.eq_ignore_ascii_case("to"));
    (id && !sent_somewhere) || SUBJECT_FOLLOWERS.contains(&word.to_lowercase().as_str())
}

/// A table of whole-word patterns by class name, compiled once: (screen, class bits).
struct WordTable {
    set: Screened,
    bits: Vec<u32>,
}

impl WordTable {
    fn new(table: &[(&str, &str)]) -> WordTable {
        WordTable {
            set: Screened::new(table.iter().map(|(_, p)| format!("(?i)^(?:{p})$")))
                .expect("word table regex"),
            bits: table.iter().map(|(n, _)| class_bit(n)).collect(),
        }
    }

    fn classes(&self, word: &str) -> u32 {
        if word.is_empty() || word.len() > 60 {
            return 0;
        }
        self.set
            .matches(word)
            .into_iter()
            .fold(0, |a, i| a | self.bits[i])
    }
}

fn initial() -> &'static WordTable {
    static T: OnceLock<WordTable> = OnceLock::new();
    T.get_or_init(|| WordTable::new(INITIAL))
}

/// The action classes one clause asks for in these languages.
pub fn request(clause: &str) -> u32 {
    let words = tokens(clause);
    let mut i = 0;
    'strip: while i < words.len() {
        for m in MARKERS {
            if words.len() >= i + m.len()
                && words[i..i + m.len()]
                    .iter()
                    .zip(m.iter())
                    .all(|(w, m)| w == m)
            {
                i += m.len();
                continue 'strip;
            }
        }
        break;
    }
    let rest = &words[i..];
    if noun_not_verb(clause, rest) {
        return 0;
    }
    let mut bits = 0;
    if let Some(first) = rest.first() {
        bits |= initial().classes(first);
        if let Some(second) = rest.get(1) {
            bits |= initial().classes(&format!("{first} {second}"));
        }
        bits |= causative(rest) | open_new(rest) | separable(rest);
    }
    bits
}

/// "get the hold released", "have it cancelled", "få X släppt", "lass X aufheben": the state
/// the last word names, when it is a past participle (English, Swedish) or an infinitive
/// (German) ("Get me the latest booking" asks for a thing, not an action).
fn causative(words: &[String]) -> u32 {
    const EN: &[&str] = &["get", "have"];
    const SV: &[&str] = &["få", "låt"];
    const DE: &[&str] = &["lass", "lasst", "lassen"];
    const EN_IRREGULAR: &[&str] = &["sent", "paid", "done", "set", "made", "built"];
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return 0;
    };
    let (first, last) = (first.as_str(), last.as_str());
    let participle = if EN.contains(&first) {
        last.ends_with("ed") || EN_IRREGULAR.contains(&last)
    } else if SV.contains(&first) {
        last.ends_with('t') || last.ends_with('d')
    } else if DE.contains(&first) {
        last.ends_with('n')
    } else {
        false
    };
    if words.len() > 2 && participle {
        classes_in(&format!(" {last} "))
    } else {
        0
    }
}

/// "Open a support ticket", "öppna ett ärende": opening a new thing creates it (opening the
/// report only reads it).
fn open_new(words: &[String]) -> u32 {
    const OPEN: &[&str] = &["open", "öppna"];
    const NEW: &[&str] = &["a", "an", "new", "another", "ett", "en", "ny", "nytt"];
    match (words.first(), words.get(1)) {
        (Some(o), Some(n)) if OPEN.contains(&o.as_str()) && NEW.contains(&n.as_str()) => {
            class_bit("create")
        }
        _ => 0,
    }
}

/// German separable verbs the first lexicon lacks: (stem, particle at the clause's end, the
/// words of the action) ("reich X ein" files, "heb X auf" lifts, "schreib X ein" enrolls).
const SEPARABLE: &[(&str, &str, &str)] = &[
    ("reich", "ein", "set_up"),
    ("heb", "auf", "release"),
    ("schreib", "ein", "enroll"),
    ("meld", "an", "enroll"),
    ("leg", "an", "create"),
];

fn separable(words: &[String]) -> u32 {
    let (Some(first), Some(last)) = (words.first(), words.last()) else {
        return 0;
    };
    SEPARABLE
        .iter()
        .filter(|(stem, particle, _)| {
            words.len() > 1 && first.starts_with(stem) && last == particle
        })
        .fold(0, |a, (_, _, class)| a | class_bit(class))
}

/// Turkish verb stems by class, as imperatives (`gönder`, `gönderin`) or aorists before a
/// question particle (`gönderir misin`).
const TR_STEMS: &[(&str, &str)] = &[
    ("send", "gönder"),
    ("send", "yolla"),
    ("publish", "yayınla"),
    ("publish", "paylaş"),
    ("create", "oluştur"),
    ("delete", "sil"),
    ("pay", "öde"),
    ("extend", "uzat"),
    ("extend", "ertele"),
    ("transfer", "taşı"),
    ("update", "güncelle"),
    ("update", "değiştir"),
    ("approve", "onayla"),
    ("book", "planla"),
    ("book", "ayırt"),
];

/// Turkish nouns of actions before a light verb (`iptal et`, `rezervasyonu yap`), with their
/// case endings (`kaydı`, `rezervasyonu`, `randevuyu`).
const TR_NOUNS: &[(&str, &str)] = &[
    ("cancel", "iptal"),
    ("book", "rezervasyon(?:u|unu)?|rezerve|randevu(?:yu)?"),
    ("transfer", "transfer(?:i|ini)?|nakil"),
    ("enroll", "kayıt|kaydı|kaydını"),
    ("refund", "iade(?:yi|sini)?"),
    ("order", "sipariş(?:i|ini)?"),
    ("pay", "ödeme(?:yi|sini)?"),
    ("approve", "onay"),
    ("set_up", "talep|başvuru(?:yu)?|kurulum"),
];

/// Light verbs: `et`, `yap`, `ver`, `ayarla` in the imperative or the aorist.
const TR_LIGHT: &[&str] = &[
    "et",
    "edin",
    "ediniz",
    "eder",
    "yap",
    "yapın",
    "yapınız",
    "yapar",
    "ver",
    "verin",
    "veriniz",
    "verir",
    "ayarla",
    "ayarlayın",
    "ayarlar",
    "gerçekleştir",
    "gerçekleştirin",
];

/// Polite imperative endings of the second person plural.
const TR_PLURAL: &[&str] = &[
    "in", "ın", "un", "ün", "yin", "yın", "yun", "yün", "iniz", "ınız", "unuz", "ünüz", "yiniz",
    "yınız",
];

/// Aorist endings before `misin`.
const TR_AORIST: &[&str] = &[
    "ir", "ır", "ur", "ür", "er", "ar", "r", "ebilir", "abilir", "yebilir", "yabilir",
];

/// Question particles that make an aorist a polite request (`gönderir misin?`).
const TR_QUESTION: &[&str] = &[
    "misin",
    "mısın",
    "musun",
    "müsün",
    "misiniz",
    "mısınız",
    "musunuz",
    "müsünüz",
];

/// Words after a Turkish verb that are not the verb: please, now, today.
const TR_TAIL: &[&str] = &[
    "lütfen", "hemen", "şimdi", "bugün", "yarın", "acilen", "artık",
];

fn tr_nouns() -> &'static WordTable {
    static T: OnceLock<WordTable> = OnceLock::new();
    T.get_or_init(|| WordTable::new(TR_NOUNS))
}

/// The class of a Turkish verb form: `form` is the stem with an ending from `endings` (or
/// none).
fn tr_verb(word: &str, endings: &[&str], bare: bool) -> u32 {
    TR_STEMS
        .iter()
        .filter(|(_, stem)| {
            word.strip_prefix(stem)
                .is_some_and(|e| (bare && e.is_empty()) || endings.contains(&e))
        })
        .fold(0, |a, (n, _)| a | class_bit(n))
}

/// The action classes of a Turkish request: the verb that ends one of its comma-separated
/// parts ("a refill of X talep et, ilacım bitmek üzere").
pub fn turkish_request(clause: &str) -> u32 {
    let mut bits = 0;
    for part in clause.split([',', '،']) {
        let mut words = tokens(part);
        let mut timed = false;
        while words.last().is_some_and(|w| TR_TAIL.contains(&w.as_str())) {
            words.pop();
        }
        let Some(mut last) = words.pop() else {
            continue;
        };
        let mut aorist = false;
        if TR_QUESTION.contains(&last.as_str()) {
            let Some(verb) = words.pop() else { continue };
            last = verb;
            aorist = true;
        }
        let own = if aorist {
            tr_verb(&last, TR_AORIST, false)
        } else {
            tr_verb(&last, TR_PLURAL, true)
        };
        let light = TR_LIGHT.contains(&last.as_str()) || last.starts_with("oluştur");
        if !light {
            bits |= own;
            continue;
        }
        while words.last().is_some_and(|w| TR_TAIL.contains(&w.as_str())) {
            words.pop();
            timed = true;
        }
        let noun = words.last().map_or(0, |w| tr_nouns().classes(w));
        bits |= if noun != 0 {
            noun
        } else if own != 0 {
            own
        } else if timed && last.starts_with("ver") {
            // "X bugün ver": hand X in today, whatever X is.
            SET_UP
        } else {
            0
        };
    }
    bits
}

/// Messages that ask how to do something or say they only ask ("Jak sam mógłbym to zrobić?
/// Na razie tylko pytam", "kendim nasıl yaparım? Şimdilik sadece soruyorum"): no request.
pub fn only_asks_how(text: &str) -> bool {
    static RE: OnceLock<Screened> = OnceLock::new();
    RE.get_or_init(|| {
        Screened::new([r"(?i)\bnasıl\b|\bjak\s+(?:sam|sama|mogę|mógłbym|mogłabym)\b|\bкак\s+(?:мне|я)\b|\bhur\s+(?:gör|kan|skulle)\s+jag\b|\bbagaimana\s+(?:cara|saya)\b|\btylko\s+pytam\b|\bsadece\s+soruyorum\b|\bпросто\s+спрашиваю\b|\bjag\s+undrar\s+bara\b|\bbara\s+nyfiken\b|\b(?:hanya|cuma)\s+(?:bertanya|tanya)\b|\bfrage\s+nur\b|\bjust\s+asking\b"])
            .expect("asks-how regex")
    })
    .is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::processor::goal::lexicon::{class_names, requested_classes};

    fn names(bits: u32) -> Vec<&'static str> {
        class_names(bits)
    }

    #[test]
    fn imperatives_that_open_a_clause_are_requests_in_russian_polish_swedish_and_indonesian() {
        for (text, want) in [
            (
                "Опубликуйте the announcement 'Midterm room change' in ECO101.",
                "publish",
            ),
            ("Отмените appointment apt-4479.", "cancel"),
            ("Пожалуйста, продлите lease L-1 for 6 months.", "extend"),
            ("Можете отправить счёт клиенту?", "send"),
            (
                "Zarezerwuj a 40HC container from Rotterdam to Tanjung Priok.",
                "book",
            ),
            (
                "Nadal nie zrobione. Zamów a refill of RX-1, kończą mi się tabletki.",
                "order",
            ),
            ("Przesuń termin: the deadline of A-152 by 6 days.", "extend"),
            ("Czy możesz anulować wizytę?", "cancel"),
            ("Boka a video consult for pat-1 at 09:00.", "book"),
            ("Avboka appointment apt-1.", "cancel"),
            ("Kan du skicka fakturan?", "send"),
            ("Ta bort användaren U-1.", "delete"),
            (
                "Masih belum dikerjakan. Kirim the email to a@b.example sekarang.",
                "send",
            ),
            ("Perpanjang lease L-24226 for 12 months.", "extend"),
            ("Tolong batalkan pesanan saya.", "cancel"),
            ("Daftarkan student S1 in CS101.", "enroll"),
        ] {
            assert_eq!(names(requested_classes(text)), vec![want], "{text}");
        }
    }

    #[test]
    fn nouns_of_the_same_stem_and_lookups_are_not_requests() {
        for text in [
            "Отмена заказа A1 — что с ней?",
            "Проверьте, пожалуйста, the submissions for assignment A-394.",
            "Мне нужна информация: the enrollment of student S1.",
            "Zamówienie Z-1 jeszcze nie dotarło.",
            "Sprawdź proszę lease L-1.",
            "Co słychać w sprawie: refill RF-1?",
            "Bokning B-1, vad är status?",
            "Kan du kolla the ledger of tenant T-1?",
            "Tolong cek prescription RX-1.",
            "Bagaimana status pesanan saya?",
            "Pengiriman paket P-1 terlambat.",
        ] {
            assert_eq!(requested_classes(text), 0, "{text}");
        }
    }

    #[test]
    fn turkish_requests_end_with_their_verb() {
        for (text, want) in [
            ("appointment apt-2587 iptal et.", "cancel"),
            ("the email to a@b.example gönder lütfen.", "send"),
            (
                "the announcement 'Lab 4 released' in CS101 yayınla.",
                "publish",
            ),
            ("a video consult for pat-1 rezervasyonu yap.", "book"),
            (
                "Lütfen a viewing of listing LS7889 için randevu ayarla.",
                "book",
            ),
            ("Kaydı yap: student S7556908 in CS101.", "enroll"),
            (
                "prescription RX-1 to HealthHub #88 transfer et.",
                "transfer",
            ),
            ("Faturayı gönderir misiniz?", "send"),
            ("Siparişi iptal eder misin?", "cancel"),
            ("Lease süresini uzatın.", "extend"),
        ] {
            assert_eq!(names(requested_classes(text)), vec![want], "{text}");
        }
        assert_eq!(
            requested_classes("a refill of RX-1 talep et, ilacım bitmek üzere."),
            SET_UP
        );
        assert_eq!(
            requested_classes("the customs declaration for HLXU1 bugün ver."),
            SET_UP
        );
        for text in [
            "the forecast for Austin için bakabilir misin?",
            "course CS101 ne durumda?",
            "the enrollment of student S1 hakkında bilgi lazım.",
            "Evet, devam et.",
            "Hâlâ yapılmadı.",
            "Bana siparişin detaylarını ver.",
            "Teşekkürler, bu kadar.",
        ] {
            assert_eq!(requested_classes(text), 0, "{text}");
        }
    }

    #[test]
    fn asking_how_to_do_it_oneself_is_not_a_request() {
        for text in [
            "Jak sam mógłbym to zrobić (cancel) dla appointment apt-9738? Na razie tylko pytam.",
            "Gerekirse the deadline of A-250 için bunu (extend) kendim nasıl yaparım? Şimdilik sadece soruyorum.",
            "Как мне самому отменить запись?",
            "Hur gör jag för att avboka själv?",
            "Bagaimana cara membatalkan pesanan?",
            "How would I release the hold on container MSCU1 myself if I needed to? Just asking for now.",
        ] {
            assert_eq!(requested_classes(text), 0, "{text}");
        }
    }

    #[test]
    fn new_action_classes_are_read_from_english_requests_and_tool_names() {
        use crate::processor::goal::lexicon::tool_classes;
        for (text, want) in [
            ("Renew lease L-30658 for 6 months.", "extend"),
            ("Enroll student S7010717 in CS101.", "enroll"),
            (
                "Transfer prescription RX-435625 to GreenCross #301.",
                "transfer",
            ),
            ("Transfer RX-1 to CarePlus #214.", "transfer"),
            ("File the customs declaration for HLXU1 today.", "set_up"),
            (
                "Post the announcement 'Office hours moved' in CS101.",
                "publish",
            ),
            (
                "Open a support ticket about 'Missing commercial invoice'.",
                "create",
            ),
            ("Get the hold on container HLXU6956508 released.", "release"),
            ("Få the hold on container MSCU1 släppt.", "release"),
            (
                "Reich the customs declaration for MSCU2147504 heute ein.",
                "set_up",
            ),
            (
                "Verlängere die Frist: the deadline of A-755 by 6 days.",
                "extend",
            ),
        ] {
            assert_eq!(names(requested_classes(text)), vec![want], "{text}");
        }
        for (tool, want) in [
            ("renew_lease", "extend"),
            ("extend_deadline", "extend"),
            ("enroll_student", "enroll"),
            ("request_refill", "order"),
            ("transfer_prescription", "transfer"),
            ("post_announcement", "publish"),
            ("request_hold_release", "release"),
        ] {
            assert_eq!(names(tool_classes(tool, None, None)), vec![want], "{tool}");
        }
        // Names whose words are things as often as actions say nothing of what a tool does.
        for tool in ["file_entry", "post_journal_entry", "upload_file"] {
            assert_eq!(tool_classes(tool, None, None), 0, "{tool}");
        }
    }

    #[test]
    fn english_nouns_that_may_be_verbs_are_not_requests_as_subjects() {
        for text in [
            "Order 1234 has not arrived.",
            "Transfer T-1 failed, why?",
            "Release 2.3 is broken.",
            "Order status for A1",
            "Open the report R-1.",
            "Мне нужна информация: refill RF-Z5NJ0SU / interactions between A and B.",
            "refill RF-ACOGAOD için bakabilir misin?",
            "the weather at Tanjung Priok bilgisini yeniler misin? Güncel durum lazım.",
            "Get me the latest booking.",
            "Have a look at the refund.",
        ] {
            assert_eq!(requested_classes(text), 0, "{text}");
        }
    }
}
