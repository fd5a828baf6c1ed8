//! Event categories: the seven borderwatch knows and colours, and any
//! others met in the files, kept as written.

/// The categories borderwatch knows and colours; anything else is kept as
/// written (see [`Categories`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EventCategory {
    /// Forces moved into or kept in an area.
    Deployment,
    /// Exercises and training.
    Drill,
    /// Forces pulled back.
    Withdrawal,
    /// Something observed: lights, explosions, accidents.
    Incident,
    /// An attack on a target.
    Strike,
    /// Something said: orders, estimates, denials.
    Statement,
    /// Known to be none of the above.
    Other,
}

impl EventCategory {
    /// Every known category, in legend order.
    pub const ALL: [EventCategory; 7] = [
        Self::Deployment,
        Self::Drill,
        Self::Withdrawal,
        Self::Incident,
        Self::Strike,
        Self::Statement,
        Self::Other,
    ];

    /// The name used in files: `deployment`, `drill`, ...
    pub fn name(self) -> &'static str {
        match self {
            Self::Deployment => "deployment",
            Self::Drill => "drill",
            Self::Withdrawal => "withdrawal",
            Self::Incident => "incident",
            Self::Strike => "strike",
            Self::Statement => "statement",
            Self::Other => "other",
        }
    }

    /// The category with this file name, ignoring case.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

/// An index into [`Categories`]: the known categories first, in
/// [`EventCategory::ALL`] order, then unknown ones as they were met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct CategoryId(pub u16);

impl CategoryId {
    /// The id of a known category.
    pub fn known(category: EventCategory) -> Self {
        Self(
            EventCategory::ALL
                .iter()
                .position(|c| *c == category)
                .unwrap_or(6) as u16,
        )
    }

    /// The known category, if this is one.
    pub fn as_known(self) -> Option<EventCategory> {
        EventCategory::ALL.get(usize::from(self.0)).copied()
    }

    /// How many colour slots categories are drawn with: one per known
    /// category, then one shared by every other.
    pub const SLOTS: usize = EventCategory::ALL.len() + 1;

    /// The colour slot of this category (see [`Self::SLOTS`]).
    pub fn slot(self) -> usize {
        usize::from(self.0).min(Self::SLOTS - 1)
    }
}

/// The category names in use: the seven known ones, then any others found in
/// the files, kept exactly as written (first spelling wins, case-insensitive).
#[derive(Debug, Clone, PartialEq)]
pub struct Categories {
    names: Vec<Box<str>>,
}

impl Default for Categories {
    fn default() -> Self {
        Self {
            names: EventCategory::ALL.iter().map(|c| c.name().into()).collect(),
        }
    }
}

impl Categories {
    /// The id for a category name, adding it if it is new.
    pub fn intern(&mut self, name: &str) -> CategoryId {
        let name = name.trim();
        if let Some(known) = EventCategory::from_name(name) {
            return CategoryId::known(known);
        }
        if let Some(i) = self.names.iter().position(|n| n.eq_ignore_ascii_case(name)) {
            return CategoryId(i as u16);
        }
        // u16 holds 65 536 categories; past that, the rest share "other".
        if self.names.len() >= usize::from(u16::MAX) {
            return CategoryId::known(EventCategory::Other);
        }
        self.names.push(name.into());
        CategoryId((self.names.len() - 1) as u16)
    }

    /// The id of a name already interned.
    pub fn find(&self, name: &str) -> Option<CategoryId> {
        self.names
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name.trim()))
            .map(|i| CategoryId(i as u16))
    }

    /// The name of a category.
    pub fn name(&self, id: CategoryId) -> &str {
        self.names.get(usize::from(id.0)).map_or("other", |n| n)
    }

    /// Every category, known ones first.
    pub fn iter(&self) -> impl Iterator<Item = (CategoryId, &str)> {
        self.names
            .iter()
            .enumerate()
            .map(|(i, n)| (CategoryId(i as u16), &**n))
    }

    /// How many categories there are.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Never true: the known categories are always there.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_keep_known_ids_and_intern_unknown_names_as_written() {
        let mut categories = Categories::default();
        assert_eq!(
            categories.intern("Drill"),
            CategoryId::known(EventCategory::Drill)
        );
        assert_eq!(
            categories.intern(" withdrawal "),
            CategoryId::known(EventCategory::Withdrawal)
        );
        let protest = categories.intern("Protests");
        assert_eq!(protest, CategoryId(7));
        assert_eq!(categories.intern("protests"), protest, "case-insensitive");
        assert_eq!(categories.name(protest), "Protests", "first spelling kept");
        assert_eq!(protest.as_known(), None);
        assert_eq!(categories.len(), 8);
        assert_eq!(categories.find("PROTESTS"), Some(protest));
    }

    #[test]
    fn slots_are_the_known_categories_then_one_for_the_rest() {
        assert_eq!(CategoryId::SLOTS, 8);
        assert_eq!(CategoryId::known(EventCategory::Other).slot(), 6);
        let mut categories = Categories::default();
        assert_eq!(categories.intern("Protests").slot(), CategoryId::SLOTS - 1);
        assert_eq!(categories.intern("Riots").slot(), CategoryId::SLOTS - 1);
    }
}
