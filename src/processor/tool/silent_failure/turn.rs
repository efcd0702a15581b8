//! The pure side of silent-failure detection: what one turn showed, and the verdict on each of
//! its failed tool calls.

use std::sync::OnceLock;

use super::hypothetical::in_conditional_clause;
use super::negated::is_negated_error;
use crate::processor::screen::Screened;
use serde_json::Value;

use crate::processor::tool::result::SpanKey;

/// At most this many facts of each kind per turn.
const MAX_FACTS: usize = 64;

/// Words and phrases by which an answer admits a problem or conveys that nothing was found, in
/// English, German, French, Spanish, Italian, Portuguese, Dutch, Polish, Russian, Swedish,
/// Turkish, Indonesian, Chinese, Japanese and Korean: per language, the family of what an
/// admission says (a failure or inability verb under negation, no access or permission, access
/// expired or to be reconnected, nothing found, ask or try again later), not fixed phrases. Words that also describe healthy outcomes ("issue", "problem", "error",
/// "outage", "timeout", "retry" alone) are not enough: they need a context that makes them about
/// the request ("a problem with", "ran into an issue", "got an error", "experiencing an
/// outage"), so an answer about errors as a topic does not pass for an admission.
pub const DEFAULT_ACKNOWLEDGEMENTS: &[&str] = &[
    r"\bsorry\b",
    r"\bapologi[sz]e",
    r"\bunfortunately\b",
    r"\bunable\b",
    r"\b(was|were|am|is|are)(n'?t| not) able\b",
    r"\bnot able\b",
    r"\bcan'?t\b",
    r"\bcannot\b",
    r"\bcan not\b",
    r"\bcouldn'?t\b",
    r"\bcould not\b",
    r"\bfail(ed|ure|ing|s)?\b",
    // An error that happened to the request, not errors as a topic ("the error codes you asked
    // about").
    r"\b(an?|some|got|hit|encountered|returned|returns|returning|gave|throws?|threw|technical|unexpected|internal|server|system|temporary)\s+errors?\b|\berrors?\s+(occurred|happened|while|when|from|during|fetching|retrieving|accessing|reaching|connecting|loading)\b|\berrors?\s*[:(]",
    r"\btry again\b",
    r"\b(please|you can|you could|you may|i'?ll|i will|we'?ll|we will|let me|try to|to) retry\b|\bretry (later|again|in a|shortly|after|once)\b",
    r"\bnot (currently )?available\b|\b(isn'?t|aren'?t|wasn'?t|weren'?t) (currently |yet )?available\b",
    r"\bunavailable\b",
    r"\b(a|an|some|the|technical)\s+(technical\s+)?(problems?|issues?)\s+(with|occurred|accessing|reaching|connecting|on (our|the|my) (side|end))",
    r"\b(problems?|issues?)\s+(occurred|arose|came up)",
    r"\bran into\b",
    r"\btrouble\b",
    r"\bwent wrong\b",
    r"\b(did not|didn'?t|does not|doesn'?t|is not|isn'?t) work",
    r"\bnot working\b",
    r"\btemporarily\b|\btemporary (issue|problem|error|outage|glitch|failure|disruption|unavailab)",
    r"\btechnical difficult",
    r"\b(no|don'?t have|do not have) access\b",
    r"\bexpired\b",
    r"\b(an|ongoing|current|temporary|experiencing|partial|service|system)\s+outage\b|\boutage (on|in|at|affecting)\b",
    r"\btimed ?out\b|\btime-?outs? (occurred|error|happened)\b|\b(hit|got|encountered|ran into) an? time-?out\b",
    r"\bdown (right )?now\b",
    r"\bnot (be )?(able|possible)\b",
    r"\b(found|find|there (is|are|were|was))\s+no\b",
    r"\bno\s+(results?|matches|records?|data|entries|items?|orders?|documents?)\b",
    r"\bnothing\s+(was\s+)?(found|matched|came up|available)",
    r"\bnot find\b",
    r"\bfound nothing\b|\bnothing (for|about|on)\b",
    // Indirect English: the request did not go through, the service did not answer, the
    // lookup came back empty, the tool answered with an error status.
    r"\bI'?m afraid\b|\b(didn'?t|did not|doesn'?t|does not) go through\b|\bhaven'?t been able\b",
    r"\b(isn'?t|is not|aren'?t|are not|wasn'?t|was not|weren'?t|were not|not|stopped|didn'?t|did not|doesn'?t|does not) respond(ing)?\b|\bno (response|reply|answer) from\b",
    r"\b(didn'?t|did not) (find|locate|get|retrieve|receive)\b|\b(don'?t|doesn'?t|do not|does not) (appear|seem) to (be|have) (any|anything)\b",
    r"\bcame back (empty|blank|with nothing)|\breturned (nothing|no (results?|data|matches)|an? (error|empty))",
    r"\b(returned|returning|got|gave|answered|with)\s+(an?\s+(http\s+)?|http\s+|(status|error)(\s+code)?\s+)[45]\d\d\b",
    r"\bsomething('?s| is| went) (off|wrong)\b",
    // Not answering, in other languages.
    r"\b(antwortet|reagiert) nicht\b|\bkeine antwort\b|\bne répond pas\b|\b(pas|aucune) de réponse\b|\bno responde\b|\bca[íi]d[oa]\b|\bsin respuesta\b|\bnon risponde\b|\bnessuna risposta\b|\bnão responde\b|\bfora do ar\b|\bsem resposta\b",
    // German
    r"\b(hat|hatte|hat es) nicht geklappt|\bnicht geklappt|\bleider\b|\bentschuldig|\b(konnte|kann)\b.{0,40}\bnicht\b|\bnicht möglich|\bfehlgeschlagen|\bfehler|\bnicht (verfügbar|erreichbar)|\bspäter (noch )?(einmal|erneut)|\bkeine (daten|ergebnisse|treffer)|\bproblem (mit|bei)\b|\bstörung",
    // French
    r"\béchou|\bne (peux|peut|pouvons|pouvez|peuvent|pourrai|pourrons|pourrait) pas\b|\bdésolée?\b|\bmalheureusement\b|\bimpossible\b|\b(je )?n'ai pas pu\b|\bn'a pas pu\b|\béchec\b|\berreur\b|\bindisponible\b|\bréessay|\baucun(e)? (résultat|donnée)|\bproblème (avec|technique)",
    // Spanish
    r"\bint[ée]ntalo\b|\bvuelv[ae] a intentar|\blo siento\b|\blamentablemente\b|\bdesafortunadamente\b|\bno (pude|pudo|se pudo|puedo|es posible)\b|\b(un|el|hubo|ocurrió|se produjo)\s+(\w+\s+)?error\b|\bfall(ó|o|ido)\b|\bno (está )?disponible\b|\binténtelo|\bintenta(r)? de nuevo|\bningún resultado|\bno hay (datos|resultados)|\bproblema (con|técnico)",
    // Italian
    r"\bfallit[oa]\b|\bnon ho (accesso|i permessi|il permesso)|\bmi dispiace\b|\bpurtroppo\b|\bnon (sono|è) (riuscit|stato possibile)|\bnon riesco\b|\berrore\b|\bnon (è )?disponibile\b|\briprova|\bnessun (risultato|dato)|\bproblema (con|tecnico)",
    // Portuguese
    r"\bfalh(ou|aram|a|ando)\b|\bdesculp|\binfelizmente\b|\bnão (consegui|conseguimos|foi possível|é possível)|\berro\b|\bindisponível\b|\btente novamente\b|\bnenhum (resultado|dado)",
    // Access refused to the object asked about, in every language.
    r"\b(no|don'?t have|do not have|without) (access|permission)|\bnot (allowed|permitted|authori[sz]ed)|\bkeine?[nrs]? (berechtigung|zugriff|zugang)|\bpas (accès|l'autorisation|la permission)|\bsin (permiso|acceso)|\bno (tengo|tenemos|tienes|tiene|tienen) (permiso|acceso)|\bnão (tenho|temos|tem|têm) (permissão|acesso)|\bsem (permissão|acesso)|権限|アクセスでき",
    // Negated statements: "n'est pas valide", "no tienes permiso", "não é válida".
    r"\bn'(est|a|ai|avons|ont)\b.{0,30}\bpas\b|\bpas (pu|possible|valide|disponible)|\bno tienes?\b|\bno es v[áa]lid|\bnão (é|está) (válid|disponível)|\bungültig|\binvalide?\b|\binválid",
    // Nothing found, in other languages.
    r"\bkeine?[nrs]?\s+(\w+\s+)?(gefunden|vorhanden|verfügbar|ergebnisse|daten|treffer|einträge|antwort)|\bes gibt kein|\bnichts\b|\baucun|\brien (trouvé|de disponible)|\b(n'ai|n'a|n'avons|ne)\b.{0,20}\brien\b|\bningun|\bno hay\b|\bno (se )?encontr|\bnenhum|\bnada\b|\bnão (há|encontr)",
    // Japanese
    r"申し訳|すみません|できませんでした|できません|エラー|失敗|利用できません|見つかりません|ありませんでした|ありません|ございません|取得でき|問題が発生|タイムアウト|後ほど|再度|一時的",
    // Dutch
    r"\bhelaas\b|\bkon (niet|geen)\b|\bmislukt\b|\bfout\b|\bniet beschikbaar\b|\bgeen (resultaten|gegevens)",
    r"\bhet spijt me\b|\bkon\b.{0,40}\bniet\b|\bniet bereikbaar\b|\bgeen toegang\b|\breageert niet\b|\bgeen (antwoord|reactie)\b|\bprobeer het later\b",
    // Polish
    r"\bprzepraszam\b|\bniestety\b|\bnie udało się\b|\bnie (można|mogę|mogłem|mogłam|mogliśmy|jestem w stanie)\b|\bbłąd|\bbłęd|\bniedostępn|\bspróbuj(cie)? (ponownie|później)|\bbrak (wyników|danych|dostępu|odpowiedzi)|\bnie znaleziono\b|\bnie (mam|mamy) dostępu\b|\bawari",
    // Russian
    r"(?:^|\W)(извин|прост(и|ите)|к сожалению|не удалось|не (могу|смог|смогла|смогли|получилось|получается)|ошибк|недоступ|попробуйте (позже|ещё раз|еще раз|снова)|ничего не найдено|не найден|нет (доступа|данных|результатов|ответа)|сбо[йя]|не отвечает)",
    // Chinese
    // "没有错误" / "无错误" (no errors) reassures; only an error that is there admits one.
    r"抱歉|对不起|對不起|很遗憾|遺憾|无法|無法|不能|失败|失敗|(?:^|[^有无無])(?:错误|錯誤)|出错|出錯|异常|異常|不可用|稍后再试|稍後再試|请重试|請重試|没有找到|未找到|找不到|没有权限|沒有權限|无权|暂时|暫時|超时|超時|没有结果|没有数据",
    // Korean
    r"죄송|유감|할 수 없|수 없습니다|수 없었습니다|실패|오류|에러|사용할 수 없|나중에 다시|다시 시도|결과가 없|데이터가 없|찾을 수 없|권한이 없|응답이 없",
    // The agent's own access lapsed or was refused, so someone has to reconnect it: the answer
    // says the call failed even when it names no error ("my access seems to have expired",
    // "the API key is not accepted", "an admin has to re-authorise it").
    r"\b(rejected|refused|not accepted)\b|\bre-?authori[sz]|\bre-?connect|\bcaduc(ad[oa]|ó)\b|\bscadut[oa]\b|\b(toegang|token|sessie|autorisatie|machtiging|sleutel|koppeling)\b.{0,40}\bverlopen\b|\babgelaufen\b|\bexpiré|\bexpirad[oa]\b|\bvencid[oa]\b|\bopnieuw (worden )?(verbonden|gekoppeld|koppelen)|\bricollegare\b|\bvolver a conectar\b|\breconectar\b|\breconnecter\b|\bneu (verbinden|autorisieren)|만료|失效|过期|過期|期限切れ|重新授权|重新授權|再認証|다시 연동",
    // Not having got what was asked, in other words: "no he podido", "no obtuve respuesta",
    // "errored out", "ik krijg … niet binnen", "目前拿不到".
    r"\berrored\b|\bno (he|hemos|ha|han) podido\b|\bno (obtuve|obtuvimos|recibí|recibimos|consigo|conseguí|conseguimos|logré|logramos)\b|\b(ha|han|había) fallado\b|\bkrijg\b.{0,40}\bniet\b|\bniets\b.{0,20}\b(gevonden|opgeleverd|binnengekregen)\b|\bgeen (rechten|toestemming)\b|\blater (nog eens|opnieuw)\b|拿不到|取不到|查不到|获取不到|獲取不到|没能|沒能|未能|没有成功|沒有成功|稍后再|稍後再|没有.{0,30}权限|沒有.{0,30}權限",
    // Not having the data right now and asking to be asked again later ("I don't have the
    // details of X at the moment, could you ask me again a little later?"); access that no
    // longer holds ("no longer authorized", "I've been signed out").
    r"\b(don'?t|do not|doesn'?t|does not) have (the |any )?(details|information|info|data)\b.{0,60}\b(at the moment|right now|currently|yet|for now)\b|\bask (me )?again (a (little |bit )?)?later\b|\bno longer (authori[sz]ed|valid|accepted|active)\b|\bsigned out\b",
    // Russian, beyond the words above: access that lapsed (истёк, больше не действует), must be
    // reconnected (заново подключить), was refused (не принимается, отклонён, отказано), data
    // or rights the agent lacks (нет сведений, нет прав), ask again later, it did not work out.
    r"(?:^|\W)(ист[её]к(ла|ло|ли)?(?:$|\W)|больше не (действует|действуют|активн|принима)|заново (подключ|авториз|войти)|переподключ|повторно (подключ|авториз|войти)|не принима(ется|ются|ют)|отклон[её]н|отказано|нет (сведений|информации|прав|разрешени)|не (имею|хватает) (прав|доступа)|(спросите|спроси|попробуйте|повторите|обратитесь|напишите)[^.!?\n]{0,30}позже|не вышло|безуспешн|не сработал)",
    // Polish, beyond the words above: expired (wygasł), the agent lacks rights or data (nie mam
    // … uprawnień/danych), reconnect (ponownie połączyć), refused (odrzucony), any form of
    // "did not succeed" (nie udało, się nie udało), ask again later, found nothing.
    r"\bwygas(ł|ła|ło|ły|li)\b|\bnie (mam|mamy|masz)\b.{0,30}\b(uprawnień|uprawnienia|dostępu|danych|informacji)\b|\b(ponownie|na nowo) (połączyć|podłączyć|zalogować|autoryzować)|\bodrzucon|\bnie udał(o|a|y|em|am)?\b|\bnie zadziałał|\b(zapytaj|spróbuj)\b.{0,30}\bpóźniej\b|\bnic nie (znalaz|znaleziono)|\bbez (dostępu|uprawnień)\b",
    // Turkish: unsuccessful (başarısız), sorry/unfortunately, an error that happened (sunucu
    // hatası, hata oluştu), timeout; the negative of ability (-(y)AmAdI: bulunamadı, alınamadı,
    // yapamadım; -(y)AmIyor: gösteremiyorum, erişilemiyor), did not happen or answer; expired
    // (süresi doldu, yetkisi sona erdi), reconnect, not accepted, refused; no rights, results or
    // data (yetkim yok, sonuç yok); try again later.
    r"\bbaşarısız|\bmaalesef\b|\büzgünüm\b|\bözür dilerim|\b(sunucu|sistem|teknik|ağ|bağlantı) hata|\bhata (oluştu|verdi|döndü|aldım|alındı)|\bzaman aşımı|[ln][ae]m[ae]d[ıi]|[ae]m[ae]d[ıi](m|k)\b|[ae]m[ıi]yor(um|uz)\b|[ln][ae]m[ıi]yor|\bgerçekleşmedi|\b(yanıt|cevap) (vermedi|vermiyor)|\bsüresi (doldu|dolmuş)|\b(yetki|oturum|erişim|izin|token|anahtar)\w*\b.{0,20}\bsona er(di|miş)|\b(yeniden|tekrar) (bağlan|giriş|oturum aç|yetkilendir)|\bkabul edil(mi|me)|\breddedil|\b(yetki|izin|izn|erişim|sonuç|veri|bilgi)\w* yok\b|\b(daha sonra|sonra) tekrar|\btekrar deneyin",
    // Swedish: unfortunately, sorry, could not, failed (misslyckades), an error that happened,
    // unavailable, not answering, try again, no hits or data, found nothing, no permission,
    // access that ran out (behörigheten har gått ut), reconnect, it did not work (gick inte),
    // ask later, refused.
    r"\btyvärr\b|\bbeklagar\b|\bjag är ledsen\b|\b(kunde|kan|kunnat) (inte|ej)\b|\bmisslyck|\b(ett|något|tekniskt) fel\b|\bfel (uppstod|inträffade)|\b(server|system|nätverks|anslutnings|tidsgräns)fel|\b(inte|ej) tillgänglig|\botillgänglig|\bsvarar (inte|ej)\b|\bförsök (igen|senare)|\binga (träffar|resultat|uppgifter|data)\b|\bhittade (inget|inga|ingenting)\b|\bingenting hittades|\b(inte|ingen|saknar) behörighet|\b(behörighet|inloggning|session|token|nyckel|åtkomst)\w*\b.{0,40}\b(gått ut|löpt ut|upphört)|\banslutas på nytt|\b(ansluta|koppla|logga in)\b.{0,15}\b(igen|på nytt)\b|\b(gick|går) (inte|ej)\b|\bfråga\b.{0,25}\bsenare\b|\b(nekad|nekades|avvisad|avvisades|avvisat)\b",
    // Indonesian: sorry, unfortunately, failed (gagal), did not succeed / cannot / not
    // responding / not available / not found / no longer valid (tidak …), an error happened,
    // try again, no data/access/results yet (belum punya data), expired (kedaluwarsa),
    // reconnect (dihubungkan ulang), refused (ditolak), the session ended.
    r"\bmaaf\b|\bsayangnya\b|\bgagal\b|\btidak (berhasil|bisa|dapat|merespons|merespon|menjawab|tersedia|ditemukan|berlaku|diterima)\b|\b(terjadi|ada) (kesalahan|galat|masalah|gangguan)\b|\bkesalahan (server|sistem|teknis|internal|jaringan)\b|\bcoba (lagi|tanyakan lagi|ulang)\b|\b(tidak|belum) (punya|ada|memiliki) (data|akses|izin|hasil|informasi)\b|\btanpa akses\b|\bkedaluwarsa|\bkadaluarsa|\bkadaluwarsa|\b(dihubungkan|disambungkan|masuk|login) (ulang|kembali)\b|\bditolak\b|\bsesi\b.{0,20}\bberakhir|\bwaktu habis\b|\btidak ada (hasil|data)\b",
    // German: no information on it (keine Angaben).
    r"\bkeine?[nrs]? (angaben|informationen|infos)\b",
];

/// Tool names that hand a problem to a human or another team. Matched on the name's words, so
/// `fetch_webpage` does not page anyone and `notify_customer` escalates nothing.
pub const DEFAULT_ESCALATION_TOOLS: &[&str] = &[
    r"(^|[_\-.\s])escalat|^escalat|escalate|escalation",
    r"hand_?off|handover",
    r"(^|[_\-.])(to_)?human($|[_\-.])|human_?agent|live_?agent",
    r"transfer_?to_?(human|agent|support|operator|staff)",
    r"(create|open|file|raise|submit)_?(a_?)?(support_?|help_?desk_?)?ticket",
    r"(^|[_\-.])page_?(on_?call|the_?on_?call|engineer|team|sre)",
    r"pagerduty|opsgenie",
];

/// Text of a model output: the string values under `content` / `text` of JSON messages, or the
/// raw text. An output recorded as a JSON string literal (`"\"Lo siento, fall\\u00f3\""`, as
/// instrumentations that serialise a function's return value write it) is decoded first.
pub fn output_text(raw: &str) -> String {
    let t = raw.trim();
    if t.starts_with('"') && t.ends_with('"') && t.len() >= 2 {
        if let Ok(Value::String(inner)) = serde_json::from_str::<Value>(t) {
            let i = inner.trim_start();
            if i.starts_with('[') || i.starts_with('{') {
                if let Ok(v) = serde_json::from_str::<Value>(i) {
                    return value_text(&v);
                }
            }
            return inner;
        }
    }
    if t.starts_with('[') || t.starts_with('{') {
        if let Ok(v) = serde_json::from_str::<Value>(t) {
            return value_text(&v);
        }
    }
    raw.to_string()
}

/// Text of messages already parsed: what [`output_text`] gives for their JSON.
pub fn value_text(v: &Value) -> String {
    let mut out = String::new();
    collect_text(v, &mut out, 0);
    out
}

fn collect_text(v: &Value, out: &mut String, depth: usize) {
    if depth > 8 {
        return;
    }
    match v {
        Value::Array(items) => items.iter().for_each(|i| collect_text(i, out, depth + 1)),
        Value::Object(map) => {
            for (k, child) in map {
                match child {
                    Value::String(s) if k == "content" || k == "text" => {
                        out.push_str(s);
                        out.push('\n');
                    }
                    Value::Array(_) | Value::Object(_) if k != "tool_calls" => {
                        collect_text(child, out, depth + 1)
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// A failed tool call waiting for its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub span: SpanKey,
    pub tool: String,
    /// The request: a fingerprint of the tool and its normalised arguments.
    pub request: u64,
    pub outcome: &'static str,
    pub detail: Option<String>,
    pub start: u64,
}

/// What a turn showed so far.
#[derive(Debug, Default)]
pub struct TurnFacts {
    pub failures: Vec<Failure>,
    /// (start, acknowledges a problem) of each model output.
    outputs: Vec<(u64, bool)>,
    /// (tool, request fingerprint, start) of successful tool calls.
    successes: Vec<(String, u64, u64)>,
    /// Start times of escalation tool calls.
    escalations: Vec<u64>,
    /// The turn's root span arrived; whether its final output acknowledges a problem (`None`
    /// when it had no output).
    pub root: Option<Option<bool>>,
    pub decided: bool,
}

/// The verdict on one failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nobody told the user.
    Silent,
    /// Acknowledged, retried successfully, or escalated.
    Surfaced,
    /// No output after the failure was seen: nothing to judge.
    Unknown,
}

impl TurnFacts {
    pub fn add_failure(&mut self, f: Failure) {
        if self.failures.len() < MAX_FACTS && !self.failures.iter().any(|g| g.span == f.span) {
            self.failures.push(f);
        }
    }

    pub fn add_output(&mut self, start: u64, acknowledges: bool) {
        if self.outputs.len() < MAX_FACTS {
            self.outputs.push((start, acknowledges));
        } else if acknowledges {
            self.outputs[MAX_FACTS - 1] = (start, true);
        }
    }

    pub fn add_success(&mut self, tool: &str, request: u64, start: u64) {
        if self.successes.len() < MAX_FACTS {
            self.successes.push((tool.to_string(), request, start));
        }
    }

    pub fn add_escalation(&mut self, start: u64) {
        if self.escalations.len() < MAX_FACTS {
            self.escalations.push(start);
        }
    }

    /// The verdict on `f` from what the turn showed after it. What counts is the turn's final
    /// answer: the root span's output, else the last model output after the failure. A later
    /// success masks the failure only when it served the same request: the same tool with
    /// equivalent arguments, or corrected arguments after a `bad_request`.
    pub fn verdict(&self, f: &Failure) -> Verdict {
        let last_output = self
            .outputs
            .iter()
            .filter(|(start, _)| *start >= f.start)
            .max_by_key(|(start, _)| *start)
            .map(|(_, ack)| *ack);
        let Some(acknowledged) = self.root.flatten().or(last_output) else {
            return Verdict::Unknown;
        };
        let retried = self.successes.iter().any(|(tool, request, start)| {
            *tool == f.tool
                && *start > f.start
                && (*request == f.request || f.outcome == "bad_request")
        });
        let escalated = self.escalations.iter().any(|s| *s >= f.start);
        if acknowledged || retried || escalated {
            Verdict::Surfaced
        } else {
            Verdict::Silent
        }
    }
}

/// Compiled lexicons.
///
/// Each list is one set of its patterns rather than one regex of their alternation: the
/// answer (does any pattern match?) is the same, but the alternation of every pattern, with
/// Unicode `\b` on non-ASCII text, ran on the PikeVM and took 73% of the agent pipeline's CPU
/// (issue 10 profile); the set is about 14 times faster on the benchmark's prose, and
/// [`Screened`] skips it on texts that cannot match.
#[derive(Debug, Clone)]
pub struct Lexicon {
    acknowledgement: Screened,
    escalation: Screened,
}

impl Lexicon {
    /// The lexicon of these lists. The built-in lists compile once per process (a pipeline
    /// builds a `silent_failure` per daemon, and `spotter detection` builds hundreds).
    pub fn new(acks: &[String], escalations: &[String]) -> Result<Self, (String, String)> {
        let builtin = |list: &[String], default: &[&str]| list.iter().eq(default.iter());
        if !(builtin(acks, DEFAULT_ACKNOWLEDGEMENTS)
            && builtin(escalations, DEFAULT_ESCALATION_TOOLS))
        {
            return Self::compile(acks, escalations);
        }
        static BUILTIN: OnceLock<Lexicon> = OnceLock::new();
        if let Some(lexicon) = BUILTIN.get() {
            return Ok(lexicon.clone());
        }
        let lexicon = Self::compile(acks, escalations)?;
        Ok(BUILTIN.get_or_init(|| lexicon).clone())
    }

    fn compile(acks: &[String], escalations: &[String]) -> Result<Self, (String, String)> {
        let compile = |key: &str, list: &[String]| {
            Screened::new(list.iter().map(|p| format!("(?i){p}")))
                .map_err(|e| (key.to_string(), format!("invalid regular expression: {e}")))
        };
        Ok(Lexicon {
            acknowledgement: compile("acknowledgements", acks)?,
            escalation: compile("escalation_tools", escalations)?,
        })
    }

    /// Whether `text` conveys a problem: a pattern matches somewhere outside a conditional
    /// clause ("Tip: if a payment ever fails, tell me" supposes a failure, it admits none), and
    /// not as an error noun under a negation ("没有错误", "keine Fehler": nothing went wrong).
    pub fn acknowledges(&self, text: &str) -> bool {
        self.acknowledgement.is_match_where(text, |t, m| {
            !in_conditional_clause(t, m.start()) && !is_negated_error(t, m.start(), m.end())
        })
    }

    pub fn is_escalation(&self, tool: &str) -> bool {
        self.escalation.is_match(tool)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        let s = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        Lexicon::new(&s(DEFAULT_ACKNOWLEDGEMENTS), &s(DEFAULT_ESCALATION_TOOLS)).unwrap()
    }

    fn failure(start: u64) -> Failure {
        Failure {
            span: ([1; 16], [1; 8]),
            tool: "search".into(),
            request: 1,
            outcome: "server_error",
            detail: None,
            start,
        }
    }

    #[test]
    fn acknowledgements_are_recognised() {
        let l = lexicon();
        for t in [
            "Sorry, I couldn't complete that.",
            "The search service is unavailable right now, please try again later.",
            "I wasn't able to reach the billing system.",
            "Unfortunately the lookup failed.",
            "Hmm, there seems to be a problem with the order system.",
            "Your session has expired; I can't check that.",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
        for t in [
            "Our policy allows returns within 90 days for a full refund.",
            "Order #A1 is shipped; expected delivery 2025-06-15.",
            "It is 23°C and sunny in Lisbon.",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
        assert!(l.is_escalation("escalate_to_human"));
        assert!(l.is_escalation("create_support_ticket"));
        assert!(!l.is_escalation("search_docs"));
    }

    #[test]
    fn a_configured_lexicon_is_compiled_from_its_own_lists_not_the_builtin_ones() {
        let builtin = lexicon();
        let custom =
            Lexicon::new(&["(?i)\\bmist\\b".to_string()], &["^pager$".to_string()]).unwrap();
        assert!(builtin.acknowledges("Sorry, that failed."));
        assert!(!custom.acknowledges("Sorry, that failed."));
        assert!(custom.acknowledges("Mist, das ging schief."));
        assert!(custom.is_escalation("pager") && !custom.is_escalation("escalate_to_human"));
        // The built-in lists, asked for again, give the same answers.
        assert!(lexicon().acknowledges("Sorry, that failed."));
    }

    #[test]
    fn output_text_reads_message_content_not_tool_calls() {
        let raw = r#"[{"role":"assistant","parts":[{"type":"text","content":"All good"}],"tool_calls":[{"arguments":"{\"q\":\"error\"}"}]}]"#;
        assert_eq!(output_text(raw).trim(), "All good");
        assert_eq!(output_text("plain answer"), "plain answer");
    }

    #[test]
    fn a_confident_answer_after_a_failure_is_silent() {
        let mut t = TurnFacts::default();
        t.add_output(5, false); // before the failure: does not count
        t.add_output(20, false);
        t.root = Some(Some(false));
        assert_eq!(t.verdict(&failure(10)), Verdict::Silent);
    }

    #[test]
    fn acknowledgement_retry_or_escalation_surface_the_failure() {
        let mut ack = TurnFacts::default();
        ack.add_output(20, true);
        assert_eq!(ack.verdict(&failure(10)), Verdict::Surfaced);

        let mut root_ack = TurnFacts::default();
        root_ack.add_output(20, false);
        root_ack.root = Some(Some(true));
        assert_eq!(root_ack.verdict(&failure(10)), Verdict::Surfaced);

        let mut retried = TurnFacts::default();
        retried.add_success("search", 1, 15);
        retried.add_output(20, false);
        assert_eq!(retried.verdict(&failure(10)), Verdict::Surfaced);

        let mut other_tool = TurnFacts::default();
        other_tool.add_success("lookup", 1, 15);
        other_tool.add_output(20, false);
        assert_eq!(other_tool.verdict(&failure(10)), Verdict::Silent);

        let mut escalated = TurnFacts::default();
        escalated.add_escalation(12);
        escalated.add_output(20, false);
        assert_eq!(escalated.verdict(&failure(10)), Verdict::Surfaced);
    }

    #[test]
    fn without_any_later_output_there_is_no_verdict() {
        let mut t = TurnFacts::default();
        t.add_output(5, false);
        assert_eq!(t.verdict(&failure(10)), Verdict::Unknown);
        t.root = Some(None);
        assert_eq!(t.verdict(&failure(10)), Verdict::Unknown);
    }

    #[test]
    fn an_output_recorded_as_a_json_string_is_decoded() {
        assert_eq!(
            output_text(r#""La consulta fall\u00f3; int\u00e9ntalo de nuevo.""#),
            "La consulta falló; inténtalo de nuevo."
        );
        let nested = r#""[{\"role\":\"assistant\",\"content\":\"Sorry, it failed.\"}]""#;
        assert_eq!(output_text(nested).trim(), "Sorry, it failed.");
        assert!(lexicon().acknowledges(&output_text(
            r#""\u7533\u3057\u8a33\u3042\u308a\u307e\u305b\u3093""#
        )));
    }

    #[test]
    fn failures_conveyed_in_polish_russian_chinese_korean_and_dutch_are_acknowledged() {
        let l = lexicon();
        for t in [
            "Nie udało się pobrać danych. Spróbuj ponownie później.",
            "Przepraszam, wystąpił błąd.",
            "Niestety, usługa jest niedostępna.",
            "Извините, не удалось получить данные.",
            "К сожалению, сервис сейчас недоступен.",
            "Произошла ошибка при поиске.",
            "Ничего не найдено.",
            "抱歉，我无法获取您的订单信息。",
            "系统暂时不可用，请稍后再试。",
            "没有找到相关结果。",
            "죄송합니다. 주문 정보를 가져올 수 없습니다.",
            "시스템 오류가 발생했습니다. 나중에 다시 시도해 주세요.",
            "검색 결과가 없습니다.",
            "Het spijt me, ik kon de gegevens niet ophalen.",
            "Ik heb geen toegang tot die map.",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
        for t in [
            "您的订单已发货。",
            "주문이 발송되었습니다.",
            "Ваш заказ отправлен.",
            "Twoje zamówienie zostało wysłane.",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
    }

    #[test]
    fn a_chinese_answer_saying_there_were_no_errors_does_not_admit_one() {
        let l = lexicon();
        for t in [
            "一切正常，没有错误：invoice INV-6979 of 336.15 EUR is due 2026-09-18。",
            "查询完成，无错误。",
            "一切正常，沒有錯誤。",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
        for t in [
            "错误：服务暂时不可用",
            "查询时返回了错误。",
            "系统出现错误，请稍后再试。",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
    }

    #[test]
    fn an_answer_saying_the_agents_access_lapsed_or_nothing_came_back_acknowledges_the_failure() {
        let l = lexicon();
        for t in [
            "Mijn toegang tot de boekhouding is blijkbaar verlopen; de koppeling moet opnieuw worden verbonden.",
            "Il mio accesso al calendario sembra scaduto: bisogna ricollegare l'integrazione.",
            "Parece que mi acceso al CRM ha caducado; hay que volver a conectar la integración.",
            "CRM 접근 권한이 만료된 것 같습니다. 관리자가 다시 연동해야 합니다.",
            "CRM 的授权似乎已失效，需要管理员重新授权。",
            "The billing API rejected my credentials; an admin has to re-authorize it.",
            "Vaya, no he podido consultarlo: la factura ha fallado.",
            "No obtuve respuesta del servicio de alertas.",
            "Ahora mismo no consigo los datos del incidente.",
            "Heads up: the lookup errored out, so I don't have that yet.",
            "Ik krijg de gegevens van die vlucht nu niet binnen.",
            "Ik heb niets gevonden voor die zoekopdracht.",
            "Voor die retour heb ik geen rechten.",
            "目前拿不到账户余额的信息，请稍后再问我一次。",
            "我没有查看该账户余额的权限。",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
        for t in [
            "Your booking is confirmed and the invoice has been sent.",
            "Uw boeking is bevestigd en de betaling is goed verlopen.",
            "Er is niets aan de hand met uw bestelling.",
            "La tua prenotazione è confermata.",
            "예약이 확정되었습니다.",
            "您的预订已确认。",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
    }

    #[test]
    fn indirect_admissions_that_nothing_came_back_are_acknowledged() {
        let l = lexicon();
        for t in [
            "I'm afraid the lookup didn't go through.",
            "It looks like the search service isn't responding right now.",
            "I tried to look it up but the service did not respond.",
            "I didn't find any orders for that customer.",
            "There don't appear to be any invoices matching that.",
            "That lookup came back empty.",
            "The search returned nothing.",
            "The data isn't available yet.",
            "I haven't been able to locate it.",
            "I got no response from the inventory service.",
            "The inventory service returned a 503.",
            "Looks like something's off on our end.",
            "Der Server antwortet nicht.",
            "Le service ne répond pas pour le moment.",
            "El sistema está caído en este momento.",
            "Il sistema non risponde.",
            "O sistema está fora do ar.",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
    }

    #[test]
    fn errors_outages_and_timeouts_as_topics_do_not_acknowledge_a_failure() {
        let l = lexicon();
        for t in [
            "Here are the error codes you asked about: E01 means overheating.",
            "I've summarised the incident report: the outage last week lasted 2h.",
            "The retry policy is 3 attempts with backoff.",
            "Here is how to handle a timeout in Python: use requests with timeout=5.",
            "The temporary password was sent to your email.",
            "Import imp_1 completed with 493 rows.",
            "Keine Sorge, alles erledigt: Termin steht.",
            "Rien à signaler, tout est en ordre : 3 commandes livrées.",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
        for t in [
            "I got an error from the billing system.",
            "An error occurred while fetching your invoices.",
            "The billing system is experiencing an outage.",
            "The request timed out; please retry later.",
            "Ich habe keine Bestellungen gefunden.",
            "A und B kann ich sehen, aber auf C habe ich keinen Zugriff.",
            "Je n'ai rien trouvé.",
            "Hubo un error al consultar el sistema.",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
    }

    #[test]
    fn inability_and_missing_access_are_conveyed_in_every_language() {
        let l = lexicon();
        for t in [
            "I found nothing for the place Osaka Namba.",
            "La requête vers search code a échoué (délai dépassé) ; je ne peux pas encore vous répondre.",
            "Puedo ver A, pero no tengo acceso a B.",
            "Consigo ver A, mas não tenho acesso a B.",
            "A consulta ao serviço falhou; tente mais tarde.",
            "Das hat nicht geklappt, der Dienst antwortet nicht.",
            "Posso vedere A, ma non ho accesso a B.",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
        for t in [
            "Esto es lo que encontré: 3 deals in proposal.",
            "Voici ce que j'ai trouvé : PR #5 est ouverte.",
            "Aqui está o que encontrei: 3 contatos.",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
    }

    #[test]
    fn admissions_in_russian_polish_turkish_swedish_and_indonesian_are_recognised_as_families() {
        let l = lexicon();
        for t in [
            // access lapsed, to be reconnected
            "Доступ к календарю больше не действует (сессия истекла); нужно заново подключить интеграцию.",
            "Токен истёк, переподключите, пожалуйста, CRM.",
            "Dostęp do kalendarza wygasł; ktoś musi ponownie połączyć integrację.",
            "Takvim bağlantısının yetkisi sona erdi; entegrasyonun yeniden bağlanması gerekiyor.",
            "Behörigheten till kalendern har gått ut; integrationen måste anslutas på nytt.",
            "Akses ke kalender sudah tidak berlaku; integrasinya perlu dihubungkan ulang.",
            // the request failed or could not be done
            "Sorgu başarısız oldu: servis yanıt vermedi.",
            "Fatura bulunamadı.",
            "Siparişinizi şu anda gösteremiyorum.",
            "Denedim ama rezervasyon gerçekleşmedi.",
            "Sudah saya coba, tetapi pemesanan tidak berhasil.",
            "Pencarian gagal: layanan tidak merespons.",
            "Próbowałem, ale rezerwacja się nie udała.",
            "Sökningen misslyckades, försök igen senare.",
            "Det gick inte att hämta fakturan.",
            "Не вышло получить счёт.",
            // no permission to see it
            "Do faktury 7 nie mam jednak uprawnień.",
            "Men faktura 7 har jag inte behörighet att se.",
            "Fatura 7 içinse görüntüleme yetkim yok.",
            "Untuk faktur 7 saya tidak punya akses.",
            "На счёт 7 у меня нет прав.",
            // nothing came back
            "Inga träffar för apotek nära 62042.",
            "Nic nie znalazłem dla tego zapytania.",
            "Tidak ada hasil untuk apotek itu.",
            // no data now, ask again later
            "Сейчас у меня нет сведений по курсу. Спросите, пожалуйста, чуть позже.",
            "W tej chwili nie mam danych o recepcie. Zapytaj proszę trochę później.",
            "Saat ini saya belum punya data tugas itu. Coba tanyakan lagi nanti ya.",
            "Zu der Wohnung habe ich gerade keine Angaben.",
            "I don't have the details of the ledger of tenant T-1 at the moment.",
            "Could you ask me again a little later?",
            "The connection to the CRM is no longer authorized.",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
    }

    #[test]
    fn healthy_answers_in_those_languages_do_not_pass_for_admissions() {
        let l = lexicon();
        for t in [
            "Сделано: встреча забронирована на 2026-12-14.",
            "Договор аренды действует до 2027-11-22.",
            "Gotowe: wizyta zarezerwowana, recepta ma 3 realizacje.",
            "İşlem tamam, öğrenci derse kaydedildi. Hiçbir sorun yok.",
            "Randevu iptal edildi; ödeme alındı.",
            "Klart! Mötet är bokat och fakturan skickad.",
            "Fakturan har gått ut till kunden i går.",
            "Beres: janji temu sudah dipesan, tidak ada tunggakan.",
            "Ini yang saya temukan: 3 unit kosong di P-391.",
            "Here's what I found: the lease is active until 2027, and I have the details you asked for.",
            "Ask me later if you want the invoice too.",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
    }

    #[test]
    fn a_failure_supposed_in_a_conditional_tip_or_no_errors_claimed_is_not_an_admission() {
        let l = lexicon();
        for t in [
            "WO-88007 is scheduled on 2026-12-09. Tip: if a payment ever fails or a link expires, just tell me and I'll resend it.",
            "Refill RF-1 is ready. Tips: kalau pembayaran gagal atau tautan kedaluwarsa, kabari saya saja.",
            "3 submissions, 0 late. Tips: om en betalning misslyckas, säg till.",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
        // "No errors" says that nothing went wrong: the answer of a lie, not of an admission.
        for t in [
            "一切正常，没有错误：invoice INV-6979 is due 2026-09-18。",
            "Alles in Ordnung, keine Fehler: Rechnung 7 ist fällig.",
        ] {
            assert!(!l.acknowledges(t), "{t}");
        }
        for t in [
            "系统出现错误，请稍后再试。",
            "The lookup failed; if you want, I can try again later.",
            "It looks as if the billing service is unavailable.",
            "Pencarian gagal. Kalau mau, saya coba lagi nanti.",
        ] {
            assert!(l.acknowledges(t), "{t}");
        }
    }
}
