//! Text on the map: placed at an anchor, hidden when it does not fit its
//! shape or would overlap a label placed earlier (earlier = more important).

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Vec2};

/// Placed labels, so later ones can avoid them.
pub struct LabelPlacer {
    taken: Vec<Rect>,
    /// Where a label may go relative to its anchor, tried in order.
    shifts: Vec<Vec2>,
}

impl Default for LabelPlacer {
    fn default() -> Self {
        Self {
            taken: Vec::new(),
            shifts: vec![Vec2::ZERO],
        }
    }
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
    /// Lays out and paints `label` unless it is too big for its shape, or
    /// falls outside `clip` or on something already placed at its anchor and
    /// at every allowed shift. Returns its rectangle when painted.
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
        let rect = self.shifts.iter().find_map(|shift| {
            let rect = Align2::CENTER_CENTER.anchor_size(label.anchor + *shift, size);
            let padded = rect.expand(2.0);
            (clip.contains_rect(rect) && !self.taken.iter().any(|r| r.intersects(padded))).then_some(rect)
        })?;
        let padded = rect.expand(2.0);
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

    /// Lets later labels move off their anchor by these shifts (tried in
    /// order, after the anchor itself) when it is taken.
    pub fn allow_shifts(&mut self, shifts: &[Vec2]) {
        self.shifts.truncate(1);
        self.shifts.extend_from_slice(shifts);
    }

    /// Only the anchor itself from now on.
    pub fn no_shifts(&mut self) {
        self.shifts.truncate(1);
    }

    /// Marks a rectangle as taken (e.g. by a control drawn over the map).
    pub fn reserve(&mut self, rect: Rect) {
        self.taken.push(rect);
    }
}
