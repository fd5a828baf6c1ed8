#!/usr/bin/env python3
"""Writes an ACLED-shaped CSV export of N made-up rows, to measure loading
files as analysts are handed them: ACLED's 31 columns, dates written
"16 May 2025", notes of a sentence or two with quotes and commas, actors and
sources, and the columns borderwatch keeps as each event's other fields.
Deterministic for a seed.

usage: scripts/make_acled_like.py N OUT [--seed S]
  e.g. scripts/make_acled_like.py 1000000 target/acled1m.csv
"""

import argparse
import csv
import random

COLUMNS = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
    "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
    "interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
    "location,latitude,longitude,geo_precision,source,source_scale,notes,"
    "fatalities,tags,timestamp"
).split(",")

# Towns of the tracked oblasts and beyond (name, admin1, admin2, lat, lon).
PLACES = [
    ("Shebekino", "Belgorod", "Shebekinskiy", 50.4077, 36.8932),
    ("Belgorod", "Belgorod", "Belgorodskiy", 50.5977, 36.5858),
    ("Valuyki", "Belgorod", "Valuyskiy", 50.2111, 38.0997),
    ("Graivoron", "Belgorod", "Graivoronskiy", 50.4786, 35.6775),
    ("Klintsy", "Bryansk", "Klintsovskiy", 52.7564, 32.2364),
    ("Bryansk", "Bryansk", "Bryanskiy", 53.2521, 34.3717),
    ("Boguchar", "Voronezh", "Bogucharskiy", 49.9350, 40.5500),
    ("Pogonovo", "Voronezh", "Voronezhskiy", 51.5300, 39.1300),
    ("Rostov-on-Don", "Rostov", "Rostovskiy", 47.2357, 39.7015),
    ("Taganrog", "Rostov", "Taganrogskiy", 47.2362, 38.8969),
    ("Kamensk-Shakhtinsky", "Rostov", "Kamenskiy", 48.3178, 40.2595),
    ("Dzhankoi", "Crimea", "Dzhankoiskiy", 45.7086, 34.3933),
    ("Sevastopol", "Sevastopol", "", 44.6167, 33.5254),
    ("Sudzha", "Kursk", "Sudzhanskiy", 51.1917, 35.2706),
]
TYPES = [
    ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Strategic developments", "Strategic developments", "Headquarters or base established"),
    ("Strategic developments", "Strategic developments", "Disrupted weapons use"),
    ("Demonstrations", "Protests", "Peaceful protest"),
    ("Political violence", "Battles", "Armed clash"),
]
ACTORS = [
    "Military Forces of Ukraine (2019-)",
    "Military Forces of Russia (2000-)",
    "Civilians (Russia)",
    "Protesters (Russia)",
    "",
]
SOURCES = ["Ministry of Defence of Russia; Telegram", "Local media", "Regional outlet", "Kommersant; RBC"]
MONTHS = "January February March April May June July August September October November December".split()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open(args.out, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(args.count):
            name, admin1, admin2, lat, lon = rng.choice(PLACES)
            lat += rng.uniform(-0.15, 0.15)
            lon += rng.uniform(-0.15, 0.15)
            disorder, kind, sub = rng.choice(TYPES)
            year = rng.randint(2018, 2025)
            month = rng.randint(1, 12)
            day = rng.randint(1, 28)
            date = f"{day} {MONTHS[month - 1]} {year}"
            actor1, actor2 = rng.choice(ACTORS), rng.choice(ACTORS)
            fatalities = rng.choice([0, 0, 0, 1, 2, 5])
            notes = (
                f"On {date}, {sub.lower()} near {name}, {admin1} region"
                f" ({rng.randint(1, 40)} km from the border). "
                + rng.choice([
                    "No casualties were reported.",
                    'Officials said "the situation is under control".',
                    "The report gives no numbers, and the source could not be verified.",
                    f"{fatalities} people were reported killed, according to local media.",
                ])
            )
            writer.writerow([
                f"RUS{100000 + i}", date, year, rng.choice([1, 1, 2, 3]), disorder, kind,
                sub, actor1, "", rng.choice([1, 7, 8]), actor2, "", rng.choice([0, 7, 8]),
                rng.choice([17, 78, 80]), "Civilian targeting" if "Civilians" in actor2 else "",
                643, "Europe", "Russia", admin1, admin2, "", name, f"{lat:.4f}",
                f"{lon:.4f}", rng.choice([1, 2, 3]), rng.choice(SOURCES),
                rng.choice(["National", "Subnational", "Regional"]), notes, fatalities,
                "", 1700000000 + i,
            ])


if __name__ == "__main__":
    main()
