"""Words that make a capitalised name a place: shared by the characters layer (which
must not take "Grimmauld Place" for a person) and the places layer (which finds it).

`PLACE_HEADS` are the last words of street, building and shop names ("Knockturn
Alley", "Malfoy Manor", "Lincoln's Inn Hall"). Heads that are also common
surnames (Hall, Lane, Church, Cross, House) are in `SURNAME_LIKE_HEADS`: they make
a place only with other evidence (a locative preposition, "the", no speech).
"""

from __future__ import annotations

PLACE_HEADS = frozenset(
    """
    alley street place road lane drive avenue row square crescent terrace close court
    gardens park way walk mews hill bridge gate gates wharf quay pier harbour harbor port
    manor hall house castle tower towers palace abbey cathedral church chapel priory
    cottage cottages farm grange lodge villa mansion rectory parsonage vicarage
    inn tavern pub bar café cafe shop shoppe store emporium bookshop market bakery
    hotel hospital school academy college university library museum station prison
    asylum ministry bank theatre theater cinema mill forge
    forest wood woods lake river sea ocean bay island isle valley mountain mountains
    moor moors heath marsh fen fields downs cliffs coast beach village town city county
    kingdom empire cross common green
    """.split()
)

SURNAME_LIKE_HEADS = frozenset(
    "hall lane church cross house wood woods bridge park hill green field fields castle tower"
    " mill forge bay moor way walk close court gate gates marsh heath lake lodge port common".split()
)

# Heads that leave no doubt ("Alley", "Manor", "Street"): the characters layer
# never takes a name ending in one for a person without speech evidence.
UNAMBIGUOUS_PLACE_HEADS = PLACE_HEADS - SURNAME_LIKE_HEADS

# Prepositions and verbs after which a capitalised name is where someone is or goes:
# "in front of X", "walked through X", "arrived at X".
LOCATIVE_PREPOSITIONS = frozenset(
    """
    in into at to from through across toward towards near outside inside behind beyond
    past along around round within onto upon via
    """.split()
)
