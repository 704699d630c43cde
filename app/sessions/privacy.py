"""Spot text that looks like personal data, so its author can be nudged before it is shown.

Reflections should never identify a child, a family or an address. This finds what commonly slips in:

- a person's name: "the Walker family", "Mrs Begum", "Ellie's mum", "Jordan Hall", "Baby Isla", "his brother
  Kai", "nan Pat", "a girl called Amara", or a first name on its own ("we closed the case on Aiden");
- a street address: "12 Acacia Road", "flat 3, Mill Lane", "Flat 2b Rose Court", "on Mill Lane", "5 Oakwood
  Mount", or a house number apart from its estate or street ("the Seacroft estate, number 14"); a named home,
  hostel or site where someone lives or stays ("Brambles Nursing Home", "Larkfield House hostel") and a room,
  bed or pitch there by its number;
- an email address, a UK phone number (Google's libphonenumber, region GB), an NHS number (when its Modulus 11
  check digit is valid, so ordinary ten-digit numbers are not flagged, or after a label: "NHS no", "SystmOne",
  "GP record"), a UK postcode; an email, a phone number or a date of birth said in words ("k dot mensah at gmail
  dot com", "oh seven nine six ...", "born on the third of june two thousand and ten");
- a date of birth: a date next to "born", "DOB", "d.o.b.", "date of birth", "birthday" or "aged", or in brackets
  straight after a child or a name ("Kayleigh (01/02/2016)"). Any other date, past or future, is a meeting or a
  deadline ("the review meeting on 05/06/2023") and is left alone.

Names are found from context, not from a names list alone: a list flags "Will", "May", "Hope" and "Mark" used as
ordinary words, and misses a name it lacks. A capitalised word counts as a name when a title precedes it, a
family word follows it, it is someone's ("Kai's school"), a relation or "called" precedes it, or it pairs with
another name ("Jordan Hall"); a known first name counts on its own unless it is also an ordinary English word.
Words every safeguarding reflection uses are never names: pseudonyms of the form "Child D" / "Adult B", relations
("Nan", "Mum"), agencies, policies, places, months, weekdays, festivals, job titles; nor are countries and
council areas after "from", "in" or "to" ("came from Jordan"), colours in a rating ("from Amber to Red"), named
ways of working ("the Think Family approach") and the names the session's own briefing uses ("Mark and Lloyd":
`names_in_plan`). A name no list has counts where only a person stands: a capitalised word no dictionary has
inside a sentence, or opening one and followed by a lower-case word ("Tyreece never made it"), unless it ends as a
place does ("Harehills"), is text-speak ("Tbh") or two words run together ("Lockdown"); and a name typed in lower
case by someone who otherwise capitalises counts where a name stands ("mum said jayden was", "a girl called
amara", "i remember tiegan"). The names lists (app/sessions/names.py) load once per process, on first use.

It is a nudge, not a filter: the person can edit or confirm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import phonenumbers

from . import names

LABELS = {
    "name": "a person's name",
    "address": "a street address",
    "email": "an email address",
    "phone": "a phone number",
    "nhs_number": "an NHS number",
    "postcode": "a postcode",
    "date_of_birth": "a date of birth",
    "handle": "a social media handle",
}

# +44 or 0, then 9 or 10 more digits with optional spaces, dashes, dots or brackets (UK numbers are 10-11 digits).
UK_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|\(?0)\d{2,4}\)?(?:[\s.-]?\d){5,8}\b")
# "@kayla_xo_2009", "@lilbrxdz": a handle on Snapchat, TikTok, Instagram or X finds the person as surely as a phone
# number. Not an email's "@" (a letter or digit before it) nor a lone "@" ("meet @ 3").
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?(?![\w@])")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
NHS_NUMBER = re.compile(r"(?<![\d-])(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?![\d-])")
# The UK postcode shapes: A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA, AA9A 9AA.
POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    "|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
WORDED_DATE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTHS})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
MONTH_FIRST_DATE = re.compile(rf"\b({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
# "born March 2019": only next to a birth word (a month and a year alone is a meeting's date otherwise).
MONTH_YEAR = re.compile(rf"\b({MONTHS})\.?\s+(\d{{4}})\b", re.IGNORECASE)
BIRTH_BEFORE = re.compile(
    r"\b(?:born|b\.|d\.?o\.?b|date\s+of\s+birth|birth\s*date|birthday|aged)\b\W*(?:\w+\W+){0,2}\W*$", re.IGNORECASE
)
BIRTH_AFTER = re.compile(r"^\W{0,3}(?:d\.?o\.?b\b|date of birth|birthday)", re.IGNORECASE)
MONTH_NUMBERS = {name: number for number, name in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}

# --- words ----------------------------------------------------------------------------------------------------

# A word: letters, with apostrophes and hyphens inside it (O'Brien, Amelia-Rose); a possessive 's is split off.
WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019\-](?=[^\W\d_]))*")
# Between a sentence's end (or the text's start) and its first word: spaces, quotes, brackets, a bullet.
_BEFORE_FIRST_WORD = frozenset(" \t\r\"'\u2018\u201c*•-–—(")
POSSESSIVE = re.compile(r"^(.*?)['\u2019]s$")

# People's relations, and words that say "this is a person" before a name: "his mum Sarah", "nan Pat", "Baby
# Isla", "little Freddie", "the health visitor, Karen". On their own they identify no one.
RELATIONS = frozenset(
    """mum mummy mam mom mother dad daddy father nan nana nanna nannie gran granny grandma grandmother nanny
    grandad grandpa granddad grandfather grampa gramps brother bro sister sis son daughter uncle aunt auntie aunty
    cousin partner boyfriend girlfriend husband wife ex fiance fiancee stepdad step-dad stepfather step-father
    stepmum step-mum stepmother step-mother stepbrother step-brother stepsister step-sister sibling twin niece
    nephew baby babies little lad girl boy child kid carer friend neighbour neighbor grandson granddaughter
    eldest oldest youngest
    grandchild godmother godfather"""
    .split()
)
# Roles that are followed by a person's name: "the health visitor, Karen", "social worker Mark".
ROLES = frozenset(
    """worker visitor teacher nurse officer head headteacher midwife manager lead sw hv pcso iro dsl ddsl senco
    sendco keyworker advocate paediatrician therapist counsellor practitioner coordinator""".split()
)
# Words after "the X ..." that make X a family's surname: "the Walker family", "the Kowalski twins".
FAMILY_WORDS = frozenset(
    "family families household children kids boys girls twins brothers sisters siblings household's family's "
    "case home house parents lads".split()
)
# Titles and police ranks before a surname: "Mrs Begum", "Dr Okonkwo", "PC Smith", "DS Hughes", "Cllr Patel".
TITLES = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Master|PC|DC|PS|DS|DI|DCI|Sgt|Insp|Cllr|Councillor|Rev|Revd"
    # police ranks spelled out, typed in any case: "Sergeant Pritchard", "sergeant Davies", "Inspector Ward"
    r"|(?i:sergeant|sarge|constable|inspector|detective|superintendent|officer|pcso))\b\.?"
)
# A saint's name is a church's, a school's or a hospital's: "St Peter's", "St Mary's Hospital", "Saint John".
SAINTS = frozenset("st saint".split())
APPOSITION = re.compile(
    r",\s+(?:the|his|her|their|our|your|my|a|an)\s+(?:[a-z-]+\s+){0,2}?"
    r"(?:%s|eldest|oldest|youngest|middle|one|daughter|son|child)\b" % "|".join(sorted(RELATIONS - {"little"}))
)
TITLE_JOINERS = frozenset("of the for in to on at de la van von".split())
DETERMINERS = frozenset("the a an our their this that these those your my its".split())
# Words that are never a name alone but are common English surnames, as the last word of a full name.
SURNAMES_THAT_ARE_WORDS = frozenset(
    "green hill park church black white brown young king lord lane wood north west south east house hall street "
    "rose may march summer winter spring bishop judge major day english scott".split()
)
CALLED = re.compile(
    r"(?:\b(\w+)\s+)?\b(?:called|named|name\s+(?:is|was)|known\s+as|aka|a\.k\.a\.)\s*$"
    r"|\b(?:called|calls|call)\s+(?:him|her|them)\s*$",  # "his mates called him Smudge"
    re.IGNORECASE
)
# "called" after a person or an auxiliary is the verb "to phone" ("she had called Childline", "we called Housing").
PHONED_AFTER = frozenset("i we he she they you who had has have then never also just already mum dad".split())


def _called_before(text: str, start: int) -> bool:
    """Whether the words just before `start` introduce a name: "a girl called", "known as", "aka"."""
    tail = text[max(0, start - 14) : start].lower()
    if not ("call" in tail or "name" in tail or "known" in tail or "k" in tail and "a" in tail):
        return False  # most words: none of the cue words is there, so the search below need not run
    match = CALLED.search(text[max(0, start - 30) : start])
    return bool(match) and not (match.group(1) and match.group(1).lower() in PHONED_AFTER)

# Capitalised words that are never a person's name here, whatever list they appear in: what every reflection on a
# safeguarding briefing says (pseudonyms' nouns, relations, agencies, policies, job titles), months, weekdays,
# festivals, nationalities, faiths, languages, and places and words that often start an organisation's name.
NOT_NAMES = frozenset(
    """child children adult adults young person people parent parents sibling baby babies infant mother father
    mum mummy mam mom dad daddy nan nana nanna gran granny grandma grandmother grandad grandpa grandfather
    brother sister son daughter uncle aunt auntie aunty cousin partner stepdad stepmum carer carers family families
    girl boy woman man women men lady lad lads kid kids teen teenager toddler professional practitioner
    subject victim perpetrator survivor
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    christmas easter eid ramadan diwali hanukkah vaisakhi halloween bonfire pentecost lent advent passover
    new year years day days night week weekend holiday holidays term half bank
    english british scottish welsh irish polish romanian roma somali nigerian ghanaian pakistani bangladeshi
    indian asian black white caribbean african european eastern western northern southern gypsy traveller
    muslim christian catholic jewish hindu sikh islamic buddhist church mosque temple gurdwara synagogue
    arabic urdu punjabi bengali gujarati tigrinya kurdish lithuanian latvian slovak czech portuguese spanish
    french italian german turkish chinese albanian ukrainian russian
    england britain uk wales scotland ireland europe eu london manchester leeds wigan leigh bolton salford
    liverpool birmingham bradford sheffield preston chester lancashire yorkshire cheshire merseyside
    greater north south east west central city town county borough district metropolitan royal national
    council councils government authority authorities local partnership partnerships board boards service
    services team teams unit units hub department office ministry agency trust trusts foundation charity
    nhs police constabulary ambulance probation court courts tribunal prison hospital hospitals infirmary clinic surgery
    practice school schools academy college university nursery primary secondary high grammar infant junior
    education health care social safeguarding protection conference review reviews panel inquiry inspection
    early help help signs safety keeping safe working together team around act acts bill law section
    children's parents' carers' mothers' fathers'
    designated lead leads officer officers manager managers worker workers visitor visitors nurse nurses
    teacher teachers doctor doctors consultant paediatrician paediatrics midwife midwives health visiting
    independent reviewing chair chairs head heads deputy director directors assistant senior principal
    sergeant constable inspector detective
    domestic abuse violence neglect exploitation harm risk missing mental wellbeing emotional physical sexual
    graded profile framework toolkit tool model protocol policy procedure procedures guidance standard standards
    strategy strategic plan plans meeting meetings group groups core network networks forum assessment assessments
    referral referrals threshold thresholds pathway pathways programme programmes project projects scheme
    start well sure step level stage key year years
    virtual duty advice front door multi multi-agency agency agencies contact centre center
    serious case practice learning lessons briefing briefings
    home homes street road lane avenue drive close court crescent grove way place gardens terrace house
    flat flats estate park green hill view walk row square mews rise parade
    crown prosecution family's youth offending justice public funds settlement status
    god lord lady sir dame saint st
    respect trust spring summer autumn winter
    internet facebook instagram snapchat tiktok whatsapp youtube google twitter
    okay ok yes no not nobody everyone someone anyone
    mr mrs ms miss mx dr prof master sir madam
    the a an and or but of in on at to for from by with as if so no not all any each every this that these those
    we you they he she it i me us them him her his hers its our ours your their theirs my mine who what when where
    why how which there here then than also just only even still very too both either neither
    is are was were be been being am have has had do does did would can could shall should might must
    afghanistan albania bangladesh brazil chad china congo eritrea ethiopia georgia ghana india iran iraq israel
    jamaica kenya kuwait lebanon libya nigeria pakistan palestine poland romania russia somalia sudan syria
    turkey uganda ukraine vietnam yemen zimbabwe africa asia america
    chelsea kingston lincoln stanley ashton clayton sutton hyde bury sale kendal carlisle whitby hastings
    darwin milton keynes douglas barry warwick stafford clifton orpington harlow crawley swindon reading
    amazon tesco asda aldi lidl morrisons sainsbury's mcdonald's macdonald's greggs boots primark argos barnardo's
    netflix xbox playstation roblox fortnite minecraft""".split()
)
# Common English words that are also first names. A known first name counts on its own ("we closed the case on
# Aiden") unless it is one of these: then only context makes it a name ("his brother Will", "Hope's mum").
ORDINARY_WORDS = frozenset(
    """will may hope rose mark bill grace faith summer jack joy dawn amber ruby jade holly ivy daisy violet lily
    poppy iris heather hazel crystal pearl ray rob pat sue carol frank art guy earl dean drew gene chase hunter
    mason miles major king prince rich sunny victor don sky storm river brook autumn april june august eve angel
    justice honor honour patience chance harmony melody destiny precious bob bobby sandy rusty penny ginger
    cliff glen dale rock stone forest wood sterling sterl basil sage rosemary marina fern willow olive cherry
    sandy misty star stella luck lucky happy merry noble royal joy bliss gay gale page paige page reed rowan
    bishop cash crystal doctor duke english grant gray grey green hill holly hunt
    lane long lord love may nice park price read rich rush sharp short snow spring stern strong
    sweet temple trust vale west white wild will young
    young old new good best great little big early late help well sure key start step level stage
    faith hope trust respect care justice love peace truth honesty patience mercy charity
    active amen an and are as at ave be bee best bird black blue bright brown but by can care case child claim
    clay clear close cloud con cross dash day de del den do dot du ed edge el else end ever fair fall far fine
    first fit flash flower free gold golden happy harmony heart her here his hot if in is it jay jean jolly
    just kind la lake le less light line lo love man mars max me mercy mi mint mo moon more much my neat news
    night no now of oh ok on one or our over pace pal pay peace per plan play pleasant post pray queen rain
    range real red right ring said say sea see shade shine show sign silver so some son sooner soul sound
    speed spirit still stone strong sun sunday than that the then there they this time to top true truth
    under up us van very via vie von we what when where which who why win with won word world yes yet you
    nan mum dad ma pa gran file bin edit numbers carry many foster hang ran
    christian christy christmas noel carol easter
    nurse lead head chair judge police officer""".split()
)
# Ordinary words that writers also capitalise as concepts ("our Faith leaders", "a Key worker"): unlike the rest
# of ORDINARY_WORDS, not a name even when capitalised in the middle of a sentence, unless context says so.
CONCEPTS = frozenset(
    """faith hope trust respect care help justice love peace truth honesty patience mercy charity key start step
    level stage well sure early major king prince queen lord duke bishop doctor nurse judge chair head lead police
    officer may bill ward silo""".split()
)
# Common English words (and text-speak) that are also common first names, beyond ORDINARY_WORDS: typed in lower
# case they are the word ("soon", "on the ward", "ty", "a tiny bruise"), so the lower-case rule below skips them.
LOWER_CASE_WORDS = frozenset(
    """alpha angle bell berry blessing brain bud buddy bunny candy coral deep delta diamond divine dusty echo fairy
    fan favour gang gift glory goodness honey ivory kit kitty lean lie mac manual maple meta miracle nil omega
    opal pin princess rocky sierra sol soon tad teddy tiny ward ha ta ty ya ye yo lol omg tbh imo idk btw fyi
    sen sena pa""".split()  # the last: safeguarding acronyms typed in lower case (SEN, SENA, PA)
)
# Nouns that make a possessive before them a thing's name when typed in lower case ("clare's law", "st mary's
# hospital"): a capitalised one is told apart by its capital, a lower-case one by this list.
NAMED_THINGS = frozenset(
    "law laws hospital school academy primary college church centre center court house ward unit surgery "
    "practice nursery".split()
)
# Deities, prophets and religious figures: named in what a family said ("only God can judge her"), or said as an
# exclamation ("Jesus, this one was hard"); never a person in the case. (Muhammad is also a common first name,
# so it is not here.)
RELIGIOUS_FIGURES = frozenset("god allah jesus christ lord buddha krishna vishnu shiva guru nanak".split())
# English local authorities and London boroughs whose names are also surnames or first names ("Newham's CSPR",
# "Barnet and Enfield"): places, like those in NOT_NAMES.
LOCAL_AUTHORITIES = frozenset(
    """barnet bexley brent bromley camden croydon ealing enfield hackney haringey harrow havering hillingdon
    hounslow islington lambeth lewisham merton newham redbridge southwark wandsworth westminster greenwich
    kensington chelsea hammersmith fulham barking dagenham tower hamlets waltham
    rochdale oldham tameside stockport trafford wirral sefton knowsley halton warrington blackburn blackpool
    burnley calderdale kirklees wakefield barnsley rotherham doncaster gateshead sunderland durham darlington
    hartlepool middlesbrough stockton redcar cumbria northumberland derby derbyshire nottingham nottinghamshire
    leicester leicestershire rutland lincolnshire norfolk suffolk essex kent surrey sussex hampshire dorset devon
    cornwall somerset wiltshire gloucestershire oxfordshire berkshire buckinghamshire bedford luton
    hertfordshire cambridgeshire peterborough northamptonshire warwickshire worcestershire herefordshire
    shropshire staffordshire telford wolverhampton walsall dudley sandwell solihull coventry medway thurrock
    southend slough bracknell windsor maidenhead wokingham plymouth torbay exeter portsmouth southampton
    bournemouth poole brighton hove bristol bath swindon york hull""".split()
)
NOT_NAMES = NOT_NAMES | RELIGIOUS_FIGURES | LOCAL_AUTHORITIES
# Languages and nationalities: after someone's name they say something of that person ("Agnieszka's English was
# good"), unlike the capitalised nouns that make a possessive a thing's name ("Clare's Law", "St Mary's School").
LANGUAGES = frozenset(
    """english polish romanian somali urdu punjabi bengali arabic kurdish lithuanian latvian slovak czech
    portuguese spanish french italian german turkish chinese albanian ukrainian russian tigrinya gujarati""".split()
)
# Plural people that follow a title in a brand's or a show's name, never a surname ("Mr Men", "Mrs Browns Boys").
PEOPLE_NOUNS = frozenset("men women people children kids boys girls parents families ladies lads".split())
# What only a person does, straight after a word: an age ("Hope was 7 and ...", "Rojin was 16"), going missing,
# disclosing, or a relation of theirs ("Precious and her baby"). It makes a capitalised word a name even where an
# ordinary word ("Hope", "Destiny") or a name no list has would otherwise be left alone.
PERSON_AFTER = re.compile(
    r"\s*,?\s+(?:(?:was|is)\s+(?:only\s+|just\s+|now\s+)?|aged\s+|turned\s+)\d{1,2}"
    r"(?:\s*(?:yrs?|years?\s+old|yo|y/o|y\.o\.))?(?=\s*(?:[,.;:!?)]|$|and\b|but\b|when\b|at\b|so\b|with\b))"
    r"|\s+(?:went\s+missing|ran\s+away|absconded|disclosed|and\s+(?:her|his|their)\s+(?:%s)s?\b)"
    % "|".join(sorted(RELATIONS - {"little", "friend"})),
    re.IGNORECASE,
)
# Words that open a sentence and are capitalised only for that, so a full name after them is not part of a longer
# capitalised title ("When Jordan Hall was excluded", "Since Peter Connelly died").
SENTENCE_OPENERS = frozenset(
    """when after before if since maybe perhaps honestly and but so then because as while until once although
    though sadly also even only just why how what where who did does do has had was is yes no obviously actually
    basically unfortunately apparently remember think like with without for about""".split()
)
# Children and adults whose names national reviews, inquiries and the press made public, and the people charities
# and laws are named after: naming them identifies no one in the local case ("Arthur Labinjo-Hughes and Star
# Hobson reviews said the same", "Victoria Climbie was 2000", "Dr Barnardo would be spinning").
PUBLIC_CASES = re.compile(
    r"\b(?:Victoria\s+Climbi[eé]|Peter\s+Connelly|Arthur\s+Labinjo[-\s]Hughes|Star\s+Hobson|Daniel\s+Pelka"
    r"|Khyra\s+Ishaq|Logan\s+Mwangi|Finley\s+Boden|Hamzah\s+Khan|Keanu\s+Williams|Poppi\s+Worthington"
    r"|Ellie\s+Butler|Jasmine\s+Beckford|Maria\s+Colwell|Kimberley\s+Carlile|Tyra\s+Henry|Sara\s+Sharif"
    r"|Holly\s+(?:Wells\s+)?and\s+Jessica|Sarah\s+Payne|Clare\s+Wood|Jay\s+Scott|(?:Dr\.?\s+)?Barnardo"
    # the authors of national reviews, unless a title makes them someone in the case ("Mrs Munro")
    r"|(?<!Mr\s)(?<!Mrs\s)(?<!Ms\s)(?<!Miss\s)(?:(?:Professor|Prof\.?|Eileen)\s+)?Munro|(?:Lord\s+)?Laming)\b",
    re.IGNORECASE,
)
# Conditions named after the doctors who described them: "Down's syndrome", "dad's Crohn's", "Bell's palsy",
# "Munchausen's by proxy". Any capitalised word before "disease", "syndrome", "palsy" and their kind is one; the
# few said without such a word are listed.
_CONDITION_NOUNS = ("disease", "syndrome", "palsy", "dystrophy", "ataxia", "lymphoma", "sarcoma", "chorea")
CONDITION_BEFORE_NOUN = re.compile(
    r"\b[A-Z][\w\u00c0-\u024f-]*(?:['\u2019]s?)?\s+(?:%s)\b"
    % "|".join(_CONDITION_NOUNS)
)
CONDITIONS = re.compile(
    # said with the possessive alone ("grandad's Parkinson's"); a first name among them ("Addison") needs the noun
    r"\b(?:Crohn|Parkinson|Huntington|Alzheimer|Asperger|Tourette|Munchausen|Hodgkin|Cushing|Raynaud|Hirschsprung"
    r"|Kawasaki|M[eé]ni[eè]re|Sj[oö]gren)['\u2019]s(?=\W|$)"
    r"(?!\s+(?:mum|dad|mother|father|nan|brother|sister|son|daughter|family|house|baby)\b)"
    # and said bare ("Munchausen by proxy", "has Asperger")
    r"|\b(?:Munchausen|Asperger|Perthes|Duchenne|Marfan|Ehlers[-\s]Danlos|Guillain[-\s]Barr[eé]|Osgood[-\s]Schlatter"
    r"|Tay[-\s]Sachs|Prader[-\s]Willi)\b"
)
# Historical and public figures a reflection measures practice against ("Florence Nightingale would be
# horrified", "as Nelson Mandela said"): the reformers, nurses and campaigners of health and children's welfare,
# the writers and leaders quoted about children, and anyone quoted with "as X said" or "in the words of X".
PUBLIC_FIGURES = re.compile(
    r"\b(?:Florence\s+Nightingale|Mary\s+Seacole|Edith\s+Cavell|Elizabeth\s+Fry|Octavia\s+Hill|Thomas\s+Coram"
    r"|Eglantyne\s+Jebb|Lord\s+Shaftesbury|William\s+Wilberforce|Emmeline\s+Pankhurst|Aneurin\s+Bevan|Nye\s+Bevan"
    r"|William\s+Beveridge|Joseph\s+Rowntree|Seebohm\s+Rowntree|Charles\s+Dickens|Nelson\s+Mandela"
    r"|Martin\s+Luther\s+King|Mahatma\s+Gandhi|Mother\s+Teresa|Rosa\s+Parks|Maya\s+Angelou|Desmond\s+Tutu"
    r"|Frederick\s+Douglass|Winston\s+Churchill|Malala(?:\s+Yousafzai)?|Marcus\s+Rashford|Princess\s+Diana"
    r"|Oliver\s+Twist|Harry\s+Potter|Albert\s+Einstein|Maria\s+Montessori)\b"
)
QUOTED_FIGURE = re.compile(
    r"\b[Aa]s\s+([A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){1,2})"
    r"(?=\s+(?:once\s+|famously\s+)?(?:said|put\s+it|wrote)\b)"
    r"|\bwords\s+of\s+([A-Z][\w'\u2019-]+(?:\s+[A-Z][\w'\u2019-]+){1,2})"
)
# Organisations with a name-like word: a capitalised word or two before what an organisation is ("Lloyds
# pharmacy", "the Wickham surgery", "the Hartley Trust", "the Hollie Guard app", "Shelter's helpline", "Refuge's
# website", "Shelter's housing advice line"), and the UK charities, campaigns and shops reflections name that
# look like names or words.
ORGANISATION_NOUNS = (
    r"pharmacy|chemist|chemists|helpline|help\s+line|advice\s+line|bank|building\s+society|surgery|practice"
    r"|trust|charity|foundation|campaign|app|website|web\s+site"
)
ORGANISATION_BEFORE_NOUN = re.compile(
    rf"\b[A-Z][\w&-]*(?:\s+[A-Z][\w&-]*){{0,2}}\s+(?:{ORGANISATION_NOUNS})\b"
    # a possessive before what only an organisation has: not "Ellie's app" (a child's phone) nor "Kai's line manager"
    rf"|\b[A-Z][\w&-]*['\u2019]s?\s+(?:[a-z]+\s+){{0,2}}?(?:helpline|help\s+line|advice\s+line|website|campaign)\b"
)
_ORGANISATION_SUBSTRINGS = (
    "pharmac", "chemist", "help", "advice line", "bank", "building society", "surgery", "practice", "trust",
    "charity", "foundation", "campaign", "app", "web",
)
ORGANISATIONS = re.compile(
    r"\b(?:Home[-\s]Start|Hungry\s+Little\s+Minds|Sure\s+Start|Family\s+Lives|Winston['\u2019]s\s+Wish"
    r"|Action\s+for\s+Children|Citizens\s+Advice|Women['\u2019]s\s+Aid|Young\s+Minds|Place2Be|Gingerbread|Mencap"
    r"|Scope|Relate|Cruse|Barnardo['\u2019]?s|Lloyds|Boots|Superdrug|Barclays|Halifax|Greggs|Shelter|Refuge|Mind"
    r"|Samaritans|Kidscape|Coram|StepChange|Turn2us|Marie\s+Curie|Macmillan|Sue\s+Ryder|Tommy['\u2019]s|Sands)\b"
)
# Services, apps and case-record systems that reflections name and no English word list has (the agencies,
# the social networks and the shops are in NOT_NAMES).
SERVICES = frozenset(
    """childline kooth ofsted cafcass nspcc barnardos samaritans papyrus mosaic liquidlogic systmone emis eclipse
    carefirst rio wellcomm brook nacro catch22 shelter refuge mind youtube tiktok snapchat whatsapp instagram
    facebook discord roblox fortnite minecraft telegram twitch reddit pinterest tinder grindr onlyfans insta
    spotify deliveroo uber brexit pokemon makaton thinkuknow ceop parentzone jobcentre airbnb
    mumsnet netmums hestia solace tusla bupa elklan lego kidscape youngminds mencap nextdoor gumtree vinted
    depop ebay paypal klarna capita serco sodexo mears clearsprings webex zoom ringcentral g4s""".split()
)
# Before a capitalised word no list knows, these make it a place or a thing, not a person: "in Harehills", "from
# Kirklees", "because of Covid". "to" does too ("moved to Eastfield"), unless a word of talking precedes it
# ("talked to Bronwen").
# "on" too: "on Insta", "on Depo Provera", "on Mosaic" (an app, a medicine, a system).
PLACE_BEFORE = frozenset(
    "in at from near around across towards toward into within outside inside via of off on using through thru"
    .split()
)
TALKED = frozenset(
    """talk talks talked talking spoke speak speaks speaking spoken say said listen listens listened listening
    explain explained explaining wrote write writes writing reply replied chat chatted chatting turned went
    went over sent""".split()
)
# After an unlisted capitalised word that opens a sentence, what only a person does: "Teaghan said", "Achterberg
# told", and the like.
PERSON_VERBS = frozenset(
    """said says told tells disclosed asked wanted cried screamed lived lives moved missed came went felt thought
    knew refused admitted denied stayed ran had has""".split()
)
# A document named after people: "the Arthur and Star review", "the Laming report", "the Munro review".
DOCUMENT_WORDS = frozenset("review reviews inquiry report".split())
# After a capitalised name, these make it the name of a way of working, not of a person: "the Think Family
# approach", "the Solihull Approach", "Lundy model", "the Brook Traffic Light Tool", "Ruby Red flags".
THING_AFTER = frozenset(
    """approach approaches model models framework frameworks tool tools toolkit toolkits programme programmes
    program programs method methods pathway pathways protocol protocols principle principles scale scales matrix
    initiative initiatives agenda charter checklist checklists questionnaire questionnaires scheme schemes
    project projects flag flags rating ratings category categories theory technique techniques""".split()
)
# Colours, and the first names that are also colours: a RAG rating ("went from Amber to Red", "rated Amber",
# "Ruby Red flags") is no one's name.
COLOURS = frozenset(
    """red amber green blue black white yellow orange purple pink grey gray gold silver brown ruby scarlet
    scarlett jade rose violet hazel olive coral pearl sienna saffron indigo crimson cherry lavender lilac
    emerald""".split()
)
RATED_BEFORE = frozenset("rated rating graded grade rag flagged level category".split())
# Before "on", these make what follows it a person ("we closed the case on Ifeoluwa", "checked on Kai", "kept an
# eye on Precious") rather than a system or an app ("on Mosaic", "on Insta").
PERSON_ON = frozenset("case cases checked check checking eye focus focused focussed concentrate concentrated".split())
# Lower-case words that are neither English words nor names: text-speak and the acronyms of the work typed in
# lower case. Any of them could stand where a name does ("about camhs", "Tbh the MASH ...").
TEXT_SPEAK = frozenset(
    """tbh tbf ngl obvs obv deffo defo def imo imho idk smh lol omg btw fyi tho cos coz cuz gonna wanna gotta
    innit dunno yeah yep yup nah nope hmm hmmm ooh aww ugh erm umm uhm meh ffs jeez ikr tbc tbd asap aka eta
    wfh pls plz thx hiya soz sry probs prob ppl cba govt mgmt dept approx etc info convo convos abt wrt
    online email emails emailed vape vapes vaping neurodiverse neurodivergent neurodiversity multiagency wifi
    app apps website websites smartphone ipad iphone laptop selfie selfies covid lockdown lockdowns facetime
    facetimed whatsapped whatsapping snapchatted homeschooled homeschooling homeschool sexting groomer groomers
    camhs marac mappa senco sendco ehcp ehcps kcsie nspcc isva idva sarc cin cla lac cic sgo icpc rcpc cpp
    pcso pnc nrm cse cce asb yot yos mash lado iro dsl ddsl sw sws hv hvs gp gps nfa ehat caf tac tas pep
    peps ofsted cafcass dash rag adhd asd fasd ptsd ocd thankyou thanx thanks ta cheers
    isnt wasnt arent werent didnt doesnt dont cant wont wouldnt couldnt shouldnt hasnt havent hadnt im ive
    youre youve theyre theyve weve hes shes thats whats theres lets alot ofcourse infact aswell eachother
    incase atleast alright anyways anyhoo haha hahaha hehe lols lmao
    cannabis weed skunk ket ketamine spice mamba xanax benzos diazepam valium pregabalin gabapentin tramadol
    codeine oxycodone fentanyl heroin cocaine mdma ecstasy nitrous shisha methadone naloxone subutex buvidal
    sertraline fluoxetine citalopram ritalin concerta melatonin calpol depo""".split()
)
# Endings of English place names: a capitalised word no names list has that ends so is a place ("Harehills has
# changed", "Chapeltown is next door", "Seacroft was worse") more often than a person.
PLACE_ENDINGS = (
    "hills", "town", "ton", "ham", "ley", "field", "fields", "ford", "by", "worth", "wood", "bury", "borough",
    "burgh", "chester", "caster", "cester", "thorpe", "mouth", "bridge", "dale", "croft", "stead", "gate", "holme",
    "minster", "port", "pool", "shire", "wick", "side", "moor", "well", "land", "leigh", "hurst", "combe",
)
# What a person does, after a name typed in lower case ("mum said jayden was sleeping there", "kayden told
# us"), with a few adverbs allowed between ("Thandiwe never had ...").
LOWER_PERSON_AFTER = PERSON_VERBS | frozenset("was is had has were didn't wasn't doesn't isn't never always".split())
ADVERBS = frozenset(
    "never always just also still then finally only really often sometimes already actually even honestly".split()
)
# More of what only a person does, after a lower-case word no dictionary has or a listed name ("oskarina stopped
# coming", "hevin keeps telling her teacher", "rahel always told"): an English word before these is a thing
# ("the funding stopped"), so they count only for words that are no English word.
LOWER_PERSON_VERBS = frozenset(
    """stopped stops started starts kept keeps trusted trusts hated hates loved loves liked likes wanted wants
    tried tries begged begs cried cries laughed laughs smiled smiles shouted shouts screamed screams hid hides
    texted texts messaged rang phoned walked walks attended attends stayed stays lived lives moved moves
    refused refuses asked asks says said told tells disclosed discloses admitted admits denied denies
    wouldn't couldn't didn't doesn't won't can't wasn't isn't hasn't hadn't felt feels thought thinks knew
    knows wanted goes went came comes got gets gave gives sat sits slept sleeps ate eats""".split()
)
# Before a name typed in lower case, the words that take a person: "spoke to the head about reuben", "i remember
# shakira", "we saw kacper", "a visit with aaliyah".
PERSON_BEFORE = frozenset("about with remember remembered saw seen see asked visited met told tell".split())
# Before "of", these make what follows a person: "I keep thinking of Daniyal", "reminds me of ...", "scared of".
PERSON_OF = frozenset("think thinking thought reminds reminded remind heard scared afraid frightened proud fond".split())
# Words after which a clause, and so its subject, starts: "mum said tayo was out", "and kai had gone".
CLAUSE_OPENERS = frozenset("said says told knew know thought think heard when because but and so that if as while".split())


# The work's own vocabulary, for telling a misspelling of it from a name ("Referal was late" is no person).
WORK_WORDS = frozenset(
    word for word in NOT_NAMES | RELATIONS | THING_AFTER | CONCEPTS | FAMILY_WORDS | ROLES | frozenset(
        """referral referrals referred safeguarding colleagues colleague professionals professional parents
        parenting chronology assessment assessments escalated escalation enquiries enquiry strategy threshold
        neglect neglected abusive definitely apparently tomorrow together actually hopefully probably sadly
        overall received receive believe separate necessary environment government accommodation responsibility
        communication beginning successful weird honestly basically really""".split()
    ) if len(word) >= 4
)


@dataclass(frozen=True)
class Finding:
    kind: str  # a key of LABELS
    text: str  # what was found, as typed
    start: int
    end: int

    @property
    def label(self) -> str:
        return LABELS[self.kind]


class _Word:
    """One word of a reflection, with what the name rules ask of it worked out once."""

    __slots__ = ("text", "start", "end", "full_end", "possessive", "sentence_start", "lower", "capitalised")

    def __init__(self, text: str, start: int, full_end: int, possessive: bool, sentence_start: bool):
        self.text = text  # as typed, without a possessive 's
        self.start = start
        self.end = start + len(text)  # without the 's
        self.full_end = full_end  # with it
        self.possessive = possessive
        self.sentence_start = sentence_start
        self.lower = text.lower().replace("\u2019", "'")
        # "Sarah", "O'Brien", "McDonald"; not "MASH", "GP", "CAMHS", "GPs" (acronyms) nor a single letter ("Child
        # D"). A hyphenated word is a name only if each part is capitalised ("Amelia-Rose", not "Rose-tinted").
        self.capitalised = (
            len(text) > 1
            and not (text[0].isupper() and text[1].isupper())
            and all(part[:1].isupper() for part in text.split("-"))
        )


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number's Modulus 11 check: weights 10..2 on the first nine digits."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _date_or_none(day: int, month: int, year: int, today: date) -> date | None:
    if year < 100:
        year += 2000 if year <= today.year % 100 else 1900
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dates(text: str, today: date):
    for match in NUMERIC_DATE.finditer(text):
        if _date_or_none(int(match.group(1)), int(match.group(2)), int(match.group(3)), today):
            yield match
    for match in WORDED_DATE.finditer(text):
        month = MONTH_NUMBERS[match.group(2)[:3].lower()]
        if _date_or_none(int(match.group(1)), month, int(match.group(3)), today):
            yield match
    for match in MONTH_FIRST_DATE.finditer(text):
        month = MONTH_NUMBERS[match.group(1)[:3].lower()]
        if _date_or_none(int(match.group(2)), month, int(match.group(3)), today):
            yield match


# --- names ----------------------------------------------------------------------------------------------------

def _words(text: str) -> list[_Word]:
    words = []
    for match in WORD.finditer(text):
        raw = match.group(0)
        possessive = POSSESSIVE.match(raw)
        base = possessive.group(1) if possessive and possessive.group(1) else raw
        words.append(_Word(base, match.start(), match.end(), bool(possessive), _starts_sentence(text, match.start())))
    return words


def _starts_sentence(text: str, position: int) -> bool:
    """Whether the word at `position` starts the text or a sentence (after . ! ? : ; or a new line)."""
    while position > 0 and text[position - 1] in _BEFORE_FIRST_WORD:
        position -= 1
    return position == 0 or text[position - 1] in ".!?:;\n"


def _between(text: str, left: _Word, right: _Word, allowed: str = r"\s*") -> bool:
    return re.fullmatch(allowed, text[left.full_end : right.start]) is not None


def _name_like(word: _Word) -> bool:
    """Capitalised, and not a word that is never a name here."""
    return word.capitalised and word.lower not in NOT_NAMES


def _known_first_name(word: _Word, *, common_only: bool = False) -> bool:
    """A first name in the lists; a double-barrelled one ("Amelia-Rose") by its first part."""
    every, common = names.first_names()
    listed = common if common_only else every
    return word.lower in listed or word.lower.split("-")[0] in listed


def _known_surname(word: _Word) -> bool:
    return word.lower in names.surnames()


def _plural_surname(word: _Word) -> bool:
    """"the Patels", "the Smiths", "the Joneses"."""
    lower = word.lower
    for ending in ("es", "s"):
        if lower.endswith(ending) and len(lower) > len(ending) + 2:
            base = lower[: -len(ending)]
            if base in names.surnames() and base not in NOT_NAMES and base not in CONCEPTS:
                return True
    return False


# Acronyms the work writes in capitals, which a word in capitals inside an ordinary sentence usually is.
ACRONYMS = frozenset(
    """mash camhs gp dsl ddsl nfa cp cin lado ehcp ehc send senco sendco iro marac mappa dv da dva cse cce csa fgm
    plo icpc rcpc cla lac uasc adhd asd asc ptsd ocd gcse gcses neet pru ap nhs ae icu nicu scbu csc dfe ofsted cqc
    icb pcso cid jtai cspr scr lscp sab nps yot yos idva isva miam salt ot tac taf caf eha fsw asb dbs dob aka asap
    fyi tbh imo omg lol irl rip ico gdpr safer unicef unesco ngo sen hmrc dwp ucas sats ks tafs pep lsa ta ehat
    cahms mhst ldn hb ftt mpft elsa kcsie wttsc fii""".split()
)
_MOSTLY_CAPITALS = 0.5
CAPITALS_WORD = re.compile(r"\b[A-Z]{3,}\b")


def _capitals_as_names(text: str) -> str:
    """`text` with each name typed in capitals inside an otherwise ordinary sentence written as a name ("Did anyone
    ask SAOIRSE" -> "Did anyone ask Saoirse"), the same length, so the name rules see it. A word in capitals is a
    name when a names list has it or, unlisted, when it sounds like one (two vowels) where a name stands (after
    "asked", "with", "told"; before "said", "was"); an acronym (MASH, CAMHS, LADO), an English word said loudly
    ("NOT", "TWO YEARS") and text typed all in capitals are left alone."""
    # Most reflections have no word in capitals but the work's acronyms: nothing more to do.
    if all(match.group(0).lower() in ACRONYMS or match.group(0).lower() in SERVICES
           for match in CAPITALS_WORD.finditer(text)):
        return text
    words = [(match.group(0), match.start()) for match in WORD.finditer(text)]
    shouted = [word for word, _ in words if len(word) >= 2 and word.isupper()]
    if len(shouted) > len(words) * _MOSTLY_CAPITALS:
        return text
    out = list(text)
    for k, (word, start) in enumerate(words):
        if len(word) < 3 or not word.isupper():
            continue
        lower = word.lower().replace("\u2019", "'")
        bare = lower[:-2] if lower.endswith("'s") else lower
        if bare in ACRONYMS or bare in SERVICES or bare in NOT_NAMES:
            continue
        listed = _known_first_name(_Word(bare.title(), 0, len(bare), False, False))
        previous = words[k - 1][0].lower() if k else ""
        following = words[k + 1][0].lower() if k + 1 < len(words) else ""
        if names.is_english_word(bare):
            # A listed name that is also a word ("JORDAN", "WILL", "HOPE") only where a word said loudly is not:
            # after asking or telling someone, before what a person said or did.
            if not listed or not (previous in ("ask", "asked", "told", "tell", "met", "called", "named")
                                  or following in PERSON_VERBS):
                continue
        elif not listed:
            in_place = previous in PERSON_BEFORE or previous in ("ask", "with", "and", "called", "named") or (
                following in PERSON_VERBS or following in LOWER_PERSON_VERBS or following in ("was", "is")
            )
            if not in_place or len(re.findall(r"[aeiouy]", bare)) < 2:
                continue
        out[start + 1 : start + len(word)] = word[1:].lower()
    return "".join(out)


def _names_of_no_one(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that name no one in the case: national cases, conditions, public figures, organisations.
    The slower patterns run only when a word they need is there (a condition's noun, an organisation's, "said"
    after "as")."""
    lower = text.lower()
    patterns = [PUBLIC_CASES, CONDITIONS, PUBLIC_FIGURES, ORGANISATIONS]
    if any(noun in lower for noun in _CONDITION_NOUNS):
        patterns.append(CONDITION_BEFORE_NOUN)
    if "words of" in lower or "as " in lower and any(verb in lower for verb in (" said", " wrote", " put it")):
        patterns.append(QUOTED_FIGURE)
    spans = [match.span(match.lastindex or 0) for pattern in patterns for match in pattern.finditer(text)]
    for match in ORGANISATION_BEFORE_NOUN.finditer(text) if any(n in lower for n in _ORGANISATION_SUBSTRINGS) else ():
        if _an_organisation(text, match):
            spans.append(match.span())
    return spans


def _an_organisation(text: str, match: re.Match) -> bool:
    """Whether a capitalised word before an organisation's noun is the organisation's name: not a child's
    ("Ellie's website", "I told Kai trust takes time", "we asked Amara practice questions"). A first name is the
    organisation's only after "the", "a", "at", "from" and the like ("the Hollie Guard app", "at the Jackson
    practice") or with the noun capitalised ("Jackson Trust"); any other word is ("Lloyds pharmacy", "Shelter's
    helpline")."""
    words = WORD.findall(match.group(0))
    name = re.sub(r"['\u2019]s$", "", words[0])
    first = _Word(name, 0, len(name), False, False)
    if not _known_first_name(first) and not _known_surname(first) or name.lower() in SERVICES:
        return True
    if words[-1][0].isupper():
        return True
    before = WORD.findall(text[max(0, match.start() - 12) : match.start()])
    return bool(before) and before[-1].lower() in ("the", "a", "an", "at", "from", "via", "by", "our", "their",
                                                   "local", "in", "on", "of")


def _names(text: str) -> list[tuple[int, int]]:
    """Spans of text that name a person or a family."""
    words = _words(text)
    spans: list[tuple[int, int]] = []

    def name_run(index: int) -> int:
        """How many name-like words start at `index`: a full name ("Ngozi Eze", "Mary Ann Smith", "Daniel Green")
        is a name-like word and up to two more, the later ones possibly words that are also surnames."""
        count = 0
        while index + count < len(words) and count < 3:
            word = words[index + count]
            if count and not (_between(text, words[index + count - 1], word) and _surname_like(word)):
                break
            if not count and not _name_like(word):
                break
            count += 1
            if word.possessive:
                break
        return count

    def add(first: int, count: int) -> None:
        spans.append((words[first].start, words[first + count - 1].end))

    def joined(left: int, right: int) -> bool:
        return 0 <= left and right < len(words) and _between(text, words[left], words[right])

    lower_case_typist = not any(word.sentence_start and word.text[0].isupper() for word in words)
    # Someone Who Capitalises Every Word: a capital says nothing, so an unlisted capitalised word is not taken for
    # a name (the lists and the context rules still apply).
    inside = [word for word in words if not word.sentence_start]
    title_case = len(inside) >= 3 and sum(word.text[0].isupper() for word in inside) * 3 > len(inside) * 2
    # Spans that name no one whatever their words: national cases, conditions, public figures, organisations.
    public = _names_of_no_one(text)
    for i, word in enumerate(words):
        if public and any(start <= word.start < end for start, end in public):
            continue
        previous = words[i - 1] if i else None
        following = words[i + 1] if i + 1 < len(words) else None
        relation_follows = following is not None and following.lower in RELATIONS and joined(i, i + 1)
        language_follows = following is not None and following.lower in LANGUAGES and joined(i, i + 1)
        # Typed all in lower case, a name still shows by a relation next to it: "jordan's nan", "his mum sarah".
        if not word.capitalised:
            # Initials given as a name: "known as JJ", "a boy called TJ".
            if word.text.isupper() and 2 <= len(word.text) <= 3 and (
                _called_before(text, word.start) or _after_nickname(words, i, joined)
            ) and word.lower not in TEXT_SPEAK and word.lower not in ACRONYMS:
                add(i, 1)
                continue
            # A surname typed in lower case after a title or a rank: "sergeant davies", "mrs begum", "pc hughes".
            if previous is not None and previous.lower in LOWER_TITLES and joined(i - 1, i) and word.text.islower() and (
                # After "mr", "mrs" or "dr" any listed surname counts ("dr patel"); after a rank, which is also a
                # word ("detective work", "miss sunshine"), one the dictionary lacks in this form ("sergeant
                # davies"); after letters ("pc", "ds"), only one that is no English word at all ("pc games").
                (_known_surname(word) or _known_first_name(word)) and word.lower not in ORDINARY_WORDS
                and word.lower not in NOT_NAMES and word.lower not in PEOPLE_NOUNS
                and (previous.lower in ("mr", "mrs", "ms", "mx", "dr")
                     or len(previous.lower) > 3 and not names.listed_as_word(word.lower)
                     or not names.is_english_word(word.lower))
                or _unknown_word(word.lower)
            ):
                add(i, 1)
                continue
            # A listed first name after a relation and before what a person does, even one that is a word too:
            # "nanny pat said no", "uncle rob told us".
            if previous is not None and previous.lower in RELATIONS and not previous.possessive and joined(i - 1, i) and (
                word.text.islower() and _known_first_name(word) and following is not None and joined(i, i + 1)
                and (following.lower in PERSON_VERBS or following.lower in LOWER_PERSON_VERBS)
                and following.lower not in ("had", "has") and word.lower not in NOT_NAMES
            ):
                add(i, 1)
                continue
            # A family by its surname in the plural, typed in lower case: "the okonkwos moved", "the wisniewskis".
            if _plural_family(text, words, i, joined):
                add(i, 1)
                continue
            # A contraction ("won't", "they'd") or text-speak ("tbh", "camhs") is never a name.
            if CONTRACTION.search(word.lower) or word.lower in TEXT_SPEAK:
                continue
            # A first name typed in lower case: a common one, or any listed one that is no English word ("ruairi",
            # "maddox"); the words that are both ("will", "rose") are left to context.
            lower_case_name = (
                word.text.islower()
                and word.lower not in NOT_NAMES
                and word.lower not in ORDINARY_WORDS
                and (_known_first_name(word, common_only=True)
                     or (_known_first_name(word) and len(word.lower) >= 4 and not names.is_english_word(word.lower)))
            )
            # Next to a relation, any word that is no English word is a name: "aoibhinn's mum", "his sister zsofia".
            next_to_relation = (word.possessive and relation_follows) or (
                previous is not None and previous.lower in RELATIONS and not previous.possessive
                and _between(text, previous, word, r"\s*,?\s*")
            )
            if next_to_relation and (lower_case_name or (
                word.text.islower() and len(word.lower) >= 3 and word.lower not in NOT_NAMES
                and word.lower not in SERVICES and word.lower not in ORDINARY_WORDS
                and not names.is_english_word(word.lower)
            )):
                add(i, 1)
            # From someone who types in lower case (no sentence of theirs starts with a capital), a common first
            # name that is no English word is a name wherever it stands ("the thing with kacper", "saw aaliyah at
            # 6 wks", "mr chen"): they do not capitalise names either. The words that are both ("will", "soon",
            # "on the ward") are in ORDINARY_WORDS or LOWER_CASE_WORDS; two letters are too short to tell ("jo",
            # "ty"). Someone who capitalises sentences capitalises names, so their lower-case word is a word or a
            # typo ("Visit soner").
            elif (
                lower_case_typist and lower_case_name and len(word.lower) >= 3 and word.lower not in LOWER_CASE_WORDS
                # "rose-tinted": a hyphenated word only when every part is a name ("lacey-mae")
                and all(_known_first_name(_Word(part, 0, 0, False, False)) for part in word.lower.split("-"))
                and not (previous is not None and previous.lower in SAINTS)  # "st mary's"
                and not (word.possessive and following is not None and following.lower in NAMED_THINGS)
            ):
                add(i, 1)
            # Someone who capitalises can still type a name in lower case; where a name stands it is one: a
            # listed first name ("mum said jayden was ...", "a girl called amara", "spoke to the head about
            # reuben"), or a word no list and no dictionary has where only a person stands ("i remember tiegan
            # from ...", "a boy called ruairidh", "tiegan said").
            elif word.text.islower() and word.lower not in ORDINARY_WORDS and (
                # two letters ("jo", "ty") only with a listed surname after them: "social worker jo pemberton"
                len(word.lower) >= 3 or following is not None and joined(i, i + 1) and following.text.islower()
                and len(following.lower) >= 3 and _known_surname(following) and lower_case_name
            ) and (
                word.lower not in LOWER_CASE_WORDS and word.lower not in NOT_NAMES and word.lower not in SERVICES
                # "tick-box": a hyphenated word only when every part is a name ("lacey-mae")
                and all(_known_first_name(_Word(part, 0, 0, False, False)) for part in word.lower.split("-")[1:])
            ):
                unknown = not lower_case_name and _unknown_word(word.lower) and not _known_first_name(word)
                position = _lower_name_position(text, words, i, joined) if lower_case_name or unknown else ""
                # A listed name that is also an English word ("kai", "mentor", "liberty") needs "called" or what
                # a person does after it: "with mentor support" and "about liberty" are words.
                # ... unless a surname no dictionary has follows it where a person stands ("the social worker on
                # ours jo pemberton").
                surname_follows = (
                    following is not None and joined(i, i + 1) and following.text.islower()
                    and _known_surname(following) and not names.is_english_word(following.lower)
                )
                if names.is_english_word(word.lower) and position not in ("called", "verb") and not (
                    position == "takes a person" and surname_follows
                ):
                    position = ""
                if position in ("called", "verb", "takes a person") or (position and lower_case_name):
                    add(i, 2 if surname_follows else 1)
            continue
        if word.lower in TEXT_SPEAK:  # "Tbh", "Ta", "Thankyou"
            continue
        as_typed = text[word.start : word.full_end].lower().replace("\u2019", "'")
        if word.possessive and as_typed in NOT_NAMES:  # "McDonald's", "Barnardo's"
            continue
        # A title: "Mrs Begum", "Dr Okonkwo", "Mr and Mrs Khan", "Mrs P Singh" (not "Ms A", a pseudonym). After a
        # title even a word that is never a name alone is a surname: "Mrs Green", "Mr Hall", "Mrs May".
        title = i - 1
        while title > 0 and len(words[title].text) == 1 and words[title].text.isupper() and i - title <= 2:
            title -= 1  # initials between the title and the surname
        # But not a plural or a word no one is called ("Mr Men books", "Dr Who"): a word of NOT_NAMES after a
        # title must be a known surname.
        if title >= 0 and TITLES.fullmatch(words[title].text) and _between(
            text, words[title], word, r"\.?\s+(?:[A-Z]\.?\s+){0,2}"
        ) and word.lower not in PEOPLE_NOUNS and (
            word.lower not in NOT_NAMES or _known_surname(word) or word.lower in SURNAMES_THAT_ARE_WORDS
        ):
            add(i, max(1, name_run(i)))
            continue
        if word.lower in NOT_NAMES:
            continue
        if previous is not None and previous.lower in SAINTS and _between(text, previous, word, r"\.?\s+"):
            continue
        # A nickname: "Big Kev", "Lil Dre"; not "the Big Lottery Fund" or "Big Brother Watch" (English words).
        if _after_nickname(words, i, joined) and previous.text[0].isupper() and (
            not names.is_english_word(word.lower) and word.lower not in ORDINARY_WORDS
            and not (following is not None and following.capitalised and joined(i, i + 1))
        ):
            add(i, 1)
            continue
        # Not someone in the case unless a relation, a role, "called" or a family word says so: a theorist and
        # their model ("Kolb's cycle", "Maslow", "Arnstein's ladder"), a language or a nationality ("spoke
        # Amharic", "the interpreter was Moldovan") and a country in a list ("through Bulgaria, Serbia and
        # Hungary").
        said_to_be_a_person = relation_follows or (
            following is not None and following.lower in FAMILY_WORDS and joined(i, i + 1)
        ) or (previous is not None and (previous.lower in RELATIONS or previous.lower in ROLES)) or (
            _called_before(text, word.start)
        )
        if not said_to_be_a_person and (_a_theory(words, i, joined) or _a_country(words, i, joined)):
            continue
        # "the Eritrean boys", "the Moldovan dad": a nationality before a family word or a relation is still a
        # nationality; someone's relation ("Dari's mum") or a relation's name ("his mum Dari") is a person.
        named_by_relation = (word.possessive and relation_follows) or (
            previous is not None and (previous.lower in RELATIONS or previous.lower in ROLES)
        ) or _called_before(text, word.start)
        if not named_by_relation and _a_language(words, i, joined):
            continue
        if _a_place(words, i, joined) or _a_colour(words, i, joined) or _a_way_of_working(words, i, joined):
            continue
        # A document named after people ("the Munro review", "the Arthur and Star review") names no one in the case.
        if (following is not None and following.lower in DOCUMENT_WORDS and joined(i, i + 1)) or (
            i + 3 < len(words) and words[i + 1].lower == "and" and words[i + 2].capitalised
            and words[i + 3].lower in DOCUMENT_WORDS and joined(i, i + 1) and joined(i + 1, i + 2)
            and joined(i + 2, i + 3)
        ):
            continue
        if not word.possessive and PERSON_AFTER.match(text, word.full_end):
            add(i, 1)
            continue
        # Someone named by a relation, a role or "called": "his mum Sarah", "Baby Isla", "a girl called Amara",
        # "the health visitor, Karen", "Dad (Gary)", "known as JJ".
        if previous is not None and not previous.possessive and _between(text, previous, word, r"\s*[,(]?\s*"):
            relation = previous.lower in RELATIONS
            role = previous.lower in ROLES and _known_first_name(word)
            if relation or role:
                add(i, name_run(i))
                continue
        if _called_before(text, word.start):
            add(i, name_run(i))
            continue
        # A family: "the Walker family", "the Kowalski twins", "the Patels", "the Johnson case".
        if previous is not None and previous.lower == "the" and not word.possessive:
            if following is not None and following.lower in FAMILY_WORDS and joined(i, i + 1):
                add(i, 1)
                continue
            if _plural_surname(word) and not (following is not None and following.capitalised and joined(i, i + 1)):
                add(i, 1)
                continue
        if _plural_family(text, words, i, joined):
            add(i, 1)
            continue
        # Someone's: "Ellie's mum", "Kai's school", "Poppy's foster carer", "Tomasz Nowak's kids". A possessive
        # before a capitalised word names a thing instead: "Clare's Law", "St Mary's Hospital".
        if word.possessive and not (following is not None and following.capitalised and not relation_follows
                                    and not language_follows and joined(i, i + 1)):
            if relation_follows or (word.lower not in CONCEPTS and (_known_first_name(word) or _known_surname(word))):
                add(i, 1)
                continue
        # Described as a person straight after: "Rose, the middle child, was ...", "Kai, her brother".
        if APPOSITION.match(text, word.full_end):
            add(i, 1)
            continue
        # Part of a capitalised title joined by small words: "Keeping Children Safe in Education", "Our Lady of
        # Lourdes", "Team Around the Family". Names are joined by "and", so that one does not count.
        if i >= 2 and previous.lower in TITLE_JOINERS and joined(i - 1, i) and joined(i - 2, i - 1) and (
            words[i - 2].capitalised
        ):
            continue
        # A full name: a first name and another name-like word ("Jordan Hall", "Ngozi Eze"), not part of a longer
        # capitalised title such as "Leeds City Council" (its last word is never a name).
        if _known_first_name(word) and following is not None and not word.possessive:
            run = name_run(i)
            longer = i + run < len(words) and words[i + run].capitalised and joined(i + run - 1, i + run)
            before_capitalised = (
                previous is not None and previous.capitalised and joined(i - 1, i)
                and not (previous.sentence_start and previous.lower in SENTENCE_OPENERS)
            )
            if run >= 2 and not longer and not before_capitalised:
                if word.lower not in ORDINARY_WORDS or _known_surname(words[i + 1]):
                    add(i, run)
                    continue
            if (longer or before_capitalised) and _all_names(_capitalised_run(words, i, joined)):
                add(i, 1)  # names one after another: "Sarah Jones Kai Hall", "Aisha Rahman Begum Khan"
                continue
        # A first name on its own: "we closed the case on Aiden", "Bogdan worked nights", "ask Destiny". At the
        # start of a sentence only a common first name that is not also an ordinary word counts ("Will we...",
        # "Hope is not a plan"); inside a sentence an ordinary word capitalised is a name ("we asked Will"),
        # except the concepts people capitalise ("our Faith leaders"). After "the", "a" or "our" it names a
        # thing ("the Brook tool", "a Barnardo's worker"), not a person.
        if _known_first_name(word) and word.lower not in CONCEPTS:
            # A rarer listed name opens a sentence as a name when it is no English word ("Hamish missed ...").
            if word.sentence_start and (word.lower in ORDINARY_WORDS or (
                not _known_first_name(word, common_only=True) and names.is_english_word(word.lower)
            )):
                continue
            if previous is not None and previous.lower in DETERMINERS and joined(i - 1, i):
                continue
            part_of_title = (
                (following is not None and following.capitalised and joined(i, i + 1))
                or (previous is not None and previous.capitalised and not previous.sentence_start and joined(i - 1, i))
            )
            if not part_of_title:
                add(i, 1)
                continue
        if not title_case and _unlisted_name(text, words, i, joined):
            add(i, max(1, name_run(i)))
    return _merge(spans)


# Before a country or a council area, where someone comes from, lives or goes: "came from Jordan", "moved to
# Kirklees", "lived in Georgia" (but "talked to Jordan" is a person: see TALKED).
# "through" and "fled" too: a route ("fled Syria through Jordan", "came via Libya") passes places, not people.
PLACE_PREPOSITIONS = frozenset(
    "in from to into across around near via visiting toward towards back through thru fled crossed".split()
)


def _a_place(words: list[_Word], i: int, joined) -> bool:
    """A country or a UK council area after "from", "in" or "to", or a word of one: "the family came from
    Jordan", "fled from Sierra Leone"."""
    if not any(word.lower in PLACE_PREPOSITIONS for word in words[max(0, i - 3) : i]):
        return False
    places = names.places()
    for first in range(i, max(0, i - 2) - 1, -1):  # the place may start up to two words before this one
        if first == 0 or not all(joined(k, k + 1) for k in range(first - 1, i)):
            continue
        previous = words[first - 1]
        if previous.lower not in PLACE_PREPOSITIONS or (
            previous.lower == "to" and first >= 2 and words[first - 2].lower in TALKED
        ):
            continue
        for last in range(i, min(first + 3, len(words))):
            if (last == i or joined(last - 1, last)) and not any(w.possessive for w in words[first:last]) and (
                not words[last].possessive and " ".join(w.lower for w in words[first : last + 1]) in places
            ):
                return True
    return False


def _a_colour(words: list[_Word], i: int, joined) -> bool:
    """A colour in a rating, not a girl's name: "from Amber to Red", "rated Amber", "Ruby Red flags", "RAG: Red,
    Amber, Green"."""
    word = words[i]
    if word.lower not in COLOURS or word.possessive:
        return False
    # A rating word just before: "rated Amber", "the RAG was Amber", "flagged as Red".
    if any(words[k].lower in RATED_BEFORE for k in range(max(0, i - 3), i)):
        return True
    # Another colour next to it, or one word ("to", "and", "or", "then") away: "Amber to Red", "Red, Amber".
    for other in (i - 2, i - 1, i + 1, i + 2):
        if 0 <= other < len(words) and words[other].lower in COLOURS and words[other].text[0].isupper():
            if all(w.lower in ("to", "and", "or", "then") for w in words[min(i, other) + 1 : max(i, other)]):
                return True
    return False


def _a_way_of_working(words: list[_Word], i: int, joined) -> bool:
    """A capitalised name followed by what it names: an approach, a model, a tool ("the Think Family approach",
    "the Solihull Approach", "Lundy model", "Ruby Red flags")."""
    if words[i].possessive:
        return False
    run = _capitalised_run(words, i, joined)
    last = words.index(run[-1], i)
    return last + 1 < len(words) and not run[-1].possessive and joined(last, last + 1) and (
        words[last + 1].lower in THING_AFTER
    )


# Theorists whose names training talk uses on their own ("Bowlby and Winnicott came up", "Gibbs and Schön"):
# a category, like the agencies, not someone in the case.
THEORISTS = frozenset(
    """maslow bowlby kolb bronfenbrenner gibbs schön schon piaget vygotsky erikson erickson winnicott rogers
    johns freud ainsworth bandura karpman arnstein mumford bion goleman seligman kübler-ross kubler-ross
    rutter fahlberg brandon munro egan heron""".split()
)
# After a possessive, what names a theorist's work: "Kolb's cycle", "Maslow's hierarchy", "Karpman's triangle".
THEORY_WORDS = THING_AFTER | frozenset(
    """cycle cycles hierarchy triangle triangles ladder ladders stages wheel pyramid circle circles loop curve
    quadrant quadrants window typology spectrum continuum diamond reflective ecological attachment drama
    levels needs styles learning""".split()
)
# Around a word, what makes it a language: "spoke Amharic", "a Dari interpreter", "Pashto speaker".
LANGUAGE_BEFORE = frozenset(
    "spoke speak speaks speaking spoken fluent translated translate translating interpreted into in only".split()
)
LANGUAGE_AFTER = frozenset(
    """speaker speakers speaking interpreter interpreters interpreting translator translators translation
    language languages dialect dialects""".split()
)


def _a_theory(words: list[_Word], i: int, joined) -> bool:
    """A theorist, or someone's name before their model: "Bowlby", "Kolb's cycle", "Arnstein's ladder"."""
    word = words[i]
    if word.lower in THEORISTS or word.lower.replace("ö", "o") in THEORISTS:
        return True
    following = words[i + 1] if i + 1 < len(words) else None
    if word.possessive and following is not None and joined(i, i + 1) and following.lower in THEORY_WORDS:
        return True
    # The first of two: "Honey and Mumford's learning styles".
    return (
        i + 3 < len(words) and words[i + 1].lower == "and" and words[i + 2].possessive
        and words[i + 3].lower in THEORY_WORDS and joined(i, i + 1) and joined(i + 1, i + 2) and joined(i + 2, i + 3)
    )


def _a_language(words: list[_Word], i: int, joined) -> bool:
    """A language (ISO 639-3) or a nationality (made from a country's name): "spoke Tigrinya", "a Sorani
    speaker", "the interpreter was Moldovan", "Eritrean and Sudanese young people". A language's name that is
    also a listed name counts only where a language stands: after "spoke", before "interpreter", or listed with
    another language."""
    word = words[i]
    lower = word.lower
    if names.is_nationality(lower):
        return True
    if lower not in names.languages():
        return False
    if not (_known_first_name(word) or _known_surname(word)):
        return True
    previous = words[i - 1] if i else None
    following = words[i + 1] if i + 1 < len(words) else None
    if previous is not None and joined(i - 1, i) and previous.lower in LANGUAGE_BEFORE | LANGUAGE_AFTER:
        return True
    if following is not None and joined(i, i + 1) and following.lower in LANGUAGE_AFTER:
        return True
    return any(
        0 <= k < len(words) and k != i and words[k].lower in names.languages() and words[k].capitalised
        and words[(i + k) // 2].lower in ("and", "or") for k in (i - 2, i + 2)
    )


def _a_country(words: list[_Word], i: int, joined) -> bool:
    """A country or a UK council area that no names list has as a first name, anywhere ("through Bulgaria,
    Serbia and Hungary"); one that is also a first name ("Jordan", "Georgia") only in a list with another place
    ("Kenya, Jordan and Syria") or after "from", "in", "to" (_a_place)."""
    word = words[i]
    places = names.places()
    if word.lower not in places:
        return False
    if not _known_first_name(word):
        return True
    for k in (i - 1, i + 1, i - 2, i + 2):
        if 0 <= k < len(words) and k != i and words[k].lower in places and words[k].capitalised:
            between = words[min(i, k) + 1 : max(i, k)]
            if all(w.lower in ("and", "or", "then") for w in between):
                return True
    return False


# Titles and ranks as typed in lower case, before a surname: "sergeant davies", "mrs begum".
LOWER_TITLES = frozenset(
    "mr mrs ms miss mx dr sergeant sarge sgt inspector insp constable detective pc dc ds di dci pcso cllr".split()
)
# Before a nickname: "Big Kev", "Lil Dre", "lil man TJ".
NICKNAME_BEFORE = frozenset("big lil lil' little".split())


def _after_nickname(words: list[_Word], i: int, joined) -> bool:
    if i == 0 or not joined(i - 1, i):
        return False
    previous = words[i - 1]
    if previous.lower in NICKNAME_BEFORE and previous.lower != "little":  # "little" is a relation already
        return True
    return previous.lower == "man" and i >= 2 and words[i - 2].lower in NICKNAME_BEFORE and joined(i - 2, i - 1)


# After a family's surname in the plural and typed in lower case, what they did or a full stop: "the okonkwos
# moved", "we visited the wisniewskis."
_FAMILY_PLURAL_AFTER = LOWER_PERSON_AFTER | LOWER_PERSON_VERBS | frozenset(
    "were are had have did all both and never always".split()
)


def _plural_family(text: str, words: list[_Word], i: int, joined) -> bool:
    """"the Mbekis", "the okonkwos", "the Kowalczyks": after "the", a plural whose singular is a surname no
    dictionary has, or no word at all."""
    word = words[i]
    lower = word.lower
    if i == 0 or words[i - 1].lower != "the" or not joined(i - 1, i) or not lower.endswith("s") or len(lower) < 5:
        return False
    if lower in TEXT_SPEAK or lower in SERVICES or lower in NOT_NAMES or names.is_english_word(lower):
        return False
    stem = lower[:-2] if lower.endswith("es") and not _unknown_word(lower[:-1]) else lower[:-1]
    if stem in TEXT_SPEAK or stem in SERVICES or stem in NOT_NAMES or names.is_english_word(stem):
        return False
    if not (_unknown_word(stem) or stem in names.surnames()):
        return False
    if word.capitalised:
        return True
    following = words[i + 1] if i + 1 < len(words) else None
    rest = text[word.full_end :].lstrip("'\u2019")
    return following is None or not rest[:1].isspace() or (
        joined(i, i + 1) and following.lower in _FAMILY_PLURAL_AFTER
    )


# Endings of English nouns and adjectives that dictionaries lag behind ("adultification", "neurotypicality",
# "minoritised", "gatekeeping"); names do not end so.
WORD_ENDINGS = (
    "tion", "sion", "ment", "ness", "ity", "ism", "isation", "ization", "ology", "ised", "ized", "ising", "izing",
    "able", "ible", "ful", "less", "ous", "ive", "ings", "ist", "ists", "ship", "hood", "phobia", "ally",
    "ified", "ifies", "ify",
)
# Prefixes of the work's words: what follows them is an English word in "Intrafamilial", "Neurodivergence",
# "Dysregulated", "Extrafamilial", "Perinatal".
PREFIXES = (
    "intra", "extra", "inter", "neuro", "dys", "hyper", "hypo", "pre", "post", "anti", "non", "multi", "over",
    "under", "co", "re", "un", "mis", "peri", "trans", "sub", "super", "counter", "cyber", "micro", "mega", "self",
)
CONTRACTION = re.compile(r"['\u2019](?:t|ll|ve|re|d|m)$")
_VOWEL = re.compile(r"[aeiouyàáâäãåèéêëìíîïòóôöõùúûüæø]")


def _lower_name_position(text: str, words: list[_Word], i: int, joined) -> str:
    """Whether a lower-case word stands where a name does: "called" (after "called", "named", "his name was"),
    "takes a person" (after "remember", "about", "asked", "thinking of"), "verb" (before what only a person
    does: "said", "told", or "was" where a clause starts: "mum said tayo was"), "weak" (before "was", "had" and
    the like), or "" (elsewhere, and after "the", "a" or "our": a thing, "the lado was told")."""
    previous = words[i - 1] if i else None
    next_word = words[i + 1].lower if i + 1 < len(words) else ""
    # "that" opens a clause before what a person did ("what hurt was that oskarina stopped coming").
    clause = previous is not None and previous.lower == "that" and (
        next_word in PERSON_VERBS or next_word in LOWER_PERSON_VERBS or next_word in ADVERBS
    )
    if previous is not None and previous.lower in DETERMINERS and joined(i - 1, i) and not clause:
        return ""
    if _called_before(text, words[i].start):
        return "called"
    after = i + 1
    while after < len(words) and words[after].lower in ADVERBS and joined(after - 1, after):
        after += 1
    if after < len(words) and joined(after - 1, after) and not words[i].possessive:
        if (words[after].lower in PERSON_VERBS or words[after].lower in LOWER_PERSON_VERBS) and (
            words[after].lower not in ("had", "has")
        ):
            return "verb"
        # Where a clause starts, "was", "had" and the like are what its subject, a person, did: "mum said tayo
        # was out", "fatuma never had an interpreter" (opening the text or a sentence).
        if words[after].lower in LOWER_PERSON_AFTER and (
            previous is None or previous.lower in CLAUSE_OPENERS or words[i].sentence_start
        ):
            return "verb"
    if previous is not None and joined(i - 1, i) and (
        previous.lower in PERSON_BEFORE or previous.lower in ROLES
        or previous.lower == "of" and i >= 2 and words[i - 2].lower in PERSON_OF
    ):
        return "takes a person"
    # A role and whose it is, then the name: "the social worker on ours jo pemberton", "the iro on the case, dev
    # patel", "health visitor for that family kerry lewis".
    if previous is not None and previous.lower in ("ours", "case", "family", "team", "caseload") and _between(
        text, previous, words[i], r"\s*[,:(–—-]?\s*"
    ) and any(word.lower in ROLES for word in words[max(0, i - 6) : i - 1]):
        return "takes a person"
    if after < len(words) and joined(after - 1, after) and words[after].lower in LOWER_PERSON_AFTER:
        return "weak"
    return ""


@lru_cache(maxsize=8192)  # the same words recur from reflection to reflection
def _unknown_word(lower: str) -> bool:
    """A word that no dictionary has, that is not text-speak and that could be said aloud: a spelling of a name
    the lists lack ("tiegan", "Thandiwe"), not "tbh", "Soooo", a word newer than the dictionary
    ("adultification"), two words run together ("Lockdown", "Harehills") nor a slip in one of the work's words
    ("Referal", "famly")."""
    if len(lower) < 4 or lower in TEXT_SPEAK or lower in SERVICES or lower in NOT_NAMES or lower in LANGUAGES:
        return False
    if not _VOWEL.search(lower) or re.search(r"(.)\1\1", lower) or CONTRACTION.search(lower):
        return False
    if names.is_english_word(lower) or lower.endswith(WORD_ENDINGS):
        return False
    # Two English words run together ("lockdown", "homeschooling", "interagency", "harehills", "hotdesking"), or
    # a prefix before one ("intrafamilial", "dysregulated").
    if any(
        names.is_english_word(lower[:cut]) and names.is_english_word(lower[cut:])
        for cut in range(3, len(lower) - 3) if cut >= 4 or len(lower) - cut >= 5
    ):
        return False
    if any(lower.startswith(prefix) and len(lower) - len(prefix) >= 5 and names.is_english_word(lower[len(prefix):])
           for prefix in PREFIXES):
        return False
    return not _misspelt_work_word(lower)


def _place_like(lower: str) -> bool:
    """A capitalised word no list has that ends as English places do ("Harehills", "Chapeltown", "Seacroft")."""
    return lower.endswith(PLACE_ENDINGS)


def _a_thing(word: _Word) -> bool:
    """An acronym ("BSL"), a brand in capitals inside ("TikTok") or a service, app or agency's word."""
    text = word.text
    return (
        (len(text) >= 2 and text.isupper())
        or any(letter.isupper() for letter in text[1:]) and not re.match(r"(?:Mc|Mac|O['\u2019])[A-Z]", text)
        or (word.lower in NOT_NAMES and word.lower not in RELATIONS)
        or word.lower in SERVICES
    )


def _unlisted_name(text: str, words: list[_Word], i: int, joined) -> bool:
    """A capitalised word no names list has, no English word and none of the words reflections use: inside a
    sentence, a person's name ("we asked Teaghan", "J. Achterberg"), unless where it stands makes it a place ("in
    Harehills"), a thing ("the Liquidlogic flag") or part of an organisation's name ("Riverside Academy"); at a
    sentence's start, a name only when what a person does follows ("Teaghan said")."""
    word = words[i]
    lower = word.lower
    if len(lower) < 3 or lower in NOT_NAMES or lower in CONCEPTS or lower in ORDINARY_WORDS or lower in LANGUAGES:
        return False
    if lower.endswith("s") and lower[:-1] in NOT_NAMES or lower in SERVICES:  # "Saturdays", "Childline"
        return False
    # A contraction ("I'm", "I've", "Don't"), not a name with an apostrophe ("O'Neill", "D'Souza").
    if ("'" in lower or "\u2019" in lower) and not re.match(r"[a-z]{1,2}['\u2019][a-z]{3}", lower):
        return False
    # Capitals inside a word are a brand's or a system's ("TikTok", "SystmOne"), except Mc/Mac/O' names.
    for part in word.text.split("-"):
        if any(letter.isupper() for letter in part[1:]) and not re.match(r"(?:Mc|Mac|O['\u2019])[A-Z]", part):
            return False
    if names.is_english_word(lower) or (len(lower) >= 4 and not _unknown_word(lower)):
        return False
    previous = words[i - 1] if i else None
    following = words[i + 1] if i + 1 < len(words) else None
    # An initial and a surname: "J. Okonkwo", "A Kowalczyk" (even where "A" could be the article).
    if previous is not None and len(previous.text) == 1 and previous.text.isupper() and _between(
        text, previous, word, r"\.?\s+"
    ):
        return True
    # Someone's, before a lower-case noun, is a person's whatever word comes before: "gave it to Tiarna's social
    # worker", "in Keeley's room" (a place's would be "Harehills' park", rarely typed).
    persons = word.possessive and following is not None and following.text.islower() and not _place_like(lower)
    if previous is not None and joined(i - 1, i) and not persons:
        if previous.lower in DETERMINERS or previous.lower in SAINTS:
            return False
        # "on" before a person: "we closed the case on Ifeoluwa", "checked on", "kept an eye on".
        if previous.lower in PLACE_BEFORE and not (
            i >= 2 and joined(i - 2, i - 1) and (
                previous.lower == "on" and words[i - 2].lower in PERSON_ON
                or previous.lower == "of" and words[i - 2].lower in PERSON_OF
            )
        ):
            return False
        if previous.lower == "to" and not (i >= 2 and words[i - 2].lower in TALKED):
            return False
    # Part of a capitalised name whose other words name an organisation or a place ("Riverside Academy", "Acorn
    # Centre", "Leeds Harehills"); a title or a relation before a name is no such word.
    for neighbour in _capitalised_run(words, i, joined):
        if neighbour is not word and neighbour.lower in NOT_NAMES and neighbour.lower not in RELATIONS and not (
            TITLES.fullmatch(neighbour.text)
        ):
            return False
    if following is not None and following.lower in DOCUMENT_WORDS and joined(i, i + 1):
        return False
    # Listed with a thing: "Pokemon and Minecraft", "Makaton and BSL", "ParentZone and Thinkuknow".
    for neighbour in (i - 2, i + 2):
        if 0 <= neighbour < len(words) and words[(i + neighbour) // 2].lower in ("and", "or") and (
            joined(min(i, neighbour), max(i, neighbour) - 1) and joined(min(i, neighbour) + 1, max(i, neighbour))
        ) and _a_thing(words[neighbour]):
            return False
    if word.sentence_start:
        # What a person does after it ("Teaghan said"), or, when it is no place, any lower-case word: a name no
        # list has opens a sentence ("Tyreece never made it", "Thandiwe had four social workers") more often
        # than any other word no dictionary has; text-speak ("Tbh", "Ngl") and compounds ("Lockdown") are not.
        if following is None or not joined(i, i + 1):
            return False
        if following.lower in PERSON_VERBS and (following.lower not in ("has", "had") or not _place_like(lower)):
            return True
        return (
            following.text.islower() and following.lower not in FUNCTION_WORDS and not _place_like(lower)
            and _unknown_word(lower)
        )
    return True


# After a name that opens a sentence comes what the person did ("Tyreece never made it", "Kaysha stopped"),
# not these: after them the word is a misspelt adverb or verb ("Recieved the referral", "Hopefuly we").
FUNCTION_WORDS = frozenset(
    """the a an this that these those it its we i you he she they them him her his our their my your me us
    of to in on at for from with by about into onto over under after before as if so and but or nor than then
    because while until when where how what which who why all any some no not every each there here""".split()
)
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _misspelt_work_word(lower: str) -> bool:
    """One slip from a word the work uses ("Referal", "Saftey", "Parnets", "Safegaurding"): a letter missing,
    extra, wrong or swapped with its neighbour."""
    if len(lower) < 5:
        return False
    for cut in range(len(lower) + 1):
        head, tail = lower[:cut], lower[cut:]
        candidates = [head + letter + tail for letter in _LETTERS]
        if tail:
            candidates.append(head + tail[1:])
            candidates.extend(head + letter + tail[1:] for letter in _LETTERS)
        if len(tail) > 1:
            candidates.append(head + tail[1] + tail[0] + tail[2:])
        if any(candidate in WORK_WORDS for candidate in candidates):
            return True
    return False


def _capitalised_run(words: list[_Word], index: int, joined) -> list[_Word]:
    """The capitalised words next to each other around `index`."""
    first = index
    while first > 0 and words[first - 1].capitalised and joined(first - 1, first):
        first -= 1
    last = index
    while last + 1 < len(words) and words[last + 1].capitalised and joined(last, last + 1):
        last += 1
    return words[first : last + 1]


def _all_names(run: list[_Word]) -> bool:
    """Every word a listed name (none of NOT_NAMES), and one a first name that is no ordinary word: a run of
    names, not a capitalised title."""
    return all(
        word.lower not in NOT_NAMES and (_known_first_name(word) or _known_surname(word)) for word in run
    ) and any(_known_first_name(word) and word.lower not in ORDINARY_WORDS for word in run)


def _surname_like(word: _Word) -> bool:
    """The second or third word of a full name: name-like, or a surname that is also a word ("Daniel Green")."""
    return word.capitalised and (word.lower not in NOT_NAMES or word.lower in SURNAMES_THAT_ARE_WORDS)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


# --- addresses ------------------------------------------------------------------------------------------------

# Street types an address ends in. The second group names buildings and open places as much as streets ("the
# Family Court", "Central Park"), so they count only after a house or flat number.
STREETS = (
    r"road|rd|street|st|lane|ln|avenue|ave|drive|close|crescent|cres|grove|way|gardens|gdns|terrace|mews|rise"
    r"|parade|boulevard|place|wynd|brow|fold"
)
BUILDINGS = (
    r"court|house|view|walk|row|square|park|green|hill|heights|towers|estate|lodge|mansions|buildings|mount|vale"
    r"|meadows|meadow|garth|croft|dene|grange|mead|nook|quay|wharf|glade"
)
_STREET_NAME = r"(?:[A-Z][\w'\u2019-]*\s+){0,3}?[A-Z][\w'\u2019-]*\s+"
_street_name_any_case = r"(?:[A-Za-z][\w'\u2019-]*\s+){1,3}?"
NUMBERED_ADDRESS = re.compile(
    rf"\b(?:(?:flat|apartment|apt|unit|room)\s+\d+[a-z]?\b,?\s*)?\d{{1,4}}[a-z]?,?\s+{_street_name_any_case}"
    rf"(?:{STREETS}|{BUILDINGS})\b\.?",
    re.IGNORECASE,
)
FLAT_ADDRESS = re.compile(
    rf"\b(?:flat|apartment|apt|unit)\s+\d+[a-z]?\b,?\s*{_street_name_any_case}(?:{STREETS}|{BUILDINGS})\b\.?",
    re.IGNORECASE,
)
NAMED_STREET = re.compile(
    rf"\b(?:on|in|at|off|along|near|from|to|down|up|into|onto|towards|opposite|behind|round|around)\s+"
    rf"({_STREET_NAME}(?i:{STREETS}))\b"
)
# A street whose type is part of its one word ("27b Kingsway", "14 Broadway", "3 Westgate", "5 Ashcroft"), with a
# house number and a word before it that says where ("went out to", "lives at"), so "3 Westgate pupils" is not one.
COMPOUND_STREET = re.compile(
    r"\b(?:to|at|on|in|from|lives?|lived|living|visited|address|is)\s+(\d{1,4}[a-z]?,?\s+[A-Z][a-z]+(?:way|gate|croft))\b(?!\s+[a-z]+s\b)"
)
# A house number given apart from its street or estate: "the Seacroft estate, number 14", "no. 14 on the Gipton
# estate", "Mill Lane, no. 3". The estate's or street's name is one to three words, any case.
_HOUSE_NUMBER = r"(?:house\s+)?(?:number|no\.?|num\.?|#)\s?\d{1,4}[a-z]?\b"
_NOT_A_PLACE_WORD = r"(?!(?:the|a|an|on|in|at|of|off|and|or|to|for|with|was|is|his|her|their|our|my|your|that|this)\b)"
# A capitalised name before a street's or a building's type ("Mill Lane", "Peel Court"), or any name before
# "estate" (lower-case typists: "the seacroft estate"); "the other way" or "first place" is no street.
_PLACE_WITH_TYPE = (
    rf"(?:(?-i:(?:[A-Z][\w'\u2019-]*\s+){{1,3}}?)(?:{STREETS}|{BUILDINGS}|flats|block)"
    rf"|(?:{_NOT_A_PLACE_WORD}[A-Za-z][\w'\u2019-]*\s+){{1,3}}?estate)\b"
)
HOUSE_NUMBER = re.compile(_HOUSE_NUMBER, re.IGNORECASE)
NUMBER_AFTER_STREET = re.compile(rf"\b({_PLACE_WITH_TYPE}),?\s+(?:at\s+)?{_HOUSE_NUMBER}", re.IGNORECASE)
NUMBER_BEFORE_STREET = re.compile(
    rf"{_HOUSE_NUMBER},?\s+(?:(?:on|in|at|of|off)\s+)?(?:the\s+)?({_PLACE_WITH_TYPE})", re.IGNORECASE
)
# A street in lower case with its type abbreviated: "on market st", "off chapel rd", "down brook ln". Written out
# ("on the main road") it is too often no address; abbreviated, it is one.
LOWER_STREET = re.compile(
    r"\b(?:on|in|at|off|along|near|from|to|down|up|onto|opposite|behind|round|around|of)\s+"
    r"((?!(?:the|a|an|my|our|his|her|their|this|that|one|same|other|first|next|main|least|last|most"
    r"|to|on|in|at|of|off|up|down|from|into|onto|round|near)\b)"
    r"(?:[a-z][\w'\u2019-]*\s+){1,2}(?:st|rd|ave|ln|cres|gdns|terr)\b\.?)(?!['\u2019]s)"
)
# A flat, a block or a floor where someone lives: "flat 3b above the chip shop", "block C of the Ashfield estate",
# "the 7th floor of Cedar House", "Parkside estate, 4th floor".
_FLOOR = (
    r"(?:\d{1,2}(?:st|nd|rd|th)|ground|top|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)\s+floor"
)
FLAT_WHERE = re.compile(
    r"\b(?:flat|apartment|apt|maisonette|bedsit)\s+\d{1,4}[a-z]?\s+(?:above|over|behind|next\s+to|opposite|under"
    r"|below|by)\s+(?:the\s+)?[\w'\u2019-]+(?:\s+(?!(?:was|were|is|had|has|and|or|but|with|for|in|on|at|to|of|where"
    r"|which|that|when)\b)[\w'\u2019-]+)?"
    rf"|\bblock\s+(?:[A-Z]|\d{{1,3}})\s+(?:of|on|at|in)\s+(?:the\s+)?(?:[A-Za-z][\w'\u2019-]*\s+){{1,3}}?"
    r"(?:estate|flats|towers?)\b"
    rf"|\b{_FLOOR}\s+(?:of|at|in)\s+(?:the\s+)?(?-i:[A-Z][\w'\u2019-]*(?:\s+[A-Z][\w'\u2019-]*){{0,2}})",
    re.IGNORECASE,
)
FLOOR_AFTER_ESTATE = re.compile(
    rf"\b(?:{_NOT_A_PLACE_WORD}[A-Za-z][\w'\u2019-]*\s+){{1,3}}?(?:estate|flats|towers?),?\s+{_FLOOR}\b",
    re.IGNORECASE,
)
# What a number and a street type can also be: "3 weeks", "Year 7 Lane"... (only the words between are checked).
_NOT_STREET_WORDS = frozenset("the a an of and or to in on at for with was were is are had has".split())


def _addresses(text: str) -> list[tuple[int, int]]:
    spans = []
    for pattern in (FLAT_ADDRESS, NUMBERED_ADDRESS):
        for match in pattern.finditer(text):
            between = WORD.findall(re.sub(r"^.*?\d+[a-z]?\b", "", match.group(0), flags=re.IGNORECASE | re.DOTALL))[:-1]
            if any(word.lower() in _NOT_STREET_WORDS for word in between):
                continue
            spans.append(match.span())
    # Most reflections give no house number: the two slower patterns run only when one is there.
    if HOUSE_NUMBER.search(text):
        for pattern in (NUMBER_AFTER_STREET, NUMBER_BEFORE_STREET):
            for match in pattern.finditer(text):
                spans.append(match.span())
    for match in COMPOUND_STREET.finditer(text):
        spans.append(match.span(1))
    for match in LOWER_STREET.finditer(text):
        spans.append(match.span(1))
    lower = text.lower()
    if any(word in lower for word in ("floor", "block", "flat", "apartment", "maisonette", "bedsit", " apt")):
        for match in FLAT_WHERE.finditer(text):
            spans.append(match.span())
        for match in FLOOR_AFTER_ESTATE.finditer(text) if "floor" in lower else ():
            spans.append(match.span())
    for match in NAMED_STREET.finditer(text):
        street = match.group(1)
        first = street.split()[0].lower()
        if first in NOT_NAMES and first not in {"church", "park", "station", "mill", "green", "hill"}:
            continue
        spans.append(match.span(1))
    return _merge(spans)


# --- said aloud, labelled, or where someone stays ----------------------------------------------------------

# A ten-digit number after a label that says it is a health record's: "NHS no 401 223 8871", "NHS #: 7720014453",
# "her SystmOne record (6120993348)", "GP record number 998-310-2247". A mistyped NHS number still identifies, so
# the Modulus 11 check is not asked for here.
NHS_LABEL = re.compile(
    r"\b(?:nhs|chi|systm\s?one|emis|(?:gp|health|patient|medical|hospital)\s+(?:record|records|number|no)"
    r"|hospital\s+number)\b[\s:#.,()'\u2019-]*(?:[\w'\u2019]+[\s:#.,()'\u2019-]+){0,5}$",
    re.IGNORECASE,
)
TEN_DIGITS = re.compile(r"(?<![\d-])\d(?:[\s-]?\d){9}(?![\d-])")

_DIGIT_WORDS = {
    "zero": 1, "oh": 1, "o": 1, "nought": 1, "nil": 1, "one": 1, "two": 1, "three": 1, "four": 1, "five": 1,
    "six": 1, "seven": 1, "eight": 1, "nine": 1, "double": 0, "treble": 0, "triple": 0,
}
# A run of digits said one by one: "oh seven seven one four, double three, two eight nine six".
SPOKEN_DIGITS = re.compile(r"\b(?:(?:%s|\d+)\b(?:[\s,.-]+|$)){7,}" % "|".join(_DIGIT_WORDS), re.IGNORECASE)
# An email address said aloud: "k dot mensah at gmail dot com", "dazza87 at yahoo dot co dot uk".
SPOKEN_EMAIL = re.compile(
    r"\b[\w-]+(?:\s+(?:dot|underscore|dash)\s+[\w-]+)*\s+at\s+[a-z0-9-]+(?:\s+dot\s+[a-z]{2,6})*"
    r"\s+dot\s+(?:com|co|uk|org|net|gov|ac|nhs|ie|me|io|info|biz)\b(?:\s+dot\s+[a-z]{2})?",
    re.IGNORECASE,
)
# A date of birth in words after a birth word: "born on the third of june two thousand and ten", "date of birth
# twelve oh six twenty eleven", "DOB: 3rd of March 2015".
_NUMBER_WORDS = (
    r"(?:twenty|thirty)(?:[\s-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|one|two|three|four"
    r"|five|six|seven|eight|nine))?|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh"
    r"|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|zero|oh|nought|hundred|thousand|\d{1,4}(?:st|nd|rd|th)?"
)
SPOKEN_BIRTH_DATE = re.compile(
    rf"\b(?:born|d\.?o\.?b\.?|date\s+of\s+birth|birth\s*date|birthday)\W+(?:(?:was|is|on|in|:)\W+){{0,2}}"
    rf"((?:the\s+)?(?:{_NUMBER_WORDS}|{MONTHS})(?:[\s,/-]+(?:of\s+|and\s+)?(?:{_NUMBER_WORDS}|{MONTHS})\b){{2,}})",
    re.IGNORECASE,
)
# Where someone lives or stays, named: "Brambles Nursing Home", "Ashdown Lodge near Rotherham", "Larkfield House
# hostel", "the Cottingley travellers' site". The name is capitalised; a name that is only an organisation's
# words ("a Women's Aid refuge", "the Salvation Army hostel") names no one's home.
_RESIDENCES = (
    r"care\s+home|nursing\s+home|residential\s+home|children's\s+home|lodge|hostel|house\s+hostel|bail\s+hostel"
    r"|refuge|caravan\s+(?:site|park)|travellers['\u2019]?\s+site|traveller\s+site|gypsy\s+site|b\s?&\s?b"
    r"|supported\s+(?:housing|accommodation|lodgings)|foyer|halfway\s+house|hotel"
)
NAMED_RESIDENCE = re.compile(
    rf"\b((?-i:[A-Z][\w'\u2019-]*)(?:\s+(?-i:[A-Z][\w'\u2019-]*)){{0,2}})\s+(?:{_RESIDENCES})\b"
    rf"(?:\s+(?:in|outside|near|at|on\s+the\s+edge\s+of)\s+(?-i:[A-Z][\w'\u2019-]*))?",
    re.IGNORECASE,
)
# A room, a bed or a pitch by its number where someone stays: "room 14" in a hostel, "bed 2 on Ward 31", "pitch 7
# at the site".
NUMBERED_BED = re.compile(r"\b(?:room|rm|bed|pitch|plot|bay|cabin|caravan)\s+(?:no\.?\s*)?\d{1,4}[a-z]?\b", re.IGNORECASE)
STAYING_WORDS = re.compile(
    rf"\b(?:{_RESIDENCES}|ward|site|halls|living|lived|lives|staying|stayed|stays|placed|sleeping|slept|moved)\b",
    re.IGNORECASE,
)
# Organisations whose name comes before a hostel or a refuge: not a home's own name.
_ORGANISATION_WORDS = frozenset(
    """salvation army ymca ywca women's womens men's aid council st saint residential private secure emergency
    temporary homeless asylum approved supported specialist mother baby young people's family local our
    premier inn holiday ibis travelodge""".split()  # and hotel chains: a family in "a Premier Inn" is not found by it
)


_RESIDENCE_SUBSTRINGS = (
    "home", "lodge", "hostel", "refuge", "site", "caravan", "b&b", "b & b", "housing", "accommodation", "lodgings",
    "foyer", "house", "hotel",
)
_BED_SUBSTRINGS = ("room", "rm ", "bed ", "pitch", "plot", "bay ", "cabin", "caravan")
DOB_WORD = re.compile(r"\bd\.?o\.?b\b")


# A social media handle given without its "@", named by its platform or a label: "her tiktok is lil_bee_x0x",
# "on snap as k1ng_tazz", "gamertag Shadowz_99", "username: kxng.dre07". The handle is a token with a digit, an
# underscore or a dot inside it, within a few words after the platform's name (or just before "on <platform>").
# (Matched on the lower-cased text: a case-blind pattern costs three times as much.)
PLATFORM = re.compile(
    r"\b(?=[isftdxprmykwbgauh])(?:insta(?:gram)?|ig|snap(?:chat)?|sc|tik\s?tok|tt|facebook|fb|twitter|discord|xbox|psn|playstation|steam"
    r"|roblox|fortnite|minecraft|twitch|youtube|kik|telegram|whatsapp|threads|bereal|wizz|yubo|gamer\s?tag"
    r"|user\s?name|handle|account|profile)\b"
)
HANDLE_TOKEN = re.compile(r"(?<![\w@./])[A-Za-z0-9][A-Za-z0-9_.]{1,28}[A-Za-z0-9_](?![\w@/])")
_NOT_A_HANDLE = re.compile(r"\d+(?:am|pm|st|nd|rd|th|s|yrs?|yo|k|m|mg|ml|kg|hrs?|mins?|wks?|x)|[a-z]\.(?:[a-z]\.)*[a-z]",
                           re.IGNORECASE)


def _handle_like(token: str) -> bool:
    """A username, not a word, a time ("3am"), a number or an abbreviation ("e.g", "a.m")."""
    letters = sum(letter.isalpha() for letter in token)
    marked = "_" in token or "." in token.strip(".") or any(letter.isdigit() for letter in token)
    return letters >= 3 and marked and not _NOT_A_HANDLE.fullmatch(token) and not token.replace(".", "").isdigit()


def _platform_handles(text: str):
    lower = text.lower()
    # Most reflections name no platform: the token scan runs only after one of its words.
    if len(lower) != len(text):  # a letter whose lower case is longer ("İ"): positions would not line up
        lower = text.translate({ord("\u0130"): "i"}).lower()
    for platform in PLATFORM.finditer(lower) if len(lower) == len(text) else ():
        # The handle is the first word after the platform's name and what says it is a name ("is", "as", "her
        # name on there is"): "on xbox playing fifa23" names a game, not a person.
        for token in re.finditer(r"[^\s,:;=()\"'\u2018\u2019\u201c\u201d]+", text[platform.end() : platform.end() + 60]):
            word = token.group(0).rstrip(".!?")
            if word.lower() in _HANDLE_LEAD_IN or not any(letter.isalnum() for letter in word):
                continue
            if HANDLE_TOKEN.fullmatch(word) and _handle_like(word):
                start = platform.end() + token.start()
                yield start, start + len(word)
            break
        # Or just before "on <platform>": "k1ng_tazz on snap", "added as lilbee99 on insta" (not "selling ps5s on
        # fb": without an underscore or a dot, a word that says a name comes first).
        before = re.search(r"(?:\b(\w+)\s+)?(?<![\w@./])([A-Za-z0-9][A-Za-z0-9_.]{1,28}[A-Za-z0-9_])\s+on\s+$",
                           text[max(0, platform.start() - 45) : platform.start()])
        if before and _handle_like(before.group(2)) and (
            "_" in before.group(2) or "." in before.group(2)
            or (before.group(1) or "").lower() in ("as", "is", "was", "called", "named", "follow", "followed", "add", "added")
        ):
            start = max(0, platform.start() - 45) + before.start(2)
            yield start, start + len(before.group(2))


_HANDLE_LEAD_IN = frozenset(
    """is was as called name named on there her his their my our its it's username user handle gamertag tag
    account profile id by under the @ it s - – — was: is:""".split()
)


def _labelled_health_numbers(text: str):
    for match in TEN_DIGITS.finditer(text):
        # An NHS number never starts with 0; a ten-digit number that does is a phone number, found as one.
        if match.group(0)[0] != "0" and NHS_LABEL.search(text[max(0, match.start() - 40) : match.start()]):
            yield match.span()


def _digit_words_in_a_row(lower: str) -> int:
    """The longest run of digits said or typed one after another. Most reflections say no number aloud: counting
    costs a few microseconds, the pattern that finds one, tried at every word, a tenth of a millisecond."""
    longest = run = 0
    for word in lower.split():
        word = word.strip(",.-")
        if not word:
            continue
        if word in _DIGIT_WORDS or (word.isdigit() and len(word) <= 5):
            run += 1
            longest = max(longest, run)
        else:
            run = 0
    return longest


def _spoken(text: str):
    """Phone numbers, emails and dates of birth said aloud rather than typed."""
    lower = text.lower()
    for match in SPOKEN_DIGITS.finditer(text) if _digit_words_in_a_row(lower) >= 7 else ():
        tokens = re.findall(r"\w+", match.group(0).lower())
        digits, repeat = 0, 1
        for token in tokens:
            if token in ("double", "treble", "triple"):
                repeat = 2 if token == "double" else 3
                continue
            digits += (len(token) if token.isdigit() else 1) * repeat
            repeat = 1
        if digits >= 10:
            yield "phone", match.start(), match.end() - (len(match.group(0)) - len(match.group(0).rstrip(" ,.-")))
    for match in SPOKEN_EMAIL.finditer(text) if " dot " in lower else ():
        yield "email", *match.span()
    if "born" in lower or "birth" in lower or "d" in lower and "b" in lower and DOB_WORD.search(lower):
        for match in SPOKEN_BIRTH_DATE.finditer(text):
            yield "date_of_birth", *match.span(1)


def _residences(text: str):
    # Most reflections name no hostel or home: the slower pattern runs only when one of its words is there.
    lower = text.lower()
    residence = any(word in lower for word in _RESIDENCE_SUBSTRINGS)
    for match in NAMED_RESIDENCE.finditer(text) if residence else ():
        name = [word.lower() for word in WORD.findall(match.group(1))]
        if name and all(word in NOT_NAMES or word in _ORGANISATION_WORDS or word in DETERMINERS
                        or word in SERVICES or word in FUNCTION_WORDS for word in name):
            continue
        yield match.span()
    for match in NUMBERED_BED.finditer(text) if any(word in lower for word in _BED_SUBSTRINGS) else ():
        sentence_start = max(text.rfind(mark, 0, match.start()) for mark in ".!?\n")
        sentence_end = min((i for i in (text.find(mark, match.end()) for mark in ".!?\n") if i >= 0), default=len(text))
        # In a sentence about staying somewhere, or at a named place: "room 4 at Marsh House" (not "room 4 at the
        # civic centre").
        at_a_name = re.match(r"\s+(?:at|in|on)\s+([A-Z][\w'\u2019-]+)", text[match.end() :])
        if STAYING_WORDS.search(text, sentence_start + 1, sentence_end) or (
            at_a_name and at_a_name.group(1).lower() not in NOT_NAMES
        ):
            yield match.span()


# --- everything -----------------------------------------------------------------------------------------------

def find_personal_data(text: str, today: date, allowed_names: frozenset[str] = frozenset()) -> list[Finding]:
    """Everything in `text` that looks like personal data, in the order it appears. A name all of whose words are
    in `allowed_names` (lower case: the names the briefing itself uses, see `briefing_names`) is not flagged: the
    briefing made it public, so "Mark and Lloyd" in a reflection on their review identifies no one new."""
    findings: list[Finding] = []

    def add(kind: str, start: int, end: int) -> None:
        if not any(f.start < end and start < f.end for f in findings):
            findings.append(Finding(kind, text[start:end], start, end))

    for match in EMAIL.finditer(text):
        add("email", *match.span())
    if "@" in text:
        for match in HANDLE.finditer(text):
            add("handle", *match.span())
    for start, end in _platform_handles(text):
        add("handle", start, end)
    for match in NHS_NUMBER.finditer(text):
        if nhs_number_is_valid("".join(match.groups())):
            add("nhs_number", *match.span())
    for start, end in _labelled_health_numbers(text):
        add("nhs_number", start, end)
    for start, end in _phones(text):
        add("phone", start, end)
    for match in POSTCODE.finditer(text):
        # "a9 9aa" typed in lower case still counts; a word like "in 2am" does not match the shape.
        add("postcode", *match.span())
    for match in _dates(text, today):
        if _is_birth_date(text, match.start(), match.end()):
            add("date_of_birth", *match.span())
    for match in MONTH_YEAR.finditer(text):
        if BIRTH_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
            add("date_of_birth", *match.span())
    for start, end in _addresses(text):
        add("address", start, end)
    for start, end in _residences(text):
        add("address", start, end)
    for kind, start, end in _spoken(text):
        add(kind, start, end)
    lower = text.lower()
    about_the_briefing = any(word in lower for word in ("briefing", "case study", "review", "scenario", "vignette", "cspr", "scr"))
    for start, end in _names(_capitals_as_names(text)):
        if allowed_names and all(_fold(word) in allowed_names for word in WORD.findall(text[start:end])):
            continue
        if about_the_briefing and _the_briefings_own(text, start, end):
            continue
        add("name", start, end)
    return sorted(findings, key=lambda finding: finding.start)


# The briefing's own people, named as such: "in the briefing, Lloyd is ...", "Lloyd in the briefing", "the
# briefing calls the mother 'Sarah'", "the briefing's 'Mark'". The briefing made those names public (as
# `allowed_names` does when the session passes them in); a name elsewhere in the same reflection still counts.
_THE_BRIEFING = r"(?:briefing|case\s+study|scenario|vignette|learning\s+review|practice\s+review|cspr|scr)"
BRIEFING_BEFORE = re.compile(
    rf"(?:\b(?:in|from|within|throughout)\s+(?:the|this|today's)\s+{_THE_BRIEFING}[\s,:;\u2013\u2014-]*"
    rf"|\b(?:the|this)\s+{_THE_BRIEFING}(?:['\u2019]s\s+(?:\w+\s+)?|\s+(?:calls?|called|names?|named|refers\s+to"
    rf"|referred\s+to)\s+(?:(?:the|a|an|her|his|their|its)\s+)?(?:[\w-]+\s+)?(?:as\s+)?))"
    rf"['\"\u2018\u201c(]?$",
    re.IGNORECASE,
)
BRIEFING_AFTER = re.compile(
    rf"^(?:['\u2019]s)?['\"\u2019\u201d)]?(?:['\u2019]s)?\s*,?\s*(?:\(?\s*(?:in|from|of)\s+(?:the|this|today's)\s+"
    rf"{_THE_BRIEFING}\b|\(\s*(?:the\s+)?(?:briefing|pseudonym)['\u2019]?s?\b)",
    re.IGNORECASE,
)


def _the_briefings_own(text: str, start: int, end: int) -> bool:
    """Whether the name at start:end is said to be the briefing's own."""
    return bool(BRIEFING_BEFORE.search(text[max(0, start - 80) : start]) or BRIEFING_AFTER.match(text[end : end + 40]))


def _fold(word: str) -> str:
    """A word as `briefing_names` keeps it: lower case, curly apostrophe straight, a possessive 's dropped."""
    lower = word.lower().replace("\u2019", "'")
    return lower[:-2] if lower.endswith("'s") else lower


@lru_cache(maxsize=64)  # one briefing per session, and a session's plan never changes while it runs
def briefing_names(texts: tuple[str, ...]) -> frozenset[str]:
    """The names a briefing's own text uses (its pseudonyms, "Mark and Lloyd", "Child Q's mother"): what the
    detector finds as a name in it, and every listed first name or surname it capitalises inside a sentence."""
    found: set[str] = set()
    for text in texts:
        for start, end in _names(text):
            found.update(_fold(word) for word in WORD.findall(text[start:end]))
        for word in _words(text):
            if word.capitalised and not word.sentence_start and word.lower not in NOT_NAMES and (
                _known_first_name(word) or _known_surname(word)
            ):
                found.add(_fold(word.text))
    return frozenset(found)


def names_in_plan(plan: dict) -> frozenset[str]:
    """The names the session's briefing uses (its pseudonyms, the people its review names): public already, so
    the check does not flag them in a reflection on it. Every text in the plan snapshot counts: the
    title, headings, paragraphs, list items, questions and prompts."""
    texts: list[str] = []

    def walk(value) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in ("href", "file", "kind", "type"):  # links and labels of the format, not its words
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(plan)
    return briefing_names(tuple(texts))


_PERSON_BEFORE_BRACKET = re.compile(
    r"(?:\b(?:child|baby|infant|son|daughter|boy|girl|brother|sister|sibling|twin|mum|mother|dad|father|"
    r"youngest|eldest|oldest)|[A-Z][a-z'\u2019-]+)\s*\(\s*$",
    re.IGNORECASE,
)


def _is_birth_date(text: str, start: int, end: int) -> bool:
    """A date is a date of birth when a birth word is next to it, or it is bracketed after a person."""
    before = text[max(0, start - 40) : start]
    if BIRTH_BEFORE.search(before) or BIRTH_AFTER.match(text[end : end + 20]):
        return True
    return bool(_PERSON_BEFORE_BRACKET.search(text[max(0, start - 30) : start]))


def _phones(text: str) -> list[tuple[int, int]]:
    """UK numbers, and international ones written with + or 00: libphonenumber finds them. "Possible" rather than
    "valid", so the drama numbers Ofcom sets aside (07700 900xxx) and newly issued ranges count too; but only
    numbers written as people write phone numbers (a leading 0, + or 00) with at least ten digits, so a year, a
    count or a reference number is not taken for one."""
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE):
        start, raw = match.start, match.raw_string
        if raw.startswith("(") and ")" not in raw:  # "(01942 555 012)": the matcher keeps only the opening one
            start, raw = start + 1, raw[1:]
        digits = re.sub(r"\D", "", raw)
        written_as_a_phone_number = raw.lstrip("(").startswith(("0", "+"))
        if len(digits) >= 10 and written_as_a_phone_number:
            spans.append((start, start + len(raw)))
    # libphonenumber splits numbers written one after another with only spaces between ("07700 900123 07700
    # 900456") into pieces too short to count; the UK shape (0 or +44, then 10-11 digits in all) catches those.
    for match in UK_PHONE.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        national = "0" + digits[2:] if digits.startswith("44") else digits
        overlaps = any(start < match.end() and match.start() < end for start, end in spans)
        if 10 <= len(national) <= 11 and not overlaps:
            spans.append(match.span())
    # Numbers starting 03 and 08 (0300, 0345, 0800, 0808, 0845...) are not geographic and not mobiles: they belong
    # to organisations (the NSPCC's helpline, Childline, a council's front door), never to a family.
    return [(start, end) for start, end in spans if not _national(text[start:end]).startswith(("03", "08"))]


def _national(raw: str) -> str:
    digits = re.sub(r"\D", "", raw)
    if raw.lstrip("( ").startswith("+") or digits.startswith(("44", "0044")):
        digits = "0" + digits[4 if digits.startswith("0044") else 2 :].removeprefix("0")
    return digits


def nudge(findings: list[Finding]) -> str:
    """The reminder shown to the author, naming what was found."""
    kinds = []
    for finding in findings:
        if finding.label not in kinds:
            kinds.append(finding.label)
    listed = kinds[0] if len(kinds) == 1 else ", ".join(kinds[:-1]) + " and " + kinds[-1]
    return (
        f"This looks like it contains {listed}. Reflections should not identify a child, a family or an "
        "address: edit it, or confirm that it is fine to share."
    )
