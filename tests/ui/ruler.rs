//! The ruler as a user works it (egui_kittest, headless): the Ruler button
//! or `M` starts it, clicks on the map add points instead of selecting, the
//! box lists each leg and the total, `Esc` ends it and clicks select again.

use crate::common;

use borderwatch::BorderwatchApp;
use borderwatch::geometry::ruler::legs;
use borderwatch::map::ruler::{length_text, ruler_lines};
use common::{bundled_app, click_at, harness_for, screen_pos, selected_id};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn harness() -> Harness<'static, BorderwatchApp> {
    harness_for(bundled_app())
}

#[test]
fn clicks_measure_while_the_ruler_is_on_and_select_again_after_esc() {
    let mut harness = harness();
    harness.get_by_label("Ruler").click();
    harness.run();
    assert_eq!(harness.state().map_memory().ruler().map(<[_]>::len), Some(0));

    // Belgorod, Voronezh, Rostov-on-Don: inside regions, away from markers.
    let places = [(50.9, 38.0), (50.6, 40.6), (48.6, 41.2)];
    for (lat, lon) in places {
        let at = screen_pos(&harness, lat, lon);
        click_at(&mut harness, at);
    }
    let points = harness.state().map_memory().ruler().expect("measuring").to_vec();
    assert_eq!(points.len(), 3);
    for (point, (lat, lon)) in points.iter().zip(places) {
        // Within a screen point of where it was clicked (under 2 km here).
        assert!(
            (point.y - lat).abs() < 0.02 && (point.x - lon).abs() < 0.02,
            "{point:?}"
        );
    }
    assert!(
        harness.state().selected_region().is_none(),
        "measuring selects nothing"
    );
    let lines = ruler_lines(&points, None);
    let legs = legs(&points);
    assert_eq!(lines.len(), 3, "{lines:?}");
    let total: f64 = legs.iter().map(|l| l.metres).sum();
    assert_eq!(lines[2], format!("Total: {}", length_text(total)));
    // Belgorod → Voronezh runs east (bearing ~100°), about 185 km.
    assert!((150_000.0..220_000.0).contains(&legs[0].metres), "{legs:?}");
    assert!((80.0..120.0).contains(&legs[0].bearing), "{legs:?}");

    harness.key_press(egui::Key::Escape);
    harness.run();
    assert!(
        harness.state().map_memory().ruler().is_none(),
        "Esc ends the ruler"
    );
    let voronezh = screen_pos(&harness, 50.6, 40.6);
    click_at(&mut harness, voronezh);
    assert_eq!(selected_id(&harness).as_deref(), Some("voronezh"));

    harness.key_press(egui::Key::M);
    harness.run();
    assert_eq!(
        harness.state().map_memory().ruler().map(<[_]>::len),
        Some(0),
        "M starts it again"
    );
}
