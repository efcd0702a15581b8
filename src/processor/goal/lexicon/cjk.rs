//! Requests in Chinese and Korean, which mark a request by a polite opening (请, 麻烦, 帮我)
//! or a polite ending (해 주세요, 해줘) rather than by word order.

use super::classes_in;

/// Chinese openings that make a clause a request.
const ZH_OPENINGS: &[&str] = &[
    "请帮我",
    "请帮忙",
    "请",
    "麻烦你",
    "麻烦",
    "帮我",
    "帮忙",
    "给我",
    "能不能",
    "能否",
    "可以",
    "我要",
    "我想要",
];

/// Chinese words of reading or asking: a request to look something up, show or explain it
/// asks for no action, whatever the object is called ("请帮我查一下退款状态").
const ZH_READING: &[&str] = &[
    "查", "看", "告诉", "显示", "了解", "详细", "信息", "情况", "状态", "解释", "说明", "什么",
    "吗",
];

/// The action classes a Chinese clause asks for: a polite opening, then an action verb, with
/// no reading verb in the clause ("请取消预订", "请给订单退款", "请帮我改签").
pub fn chinese_request(clause: &str) -> u32 {
    let c = clause.trim();
    let Some(opening) = ZH_OPENINGS.iter().find(|o| c.starts_with(*o)) else {
        return 0;
    };
    let rest = &c[opening.len()..];
    if ZH_READING.iter().any(|r| rest.contains(r)) {
        return 0;
    }
    classes_in(&cjk_only(rest))
}

/// Korean polite request endings; the action is the word just before them.
const KO_ENDINGS: &[&str] = &[
    "주시겠어요",
    "주실래요",
    "주십시오",
    "주세요",
    "줄래요",
    "줘요",
    "줘",
];

/// The action classes of a Korean request: the verb before its polite ending ("예약해
/// 주세요", "만들어 주세요"). Reading verbs (조회해 주세요) name no class.
pub fn korean_request(clause: &str) -> u32 {
    for ending in KO_ENDINGS {
        if let Some(at) = clause.rfind(ending) {
            let verb = clause[..at].split_whitespace().next_back().unwrap_or("");
            return classes_in(verb);
        }
    }
    0
}

/// The Han and Hangul characters of a text: Latin words inside a Chinese sentence are names
/// of things ("booking ABC"), not its verb.
fn cjk_only(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::processor::goal::lexicon::class_names;

    fn names(bits: u32) -> Vec<&'static str> {
        class_names(bits)
    }

    #[test]
    fn chinese_polite_requests_name_their_action_and_lookups_name_none() {
        assert_eq!(names(chinese_request("请取消booking WLMUVV")), ["cancel"]);
        assert_eq!(names(chinese_request("请给order #517883退款")), ["refund"]);
        assert_eq!(names(chinese_request("请帮我改签")), ["book"]);
        assert_eq!(chinese_request("请帮我查一下退款状态"), 0);
        assert_eq!(chinese_request("我需要booking KIULES的详细信息"), 0);
        assert_eq!(chinese_request("booking NHKBHO现在是什么情况"), 0);
    }

    #[test]
    fn korean_polite_requests_name_the_verb_before_their_ending() {
        assert_eq!(
            names(korean_request("hotel H1 for 2 nights 예약해 주세요")),
            ["book"]
        );
        assert_eq!(
            names(korean_request("a return label 만들어 주세요")),
            ["create"]
        );
        assert_eq!(korean_request("booking FRXBTE 좀 조회해 줄래요"), 0);
        assert_eq!(korean_request("booking QJKJBA 상세 정보가 필요해요"), 0);
    }
}
