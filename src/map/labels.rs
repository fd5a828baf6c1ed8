//! Text on the map: placed at an anchor, hidden when it does not fit its
//! shape or would overlap a label placed earlier (earlier = more important).

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Vec2};

/// Placed labels, so later ones can avoid them.
pub struct LabelPlacer {
    taken: Vec<Rect>,
    /// Where a label may go relative to its anchor, tried in order.
    shifts: Vec<Vec2>,
    /// Every label painted, in order.
    drawn: Vec<PlacedLabel>,
}

impl Default for LabelPlacer {
    fn default() -> Self {
        Self {
            taken: Vec::new(),
            shifts: vec![Vec2::ZERO],
            drawn: Vec::new(),
        }
    }
}

/// A label the map painted this frame: its text and where (for tests and
/// for anything that must keep clear of it).
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedLabel {
    /// The text.
    pub text: String,
    /// Its rectangle on screen.
    pub rect: Rect,
}

/// Gap between a dot and the name beside it, in points.
const DOT_GAP: f32 = 3.0;

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
            self.is_free(clip, rect).then_some(rect)
        })?;
        self.paint_galley(rect, galley, label.text, label.color, label.halo, shapes);
        Some(rect)
    }

    /// Lays out and paints `label` beside the point `dot` (a town's), on its
    /// right, left, above or below, whichever is first free, keeping the dot
    /// itself clear too. Returns the label's rectangle when painted.
    pub fn place_beside(
        &mut self,
        painter: &Painter,
        clip: Rect,
        label: Label<'_>,
        dot: Rect,
        shapes: &mut Vec<Shape>,
    ) -> Option<Rect> {
        if !clip.contains(dot.center()) || self.taken.iter().any(|r| r.intersects(dot)) {
            return None;
        }
        let galley = painter.layout_no_wrap(label.text.to_string(), label.font, label.color);
        let size = galley.size();
        let (c, gap) = (dot.center(), DOT_GAP + dot.width() / 2.0);
        let rect = [
            Align2::LEFT_CENTER.anchor_size(c + Vec2::new(gap, 0.0), size),
            Align2::RIGHT_CENTER.anchor_size(c - Vec2::new(gap, 0.0), size),
            Align2::CENTER_BOTTOM.anchor_size(c - Vec2::new(0.0, gap), size),
            Align2::CENTER_TOP.anchor_size(c + Vec2::new(0.0, gap), size),
        ]
        .into_iter()
        .find(|rect| self.is_free(clip, *rect))?;
        self.taken.push(dot);
        self.paint_galley(rect, galley, label.text, label.color, label.halo, shapes);
        Some(rect)
    }

    /// Whether `rect` lies in `clip`, clear (by two points) of every label placed.
    fn is_free(&self, clip: Rect, rect: Rect) -> bool {
        let padded = rect.expand(2.0);
        clip.contains_rect(rect) && !self.taken.iter().any(|r| r.intersects(padded))
    }

    /// Paints a laid-out label at `rect` on a one-point halo, and takes its place.
    fn paint_galley(
        &mut self,
        rect: Rect,
        galley: std::sync::Arc<egui::Galley>,
        text: &str,
        color: Color32,
        halo: Color32,
        shapes: &mut Vec<Shape>,
    ) {
        self.taken.push(rect.expand(2.0));
        self.drawn.push(PlacedLabel {
            text: text.to_string(),
            rect,
        });
        for offset in [
            Vec2::new(-1.0, 0.0),
            Vec2::new(1.0, 0.0),
            Vec2::new(0.0, -1.0),
            Vec2::new(0.0, 1.0),
        ] {
            shapes.push(Shape::galley_with_override_text_color(
                rect.min + offset,
                galley.clone(),
                halo,
            ));
        }
        shapes.push(Shape::galley(rect.min, galley, color));
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

    /// The labels painted, in the order they were placed.
    pub fn into_drawn(self) -> Vec<PlacedLabel> {
        self.drawn
    }
}
