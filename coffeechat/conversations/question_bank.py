"""The built-in question bank.

Open questions that only the person across the table can answer: their path, their days, how
the work feels from the inside. Nothing a search or the organisation's website answers, and
nothing that asks for a job or for what they earn. Every one passes the question linter (a test
makes sure). Keys are stable: chosen questions and the owner's bank refer to them by
"builtin:<key>", so a key is never renamed or reused; retire a question by deleting its row.
"""

from coffeechat.conversations.models import QuestionCategory as C

BUILTIN_QUESTIONS: tuple[tuple[str, str, str], ...] = (
    # Career path
    (
        "path-first-step",
        C.CAREER_PATH,
        "What first drew you to this kind of work, and how did you take the first step?",
    ),
    (
        "path-turning-points",
        C.CAREER_PATH,
        "Looking back, which decisions or turning points shaped your career the most?",
    ),
    (
        "path-before-this-role",
        C.CAREER_PATH,
        "What were you doing before this role, and which parts of it still help you today?",
    ),
    (
        "path-starting-today",
        C.CAREER_PATH,
        "If you were setting out in this field today, what would you do differently?",
    ),
    (
        "path-common-routes",
        C.CAREER_PATH,
        "Which routes into this work do you see most often among your colleagues?",
    ),
    (
        "path-surprises",
        C.CAREER_PATH,
        "What surprised you most once you were actually doing this job?",
    ),
    (
        "path-where-next",
        C.CAREER_PATH,
        "Where do people in your position tend to go next, and which of those paths appeal to you?",
    ),
    (
        "path-unusual-backgrounds",
        C.CAREER_PATH,
        "Which less obvious backgrounds have you seen people succeed with in this field?",
    ),
    # A typical day
    (
        "day-typical-week",
        C.DAY_IN_THE_LIFE,
        "How does a typical week unfold for you, from Monday morning to Friday afternoon?",
    ),
    (
        "day-time-split",
        C.DAY_IN_THE_LIFE,
        "How is your time divided between meetings, focused work and people outside your team?",
    ),
    (
        "day-best-part",
        C.DAY_IN_THE_LIFE,
        "Which part of your working day do you look forward to most?",
    ),
    (
        "day-draining-part",
        C.DAY_IN_THE_LIFE,
        "Which parts of the job wear you down, and how do you deal with them?",
    ),
    (
        "day-seasons",
        C.DAY_IN_THE_LIFE,
        "How does the rhythm of the work change over a year, and when are the busiest stretches?",
    ),
    (
        "day-tools",
        C.DAY_IN_THE_LIFE,
        "What tools or habits do you rely on every day that an outsider would not expect?",
    ),
    (
        "day-closest-colleagues",
        C.DAY_IN_THE_LIFE,
        "Who do you work with most closely, inside and outside your organisation?",
    ),
    # Skills and experience
    (
        "skills-good-versus-great",
        C.SKILLS,
        "What separates someone who does this job adequately from someone who does it really well?",
    ),
    (
        "skills-learned-on-the-job",
        C.SKILLS,
        "What did you have to learn on the job that no course prepared you for?",
    ),
    (
        "skills-my-gaps",
        C.SKILLS,
        "Given what you now know of my background, which gaps would you work on first?",
    ),
    (
        "skills-show-before-title",
        C.SKILLS,
        "How could someone like me show those abilities before holding the job title?",
    ),
    (
        "skills-credentials",
        C.SKILLS,
        "How much weight do degrees and certificates carry in your field compared with hands-on "
        "experience?",
    ),
    (
        "skills-underrated",
        C.SKILLS,
        "Which ability is underrated in your line of work, and why?",
    ),
    (
        "skills-newcomers-stand-out",
        C.SKILLS,
        "When you meet someone new to the field, what makes them memorable to you?",
    ),
    # Culture
    (
        "culture-to-a-friend",
        C.CULTURE,
        "How would you describe the culture of your team to a close friend?",
    ),
    (
        "culture-who-thrives",
        C.CULTURE,
        "What kind of person thrives where you work, and who tends to struggle?",
    ),
    (
        "culture-decisions",
        C.CULTURE,
        "How are decisions made on your team, and how much say does a newcomer get?",
    ),
    (
        "culture-inside-view",
        C.CULTURE,
        "What about working there would surprise someone who only knows the organisation from "
        "the outside?",
    ),
    (
        "culture-feedback",
        C.CULTURE,
        "How do people give and receive feedback where you work?",
    ),
    (
        "culture-changed",
        C.CULTURE,
        "How has the way people work together changed since you joined?",
    ),
    (
        "culture-mistakes",
        C.CULTURE,
        "What happens on your team when a project goes wrong?",
    ),
    # Priorities and challenges
    (
        "challenges-this-year",
        C.CHALLENGES,
        "Which problems is your team wrestling with this year?",
    ),
    (
        "challenges-hardest-part",
        C.CHALLENGES,
        "What is the hardest part of your job that people rarely talk about?",
    ),
    (
        "challenges-priorities",
        C.CHALLENGES,
        "What will matter most to your group over the next year or two, and why?",
    ),
    (
        "challenges-misunderstood",
        C.CHALLENGES,
        "What do outsiders most often misunderstand about the pressures in your field?",
    ),
    (
        "challenges-constraints",
        C.CHALLENGES,
        "Which constraints, such as budget, regulation or time, shape your work the most?",
    ),
    (
        "challenges-newcomer-help",
        C.CHALLENGES,
        "Where could someone new to the field be of real help with those problems?",
    ),
    # Trends
    (
        "trends-last-five-years",
        C.TRENDS,
        "How has your field changed over the past five years?",
    ),
    (
        "trends-next-five-years",
        C.TRENDS,
        "Which changes do you expect to reshape this work over the next five years?",
    ),
    (
        "trends-technology",
        C.TRENDS,
        "How is new technology changing the day-to-day work in your field?",
    ),
    (
        "trends-growing-shrinking",
        C.TRENDS,
        "Which corners of the field are growing, and which are shrinking?",
    ),
    (
        "trends-worth-watching",
        C.TRENDS,
        "What developments should someone entering the field keep an eye on?",
    ),
    (
        "trends-overrated",
        C.TRENDS,
        "Which much-discussed trend do you think is overrated, and why?",
    ),
    # Advice
    (
        "advice-younger-self",
        C.ADVICE,
        "What would you tell yourself at the very start of your career?",
    ),
    (
        "advice-next-three-months",
        C.ADVICE,
        "Given my goals, what would be a sensible first step over the next three months?",
    ),
    (
        "advice-newcomer-mistakes",
        C.ADVICE,
        "What mistakes do you see newcomers to this field make most often?",
    ),
    (
        "advice-stand-out",
        C.ADVICE,
        "What would make someone in my position stand out to people in your field?",
    ),
    (
        "advice-my-plan",
        C.ADVICE,
        "Having heard my plan, what would you change about it?",
    ),
    (
        "advice-test-the-fit",
        C.ADVICE,
        "What small project or volunteer work would let me find out whether this field suits me?",
    ),
    (
        "advice-wish-known",
        C.ADVICE,
        "What do you wish someone had told you before you chose this path?",
    ),
    # Resources
    (
        "resources-reading",
        C.RESOURCES,
        "Which books, newsletters or podcasts help you keep up with the field?",
    ),
    (
        "resources-associations",
        C.RESOURCES,
        "Which professional associations or groups are worth joining, and what do you get from "
        "them?",
    ),
    (
        "resources-events",
        C.RESOURCES,
        "Which conferences, meetups or events would you suggest for someone starting out?",
    ),
    (
        "resources-training",
        C.RESOURCES,
        "Which courses or training have been most useful to you or your colleagues?",
    ),
    (
        "resources-online",
        C.RESOURCES,
        "Where do people in your field talk shop online?",
    ),
    (
        "resources-insider-sources",
        C.RESOURCES,
        "Which sources do insiders trust that newcomers tend to overlook?",
    ),
    # Salary range (never their own pay)
    (
        "salary-starting-range",
        C.SALARY,
        "What salary range is typical for someone starting in this kind of role?",
    ),
    (
        "salary-growth",
        C.SALARY,
        "How does pay usually grow as people gain experience in this field?",
    ),
    (
        "salary-factors",
        C.SALARY,
        "Which factors, such as region, sector or specialism, make the biggest difference to "
        "pay in this line of work?",
    ),
    (
        "salary-where-to-check",
        C.SALARY,
        "Where would you look to find reliable salary ranges for roles like this?",
    ),
    (
        "salary-beyond-base-pay",
        C.SALARY,
        "Beyond base pay, which parts of a compensation package matter most in this field?",
    ),
    # Work-life balance
    (
        "worklife-hours",
        C.WORK_LIFE,
        "How predictable are your hours, and how do you protect time for life outside work?",
    ),
    (
        "worklife-flexibility",
        C.WORK_LIFE,
        "How much freedom do people on your team have over where and when they work?",
    ),
    (
        "worklife-hard-weeks",
        C.WORK_LIFE,
        "What does a hard week look like, and how do you recover from one?",
    ),
    (
        "worklife-evenings",
        C.WORK_LIFE,
        "How do people in your field keep the job from taking over their evenings and weekends?",
    ),
    (
        "worklife-caring",
        C.WORK_LIFE,
        "How does this career fit with caring for children or relatives, from what you have seen?",
    ),
    (
        "worklife-long-run",
        C.WORK_LIFE,
        "What keeps this work sustainable for you over the long run?",
    ),
    # Travel
    (
        "travel-how-much",
        C.TRAVEL,
        "How much travel does your role involve, and what is it usually for?",
    ),
    (
        "travel-changed",
        C.TRAVEL,
        "How has the amount of travel in your field changed in recent years?",
    ),
    (
        "travel-relocation",
        C.TRAVEL,
        "How often do people in this field move to another city or country to advance?",
    ),
    (
        "travel-distributed-teams",
        C.TRAVEL,
        "How do colleagues who work far apart in your field meet in person, and how often?",
    ),
    (
        "travel-best-and-hardest",
        C.TRAVEL,
        "What are the best and the hardest parts of the travel that comes with this job?",
    ),
    # Who else to talk to
    (
        "who-else-to-talk-to",
        C.WHO_ELSE,
        "Who else do you think I should talk to as I explore this field?",
    ),
    (
        "who-else-different-view",
        C.WHO_ELSE,
        "Whose view of this work differs most from yours, and how might I reach them?",
    ),
    (
        "who-else-few-years-in",
        C.WHO_ELSE,
        "Which people a few years into this career would be good to hear from?",
    ),
    (
        "who-else-mention-name",
        C.WHO_ELSE,
        "May I mention your name when I write to the people you suggest?",
    ),
    (
        "who-else-how-to-mention",
        C.WHO_ELSE,
        "When I get in touch with them, how would you like me to say that you suggested it?",
    ),
    (
        "who-else-groups",
        C.WHO_ELSE,
        "Which groups or events would put me in touch with more people doing this work?",
    ),
    (
        "who-else-other-organisations",
        C.WHO_ELSE,
        "Which other organisations should I learn about, and who there might be open to a "
        "conversation?",
    ),
    (
        "who-else-keep-you-posted",
        C.WHO_ELSE,
        "What would be the best way to keep you posted on how my exploring goes?",
    ),
)

BUILTIN_BY_KEY: dict[str, tuple[str, str]] = {
    key: (category, text) for key, category, text in BUILTIN_QUESTIONS
}
