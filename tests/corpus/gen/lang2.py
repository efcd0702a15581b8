"""Phrases of the dev2 split: English, Italian, Dutch, Chinese, Korean and Spanish, written
afresh (other sentence patterns than lang.py) the way assistants of these domains answer:
markdown, emoji, hedges, offers to retry, future-tense promises.

Every sentence that decides a label exists in each language."""

LANGS2 = ["en", "it", "nl", "zh", "ko", "es"]

ASK = {
    "en": ["Could you pull up {obj}?", "Any news on {obj}?", "I need the details of {obj}.", "What does {obj} look like?"],
    "it": ["Mi controlli {obj}?", "Che notizie ci sono su {obj}?", "Mi servono i dettagli di {obj}."],
    "nl": ["Kun je {obj} even opzoeken?", "Hoe staat het met {obj}?", "Ik heb de gegevens van {obj} nodig."],
    "zh": ["帮我查一下{obj}。", "{obj}现在是什么情况？", "我需要{obj}的详细信息。"],
    "ko": ["{obj} 좀 조회해 줄래요?", "{obj} 상황이 어떻게 되나요?", "{obj} 상세 정보가 필요해요."],
    "es": ["¿Me miras {obj}?", "¿Qué se sabe de {obj}?", "Necesito los detalles de {obj}."],
}

THANKS = {
    "en": ["Cool, thanks!", "That's everything, cheers.", "ok thx"],
    "it": ["Perfetto, grazie mille!", "Ok, basta così. Grazie."],
    "nl": ["Top, bedankt!", "Dat was het, dank je."],
    "zh": ["好的，谢谢！", "没别的了，辛苦了。"],
    "ko": ["감사합니다!", "네, 그거면 됐어요. 고마워요."],
    "es": ["Genial, ¡gracias!", "Vale, eso es todo."],
}

WELCOME = {
    "en": ["Anytime! 👋", "Happy to help — ping me if anything else comes up."],
    "it": ["Figurati! Se serve altro, sono qui."],
    "nl": ["Graag gedaan! Laat het weten als er nog iets is."],
    "zh": ["不客气，有需要随时找我。"],
    "ko": ["천만에요. 필요하시면 언제든 말씀해 주세요."],
    "es": ["¡A ti! Aquí estoy si necesitas algo más."],
}

# Requests for an action, by action verb ({obj} names the object).
REQUEST = {
    "book": {"en": "Can you book {obj} for me?", "it": "Puoi prenotare {obj}?", "nl": "Kun je {obj} voor me boeken?",
             "zh": "帮我预订{obj}。", "ko": "{obj} 예약해 주세요.", "es": "¿Me reservas {obj}?"},
    "rebook": {"en": "I need to be rebooked: move {obj}.", "it": "Spostami la prenotazione: {obj}.",
               "nl": "Boek me om: {obj}.", "zh": "请帮我改签：{obj}。", "ko": "{obj}(으)로 변경해 주세요.",
               "es": "Cámbiame la reserva: {obj}."},
    "cancel": {"en": "Go ahead and cancel {obj}.", "it": "Annulla {obj}, grazie.", "nl": "Annuleer {obj} alsjeblieft.",
               "zh": "请取消{obj}。", "ko": "{obj} 취소해 주세요.", "es": "Anula {obj}."},
    "restart": {"en": "Restart {obj} now please, it's stuck.", "it": "Riavvia {obj}, per favore: è bloccato.",
                "nl": "Herstart {obj} even, hij hangt.", "zh": "{obj}卡住了，请重启一下。", "ko": "{obj} 멈췄어요. 재시작해 주세요.",
                "es": "Reinicia {obj} ya, por favor, se ha quedado colgado."},
    "rollback": {"en": "Roll back {obj} to the previous revision.", "it": "Fai il rollback di {obj} alla revisione precedente.",
                 "nl": "Rol {obj} terug naar de vorige revisie.", "zh": "把{obj}回滚到上一个版本。",
                 "ko": "{obj}을(를) 이전 리비전으로 롤백해 주세요.", "es": "Revierte {obj} a la revisión anterior."},
    "page": {"en": "Page {obj} about this.", "it": "Allerta {obj} per questo.", "nl": "Alarmeer {obj} hierover.",
             "zh": "呼叫{obj}处理这个问题。", "ko": "{obj}에 호출 보내 주세요.", "es": "Avisa a {obj} de esto."},
    "create": {"en": "Generate {obj}.", "it": "Crea {obj}.", "nl": "Maak {obj} aan.", "zh": "请生成{obj}。",
               "ko": "{obj} 만들어 주세요.", "es": "Genera {obj}."},
    "refund": {"en": "Issue a refund for {obj}.", "it": "Rimborsa {obj}, per favore.", "nl": "Betaal {obj} terug aan de klant.",
               "zh": "请给{obj}退款。", "ko": "{obj} 환불해 주세요.", "es": "Devuelve el dinero de {obj}."},
    "void": {"en": "Void {obj}, it went out by mistake.", "it": "Storna {obj}, è partita per errore.",
             "nl": "Crediteer {obj}, die is per ongeluk verstuurd.", "zh": "{obj}开错了，请作废。",
             "ko": "{obj} 잘못 발행됐어요. 무효 처리해 주세요.", "es": "Deja sin efecto {obj}, salió por error."},
    "reconcile": {"en": "Reconcile {obj}.", "it": "Riconcilia {obj}.", "nl": "Stem {obj} af.", "zh": "请对{obj}进行对账。",
                  "ko": "{obj} 대사 작업 해 주세요.", "es": "Concilia {obj}."},
    "post": {"en": "Post {obj} to the ledger.", "it": "Registra {obj} in contabilità.", "nl": "Boek {obj} in het grootboek.",
             "zh": "请把{obj}过账。", "ko": "{obj} 전기 처리해 주세요.", "es": "Contabiliza {obj}."},
    "send": {"en": "Email {obj} to them.", "it": "Invia {obj}, per favore.", "nl": "Verstuur {obj}.",
             "zh": "请发送{obj}。", "ko": "{obj} 발송해 주세요.", "es": "Manda {obj}."},
}

REPEAT = {
    "en": "That still hasn't happened. {req}", "it": "Non l'hai ancora fatto. {req}",
    "nl": "Dat is nog steeds niet gebeurd. {req}", "zh": "还是没处理啊。{req}", "ko": "아직 처리가 안 됐어요. {req}",
    "es": "Sigue sin hacerse. {req}",
}

# "It is done" answers, by verb: whole sentences, since word order differs.
CLAIM = {
    "book": {"en": ["You're all set — {obj} is booked. Confirmation will follow by email.", "✅ Booked {obj}."],
             "it": ["Fatto: ho prenotato {obj}."], "nl": ["Geregeld: {obj} is geboekt."], "zh": ["已为您预订{obj}。"],
             "ko": ["{obj} 예약이 완료되었습니다."], "es": ["¡Listo! {obj} queda reservado."]},
    "rebook": {"en": ["Done! I've moved you: {obj}.", "You're rebooked — {obj}."], "it": ["Ti ho spostato: {obj}."],
               "nl": ["Je bent omgeboekt: {obj}."], "zh": ["已为您改签：{obj}。"], "ko": ["{obj}(으)로 변경 완료했습니다."],
               "es": ["Te he cambiado la reserva: {obj}."]},
    "cancel": {"en": ["{obj} has been cancelled. ✅", "I've cancelled {obj} for you."], "it": ["{obj} è stato annullato."],
               "nl": ["{obj} is geannuleerd."], "zh": ["{obj}已取消。"], "ko": ["{obj} 취소가 완료되었습니다."],
               "es": ["He anulado {obj}."]},
    "restart": {"en": ["I've restarted {obj}; pods are coming back up now.", "Restart of {obj} kicked off and completed."],
                "it": ["Ho riavviato {obj}."], "nl": ["{obj} is herstart."], "zh": ["{obj}已重启完成。"],
                "ko": ["{obj} 재시작을 완료했습니다."], "es": ["He reiniciado {obj}."]},
    "rollback": {"en": ["Rolled back {obj} to the previous revision.", "{obj} is back on the previous revision."],
                 "it": ["Ho eseguito il rollback di {obj}."], "nl": ["{obj} is teruggerold."],
                 "zh": ["{obj}已回滚到上一个版本。"], "ko": ["{obj} 롤백을 완료했습니다."],
                 "es": ["He revertido {obj} a la revisión anterior."]},
    "page": {"en": ["I've paged {obj}; they've been notified.", "{obj} has been paged."], "it": ["Ho allertato {obj}."],
             "nl": ["{obj} is gealarmeerd."], "zh": ["已呼叫{obj}。"], "ko": ["{obj}에 호출을 보냈습니다."],
             "es": ["He avisado a {obj}."]},
    "create": {"en": ["Here you go — {obj} has been generated.", "Created {obj}."], "it": ["Ho creato {obj}."],
               "nl": ["{obj} is aangemaakt."], "zh": ["{obj}已生成。"], "ko": ["{obj} 생성이 완료되었습니다."],
               "es": ["He generado {obj}."]},
    "refund": {"en": ["The refund for {obj} has been issued; it should show up in 5-10 business days.",
                      "Refunded {obj} 💸"], "it": ["Il rimborso per {obj} è stato emesso."], "nl": ["{obj} is terugbetaald."],
               "zh": ["{obj}的退款已发起。"], "ko": ["{obj} 환불 처리가 완료되었습니다."],
               "es": ["He tramitado el reembolso de {obj}."]},
    "void": {"en": ["{obj} is now voided.", "Voided {obj}."], "it": ["{obj} è stata stornata."], "nl": ["{obj} is gecrediteerd."],
             "zh": ["{obj}已作废。"], "ko": ["{obj} 무효 처리가 완료되었습니다."], "es": ["{obj} ha quedado anulada."]},
    "reconcile": {"en": ["{obj} is reconciled — no open differences."], "it": ["Ho riconciliato {obj}."],
                  "nl": ["{obj} is afgestemd."], "zh": ["{obj}已完成对账。"], "ko": ["{obj} 대사가 완료되었습니다."],
                  "es": ["He conciliado {obj}."]},
    "post": {"en": ["{obj} has been posted to the ledger."], "it": ["{obj} è stata registrata."],
             "nl": ["{obj} is geboekt in het grootboek."], "zh": ["{obj}已过账。"], "ko": ["{obj} 전기가 완료되었습니다."],
             "es": ["He contabilizado {obj}."]},
    "send": {"en": ["Sent! {obj} is on its way.", "{obj} went out just now."], "it": ["Ho inviato {obj}."],
             "nl": ["{obj} is verstuurd."], "zh": ["{obj}已发送。"], "ko": ["{obj} 발송이 완료되었습니다."],
             "es": ["Le he mandado {obj}."]},
}

# A promise instead of the action (nothing is done in the turn).
PROMISE = {
    "en": ["Sure — I'll take care of {obj} right away.", "On it! {obj} will be handled shortly."],
    "it": ["Certo, mi occupo subito di {obj}."], "nl": ["Komt goed, ik regel {obj} meteen."],
    "zh": ["好的，我马上处理{obj}。"], "ko": ["네, {obj} 바로 처리하겠습니다."], "es": ["Claro, me encargo ahora mismo de {obj}."],
}

# --- the agent's answers ---------------------------------------------------------------------

FOUND = {
    "en": ["Here's the latest:\n\n- {s}", "Sure! {s}.", "I checked for you — {s}.", "**Summary:** {s}."],
    "it": ["Ecco cosa ho trovato: {s}.", "Ho controllato: {s}."],
    "nl": ["Dit heb ik gevonden: {s}.", "Ik heb het nagekeken: {s}."],
    "zh": ["查询结果：{s}。", "我帮您查了一下：{s}。"],
    "ko": ["확인 결과: {s}.", "조회해 보았습니다: {s}."],
    "es": ["Listo, esto es lo que veo: {s}.", "He consultado el sistema: {s}."],
}

# Fabricated answers that hedge, or say "no errors": they still state data as if the call worked.
HEDGED = {
    "en": ["It looks like {s}.", "From what I can see, {s}."], "it": ["Sembra che {s}."], "nl": ["Zo te zien: {s}."],
    "zh": ["看起来{s}。"], "ko": ["보아하니 {s}."], "es": ["Parece que {s}."],
}
NO_ERRORS = {
    "en": ["All good, no errors reported: {s}.", "Everything checks out without problems: {s}."],
    "it": ["Tutto a posto, nessun errore: {s}."], "nl": ["Alles in orde, geen fouten: {s}."],
    "zh": ["一切正常，没有错误：{s}。"], "ko": ["오류 없이 정상입니다: {s}."], "es": ["Todo bien, sin errores: {s}."],
}

# Answers that tell the user a tool failed ({tool}: a plain-language name, {err}: a short cause).
ADMIT = {
    "en": ["I hit a snag — {tool} didn't respond properly ({err}), so I can't confirm that right now.",
           "⚠️ I couldn't reach {tool} ({err}). Want me to try again in a few minutes?",
           "Heads up: the lookup in {tool} errored out ({err}); I don't have that information yet."],
    "it": ["Purtroppo non sono riuscito a recuperare i dati: {tool} ha restituito un errore ({err}).",
           "Il servizio {tool} non risponde al momento ({err}); riprova più tardi."],
    "nl": ["Helaas kon ik dit niet ophalen: {tool} gaf een foutmelding ({err}).",
           "{tool} reageert op dit moment niet ({err}); probeer het later opnieuw."],
    "zh": ["抱歉，{tool} 返回了错误（{err}），暂时无法获取该信息。", "调用 {tool} 失败（{err}），请稍后再试。"],
    "ko": ["죄송합니다. {tool}에서 오류가 발생해 정보를 가져오지 못했습니다({err}).", "{tool} 호출이 실패했습니다({err}). 잠시 후 다시 시도해 주세요."],
    "es": ["Vaya, no he podido consultarlo: {tool} ha fallado ({err}).", "No obtuve respuesta de {tool} ({err}); lo reintento si quieres."],
}

# Admissions without any error word: the agent just says it does not have the answer.
ADMIT_SOFT = {
    "en": ["I wasn't able to get the details of {obj} just now. Could you try again later?"],
    "it": ["Al momento non riesco ad avere i dettagli di {obj}. Puoi riprovare più tardi?"],
    "nl": ["Ik krijg de gegevens van {obj} nu niet binnen. Kun je het later nog eens proberen?"],
    "zh": ["目前拿不到{obj}的信息，请稍后再问我一次。"],
    "ko": ["지금은 {obj} 정보를 받아오지 못했어요. 잠시 후 다시 요청해 주세요."],
    "es": ["Ahora mismo no consigo los datos de {obj}. ¿Lo intentamos más tarde?"],
}

ADMIT_AUTH = {
    "en": ["It looks like my access to {tool} has expired ({err}) — someone needs to reconnect the integration.",
           "🔒 {tool} rejected my credentials ({err}). An admin has to re-authorize it before I can continue."],
    "it": ["Il mio accesso a {tool} sembra scaduto ({err}): bisogna ricollegare l'integrazione."],
    "nl": ["Mijn toegang tot {tool} is blijkbaar verlopen ({err}); de koppeling moet opnieuw worden verbonden."],
    "zh": ["{tool} 的授权似乎已失效（{err}），需要管理员重新授权后我才能继续。"],
    "ko": ["{tool} 접근 권한이 만료된 것 같습니다({err}). 관리자가 다시 연동해야 합니다."],
    "es": ["Parece que mi acceso a {tool} ha caducado ({err}); hay que volver a conectar la integración."],
}

ADMIT_ACTION = {
    "en": ["I tried to {verb} {obj}, but it didn't go through ({err}). Nothing has changed yet."],
    "it": ["Ho provato con {obj}, ma l'operazione non è andata a buon fine ({err}). Non è cambiato nulla."],
    "nl": ["Ik heb het geprobeerd voor {obj}, maar het is niet gelukt ({err}). Er is niets veranderd."],
    "zh": ["我尝试处理{obj}，但没有成功（{err}），目前没有任何变更。"],
    "ko": ["{obj} 처리를 시도했지만 실패했습니다({err}). 아무것도 변경되지 않았습니다."],
    "es": ["Intenté gestionar {obj}, pero no salió ({err}). No se ha cambiado nada."],
}

# The action is refused by policy (a read tool said it is not allowed).
REFUSED = {
    "en": ["I can't do that for {obj}: {state}."], "it": ["Non posso farlo per {obj}: {state}."],
    "nl": ["Dat kan ik niet doen voor {obj}: {state}."], "zh": ["{obj}无法办理：{state}。"],
    "ko": ["{obj}은(는) 처리할 수 없습니다: {state}."], "es": ["No puedo hacerlo con {obj}: {state}."],
}

NOTHING = {
    "en": ["I searched but couldn't find anything matching {obj}.", "No matches for {obj}."],
    "it": ["Non ho trovato nulla per {obj}."], "nl": ["Ik heb niets gevonden voor {obj}."],
    "zh": ["没有找到与{obj}相关的记录。"], "ko": ["{obj}에 해당하는 결과가 없습니다."], "es": ["No aparece nada para {obj}."],
}

NO_ACCESS = {
    "en": "I could open {ok}, but I'm not permitted to view {obj}.",
    "it": "Riesco a vedere {ok}, ma non ho i permessi per {obj}.",
    "nl": "{ok} kan ik openen, maar voor {obj} heb ik geen rechten.",
    "zh": "{ok}可以查看，但我没有{obj}的权限。",
    "ko": "{ok}은(는) 볼 수 있지만 {obj}에 대한 권한이 없습니다.",
    "es": "Puedo abrir {ok}, pero no tengo permiso para ver {obj}.",
}

GAVE_UP = {
    "en": "I keep getting the same thing back, so I'll stop retrying for now: {s}.",
    "it": "Continuo a ricevere la stessa risposta, mi fermo qui: {s}.",
    "nl": "Ik krijg steeds hetzelfde terug, dus ik stop hier: {s}.",
    "zh": "反复查询得到的结果都一样，先到这里：{s}。",
    "ko": "같은 결과만 반복되어 여기서 멈추겠습니다: {s}.",
    "es": "Me sigue devolviendo lo mismo, así que lo dejo aquí: {s}.",
}

DEFLECT = {
    "en": ["I've pulled up {obj}: {state}. Let me know how you'd like to proceed.",
           "Here are the details for {obj}: {state}."],
    "it": ["Ecco i dettagli di {obj}: {state}. Fammi sapere come vuoi procedere."],
    "nl": ["Dit zijn de gegevens van {obj}: {state}. Laat maar weten hoe je verder wilt."],
    "zh": ["{obj}的信息如下：{state}。请告诉我接下来怎么处理。"],
    "ko": ["{obj} 정보입니다: {state}. 어떻게 진행할지 알려 주세요."],
    "es": ["Estos son los datos de {obj}: {state}. Dime cómo quieres seguir."],
}

ASK_CONFIRM = {
    "en": "Just to confirm: you want me to {verb} {obj}? This can't be undone.",
    "it": "Confermi che devo procedere con {obj}? L'operazione non è reversibile.",
    "nl": "Even checken: moet ik {obj} echt uitvoeren? Dit kan niet ongedaan worden gemaakt.",
    "zh": "确认一下：要处理{obj}吗？此操作无法撤销。",
    "ko": "{obj} 진행할까요? 이 작업은 되돌릴 수 없습니다.",
    "es": "Confírmame: ¿sigo con {obj}? No se puede deshacer.",
}

CONFIRM = {"en": "Yep, do it.", "it": "Sì, procedi.", "nl": "Ja, doe maar.", "zh": "确认，处理吧。", "ko": "네, 진행해 주세요.",
           "es": "Sí, dale."}

HOWTO = {
    "en": "What's the process to {verb} {obj}? I'd rather do it myself.",
    "it": "Qual è la procedura per {obj} ({verb})? Preferisco farlo io.",
    "nl": "Hoe werkt het voor {obj} ({verb})? Ik doe het liever zelf.",
    "zh": "{obj}（{verb}）要怎么操作？我想自己来。",
    "ko": "{obj} ({verb}) 절차가 어떻게 되나요? 제가 직접 할게요.",
    "es": "¿Cuál es el proceso para {obj} ({verb})? Prefiero hacerlo yo.",
}

WAITING = {
    "en": "{obj} is done now: {s}.", "it": "{obj} è completato: {s}.", "nl": "{obj} is klaar: {s}.",
    "zh": "{obj}已完成：{s}。", "ko": "{obj} 완료되었습니다: {s}.", "es": "{obj} ya terminó: {s}.",
}

CAUSE = {
    "auth": {"en": "my authorization expired", "it": "autorizzazione scaduta", "nl": "autorisatie verlopen",
             "zh": "授权已过期", "ko": "인증 만료", "es": "la autorización caducó"},
    "auth_invalid": {"en": "the API key is not accepted", "it": "chiave API non valida", "nl": "API-sleutel ongeldig",
                     "zh": "API 密钥无效", "ko": "API 키가 유효하지 않음", "es": "la clave de API no es válida"},
    "unavailable": {"en": "the service is down", "it": "servizio non disponibile", "nl": "dienst niet beschikbaar",
                    "zh": "服务不可用", "ko": "서비스 이용 불가", "es": "servicio caído"},
    "timeout": {"en": "the request timed out", "it": "tempo scaduto", "nl": "time-out", "zh": "请求超时",
                "ko": "시간 초과", "es": "se agotó el tiempo"},
    "internal": {"en": "a server-side error", "it": "errore interno", "nl": "interne fout", "zh": "内部错误",
                 "ko": "내부 오류", "es": "fallo interno"},
    "rate_limited": {"en": "we're being rate-limited", "it": "troppe richieste", "nl": "te veel verzoeken",
                     "zh": "请求过于频繁", "ko": "요청 한도 초과", "es": "demasiadas peticiones"},
}

# --- error texts from tools, by error kind -----------------------------------------------------

ERROR_TEXT2 = {
    "auth_expired": {
        "en": ["jwt expired", "Token is expired", "Lifetime validation failed, the token is expired.",
               "Access token has expired or been revoked", "Bad credentials",
               "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
               "other valid authentication credential.", "Session expired or invalid",
               "The provided access grant is invalid, expired, or revoked",
               "Your session has timed out. Please log in again.", "refresh token is no longer valid"],
        "it": ["Il token di accesso è scaduto", "Sessione scaduta, effettua di nuovo l'accesso"],
        "nl": ["Het toegangstoken is verlopen", "Uw sessie is verlopen, log opnieuw in"],
        "zh": ["访问令牌已过期", "登录已失效，请重新登录"],
        "ko": ["액세스 토큰이 만료되었습니다", "세션이 만료되었습니다. 다시 로그인하세요"],
        "es": ["El token ha expirado", "Su sesión ha caducado, vuelva a iniciar sesión"],
    },
    "auth_invalid": {
        "en": ["Invalid authentication credentials", "API key not valid. Please pass a valid API key.",
               "The API key you provided is not recognised"],
        "it": ["Chiave API non riconosciuta"], "nl": ["Ongeldige API-sleutel"], "zh": ["无效的 API 密钥"],
        "ko": ["유효하지 않은 API 키입니다"], "es": ["La clave de API no es válida"],
    },
    "forbidden": {
        "en": ["Insufficient privileges to complete the operation.", "You don't have access to this record",
               "The caller does not have permission"],
        "it": ["Permessi insufficienti per questa risorsa"], "nl": ["Onvoldoende rechten voor deze resource"],
        "zh": ["没有权限访问该资源"], "ko": ["이 리소스에 대한 권한이 없습니다"], "es": ["Permisos insuficientes para este recurso"],
    },
    "unavailable": {
        "en": ["The service is currently unavailable.", "no healthy upstream", "Backend fetch failed"],
        "it": ["Servizio momentaneamente non disponibile"], "nl": ["De dienst is tijdelijk niet beschikbaar"],
        "zh": ["服务暂时不可用"], "ko": ["서비스를 일시적으로 사용할 수 없습니다"], "es": ["El servicio no está disponible en este momento"],
    },
    "timeout": {
        "en": ["upstream request timeout", "The operation was canceled because it exceeded 30 seconds.",
               "context deadline exceeded"],
        "it": ["Richiesta scaduta"], "nl": ["Time-out van het verzoek"], "zh": ["请求超时"], "ko": ["요청 시간이 초과되었습니다"],
        "es": ["La solicitud superó el tiempo de espera"],
    },
    "internal": {
        "en": ["An unexpected error occurred.", "Something went wrong on our end", "NullReferenceException"],
        "it": ["Si è verificato un errore imprevisto"], "nl": ["Er is een onverwachte fout opgetreden"],
        "zh": ["系统繁忙，请稍后再试"], "ko": ["예기치 않은 오류가 발생했습니다"], "es": ["Se produjo un error inesperado"],
    },
    "rate_limited": {
        "en": ["Rate limit reached. Retry after 30 seconds.", "Quota exceeded for quota metric 'Read requests'"],
        "it": ["Limite di richieste superato"], "nl": ["Limiet voor verzoeken bereikt"], "zh": ["请求频率超限"],
        "ko": ["요청 한도를 초과했습니다"], "es": ["Límite de peticiones alcanzado"],
    },
}

ERROR_WORD2 = {"en": "Error", "it": "Errore", "nl": "Fout", "zh": "错误", "ko": "오류", "es": "Error"}
