//! The search key of a place name: one spelling for every way the same name is
//! written, so "Khar’kov", "KHARKOV" and "Харьков" meet on "kharkov".
//!
//! Folding is deliberately lossy and fixed: Latin letters lose their
//! diacritics, Cyrillic is transliterated by one table (Russian, Ukrainian and
//! Belarusian letters), apostrophes vanish and all other punctuation separates
//! words. A query is folded by the same function as the names, so the two only
//! have to agree with each other, not with any official romanisation.

/// Folds `text` into its search key: lowercase ASCII words (plus any letters
/// the tables do not cover, lowercased) separated by single spaces, trimmed.
///
/// "Rostov-on-Don" and " rostov  on don" both give "rostov on don";
/// "Ростов-на-Дону" gives "rostov na donu".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // A separator is only written when the next letter arrives, which both
    // collapses runs and trims the end without a second pass.
    let mut pending_space = false;
    for upper in text.chars() {
        for c in upper.to_lowercase() {
            if is_dropped(c) {
                continue;
            }
            let mapped = latin_base(c).or_else(|| cyrillic_latin(c));
            let is_word_char = mapped.is_some() || c.is_alphanumeric();
            if !is_word_char {
                pending_space = true;
                continue;
            }
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            match mapped {
                Some(latin) => out.push_str(latin),
                None => out.push(c),
            }
        }
    }
    out
}

/// Characters that vanish without separating words: apostrophes in all their
/// typographic forms (the Ukrainian apostrophe and the Russian soft sign are
/// romanised with any of these, or with nothing), and combining accents, so a
/// stress mark ("Кулчора́") or a decomposed diacritic leaves its base letter.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\'' | '’' | '‘' | 'ʼ' | 'ʹ' | 'ʻ' | '`' | '´' | '"' | '”' | '“' | '\u{0300}'..='\u{036F}'
    )
}

/// The base letter(s) of a lowercase Latin letter with a diacritic, or a
/// ligature spelled out. Covers every such letter in `places.json` and the
/// common ones of the region's languages; others pass through unchanged.
fn latin_base(c: char) -> Option<&'static str> {
    let base = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ə' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'ɣ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ǐ' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ǒ' => "o",
        'œ' => "oe",
        'ŕ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ǔ' => "u",
        'ƿ' => "w",
        'ý' | 'ÿ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(base)
}

/// The one transliteration table for lowercase Russian, Ukrainian and
/// Belarusian letters. The hard and soft signs map to nothing, as most
/// romanisations in the data leave them out or write an apostrophe (dropped).
/// Cyrillic letters of other languages pass through lowercased.
fn cyrillic_latin(c: char) -> Option<&'static str> {
    let latin = match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' | 'ґ' => "g",
        'д' => "d",
        'е' | 'ё' => "e",
        'є' => "ye",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'ї' => "yi",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "yu",
        'я' => "ya",
        _ => return None,
    };
    Some(latin)
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn separators_collapse_and_trim() {
        assert_eq!(fold("Rostov-on-Don"), "rostov on don");
        assert_eq!(fold("  rostov \t on--don. "), "rostov on don");
        assert_eq!(fold("Nov.Usman'"), "nov usman");
        assert_eq!(fold("Kal'miusskoe / Komsomol'skoe"), "kalmiusskoe komsomolskoe");
        assert_eq!(fold("Zolotaja Balka (1-e otd.)"), "zolotaja balka 1 e otd");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" -.- "), "");
    }

    #[test]
    fn apostrophes_vanish_inside_words() {
        for spelling in [
            "Khar'kov",
            "Khar’kov",
            "Kharʼkov",
            "Kharʹkov",
            "Khar`kov",
            "Khar´kov",
        ] {
            assert_eq!(fold(spelling), "kharkov", "{spelling}");
        }
        assert_eq!(fold("Slov”yans'k"), "slovyansk");
    }

    #[test]
    fn latin_diacritics_lose_their_marks() {
        assert_eq!(fold("Charków"), "charkow");
        assert_eq!(fold("Kijůw"), "kijuw");
        assert_eq!(fold("Ĥarkivo"), "harkivo");
        assert_eq!(fold("Kænugarður"), "kaenugardur");
        assert_eq!(
            fold("Šostka Žytomyr Čerkasy Łuck Dnipropetrovs'k"),
            "sostka zytomyr cerkasy luck dnipropetrovsk"
        );
        assert_eq!(fold("İzmail"), "izmail");
        // Decomposed: a base letter followed by a combining acute.
        assert_eq!(fold("Ki\u{0065}\u{0301}v"), "kiev");
    }

    #[test]
    fn cyrillic_uses_the_one_table() {
        assert_eq!(fold("Харків"), "kharkiv");
        assert_eq!(fold("Харьков"), "kharkov");
        assert_eq!(fold("Ростов-на-Дону"), "rostov na donu");
        assert_eq!(fold("Щёлково"), "shchelkovo");
        assert_eq!(fold("Київ"), "kiyiv");
        assert_eq!(fold("Ґуляйполе Єнакієве"), "gulyaypole yenakiyeve");
        assert_eq!(fold("Лоеў Магілёў"), "loeu magileu");
        assert_eq!(fold("Подъём Объезд"), "podem obezd");
        assert_eq!(fold("Кулчора́"), "kulchora");
    }

    #[test]
    fn mixed_scripts_and_cases_fold_alike() {
        assert_eq!(fold("Ростов-on-DON"), "rostov on don");
        assert_eq!(fold("ШЕБЕКИНО"), fold("shebekino"));
        assert_eq!(
            fold("Selishhe shakhti №2/7 Лідіївка"),
            "selishhe shakhti 2 7 lidiyivka"
        );
        // Letters outside the tables survive lowercased rather than vanish.
        assert_eq!(fold("Кꙑѥвъ"), "kꙑѥv");
        assert_eq!(fold("ji fu・kiu"), "ji fu kiu");
    }
}
