"""Text patterns the etiquette linter recognises: job asks, time asks, thanks, personal notes."""

import re

WORD = re.compile(r"[\w'’-]+")
LETTERS = re.compile(r"[^\W\d_]+")

# Common words of five letters or more that say nothing about a particular person.
GENERIC_WORDS = frozenset(
    """
    about above after again against along among another around based because before being
    below between could doing during every first found great having other their there these
    thing things those three through under until using where which while would should whose
    within without years really still often might since across always maybe never project
    projects company companies people person working works worked field fields career careers
    industry current currently recent recently student students college university school
    department organisation organization group groups member members several various during
    including interest interested making helping building leading senior junior manager
    """.split()
)

NEGATION = re.compile(r"\b(?:not|never|no)\b|n['’]t\b", re.IGNORECASE)

# Merge fields and gaps left to fill in.
PLACEHOLDER = re.compile(
    r"\{\{.*?\}\}"  # {{ first_name }}
    r"|\{%.*?%\}"  # {% if … %}
    r"|(?<!\{)\{\s*[A-Za-z_][\w .]{0,30}\}"  # {first_name}
    r"|\[(?P<square>[A-Za-z][A-Za-z0-9 '’/&.,-]{0,39})\](?!\()"  # [Name], [their work]
    r"|<(?P<angle>[A-Za-z][A-Za-z _/-]{0,30})>"  # <Name>
    r"|(?<!\w)(?:XXX+|xxx+)(?!\w)"
    r"|\b(?:TODO|FIXME)\b"
    r"|_{3,}"
)
NOT_PLACEHOLDERS = frozenset({"sic", "at", "dot", "x"})
HTML_TAGS = frozenset(
    """
    a abbr b blockquote body br code div em h1 h2 h3 h4 h5 h6 head hr html i li ol p pre s
    small span strong sub sup table tbody td th thead tr u ul
    """.split()
)

# Asking for a job, a referral to a role, or a way in.
_RESUME = r"(?:r[eé]sum[eé]s?|cvs?|c\.v\.)"
_JOB = r"(?:jobs?|positions?|roles?|openings?|vacanc(?:y|ies)|internships?|placements?)"
_TEAM = (
    r"(?:\w+\s+)?(?:team|company|firm|group|department|office|lab|studio|agency|"
    r"organi[sz]ation|division|unit|org|practice|school)"
)
JOB_ASKS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in [
        # someone to give, find or get them work
        rf"\b(?:give|offer|find|get)\s+me\s+(?:a|an|any|the|some)\s+(?:\w+\s+){{0,2}}?"
        rf"(?:{_JOB}|job\s+offers?|offers?|interviews?|work)\b",
        rf"\bhelp\s+me\s+(?:to\s+)?(?:get|find|land|secure|obtain)\s+(?:a|an|any|the|some)\s+"
        rf"(?:\w+\s+){{0,2}}?(?:{_JOB}|job\s+offers?|offers?|interviews?|work)\b",
        r"\b(?:ask(?:ing)?(?:\s+you)?|look(?:ing)?|search(?:ing)?|hop(?:e|ing)|apply(?:ing)?|"
        r"applied)\s+for\s+(?:a|an|any|the|your)\s+(?:\w+\s+){0,2}?(?:jobs?|positions?|"
        r"openings?|vacanc(?:y|ies)|internships?|placements?|employment)\b",
        r"\b(?:love|like|want|need|welcome)\s+(?:a|an|any)\s+(?:\w+\s+){0,2}?(?:jobs?|"
        r"positions?|internships?|placements?|job\s+offers?)\b",
        r"\b(?:seek(?:ing)?|look(?:ing)?\s+for|search(?:ing)?\s+for)\s+(?:new\s+|full[\s-]time\s+"
        r"|part[\s-]time\s+)?employment\b",
        # openings and vacancies
        r"\b(?:(?:job|open|current|upcoming|available|any)\s+)?openings\b",
        r"\b(?:an|any)\s+opening\b(?!\s+(?:remarks?|lines?|statements?|questions?|keynote))",
        r"\bvacanc(?:y|ies)\b",
        r"\bopen\s+(?:positions?|roles?|jobs?|reqs?|headcount)\b",
        r"\b(?:positions?|roles?|jobs?|internships?)\s+(?:open|available)\b",
        r"\b(?:job|employment|work|hiring|internship)\s+opportunit(?:y|ies)\b",
        # hiring
        rf"\b(?:are|is)\s+(?:you|your\s+{_TEAM})\s+(?:currently\s+|still\s+|actively\s+|now\s+)?"
        r"hiring\b",
        r"\bis\s+(?-i:[A-Z])[\w&.-]*(?:\s+(?-i:[A-Z])[\w&.-]*){0,3}\s+(?:currently\s+|still\s+)?"
        r"hiring\b",
        r"\b(?:hire|employ|recruit)\s+me\b",
        r"\b(?:me|I)\s+(?:to\s+)?(?:be|get)\s+hired\b",
        r"\bI(?:['’]d|\s+would|['’]m|\s+am|\s+hope|\s+want|['’]ll|\s+will)\s+(?:\w+\s+){0,3}?"
        r"(?:be|being|get|getting)\s+hired\b",
        # being considered or kept in mind
        r"\bconsider\s+me\b",
        r"\b(?:be|being|get|getting)\s+considered\s+for\b",
        r"\bkeep\s+me\s+in\s+mind\b",
        rf"\bif\s+(?:anything|something|a\s+{_JOB}|an\s+opening|an?\s+\w+\s+{_JOB})\s+"
        r"(?:comes|opens)\s+up\b",
        rf"\bif\s+you\s+(?:hear|know)\s+of\s+(?:anything|any\s+(?:\w+\s+)?(?:{_JOB}|"
        r"opportunit(?:y|ies)))\b",
        rf"\b(?:know\s+of|hear\s+of|aware\s+of)\s+any\s+(?:\w+\s+)?(?:{_JOB})\b",
        # referrals to a role, not to a person
        rf"\brefer\s+me\s+(?:for|to)\s+(?:a|an|the|any|your|one\s+of\s+your)\s+"
        rf"(?:\w+\s+){{0,2}}?{_JOB}\b",
        r"\b(?:refer|recommend)\s+me\s+for\b",
        rf"\breferral\s+(?:for|to)\s+(?:a|an|the|any|your|one\s+of\s+your)\s+"
        rf"(?:\w+\s+){{0,2}}?(?:{_JOB}|team)\b",
        r"\b(?:employee|internal)\s+referral\b",
        r"\b(?:put|send|pass)\s+(?:my\s+name|me)\s+forward\b",
        r"\b(?:introduce|connect|put|refer)\s+me\s+(?:to|with|in\s+touch\s+with)\s+(?:the|your|a|an|"
        r"someone\s+in|anyone\s+in)\s+(?:hiring\s+managers?|recruit\w*|HR\b|human\s+resources|"
        r"talent\s+(?:team|acquisition))",
        # passing on a résumé
        rf"\b(?:pass|passing|passed|hand|handing|send|sending|forward|forwarding|circulate|"
        rf"circulating|share|sharing|get|getting|put|putting)\s+(?:on\s+|along\s+)?"
        rf"(?:a\s+copy\s+of\s+)?my\s+{_RESUME}(?!\w)",
        rf"\bmy\s+{_RESUME}\s+(?:is\s+)?(?:attached|enclosed)\b",
        rf"\b(?:attach(?:ed|ing)?|enclos(?:e|ed|ing))\s+(?:is\s+)?(?:a\s+copy\s+of\s+)?my\s+"
        rf"{_RESUME}(?!\w)",
        # favours that amount to the same thing
        r"\bput\s+in\s+a\s+(?:good\s+)?word\b",
        r"\bput\s+a\s+good\s+word\s+in\b",
        r"\bgood\s+word\s+for\s+me\b",
        r"\bmy\s+foot\s+in\s+(?:the|your)\s+door\b",
        r"\bme\s+(?:get\s+)?(?:a\s+foot\s+)?in\s+(?:the|your)\s+door\b",
        rf"\b(?:love|like|want|hope|eager|keen|excited|dream)\s+to\s+(?:work\s+(?:for|at)\s+"
        rf"(?:you\b|your\s+{_TEAM})|join\s+your\s+{_TEAM})",
    ]
]

# Lengths of time: "20 minutes", "15–20 mins", "half an hour", "an hour".
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "five": 5,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "twenty-five": 25,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "fifty": 50,
    "sixty": 60,
    "ninety": 90,
}
_NUMBER = (
    r"(?:\d{1,3}|twenty[\s-]five|forty[\s-]five|five|ten|fifteen|twenty|thirty|forty|fifty|"
    r"sixty|ninety)"
)
_HOURS = r"(?:\d{1,2}(?:\.\d)?|an|a|one|two|three)"
DURATION = re.compile(
    r"\b(?:half[\s-]?(?:an[\s-])?hour|a\s+half[\s-]hour)\b(?P<half>)"
    r"|\bquarter(?:\s+of\s+an|[\s-])\s*hour\b(?P<quarter>)"
    rf"|\b(?P<m1>{_NUMBER})(?:\s*(?:-|–|—|to|or)\s*(?P<m2>{_NUMBER}))?(?:\s*|-)"
    r"(?:minutes?|mins?)\b"
    rf"|\b(?P<h1>{_HOURS})(?:\s*(?:-|–|to|or)\s*(?P<h2>{_HOURS}))?(?:\s+|-)(?:hours?|hrs?)\b"
    r"(?!-long)",
    re.IGNORECASE,
)

THANKS = re.compile(r"\b(?:thank\w*|thanks|thx|grateful|gratitude|appreciat\w*)", re.IGNORECASE)

# Signs a note was written for this person: their work, a shared past, who sent you.
PERSONAL = re.compile(
    r"\byour\s+(?:recent\s+|latest\s+|new\s+)?(?:work\s+on|talk|article|post|paper|book|podcast|"
    r"presentation|keynote|panel|interview|newsletter|blog|essay|research\s+on|thread|video|"
    r"webinar|session|piece)\b"
    r"|\bI\s+(?:read|saw|heard|watched|listened\s+to|came\s+across|enjoyed|loved)\s+your\b"
    r"|\bwe\s+both\b|\bfellow\b|\bwe\s+met\b|\bmet\s+(?:you\s+)?at\b|\bmutual\b"
    r"|\b(?:suggested|recommended|mentioned)\s+(?:that\s+)?I\b|\breferred\s+me\b"
    r"|\bgave\s+me\s+your\s+name\b|\bpassed\s+(?:along|on)\s+your\s+name\b"
    r"|\balum(?:na|nae|ni|nus)?\b",
    re.IGNORECASE,
)
ORGANIZATION_FILLER = frozenset(
    """
    the and of for inc llc ltd corp corporation company co group limited plc gmbh partners
    associates labs lab studio agency solutions services systems technologies technology
    international global department university college school institute foundation
    """.split()
)

# Signs a thank-you names something from the conversation.
SPECIFIC = re.compile(
    r"\byou\s+(?:mentioned|suggested|said|recommended|pointed\s+out|explained|described|"
    r"shared|told\s+me)\b"
    r"|\byour\s+(?:advice|point|tip|suggestion|recommendation|story)\b"
    r"|\bI\s+(?:learned|learnt)\b|\bespecially\b|\bparticularly\b|\bin\s+particular\b"
    r"|\bthe\s+tip\s+about\b|\bstuck\s+with\s+me\b"
    r"|[\"“][^\"”\n]{3,}[\"”]",
    re.IGNORECASE,
)

FIRST_PERSON = re.compile(r"\b(?:I['’](?:m|ve|d|ll)|I|me|my|mine|myself)\b", re.IGNORECASE)
SECOND_PERSON = re.compile(
    r"\b(?:you['’](?:re|ve|d|ll)|you|your|yours|yourself|yourselves)\b", re.IGNORECASE
)

# Signs the note asks to learn, not to be hired.
INFORMATIONAL = re.compile(
    r"\badvi(?:ce|se)\b|\blearn\w*|\binsight\w*|\bperspectives?\b|\binformational\b"
    r"|\bhear\s+(?:about|how|more|what|your)\b|\byour\s+(?:experience|career|path|journey|story)\b"
    r"|\bguidance\b|\bpick\s+your\s+brain\b",
    re.IGNORECASE,
)
