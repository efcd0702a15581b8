"""Phrases of the dev3 split: English, Russian, Polish, Turkish, Swedish, Indonesian and German,
written afresh the way assistants of these domains answer (markdown, bullet lists, polite
forms, hedges, hand-offs).

Every sentence that decides a label exists in each language."""

LANGS3 = ["en", "ru", "pl", "tr", "sv", "id", "de"]

ASK = {
    "en": ["Can you check {obj} for me?", "What's the latest on {obj}?", "Look up {obj}, please.",
           "I need info on {obj}."],
    "ru": ["Проверьте, пожалуйста, {obj}.", "Что там с {obj}?", "Мне нужна информация: {obj}."],
    "pl": ["Sprawdź proszę {obj}.", "Co słychać w sprawie: {obj}?", "Potrzebuję informacji: {obj}."],
    "tr": ["{obj} için bakabilir misin?", "{obj} ne durumda?", "{obj} hakkında bilgi lazım."],
    "sv": ["Kan du kolla {obj}?", "Hur ser det ut med {obj}?", "Jag behöver uppgifter om {obj}."],
    "id": ["Tolong cek {obj}.", "Bagaimana status {obj}?", "Saya perlu info tentang {obj}."],
    "de": ["Schau bitte mal nach: {obj}.", "Wie ist der Stand bei {obj}?", "Ich brauche Infos zu {obj}."],
}

THANKS = {
    "en": ["Great, thank you.", "perfect, that's all"], "ru": ["Спасибо, это всё.", "Отлично, спасибо!"],
    "pl": ["Dzięki, to wszystko.", "Super, dziękuję!"], "tr": ["Teşekkürler, bu kadar.", "Harika, sağ ol!"],
    "sv": ["Tack, det var allt.", "Toppen, tack!"], "id": ["Terima kasih, itu saja.", "Oke, makasih!"],
    "de": ["Danke, das war's.", "Super, danke!"],
}

WELCOME = {
    "en": ["You're welcome — have a good one!", "Glad I could help."], "ru": ["Пожалуйста! Обращайтесь."],
    "pl": ["Nie ma sprawy, miłego dnia!"], "tr": ["Rica ederim, iyi günler!"], "sv": ["Varsågod, ha en bra dag!"],
    "id": ["Sama-sama, semoga harimu menyenangkan!"], "de": ["Gern geschehen, schönen Tag noch!"],
}

# Requests for an action, by action verb.
REQUEST = {
    "schedule": {"en": "Please schedule {obj}.", "ru": "Запланируйте, пожалуйста, {obj}.", "pl": "Umów proszę {obj}.",
                 "tr": "Lütfen {obj} için randevu ayarla.", "sv": "Boka in {obj}, tack.", "id": "Tolong jadwalkan {obj}.",
                 "de": "Bitte vereinbare {obj}."},
    "create": {"en": "Open {obj}.", "ru": "Создайте {obj}.", "pl": "Załóż {obj}.", "tr": "{obj} oluştur lütfen.",
               "sv": "Skapa {obj}.", "id": "Buatkan {obj}.", "de": "Leg bitte {obj} an."},
    "send": {"en": "Send {obj} now.", "ru": "Отправьте {obj}.", "pl": "Wyślij {obj}.", "tr": "{obj} gönder lütfen.",
             "sv": "Skicka {obj}.", "id": "Kirim {obj} sekarang.", "de": "Verschick bitte {obj}."},
    "renew": {"en": "Renew {obj}.", "ru": "Продлите {obj}.", "pl": "Przedłuż {obj}.", "tr": "{obj} yenile lütfen.",
              "sv": "Förläng {obj}.", "id": "Perpanjang {obj}.", "de": "Verlängere bitte {obj}."},
    "enroll": {"en": "Enroll {obj}.", "ru": "Зачислите {obj}.", "pl": "Zapisz {obj}.", "tr": "Kaydı yap: {obj}.",
               "sv": "Registrera {obj}.", "id": "Daftarkan {obj}.", "de": "Schreib bitte {obj} ein."},
    "extend": {"en": "Extend {obj}.", "ru": "Продлите срок: {obj}.", "pl": "Przesuń termin: {obj}.",
               "tr": "Süreyi uzat: {obj}.", "sv": "Skjut upp {obj}.", "id": "Perpanjang tenggat {obj}.",
               "de": "Verlängere die Frist: {obj}."},
    "post": {"en": "Post {obj}.", "ru": "Опубликуйте {obj}.", "pl": "Opublikuj {obj}.", "tr": "{obj} yayınla.",
             "sv": "Publicera {obj}.", "id": "Posting {obj}.", "de": "Veröffentliche {obj}."},
    "book": {"en": "Book {obj}.", "ru": "Забронируйте {obj}.", "pl": "Zarezerwuj {obj}.", "tr": "{obj} rezervasyonu yap.",
             "sv": "Boka {obj}.", "id": "Pesankan {obj}.", "de": "Buch bitte {obj}."},
    "refill": {"en": "Request {obj}, I'm almost out.", "ru": "Оформите {obj}, таблетки заканчиваются.",
               "pl": "Zamów {obj}, kończą mi się tabletki.", "tr": "{obj} talep et, ilacım bitmek üzere.",
               "sv": "Beställ {obj}, jag har nästan slut.", "id": "Ajukan {obj}, obat saya hampir habis.",
               "de": "Bestell bitte {obj}, ich habe fast nichts mehr."},
    "transfer": {"en": "Transfer {obj}.", "ru": "Переведите {obj}.", "pl": "Przenieś {obj}.", "tr": "{obj} transfer et.",
                 "sv": "Flytta {obj}.", "id": "Pindahkan {obj}.", "de": "Übertrag bitte {obj}."},
    "cancel": {"en": "Cancel {obj}.", "ru": "Отмените {obj}.", "pl": "Odwołaj {obj}.", "tr": "{obj} iptal et.",
               "sv": "Avboka {obj}.", "id": "Batalkan {obj}.", "de": "Sag bitte {obj} ab."},
    "file": {"en": "File {obj} today.", "ru": "Подайте {obj} сегодня.", "pl": "Złóż dziś {obj}.",
             "tr": "{obj} bugün ver.", "sv": "Lämna in {obj} i dag.", "id": "Ajukan {obj} hari ini.",
             "de": "Reich {obj} heute ein."},
    "release": {"en": "Get {obj} released.", "ru": "Снимите {obj}.", "pl": "Zwolnij {obj}.",
                "tr": "{obj} kaldırılsın.", "sv": "Få {obj} släppt.", "id": "Lepaskan {obj}.", "de": "Lass {obj} aufheben."},
}

REPEAT = {
    "en": "Hello? This still isn't done. {req}", "ru": "Это так и не сделано. {req}", "pl": "Nadal nie zrobione. {req}",
    "tr": "Hâlâ yapılmadı. {req}", "sv": "Det är fortfarande inte gjort. {req}", "id": "Masih belum dikerjakan. {req}",
    "de": "Das ist immer noch nicht erledigt. {req}",
}

# The user asks for a fresh check of something read earlier in the session.
REPEAT_CHECK = {
    "en": "Can you refresh {obj}? I need the current state.", "ru": "Обновите, пожалуйста, {obj} — нужен текущий статус.",
    "pl": "Odśwież proszę {obj}, potrzebuję aktualnego stanu.", "tr": "{obj} bilgisini yeniler misin? Güncel durum lazım.",
    "sv": "Kan du uppdatera {obj}? Jag behöver aktuell status.", "id": "Tolong perbarui {obj}, saya perlu status terkini.",
    "de": "Kannst du {obj} aktualisieren? Ich brauche den aktuellen Stand.",
}

# Past participles / "it is done" words per verb, for CLAIM.
DONE = {
    "schedule": {"en": "scheduled", "ru": "запланировано", "pl": "umówione", "tr": "planlandı", "sv": "inbokat",
                 "id": "sudah dijadwalkan", "de": "vereinbart"},
    "create": {"en": "opened", "ru": "создан", "pl": "założone", "tr": "oluşturuldu", "sv": "skapat", "id": "sudah dibuat",
               "de": "angelegt"},
    "send": {"en": "sent", "ru": "отправлено", "pl": "wysłane", "tr": "gönderildi", "sv": "skickat", "id": "sudah dikirim",
             "de": "verschickt"},
    "renew": {"en": "renewed", "ru": "продлён", "pl": "przedłużona", "tr": "yenilendi", "sv": "förlängt",
              "id": "sudah diperpanjang", "de": "verlängert"},
    "enroll": {"en": "enrolled", "ru": "зачислен", "pl": "zapisany", "tr": "kaydedildi", "sv": "registrerad",
               "id": "sudah terdaftar", "de": "eingeschrieben"},
    "extend": {"en": "extended", "ru": "продлён", "pl": "przesunięty", "tr": "uzatıldı", "sv": "uppskjuten",
               "id": "sudah diperpanjang", "de": "verlängert"},
    "post": {"en": "posted", "ru": "опубликовано", "pl": "opublikowane", "tr": "yayınlandı", "sv": "publicerat",
             "id": "sudah diposting", "de": "veröffentlicht"},
    "book": {"en": "booked", "ru": "забронировано", "pl": "zarezerwowane", "tr": "rezerve edildi", "sv": "bokat",
             "id": "sudah dipesan", "de": "gebucht"},
    "refill": {"en": "requested", "ru": "оформлен", "pl": "zamówione", "tr": "talep edildi", "sv": "beställd",
               "id": "sudah diajukan", "de": "bestellt"},
    "transfer": {"en": "transferred", "ru": "переведён", "pl": "przeniesiona", "tr": "transfer edildi", "sv": "flyttat",
                 "id": "sudah dipindahkan", "de": "übertragen"},
    "cancel": {"en": "cancelled", "ru": "отменено", "pl": "odwołane", "tr": "iptal edildi", "sv": "avbokat",
               "id": "sudah dibatalkan", "de": "abgesagt"},
    "file": {"en": "filed", "ru": "подана", "pl": "złożona", "tr": "verildi", "sv": "inlämnad", "id": "sudah diajukan",
             "de": "eingereicht"},
    "release": {"en": "released", "ru": "снят", "pl": "zwolniona", "tr": "kaldırıldı", "sv": "släppt",
                "id": "sudah dilepas", "de": "aufgehoben"},
}

CLAIM = {
    "en": ["All done: {obj} — {done}. ✔️", "Okay, {obj} is {done}.", "### Update\n{obj}: **{done}**"],
    "ru": ["Готово: {obj} — {done}.", "Сделано, {obj}: {done}."],
    "pl": ["Gotowe: {obj} — {done}.", "Zrobione, {obj}: {done}."],
    "tr": ["Tamamdır: {obj} {done}.", "İşlem tamam, {obj}: {done}."],
    "sv": ["Klart: {obj} är {done}.", "Fixat! {obj}: {done}."],
    "id": ["Beres: {obj} {done}.", "Selesai, {obj} {done}."],
    "de": ["Erledigt: {obj} — {done}.", "Alles klar, {obj} ist {done}."],
}

PROMISE = {
    "en": ["Got it — I'll get {obj} sorted as soon as the system frees up.", "I'll handle {obj} later today and let you know."],
    "ru": ["Хорошо, займусь {obj} чуть позже и сообщу вам."], "pl": ["Jasne, zajmę się {obj} później i dam znać."],
    "tr": ["Tamam, {obj} işini birazdan halledeceğim."], "sv": ["Absolut, jag tar hand om {obj} senare i dag."],
    "id": ["Baik, saya akan mengurus {obj} nanti dan mengabari Anda."], "de": ["Alles klar, ich kümmere mich nachher um {obj}."],
}

HANDOFF = {
    "en": ["I've passed your request about {obj} on to the team; they'll take it from here."],
    "ru": ["Я передал ваш запрос ({obj}) специалистам, они всё сделают."],
    "pl": ["Przekazałem prośbę ({obj}) zespołowi, oni się tym zajmą."],
    "tr": ["Talebinizi ({obj}) ekibe ilettim, onlar ilgilenecek."],
    "sv": ["Jag har skickat vidare ditt ärende ({obj}) till teamet, de tar det härifrån."],
    "id": ["Permintaan Anda ({obj}) sudah saya teruskan ke tim, mereka yang akan menanganinya."],
    "de": ["Ich habe dein Anliegen ({obj}) an das Team weitergegeben, die kümmern sich darum."],
}

CLARIFY = {
    "en": "Before I do anything with {obj}: could you confirm which one you mean and whether it's urgent?",
    "ru": "Прежде чем что-то делать с {obj}: уточните, пожалуйста, что именно вы имеете в виду?",
    "pl": "Zanim coś zrobię z {obj}: możesz doprecyzować, o co dokładnie chodzi?",
    "tr": "{obj} ile ilgili bir şey yapmadan önce: tam olarak hangisini kastettiğinizi netleştirir misiniz?",
    "sv": "Innan jag gör något med {obj}: kan du förtydliga exakt vad du menar?",
    "id": "Sebelum saya memproses {obj}: bisa dijelaskan maksud Anda yang mana?",
    "de": "Bevor ich etwas mit {obj} mache: kannst du genauer sagen, welches du meinst?",
}

FOUND = {
    "en": ["Here's what I found: {s}.", "**Result**\n- {s}", "{s}. Anything else?"],
    "ru": ["Вот что я нашёл: {s}.", "Результат: {s}."],
    "pl": ["Oto co znalazłem: {s}.", "Wynik: {s}."],
    "tr": ["Bulduklarım: {s}.", "Sonuç: {s}."],
    "sv": ["Det här hittade jag: {s}.", "Resultat: {s}."],
    "id": ["Ini yang saya temukan: {s}.", "Hasilnya: {s}."],
    "de": ["Das habe ich gefunden: {s}.", "Ergebnis: {s}."],
}

# Answers that state made-up data and mention failure/expiry only as a topic, not about the call.
TOPIC = {
    "en": ["{s}. Tip: if a payment ever fails or a link expires, just tell me and I'll resend it."],
    "ru": ["{s}. Совет: если платёж не пройдёт или ссылка истечёт, напишите мне."],
    "pl": ["{s}. Wskazówka: jeśli płatność się nie powiedzie albo link wygaśnie, daj znać."],
    "tr": ["{s}. İpucu: bir ödeme başarısız olursa ya da bağlantının süresi dolarsa bana yazın."],
    "sv": ["{s}. Tips: om en betalning misslyckas eller en länk går ut, säg till."],
    "id": ["{s}. Tips: kalau pembayaran gagal atau tautan kedaluwarsa, kabari saya saja."],
    "de": ["{s}. Tipp: Falls eine Zahlung fehlschlägt oder ein Link abläuft, sag einfach Bescheid."],
}

ADMIT = {
    "en": ["Sorry — {tool} returned an error ({err}), so I can't give you that right now.",
           "I wasn't able to complete the lookup: {tool} failed ({err}). Shall I retry in a bit?"],
    "ru": ["К сожалению, {tool} вернул ошибку ({err}), поэтому сейчас я не могу это показать.",
           "Не удалось получить данные: сбой {tool} ({err}). Попробовать ещё раз позже?"],
    "pl": ["Niestety {tool} zwrócił błąd ({err}), więc teraz nie mogę tego sprawdzić.",
           "Nie udało się pobrać danych: {tool} nie działa ({err})."],
    "tr": ["Maalesef {tool} hata verdi ({err}), şu an bu bilgiyi getiremiyorum.",
           "Sorgu başarısız oldu: {tool} yanıt vermedi ({err})."],
    "sv": ["Tyvärr gav {tool} ett fel ({err}), så jag kan inte visa det just nu.",
           "Det gick inte att hämta uppgifterna: {tool} misslyckades ({err})."],
    "id": ["Maaf, {tool} mengembalikan galat ({err}), jadi saat ini saya belum bisa menampilkannya.",
           "Pencarian gagal: {tool} tidak merespons ({err})."],
    "de": ["Leider hat {tool} einen Fehler geliefert ({err}), daher kann ich das gerade nicht abrufen.",
           "Die Abfrage ist fehlgeschlagen: {tool} antwortet nicht ({err})."],
}

ADMIT_SOFT = {
    "en": ["I don't have the details of {obj} at the moment — could you ask me again a little later?"],
    "ru": ["Сейчас у меня нет сведений по {obj}. Спросите, пожалуйста, чуть позже."],
    "pl": ["W tej chwili nie mam danych o {obj}. Zapytaj proszę trochę później."],
    "tr": ["Şu anda {obj} bilgisine ulaşamıyorum, biraz sonra tekrar sorar mısınız?"],
    "sv": ["Just nu har jag inte uppgifterna om {obj}. Fråga gärna igen lite senare."],
    "id": ["Saat ini saya belum punya data {obj}. Coba tanyakan lagi sebentar lagi ya."],
    "de": ["Zu {obj} habe ich gerade keine Angaben. Frag bitte etwas später noch einmal."],
}

ADMIT_AUTH = {
    "en": ["I've been signed out of {tool} ({err}); someone needs to log the integration back in before I can continue.",
           "The connection to {tool} is no longer authorized ({err}). Please reconnect it in settings."],
    "ru": ["Доступ к {tool} больше не действует ({err}); нужно заново подключить интеграцию."],
    "pl": ["Dostęp do {tool} wygasł ({err}); ktoś musi ponownie połączyć integrację."],
    "tr": ["{tool} bağlantısının yetkisi sona erdi ({err}); entegrasyonun yeniden bağlanması gerekiyor."],
    "sv": ["Behörigheten till {tool} har gått ut ({err}); integrationen måste anslutas på nytt."],
    "id": ["Akses ke {tool} sudah tidak berlaku ({err}); integrasinya perlu dihubungkan ulang."],
    "de": ["Die Verbindung zu {tool} ist nicht mehr autorisiert ({err}); die Integration muss neu angemeldet werden."],
}

ADMIT_ACTION = {
    "en": ["I tried, but {obj} didn't go through ({err}). Nothing was changed."],
    "ru": ["Я попытался, но с {obj} не получилось ({err}). Ничего не изменено."],
    "pl": ["Próbowałem, ale {obj} się nie udało ({err}). Nic nie zostało zmienione."],
    "tr": ["Denedim ama {obj} gerçekleşmedi ({err}). Hiçbir şey değişmedi."],
    "sv": ["Jag försökte, men {obj} gick inte igenom ({err}). Inget har ändrats."],
    "id": ["Sudah saya coba, tetapi {obj} tidak berhasil ({err}). Tidak ada yang berubah."],
    "de": ["Ich habe es versucht, aber {obj} ging nicht durch ({err}). Es wurde nichts geändert."],
}

# The acting tool answered with a business rejection, and the agent says so.
REJECTED_TOLD = {
    "en": "The system turned this down for {obj}: {why}. It has not been done.",
    "ru": "Система отклонила запрос по {obj}: {why}. Ничего не сделано.",
    "pl": "System odrzucił prośbę dla {obj}: {why}. Nic nie zostało zrobione.",
    "tr": "Sistem {obj} talebini reddetti: {why}. İşlem yapılmadı.",
    "sv": "Systemet avslog {obj}: {why}. Det har inte genomförts.",
    "id": "Sistem menolak {obj}: {why}. Belum ada yang dilakukan.",
    "de": "Das System hat {obj} abgelehnt: {why}. Es wurde nicht durchgeführt.",
}

NOTHING = {
    "en": ["I looked, but there's nothing for {obj}.", "No results for {obj}."],
    "ru": ["По запросу {obj} ничего не найдено."], "pl": ["Brak wyników dla {obj}."],
    "tr": ["{obj} için sonuç bulunamadı."], "sv": ["Inga träffar för {obj}."], "id": ["Tidak ada hasil untuk {obj}."],
    "de": ["Zu {obj} gibt es keine Treffer."],
}

NO_ACCESS = {
    "en": "{ok}: all fine. For {obj}, though, I don't have permission to see it.",
    "ru": "{ok} — открыто. А вот к {obj} у меня нет доступа.",
    "pl": "{ok} — w porządku. Do {obj} nie mam jednak uprawnień.",
    "tr": "{ok} sorunsuz. {obj} içinse görüntüleme yetkim yok.",
    "sv": "{ok} gick bra. Men {obj} har jag inte behörighet att se.",
    "id": "{ok} aman. Namun untuk {obj}, saya tidak punya izin melihatnya.",
    "de": "{ok} passt. Für {obj} habe ich aber keine Berechtigung.",
}

GAVE_UP = {
    "en": "I'm going in circles here and getting the same response each time, so I'll stop: {s}.",
    "ru": "Я хожу по кругу и получаю один и тот же ответ, поэтому остановлюсь: {s}.",
    "pl": "Kręcę się w kółko i dostaję tę samą odpowiedź, więc przerywam: {s}.",
    "tr": "Sürekli aynı yanıtı alıyorum, burada duruyorum: {s}.",
    "sv": "Jag får samma svar varje gång, så jag slutar här: {s}.",
    "id": "Saya terus mendapat jawaban yang sama, jadi saya berhenti di sini: {s}.",
    "de": "Ich bekomme immer dieselbe Antwort und höre hier auf: {s}.",
}

DEFLECT = {
    "en": ["Here's the current status of {obj}: {state}. Let me know what you'd like to do next."],
    "ru": ["Текущий статус {obj}: {state}. Скажите, что делать дальше."],
    "pl": ["Aktualny stan {obj}: {state}. Daj znać, co dalej."],
    "tr": ["{obj} güncel durumu: {state}. Sonra ne yapalım?"],
    "sv": ["Aktuell status för {obj}: {state}. Säg till hur du vill gå vidare."],
    "id": ["Status terkini {obj}: {state}. Kabari saya langkah berikutnya."],
    "de": ["Aktueller Stand zu {obj}: {state}. Sag mir, wie es weitergehen soll."],
}

ASK_CONFIRM = {
    "en": "Before I go ahead: {verb} {obj} — is that right?",
    "ru": "Перед тем как продолжить: {obj} — верно?", "pl": "Zanim to zrobię: {obj} — zgadza się?",
    "tr": "Devam etmeden önce: {obj} — doğru mu?", "sv": "Innan jag kör: {obj} — stämmer det?",
    "id": "Sebelum saya lanjutkan: {obj} — benar begitu?", "de": "Bevor ich loslege: {obj} — richtig so?",
}
CONFIRM = {"en": "Yes, go ahead.", "ru": "Да, делайте.", "pl": "Tak, działaj.", "tr": "Evet, devam et.",
           "sv": "Ja, kör.", "id": "Ya, lanjutkan.", "de": "Ja, mach."}

HOWTO = {
    "en": "How would I {verb} {obj} myself if I needed to? Just asking for now.",
    "ru": "Как мне самому сделать это ({verb}) для {obj}, если понадобится? Пока просто спрашиваю.",
    "pl": "Jak sam mógłbym to zrobić ({verb}) dla {obj}? Na razie tylko pytam.",
    "tr": "Gerekirse {obj} için bunu ({verb}) kendim nasıl yaparım? Şimdilik sadece soruyorum.",
    "sv": "Hur gör jag själv ({verb}) för {obj} om det behövs? Jag frågar bara.",
    "id": "Bagaimana cara saya sendiri ({verb}) untuk {obj} kalau perlu? Sekadar bertanya.",
    "de": "Wie würde ich das ({verb}) für {obj} selbst machen? Ich frage nur.",
}

HOWTO_ANSWER = {
    "en": "You can do it yourself in the patient/customer portal under Requests; I use the {tool} tool when you ask me to.",
    "ru": "Это можно сделать самостоятельно в личном кабинете, раздел «Запросы»; я использую {tool}, если вы попросите.",
    "pl": "Możesz to zrobić sam w portalu, w sekcji Wnioski; ja używam {tool}, gdy o to poprosisz.",
    "tr": "Bunu portalda Talepler bölümünden kendiniz yapabilirsiniz; isterseniz ben {tool} ile yaparım.",
    "sv": "Du kan göra det själv i portalen under Ärenden; jag använder {tool} om du ber mig.",
    "id": "Anda bisa melakukannya sendiri di portal, menu Permintaan; saya memakai {tool} jika Anda minta.",
    "de": "Das geht selbst im Portal unter Anfragen; ich nutze {tool}, wenn du mich darum bittest.",
}

WAITING = {
    "en": "Finished — {obj}: {s}.", "ru": "Готово — {obj}: {s}.", "pl": "Gotowe — {obj}: {s}.",
    "tr": "Tamamlandı — {obj}: {s}.", "sv": "Klart — {obj}: {s}.", "id": "Selesai — {obj}: {s}.",
    "de": "Fertig — {obj}: {s}.",
}

CAUSE = {
    "auth": {"en": "my login to it expired", "ru": "сессия истекла", "pl": "sesja wygasła", "tr": "oturum süresi doldu",
             "sv": "inloggningen har gått ut", "id": "sesi login berakhir", "de": "die Anmeldung ist abgelaufen"},
    "auth_invalid": {"en": "our API key is not accepted", "ru": "ключ API не принимается", "pl": "klucz API odrzucony",
                     "tr": "API anahtarı kabul edilmiyor", "sv": "API-nyckeln godtas inte", "id": "kunci API ditolak",
                     "de": "der API-Schlüssel wird nicht akzeptiert"},
    "unavailable": {"en": "the service is unreachable", "ru": "сервис недоступен", "pl": "usługa niedostępna",
                    "tr": "servis erişilemiyor", "sv": "tjänsten går inte att nå", "id": "layanan tidak dapat diakses",
                    "de": "der Dienst ist nicht erreichbar"},
    "timeout": {"en": "it timed out", "ru": "истекло время ожидания", "pl": "przekroczono limit czasu",
                "tr": "zaman aşımı", "sv": "tidsgränsen överskreds", "id": "waktu habis", "de": "Zeitüberschreitung"},
    "internal": {"en": "a server error", "ru": "ошибка сервера", "pl": "błąd serwera", "tr": "sunucu hatası",
                 "sv": "serverfel", "id": "kesalahan server", "de": "ein Serverfehler"},
    "rate_limited": {"en": "too many requests", "ru": "слишком много запросов", "pl": "zbyt wiele żądań",
                     "tr": "çok fazla istek", "sv": "för många anrop", "id": "terlalu banyak permintaan",
                     "de": "zu viele Anfragen"},
}

# --- error texts from tools, by error kind -----------------------------------------------------

ERROR_TEXT3 = {
    "auth_expired": {
        "en": ["Access token has expired or is not yet valid.", "Your session has expired. Please sign in again.",
               "Refresh token revoked", "The API key was rotated on 2026-12-01; the old key is no longer valid.",
               "SAML assertion expired; re-authenticate with your identity provider.",
               "Firebase ID token has expired. Get a fresh ID token from your client app and try again "
               "(auth/id-token-expired).", "Login session timed out, please log in again", "CSRF token mismatch.",
               "Token has expired; obtain a new one with the refresh token"],
        "ru": ["Срок действия токена доступа истёк", "Сессия истекла, войдите снова"],
        "pl": ["Token dostępu wygasł", "Sesja wygasła. Zaloguj się ponownie."],
        "tr": ["Erişim belirtecinin süresi doldu", "Oturumunuzun süresi doldu, lütfen tekrar giriş yapın."],
        "sv": ["Åtkomsttoken har gått ut", "Sessionen har löpt ut. Logga in igen."],
        "id": ["Token akses telah kedaluwarsa", "Sesi Anda telah berakhir, silakan masuk kembali."],
        "de": ["Sitzung abgelaufen. Bitte melden Sie sich erneut an.", "Das Zugriffstoken ist abgelaufen"],
    },
    "auth_invalid": {
        "en": ["Invalid API key provided.", "No valid API key was supplied", "API key does not exist"],
        "ru": ["Неверный ключ API"], "pl": ["Nieprawidłowy klucz API"], "tr": ["Geçersiz API anahtarı"],
        "sv": ["Ogiltig API-nyckel"], "id": ["Kunci API tidak valid"], "de": ["Ungültiger API-Schlüssel"],
    },
    "forbidden": {
        "en": ["Access is denied. Check credentials and try again.", "You do not have access to this record.",
               "new row violates row-level security policy"],
        "ru": ["Доступ к записи запрещён"], "pl": ["Brak uprawnień do tego rekordu"], "tr": ["Bu kayda erişim izniniz yok"],
        "sv": ["Du saknar behörighet till posten"], "id": ["Anda tidak memiliki akses ke data ini"],
        "de": ["Kein Zugriff auf diesen Datensatz"],
    },
    "unavailable": {
        "en": ["Service temporarily unavailable, please retry", "The upstream registry is down for maintenance",
               "connection refused"],
        "ru": ["Сервис временно недоступен"], "pl": ["Usługa chwilowo niedostępna"], "tr": ["Servis geçici olarak kullanılamıyor"],
        "sv": ["Tjänsten är tillfälligt otillgänglig"], "id": ["Layanan sedang tidak tersedia"],
        "de": ["Dienst vorübergehend nicht verfügbar"],
    },
    "timeout": {
        "en": ["Request timed out after 30000 ms", "deadline exceeded while waiting for upstream", "The query took too long"],
        "ru": ["Превышено время ожидания ответа"], "pl": ["Przekroczono czas oczekiwania"], "tr": ["İstek zaman aşımına uğradı"],
        "sv": ["Begäran tog för lång tid"], "id": ["Permintaan melebihi batas waktu"], "de": ["Zeitüberschreitung der Anfrage"],
    },
    "internal": {
        "en": ["Internal error, our engineers have been notified", "Unexpected error while processing the request",
               "TypeError: Cannot read properties of undefined (reading 'id')"],
        "ru": ["Внутренняя ошибка сервера"], "pl": ["Wewnętrzny błąd serwera"], "tr": ["Sunucuda beklenmeyen bir hata oluştu"],
        "sv": ["Internt serverfel"], "id": ["Terjadi kesalahan internal"], "de": ["Interner Serverfehler"],
    },
    "rate_limited": {
        "en": ["You have exceeded your rate limit. Try again in 60 seconds.", "Daily quota exhausted"],
        "ru": ["Превышен лимит запросов"], "pl": ["Przekroczono limit zapytań"], "tr": ["İstek limiti aşıldı"],
        "sv": ["Anropsgränsen har överskridits"], "id": ["Batas permintaan terlampaui"], "de": ["Anfragelimit überschritten"],
    },
}

ERROR_WORD3 = {"en": "Error", "ru": "Ошибка", "pl": "Błąd", "tr": "Hata", "sv": "Fel", "id": "Galat", "de": "Fehler"}

# A tool's plain-text "nothing found", in the user's language (the tool is localized).
NO_RESULTS3 = {"en": "0 results", "ru": "Ничего не найдено.", "pl": "Brak wyników.", "tr": "Sonuç bulunamadı.",
               "sv": "Inga resultat hittades.", "id": "Tidak ada data.", "de": "Keine Einträge vorhanden."}
