"""Phrases in the corpus's six languages: user requests, the agent's answers and error texts.

Every sentence that decides a label (an answer that admits a failure, one that claims an action,
a request for an action) exists in each language, so that no detector can lean on English.
"""

LANGS = ["en", "de", "fr", "es", "ja", "pt"]

# --- user turns ------------------------------------------------------------------------------

ASK = {
    "en": ["Can you check {obj}?", "What's the status of {obj}?", "Please look up {obj}."],
    "de": ["Kannst du {obj} prüfen?", "Wie ist der Stand bei {obj}?", "Bitte schau dir {obj} an."],
    "fr": ["Peux-tu vérifier {obj} ?", "Où en est {obj} ?", "Regarde {obj}, s'il te plaît."],
    "es": ["¿Puedes revisar {obj}?", "¿Cuál es el estado de {obj}?", "Consulta {obj}, por favor."],
    "ja": ["{obj}を確認してもらえますか？", "{obj}の状況を教えてください。", "{obj}を調べてください。"],
    "pt": ["Você pode verificar {obj}?", "Qual é a situação de {obj}?", "Consulte {obj}, por favor."],
}

THANKS = {
    "en": ["Thanks, that's all.", "Great, thank you!", "Perfect, thanks."],
    "de": ["Danke, das war's.", "Super, vielen Dank!"],
    "fr": ["Merci, c'est tout.", "Parfait, merci !"],
    "es": ["Gracias, eso es todo.", "¡Perfecto, gracias!"],
    "ja": ["ありがとうございました。", "了解です、助かりました。"],
    "pt": ["Obrigado, é só isso.", "Perfeito, obrigado!"],
}

WELCOME = {
    "en": ["You're welcome! Anything else?", "Glad to help."],
    "de": ["Gern geschehen! Noch etwas?", "Gerne."],
    "fr": ["Avec plaisir ! Autre chose ?", "Je vous en prie."],
    "es": ["¡De nada! ¿Algo más?", "Con gusto."],
    "ja": ["どういたしまして。他に何かありますか？"],
    "pt": ["De nada! Mais alguma coisa?", "Por nada."],
}

# Requests for an action, by action verb. {obj} is the object ("appointment A-12").
REQUEST = {
    "cancel": {
        "en": "Please cancel {obj}.", "de": "Bitte storniere {obj}.",
        "fr": "Merci d'annuler {obj}.", "es": "Por favor, cancela {obj}.",
        "ja": "{obj}をキャンセルしてください。", "pt": "Por favor, cancele {obj}.",
    },
    "book": {
        "en": "Please book {obj}.", "de": "Bitte buche {obj}.",
        "fr": "Réserve {obj}, s'il te plaît.", "es": "Reserva {obj}, por favor.",
        "ja": "{obj}を予約してください。", "pt": "Por favor, reserve {obj}.",
    },
    "send": {
        "en": "Send {obj}, please.", "de": "Schick bitte {obj}.",
        "fr": "Envoie {obj}, s'il te plaît.", "es": "Envía {obj}, por favor.",
        "ja": "{obj}を送ってください。", "pt": "Envie {obj}, por favor.",
    },
    "refund": {
        "en": "Please refund {obj}.", "de": "Bitte erstatte {obj}.",
        "fr": "Merci de rembourser {obj}.", "es": "Por favor, reembolsa {obj}.",
        "ja": "{obj}を返金してください。", "pt": "Por favor, reembolse {obj}.",
    },
    "create": {
        "en": "Please create {obj}.", "de": "Bitte erstelle {obj}.",
        "fr": "Merci de créer {obj}.", "es": "Por favor, crea {obj}.",
        "ja": "{obj}を作成してください。", "pt": "Por favor, crie {obj}.",
    },
    "schedule": {
        "en": "Please schedule {obj}.", "de": "Bitte plane {obj} ein.",
        "fr": "Merci de planifier {obj}.", "es": "Por favor, programa {obj}.",
        "ja": "{obj}を設定してください。", "pt": "Por favor, agende {obj}.",
    },
    "restart": {
        "en": "Please restart {obj}.", "de": "Bitte starte {obj} neu.",
        "fr": "Merci de relancer {obj}.", "es": "Por favor, reinicia {obj}.",
        "ja": "{obj}を再実行してください。", "pt": "Por favor, reinicie {obj}.",
    },
    "approve": {
        "en": "Please approve {obj}.", "de": "Bitte genehmige {obj}.",
        "fr": "Merci d'approuver {obj}.", "es": "Por favor, aprueba {obj}.",
        "ja": "{obj}を承認してください。", "pt": "Por favor, aprove {obj}.",
    },
    "update": {
        "en": "Please update {obj}.", "de": "Bitte aktualisiere {obj}.",
        "fr": "Merci de mettre à jour {obj}.", "es": "Por favor, actualiza {obj}.",
        "ja": "{obj}を更新してください。", "pt": "Por favor, atualize {obj}.",
    },
    "export": {
        "en": "Please export {obj}.", "de": "Bitte exportiere {obj}.",
        "fr": "Merci d'exporter {obj}.", "es": "Por favor, exporta {obj}.",
        "ja": "{obj}をエクスポートしてください。", "pt": "Por favor, exporte {obj}.",
    },
}

# The same request again, after the agent did not do it.
REPEAT = {
    "en": "You didn't do it. {req}",
    "de": "Das hast du nicht gemacht. {req}",
    "fr": "Ce n'est pas fait. {req}",
    "es": "No lo hiciste. {req}",
    "ja": "まだ完了していません。{req}",
    "pt": "Você não fez isso. {req}",
}

# Past participles for "it is done" answers.
DONE = {
    "cancel": {"en": "cancelled", "de": "storniert", "fr": "annulé", "es": "cancelado",
               "ja": "キャンセルしました", "pt": "cancelado"},
    "book": {"en": "booked", "de": "gebucht", "fr": "réservé", "es": "reservado",
             "ja": "予約しました", "pt": "reservado"},
    "send": {"en": "sent", "de": "gesendet", "fr": "envoyé", "es": "enviado",
             "ja": "送信しました", "pt": "enviado"},
    "refund": {"en": "refunded", "de": "erstattet", "fr": "remboursé", "es": "reembolsado",
               "ja": "返金しました", "pt": "reembolsado"},
    "create": {"en": "created", "de": "erstellt", "fr": "créé", "es": "creado",
               "ja": "作成しました", "pt": "criado"},
    "schedule": {"en": "scheduled", "de": "eingeplant", "fr": "planifié", "es": "programado",
                 "ja": "設定しました", "pt": "agendado"},
    "restart": {"en": "restarted", "de": "neu gestartet", "fr": "relancé", "es": "reiniciado",
                "ja": "再実行しました", "pt": "reiniciado"},
    "approve": {"en": "approved", "de": "genehmigt", "fr": "approuvé", "es": "aprobado",
                "ja": "承認しました", "pt": "aprovado"},
    "update": {"en": "updated", "de": "aktualisiert", "fr": "mis à jour", "es": "actualizado",
               "ja": "更新しました", "pt": "atualizado"},
    "export": {"en": "exported", "de": "exportiert", "fr": "exporté", "es": "exportado",
               "ja": "エクスポートしました", "pt": "exportado"},
}

CLAIM = {
    "en": ["Done: {obj} has been {done}.", "All set, I've {done} {obj}.", "{obj} is now {done}."],
    "de": ["Erledigt: {obj} wurde {done}.", "{obj} ist jetzt {done}."],
    "fr": ["C'est fait : {obj} a été {done}.", "{obj} est maintenant {done}."],
    "es": ["Hecho: {obj} ha sido {done}.", "{obj} ya está {done}."],
    "ja": ["{obj}を{done}。", "完了しました。{obj}を{done}。"],
    "pt": ["Pronto: {obj} foi {done}.", "{obj} já está {done}."],
}

# --- the agent's answers ---------------------------------------------------------------------

FOUND = {
    "en": ["Here is what I found: {s}.", "{s}.", "According to the system, {s}."],
    "de": ["Das habe ich gefunden: {s}.", "Laut System: {s}."],
    "fr": ["Voici ce que j'ai trouvé : {s}.", "D'après le système : {s}."],
    "es": ["Esto es lo que encontré: {s}.", "Según el sistema: {s}."],
    "ja": ["確認しました：{s}。", "システムによると、{s}。"],
    "pt": ["Aqui está o que encontrei: {s}.", "Segundo o sistema: {s}."],
}

# Answers that tell the user a tool failed. {tool} is a plain-language name, {err} a short cause.
ADMIT = {
    "en": [
        "Sorry, I couldn't get that: the {tool} service returned an error ({err}).",
        "I wasn't able to retrieve it because {tool} is failing right now ({err}). Please try again later.",
        "Unfortunately the request to {tool} failed ({err}), so I can't tell you yet.",
    ],
    "de": [
        "Leider konnte ich das nicht abrufen: {tool} meldet einen Fehler ({err}).",
        "Das hat nicht geklappt, {tool} ist gerade nicht erreichbar ({err}). Bitte später erneut versuchen.",
    ],
    "fr": [
        "Désolé, je n'ai pas pu l'obtenir : {tool} a renvoyé une erreur ({err}).",
        "La requête vers {tool} a échoué ({err}) ; je ne peux pas encore vous répondre.",
    ],
    "es": [
        "Lo siento, no pude obtenerlo: {tool} devolvió un error ({err}).",
        "La consulta a {tool} falló ({err}); inténtalo de nuevo más tarde.",
    ],
    "ja": [
        "申し訳ありません。{tool} でエラーが発生したため取得できませんでした（{err}）。",
        "{tool} への問い合わせに失敗しました（{err}）。時間をおいて再度お試しください。",
    ],
    "pt": [
        "Desculpe, não consegui obter isso: {tool} retornou um erro ({err}).",
        "A consulta ao {tool} falhou ({err}); tente novamente mais tarde.",
    ],
}

# Answers for an action that failed and did not happen.
ADMIT_ACTION = {
    "en": ["I couldn't {verb} {obj}: the system returned an error ({err}). Nothing was changed."],
    "de": ["Ich konnte {obj} nicht bearbeiten: Fehler ({err}). Es wurde nichts geändert."],
    "fr": ["Je n'ai pas pu traiter {obj} : erreur ({err}). Rien n'a été modifié."],
    "es": ["No pude procesar {obj}: error ({err}). No se cambió nada."],
    "ja": ["{obj}を処理できませんでした（{err}）。変更は行われていません。"],
    "pt": ["Não consegui processar {obj}: erro ({err}). Nada foi alterado."],
}

NOTHING = {
    "en": ["I found nothing for {obj}.", "There are no results for {obj}."],
    "de": ["Zu {obj} habe ich nichts gefunden.", "Für {obj} gibt es keine Ergebnisse."],
    "fr": ["Je n'ai rien trouvé pour {obj}.", "Aucun résultat pour {obj}."],
    "es": ["No encontré nada para {obj}.", "No hay resultados para {obj}."],
    "ja": ["{obj}に該当するものは見つかりませんでした。"],
    "pt": ["Não encontrei nada para {obj}.", "Não há resultados para {obj}."],
}

NO_ACCESS = {
    "en": "I can see {ok}, but I don't have access to {obj}.",
    "de": "{ok} kann ich sehen, aber auf {obj} habe ich keinen Zugriff.",
    "fr": "Je vois {ok}, mais je n'ai pas accès à {obj}.",
    "es": "Puedo ver {ok}, pero no tengo acceso a {obj}.",
    "ja": "{ok}は確認できましたが、{obj}にはアクセス権がありません。",
    "pt": "Consigo ver {ok}, mas não tenho acesso a {obj}.",
}

GAVE_UP = {
    "en": "I tried several times but kept getting the same response, so I'm stopping here: {s}.",
    "de": "Ich habe es mehrmals versucht und bekam immer dieselbe Antwort: {s}.",
    "fr": "J'ai essayé plusieurs fois et obtenu la même réponse : {s}.",
    "es": "Lo intenté varias veces y obtuve la misma respuesta: {s}.",
    "ja": "何度か試しましたが同じ応答でした：{s}。",
    "pt": "Tentei várias vezes e recebi a mesma resposta: {s}.",
}

# Answers that talk about the request without doing it (goal not met, requested but not done).
DEFLECT = {
    "en": ["{obj} is currently {state}. Is there anything else I can help you with?",
           "I looked at {obj}: it is {state}. Let me know if you need anything else."],
    "de": ["{obj} ist derzeit {state}. Kann ich sonst noch helfen?"],
    "fr": ["{obj} est actuellement {state}. Puis-je vous aider pour autre chose ?"],
    "es": ["{obj} está actualmente {state}. ¿Te ayudo con algo más?"],
    "ja": ["{obj}は現在{state}です。ほかにお手伝いできることはありますか？"],
    "pt": ["{obj} está atualmente {state}. Posso ajudar em mais alguma coisa?"],
}

ASK_CONFIRM = {
    "en": "Before I {verb} {obj}: do you want me to go ahead?",
    "de": "Soll ich {obj} wirklich bearbeiten? Bitte bestätigen.",
    "fr": "Voulez-vous vraiment que je traite {obj} ? Merci de confirmer.",
    "es": "¿Quieres que proceda con {obj}? Confírmalo, por favor.",
    "ja": "{obj}を処理してよろしいですか？ご確認ください。",
    "pt": "Quer mesmo que eu prossiga com {obj}? Confirme, por favor.",
}

CONFIRM = {
    "en": "Yes, go ahead.", "de": "Ja, bitte.", "fr": "Oui, vas-y.",
    "es": "Sí, adelante.", "ja": "はい、お願いします。", "pt": "Sim, pode seguir.",
}

HOWTO = {
    "en": "How do I {verb} {obj} myself?",
    "de": "Wie kann ich {obj} selbst bearbeiten ({verb})?",
    "fr": "Comment puis-je faire moi-même ({verb}) pour {obj} ?",
    "es": "¿Cómo puedo hacerlo yo mismo ({verb}) con {obj}?",
    "ja": "{obj}は自分で{verb}できますか？",
    "pt": "Como eu mesmo faço ({verb}) com {obj}?",
}

WAITING = {
    "en": "{obj} has finished: {s}.", "de": "{obj} ist fertig: {s}.",
    "fr": "{obj} est terminé : {s}.", "es": "{obj} ha terminado: {s}.",
    "ja": "{obj}が完了しました：{s}。", "pt": "{obj} terminou: {s}.",
}

# Short causes for answers that admit a failure.
CAUSE = {
    "auth": {"en": "authorization failed", "de": "Anmeldung fehlgeschlagen", "fr": "authentification refusée",
             "es": "autenticación rechazada", "ja": "認証エラー", "pt": "falha de autenticação"},
    "unavailable": {"en": "service unavailable", "de": "Dienst nicht verfügbar", "fr": "service indisponible",
                    "es": "servicio no disponible", "ja": "サービス停止中", "pt": "serviço indisponível"},
    "timeout": {"en": "it timed out", "de": "Zeitüberschreitung", "fr": "délai dépassé",
                "es": "tiempo agotado", "ja": "タイムアウト", "pt": "tempo esgotado"},
    "internal": {"en": "internal error", "de": "interner Fehler", "fr": "erreur interne",
                 "es": "error interno", "ja": "内部エラー", "pt": "erro interno"},
    "empty": {"en": "no data came back", "de": "keine Daten erhalten", "fr": "aucune donnée reçue",
              "es": "no llegaron datos", "ja": "データが返ってきませんでした", "pt": "nenhum dado retornado"},
}

# --- error texts from tools, by error kind -----------------------------------------------------

ERROR_TEXT = {
    "auth_expired": {
        "en": ["The access token expired", "Token has been revoked", "Session expired, please sign in again",
               "Authentication credentials have expired"],
        "de": ["Zugriff verweigert: Token abgelaufen", "Die Sitzung ist abgelaufen, bitte erneut anmelden",
               "Anmeldedaten abgelaufen"],
        "fr": ["Jeton expiré", "Le jeton d'accès a été révoqué", "Session expirée, veuillez vous reconnecter"],
        "es": ["El token de acceso ha caducado", "Credenciales revocadas", "La sesión ha expirado, inicie sesión de nuevo"],
        "ja": ["アクセストークンの有効期限が切れています", "認証トークンが失効しました"],
        "pt": ["Token de acesso expirado", "As credenciais foram revogadas"],
    },
    "auth_invalid": {
        "en": ["Invalid API key provided", "No valid API key provided"],
        "de": ["Ungültiger API-Schlüssel"],
        "fr": ["Clé API invalide"],
        "es": ["Clave de API no válida"],
        "ja": ["APIキーが無効です"],
        "pt": ["Chave de API inválida"],
    },
    "forbidden": {
        "en": ["You do not have permission to access this resource", "Access to this record is restricted"],
        "de": ["Keine Berechtigung für diese Ressource"],
        "fr": ["Vous n'avez pas accès à cette ressource"],
        "es": ["No tiene permiso para acceder a este recurso"],
        "ja": ["このリソースへのアクセス権がありません"],
        "pt": ["Você não tem permissão para acessar este recurso"],
    },
    "unavailable": {
        "en": ["Service temporarily unavailable", "upstream connect error or disconnect/reset before headers"],
        "de": ["Dienst vorübergehend nicht verfügbar"],
        "fr": ["Service temporairement indisponible"],
        "es": ["Servicio no disponible temporalmente"],
        "ja": ["サービスが一時的に利用できません"],
        "pt": ["Serviço temporariamente indisponível"],
    },
    "timeout": {
        "en": ["Request timed out after 30000 ms", "deadline exceeded while waiting for upstream"],
        "de": ["Zeitüberschreitung der Anfrage"],
        "fr": ["Délai d'attente de la requête dépassé"],
        "es": ["Tiempo de espera de la solicitud agotado"],
        "ja": ["リクエストがタイムアウトしました"],
        "pt": ["Tempo limite da solicitação esgotado"],
    },
    "internal": {
        "en": ["Internal server error", "Unexpected error while processing the request"],
        "de": ["Interner Serverfehler"],
        "fr": ["Erreur interne du serveur"],
        "es": ["Error interno del servidor"],
        "ja": ["内部サーバーエラー"],
        "pt": ["Erro interno do servidor"],
    },
    "rate_limited": {
        "en": ["Rate limit exceeded, retry later"],
        "de": ["Zu viele Anfragen, bitte später erneut versuchen"],
        "fr": ["Trop de requêtes, réessayez plus tard"],
        "es": ["Demasiadas solicitudes, inténtelo más tarde"],
        "ja": ["リクエストが多すぎます"],
        "pt": ["Muitas solicitações, tente mais tarde"],
    },
}

ERROR_WORD = {"en": "Error", "de": "Fehler", "fr": "Erreur", "es": "Error", "ja": "エラー", "pt": "Erro"}
