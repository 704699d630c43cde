"""The names lists the privacy nudge looks people's names up in, loaded once per process on first use.

- First names: gender-guesser's dictionary (Jörg Michael's `nam_dict.txt`, about 48,000 names from Britain,
  Ireland, Poland, Romania, India, Arabia/Persia, Turkey, Africa and 40 more countries, each with how common it
  is in each country) plus the US census first names shipped by `names`. "Common" first names (those a
  capitalised word at the start of a sentence is taken for) are the ones that dictionary marks as at least
  fairly common in a country whose families live in England, plus the census ones.
- A short list below of first names given in England since 2000 that those (1990s) lists lack or rate rare,
  among them names common in England's Bangladeshi, Pakistani, Somali, Kurdish, Turkish, Lithuanian and Chinese
  families, and the short forms of English names people are known by ("Gaz", "Dom", "Shaz").
- Surnames: the 1990 US census surnames shipped by `names` (88,799, public domain: English, Irish, Scottish,
  Welsh and many others), plus a short list below of surnames common in England that a US list of 1990 lacks
  (South Asian, Polish, Romanian, Somali, Nigerian, Ghanaian, Caribbean, Irish).

Both packages install from PyPI with their data; nothing is downloaded at run time. See README "Choices".
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_left
from functools import cache, lru_cache
from importlib import resources

# gender-guesser's country columns (its Detector.COUNTRIES order) for places whose families commonly live in
# England: Britain, Ireland, the USA (the census of names English speakers use), Portugal, Spain, France, Italy,
# Poland, Lithuania, Latvia, Romania, Bulgaria, Slovakia, Czechia, Hungary, Albania, Kosovo, Turkey,
# Arabia/Persia, India/Sri Lanka, China, and "other countries" (where African names are).
_COUNTRIES = (
    "great_britain ireland usa italy malta portugal spain france belgium luxembourg the_netherlands east_frisia "
    "germany austria swiss iceland denmark norway sweden finland estonia latvia lithuania poland czech_republic "
    "slovakia hungary romania bulgaria bosniaand croatia kosovo macedonia montenegro serbia slovenia albania "
    "greece russia belarus moldova ukraine armenia azerbaijan georgia the_stans turkey arabia israel china india "
    "japan korea vietnam other_countries"
).split()
_ENGLAND_COLUMNS = [
    _COUNTRIES.index(country)
    for country in (
        "great_britain ireland usa portugal spain france italy poland lithuania latvia romania bulgaria slovakia "
        "czech_republic hungary albania kosovo turkey arabia india china other_countries"
    ).split()
]
# The dictionary rates how common a name is in a country from 1 (rare) to D (very common), in hexadecimal.
_COMMON_FROM = 4

# First names given in England and Wales since 2000 (the ONS's most popular baby names lists, from memory of their
# top 100s) and common among families of South Asian, Somali, Nigerian, Ghanaian, Polish, Romanian and Irish
# heritage, that the two dictionaries above (compiled in the 1990s) lack or rate as rare. Listing one that is
# there already does no harm.
EXTRA_FIRST_NAMES = """
oliver george harry noah jack leo arthur muhammad mohammed mohammad oscar charlie jacob thomas henry freddie
alfie theo william theodore archie joshua alexander james isaac edward lucas tommy finley max logan ethan teddy
reggie joseph mason louie harrison dylan riley albert hunter frankie jaxon ronnie elijah sonny toby jenson
kai harley rory luca bobby ollie jude tyler ezra jayden kayden brody bradley callum connor kieran liam jordan
aiden ayden caden hayden rhys reece ryan declan tyrone jermaine kyle shane lewis nathan jamie ashton corey
olivia amelia isla ava mia ivy lily isabella rosie sophia grace freya willow evie florence poppy ella evelyn
sophie daisy sienna isabelle charlotte emily harper alice matilda elsie phoebe millie maisie ruby molly lola
luna thea imogen esme bonnie margot violet layla nevaeh aria orla harriet hallie eliza edie ellie ellie-mae
lacey leah kayleigh chantelle shannon jade chelsea courtney demi jessica paige amber megan chloe holly abbie
aisha amara zainab fatima maryam hafsa khadija ayesha zara inaya safa sumaya hodan ayaan hamdi ifrah ikran
nimco sahra ubah farhiya abdi abdirahman abdullahi mahad mustafa yusuf ibrahim hamza zayn zayan ayaan rayyan
idris bilal imran usman adil nasir tariq rizwan kamran shahid javed asif faisal sajid waqar nadia samina
shabana nazia rukhsana shazia tasnim tahmina priya anjali simran harpreet gurpreet jaspreet manpreet navdeep
amrit rajesh sanjay vijay ravi arjun rohan dev aarav vihaan ishaan krish reyansh sai neha pooja deepa sunita
anita meera kavya diya saanvi ananya
chukwuemeka chidi chidera chioma chiamaka ngozi nneka adaeze obinna emeka ikenna uchenna tobenna kelechi
oluwaseun seun tunde tunde olumide ayodele adebola funmilayo folake yetunde temitope tolu toluwani damilola
bukola babajide femi kemi kehinde taiwo precious blessing favour goodness miracle divine gift
kwame kwabena kofi kojo yaw kwaku akosua abena ama efua adwoa nana
jakub kacper szymon filip mateusz bartosz dawid kamil michal michał piotr tomasz krzysztof pawel paweł marek
lukasz łukasz zofia zuzanna julia maja lena hanna wiktoria aleksandra natalia oliwia agnieszka katarzyna
magdalena malgorzata małgorzata ewa
andrei alexandru ionut ionuț mihai stefan ștefan gabriel bogdan florin cristian razvan răzvan vlad adrian
andreea ioana elena maria mihaela alexandra bianca roxana denisa alina raluca
aoife caoimhe niamh siobhan saoirse ciara sinead sinéad aisling orla roisin róisín grainne gráinne eoin oisin
oisín cian ciaran ciarán padraig pádraig seamus séamus darragh cathal
aaliyah aleena anabia anaya arham armaan hania haris hira huzaifa ibraheem jannat laiba mahnoor manahil mehreen
mikail mishal rayan shayan zakariya zunaira
nusrat farzana jahanara rahima rehana rubina ruma rumana runa shahana shahida sharmin sufia tanzila taslima
jubair sabbir tahmid tanvir
deqa fardowsa hawa hibo istar kaltun ladan maryan najma nasra safiya sagal shukri
azad baran berfin hevi rezan rojda rojin soran zilan
ayse defne melis
catalin cătălin
aurimas dovydas egle eglė gabija gintare gintarė kotryna lukas mantas matas nojus rugile rugilė
xiaohui xiaoling xiaomei xiaoming xiaoyan
finn kian jaiden kaiden kyron leyton shania tyrese tyreece albie arlo oakley finlay jax remi rowan amelie ottilie
aliyah aleesha lexi kenzie myla eesa zain daniyal tayo
dom dommo gaz gazza baz bazza daz dazza kev kez tez tel del dave davey steve stevie mick micky mike mikey jonny
jonno robbie rob bex becky bekki jess jessie kat katie liz lizzie lou vicky vikki nicky nikki tasha tash shaz
sharon trish tracey stacey kaz kerry mo taz jay jj tj aj dj
"""

# Surnames common in England that the 1990 US census lacks or lists too rarely to trust alone.
EXTRA_SURNAMES = """
begum khatun akhtar bibi kaur chowdhury choudhury chaudhry rahman hussain hossain hossen islam uddin miah mia
ahmed ahmad akhtar ali khan shah iqbal mahmood mahmud rashid butt malik qureshi siddiqui sheikh anwar aslam
bhatti javed mirza nawaz rehman haque haq karim alam sarwar saleem younis yousaf hanif riaz raza abbasi
patel shah mistry parmar solanki chauhan rathod makwana gohil desai joshi mehta pandya trivedi
singh sandhu sidhu gill dhillon grewal bains johal sahota atwal kang bhamra virdi
sharma gupta kumar verma das dutta ghosh bose banerjee mukherjee chatterjee sen roy nair pillai menon iyer
rao reddy naidu
nowak kowalski kowalska wiśniewski wiśniewska wisniewski wisniewska wójcik wojcik kowalczyk kamiński kaminski
lewandowski lewandowska zieliński zielinski szymański szymanski woźniak wozniak dąbrowski dabrowski kozłowski
kozlowski jankowski mazur kwiatkowski krawczyk piotrowski grabowski nowakowski pawłowski pawlowski michalski
adamczyk dudek zając zajac wieczorek jabłoński jablonski król krol majewski olszewski jaworski wróbel wrobel
popescu popa pop ionescu radu dumitru stan stoica gheorghe matei ciobanu rusu munteanu constantin moldovan
florea lazăr lazar dinu mihai ene cristea toma tudor marin
mohamed mohamud mohammed mahamed abdi abdullahi ahmed hassan hussein farah warsame osman omar ismail ali nur
yusuf jama egal aden dahir duale elmi
okafor okonkwo okeke okoro okoye nwosu nwachukwu eze obi obi-ezeh chukwu adeyemi adebayo adewale adeleke
adeniyi ogunleye oyelaran olawale babatunde bello balogun abubakar ibrahim musa okonjo ojo akinola afolabi
oyedepo ekwueme onyeka emenike uche
mensah owusu boateng asante osei agyeman appiah acheampong amoah addo darko
campbell brown clarke williams thomas
murphy kelly o'brien obrien walsh byrne ryan o'connor oconnor o'neill oneill o'sullivan osullivan doyle
mccarthy gallagher o'donnell odonnell duffy mcdonagh mcloughlin quinn brennan nolan
"""


def _fold(word: str) -> str:
    """Lower case with accents kept (Wiśniewska and Wisniewska are both listed) and curly apostrophes straight."""
    return unicodedata.normalize("NFC", word).replace("\u2019", "'").lower()


@cache
def first_names() -> tuple[frozenset[str], frozenset[str]]:
    """(every first name, the common ones), lower case."""
    every: set[str] = set()
    common: set[str] = set()
    data = resources.files("gender_guesser").joinpath("data/nam_dict.txt")
    with data.open(encoding="utf-8") as lines:
        for line in lines:
            if line[0] in "#=":
                continue
            name = line.split()[1]
            if "+" in name:  # joined names ("Abd+al"): their parts are listed on their own
                continue
            folded = _fold(name)
            every.add(folded)
            ratings = line[30:-1]
            if any(
                column < len(ratings) and ratings[column] != " " and int(ratings[column], 16) >= _COMMON_FROM
                for column in _ENGLAND_COLUMNS
            ):
                common.add(folded)
    extra = {_fold(name) for name in EXTRA_FIRST_NAMES.split()}
    every |= extra
    common |= extra
    for census in ("dist.male.first", "dist.female.first"):
        with resources.files("names").joinpath(census).open(encoding="ascii") as lines:
            for line in lines:
                folded = line.split(maxsplit=1)[0].lower()
                every.add(folded)
                common.add(folded)
    return frozenset(every), frozenset(common)


@cache
def surnames() -> frozenset[str]:
    listed: set[str] = set(EXTRA_SURNAMES.split())
    with resources.files("names").joinpath("dist.all.last").open(encoding="ascii") as lines:
        for line in lines:
            listed.add(line.split(maxsplit=1)[0].lower())
    return frozenset(listed)


@cache
def english_words() -> array:
    """Ordinary English words: the lower-case entries of Webster's Second International (web2, 1934, public
    domain) as `english-words` ships it. Its capitalised entries are proper nouns ("Paisley", "Hamish") and are
    left out, so a word missing from it is a name, a place, a brand or a typo, never a common word.

    Kept as the sorted hashes of the 210,768 words (1.7 MB) rather than a set of strings (about 30 MB): a lookup
    is a binary search, about a microsecond, and two words sharing a 64-bit hash is not a practical risk."""
    from english_words import get_english_words_set

    return array("q", sorted(hash(word) for word in get_english_words_set(["web2"], alpha=True) if word.islower()))


def _listed(lower: str, listed: array) -> bool:
    key = hash(lower)
    index = bisect_left(listed, key)
    return index < len(listed) and listed[index] == key


def listed_as_word(lower: str) -> bool:
    """Whether the dictionary has this very form, not only as an inflection ("davies" is there only as one)."""
    return _listed(lower, english_words())


# Endings web2 lists few inflections with: "Reviews", "Visited", "Missing" are words because their stems are.
_ENDINGS = ("'s", "s", "es", "ies", "ed", "d", "ing", "er", "ers", "ly", "ness", "ment", "ments")


@lru_cache(maxsize=8192)  # the same few hundred words recur from reflection to reflection
def is_english_word(lower: str) -> bool:
    """Whether a lower-case word is an ordinary English word, or an inflection of one, in British spelling too
    (web2 is American: "neighbourhood", "organisation", "paediatric", "programme", "licence")."""
    listed = english_words()
    if _listed(lower, listed):
        return True
    for part in lower.split("-"):
        if part and not any(_listed(form, listed) or _inflected(form, listed) for form in _spellings(part)):
            return False
    return True


# British spellings and their American forms, as web2 lists them, written narrowly enough that names keep
# theirs ("Russell", "Saeed", "Lourdes" are not "russel", "seed", "lordes").
_BRITISH = tuple((re.compile(british), american) for british, american in (
    (r"our(?![aeiou])|our(?=ab|it)", "or"),  # colour, behaviour, neighbourhood, honourable, favourite
    (r"is(?=ation|e|ed|es|ing)", "iz"), (r"ys(?=e|ed|es|ing)", "yz"), (r"tre(?=s?$)", "ter"),
    (r"(?<=p|h|c)ae|(?<=n)ae(?=m)", "e"),  # paediatric, haemorrhage, anaemia, gynaecology
    (r"(?<=f)oe|^oe|(?<=h)oea", "e"),  # foetal, oestrogen, oedema, diarrhoea
    (r"ogue$", "og"), (r"ence$", "ense"), (r"mme$", "m"), (r"ise$", "ice"), (r"ll(?=ing|ed|er|or)", "l"),
))


def _spellings(word: str) -> list[str]:
    """The word, and its American forms: each British spelling changed on its own, then all of them."""
    forms = [word]
    if len(word) < 5:  # "Mae", "Rae": too short to tell a spelling from a name
        return forms
    everything = word
    for british, american in _BRITISH:
        changed = british.sub(american, word)
        if changed != word:
            forms.append(changed)
            everything = british.sub(american, everything)
    if everything != word:
        forms.append(everything)
    return forms


def _inflected(lower: str, listed: array) -> bool:
    for ending in _ENDINGS:
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            stem = lower[: -len(ending)]
            if _listed(stem, listed) or _listed(stem + "e", listed) or (
                ending == "ies" and _listed(stem + "y", listed)
            ):
                return True
            if ending in ("ed", "ing", "er") and len(stem) > 2 and stem[-1] == stem[-2] and _listed(stem[:-1], listed):
                return True  # "stopped", "running"
    return False


@cache
def places() -> frozenset[str]:
    """Countries (ISO 3166-1: "Jordan", "Chad", "Georgia", "Sierra Leone") and the UK's council areas (ISO
    3166-2:GB: "Kirklees", "Stirling", "Derry and Strabane"), lower case, from the databases `pycountry` ships.
    After "from", "in" or "to" they are where someone came from or lives, not a person ("the family came from
    Jordan"). The JSON files are read directly: importing pycountry's object model costs 10 MB for 500 names."""
    import json

    listed: set[str] = set()

    def add(name: str) -> None:
        name = name.split("[")[0].strip()  # "Wales [Cymru GB-CYM]"
        if "," in name:  # "Korea, Republic of", "London, City of": the part before the comma is the place
            name = name.split(",")[0]
        listed.add(_fold(name.strip()))

    databases = resources.files("pycountry").joinpath("databases")
    for country in json.loads(databases.joinpath("iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]:
        for field in ("name", "common_name"):
            if country.get(field):
                add(country[field])
    for area in json.loads(databases.joinpath("iso3166-2.json").read_text(encoding="utf-8"))["3166-2"]:
        if area["code"].startswith("GB-"):
            add(area["name"])
    # Places families flee from or through that ISO 3166 has no code for.
    listed.update(("kosovo", "kurdistan", "gaza", "west bank", "darfur", "tigray", "balochistan", "chechnya"))
    return frozenset(listed)


# Dialects and languages that interpreters are booked for under a name ISO 639-3 does not use (it has "Central
# Kurdish" and "Northern Kurdish", not Sorani and Kurmanji).
_EXTRA_LANGUAGES = "sorani kurmanji badini bahdini gorani feyli patois creole pidgin mirpuri pahari potwari farsi"


@cache
def languages() -> frozenset[str]:
    """Names of living languages (ISO 639-3, from the database `pycountry` ships), lower case, each name's last
    word too ("Southern Pashto" gives "pashto", "Zoroastrian Dari" gives "dari"): "spoke Tigrinya", "a Dari
    interpreter". Several thousand are also someone's name somewhere, so the nudge takes one for a language only
    where a language stands (see privacy._a_language) or when no names list has it."""
    import json

    listed = set(_EXTRA_LANGUAGES.split())
    databases = resources.files("pycountry").joinpath("databases")
    for language in json.loads(databases.joinpath("iso639-3.json").read_text(encoding="utf-8"))["639-3"]:
        if language.get("type") != "L":
            continue
        name = _fold(language["name"].split("(")[0].strip())
        listed.add(name)
        listed.add(name.split()[-1])
    return frozenset(listed)


# How a nationality is made from its country's name: "Moldova" → "Moldovan", "Hungary" → "Hungarian", "Iran" →
# "Iranian", "Sudan" → "Sudanese", "Malta" → "Maltese", "Pakistan" → "Pakistani", "Afghanistan" → "Afghan". The
# few made otherwise ("Polish", "Welsh", "Turkish") are in the privacy module's own words.


@cache
def nationalities() -> frozenset[str]:
    """Nationalities made from the one-word country names of ISO 3166-1 (the database `pycountry` ships), lower
    case: "moldovan", "eritrean", "sudanese", "iraqi", "afghan". A country's own name is left out ("jordan" is a
    country, and a first name)."""
    import json

    databases = resources.files("pycountry").joinpath("databases")
    countries = set()
    for country in json.loads(databases.joinpath("iso3166-1.json").read_text(encoding="utf-8"))["3166-1"]:
        for field in ("name", "common_name"):
            name = _fold(country.get(field) or "")
            if name and " " not in name and "," not in name:
                countries.add(name)
    made = set()
    for country in countries:
        for stem in (country, country[:-1]):
            made.update(stem + ending for ending in ("ian", "an", "ese"))
        made.add(country + "i")
        if country.endswith("istan"):
            made.add(country[: -len("istan")])
    return frozenset(made - countries)


def is_nationality(lower: str) -> bool:
    """Whether a word is a nationality made from a country's name, or its plural ("moldovan", "afghans")."""
    listed = nationalities()
    return lower in listed or (lower.endswith("s") and lower[:-1] in listed)
