use super::*;

const DAY: u64 = 86_400 * 1_000_000_000;
const T0: u64 = 1_700_000_000 * 1_000_000_000;
const WALL: u64 = u64::MAX / 2;

fn lifecycle() -> Lifecycle {
    Lifecycle {
        resolve_after: 14 * DAY,
        new_for: DAY,
        window: DAY,
        baseline: 7 * DAY,
        min_sessions: 5,
        p_value: 0.001,
        examples: 3,
    }
}

fn sighting(fp: &str, session: &str, time: u64, release: &str) -> Sighting {
    Sighting {
        fingerprint: fp.into(),
        name: format!("mode {fp}"),
        kind: "tool_error".into(),
        service: "svc".into(),
        tool: "t".into(),
        cause: "auth".into(),
        template: "x".into(),
        occurrences: 1,
        session_id: session.into(),
        trace_id: None,
        release: Some(release.into()),
        time,
    }
}

#[test]
fn poisson_tail_matches_known_values() {
    assert!((poisson_upper_tail(1, 1.0) - (1.0 - (-1.0f64).exp())).abs() < 1e-12);
    assert_eq!(poisson_upper_tail(0, 3.0), 1.0);
    assert!(poisson_upper_tail(12, 1.0) < 1e-8);
    assert!(poisson_upper_tail(3, 2.0) > 0.3);
}

#[test]
fn a_mode_goes_new_ongoing_escalating_resolved_regressed() {
    let mut r = Registry::new(16, lifecycle());
    for day in 0..10 {
        r.record(
            sighting("a", &format!("s{day}"), T0 + day * DAY, "1.0"),
            WALL,
        );
        r.advance();
        if day == 0 {
            assert_eq!(r.get("a").unwrap().state, State::New);
        }
    }
    assert_eq!(r.get("a").unwrap().state, State::Ongoing);
    for i in 0..12 {
        r.record(
            sighting("a", &format!("burst{i}"), T0 + 10 * DAY + i, "1.0"),
            WALL,
        );
    }
    r.advance();
    assert_eq!(r.get("a").unwrap().state, State::Escalating);
    // Another mode keeps event time moving.
    for day in 11..=23 {
        r.record(
            sighting("b", &format!("b{day}"), T0 + day * DAY, "1.0"),
            WALL,
        );
        r.advance();
        assert_ne!(r.get("a").unwrap().state, State::Resolved, "day {day}");
    }
    r.record(sighting("b", "b25", T0 + 25 * DAY, "1.0"), WALL);
    r.advance();
    assert_eq!(r.get("a").unwrap().state, State::Resolved);
    r.record(sighting("a", "back", T0 + 27 * DAY, "2.0"), WALL);
    r.advance();
    let a = r.get("a").unwrap();
    assert_eq!(a.state, State::Regressed);
    assert_eq!(a.regressed_in.as_deref(), Some("2.0"));
    assert_eq!(a.first_release.as_deref(), Some("1.0"));
    assert_eq!(a.last_release.as_deref(), Some("2.0"));
    assert_eq!(a.examples.len(), 3);
    assert!(a.windows.len() as u64 <= 8);
}

#[test]
fn a_steady_mode_does_not_escalate() {
    let mut r = Registry::new(16, lifecycle());
    for day in 0..20u64 {
        for i in 0..(6 + day % 3) {
            r.record(
                sighting("a", &format!("s{day}-{i}"), T0 + day * DAY + i, "1"),
                WALL,
            );
        }
        r.advance();
        if day > 0 {
            assert_eq!(r.get("a").unwrap().state, State::Ongoing, "day {day}");
        }
    }
}

#[test]
fn the_registry_stays_at_its_cap_and_counts_evictions() {
    let mut r = Registry::new(100, lifecycle());
    for i in 0..1000u64 {
        r.record(sighting(&format!("m{i}"), "s", T0 + i, "1"), WALL);
    }
    assert_eq!(r.len(), 100);
    assert_eq!(r.evictions, 900);
    assert!(r.get("m999").is_some() && r.get("m0").is_none());
}

#[test]
fn state_survives_a_round_trip_and_a_corrupt_file_is_set_aside() {
    let dir = std::env::temp_dir().join(format!("spotter-fm-{}", std::process::id()));
    let path = dir.join("modes.json");
    let mut r = Registry::new(16, lifecycle());
    r.record(sighting("a", "s", T0, "1"), WALL);
    r.record(sighting("b", "s", T0 + 1, "1"), WALL);
    r.save(&path).unwrap();
    let mut back = Registry::new(16, lifecycle());
    assert_eq!(back.load(&path).unwrap(), 2);
    assert_eq!(back.get("a"), r.get("a"));
    assert_eq!(back.watermark, r.watermark);

    std::fs::write(&path, b"{not json").unwrap();
    let mut fresh = Registry::new(16, lifecycle());
    let err = fresh.load(&path).unwrap_err();
    assert!(matches!(err, RegistryError::Corrupt { .. }), "{err}");
    assert!(!path.exists() && dir.join("modes.json.corrupt").exists());
    assert!(fresh.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_session_time_far_in_the_future_is_clamped() {
    let mut r = Registry::new(4, lifecycle());
    r.record(sighting("a", "s", u64::MAX, "1"), T0);
    assert_eq!(r.watermark, T0 + MAX_FUTURE);
}
