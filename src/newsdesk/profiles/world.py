"""The world-news profile: the default. No home country; macro-regions news names often."""

from __future__ import annotations

from . import Profile

# Regions news names that no registry package lists as one area: their countries (ISO 3166 codes).
MACRO_REGIONS = {
    "Middle East": (
        "BH",
        "CY",
        "EG",
        "IR",
        "IQ",
        "IL",
        "JO",
        "KW",
        "LB",
        "OM",
        "PS",
        "QA",
        "SA",
        "SY",
        "TR",
        "AE",
        "YE",
    ),
    "Gulf": ("BH", "KW", "OM", "QA", "SA", "AE"),
    "Persian Gulf": ("BH", "KW", "OM", "QA", "SA", "AE", "IR", "IQ"),
    "Sahel": ("SN", "MR", "ML", "BF", "NE", "TD", "SD"),
    "Balkans": ("AL", "BA", "BG", "HR", "XK", "ME", "MK", "RS", "SI", "GR"),
    "Western Balkans": ("AL", "BA", "XK", "ME", "MK", "RS"),
    "Caucasus": ("AM", "AZ", "GE"),
    "Horn of Africa": ("DJ", "ER", "ET", "SO"),
    "Latin America": (
        "AR",
        "BO",
        "BR",
        "CL",
        "CO",
        "CR",
        "CU",
        "DO",
        "EC",
        "SV",
        "GT",
        "HN",
        "MX",
        "NI",
        "PA",
        "PY",
        "PE",
        "UY",
        "VE",
    ),
    "Scandinavia": ("DK", "NO", "SE"),
    "Baltics": ("EE", "LV", "LT"),
    "Maghreb": ("DZ", "LY", "MR", "MA", "TN"),
    "North Africa": ("DZ", "EG", "LY", "MA", "TN"),
    "West Africa": ("BJ", "BF", "CV", "CI", "GM", "GH", "GN", "GW", "LR", "ML", "MR", "NE", "NG", "SN", "SL", "TG"),
    "East Africa": ("BI", "DJ", "ER", "ET", "KE", "RW", "SO", "SS", "TZ", "UG"),
    "Southeast Asia": ("BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"),
    "Central Asia": ("KZ", "KG", "TJ", "TM", "UZ"),
    "South Asia": ("AF", "BD", "BT", "IN", "MV", "NP", "PK", "LK"),
    "Korean Peninsula": ("KP", "KR"),
    "Levant": ("IL", "JO", "LB", "PS", "SY"),
}

# Words of the incident written before its place in a sentence ("shelling hit ... in", "a flood in", "was shot
# in"): a place after one is where the event happened (reconcile/place_cues.py). US local news uses only its own
# list (profiles/us_local.py).
SCENE_WORDS = "|".join(
    (
        r"shot|shoot\w*|gunfire|gunshots?|killed|slain|stabb\w*|murder\w*|homicides?|wounded|dead|died|happened",
        r"occurred|found",
        r"shell\w*",
        r"strikes?",
        r"struck",
        r"bomb\w*",
        r"blasts?",
        r"explosions?",
        r"explod\w*",
        r"missiles?",
        r"drones?",
        r"rockets?",
        r"attack\w*",
        r"raids?",
        r"clash\w*",
        r"fighting",
        r"protest\w*",
        r"demonstrat\w*",
        r"rall(?:y|ies)",
        r"riot\w*",
        r"flood\w*",
        r"earthquakes?",
        r"quakes?",
        r"landslides?",
        r"storms?",
        r"cyclones?",
        r"hurricanes?",
        r"typhoons?",
        r"wildfires?",
        r"outbreaks?",
        r"evacuat\w*",
        r"displaced",
        r"injured",
    )
)

# Country-code domains sold as words ("news.tv", "app.io"): no evidence of the outlet's country.
VANITY_DOMAINS = frozenset(
    {
        "tv",
        "io",
        "co",
        "me",
        "fm",
        "ai",
        "ly",
        "cc",
        "ws",
        "to",
        "gg",
        "la",
        "am",
        "nu",
        "tk",
        "ml",
        "ga",
        "cf",
        "gq",
        "su",
        "eu",
    }
)

# Gazetteer additions: the macro-regions above, built into the world gazetteer (extract/gazetteer.py).
PROFILE = Profile(name="world", scene_words=SCENE_WORDS)
