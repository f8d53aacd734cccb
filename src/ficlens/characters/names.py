"""Personal names: titles, honorifics, surname particles, nicknames, parsing.

A surface form such as "Mr. Darcy", "Lady Catherine De Bourgh", "the Hatter" or
"Margaret 'Maggie' Thorne" is parsed into a `NameForm`: its title (normalised,
with the gender it implies), its core name tokens (lower-cased, no full stops),
whether it carried an article ("the Hatter"), and a nickname when the form quotes
one. Clustering compares these parts, never raw strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Gender = Literal["he", "she", "they", "unknown"]

# Titles before a name, normalised (lower-case, no full stop) -> gender implied.
MALE_TITLES = frozenset(
    "mr mister sir lord master monsieur herr signor senor señor don father brother uncle "
    "king prince duke earl baron count viscount marquis marquess mssr messrs".split()
)
FEMALE_TITLES = frozenset(
    "mrs miss ms mistress missus lady madam madame mme mlle mademoiselle dame aunt auntie "
    "sister mother queen princess duchess countess baroness marchioness frau fraulein "
    "fräulein signora senora señora senorita señorita donna".split()
)
NEUTRAL_TITLES = frozenset(
    "dr doctor professor prof captain capt colonel col general gen major lieutenant lt "
    "sergeant sgt corporal inspector detective det officer constable reverend rev judge "
    "agent commander admiral president senator governor chief nurse healer coach "
    "ensign private cadet commissioner superintendent chancellor minister headmaster "
    "headmistress".split()
)
TITLES = MALE_TITLES | FEMALE_TITLES | NEUTRAL_TITLES

# "Mr. X", "Dr. X": X is a surname. "Sir X", "Lady X", "Aunt X": X is a given name.
GIVEN_NAME_TITLES = frozenset(
    "sir lady lord dame aunt auntie uncle father mother sister brother king queen prince "
    "princess master don donna".split()
)
# Titles of address that mark distinct people when they differ on the same surname
# ("Mr. Bennet" / "Mrs. Bennet" / "Miss Bennet").
_TITLE_ALIASES = {"mister": "mr", "missus": "mrs", "doctor": "dr", "prof": "professor",
                  "capt": "captain", "col": "colonel", "gen": "general", "lt": "lieutenant",
                  "sgt": "sergeant", "det": "detective", "rev": "reverend", "mme": "madame",
                  "mlle": "mademoiselle", "auntie": "aunt", "señor": "senor",
                  "señora": "senora", "señorita": "senorita", "fräulein": "fraulein"}

SURNAME_PARTICLES = frozenset("de da di du del della van von der den ter ten la le st".split())
NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv esq esq.".split())
ARTICLES = frozenset({"the"})

# Capitalised words that are never a character's name on their own.
NOT_NAMES = frozenset(
    """
    god lord heaven heavens christ jesus lord's gods goodness gosh
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    christmas easter
    o oh ah ha aha eh hm hmm hush yes no well why what how where who when there here alas
    dear good thank thanks bless pray please sorry hello hi hey goodbye bye indeed
    mother father mum mom mummy mommy dad daddy papa pa mamma mama ma grandma grandpa granny
    grandmother grandfather aunt uncle sister brother son daughter wife husband baby
    sir madam ma'am miss mister mr mrs ms dr majesty highness lordship ladyship excellency
    honour honor reverence worship
    i me my you your he him his she her they them we us our it its one
    english french german england london france paris america american
    chapter volume part book
    """.split()
)

PRONOUN_GENDER: dict[str, Gender] = {
    "he": "he", "him": "he", "his": "he", "himself": "he",
    "she": "she", "her": "she", "hers": "she", "herself": "she",
}
FIRST_PERSON = frozenset({"i", "me", "my", "mine", "myself"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves", "thee", "thou", "thy", "thine"})

# Common English diminutives, given name -> nicknames (lower-case). Small on purpose:
# only forms that do not begin with the full name's first three letters (those are
# matched by prefix) or that are frequent enough to matter.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "elizabeth": ("lizzy", "lizzie", "liz", "eliza", "beth", "betsy", "betty", "bess", "libby", "lisa"),
    "margaret": ("maggie", "meg", "peggy", "madge", "marge", "greta", "daisy", "margie"),
    "william": ("will", "bill", "billy", "willy", "willie", "liam"),
    "robert": ("bob", "bobby", "rob", "robbie", "bert"),
    "richard": ("dick", "rick", "ricky", "rich", "richie"),
    "edward": ("ed", "eddie", "ned", "ted", "teddy"),
    "theodore": ("theo", "ted", "teddy"),
    "henry": ("harry", "hal", "hank"),
    "john": ("jack", "johnny", "jon"),
    "james": ("jim", "jimmy", "jamie", "jem"),
    "charles": ("charlie", "chuck", "chas"),
    "catherine": ("kate", "kitty", "cathy", "kat", "katie", "kit"),
    "katherine": ("kate", "kitty", "kathy", "kat", "katie", "kit"),
    "mary": ("molly", "polly", "mae", "mamie"),
    "sarah": ("sally", "sadie"),
    "ann": ("annie", "nan", "nancy"),
    "anne": ("annie", "nan", "nancy"),
    "helen": ("nell", "nellie", "lena"),
    "eleanor": ("nell", "ellie", "nora"),
    "dorothy": ("dot", "dolly", "dora"),
    "frances": ("fanny", "fran", "frankie"),
    "francis": ("frank", "frankie"),
    "alexander": ("alex", "sandy", "xander"),
    "christopher": ("chris", "kit"),
    "nicholas": ("nick", "nicky"),
    "michael": ("mike", "mickey", "mick"),
    "anthony": ("tony",),
    "joseph": ("joe", "joey"),
    "thomas": ("tom", "tommy"),
    "samuel": ("sam", "sammy"),
    "benjamin": ("ben", "benny"),
    "daniel": ("dan", "danny"),
    "matthew": ("matt",),
    "andrew": ("andy", "drew"),
    "patrick": ("pat", "paddy"),
    "peter": ("pete",),
    "ronald": ("ron", "ronnie"),
    "ginevra": ("ginny",),
    "susan": ("sue", "susie"),
    "rebecca": ("becky", "becca"),
    "victoria": ("vicky", "tori"),
    "evelyn": ("evie",),
    "emily": ("emmy", "em"),
    "emma": ("em",),
    "georgiana": ("georgie",),
    "caroline": ("carrie", "carol"),
    "harriet": ("hattie",),
    "lydia": ("liddy",),
    "jonathan": ("jon", "jonny"),
    "isabella": ("bella", "izzy", "isa"),
    "isabel": ("bella", "izzy"),
    "josephine": ("jo", "josie"),
    "theresa": ("tess", "tessa", "terry"),
    "edmund": ("ed", "ned", "eddie"),
    "gilbert": ("gil", "bert"),
    "albert": ("al", "bert", "bertie"),
    "frederick": ("fred", "freddie", "freddy"),
    "george": ("georgie",),
    "louisa": ("lou",),
    "louise": ("lou",),
    "alfred": ("alf", "alfie", "fred"),
    "arthur": ("art", "artie"),
    "lawrence": ("larry", "laurie"),
    "laurence": ("larry", "laurie"),
}


def norm_token(token: str) -> str:
    """Comparison form of a name token: lower-case, curly apostrophes straight,
    no trailing full stop."""
    return token.lower().replace("’", "'").strip("\"“”‘").rstrip(".,;:!?-–—'")


def norm_title(token: str) -> str | None:
    """The normalised title a token stands for, or None when it is not a title."""
    key = norm_token(token)
    key = _TITLE_ALIASES.get(key, key)
    return key if key in TITLES else None


def title_gender(title: str | None) -> Gender:
    if title is None:
        return "unknown"
    if title in MALE_TITLES:
        return "he"
    if title in FEMALE_TITLES:
        return "she"
    return "unknown"


def normalise_alias(text: str) -> str:
    """Case- and full-stop-insensitive key of a name string (the evaluation's rule)."""
    return " ".join(text.lower().replace("’", "'").replace(".", " ").split())


@dataclass(frozen=True, slots=True)
class NameForm:
    """One way of naming someone, parsed. `core` holds the name tokens without
    title, article or suffix; `key` identifies the form (title + core + article)."""

    text: str  # a representative surface form, whitespace collapsed
    title: str | None
    core: tuple[str, ...]
    article: bool = False  # "the Hatter"
    nickname: str | None = None  # from a quoted nickname: Margaret 'Maggie' Thorne

    @property
    def key(self) -> tuple:
        return (self.title, self.core, self.article)

    @property
    def gender(self) -> Gender:
        return title_gender(self.title)

    @property
    def is_full(self) -> bool:
        """Given name and surname both present ("Harry Potter")."""
        return len(self.core) >= 2 and not self.article

    @property
    def given(self) -> str | None:
        return self.core[0] if self.is_full else None

    @property
    def surname(self) -> str | None:
        if not self.is_full:
            return None
        # "Catherine De Bourgh": surname starts at the first particle after the given name.
        for i in range(1, len(self.core) - 1):
            if self.core[i] in SURNAME_PARTICLES:
                return " ".join(self.core[i:])
        return self.core[-1]

    @property
    def single(self) -> str | None:
        """The one name token of a form like "Darcy", "Mr. Darcy", "Lady Catherine"."""
        return self.core[0] if len(self.core) == 1 and not self.article else None


_QUOTED_NICK = re.compile(r"""\s+["'“‘]([^"'“”‘’]+)["'”’]\s+""")
_DISAMBIGUATOR = re.compile(r"\s*\([^)]*\)\s*$")


def strip_disambiguator(tag: str) -> str:
    """AO3 tag name without a fandom disambiguator: "Peter Parker (Marvel)" -> "Peter Parker"."""
    previous = None
    while previous != tag:
        previous = tag
        tag = _DISAMBIGUATOR.sub("", tag).strip()
    return tag


def parse_name(text: str) -> NameForm | None:
    """Parse a surface form; None when nothing name-like is left (a bare title)."""
    text = " ".join(text.replace("’", "'").split())
    nickname = None
    match = _QUOTED_NICK.search(text)
    if match:
        nickname = match.group(1).strip()
        text = (text[: match.start()] + " " + text[match.end() :]).strip()
    tokens = [t for t in re.split(r"\s+", text) if t]
    while tokens and tokens[-1].rstrip(",").lower() in NAME_SUFFIXES:
        tokens.pop()
    tokens = [t.rstrip(",") for t in tokens]
    text = " ".join(tokens)
    article = False
    if tokens and tokens[0].lower() in ARTICLES:
        article = True
        tokens = tokens[1:]
    title = None
    if tokens and len(tokens) >= 2 and not article:
        title = norm_title(tokens[0])
        if title is not None:
            tokens = tokens[1:]
    if not article and "of" in tokens[1:]:
        # "Mr. Willoughby of Combe Magna" is Mr. Willoughby; "the Queen of Hearts" stays.
        tokens = tokens[: tokens.index("of", 1)]
    core = tuple(norm_token(t) for t in tokens if norm_token(t))
    if not core:
        return None
    if title is None and not article and len(core) == 1 and norm_title(core[0]):
        return None  # a bare title ("Doctor") is not a name unless "the Doctor"
    return NameForm(text=text, title=title, core=core, article=article,
                    nickname=norm_token(nickname) if nickname else None)


def is_nickname_of(short: str, given: str) -> bool:
    """True when `short` is a known diminutive of `given`, or a clipped form of it
    ("Ron" for Ronald, "Fitz" for Fitzwilliam: at least three letters)."""
    if short == given:
        return False
    if short in NICKNAMES.get(given, ()):
        return True
    return len(short) >= 3 and len(given) > len(short) + 1 and given.startswith(short)
