use super::*;

fn book() -> PriceBook {
    price_book(Vec::new(), true).unwrap()
}

fn cost(book: &mut PriceBook, model: &str, provider: Option<&str>, t: Tokens) -> f64 {
    book.lookup(model, provider)
        .unwrap_or_else(|| panic!("{model} should be priced"))
        .cost(&t)
}

fn close(a: f64, b: f64) {
    assert!((a - b).abs() < 1e-12, "{a} != {b}");
}

#[test]
fn cached_input_is_part_of_input_and_priced_at_the_cache_rate() {
    // gpt-4o: 600 uncached × $2.50 + 400 cached × $1.25 + 200 out × $10 = $0.004
    let t = Tokens {
        input: 1000,
        cached_input: 400,
        output: 200,
        ..Default::default()
    };
    close(cost(&mut book(), "gpt-4o", Some("openai"), t), 0.004);
}

#[test]
fn dated_names_and_provider_prefixes_price_as_the_family() {
    let t = Tokens {
        input: 1000,
        cached_input: 400,
        output: 200,
        ..Default::default()
    };
    let mut b = book();
    close(cost(&mut b, "gpt-4o-2024-08-06", None, t), 0.004);
    close(cost(&mut b, "openai/gpt-4o", None, t), 0.004);
    close(cost(&mut b, "azure/gpt-4o-2024-11-20", None, t), 0.004);
    // gpt-4o-mini: 10k × $0.15 + 1k × $0.60 = $0.0021
    let t = Tokens {
        input: 10_000,
        output: 1_000,
        ..Default::default()
    };
    close(cost(&mut b, "gpt-4o-mini-2024-07-18", None, t), 0.0021);
}

#[test]
fn bedrock_claude_with_cache_reads_and_writes() {
    // 1000 uncached × $3 + 3000 read × $0.30 + 1000 write × $3.75 + 500 out × $15 = $0.01515
    let t = Tokens {
        input: 5000,
        cached_input: 3000,
        cache_write: 1000,
        output: 500,
        ..Default::default()
    };
    let mut b = book();
    close(
        cost(
            &mut b,
            "bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            None,
            t,
        ),
        0.01515,
    );
    close(
        cost(
            &mut b,
            "claude-sonnet-4-5@20250929",
            Some("gcp.vertex_ai"),
            t,
        ),
        0.01515,
    );
}

#[test]
fn reasoning_tokens_are_output_unless_priced_apart() {
    // o3: 1000 in × $2 + 2000 out (1500 of them reasoning) × $8 = $0.018
    let t = Tokens {
        input: 1000,
        output: 2000,
        reasoning: 1500,
        ..Default::default()
    };
    close(cost(&mut book(), "o3-2025-04-16", None, t), 0.018);
    // A user entry with a reasoning rate: 1000 × $2 + 500 × $8 + 1500 × $20 = $0.036
    let user = parse_prices(
        "models:\n  - {id: thinker, input: 2, output: 8, reasoning: 20}\n",
        "test",
    )
    .unwrap();
    let mut b = price_book(user, true).unwrap();
    close(cost(&mut b, "thinker", None, t), 0.036);
}

#[test]
fn long_context_prices_apply_above_the_threshold() {
    let mut b = book();
    let long = Tokens {
        input: 300_000,
        output: 1000,
        ..Default::default()
    };
    // 300k × $2.50 + 1k × $15 = $0.765
    close(
        cost(&mut b, "gemini-2.5-pro", Some("gcp.gemini"), long),
        0.765,
    );
    let short = Tokens {
        input: 100_000,
        output: 1000,
        ..Default::default()
    };
    // 100k × $1.25 + 1k × $10 = $0.135
    close(
        cost(&mut b, "gemini-2.5-pro", Some("gcp.gemini"), short),
        0.135,
    );
}

#[test]
fn the_calls_host_decides_between_hosts_selling_one_name() {
    let t = Tokens {
        input: 1_000_000,
        ..Default::default()
    };
    let mut b = book();
    close(
        cost(&mut b, "llama-4-scout-17b-16e-instruct", Some("groq"), t),
        0.11,
    );
    close(
        cost(
            &mut b,
            "llama-4-scout-17b-16e-instruct",
            Some("together_ai"),
            t,
        ),
        0.18,
    );
    close(
        cost(
            &mut b,
            "together_ai/meta-llama/Llama-4-Scout-17B-16E-Instruct",
            Some("openai"),
            t,
        ),
        0.18,
    );
    close(
        cost(
            &mut b,
            "meta.llama3-3-70b-instruct-v1:0",
            Some("aws.bedrock"),
            t,
        ),
        0.72,
    );
}

#[test]
fn unknown_models_have_no_price() {
    let mut b = book();
    assert!(b.lookup("qwen3-235b-a22b", Some("openai")).is_none());
    assert!(b.lookup("my-finetune", None).is_none());
    assert!(b.lookup("", None).is_none());
}

#[test]
fn user_entries_and_regexes_win_over_defaults() {
    let user = parse_prices(
        "models:\n  - {id: gpt-4o, input: 1, output: 1}\n  - {id: acme, pattern: '^acme-ft-', input: 4, output: 8}\n",
        "test",
    )
    .unwrap();
    let mut b = price_book(user, true).unwrap();
    let t = Tokens {
        input: 1_000_000,
        output: 1_000_000,
        ..Default::default()
    };
    close(cost(&mut b, "gpt-4o-2024-08-06", None, t), 2.0);
    close(cost(&mut b, "ACME-FT-7", None, t), 12.0);
    // Defaults are still there for everything else.
    close(cost(&mut b, "gpt-4o-mini", None, t), 0.75);
}

#[test]
fn replacing_the_defaults_leaves_only_user_entries() {
    let user = parse_prices("models:\n  - {id: only, input: 1, output: 1}\n", "t").unwrap();
    let mut b = price_book(user, false).unwrap();
    assert!(b.lookup("gpt-4o", None).is_none());
    assert!(b.lookup("only", None).is_some());
}

#[test]
fn bad_tables_are_reported_with_their_path() {
    let err = parse_prices("models:\n  - {id: x, input: -1, output: 1}\n", "user.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("models[0].input"), "{err}");
    let err = parse_prices("models:\n  - {id: x, input: 1, outptu: 1}\n", "user.yaml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `outptu`"), "{err}");
    let bad_regex = parse_prices(
        "models:\n  - {id: x, pattern: '(', input: 1, output: 1}\n",
        "t",
    )
    .unwrap();
    let err = price_book(bad_regex, false).err().unwrap().to_string();
    assert!(err.contains("pricing[0].pattern"), "{err}");
}

#[test]
fn every_default_entry_records_source_and_date_and_has_a_context_window() {
    let prices = parse_prices(DEFAULT_PRICING, "pricing").unwrap();
    let mut models = model_book(Vec::new(), true).unwrap();
    for p in &prices {
        assert!(
            p.source
                .as_deref()
                .is_some_and(|s| s.starts_with("https://")),
            "{}",
            p.id
        );
        assert!(
            p.checked.as_deref().is_some_and(|d| d.len() == 10),
            "{}",
            p.id
        );
        let m = models
            .lookup(&p.id, p.provider.as_deref())
            .unwrap_or_else(|| panic!("no context window for {}", p.id));
        assert_eq!(m.provider, p.provider, "{}", p.id);
    }
    for m in models.defaults() {
        assert!(m.source.is_some() && m.checked.is_some(), "{}", m.id);
    }
    let providers: std::collections::BTreeSet<_> = prices
        .iter()
        .filter_map(|p| p.provider.as_deref())
        .collect();
    for p in [
        "openai",
        "anthropic",
        "google",
        "mistral",
        "deepseek",
        "xai",
        "groq",
        "together",
        "bedrock",
    ] {
        assert!(providers.contains(p), "no {p} models");
    }
}

#[test]
fn context_windows_match_like_prices() {
    let mut m = model_book(Vec::new(), true).unwrap();
    assert_eq!(
        m.lookup("gpt-4o-mini-2024-07-18", None)
            .unwrap()
            .context_window,
        128_000
    );
    assert_eq!(
        m.lookup("anthropic/claude-haiku-4-5-20251001", None)
            .unwrap()
            .max_output,
        Some(64_000)
    );
}
