"""A small lexicon of English given names by usual gender.

Used only as weak evidence: it keeps "Mr. Bingley" out of a "Caroline Bingley"
cluster that has too few pronouns after it to have a gender of its own, and
breaks ties for rarely mentioned characters. Pronouns and titles in the text
always outvote it. Unisex names (Alex, Sam, Jo, Charlie, ...) are left out.
"""

from __future__ import annotations

FEMALE = frozenset(
    """
    abigail ada adela adelaide adele agatha agnes alice alicia alison amanda amelia amy anastasia
    angela angelica anita ann anna annabel annabelle anne annette annie antonia arabella ariel audrey
    augusta barbara beatrice beatrix becky belinda bella bertha beth betsy betty beverly blanche
    bridget brittany camilla carla carmen carol caroline carolyn cassandra catherine cathy cecilia
    cecily celia charlotte cheryl chloe christina christine cinderella clara clare clarissa claudia
    cleo constance cora cordelia cornelia cynthia daisy daphne deborah delia diana diane dinah dolly
    dora doris dorothea dorothy edith edna eleanor elinor eliza elizabeth ella ellen ellie eloise
    elsa elsie emilia emily emma esther ethel eugenia eva evangeline eve evelyn fanny felicity fiona
    flora florence frances gabrielle georgiana georgina geraldine gertrude gillian ginevra ginny
    gloria grace gwendolyn hannah harriet hazel heather helen helena henrietta hermione hester hilda
    holly honoria imogen irene iris isabel isabella isabelle ivy jacqueline jane janet janice jean
    jemima jennifer jenny jessica jessie joan joanna josephine joy judith judy julia juliana julie
    juliet justine karen kate katharine katherine kathleen katie kitty laura lavinia leah lena lila
    lilian lillian lily linda lisa livia lizzie lizzy lois lorna lottie louisa louise lucia lucile
    lucille lucinda lucretia lucy luna lydia mabel madeleine madeline mae maggie margaret margery
    maria marian marianne marie marilla marion martha mary matilda maud maude maureen maxine meg
    melanie melissa mildred millicent minerva miranda miriam molly monica muriel nancy naomi natalie
    nell nellie nettie nicole nina nora norah octavia olive olivia pamela patience patricia pauline
    pearl penelope petunia philippa phoebe phyllis polly priscilla prudence rachel rebecca rhoda rita
    roberta rosa rosalind rosamond rose rosemary rosie rowena ruth sabrina sally samantha sara sarah
    selina sophia sophie stella susan susanna susannah sybil sylvia tabitha teresa tess tessa
    theodora theresa tilly ursula valerie vanessa vera veronica victoria viola violet virginia
    vivian wendy wilhelmina winifred yvonne zelda zoe
    """.split()
)

MALE = frozenset(
    """
    aaron abraham adam adrian alan albert albus alexander alfred algernon allan ambrose andrew angus
    anthony antonio archibald archie arnold arthur augustus austin barnaby bartholomew basil ben
    benedict benjamin bernard bert bertie bill billy bob bobby boris brian bruce bryan caleb cecil
    cedric charles christopher clarence claude clement clive colin conrad cornelius cyril cyrus dan
    daniel david dennis derek desmond dick digby dominic donald douglas draco duncan dudley earl
    ebenezer edgar edmund edward edwin egbert elijah elliot ernest eugene felix ferdinand fitzwilliam
    francis frank fred frederic frederick gabriel gareth geoffrey george gerald gilbert giles
    godfrey gordon graham gregory gus guy hamish hans harold harry harvey hector henry herbert horace
    horatio howard hubert hugh hugo humphrey ian isaac ivan jack jacob jake james jasper jeremy jerome
    jesse jim jimmy joe john johnny jonathan joseph joshua julian julius keith kenneth kevin lancelot
    laurence lawrence leo leon leonard leopold lewis lionel louis lucas lucius luke malcolm marcus mark
    martin matthew maurice max maximilian michael miles morris mortimer nathan nathaniel ned neville
    nicholas nigel noah norman oliver oscar oswald owen patrick paul percival percy peter philip
    phillip quentin ralph randolph raymond reginald remus rex richard robert roderick rodney roger
    ron ronald rudolph rufus rupert samuel saul sebastian septimus seth severus sidney silas simon
    solomon stanley stephen steven stuart sydney ted teddy terence theo theodore thomas tim timothy
    tobias toby tom tommy tony tristan valentine vernon victor vincent walter warren wilfred william
    willie zachary
    """.split()
)


def gender_of_given(name: str) -> str:
    """"he"/"she" for a known given name (lower-case), else "unknown"."""
    if name in FEMALE:
        return "she"
    if name in MALE:
        return "he"
    return "unknown"
