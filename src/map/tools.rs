//! Tools that take the map's clicks instead of selecting: the ruler, and
//! drawing an area to filter by (a polygon of clicked points, or a circle:
//! a click for the centre, one for the radius).

use egui::{Pos2, Shape, Stroke};
use geo::{Coord, Distance, Geodesic, Point};

use super::ruler::{length_text, paint_box, paint_ruler};
use super::{MapStyle, Viewport};
use crate::geometry::area::DrawnArea;
use crate::query::km2_text;

/// Screen distance (points) within which a click on the first point closes
/// a polygon.
const CLOSE_RADIUS: f32 = 10.0;

/// Which tool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToolKind {
    /// Measure a path.
    Ruler,
    /// Draw a polygon to filter by.
    Polygon,
    /// Draw a circle to filter by.
    Circle,
}

/// A tool in use, with the points clicked so far (longitude/latitude).
#[derive(Debug, Clone, PartialEq)]
pub enum MapTool {
    /// The ruler's path.
    Ruler(Vec<Coord<f64>>),
    /// The polygon's points so far.
    Polygon(Vec<Coord<f64>>),
    /// The circle's centre, once clicked.
    Circle(Option<Coord<f64>>),
}

/// What a click did with a tool in use.
#[derive(Debug, Clone, PartialEq)]
pub enum ToolClick {
    /// A point was added.
    Added,
    /// The shape is complete: the tool ends and the area is the user's.
    Finished(DrawnArea),
}

impl MapTool {
    /// A fresh tool of this kind.
    pub fn new(kind: ToolKind) -> Self {
        match kind {
            ToolKind::Ruler => Self::Ruler(Vec::new()),
            ToolKind::Polygon => Self::Polygon(Vec::new()),
            ToolKind::Circle => Self::Circle(None),
        }
    }

    /// Which tool this is.
    pub fn kind(&self) -> ToolKind {
        match self {
            Self::Ruler(_) => ToolKind::Ruler,
            Self::Polygon(_) => ToolKind::Polygon,
            Self::Circle(_) => ToolKind::Circle,
        }
    }

    /// A click at `point` (`at` on screen). A polygon closes on a click at
    /// its first point or a double click; a circle on its second click.
    pub fn click(&mut self, point: Coord<f64>, at: Pos2, viewport: &Viewport, double: bool) -> ToolClick {
        match self {
            Self::Ruler(points) => points.push(point),
            Self::Polygon(points) => {
                let on_first = points
                    .first()
                    .is_some_and(|&first| viewport.lonlat_to_screen(first).distance(at) <= CLOSE_RADIUS);
                if (on_first || double)
                    && let Some(area) = self.finish()
                {
                    return ToolClick::Finished(area);
                }
                if let Self::Polygon(points) = self {
                    points.push(point);
                }
            }
            Self::Circle(None) => *self = Self::Circle(Some(point)),
            Self::Circle(Some(centre)) => {
                let area = DrawnArea::Circle {
                    centre: *centre,
                    radius_m: Geodesic.distance(Point(*centre), Point(point)),
                };
                if area.is_valid() {
                    return ToolClick::Finished(area);
                }
            }
        }
        ToolClick::Added
    }

    /// The area drawn so far, when it is one (Enter, or closing a polygon).
    pub fn finish(&self) -> Option<DrawnArea> {
        match self {
            Self::Polygon(points) => Some(DrawnArea::Polygon(points.clone())).filter(DrawnArea::is_valid),
            _ => None,
        }
    }

    /// What the tool's box says, with the pointer at `pointer`.
    pub fn lines(&self, pointer: Option<Coord<f64>>) -> Vec<String> {
        match self {
            Self::Ruler(points) => super::ruler::ruler_lines(points, pointer),
            Self::Polygon(points) => {
                let mut lines = vec![format!(
                    "Area filter: {} point{} · click the first point, double-click or Enter to close · Esc cancels",
                    points.len(),
                    if points.len() == 1 { "" } else { "s" }
                )];
                if let Some(area) = self.finish() {
                    lines.push(format!("Area so far: {}", km2_text(area.area_km2())));
                }
                lines
            }
            Self::Circle(None) => vec!["Circle filter: click the centre · Esc cancels".into()],
            Self::Circle(Some(centre)) => {
                let radius = pointer.map_or(0.0, |p| Geodesic.distance(Point(*centre), Point(p)));
                vec![format!(
                    "Circle filter: radius {} · click to set it · Esc cancels",
                    length_text(radius)
                )]
            }
        }
    }
}

/// Paints the tool in use: the ruler's path, or a polygon or circle being
/// drawn with its rubber band to the pointer; and the tool's box.
pub(super) fn paint_tool(
    painter: &egui::Painter,
    viewport: &Viewport,
    tool: &MapTool,
    pointer: Option<Coord<f64>>,
    style: &MapStyle,
) {
    let color = style.marker_selection;
    let mut shapes = Vec::new();
    match tool {
        MapTool::Ruler(points) => {
            paint_ruler(painter, viewport, points, pointer, style);
            return;
        }
        MapTool::Polygon(points) => {
            let screen: Vec<Pos2> = points.iter().map(|&p| viewport.lonlat_to_screen(p)).collect();
            if screen.len() >= 2 {
                shapes.push(Shape::line(screen.clone(), Stroke::new(2.0, color)));
            }
            if let (Some(&first), Some(&last), Some(pointer)) = (screen.first(), screen.last(), pointer) {
                let to = viewport.lonlat_to_screen(pointer);
                Shape::dashed_line_many(&[last, to, first], Stroke::new(1.5, color), 6.0, 4.0, &mut shapes);
            }
            for (i, &at) in screen.iter().enumerate() {
                let radius = if i == 0 { CLOSE_RADIUS * 0.6 } else { 4.0 };
                shapes.push(Shape::circle_filled(at, radius, color));
                shapes.push(Shape::circle_stroke(
                    at,
                    radius,
                    Stroke::new(1.5, style.marker_outline),
                ));
            }
        }
        MapTool::Circle(centre) => {
            if let (Some(centre), Some(pointer)) = (centre, pointer) {
                let radius_m = Geodesic.distance(Point(*centre), Point(pointer));
                let preview = DrawnArea::Circle {
                    centre: *centre,
                    radius_m,
                };
                if preview.is_valid() {
                    paint_area(painter, viewport, &preview, style);
                }
            }
            if let Some(centre) = centre {
                shapes.push(Shape::circle_filled(
                    viewport.lonlat_to_screen(*centre),
                    4.0,
                    color,
                ));
            }
        }
    }
    painter.extend(shapes);
    paint_box(painter, viewport.rect, &tool.lines(pointer), style);
}

/// Paints the outline of a drawn area (the area filter in use, or a circle
/// being drawn): a casing and a line in the selection colour.
pub(super) fn paint_area(painter: &egui::Painter, viewport: &Viewport, area: &DrawnArea, style: &MapStyle) {
    let mut screen: Vec<Pos2> = area
        .outline()
        .iter()
        .map(|&p| viewport.lonlat_to_screen(p))
        .collect();
    if let Some(&first) = screen.first() {
        screen.push(first);
    }
    painter.add(Shape::line(screen.clone(), Stroke::new(4.5, style.border_casing)));
    painter.add(Shape::line(screen, Stroke::new(2.0, style.marker_selection)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::map::MapView;
    use egui::{Rect, pos2, vec2};

    fn viewport() -> Viewport {
        let rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(800.0, 600.0));
        let bounds = crate::geometry::WorldRect::from_lonlat(&geo::Rect::new(
            Coord { x: 35.0, y: 49.5 },
            Coord { x: 39.0, y: 51.5 },
        ));
        Viewport::new(MapView::fit(bounds, rect.size()), rect)
    }

    #[test]
    fn a_polygon_closes_on_its_first_point_or_a_double_click() {
        let viewport = viewport();
        let mut tool = MapTool::new(ToolKind::Polygon);
        let corners = [
            Coord { x: 36.0, y: 50.0 },
            Coord { x: 37.0, y: 50.0 },
            Coord { x: 36.5, y: 51.0 },
        ];
        for corner in corners {
            let at = viewport.lonlat_to_screen(corner);
            assert_eq!(tool.click(corner, at, &viewport, false), ToolClick::Added);
        }
        // A click a few points off the first one closes the ring.
        let first = viewport.lonlat_to_screen(corners[0]) + vec2(4.0, -3.0);
        let closed = tool.click(viewport.screen_to_lonlat(first), first, &viewport, false);
        assert_eq!(closed, ToolClick::Finished(DrawnArea::Polygon(corners.to_vec())));

        // Two points and a double click are not an area yet: the click adds.
        let mut tool = MapTool::new(ToolKind::Polygon);
        for corner in &corners[..2] {
            tool.click(*corner, viewport.lonlat_to_screen(*corner), &viewport, false);
        }
        let at = viewport.lonlat_to_screen(corners[2]);
        assert_eq!(tool.click(corners[2], at, &viewport, true), ToolClick::Added);
        assert!(matches!(
            tool.click(corners[2], at, &viewport, true),
            ToolClick::Finished(_)
        ));
    }

    #[test]
    fn a_circle_takes_its_radius_from_the_second_click() {
        let viewport = viewport();
        let mut tool = MapTool::new(ToolKind::Circle);
        let belgorod = Coord {
            x: 36.5873,
            y: 50.5954,
        };
        let shebekino = Coord {
            x: 36.8932,
            y: 50.4077,
        };
        tool.click(belgorod, viewport.lonlat_to_screen(belgorod), &viewport, false);
        assert!(
            tool.lines(Some(shebekino))[0].contains("radius 30.1 km"),
            "{:?}",
            tool.lines(Some(shebekino))
        );
        let ToolClick::Finished(DrawnArea::Circle { centre, radius_m }) =
            tool.click(shebekino, viewport.lonlat_to_screen(shebekino), &viewport, false)
        else {
            panic!("a circle")
        };
        assert_eq!(centre, belgorod);
        // geographiclib: 30,115.761 m.
        assert!((radius_m - 30_115.761).abs() < 0.01, "{radius_m}");
    }
}
