use egui::{Context, LayerId, RawInput, Shape, TextureId, vec2};

use super::*;
use crate::map::view::MapView;
use crate::tiles::decode::solid_png;
use crate::tiles::pmtiles_writer::{WriteOptions, write_pmtiles};

fn t(z: u8, x: u32, y: u32) -> TileId {
    TileId { z, x, y }
}

/// A PMTiles layer: z0, all of z1 but (1,1,1), every z2 tile but with (2,0,0) garbage.
fn layer(dir: &tempfile::TempDir) -> TileLayer {
    let mut tiles = vec![(t(0, 0, 0), solid_png(256, 256, [0, 0, 0]))];
    for (x, y) in [(0, 0), (1, 0), (0, 1)] {
        tiles.push((t(1, x, y), solid_png(256, 256, [1, x as u8, y as u8])));
    }
    for x in 0..4 {
        for y in 0..4 {
            let bytes = if (x, y) == (0, 0) {
                b"garbage".to_vec()
            } else {
                solid_png(8, 8, [2, x, y])
            };
            tiles.push((t(2, u32::from(x), u32::from(y)), bytes));
        }
    }
    let path = dir.path().join("layer.pmtiles");
    std::fs::write(&path, write_pmtiles(&tiles, &WriteOptions::default())).unwrap();
    let fetcher = TileFetcher::new(TileSource::PmTiles(path), None, true);
    TileLayer::new(fetcher, 2)
}

/// A square map of `side` points showing the world at `zoom`, centred on `center`.
fn viewport(zoom: f64, center: (f64, f64), side: f32) -> Viewport {
    let view = MapView {
        center: WorldPoint::new(center.0, center.1),
        zoom,
    };
    Viewport::new(view, Rect::from_min_size(pos2(0.0, 0.0), vec2(side, side)))
}

/// One frame: whether tiles are loading, and each image drawn as (texture, screen rect, uv).
fn frame(ctx: &Context, layer: &mut TileLayer, vp: &Viewport) -> (bool, Vec<(TextureId, Rect, Rect)>) {
    let mut loading = false;
    let mut out = ctx.run_pass(RawInput::default(), |ctx| {
        let painter = ctx.layer_painter(LayerId::background());
        loading = layer.paint(ctx, &painter, vp, 1.0, Color32::WHITE);
    });
    // No renderer here to upload the textures to.
    out.textures_delta.clear();
    let images = out
        .shapes
        .into_iter()
        .filter_map(|clipped| match clipped.shape {
            Shape::Mesh(mesh) => {
                let span = |f: fn(&egui::epaint::Vertex) -> egui::Pos2| {
                    mesh.vertices
                        .iter()
                        .map(f)
                        .fold(Rect::NOTHING, |r, p| r.union(Rect::from_pos(p)))
                };
                Some((mesh.texture_id, span(|v| v.pos), span(|v| v.uv)))
            }
            _ => None,
        })
        .collect();
    (loading, images)
}

/// Paints frames until nothing is loading (or 10 s pass); returns the last frame's images.
fn settle(ctx: &Context, layer: &mut TileLayer, vp: &Viewport) -> Vec<(TextureId, Rect, Rect)> {
    let start = Instant::now();
    loop {
        let (loading, images) = frame(ctx, layer, vp);
        if !loading || start.elapsed() > Duration::from_secs(10) {
            assert!(!loading, "tiles still loading after 10 s");
            return images;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

const FULL_UV: Rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));

#[test]
fn loads_visible_tiles_and_falls_back_to_ancestors() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::default();
    let mut layer = layer(&dir);
    // Zoom 0: the world is 256 points, one tile.
    let world = viewport(0.0, (0.5, 0.5), 256.0);
    let (loading, images) = frame(&ctx, &mut layer, &world);
    assert!(
        loading && images.is_empty(),
        "nothing to draw before the first tile arrives"
    );
    let images = settle(&ctx, &mut layer, &world);
    assert_eq!(images.len(), 1);
    assert_eq!(
        (images[0].1, images[0].2),
        (Rect::from_min_size(pos2(0.0, 0.0), vec2(256.0, 256.0)), FULL_UV)
    );
    // Zoom 1: at first every quarter is the z0 tile's matching quarter.
    let z1 = viewport(1.0, (0.5, 0.5), 512.0);
    let (loading, images) = frame(&ctx, &mut layer, &z1);
    assert!(loading);
    let z0_texture = images[0].0;
    assert_eq!(images.len(), 4);
    assert!(
        images
            .iter()
            .all(|(tex, _, uv)| *tex == z0_texture && uv.width() == 0.5)
    );
    let quarter = Rect::from_min_max(pos2(0.5, 0.5), pos2(1.0, 1.0));
    assert!(images.contains(&(
        z0_texture,
        Rect::from_min_size(pos2(256.0, 256.0), vec2(256.0, 256.0)),
        quarter
    )));
    // Loaded: three z1 textures; the tile the archive lacks stays the z0 quarter.
    let images = settle(&ctx, &mut layer, &z1);
    assert_eq!(images.len(), 4);
    let own: Vec<_> = images.iter().filter(|(_, _, uv)| *uv == FULL_UV).collect();
    assert_eq!(own.len(), 3);
    assert!(images.contains(&(
        z0_texture,
        Rect::from_min_size(pos2(256.0, 256.0), vec2(256.0, 256.0)),
        quarter
    )));
    assert_eq!(layer.texture_count(), 4);
    // The missing tile is remembered, not asked for again.
    assert!(!frame(&ctx, &mut layer, &z1).0);
}

#[test]
fn failed_tiles_wait_before_retrying() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::default();
    let mut layer = layer(&dir).with_retry_after(Duration::from_millis(300));
    // Zoom 2 around tile (0,0), whose bytes are garbage; 64 points shows only that tile.
    let vp = viewport(2.0, (0.125, 0.125), 64.0);
    settle(&ctx, &mut layer, &vp);
    assert!(
        layer.last_error().is_some_and(|e| e.contains("layer.pmtiles")),
        "{:?}",
        layer.last_error()
    );
    assert!(!frame(&ctx, &mut layer, &vp).0, "not retried at once");
    std::thread::sleep(Duration::from_millis(350));
    assert!(frame(&ctx, &mut layer, &vp).0, "retried after the delay");
    settle(&ctx, &mut layer, &vp);
}

#[test]
fn textures_are_bounded_least_recently_used_first() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = Context::default();
    let mut layer = layer(&dir).with_capacity(2);
    // One z2 tile at a time: tiles (1,1), (2,1), (3,1), then (1,1) again.
    for x in [1u32, 2, 3] {
        let vp = viewport(2.0, ((f64::from(x) + 0.5) / 4.0, 0.375), 64.0);
        settle(&ctx, &mut layer, &vp);
        assert!(layer.texture_count() <= 2, "{} textures", layer.texture_count());
    }
    assert!(!layer.tiles.contains_key(&t(2, 1, 1)), "the oldest was evicted");
    assert!(layer.tiles.contains_key(&t(2, 3, 1)) && layer.tiles.contains_key(&t(2, 2, 1)));
    let back = viewport(2.0, (1.5 / 4.0, 0.375), 64.0);
    assert!(
        frame(&ctx, &mut layer, &back).0,
        "an evicted tile is fetched again"
    );
    settle(&ctx, &mut layer, &back);
    assert!(!layer.tiles.contains_key(&t(2, 2, 1)));
}

#[test]
fn sub_uv_and_visible_order() {
    assert_eq!(sub_uv(t(3, 5, 2), 0), FULL_UV);
    assert_eq!(
        sub_uv(t(3, 5, 2), 1),
        Rect::from_min_max(pos2(0.5, 0.0), pos2(1.0, 0.5))
    );
    assert_eq!(
        sub_uv(t(3, 5, 2), 2),
        Rect::from_min_max(pos2(0.25, 0.5), pos2(0.5, 0.75))
    );
    let all = WorldRect {
        min: WorldPoint::new(0.0, 0.0),
        max: WorldPoint::new(1.0, 1.0),
    };
    let tiles = visible_tiles(&all, 2);
    assert_eq!(tiles.len(), 16);
    // The four central tiles come first.
    let mut first: Vec<_> = tiles[..4].to_vec();
    first.sort();
    assert_eq!(first, vec![t(2, 1, 1), t(2, 1, 2), t(2, 2, 1), t(2, 2, 2)]);
}
