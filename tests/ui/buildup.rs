//! The build-up chart as a user works it (egui_kittest, headless): for the
//! region in focus it counts that region's events per week (and sums the
//! troops they report), not other regions'; a click on a week's bar shows
//! that week, and the chart keeps every week while the date range narrows.

use crate::common;

use borderwatch::BorderwatchApp;
use borderwatch::data::EventDate;
use borderwatch::ui::buildup_chart::plot_area;
use common::{app_with_events, click_at, harness_for};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

fn day(text: &str) -> i32 {
    EventDate::parse_iso(text).expect("date").day()
}

/// Belgorod: two drills in the week of 12 April 2021 (3,000 and 5,000
/// troops), a quiet week, a deployment of 40,000 in the week of 26 April;
/// Rostov: one event in the week of 19 April.
fn harness() -> Harness<'static, BorderwatchApp> {
    let json = r#"[
      {"id": "b1", "title": "Drill near Valuyki", "date": "2021-04-12", "category": "drill", "lat": 50.21, "lon": 38.10, "troops": 3000},
      {"id": "b2", "title": "Drill near Belgorod", "date": "2021-04-16", "category": "drill", "lat": 50.60, "lon": 36.59, "troops": 5000},
      {"id": "b3", "title": "Deployment near Shebekino", "date": "2021-04-27", "category": "deployment", "lat": 50.41, "lon": 36.89, "troops": 40000},
      {"id": "r1", "title": "Lights over Rostov-on-Don", "date": "2021-04-22", "category": "incident", "lat": 47.23, "lon": 39.72}
    ]"#;
    harness_for(app_with_events("weeks.json", json.as_bytes()))
}

#[test]
fn a_regions_weeks_are_charted_and_a_click_shows_one_week() {
    let mut harness = harness();
    let belgorod = harness.state().regions().index_of("belgorod").expect("belgorod");
    harness.state_mut().select_region(Some(belgorod));
    harness.run();
    harness.get_by_label("Build-up per week: Belgorod Oblast");
    let buildup = harness.state().buildup().clone();
    assert_eq!(buildup.weeks.len(), 3, "{buildup:?}");
    assert_eq!(buildup.total(), 3, "Rostov's event is not Belgorod's");
    assert_eq!(buildup.weeks[0].start, day("2021-04-12"));
    assert_eq!((buildup.weeks[0].count(), buildup.weeks[0].troops), (2, 8_000));
    assert_eq!(buildup.weeks[1].count(), 0);
    assert_eq!((buildup.weeks[2].troops, buildup.max_troops), (40_000, 40_000));

    // A click on the third week's bar shows that week, Monday to Sunday.
    let chart = harness.get_by_label("Build-up chart").rect();
    let (plot, step) = plot_area(chart, buildup.weeks.len());
    let at = egui::pos2(plot.left() + 2.5 * step, plot.bottom() - 10.0);
    click_at(&mut harness, at);
    let filter = harness.state().filter().clone();
    assert_eq!(
        (filter.from_day, filter.to_day),
        (Some(day("2021-04-26")), Some(day("2021-05-02")))
    );
    assert_eq!(harness.state().filtered().len(), 1);
    // The chart still shows every week, the range shaded on it.
    assert_eq!(harness.state().buildup().total(), 3);
}
