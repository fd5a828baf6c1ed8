//! The app with a million generated events loaded (issue 6): one headless
//! frame at the start view and zoomed into one region, a click on the map
//! (a marker and an empty part of a region), a change of each kind of
//! filter (with and without the frame that shows it), and a playback step.
//! Every benchmark runs the app's own path and checks what it produced, so
//! none can silently measure nothing.
//!
//! The million events are generated and loaded once (a few seconds) for all
//! of them. `BORDERWATCH_BENCH_EVENTS=10000000 cargo bench --bench million`
//! runs the same benchmarks on ten million (about 15 GB of memory while the
//! events are generated and loaded; the groups are then named `…/10M`).

mod support;

use std::hint::black_box;

use borderwatch::BorderwatchApp;
use borderwatch::geometry::area::DrawnArea;
use borderwatch::map::LayerVisibility;
use borderwatch::map::markers::marker_radius;
use borderwatch::map::{MapClick, MapView, Viewport, WorldRect, click_at};
use borderwatch::query::EventFilter;
use borderwatch::spatial::hexbin::{Density, zoom_level};
use borderwatch::ui::session::Session;
use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Pos2, pos2};

/// How many events: a million unless `BORDERWATCH_BENCH_EVENTS` says otherwise.
fn events() -> u64 {
    std::env::var("BORDERWATCH_BENCH_EVENTS")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(1_000_000)
}

/// The events' count as the groups name it: `1M`, `10M`, `250k`.
fn size_label() -> String {
    match events() {
        n if n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn million(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let mut app = support::app(&ctx, events());

    let start = app.map_memory().view().expect("the map was shown");
    frame_benches(c, &ctx, &mut app, "start_view");
    hit_test_benches(c, &ctx, &mut app, "start_view");

    let (region, view) = zoom_into_busiest_region(&ctx, &mut app);
    assert!(view.zoom > start.zoom + 1.0, "zoomed in: {start:?} → {view:?}");
    let name = format!("zoomed_{region}");
    frame_benches(c, &ctx, &mut app, &name);
    hit_test_benches(c, &ctx, &mut app, &name);

    // Filters and playback from the start view, as after starting the app.
    app.apply_session(Session::default());
    support::settle(&ctx, &mut app);
    filter_benches(c, &ctx, &mut app);
    summary_benches(c, &mut app);
    density_benches(c, &ctx, &mut app);
    playback_bench(c, &ctx, &mut app);
}

/// The density layer: counting the shown events per hexagon at the start
/// view's level, and a filter change with the density layer drawn (which
/// counts them again for the frame).
fn density_benches(c: &mut Criterion, ctx: &egui::Context, app: &mut BorderwatchApp) {
    let level = zoom_level(app.map_memory().view().map_or(0.0, |v| v.zoom));
    let shown = app.filtered().shown.clone();
    let total = app.filtered().len() as u64;
    let mut group = c.benchmark_group(format!("density/{}", size_label()));
    group.bench_function("count", |b| {
        b.iter(|| {
            let density = Density::compute(&app.dataset().index, black_box(&shown), level);
            assert_eq!(density.total(), total);
            density
        })
    });
    app.apply_session(Session {
        layers: LayerVisibility {
            density: true,
            ..LayerVisibility::default()
        },
        ..Session::default()
    });
    support::settle(ctx, app);
    let filters = [
        support::dates("2019-01-01", "2019-12-31"),
        support::dates("2021-01-01", "2021-12-31"),
    ];
    let mut flip = 0;
    group.bench_function("filter+frame", |b| {
        b.iter(|| {
            flip ^= 1;
            app.set_filter(filters[flip].clone());
            support::frame(ctx, app, None);
            let shown = app.filtered().len() as u64;
            assert_eq!(app.density().map(Density::total), Some(shown));
        })
    });
    group.finish();
    app.apply_session(Session::default());
    support::settle(ctx, app);
}

/// One frame (`run_ui` + `tessellate`) of the current view, nothing changing.
fn frame_benches(c: &mut Criterion, ctx: &egui::Context, app: &mut BorderwatchApp, view: &str) {
    let primitives = support::frame(ctx, app, None);
    assert!(primitives > 0, "the frame draws something");
    let in_view = markers_in_view(app);
    assert!(in_view.1 > 0, "events are drawn in {view}");
    let triangles = support::frame_triangles(ctx, app);
    eprintln!(
        "{view}: zoom {:.2}, {} clusters cached, {} markers in view holding {} events, {primitives} clipped primitives, {triangles} triangles",
        app.map_memory().view().map_or(0.0, |v| v.zoom),
        app.map_memory().clusters().len(),
        in_view.0,
        in_view.1,
    );
    let mut group = c.benchmark_group(format!("frame/{}", size_label()));
    group.bench_function(view, |b| b.iter(|| support::frame(ctx, app, None)));
    group.finish();
    assert_eq!(markers_in_view(app), in_view, "the frames drew the same markers");
}

/// Markers whose centre is on the map, and the events they hold.
fn markers_in_view(app: &BorderwatchApp) -> (usize, u64) {
    let memory = app.map_memory();
    let viewport = memory.last_viewport().expect("the map was shown");
    memory
        .clusters()
        .iter()
        .filter(|c| viewport.rect.contains(viewport.world_to_screen(c.center)))
        .fold((0, 0), |(n, events), c| (n + 1, events + u64::from(c.count)))
}

/// Fits the region holding the most events to the map, as "Zoom to" in its
/// panel does; returns its id and the view.
fn zoom_into_busiest_region(ctx: &egui::Context, app: &mut BorderwatchApp) -> (String, MapView) {
    let counts = &app.filtered().region_counts;
    let busiest = (0..counts.len()).max_by_key(|&i| counts[i]).expect("regions");
    let region = app.regions().get(busiest).expect("region").clone();
    let viewport = app.map_memory().last_viewport().expect("the map was shown");
    let view = MapView::fit(WorldRect::from_lonlat(&region.bounds), viewport.rect.size());
    app.apply_session(Session {
        view: Some(view),
        ..Session::default()
    });
    support::settle(ctx, app);
    let viewport = app.map_memory().last_viewport().expect("the map was shown");
    let on_screen = viewport.world_rect_to_screen(&WorldRect::from_lonlat(&region.bounds));
    assert!(
        on_screen.width() >= 0.85 * viewport.rect.width()
            || on_screen.height() >= 0.85 * viewport.rect.height(),
        "{} fills the map: {on_screen:?} in {:?}",
        region.id,
        viewport.rect
    );
    (region.id.to_string(), viewport.view)
}

/// A click on the biggest marker in view and on a part of a region clear of
/// markers: what the map does with a click (`click_at`: marker hit test,
/// then the region lookup).
fn hit_test_benches(c: &mut Criterion, ctx: &egui::Context, app: &mut BorderwatchApp, view: &str) {
    support::frame(ctx, app, None);
    let memory = app.map_memory();
    let viewport = memory.last_viewport().expect("the map was shown");
    let clusters = memory.clusters();
    let regions = app.regions();
    let layers = Some(app.layers_shown());
    let click = |p: Pos2| click_at(clusters, &viewport, regions, layers, p);

    let mut group = c.benchmark_group(format!("hit_test/{}/{view}", size_label()));
    let biggest = clusters
        .iter()
        .filter(|c| viewport.rect.contains(viewport.world_to_screen(c.center)))
        .max_by_key(|c| c.count)
        .expect("markers in view");
    // Just inside the bubble's edge, where a careless hit test would miss.
    let on_marker =
        viewport.world_to_screen(biggest.center) + egui::vec2(marker_radius(biggest.count) - 1.0, 0.0);
    match click(on_marker) {
        MapClick::Events(hit) => assert!(hit.count >= 1),
        other => panic!("a click on a marker hits it, not {other:?}"),
    }
    group.bench_function("marker", |b| {
        b.iter(|| {
            let hit = click(black_box(on_marker));
            assert!(matches!(hit, MapClick::Events(_)));
            hit
        })
    });

    match empty_region_point(&viewport, click) {
        Some((point, region)) => {
            assert!(hit_nothing_nearby(clusters, &viewport, point));
            group.bench_function("region", |b| {
                b.iter(|| {
                    let hit = click(black_box(point));
                    assert_eq!(hit, MapClick::Region(region));
                    hit
                })
            });
        }
        None => eprintln!("{view}: no part of a region is clear of markers; region click not measured"),
    }
    group.finish();
}

/// A point of the map inside a region and off every marker, and the region.
fn empty_region_point(viewport: &Viewport, click: impl Fn(Pos2) -> MapClick) -> Option<(Pos2, usize)> {
    let area = viewport.rect.shrink(40.0);
    let step = 8.0;
    let mut y = area.top();
    while y < area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            if let MapClick::Region(region) = click(pos2(x, y)) {
                return Some((pos2(x, y), region));
            }
            x += step;
        }
        y += step;
    }
    None
}

/// No marker is within reach of `point`.
fn hit_nothing_nearby(clusters: &[borderwatch::spatial::Cluster], viewport: &Viewport, point: Pos2) -> bool {
    clusters
        .iter()
        .all(|c| viewport.world_to_screen(c.center).distance(point) > marker_radius(c.count))
}

/// Switching between two filters of each kind, each change the app's path
/// (`set_filter`: `Dataset::apply`, the selection checked; a search waited
/// for on its own thread); then the same with the frame that shows it, which
/// rebuilds the markers (and, for all but dates, the timeline's histogram).
/// For a search, also the frame drawn as the key is pressed (`key_frame`).
fn filter_benches(c: &mut Criterion, ctx: &egui::Context, app: &mut BorderwatchApp) {
    let hide = |name: &str| {
        let mut filter = EventFilter::default();
        filter.toggle_category(name, app.dataset().events.categories());
        filter
    };
    let text = |text: &str| EventFilter {
        text: text.to_string(),
        ..EventFilter::default()
    };
    let located = |filter: EventFilter| EventFilter {
        located_only: true,
        ..filter
    };
    let near = |km: u32| EventFilter {
        near_border_m: Some(km * 1000),
        ..EventFilter::default()
    };
    let at = |x, y| geo::Coord { x, y };
    let areas = [
        DrawnArea::Polygon(vec![
            at(35.3, 51.05),
            at(35.9, 50.15),
            at(38.2, 50.05),
            at(38.6, 50.95),
        ]),
        DrawnArea::Circle {
            centre: at(39.72, 47.23),
            radius_m: 80_000.0,
        },
    ];
    let area = |area: &DrawnArea| EventFilter {
        area: Some(area.clone()),
        ..EventFilter::default()
    };
    let kinds: [(&str, [EventFilter; 2]); 8] = [
        (
            "date",
            [
                support::dates("2019-01-01", "2019-12-31"),
                support::dates("2021-01-01", "2021-12-31"),
            ],
        ),
        ("category", [hide("drill"), hide("strike")]),
        ("text", [text("pontoon"), text("hospital")]),
        // Words in most events' texts, as a search is while it is typed.
        ("text_common", [text("near"), text("the")]),
        // Terms with a dash, which the lists of words narrow and a scan ends.
        ("text_dash", [text("self-propelled"), text("call-up")]),
        (
            "located",
            [located(EventFilter::default()), located(hide("drill"))],
        ),
        ("near_border", [near(10), near(50)]),
        ("area", [area(&areas[0]), area(&areas[1])]),
    ];
    let total = app.filtered().len();
    for (kind, filters) in kinds {
        let expected = filters.clone().map(|f| support::slow_count(app, &f));
        for count in expected {
            assert!(count > 0 && count < total, "{kind}: {count} of {total} shown");
        }
        assert_ne!(expected[0], expected[1], "{kind}: the two filters differ");
        eprintln!(
            "filter {kind}: {} and {} of {total} shown",
            expected[0], expected[1]
        );
        if kind == "near_border" {
            // The first near-border filter measures every event: once per load.
            let started = std::time::Instant::now();
            app.set_filter(filters[0].clone());
            eprintln!(
                "filter near_border: the first (distances measured) took {:?}",
                started.elapsed()
            );
        }
        if kind == "text" {
            // The first free-text filter builds the search index: once per load.
            let started = std::time::Instant::now();
            app.set_filter(filters[0].clone());
            support::searched(app);
            eprintln!(
                "filter text: the first (search index built) took {:?}",
                started.elapsed()
            );
            // And its lists of the events holding each word, as the
            // window's indexing thread makes them next.
            let started = std::time::Instant::now();
            let data = app.dataset();
            data.search_index().make_lists(&data.events);
            eprintln!(
                "filter text: the search index's lists made in {:?}",
                started.elapsed()
            );
        }

        let mut group = c.benchmark_group(format!("filter/{}", size_label()));
        let mut flip = 0;
        let mut framed = 0u64;
        group.bench_function(kind, |b| {
            b.iter(|| {
                flip ^= 1;
                app.set_filter(filters[flip].clone());
                support::searched(app);
                assert_eq!(app.filtered().len(), expected[flip]);
            })
        });
        group.bench_function(format!("{kind}+frame"), |b| {
            b.iter(|| {
                flip ^= 1;
                app.set_filter(filters[flip].clone());
                support::searched(app);
                assert_eq!(app.filtered().len(), expected[flip]);
                framed += 1;
                support::frame(ctx, app, None)
            })
        });
        if kind.starts_with("text") {
            // The frame drawn as the key is pressed, the search running on
            // its own thread meanwhile: what holds the window while typing.
            group.bench_function(format!("{kind}/key_frame"), |b| {
                b.iter_custom(|iters| {
                    let mut drawing = std::time::Duration::ZERO;
                    for _ in 0..iters {
                        flip ^= 1;
                        let started = std::time::Instant::now();
                        app.set_filter(filters[flip].clone());
                        support::frame(ctx, app, None);
                        drawing += started.elapsed();
                        support::searched(app);
                        assert_eq!(app.filtered().len(), expected[flip]);
                        // The frame the hits wake, before the next key.
                        support::frame(ctx, app, None);
                    }
                    drawing
                })
            });
        }
        group.finish();
        // The frame showing the last filter's events (a key frame shows
        // the one before).
        support::frame(ctx, app, None);
        if framed > 0 {
            let drawn: u64 = app
                .map_memory()
                .clusters()
                .iter()
                .map(|c| u64::from(c.count))
                .sum();
            assert!(
                drawn <= expected[flip] as u64 && drawn > 0,
                "markers follow the filter"
            );
        }
        app.set_filter(EventFilter::default());
        support::settle(ctx, app);
    }
}

/// What a filter change makes again from the events shown, besides the
/// filter itself: the build-up chart's weeks, the timeline's bins and the
/// start view's clusters, each over every event (nothing filtered out),
/// and the clusters again of five in eight events, scattered.
fn summary_benches(c: &mut Criterion, app: &mut BorderwatchApp) {
    use borderwatch::query::Histogram;
    use borderwatch::query::buildup::BuildUp;
    use borderwatch::spatial::cluster_level;

    app.set_filter(EventFilter::default());
    let data = app.dataset();
    let shown = app.filtered();
    let total = data.events.len();
    assert_eq!(shown.len(), total, "nothing is filtered out");
    let extent = data.columns.day_range().expect("dated events");
    let zoom = app.map_memory().view().expect("the map was shown").zoom;
    let world = WorldRect {
        min: borderwatch::geometry::WorldPoint::new(0.0, 0.0),
        max: borderwatch::geometry::WorldPoint::new(1.0, 1.0),
    };
    let mut group = c.benchmark_group(format!("summaries/{}", size_label()));
    group.bench_function("buildup", |b| {
        b.iter(|| {
            let buildup = BuildUp::new(&data.columns, &shown.indices);
            assert_eq!(buildup.total(), total as u64);
            buildup
        })
    });
    group.bench_function("histogram", |b| {
        b.iter(|| {
            let histogram = Histogram::new(&data.columns, &shown.indices, extent);
            let dated: usize = histogram.bins.iter().map(|bin| bin.count).sum();
            assert!(dated > 0 && dated <= total);
            histogram
        })
    });
    // Every event, and five in eight of them scattered over the map (as a
    // search for a common word shows them).
    let scattered: Vec<bool> = (0..total as u64)
        .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 61 < 5)
        .collect();
    let masks = [
        ("clusters_start_view", &shown.shown),
        ("clusters_start_view_scattered", &scattered),
    ];
    for (name, mask) in masks {
        let expected = mask.iter().filter(|s| **s).count() as u64;
        group.bench_function(name, |b| {
            b.iter(|| {
                let clusters = data.index.clusters(cluster_level(zoom), &world, mask);
                let counted: u64 = clusters.iter().map(|c| u64::from(c.count)).sum();
                assert_eq!(counted, expected);
                clusters
            })
        });
    }
    group.finish();
}

/// One step of playback (a day on) and the frame that shows it.
fn playback_bench(c: &mut Criterion, ctx: &egui::Context, app: &mut BorderwatchApp) {
    support::playback_step_bench(c, ctx, app, &format!("playback/{}", size_label()));
}

criterion_group!(benches, million);
criterion_main!(benches);
