"""Glued-word repair: "Belgorodbordering" → "Belgorod bordering".

Scrapers that strip links, and translation tools, drop the space between an
anchor text and the next word ("Gileswho", "“partisans”as"). The repair only
ever inserts spaces, in two cases:

- *punctuation glue*: a letter right after a closing quote, after a closing
  parenthesis, or after sentence punctuation followed by a capitalised word
  ("said.The"), and a letter right before an opening quote;
- *word glue*: a token that is not a known word but splits into two known
  words or names. What is known comes from three sources: the word-frequency
  model of a registry package (``[glue] lexicon``: wordsegment, wordninja or
  symspellpy), the document itself (a token seen on its own elsewhere in the
  article is a word, so "Kozinka" stays whole) and the corpus (the store's
  ``vocabulary`` table, updated with each article's repaired tokens).

A token is split only when it is not itself known, the sentence goes on in
lowercase after it, both parts are known and the second opens a phrase (a
closed-class word such as "the", "who", "since", "a", or a verb form such as
"bordering"); words formed with a productive prefix ("ultra", "counter") or
ending in a word-forming tail ("wide", "field") stay whole, and a name unknown
to every source ("Shoigu") may be split off only before a phrase opener or a
common verb form. Each repair is recorded as a :class:`Repair` whose offsets
point at the repaired text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Callable, Iterable

from ..config import StepSettings
from ..errors import ConfigError, NotFound
from ..model import TITLE, Article, Repair
from ..pipeline import step

LEXICONS = ("wordsegment", "wordninja", "symspellpy")
# Tokens of the Google Web 1T corpus that wordsegment and symspellpy count from.
_WEB_TOTAL = 1024908267229.0
_TOKEN = re.compile(r"[^\W\d_]+")
# URLs, e-mail addresses, hashtags, file names, domains and dotted abbreviations are left alone.
_ADDRESS = re.compile(r"/|@|#|_|(?i:www)\.|[^\W\d_]\.[a-z]")
# Where punctuation glue may be: the character before the missing space, then the one after.
_PUNCTUATION_CANDIDATE = re.compile(r"(?=[”»)][^\W_]|[^\W_][“«(]|[.!?;,][^\W\d_])")
_NEXT = re.compile(r"\s+[\"“‘(]?[a-z]")

# Words formed with these prefixes are written closed in English ("ultranationalist").
_PREFIXES = frozenset(
    "anti counter ultra non pre post over under out super sub inter multi semi mini micro macro mega neo pseudo "
    "quasi co de re un mis hyper hypo trans cross mid extra intra para proto auto bio geo eco cyber tele pan pro "
    "self fore back up down off dis en ex im il ir poly mono bi tri uni vice photo socio euro afro "
    "narco petro agro hydro thermo electro radio".split()
)
# Word-forming tails of compounds and place or family names ("countywide", "Mothershead").
_TAILS = frozenset(
    "like wide less ness ship hood ward wards wise man men woman women person side land town ville burg burgh "
    "berg field ford wood ley ham stead shire stone bridge brook dale port mouth water worth well more son sen "
    "stein head house ton ing ers ed".split()
)
# The one single-letter word glued after another: the article "a" ("Housea prestigious").
_SINGLE_LETTER = "a"
# Closed-class words (prepositions, conjunctions, auxiliaries, the articles)
# that start the phrase after a dropped space: "attacksince", "Housea".
_FUNCTION_WORDS = frozenset(
    "a an as at by for from in into of on onto to with without within since after before during until about "
    "against among over under through because although though if or nor so yet is are was were be been has have "
    "had will would could should may might must can did does do said says also not".split()
)
_ENGLISH_FUNCTION_WORDS = frozenset("the of and to a in is that for it was on with as by at from his her".split())
# Closed-class words that open a new phrase: glue after a link's anchor text
# ("Gileswho", "Kapustinthe") is most often before one of them.
_PHRASE_STARTERS = frozenset("the and who whom whose which where when while that but".split())
_CLOSE_QUOTES = "”»"
_OPEN_QUOTES = "“«"


@dataclass(frozen=True)
class Settings(StepSettings):
    """The ``[glue]`` section: the model and its frequency floors (log10 shares; see defaults.toml)."""

    section = "glue"
    lexicon: str
    rare: float
    long_word: float
    long_common: float
    min_two_letters: float
    min_three_letters: float
    min_before_short: float
    unknown_name_cost: float
    document_word_cost: float
    corpus_min_count: int
    min_token: int

    def __post_init__(self):
        if self.lexicon not in LEXICONS:
            raise ConfigError(f"[glue] lexicon = {self.lexicon!r} is not one of {', '.join(LEXICONS)}")


# the word-frequency model ----------------------------------------------------
class WordTable:
    """A read-only mapping word → value (``get``, ``in``, ``[]``) read word by word from a SQLite file of the cache
    directory and remembered: a process that looks up a few thousand words never loads the 333,000 (~0.25 s).
    ``log_share``: the value is log10 of the count's share of the Web 1T corpus (the glue lexicon)."""

    def __init__(self, path: str, log_share: bool = False):
        from ..cache import Reader

        self.path, self.log_share = path, log_share
        self.reader = Reader(path)
        self.known: dict[str, float | None] = {}

    def get(self, word: str, default=None):
        try:
            value = self.known[word]
        except KeyError:
            row = self.reader().execute("SELECT count FROM words WHERE word = ?", (word,)).fetchone()
            value = None if row is None else math.log10(row[0] / _WEB_TOTAL) if self.log_share else row[0]
            self.known[word] = value
        return default if value is None else value

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def __getitem__(self, word: str) -> float:
        value = self.get(word)
        if value is None:
            raise KeyError(word)
        return value

    def __reduce__(self):  # pickled as its path (a spawned process opens its own connection)
        return WordTable, (self.path, self.log_share)


@lru_cache(maxsize=None)
def _web_counts_file() -> str:
    """wordsegment's word counts (Google Web 1T) as a SQLite table, built once into the cache directory from the
    package's file: its bigrams, which nothing here uses, are left out."""
    from importlib.metadata import version

    from wordsegment import Segmenter

    from ..cache import built_sqlite

    def fill(connection) -> None:
        connection.execute("CREATE TABLE words (word TEXT PRIMARY KEY, count REAL NOT NULL) WITHOUT ROWID")
        connection.executemany("INSERT INTO words VALUES (?, ?)", Segmenter.parse(Segmenter.UNIGRAMS_FILENAME).items())

    return built_sqlite(f"wordsegment-words-1-{version('wordsegment')}.sqlite", fill, "wordsegment-words-")


@lru_cache(maxsize=1)
def web_unigrams() -> WordTable:
    """wordsegment's word counts (Google Web 1T), looked up word by word."""
    return WordTable(_web_counts_file())


@lru_cache(maxsize=None)
def lexicon(name: str = "wordsegment"):
    """log10 frequency of each lowercase word in the chosen package's model (a mapping with ``get``)."""
    if name == "wordsegment":
        return WordTable(_web_counts_file(), log_share=True)
    if name == "wordninja":
        import wordninja

        # wordninja ranks words by frequency and costs them by Zipf's law: cost = ln(rank * ln N).
        return {w: -cost / math.log(10) for w, cost in wordninja.DEFAULT_LANGUAGE_MODEL._wordcost.items()}
    if name == "symspellpy":
        import symspellpy

        text = resources.files(symspellpy).joinpath("frequency_dictionary_en_82_765.txt").read_text(encoding="utf-8")
        result = {}
        for line in text.splitlines():
            word, _, count = line.partition(" ")
            if count:
                result[word] = math.log10(int(count) / _WEB_TOTAL)
        return result
    raise ConfigError(f"[glue] lexicon = {name!r} is not one of {', '.join(LEXICONS)}")


# vocabularies --------------------------------------------------------------
def tokens(text: str) -> list[str]:
    """Alphabetic tokens of a text (digits, punctuation and spaces separate them)."""
    return _TOKEN.findall(text)


@dataclass
class Corpus:
    """Word counts (lowercase) of the articles already in the desk."""

    counts: Counter = field(default_factory=Counter)

    def add(self, words: Iterable[str], weight: int = 1) -> Counter:
        """Count ``words`` ``weight`` times each (-1 removes them); returns their counts."""
        counted = Counter(words)
        for word, n in counted.items():
            self.counts[word.lower()] += weight * n
        return counted

    @classmethod
    def load(cls, db) -> "Corpus":
        counts: Counter = Counter()
        for token, count in db.execute("SELECT token, count FROM vocabulary"):
            counts[token.lower()] += count
        return cls(counts)


class Vocabulary:
    """What is known about words: the model, the document and the corpus."""

    def __init__(self, text: str, settings: Settings, corpus: Corpus | None = None, split_words: bool = True):
        self.settings = settings
        self.split_words = split_words  # False for text not in English: the model is an English one
        self.model = lexicon(settings.lexicon)
        self.document = Counter(t.lower() for t in tokens(text))
        self.corpus = corpus

    def seen(self, word: str) -> int:
        """Times the word occurs on its own in the document and the corpus."""
        lower = word.lower()
        count = self.document.get(lower, 0)
        if self.corpus is not None:
            count += self.corpus.counts.get(lower, 0)
        return count

    def whole_known(self, word: str) -> bool:
        """A token that is a word by the document's or corpus's own evidence."""
        lower = word.lower()
        if self.document.get(lower, 0) >= 2:
            return True
        return self.corpus is not None and self.corpus.counts.get(lower, 0) >= self.settings.corpus_min_count

    def cost(self, word: str) -> float | None:
        """log10 frequency of a known word (model, else document/corpus evidence); None when unknown."""
        lower = word.lower()
        s = self.settings
        score = self.model.get(lower)
        if len(lower) == 1:
            return score if lower == _SINGLE_LETTER and score is not None else None
        if len(lower) == 2:
            return score if score is not None and score >= s.min_two_letters else None
        if score is not None and (len(lower) > 3 or score >= s.min_three_letters):
            return score
        if len(lower) >= 3 and self.seen(lower):
            return s.document_word_cost
        return None


# repair --------------------------------------------------------------------
@dataclass
class Repaired:
    text: str
    repairs: list[tuple[int, int, str, str]]  # (start, end, before, after); offsets in ``text``


def repair(text: str, vocabulary: Vocabulary | None = None) -> Repaired:
    """``text`` with glued words separated, and where (offsets in the new text).

    Only spaces are inserted. Without a ``vocabulary`` the text is its own
    document (and no corpus is consulted).
    """
    if vocabulary is None:
        fixed = _fixpoint([text], lambda texts: Vocabulary("\n".join(texts), Settings.from_config()))[0]
    else:
        fixed = _fixpoint([text], lambda texts: vocabulary)[0]
    return Repaired(fixed, list(_differences(text, fixed)))


def _fixpoint(texts: list[str], vocabulary: Callable[[list[str]], Vocabulary]) -> list[str]:
    """Repair until nothing changes (a repair can make a word known), so repairing twice equals once."""
    for _ in range(4):
        vocab = vocabulary(texts)
        fixed = [_repair_once(t, vocab) for t in texts]
        if fixed == texts:
            break
        texts = fixed
    return texts


def _repair_once(text: str, vocab: Vocabulary) -> str:
    inserts = set(_punctuation_glue(text, vocab))
    if vocab.split_words:
        for match in _TOKEN.finditer(text):
            word = match.group(0)
            if len(word) < vocab.settings.min_token or word.lower() in vocab.model:
                continue  # most tokens: a word of the model
            if _ADDRESS.search(_chunk_around(text, match.start())):
                continue
            offset = split_point(word, vocab, continues=bool(_NEXT.match(text, match.end())))
            if offset is not None:
                inserts.add(match.start() + offset)
    if not inserts:
        return text
    pieces, last = [], 0
    for position in sorted(inserts):
        pieces.append(text[last:position])
        last = position
    pieces.append(text[last:])
    return " ".join(pieces)


def _chunk_around(text: str, position: int) -> str:
    """The run of non-space characters around ``position``."""
    start = max(text.rfind(" ", 0, position), text.rfind("\n", 0, position)) + 1
    end = len(text)
    for space in (" ", "\n"):
        found = text.find(space, position)
        if found >= 0:
            end = min(end, found)
    return text[start:end]


def _punctuation_glue(text: str, vocab: Vocabulary) -> Iterable[int]:
    """Offsets in ``text`` where a space is missing around punctuation."""
    for match in _PUNCTUATION_CANDIDATE.finditer(text):
        i = match.start() + 1
        before, after = text[i - 1], text[i]
        chunk_start = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i)) + 1
        chunk = _chunk_around(text, i)
        if _ADDRESS.search(chunk):
            continue
        at = i - chunk_start  # offset of the glue point in the chunk
        # A quote between two non-spaces: the languages that open with ” (Swedish) or
        # close with “ (German) keep a space on the other side, so these stay alone.
        if before in _CLOSE_QUOTES and after.isalnum() and i >= 2 and not text[i - 2].isspace():
            yield i  # “partisans”as
        elif after in _OPEN_QUOTES and before.isalnum() and text[i + 1 : i + 2].isalpha():
            yield i  # said“we
        elif before == ")" and after.isalpha() and _paren_content(chunk, at - 1) >= 3:
            yield i  # (CVR)opposed
        elif after == "(" and before.isalpha() and _paren_content_after(chunk, at) >= 3:
            yield i  # Corps(CVR)
        elif before in ".!?;," and after.isalpha() and _words_around(chunk, at, vocab):
            yield i  # attack.The, Smith,who


def _paren_content(chunk: str, close: int) -> int:
    opening = chunk.rfind("(", 0, close)
    return close - opening - 1 if opening >= 0 else 0


def _paren_content_after(chunk: str, opening: int) -> int:
    close = chunk.find(")", opening)
    return close - opening - 1 if close >= 0 else len(chunk) - opening - 1


def _words_around(chunk: str, i: int, vocab: Vocabulary) -> bool:
    """Sentence punctuation between two words: a known word ending in 2 lowercase letters, then a word."""
    left = re.search(r"[^\W\d_]+$", chunk[: i - 1])
    right = re.match(r"[^\W\d_]+", chunk[i:])
    if not left or not right:
        return False
    left_word, right_word = left.group(0), right.group(0)
    if len(right_word) < 3 or right_word.isupper():
        return False  # "you;re", "e.g", "photo.JPG": typos, abbreviations, file names
    if not (len(left_word) >= 2 and left_word[-2:].islower()):
        return False  # U.S.A, a.m.
    if chunk[i - 1] in ".!?" and not right_word[0].isupper():
        return False  # file.name, example.com
    return vocab.cost(left_word) is not None and vocab.cost(right_word) is not None


def split_point(word: str, vocab: Vocabulary, continues: bool = True) -> int | None:
    """Where a glued token splits into two words ("Gileswho" → 5), or None to keep it whole.

    ``continues``: the sentence goes on in lowercase after the token. Glue comes
    from a dropped space inside a sentence ("Gileswho works"); a token followed
    by a capital or punctuation is far more often a rare name ("Charisha Jones").
    """
    s = vocab.settings
    if not continues or len(word) < s.min_token or word.isupper() or vocab.whole_known(word):
        return None
    if word.lower() in vocab.model:
        return None  # a word of the model ("counteroffensive", "cannot")
    camel = [i for i in range(1, len(word)) if word[i].isupper() and word[i - 1].islower()]
    if any(c.isupper() for c in word[1:]) and not camel:
        return None  # McDONALD, mixed-case oddities
    candidates = [
        (*found, i)
        for i in camel or range(1, len(word))
        if (found := _split_score(word[:i], word[i:], vocab, camel=bool(camel))) is not None
    ]
    if not candidates:
        return None
    score, guessed, i = max(candidates)
    if guessed and any(
        len(w) >= 3 and (vocab.cost(w) or -99) >= vocab.settings.long_word for w in (word[i - 1 :], word[i + 1 :])
    ):
        return None  # an unknown name, and the cut could move a letter ("Verlaskovob ordering"?)
    return i


def _split_score(left: str, right: str, vocab: Vocabulary, camel: bool) -> tuple[float, bool] | None:
    """(log10 frequency of the two words, whether the first is a guessed name), or None when unacceptable.

    Glue joins the end of one phrase (often a link's anchor text) to the start
    of the next, so the second part opens a phrase: a closed-class word ("the",
    "who", "and", "since", "a") or a verb form ("bordering", "assured"). Two
    content words ("lockdowns", "birdshot", "Benchwarmer") are a compound or
    a name, and stay whole.
    """
    s = vocab.settings
    lower = right.lower()
    if left.lower() in _PREFIXES or lower in _TAILS:
        return None
    if not camel and not right.islower():
        return None
    right_cost = vocab.cost(right)
    if right_cost is None:
        return None
    left_cost = vocab.cost(left)
    if left_cost is not None and left_cost < s.rare and not vocab.seen(left):
        left_cost = None  # web-corpus debris ("everyt") is no evidence of a word
    starter = lower in _PHRASE_STARTERS
    function = lower in _FUNCTION_WORDS
    verb_form = len(right) >= 6 and lower.endswith(("ed", "ing"))
    if left_cost is None:
        # A name known to no source: "Kapustinthe", "Smelleyare", "Shoigupromised".
        name = left[0].isupper() and left[1:].islower() and len(left) >= 4
        if name and (starter or (function and len(right) >= 3) or (verb_form and right_cost >= s.long_common)):
            return s.unknown_name_cost + right_cost, True
        return None
    total = left_cost + right_cost
    if camel:
        # "attackThe", "PhotosFor": brand names ("MeetMe", "CrimeLine") stay whole.
        if (starter or function) and len(right) >= 3 and len(left) >= 3:
            return total, False
        # "aroundGoma": a common lowercase word, then a name the text uses on its own.
        # Brand names start with a capital ("YouTube") or a single letter ("iPhone").
        if left.islower() and len(left) >= 3 and left_cost >= s.min_before_short and vocab.seen(right):
            return total, False
        return None
    if starter:
        return total, False
    if function and (len(right) >= 3 or left_cost >= s.min_before_short) and len(left) >= 3:
        return (
            total,
            False,
        )  # "attacksince", "Housea", "attackon" (short words end many names: only after a common word)
    if verb_form and right_cost >= s.long_word and len(left) >= 4:
        return total, False  # "Belgorodbordering", "territoryassured"
    return None


def _differences(before: str, after: str) -> Iterable[tuple[int, int, str, str]]:
    """Repairs between a text and the same text with spaces inserted: one per glued chunk."""
    if before == after:
        return
    inserted: set[int] = set()
    j = 0
    for i, char in enumerate(after):
        if j < len(before) and before[j] == char:
            j += 1
        else:
            inserted.add(i)
    if not inserted:
        return
    i, n = 0, len(after)
    while i < n:
        if after[i].isspace() and i not in inserted:
            i += 1
            continue
        end = i
        while end < n and (not after[end].isspace() or end in inserted):
            end += 1
        spaces = [k for k in range(i, end) if k in inserted]
        if spaces:
            start, stop = _trim(after, i, end, spaces)
            new = after[start:stop]
            yield start, stop, "".join(c for k, c in enumerate(new, start) if k not in inserted), new
        i = end


def _trim(text: str, start: int, end: int, spaces: list[int]) -> tuple[int, int]:
    """Drop punctuation at the edges of a repaired chunk, keeping what touches an inserted space."""
    while start < spaces[0] - 1 and not text[start].isalnum():
        start += 1
    while end > spaces[-1] + 2 and not text[end - 1].isalnum():
        end -= 1
    return start, end


# the step ------------------------------------------------------------------
@step("glue", requires=("roles",), assigns=("repairs",), ordered=True)
def make_glue(config, desk):
    """Repair glued words (recorded as repairs); reads and updates the corpus vocabulary."""
    settings = Settings.from_config(config)
    enabled = bool(config.get("enabled", True))
    store = desk.store if desk is not None else None
    corpus = Corpus.load(store.db) if store is not None else None
    lexicon(settings.lexicon)  # opened once, before the first article

    # words counted as each article is repaired (later articles of this run read them, whatever the workers),
    # written to the store in the article's own transaction: a killed add never leaves an article counted
    pending: dict[str, Counter] = {}

    def glue(article: Article) -> None:
        if corpus is not None and article.id in pending:  # run again (a batch retried alone): counted once
            corpus.add(pending.pop(article.id).elements(), -1)
        if enabled:
            repair_article(article, settings, corpus)
        if corpus is not None:
            pending[article.id] = corpus.add(article_tokens(article))

    def forget(article_id: str) -> None:
        if store is None:
            return
        try:
            old = store.article(article_id)
        except NotFound:
            return
        _write(store, corpus.add(article_tokens(old), -1), -1)

    def count(article: Article) -> None:
        """Write the words of an article being stored (inside its transaction); an article repaired elsewhere (a
        batch result loaded into the desk) is counted here."""
        if store is not None:
            counted = pending.pop(article.id, None)
            _write(store, corpus.add(article_tokens(article)) if counted is None else counted, 1)

    glue.forget = forget
    glue.count = count
    return glue


def repair_article(article: Article, settings: Settings | None = None, corpus: Corpus | None = None) -> Article:
    """Repair the title and every paragraph in place, recording each repair; returns the article.

    Word glue is repaired only in English text (declared so or undeclared, and
    looking English); punctuation glue in any language.
    """
    settings = settings or Settings.from_config()
    before = [article.title, *(p.text for p in article.paragraphs)]
    declared = (article.language or "en").lower().startswith("en")
    english = declared and looks_english(tokens("\n".join(before)))  # pages often declare a wrong language
    after = _fixpoint(before, lambda texts: Vocabulary("\n".join(texts), settings, corpus, split_words=english))
    article.repairs = []
    for index, (old, new) in enumerate(zip(before, after), start=TITLE):
        article.repairs += [Repair(index, *r) for r in _differences(old, new)]
    article.title = after[0]
    for paragraph, text in zip(article.paragraphs, after[1:]):
        paragraph.text = text
    return article


def looks_english(words: list[str]) -> bool:
    """Text of undeclared language is English when its commonest function words are English ones.

    In English news about a fifth of the tokens are these words; in German or
    French text under 2%. Short texts are given the benefit of the doubt.
    """
    if len(words) < 40:
        return True
    return sum(1 for w in words if w.lower() in _ENGLISH_FUNCTION_WORDS) >= 0.06 * len(words)


def article_tokens(article: Article) -> list[str]:
    return tokens("\n".join([article.title, *(p.text for p in article.paragraphs)]))


def _write(store, counted: Counter, sign: int) -> None:
    with store.transaction() as db:
        db.executemany(
            "INSERT INTO vocabulary (token, count) VALUES (?, ?) "
            "ON CONFLICT(token) DO UPDATE SET count = count + excluded.count",
            [(word, sign * n) for word, n in counted.items()],
        )
        if sign < 0:
            db.execute("DELETE FROM vocabulary WHERE count <= 0")
