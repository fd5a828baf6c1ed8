//! Pan and zoom from the pointer, the keyboard and the map's own buttons.

use egui::{Key, Rect, Response, Ui, Vec2, pos2, vec2};

use super::memory::MapMemory;
use super::tools::ToolKind;
use super::{MapStyle, MapView, WorldRect};
use crate::geometry::area::DrawnArea;

/// How much one wheel point zooms: 100 points (about two notches) is one level.
const WHEEL_POINTS_PER_LEVEL: f64 = 100.0;
/// Points one arrow key press pans.
const KEY_PAN: f32 = 80.0;

/// Keys pressed this frame that move the map.
struct MapKeys {
    zoom_in: bool,
    zoom_out: bool,
    home: bool,
    pan: Vec2,
}

impl MapKeys {
    /// Reads the keys (with no Ctrl/Cmd held).
    fn read(ui: &Ui) -> Self {
        ui.input(|i| {
            let pressed = |key| i.key_pressed(key) && !i.modifiers.command;
            let mut pan = Vec2::ZERO;
            if pressed(Key::ArrowLeft) {
                pan.x += KEY_PAN;
            }
            if pressed(Key::ArrowRight) {
                pan.x -= KEY_PAN;
            }
            if pressed(Key::ArrowUp) {
                pan.y += KEY_PAN;
            }
            if pressed(Key::ArrowDown) {
                pan.y -= KEY_PAN;
            }
            Self {
                zoom_in: pressed(Key::Plus) || pressed(Key::Equals),
                zoom_out: pressed(Key::Minus),
                home: pressed(Key::Home),
                pan,
            }
        })
    }
}

/// Drag pans; wheel, pinch and double-click zoom around the pointer;
/// `+`/`-`, arrows and `Home` (fit `regions`) work when no text field has
/// the keyboard. A zoom under way moves on by one frame.
pub(super) fn handle_input(
    ui: &Ui,
    response: &Response,
    rect: Rect,
    view: &mut MapView,
    memory: &mut MapMemory,
    regions: Option<WorldRect>,
) {
    if response.dragged() && response.drag_delta() != Vec2::ZERO {
        view.pan(response.drag_delta());
        memory.moved_by_user();
    }
    if let Some(pointer) = ui.input(|i| i.pointer.latest_pos())
        && response.contains_pointer()
    {
        let (scroll, pinch) = ui.input(|i| (i.smooth_scroll_delta, i.zoom_delta()));
        let levels = f64::from(scroll.y) / WHEEL_POINTS_PER_LEVEL + f64::from(pinch).log2();
        if levels != 0.0 {
            view.zoom_around(levels.exp2(), pointer, rect);
            memory.moved_by_user();
        }
    }
    // With a tool in use a double click is the tool's (it closes a polygon).
    if response.double_clicked()
        && memory.tool().is_none()
        && let Some(at) = response.interact_pointer_pos()
    {
        memory.add_zoom(1.0, Some(at));
    }

    if !ui.ctx().egui_wants_keyboard_input() {
        let keys = MapKeys::read(ui);
        if keys.zoom_in {
            memory.add_zoom(1.0, None);
        }
        if keys.zoom_out {
            memory.add_zoom(-1.0, None);
        }
        if keys.home {
            *view = memory.fit_regions(regions, rect.size());
            return;
        }
        if keys.pan != Vec2::ZERO {
            view.pan(keys.pan);
            memory.moved_by_user();
        }
    }

    let dt = f64::from(ui.input(|i| i.stable_dt)).clamp(0.001, 0.1);
    if memory.ease_zoom(view, rect, dt) {
        ui.ctx().request_repaint();
    }
}

/// `M` starts or ends the ruler; `Esc` ends any tool (and does nothing
/// else then); `Enter` closes a polygon being drawn, returning it.
pub(super) fn tool_keys(ui: &Ui, memory: &mut MapMemory) -> Option<DrawnArea> {
    if ui.ctx().egui_wants_keyboard_input() {
        return None;
    }
    if ui.input(|i| i.key_pressed(Key::M) && !i.modifiers.command) {
        memory.toggle_ruler();
    }
    let tool = memory.tool()?;
    if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Escape)) {
        memory.end_tool();
        return None;
    }
    let area = tool.finish()?;
    if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, Key::Enter)) {
        memory.end_tool();
        return Some(area);
    }
    None
}

/// Zoom buttons, Fit (of `regions`) and the ruler, top right of the map, as
/// in other map apps. They act on the next frame.
pub(super) fn controls(
    ui: &mut Ui,
    rect: Rect,
    style: &MapStyle,
    memory: &mut MapMemory,
    regions: Option<WorldRect>,
) {
    let size = vec2(40.0, 28.0);
    let x = rect.right() - size.x - 10.0;
    let mut y = rect.top() + 10.0;
    let buttons: [(&str, &str, f64); 3] = [
        ("+", "Zoom in (+)", 1.0),
        ("−", "Zoom out (-)", -1.0),
        ("Fit", "Fit the tracked regions (Home)", 0.0),
    ];
    for (text, hint, levels) in buttons {
        let button_rect = Rect::from_min_size(pos2(x, y), size);
        let clicked = ui
            .put(
                button_rect,
                egui::Button::new(egui::RichText::new(text).size(15.0)).fill(style.overlay_fill),
            )
            .on_hover_text(hint)
            .clicked();
        if clicked {
            if levels == 0.0 {
                memory.fit_regions(regions, rect.size());
            } else {
                memory.add_zoom(levels, None);
            }
        }
        y += size.y + 4.0;
    }
    let tools: [(&str, &str, ToolKind); 3] = [
        (
            "Ruler",
            "Measure distances and bearings: click points (M); Esc ends",
            ToolKind::Ruler,
        ),
        (
            "Area",
            "Draw an area to filter events: click its corners, then the first one again (or double-click, or Enter); Esc cancels",
            ToolKind::Polygon,
        ),
        (
            "Circle",
            "Filter events within a radius: click the centre, then a point at the radius; Esc cancels",
            ToolKind::Circle,
        ),
    ];
    for (text, hint, kind) in tools {
        let active = memory.tool().is_some_and(|t| t.kind() == kind);
        let button = ui
            .put(
                Rect::from_min_size(pos2(x, y), size),
                egui::Button::new(egui::RichText::new(text).size(11.0))
                    .wrap_mode(egui::TextWrapMode::Extend)
                    .fill(style.overlay_fill)
                    .selected(active),
            )
            .on_hover_text(hint);
        if button.clicked() {
            memory.toggle_tool(kind);
        }
        y += size.y + 4.0;
    }
}
