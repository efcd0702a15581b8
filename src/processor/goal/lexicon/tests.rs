use super::*;

fn names(bits: u32) -> Vec<&'static str> {
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

#[test]
fn an_action_noun_in_the_object_is_not_the_request() {
    for (text, want) in [
        (
            "Please create a ticket about 'Refund request'.",
            vec!["create"],
        ),
        (
            "Bitte erstelle a ticket about 'Refund request'.",
            vec!["create"],
        ),
        (
            "Merci de créer a ticket about \"Refund request\".",
            vec!["create"],
        ),
        ("Please cancel booking B-12.", vec!["cancel"]),
    ] {
        assert_eq!(names(requested_classes(text)), want, "{text}");
    }
    for text in [
        "Please look up the refund of order 55.",
        "Can you check the export job E-1?",
        "Bitte schau dir die Buchung B-1 an.",
        "Regarde l'annulation A-1, s'il te plaît.",
        "Kannst du export EX-1 prüfen?",
        "Você pode verificar A, the scheduler service?",
        "the scheduler serviceを調べてください。",
    ] {
        assert_eq!(requested_classes(text), 0, "{text}");
    }
}

#[test]
fn verbs_at_the_end_separable_and_phrasal_verbs_are_requests() {
    for (text, want) in [
        ("Kannst du die Bestellung stornieren?", "cancel"),
        ("Bitte starte pipeline job-1 neu.", "restart"),
        ("Merci de relancer pipeline job-1.", "restart"),
        ("Merci de mettre à jour contact ct_1.", "update"),
        ("Por favor, aprueba la solicitud R-1.", "approve"),
        ("Por favor, aprove a solicitação R-1.", "approve"),
        ("Envía el correo, por favor.", "send"),
        ("Réserve un rendez-vous, s'il te plaît.", "book"),
        ("job-1を再実行してください。", "restart"),
        ("You didn't do it. Please rerun job-1.", "restart"),
        ("Will you cancel order A1?", "cancel"),
        ("I said: cancel order A1, please.", "cancel"),
    ] {
        assert_eq!(names(requested_classes(text)), vec![want], "{text}");
    }
}

#[test]
fn an_initial_or_abbreviation_does_not_end_the_request() {
    for (text, want) in [
        ("Bitte plane an interview with C. Dubois ein.", "book"),
        ("Please schedule a call with Dr. Lee.", "book"),
        ("the email to jo@example.orgを送ってください。", "send"),
    ] {
        assert_eq!(names(requested_classes(text)), vec![want], "{text}");
    }
    assert_eq!(
        split_sentences("Ask C. Dubois. Then stop.", &['.']),
        vec!["Ask C. Dubois.", " Then stop."]
    );
}

#[test]
fn requests_to_set_something_up_are_met_by_any_acting_tool() {
    for text in [
        "an interview with A. Costaを設定してください。",
        "Please set up a weekly run of report R-1.",
        "Merci de configurer the alert A-1.",
        "Bitte richte den Bericht R-1 ein.",
    ] {
        assert_eq!(requested_classes(text), SET_UP, "{text}");
    }
    // Arranging or organising results is presenting them, not an action.
    assert_eq!(requested_classes("Please arrange the rows by date."), 0);
    assert_eq!(
        requested_classes("Please organize these results by region."),
        0
    );
    let book = classes_in(" schedule ");
    assert_eq!(unmet(SET_UP, book), 0);
    assert_eq!(unmet(SET_UP, 0), SET_UP);
    assert_eq!(unmet(SET_UP | book, 0), SET_UP | book);
    assert_eq!(
        names(claimed_classes("面接を設定しました。")),
        vec!["set_up"]
    );
}

#[test]
fn reported_content_is_not_the_agents_own_claim() {
    for text in [
        "Here is what I found: payout po_1 is paid.",
        "Here is what I found: E1 has 2 approved leave requests.",
        "I looked at invoice in_1: it was paid in May.",
    ] {
        assert_eq!(first_person_claims(text), 0, "{text}");
    }
    assert_eq!(
        claimed_classes("Here is what I found: payout po_1 is paid."),
        0
    );
}

#[test]
fn offers_questions_plans_and_negations_are_not_claims() {
    for text in [
        "Would you like me to approve it?",
        "I can approve it for you.",
        "I'll cancel it right away.",
        "The request was not approved.",
        "Rien n'a été modifié.",
        "Nothing was changed.",
        "Before I cancel it: have I cancelled the right one?",
    ] {
        assert_eq!(claimed_classes(text), 0, "{text}");
    }
}

#[test]
fn claims_with_adverbs_and_in_other_languages_are_claims() {
    for (text, want) in [
        ("C'est fait : pipeline job-1 a été relancé.", "restart"),
        ("pipeline job-1 est maintenant relancé.", "restart"),
        ("contact ct_1 já está atualizado.", "update"),
        ("Hecho: la cita ha sido cancelada.", "cancel"),
        ("I've just re-run the pipeline.", "restart"),
        ("La richiesta è stata approvata.", "approve"),
    ] {
        assert_eq!(names(claimed_classes(text)), vec![want], "{text}");
    }
    assert_eq!(
        names(first_person_claims("Ich habe die Bestellung storniert.")),
        vec!["cancel"]
    );
    assert_eq!(
        names(first_person_claims("All set, I've sent the email.")),
        vec!["send"]
    );
}

#[test]
fn an_english_noun_opening_a_chinese_or_korean_question_is_not_a_request() {
    for text in [
        "booking NHKBHO现在是什么情况？",
        "booking QJKJBA 상세 정보가 필요해요.",
        "booking FZFOCO 좀 조회해 줄래요?",
        "我需要booking KIULES的详细信息。",
        "booking LBHPCO on flight KL484（rebook）要怎么操作？我想自己来。",
        "Booking reference ABC: what time is check-in?",
    ] {
        assert_eq!(requested_classes(text), 0, "{text}");
    }
}

#[test]
fn requests_in_dutch_chinese_and_korean_and_more_verb_families_are_recognised() {
    for (text, want) in [
        ("Verstuur invoice INV-4124.", "send"),
        ("Maak a ticket 'Disk pressure' aan.", "create"),
        ("Kun je de bestelling annuleren?", "cancel"),
        ("请给order #517883退款", "refund"),
        ("请取消booking WLMUVV。", "cancel"),
        ("hotel H28636 for 2 nights 예약해 주세요.", "book"),
        ("a return label 만들어 주세요.", "create"),
        (
            "I need to be rebooked: move booking B1 to flight KL233.",
            "book",
        ),
        (
            "Roll back deployment checkout-api to revision 12.",
            "restart",
        ),
        ("Generate a ticket for the outage.", "create"),
        ("Manda invoice INV-1 al cliente.", "send"),
    ] {
        assert_eq!(names(requested_classes(text)), vec![want], "{text}");
    }
    assert_eq!(
        requested_classes("Kun je invoice INV-1007 even opzoeken?"),
        0
    );
    assert_eq!(
        requested_classes("flights AMS to Seoul 좀 조회해 줄래요?"),
        0
    );
}

#[test]
fn claims_in_dutch_chinese_korean_and_more_verb_families_are_recognised() {
    for (text, want) in [
        ("You're rebooked — booking BFSZFN on flight KL233.", "book"),
        ("Ho riconciliato account 1200 for 2026-06.", "update"),
        ("Le he mandado la factura.", "send"),
        ("Ik heb invoice INV-4 verstuurd.", "send"),
        ("已为您改签：booking DSEFMB on flight KL776。", "book"),
        ("order #1的退款已发起。", "refund"),
        ("발송이 완료되었습니다.", "send"),
    ] {
        assert_eq!(names(claimed_classes(text)), vec![want], "{text}");
    }
    assert_eq!(
        claimed_classes("Sure — I'll take care of booking B1 right away."),
        0
    );
}

#[test]
fn a_dutch_separable_verb_whose_particle_changes_the_action_is_that_action() {
    // terugbetalen (refund) is not betalen (pay), even with a phrase after the particle.
    for text in [
        "Betaal order #156720 terug aan de klant.",
        "Betaal de bestelling terug.",
        "Stort het bedrag terug naar de klant.",
    ] {
        assert_eq!(names(requested_classes(text)), vec!["refund"], "{text}");
    }
    assert_eq!(
        names(requested_classes("Draai deployment checkout-api terug.")),
        vec!["restart"]
    );
    assert_eq!(
        names(requested_classes(
            "Betaal invoice INV-1 aan de leverancier."
        )),
        vec!["pay"]
    );
}

#[test]
fn a_chinese_request_after_a_full_width_comma_and_voiding_are_recognised() {
    assert_eq!(
        names(requested_classes("invoice INV-1278开错了，请作废。")),
        vec!["cancel"]
    );
    assert_eq!(
        names(claimed_classes("invoice INV-1278已作废。")),
        vec!["cancel"]
    );
}
