//! Text on the map: placed at an anchor, hidden when it does not fit its
//! shape or would overlap a label placed earlier (earlier = more important).

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Vec2};

/// Placed labels, so later ones can avoid them.
#[derive(Default)]
pub struct LabelPlacer {
    taken: Vec<Rect>,
}

/// One label to place.
pub struct Label<'a> {
    /// The text.
    pub text: &'a str,
    /// Where its centre goes.
    pub anchor: Pos2,
    /// Its font.
    pub font: FontId,
    /// Its colour.
    pub color: Color32,
    /// Drawn behind the text, one point around it.
    pub halo: Color32,
    /// The label is shown only if it fits inside this size (the shape's extent
    /// on screen); `None` to skip the test.
    pub fits_in: Option<Vec2>,
}

impl LabelPlacer {
    /// Lays out and paints `label` unless it is too big for its shape, falls
    /// outside `clip` or overlaps a label already placed. Returns its rectangle
    /// when painted.
    pub fn place(
        &mut self,
        painter: &Painter,
        clip: Rect,
        label: Label<'_>,
        shapes: &mut Vec<Shape>,
    ) -> Option<Rect> {
        let galley = painter.layout_no_wrap(label.text.to_string(), label.font, label.color);
        let size = galley.size();
        if let Some(room) = label.fits_in
            && (size.x > room.x * 0.9 || size.y > room.y * 0.8)
        {
            return None;
        }
        let rect = Align2::CENTER_CENTER.anchor_size(label.anchor, size);
        let padded = rect.expand(2.0);
        if !clip.contains_rect(rect) || self.taken.iter().any(|r| r.intersects(padded)) {
            return None;
        }
        self.taken.push(padded);
        for offset in [
            Vec2::new(-1.0, 0.0),
            Vec2::new(1.0, 0.0),
            Vec2::new(0.0, -1.0),
            Vec2::new(0.0, 1.0),
        ] {
            shapes.push(Shape::galley_with_override_text_color(
                rect.min + offset,
                galley.clone(),
                label.halo,
            ));
        }
        shapes.push(Shape::galley(rect.min, galley, label.color));
        Some(rect)
    }

    /// Marks a rectangle as taken (e.g. by a control drawn over the map).
    pub fn reserve(&mut self, rect: Rect) {
        self.taken.push(rect);
    }
}
