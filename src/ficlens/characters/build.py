"""`build_characters`: the characters layer, stage by stage.

1. `scan`      – a flat token table per chapter (offsets, tags, quotation membership);
2. `discover`  – evidence for name forms (PERSON entities with honorifics put back,
                 titles, speech-verb subjects, vocatives, AO3 tags), then every
                 occurrence of the accepted forms;
3. `gender`    – pronoun votes after each name;
4. `cluster`   – forms into characters, ambiguous forms left for context;
5. `narrator`  – a first-person narrator, named from how others address them;
6. `mentions`  – ambiguous names and he/she/him/her/his/hers resolved in reading order.

With `gold_characters` ((name, aliases) pairs — PDNC's character list in
`ficlens eval pdnc --gold-characters`) those are the characters, exactly, and
mentions resolve only to them; every other stage runs the same way.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Sequence

from ..model import Character, Mention, Quotation, Work
from .cluster import BLOCK_TOKENS, Cluster, Clustering, FormInfo, cluster_forms
from .discover import (
    EvidenceTable,
    NameMatch,
    WordStats,
    accepted_forms,
    collect_evidence,
    family_members,
    find_mentions,
    word_stats,
)
from .gender import pronoun_votes
from .layer import CharacterLayer
from .mentions import ResolvedMention, resolve_chapter
from .names import NOT_NAMES, NameForm, normalise_alias, parse_name, strip_disambiguator
from .narrator import NARRATOR_RATE, first_person_rate, name_narrator
from .scan import ChapterTokens, chapter_tokens

NARRATOR_NAME = "the narrator"  # an unnamed first-person narrator
RECENT_SENTENCES = 5  # an ambiguous name goes to a candidate named this recently
LISTED_GIVEN_SUBJECT = 3  # a listed given name that is also a word ("May", "Will") is a name after this many

GoldCharacters = Sequence[tuple[str, Iterable[str]]]


def build_characters(
    work: Work,
    parses: Sequence,
    quotations: Sequence[Quotation],
    gold_characters: GoldCharacters | None = None,
) -> CharacterLayer:
    """The characters layer of `work` from its parses (`parse_chapters`) and
    quotations (`find_quotations`)."""
    quotes_by_chapter: dict[int, list[Quotation]] = defaultdict(list)
    for q in quotations:
        quotes_by_chapter[q.chapter].append(q)
    tables = [chapter_tokens(p.chapter, p.docs, quotes_by_chapter.get(p.chapter.index, [])) for p in parses]
    stats = word_stats(tables)

    fixed_keys: list[list[tuple]] | None = None
    tag_of: dict[tuple, str] = {}
    if gold_characters is not None:
        forms, fixed_keys = _given_forms(gold_characters, stats)
    else:
        forms, tag_of = _discovered_forms(tables, stats, _tag_names(work))
    # A given character list's descriptions ("The Keeper", "the Landlady") name that
    # character wherever the text writes them, in lower case too ("said the keeper").
    given_descriptions = frozenset(k for keys in fixed_keys or () for k in keys if forms[k].article)
    matches = find_mentions(tables, forms, stats, given_descriptions)
    infos = _form_infos(tables, forms, matches, tag_of, fixed_keys)
    clustering = cluster_forms(infos, fixed_keys)
    narrator = _narrator(tables, matches, clustering, allow_unnamed=gold_characters is None)

    chooser = _NameChooser(tables, clustering, infos)
    by_table: dict[int, list[NameMatch]] = defaultdict(list)
    for m in matches:
        by_table[m.table].append(m)
    resolved = [
        (table, resolve_chapter(table, by_table.get(position, []), chooser.choose, chooser.gender_of, narrator))
        for position, table in enumerate(tables)
    ]
    return _assemble(clustering, infos, resolved, narrator, gold_characters)


# -- name forms -----------------------------------------------------------------------------


def _tag_names(work: Work) -> list[str]:
    """AO3 character tags and relationship members, disambiguators dropped."""
    names = list(work.meta.characters)
    for rel in work.meta.relationships:
        names.extend(rel.members)
    seen, out = set(), []
    for name in names:
        clean = strip_disambiguator(name)
        if clean and clean.lower() not in seen and clean.lower() not in NOT_NAMES:
            seen.add(clean.lower())
            out.append(clean)
    return out


def _given_forms(gold_characters: GoldCharacters, stats: WordStats) -> tuple[dict[tuple, NameForm], list[list[tuple]]]:
    """Forms of a given character list: each character's names, plus the one-word
    parts of its full names (matched only where unambiguous)."""
    forms: dict[tuple, NameForm] = {}
    fixed_keys: list[list[tuple]] = []
    for name, aliases in gold_characters:
        keys: list[tuple] = []
        for alias in [name, *aliases]:
            if alias.startswith("_"):
                continue  # PDNC placeholders (_group, _narr)
            form = parse_name(alias)
            if form is not None and form.key not in keys:
                keys.append(form.key)
                forms.setdefault(form.key, form)
        fixed_keys.append(keys)
    for form in _derived_forms(list(forms.values()), stats, tagged=False, titled=True):
        forms.setdefault(form.key, form)
    return forms, fixed_keys


def _discovered_forms(
    tables: list[ChapterTokens], stats: WordStats, tags: list[str]
) -> tuple[dict[tuple, NameForm], dict[tuple, str]]:
    """Forms found in the text (and tags); also which forms are tag names."""
    evidence = collect_evidence(tables, stats, tags)
    forms: dict[tuple, NameForm] = {}
    tag_of: dict[tuple, str] = {}
    for key, ev in accepted_forms(evidence, stats).items():
        forms[key] = ev.form
        if ev.tagged:
            tag_of[key] = ev.tag_name
    surnames = {f.surname for f in forms.values() if f.is_full}
    for surface in family_members(tables, surnames, stats):
        form = parse_name(surface)
        if form is not None:
            forms.setdefault(form.key, form)
    derived = _derived_forms([f for k, f in forms.items() if k not in tag_of], stats, False, evidence)
    derived += _derived_forms([forms[k] for k in tag_of], stats, tagged=True)
    for form in derived:
        forms.setdefault(form.key, form)
    return forms, tag_of


def _derived_forms(
    forms: Iterable[NameForm], stats: WordStats, tagged: bool, evidence: EvidenceTable | None = None,
    titled: bool = False,
) -> list[NameForm]:
    """One-word forms implied by longer ones: "Harry" and "Potter" of "Harry Potter",
    "Maggie" of "Margaret 'Maggie' Thorne", "Hatter" of "the Hatter" — kept only
    when the word is written as a name in this text (or comes from a tag). With
    `titled` (a given list), also the name of a titled one: "Ratcliffe" of
    "Inspector Ratcliffe" (the text finds those by itself)."""
    out: list[NameForm] = []
    for form in forms:
        words: list[str] = []
        if form.is_full:
            words += [form.given, form.surname]
        elif titled and form.title and len(form.core) == 1 and not form.article:
            words.append(form.core[0])
        if form.nickname:
            words.append(form.nickname)
        if form.article:
            words.append(form.core[-1])
        for word in words:
            # A given list's "May Welland" or a tag's "Will Graham" names a May or a Will
            # even though the word is also a month or a verb, where the text makes the
            # capitalised word a subject ("May put the lid back") a few times.
            listed_given = (titled or tagged) and word == form.given and stats.subject[word] >= LISTED_GIVEN_SUBJECT
            if " " in word or (word in NOT_NAMES and not listed_given):
                continue
            if not tagged and stats.properness(word) < 0.5 and not listed_given:
                continue
            # A surname spaCy mostly calls a place is the place ("Hunsford"); a given
            # name next to a person's surname is kept even then ("Lucan" as ORG).
            if not tagged and evidence is not None and word != form.given and evidence.placelike(word, margin=2):
                continue
            if tagged and stats.is_common(word) and word != form.nickname and not listed_given:
                continue
            parsed = parse_name(word.title() if word.islower() else word)
            if parsed is not None:
                out.append(parsed)
    return out


def _form_infos(
    tables: list[ChapterTokens],
    forms: dict[tuple, NameForm],
    matches: list[NameMatch],
    tag_of: dict[tuple, str],
    fixed_keys: list[list[tuple]] | None,
) -> dict[tuple, FormInfo]:
    """What the text says about each form: counts, where it occurs, pronoun votes.
    Forms never seen are dropped unless tagged or given."""
    infos = {key: FormInfo(form) for key, form in forms.items()}
    votes = pronoun_votes(tables, matches)
    for n, m in enumerate(matches):
        info = infos[m.key]
        info.count += 1
        info.sentences.add((m.table, tables[m.table].tokens[m.first].sent))
        info.blocks[(m.table, m.first // BLOCK_TOKENS)] += 1
        info.surfaces[" ".join(tables[m.table].chapter.text[m.start : m.end].split())] += 1
        he, she = votes.get(n, (0.0, 0.0))
        info.he += he
        info.she += she
    for key, name in tag_of.items():
        infos[key].tagged = True
        infos[key].tag_name = name
    given = {k for keys in fixed_keys for k in keys} if fixed_keys else set()
    return {k: v for k, v in infos.items() if v.count or v.tagged or k in given}


def _narrator(
    tables: list[ChapterTokens], matches: list[NameMatch], clustering: Clustering, allow_unnamed: bool
) -> int | None:
    """The narrator's cluster when the text is told in the first person: a named
    cluster, else a new unnamed one (not with a given character list)."""
    if first_person_rate(tables) < NARRATOR_RATE:
        return None
    named = name_narrator(tables, matches, lambda m: clustering.cluster_of.get(m.key))
    if named is not None or not allow_unnamed:
        return named
    clustering.clusters.append(Cluster())
    return len(clustering.clusters) - 1


# -- ambiguous names ------------------------------------------------------------------------


class _NameChooser:
    """The cluster of each name mention; for an ambiguous form ("Bennet"), the
    candidate that the following pronoun's gender allows, a man for a bare surname,
    the one named within the last few sentences, else the one most often named by
    forms sharing its words ("Mr. Crawford" for "Crawford")."""

    def __init__(self, tables: list[ChapterTokens], clustering: Clustering, infos: dict[tuple, FormInfo]):
        self.tables = tables
        self.clustering = clustering
        self.clusters = clustering.clusters
        self.infos = infos
        self._priors: dict[tuple, Counter] = {}

    def gender_of(self, ci: int) -> str:
        return self.clusters[ci].gender

    def prior(self, key: tuple) -> Counter:
        if key not in self._priors:
            words = set(key[1])
            prior = Counter()
            for ci in self.clustering.ambiguous[key]:
                for k in self.clusters[ci].keys:
                    if words & set(k[1]):
                        prior[ci] += self.infos[k].count
            self._priors[key] = prior
        return self._priors[key]

    def choose(self, match: NameMatch, recent, hint: str) -> int | None:
        key = match.key
        ci = self.clustering.cluster_of.get(key)
        if ci is not None:
            return ci
        candidates = self.clustering.ambiguous.get(key)
        if not candidates:
            return None
        clusters = self.clusters
        if hint:
            candidates = [c for c in candidates if clusters[c].gender == hint] or candidates
        if hint != "she" and key[0] is None and len(key[1]) == 1 and not key[2]:
            # A bare surname ("Darcy", "Weston") names a man far more often than his
            # sister or wife, who go by "Miss"/"Mrs." + surname or a given name.
            men = [c for c in candidates if clusters[c].gender == "he" and key[1][0] in clusters[c].surnames]
            candidates = men or candidates
        sent = self.tables[match.table].tokens[match.first].sent
        for seen in reversed(recent):
            if sent - seen.sent > RECENT_SENTENCES:
                break
            if seen.cluster in candidates:
                return seen.cluster
        prior = self.prior(key)
        return max(candidates, key=lambda c: (prior[c], -c))


# -- the result -----------------------------------------------------------------------------


def _assemble(
    clustering: Clustering,
    infos: dict[tuple, FormInfo],
    resolved: list[tuple[ChapterTokens, list[ResolvedMention]]],
    narrator: int | None,
    gold_characters: GoldCharacters | None,
) -> CharacterLayer:
    """Characters (ids by mentions, most first), mentions and lookups."""
    clusters = clustering.clusters
    mention_count: Counter = Counter()
    name_count: Counter = Counter()
    surfaces: dict[int, Counter] = defaultdict(Counter)
    for table, rms in resolved:
        text = table.chapter.text
        for rm in rms:
            if rm.cluster is None:
                continue
            mention_count[rm.cluster] += 1
            if rm.kind == "name":
                name_count[rm.cluster] += 1
                surfaces[rm.cluster][" ".join(text[rm.start : rm.end].split())] += 1
    keep = [ci for ci, c in enumerate(clusters) if name_count[ci] or c.fixed or c.tag_name or ci == narrator]
    keep.sort(key=lambda ci: (-mention_count[ci], ci))
    ids = {ci: f"C{n}" for n, ci in enumerate(keep, 1)}

    shared = _shared_surnames(clustering, keep)
    characters: list[Character] = []
    for ci in keep:
        c = clusters[ci]
        seen = Counter({s: n for s, n in surfaces[ci].items() if normalise_alias(s) not in shared})
        if c.fixed and gold_characters is not None:
            name, given_aliases = gold_characters[ci]
            aliases = [a for a in given_aliases if a != name and not a.startswith("_")]
            aliases += [s for s, _ in seen.most_common() if s != name and s not in aliases]
        else:
            name = c.tag_name or _fullest(c, infos) or NARRATOR_NAME
            aliases = [s for s, _ in seen.most_common() if s != name]
        characters.append(Character(
            id=ids[ci], name=name, aliases=tuple(aliases),
            gender=c.gender if c.keys or c.fixed else "unknown",
            mentions=mention_count[ci], quotes=0, tagged=c.tag_name is not None,
        ))

    mentions: list[Mention] = []
    for table, rms in resolved:
        text, index = table.chapter.text, table.chapter.index
        for rm in rms:
            mentions.append(rm.to_mention(index, text, ids.get(rm.cluster) if rm.cluster is not None else None))
    mentions.sort(key=lambda m: (m.chapter, m.start))

    key_index: dict[tuple, list[str]] = {key: [ids[ci]] for key, ci in clustering.cluster_of.items() if ci in ids}
    for key, candidates in clustering.ambiguous.items():
        key_index[key] = sorted(ids[ci] for ci in candidates if ci in ids)
    name_index: dict[str, set[str]] = defaultdict(set)
    for ch in characters:
        for alias in (ch.name, *ch.aliases):
            name_index[normalise_alias(alias)].add(ch.id)
    return CharacterLayer(
        characters=characters,
        mentions=mentions,
        narrator=ids.get(narrator) if narrator is not None else None,
        name_index=dict(name_index),
        key_index=key_index,
    )


def _shared_surnames(clustering: Clustering, keep: list[int]) -> set[str]:
    """Bare surnames that several kept characters bear ("Weston" of Mr. and Mrs.
    Weston): listed as an alias of one of them, such a word would claim that
    person is the family. Each mention of it is still
    resolved to one person; only the alias list leaves it out."""
    bearers: Counter = Counter()
    givens: set[str] = set()
    for ci in keep:
        cluster = clustering.clusters[ci]
        bearers.update(cluster.surnames)
        givens |= {core[0] for _, core, article in cluster.keys if len(core) >= 2 and not article}
    # "Miss Lucy" files "Lucy" as a surname too: the given name of a full name is not shared.
    return {normalise_alias(word) for word, n in bearers.items()
            if n >= 2 and word not in givens}


def _fullest(cluster: Cluster, infos: dict[tuple, FormInfo]) -> str | None:
    """The fullest name used: most name words, then the most frequent; spelled as
    most often written (not an all-capitals heading or signature). A form only ever
    written in capitals ("HENRY MARSH" signing a letter) names the character only
    when the text gives no other."""
    best = None
    for key in cluster.keys:
        info = infos.get(key)
        if info is None or not info.surfaces:
            continue
        surface = max(info.surfaces.items(), key=lambda kv: (not kv[0].isupper(), kv[1]))[0]
        rank = (not surface.isupper(), len(info.form.core), info.count)
        if best is None or rank > best[0]:
            best = (rank, surface)
    return best[1] if best else None
