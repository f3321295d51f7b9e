"""Text patterns the etiquette linter recognises: job asks, time asks, thanks, personal notes.

Every pattern here runs in time proportional to the text it reads. No quantifier sits inside
another that could hand characters back and forth with it, and every run of "anything" has an
upper bound: a quoted title or a merge field is looked for over a few dozen characters on one
line, so a megabyte with no closing mark costs one pass, not one pass per opening mark.
"""

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
    r"\{\{[^{}\n]{0,80}\}\}"  # {{ first_name }}
    r"|\{%[^{}\n]{0,80}%\}"  # {% if … %}
    r"|(?<!\{)\{[ \t]{0,3}[A-Za-z_][\w .]{0,30}\}"  # {first_name}
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
_HIRING = (
    r"(?:currently\s+|still\s+|actively\s+|now\s+)?(?:hiring|recruiting|looking\s+to\s+hire|"
    r"taking\s+on\s+(?:new\s+|junior\s+)?(?:people|staff|juniors|graduates|interns))\b"
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
        r"\b(?:positions?|roles?|jobs?|internships?)\s+(?:open|available|going)\b",
        r"\b(?:job|employment|work|hiring|internship)\s+opportunit(?:y|ies)\b",
        rf"\bany\s+(?:\w+\s+)?{_JOB}\s+(?:for\s+me|on\s+your\s+{_TEAM}|at\s+your\s+{_TEAM})",
        rf"\ba\s+(?:\w+\s+)?{_JOB}\s+for\s+me\b",
        # hiring
        rf"\b(?:are|is)\s+(?:you|your\s+{_TEAM})\s+{_HIRING}",
        r"\bis\s+(?-i:[A-Z])[\w&.-]{0,40}(?:\s+(?-i:[A-Z])[\w&.-]{0,40}){0,3}\s+"
        r"(?:currently\s+|still\s+)?hiring\b",
        rf"\b(?:whether|if)\s+(?:you|they|your\s+{_TEAM}|[\w&.-]{{1,40}})\s+(?:are|is|['’]re)\s+"
        rf"{_HIRING}",
        r"\bknow\s+(?:of\s+)?(?:anyone|anybody|any\s+(?:teams?|companies|firms|places))\s+"
        r"(?:who\s+(?:is|are)\s+|that\s+(?:is|are)\s+)?(?:currently\s+|still\s+)?hiring\b",
        r"\b(?:hire|employ|recruit)\s+me\b",
        r"\b(?:me|I)\s+(?:to\s+)?(?:be|get)\s+hired\b",
        r"\bI(?:['’]d|\s+would|['’]m|\s+am|\s+hope|\s+want|['’]ll|\s+will)\s+(?:\w+\s+){0,3}?"
        r"(?:be|being|get|getting)\s+hired\b",
        # being considered or kept in mind for a role
        r"\bconsider\s+me\b",
        r"\b(?:be|being|get|getting)\s+considered\s+for\b",
        rf"\bif\s+(?:a\s+{_JOB}|an\s+opening|an?\s+\w+\s+{_JOB})\s+(?:comes|opens)\s+up\b",
        rf"\bif\s+you\s+(?:hear|know)\s+of\s+any\s+(?:\w+\s+)?{_JOB}\b",
        rf"\b(?:know\s+of|hear\s+of|aware\s+of)\s+any\s+(?:\w+\s+)?(?:{_JOB})\b",
        # referrals to a role, not to a person
        rf"\brefer\s+me\s+(?:for|to)\s+(?:a|an|the|any|your|one\s+of\s+your)\s+"
        rf"(?:\w+\s+){{0,2}}?{_JOB}\b",
        r"\b(?:refer|recommend)\s+me\s+for\b",
        # "could you refer me?" on its own; "refer me to someone else" asks for a person
        r"\brefer\s+me(?=\s*(?:[.?!,;)]|$)|\s+(?:internally|please|if|when|once|as|and|or)\b)",
        rf"\breferral\s+(?:for|to)\s+(?:a|an|the|any|your|one\s+of\s+your)\s+"
        rf"(?:\w+\s+){{0,2}}?(?:{_JOB}|team)\b",
        r"\b(?:employee|internal)\s+referral\b",
        r"\b(?:put|send|pass)\s+(?:my\s+name|me)\s+forward\b",
        r"\b(?:introduce|connect|put|refer)\s+me\s+(?:to|with|in\s+touch\s+with)\s+(?:the|your|a|an|"
        r"someone\s+in|anyone\s+in)\s+(?:hiring\s+managers?|recruit\w*|HR\b|human\s+resources|"
        r"talent\s+(?:team|acquisition))",
        # passing on a résumé
        rf"\b(?:pass|passing|passed|hand|handing|send|sending|forward|forwarding|circulate|"
        rf"circulating|share|sharing|get|getting|put|putting|email|e-mail|mail)\s+"
        rf"(?:on\s+|along\s+|you\s+|over\s+|across\s+)?(?:a\s+copy\s+of\s+)?my\s+{_RESUME}(?!\w)",
        rf"\bmy\s+{_RESUME}\s+(?:is\s+)?(?:attached|enclosed|below|linked)\b",
        rf"\b(?:attach(?:ed|ing)?|enclos(?:e|ed|ing)|includ(?:e|ed|ing)|here\s+is|here['’]s|"
        rf"link\s+to)\s+(?:is\s+)?(?:a\s+copy\s+of\s+)?my\s+{_RESUME}(?!\w)",
        rf"\b(?:look\s+(?:over|at)|glance\s+(?:over|at)|review|check)\s+my\s+{_RESUME}(?!\w)",
        r"\b(?:send|submit|forward|pass)\s+(?:on\s+|along\s+)?my\s+application\b",
        r"\bhow\s+(?:I\s+(?:can|could|might)\s+|to\s+)get\s+hired\s+(?:at|by|with|on|in)\s+"
        r"(?:your|you)\b",
        # favours that amount to the same thing
        r"\bput\s+in\s+a\s+(?:good\s+)?word\b",
        r"\bput\s+a\s+good\s+word\s+in\b",
        r"\bgood\s+word\s+for\s+me\b",
        r"\bmy\s+foot\s+in\s+(?:the|your)\s+door\b",
        r"\bme\s+(?:get\s+)?(?:a\s+foot\s+)?in\s+(?:the|your)\s+door\b",
        rf"\b(?:love|like|want|hope|eager|keen|excited|dream)\s+to\s+(?:work\s+(?:for|at)\s+"
        rf"(?:you\b|your\s+{_TEAM})|join\s+your\s+{_TEAM})",
        rf"\bpick\s+your\s+brains?\s+(?:about|on|regarding|re)\s+(?:\w+\s+){{0,3}}?(?:{_JOB}|"
        r"hiring|recruit\w*|getting\s+(?:in|hired)|landing|applying|referrals?)\b",
    ]
]
# Asks in a first request or a nudge, but good manners or news in a thank-you or keep-in-touch
# note: leaving the door open ("I'd be glad to hear of any opportunities"), or telling them
# you applied for a role elsewhere, as their advice suggested.
FIRST_NOTE_ASKS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in [
        r"\bkeep\s+me\s+in\s+mind\b",
        r"\bif\s+(?:anything|something)\s+(?:\w+\s+)?(?:comes|opens)\s+up\b",
        r"\bif\s+you\s+(?:hear|know)\s+of\s+(?:anything|any\s+(?:\w+\s+)?opportunit(?:y|ies))\b",
        rf"\bapplied\s+(?:for|to)\s+(?:a|an|any|the|your)\s+(?:\w+\s+){{0,2}}?{_JOB}\b",
        r"\b(?:hear|know|learn)\s+(?:of|about)\s+(?:any\s+)?(?:\w+\s+){0,3}?"
        r"(?:opportunit(?:y|ies)|openings?)\b",
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

# Signs a note was written for this person: their work, their path, a shared past, who sent you.
PERSONAL = re.compile(
    r"\byour\s+(?:(?-i:[A-Z])[\w&-]{0,30}\s+|(?:recent|latest|new|last|great|excellent|"
    r"brilliant|fascinating|wonderful|recorded)\s+){0,2}(?:work\s+on|talk|article|post|paper|book|podcast|"
    r"presentation|keynote|panel|interview|newsletter|blog|essay|research\s+on|thread|video|"
    r"webinar|session|piece|lecture|seminar|workshop|course|column|episode|chapter|speech|"
    r"poster|report|study|survey|exhibition|documentary|film|album|project\s+on|"
    r"move|switch|transition|path\s+from|career\s+change|shift)\b"
    r"|\bI\s+(?:read|saw|heard|watched|listened\s+to|came\s+across|enjoyed|loved|noticed)\s+"
    r"(?:that\s+)?(?:your|you)\b"
    r"|\byou\s+(?:moved|switched|made\s+the\s+(?:move|switch|jump|leap)|transitioned|went\s+from|"
    r"started\s+out|wrote|built|led|founded|launched|designed|spoke|presented|published)\b"
    r"|\bwe\s+both\b|\bfellow\b|\bwe\s+met\b|\bmet\s+(?:you\s+)?at\b|\bmutual\b"
    r"|\b(?:suggested|recommended|mentioned)\s+(?:that\s+)?I\b|\breferred\s+me\b"
    r"|\bgave\s+me\s+your\s+(?:name|details|email|e-mail|contact)\b"
    r"|\bpassed\s+(?:along|on)\s+your\s+name\b"
    r"|\balum(?:na|nae|ni|nus)?\b",
    re.IGNORECASE,
)
# A connection named by relation ("my aunt … speaks highly of your work") rather than by name:
# the relation, then within the sentence a verb that ties them to the reader.
RELATION = re.compile(
    r"\bmy\s+(?:former\s+|old\s+|late\s+)?(?:aunt|uncle|cousin|sister|brother|mother|mum|mom|"
    r"father|dad|parents?|grandmother|grandfather|niece|nephew|wife|husband|partner|"
    r"(?:best\s+)?friend|neighbou?r|colleague|co-?worker|classmate|roommate|flatmate|housemate|"
    r"professor|lecturer|teacher|tutor|manager|boss|mentor|advis[eo]r|supervisor|coach|"
    r"sister-in-law|brother-in-law|godmother|godfather|team\s*mate|teammate|landlord)s?\b",
    re.IGNORECASE,
)
CONNECTING_VERB = re.compile(
    r"\b(?:speaks?|spoke|talks?|talked|raves?|raved|suggested|suggests|recommended|recommends|"
    r"mentioned|mentions|told\s+me|tells\s+me|said|says|thinks|thought|worked|works|know|knows|"
    r"knew|introduced|pointed\s+me|gave\s+me|passed\s+(?:on|along)|shared|studied|volunteered|"
    r"served|sang|played|trained|met)\b",
    re.IGNORECASE,
)
SECOND_PERSON_WORD = re.compile(r"\b(?:you|your|yours)\b", re.IGNORECASE)
# A sentence, or half of one split by a semicolon; a clause stops at a comma or colon too.
SENTENCE = re.compile(r"[^.!?;\n]+")
CLAUSE = re.compile(r"[^.!?;,:\n]+")
ORGANIZATION_FILLER = frozenset(
    """
    the and of for inc llc ltd corp corporation company co group limited plc gmbh partners
    associates labs lab studio agency solutions services systems technologies technology
    international global department university college school institute foundation
    """.split()
)

# Signs a thank-you names something from the conversation. Each cue counts only when the
# clause after it says something (see SAYS_NOTHING): "you mentioned the Design Guild" does,
# "I learned so much" does not.
SPECIFIC_CUE = re.compile(
    r"\byou\s+(?:mentioned|suggested|said|recommended|pointed\s+(?:out|me)|explained|described|"
    r"shared|told\s+me|showed\s+me|walked\s+me\s+through|talked\s+about|gave\s+me|"
    r"introduced\s+me|put\s+me\s+in\s+touch|offered|drew)\b"
    r"|\byour\s+(?:advice|point|tip|suggestion|recommendation|story|idea|example|comment|"
    r"warning|reminder|take|thoughts?|question|framing|description|explanation|account|"
    r"breakdown|overview|walkthrough|answer)\s+(?:on|about|to|that|of|"
    r"regarding|around)\b"
    r"|\bthe\s+(?:tip|advice|point|idea|suggestion|story|example|reminder|warning|name|book|"
    r"article|link|list|course|introduction|contact)\s+(?:about|on|to|that|of|for)\b"
    r"|\bI\s+(?:learned|learnt)\b|\bespecially\b|\bparticularly\b|\bin\s+particular\b"
    r"|\bmost\s+of\s+all\b|\bstuck\s+with\s+me\b|\bhit\s+home\b"
    r"|\bfor\s+(?:introducing|connecting|pointing|recommending|suggesting|sending|explaining|"
    r"walking|telling)\b"
    r"|\bI(?:\s+have|['’]ve)?\s+(?:already\s+|just\s+|since\s+|now\s+)?(?:started|ordered|"
    r"signed\s+up|joined|emailed|written|wrote|reached\s+out|booked|read|begun|began|added|"
    r"updated|rewritten|rewrote|registered|downloaded|bookmarked|contacted|applied\s+your|"
    r"put\s+your|taken\s+your|took\s+your|followed\s+up|picked\s+up|cut|dropped|renamed)\b"
    r"|\bI\s+(?:will|['’]ll|plan\s+to|am\s+going\s+to|intend\s+to|mean\s+to)\s+(?:\w+\s+)?"
    r"(?:start|try|follow|read|join|contact|reach|email|look|sign|take|use|ask|write|rework|"
    r"update|cut|add|drop|rewrite|register|book|attend)\b",
    re.IGNORECASE,
)
QUOTED = re.compile(r"[\"“][^\"“”\n]{3,120}[\"”]")

# Words that can follow a cue and still say nothing in particular.
SAYS_NOTHING = frozenset(
    """
    a an the and or but so to of in on at by for from with about into over this that these
    those it its all any some much many more most lot lots very really truly so such just
    also again once still even your you yours our ours my me i we us their them they his her
    advice insight insights insightful wisdom perspective perspectives thoughts experience
    experiences knowledge help helpful time conversation chat talk call meeting discussion
    chatting talking speaking meeting spending taking sharing giving great good wonderful
    amazing fantastic valuable useful interesting incredible generous kind kindly today
    yesterday week things stuff everything anything something field career industry work
    role job path journey day thank thanks appreciate appreciated grateful which what how
    were was been have has had would could should will can may might there here what when
    tips ideas points stories information info guidance news updates update well
    since spoke talked met next then back touch know wanted want tell share hope going
    forward definitely certainly board steps step mind heart account lately doing busy
    progress making made feel felt confident clearer clear sure deserved happy proud
    thrilled delighted excited pleased glad congratulations congrats congratulate well-deserved
    invaluable eye-opening super truly deeply enjoyed enjoy loved love fascinating inspiring
    encouraging reassuring follow take apply use keep""".split()
)

# Keep-in-touch notes: what they are sharing, and whether the substance is there.
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"“”]{2,300}", re.IGNORECASE)
ATTACHED = re.compile(r"\b(?:attached|enclosed|attaching)\b", re.IGNORECASE)
ARTICLE_NOUN = re.compile(
    r"\b(?:article|blog\s+post|post|piece|essay|paper|report|study|podcast|episode|video|"
    r"newsletter|thread|write-?up|guide|book|talk|interview|resource|link)s?\b",
    re.IGNORECASE,
)
SHARING = re.compile(
    r"\b(?:came\s+across|come\s+across|stumbled\s+(?:on|upon|across)|thought\s+of\s+you|"
    r"made\s+me\s+think\s+of|brought\s+(?:you|our\s+\w+)\s+(?:back\s+)?to\s+mind|"
    r"thought\s+you\s+(?:might|would|may)|you\s+(?:might|may|would)\s+(?:enjoy|like|find)|"
    r"wanted\s+to\s+(?:share|pass\s+(?:on|along)|send)|sharing|passing\s+(?:it\s+)?(?:on|along)|"
    r"worth\s+(?:a\s+)?(?:read|listen|watch)|here\s+is\s+the\s+link|here['’]s\s+the\s+link)\b",
    re.IGNORECASE,
)
CONGRATULATION = re.compile(r"\bcongrat\w*|\bwell\s+done\b|\bmany\s+happy\s+returns\b", re.I)
# "congratulations on your promotion to head of research": the news comes after these.
NEWS_CUE = re.compile(
    r"\bcongrat\w{0,12}[^.!?\n]{0,60}?\b(?:on|for)\b"
    r"|\b(?:saw|read|heard|noticed|seen|see|learned|learnt)\s+(?:that|about|on\s+\w+\s+that)\b"
    r"|\b(?:saw|read|heard|noticed|seen|see|learned|learnt)\s+(?:that\s+)?(?:you|your)\b"
    r"|\b(?:on|about)\s+your\s+(?:new|recent)\b",
    re.IGNORECASE,
)
UPDATE_CUE = re.compile(
    r"\bupdate\b|\bsince\s+(?:we\s+(?:spoke|talked|met)|our\s+(?:conversation|chat|talk|call|"
    r"coffee))|\bwhere\s+I\s+(?:have\s+)?got\s+to\b|\bprogress\b|\byour\s+advice\b",
    re.IGNORECASE,
)
# "I have started the UX certificate", "I'm now volunteering at …": something done since.
DONE_SINCE = re.compile(
    r"\bI(?:\s+have|\s+had|['’]ve)?\s+(?:now\s+|since\s+|just\s+|finally\s+|already\s+|"
    r"recently\s+|also\s+)?(?:started|finished|completed|joined|applied|signed\s+up|enrolled|"
    r"taken|took|built|published|launched|met|spoke|talked|reached\s+out|landed|accepted|began|"
    r"begun|read|shipped|submitted|passed|earned|moved|switched|volunteered|presented|attended|"
    r"wrote|written|created|redesigned|rebuilt|followed|used|tried|got|received|made|set\s+up|"
    r"decided|interviewed|won|found|chose|picked|rewrote|rewritten|updated|contacted|emailed|"
    r"ran|run|organi[sz]ed|hosted|delivered|gave|turned|put|sat|trained|qualified|graduated)\b"
    r"|\bI(?:['’]m|\s+am)\s+(?:now\s+)?(?:working|studying|volunteering|interning|enrolled|"
    r"taking|building|leading|starting|training|doing)\b",
    re.IGNORECASE,
)
# "I could review your slides", "glad to introduce you to Sam", "I would like to return the
# favour": an offer of help; what is offered follows the cue.
OFFER_CUE = re.compile(
    r"\b(?:I\s+(?:could|can)|(?:happy|glad)\s+to)\s+(?:help|review|read|proofread|test|"
    r"introduce|share|send|look\s+over|give|volunteer|cover|speak|present|put\s+together|"
    r"write|translate|check|host|run|lend)\b"
    r"|\boffer(?:ing)?\s+(?:to|you|my)\b|\breturn\s+the\s+favou?r\b|\bgive\s+something\s+back\b",
    re.IGNORECASE,
)
# A closing line ("Best,", "Kind regards,"): what follows is the signature, whose links
# (a portfolio, a profile) are not something shared with the reader.
SIGN_OFF = re.compile(
    r"^[ \t]{0,8}(?:best|best\s+regards|best\s+wishes|kind\s+regards|warm\s+regards|regards|"
    r"warmly|thanks|thanks\s+again|thank\s+you|many\s+thanks|cheers|sincerely|yours|"
    r"yours\s+sincerely|yours\s+truly|all\s+the\s+best|with\s+thanks|gratefully|take\s+care)"
    r"[ \t]{0,8}[,.!]?[ \t]{0,8}$",
    re.IGNORECASE | re.MULTILINE,
)
# An empty slot the draft left: a line that labels the article, link or news and then stops.
EMPTY_SLOT = re.compile(
    r"^[ \t]{0,8}(?:title|link|url|article|news|update|what\s+I\s+did)[ \t]{0,8}:[ \t]{0,80}$",
    re.IGNORECASE | re.MULTILINE,
)

FIRST_PERSON = re.compile(r"\b(?:I['’](?:m|ve|d|ll)|I|me|my|mine|myself)\b", re.IGNORECASE)
SECOND_PERSON = re.compile(
    r"\b(?:you['’](?:re|ve|d|ll)|you|your|yours|yourself|yourselves)\b", re.IGNORECASE
)

# Signs the note asks to learn, not to be hired.
INFORMATIONAL = re.compile(
    r"\badvi(?:ce|se)\b|\blearn\w*|\binsight\w*|\bperspectives?\b|\binformational\b"
    r"|\bhear\s+(?:about|how|more|what|your)\b|\byour\s+(?:experience|career|path|journey|story)\b"
    r"|\bguidance\b|\bpick\s+your\s+brains?\s+(?:about|on)\b",
    re.IGNORECASE,
)
