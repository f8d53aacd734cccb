"""Clustering name forms into characters, with the fewest wrong merges.

Forms are taken strongest first, each joining an existing cluster only when
exactly one cluster fits it:

1. AO3 tag names (and the tags' quoted nicknames) seed clusters: canonical names.
2. Full names ("Harry Potter", "Miss Elizabeth Bennet") merge when given name
   and surname agree (a diminutive counts: "Lizzy Bennet" ~ "Elizabeth Bennet").
3. Descriptions with an article ("the March Hare", "the Queen of Hearts").
4. One word that is the given name of exactly one cluster and nobody's surname
   ("Harry" -> "Harry Potter") — before titles, so that cluster is complete.
5. Title + one word ("Mr. Darcy", "Lady Catherine"): the word is a surname after
   Mr./Mrs./Dr./Captain..., a given name after Sir/Lady/Aunt... (the other slot is
   tried second). It joins a cluster already carrying that title, or the only
   cluster with that name whose gender matches the title when every other holder
   of the name is of the other gender; otherwise it is its own person: "Mrs.
   Bennet" among Elizabeth, Jane and Lydia Bennet. Different titles of address
   never merge ("Mr. Bennet" / "Mrs. Bennet" / "Miss Bennet"). A cluster that
   takes the title only with a given name ("Mr. John Knightley") keeps the bare
   "Mr. Knightley" out when another of the family is about or the bare form is far
   more common: the given name was spelled out to tell two brothers apart.
6. The other single words ("Potter", "Lizzy", "Hatter") join the one cluster with
   that given name, surname, nickname or description head.

A form that fits several clusters ("Bennet" among five Bennets) is *ambiguous*:
it joins none and each of its mentions is resolved from context later. A form
that fits none starts its own cluster. Vetoes keep people apart: gender (titles,
then clear pronoun votes, then a small given-name lexicon), and co-occurrence —
two forms that often name someone in the same sentence are two people
("Elizabeth ... Mrs. Bennet"). A diminutive ("Kitty" for Catherine) merges only
when both names are used in the same stretches of the text (cosine of their
distributions over blocks of text), and never with Sir/Lady names ("Tom" is not
his father "Sir Thomas").
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from .given_names import gender_of_given
from .names import GIVEN_NAME_TITLES, NICKNAMES, Gender, NameForm, is_nickname_of, title_gender

# Titles of address: different ones on the same name are different people — up to
# language ("Monsieur Poirot" is "Mr. Poirot").
ADDRESS_CLASS = {
    "mr": "mr", "monsieur": "mr", "herr": "mr", "senor": "mr", "signor": "mr",
    "mrs": "mrs", "madame": "mrs", "frau": "mrs", "senora": "mrs", "signora": "mrs",
    "miss": "miss", "mademoiselle": "miss", "fraulein": "miss", "senorita": "miss",
    "ms": "ms", "master": "master", "sir": "sir", "lady": "lady", "lord": "lord", "dame": "dame",
}
NICKNAME_MIN_SIMILARITY = 0.3
BLOCK_TOKENS = 1000  # size of the text stretches for the distribution of a name


@dataclass(slots=True)
class FormInfo:
    """A name form with what the text says about it."""

    form: NameForm
    count: int = 0  # mentions in the text
    sentences: set = field(default_factory=set)  # (table, sentence) it occurs in
    blocks: Counter = field(default_factory=Counter)  # (table, token // BLOCK_TOKENS)
    he: float = 0.0  # pronoun votes after its mentions
    she: float = 0.0
    surfaces: Counter = field(default_factory=Counter)
    tagged: bool = False
    tag_name: str | None = None

    @property
    def lexicon_gender(self) -> Gender:
        form = self.form
        if form.article or form.title == "mrs":  # "Mrs. Robert Ferrars" is his wife
            return "unknown"
        if form.is_full or form.single:
            return gender_of_given(form.core[0])
        return "unknown"

    @property
    def gender(self) -> Gender:
        """Gender for merge vetoes: title, else clear pronoun votes, else lexicon."""
        if self.form.gender != "unknown":
            return self.form.gender
        voted = _vote(self.he, self.she, margin=3.0, minimum=3.0)
        return voted if voted != "unknown" else self.lexicon_gender


def _vote(he: float, she: float, margin: float = 2.0, minimum: float = 2.0) -> Gender:
    if he >= minimum and he >= margin * she:
        return "he"
    if she >= minimum and she >= margin * he:
        return "she"
    return "unknown"


@dataclass(slots=True)
class Cluster:
    keys: list = field(default_factory=list)  # form keys, strongest first
    titles: set = field(default_factory=set)
    givens: set = field(default_factory=set)
    surnames: set = field(default_factory=set)
    heads: set = field(default_factory=set)  # "hatter" of "the Hatter"
    singles: set = field(default_factory=set)  # any one-word name it answers to
    sentences: set = field(default_factory=set)
    blocks: Counter = field(default_factory=Counter)
    title_he: int = 0
    title_she: int = 0
    he: float = 0.0
    she: float = 0.0
    lex_he: int = 0
    lex_she: int = 0
    tag_name: str | None = None
    fixed: bool = False  # from a given character list: never created, never dropped

    @property
    def gender(self) -> Gender:
        """Titles decide; then a known given name unless the pronouns after the
        name clearly say otherwise; then the pronouns."""
        if self.title_he and not self.title_she:
            return "he"
        if self.title_she and not self.title_he:
            return "she"
        lexicon = "he" if self.lex_he and not self.lex_she else "she" if self.lex_she and not self.lex_he else None
        if lexicon == "he" and not (self.she >= 4 and self.she >= 3 * self.he):
            return "he"
        if lexicon == "she" and not (self.he >= 4 and self.he >= 3 * self.she):
            return "she"
        return _vote(self.he, self.she)

    def add(self, key, info: FormInfo, slot: str | None = None) -> None:
        """Add a form; `slot` says whether a titled single word ("Miss Eliza") was
        matched as a given name or a surname."""
        form = info.form
        self.keys.append(key)
        if form.title:
            self.titles.add(form.title)
            g = title_gender(form.title)
            self.title_he += g == "he"
            self.title_she += g == "she"
        if form.is_full:
            if form.title != "mrs":
                self.givens.add(form.given)
            self.surnames.add(form.surname)
        if form.article or (form.title is None and len(form.core) > 1):
            self.heads.add(_head(form.core))
        if form.nickname:
            self.singles.add(form.nickname)
        if form.single:
            self.singles.add(form.single)
            if form.title:
                slot = slot or ("given" if form.title in GIVEN_NAME_TITLES else "surname")
                (self.givens if slot == "given" else self.surnames).add(form.single)
        lexicon = info.lexicon_gender
        self.lex_he += lexicon == "he"
        self.lex_she += lexicon == "she"
        self.sentences |= info.sentences
        self.blocks.update(info.blocks)
        self.he += info.he
        self.she += info.she
        if info.tag_name and self.tag_name is None:
            self.tag_name = info.tag_name


def _head(core: tuple[str, ...]) -> str:
    """The noun a description is about: "queen" of "queen of hearts", "hare" of "march hare"."""
    if "of" in core[1:]:
        core = core[: core.index("of", 1)]
    return core[-1]


def _titles_compatible(title: str | None, cluster: Cluster) -> bool:
    if title is None:
        return True
    g = title_gender(title)
    if g == "he" and cluster.title_she or g == "she" and cluster.title_he:
        return False
    own = ADDRESS_CLASS.get(title)
    if own and any(ADDRESS_CLASS.get(t, own) != own for t in cluster.titles):
        return False
    return True


def _gender_compatible(gender: Gender, cluster: Cluster) -> bool:
    other = cluster.gender
    return gender == "unknown" or other == "unknown" or gender == other


def _cooccur_veto(info: FormInfo, cluster: Cluster) -> bool:
    """True when the form and the cluster often name people in the same sentence."""
    shared = len(info.sentences & cluster.sentences)
    return shared >= 3 and shared >= 0.1 * min(len(info.sentences), len(cluster.sentences))


def _similarity(a: Counter, b: Counter) -> float:
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def _compatible(info: FormInfo, cluster: Cluster) -> bool:
    if not _titles_compatible(info.form.title, cluster):
        return False
    if not _gender_compatible(info.gender, cluster):
        return False
    if not cluster.fixed and _cooccur_veto(info, cluster):
        return False
    return True


def _nickname_ok(info: FormInfo, cluster: Cluster) -> bool:
    """A diminutive joins a cluster only in the same stretches of text, never a Sir/Lady."""
    if cluster.fixed:
        return True
    if info.form.title in GIVEN_NAME_TITLES or cluster.titles & GIVEN_NAME_TITLES:
        return False
    if cluster.tag_name:
        return True  # the tags say this person is in the story under that name
    return _similarity(info.blocks, cluster.blocks) >= NICKNAME_MIN_SIMILARITY


def _is_diminutive_of(word: str, cluster: Cluster) -> bool:
    names = cluster.givens | cluster.singles
    return any(is_nickname_of(word, g) for g in names) or any(
        word in NICKNAMES.get(g, ()) for g in names
    )


@dataclass(slots=True)
class Clustering:
    clusters: list[Cluster]
    cluster_of: dict  # form key -> cluster index
    ambiguous: dict  # form key -> [cluster index, ...]


class _Clusterer:
    def __init__(self, forms: dict[tuple, FormInfo], fixed: list[list[tuple]] | None):
        self.forms = forms
        self.clusters: list[Cluster] = []
        self.cluster_of: dict = {}
        self.ambiguous: dict = {}
        self.allow_new = fixed is None
        if fixed is not None:
            owners: dict = {}
            for ci, keys in enumerate(fixed):
                self.clusters.append(Cluster(fixed=True))
                for key in keys:
                    owners.setdefault(key, []).append(ci)
            for key, owner_list in owners.items():
                if key not in forms:
                    continue
                if len(owner_list) == 1:
                    self.join(key, owner_list[0])
                else:
                    self.ambiguous[key] = owner_list

    def placed(self, key) -> bool:
        return key in self.cluster_of or key in self.ambiguous

    def join(self, key, ci: int, slot: str | None = None) -> None:
        self.clusters[ci].add(key, self.forms[key], slot)
        self.cluster_of[key] = ci

    def place(self, key, candidates: list[int], slot: str | None = None) -> None:
        if self.placed(key):
            return
        if len(candidates) == 1:
            self.join(key, candidates[0], slot)
        elif len(candidates) > 1:
            self.ambiguous[key] = candidates
        elif self.allow_new:
            self.clusters.append(Cluster())
            self.join(key, len(self.clusters) - 1)

    def run(self) -> Clustering:
        forms = self.forms
        order = sorted(forms, key=lambda k: (not forms[k].tagged, -forms[k].count, forms[k].form.text))
        for key in order:  # 1. tags
            info = forms[key]
            if info.tagged:
                self.place(key, self.full_candidates(info) if info.form.is_full else [])
        for key in order:  # 2. full names
            if forms[key].form.is_full:
                self.place(key, self.full_candidates(forms[key]))
        for key in order:  # 3. multi-word descriptions
            form = forms[key].form
            if form.article and len(form.core) > 1:
                head = _head(form.core)
                self.place(key, [ci for ci, c in enumerate(self.clusters)
                                 if head in c.heads and _compatible(forms[key], c)])
        for key in order:  # 4. a given name (or its diminutive) of exactly one cluster
            info = forms[key]
            if info.form.single and info.form.title is None and not self.placed(key):
                word = info.form.single
                givens = [ci for ci, c in enumerate(self.clusters) if word in c.givens]
                others = [ci for ci, c in enumerate(self.clusters)
                          if word in c.surnames or word in c.heads or (word in c.singles and ci not in givens)]
                if not givens and not others:
                    givens = [ci for ci, c in enumerate(self.clusters)
                              if _is_diminutive_of(word, c) and _nickname_ok(info, c)]
                if len(givens) == 1 and not others and _compatible(info, self.clusters[givens[0]]):
                    self.join(key, givens[0])
        # 5. title + one word: forms of address ("Miss Crane") before ranks and
        # professions ("Dr. Crane"), which may then tell who is who by them
        for key in sorted(order, key=lambda k: forms[k].form.title not in ADDRESS_CLASS):
            info = forms[key]
            if info.form.title and info.form.single and not self.placed(key):
                candidates, slot = self.titled_candidates(info)
                self.place(key, candidates, slot)
        for key in order:  # 6. other single words
            info = forms[key]
            if info.form.single or (info.form.article and len(info.form.core) == 1):
                self.place(key, self.single_candidates(info))
        return Clustering(self.clusters, self.cluster_of, self.ambiguous)

    def full_candidates(self, info: FormInfo) -> list[int]:
        form = info.form
        out = []
        for ci, c in enumerate(self.clusters):
            if form.surname not in c.surnames or not _compatible(info, c):
                continue
            if form.given in c.givens or (_is_diminutive_of(form.given, c) and _nickname_ok(info, c)):
                out.append(ci)
        return out

    def titled_candidates(self, info: FormInfo) -> tuple[list[int], str | None]:
        """Clusters "Mr. Darcy" / "Lady Catherine" may join, and the slot its word
        fills there; ([], None) makes it a person of its own."""
        form = info.form
        word = form.single
        slots = ("given", "surname") if form.title in GIVEN_NAME_TITLES else ("surname", "given")
        clusters = self.clusters
        for slot in slots:
            if slot == "surname":
                holders = [ci for ci, c in enumerate(clusters) if word in c.surnames]
            else:
                holders = [ci for ci, c in enumerate(clusters) if word in c.givens or word in c.singles]
                if not holders:
                    holders = [ci for ci, c in enumerate(clusters)
                               if _is_diminutive_of(word, c) and _nickname_ok(info, c)]
            if not holders:
                continue
            fitting = [ci for ci in holders if _compatible(info, clusters[ci])]
            if all(clusters[ci].fixed for ci in holders):
                return fitting, slot  # a given list: one, or ambiguous among them
            same_title = [ci for ci in fitting if form.title in clusters[ci].titles]
            if len(same_title) == 1:
                if slot == "given" or not self._told_apart(info, same_title[0], holders):
                    return same_title, slot
                continue
            want = title_gender(form.title)
            if len(fitting) > 1 and want != "unknown":
                # "Miss Crane" among Nora Crane and a "Dr. Crane" of unknown gender.
                confirmed = [ci for ci in fitting if clusters[ci].gender == want]
                fitting = confirmed if len(confirmed) == 1 else fitting
            elif len(fitting) > 1 and form.title not in ADDRESS_CLASS:
                # A rank or profession ("Dr. Crane") among Elias Crane and "Miss Crane":
                # whoever is already addressed as Miss/Mrs./Mr. is not the doctor.
                unaddressed = [ci for ci in fitting if not any(t in ADDRESS_CLASS for t in clusters[ci].titles)]
                fitting = unaddressed if len(unaddressed) == 1 else fitting
            if len(fitting) != 1:
                continue
            chosen = clusters[fitting[0]]
            if want != "unknown" and chosen.gender != want:
                continue  # unconfirmed: "Mr. Bingley" is not "Caroline Bingley"
            if self._rivalled(fitting[0], holders, want):
                continue  # several people may bear it: this title names its own person
            return fitting, slot
        return [], None

    def _rivalled(self, chosen: int, holders: list[int], want: Gender) -> bool:
        """Someone else bears the name: a named person of that gender (or unknown),
        or a "Mr. X"/"Mrs. X" known only by title — then "Mrs. Hollis" is Mr.
        Hollis's wife, not their daughter Rosalind Hollis. ("Dr. Crane" alone is no
        rival: a neutral title says nothing.)"""
        rivals = [self.clusters[ci] for ci in holders if ci != chosen]
        return any(r.givens and r.gender in ("unknown", want) for r in rivals) or any(
            not r.givens and any(t in ADDRESS_CLASS for t in r.titles) for r in rivals
        )

    def _told_apart(self, info: FormInfo, ci: int, holders: list[int]) -> bool:
        """True when "Mr. Knightley" is someone other than the cluster's "Mr. John
        Knightley": the cluster uses the form of address only with a given name —
        spelled out to tell a younger brother from the elder (a daughter from the
        eldest, "Miss Elizabeth Bennet") — and either another member of the family
        is about ("Mrs. John Knightley") or the bare form is the far more common.
        Ranks ("Captain Frederick Wentworth") tell no one apart."""
        title = info.form.title
        if title not in ADDRESS_CLASS:
            return False
        titled = [key for key in self.clusters[ci].keys if key[0] == title]
        if not titled or any(len(core) < 2 for _, core, _ in titled):
            return False
        if self._rivalled(ci, holders, title_gender(title)):
            return True
        return info.count >= 3 * sum(self.forms[key].count for key in titled)

    def single_candidates(self, info: FormInfo) -> list[int]:
        word = info.form.core[0]
        exact = [ci for ci, c in enumerate(self.clusters)
                 if word in c.givens or word in c.surnames or word in c.singles or word in c.heads]
        if exact:
            return [ci for ci in exact if _compatible(info, self.clusters[ci])]
        # Diminutives and clipped forms only when nothing matches exactly.
        return [ci for ci, c in enumerate(self.clusters)
                if _is_diminutive_of(word, c) and _compatible(info, c) and _nickname_ok(info, c)]


def cluster_forms(forms: dict[tuple, FormInfo], fixed: list[list[tuple]] | None = None) -> Clustering:
    """Cluster `forms`; with `fixed` (form keys per given character), the clusters
    are exactly those and the other forms can only join them."""
    return _Clusterer(forms, fixed).run()
