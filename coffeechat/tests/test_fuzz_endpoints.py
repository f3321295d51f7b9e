"""Every page and endpoint, sent hostile values: none may answer 500, and a request that is
refused leaves the user's data as it was.

The endpoints come from the URL configuration and their fields from the forms, links and htmx
attributes of the pages themselves (read while signed in with the demo network), so a new page
or field is fuzzed without a change here. Each form is sent every hostile value in all its
fields at once (whichever field a view reads first), then each field alone with the values
meant for its kind while the others keep their rendered or plausible values, so the hostile
one reaches the deeper checks. Every route is also asked for by both methods with no data and
with ids and tokens that name nothing. Each request runs in a transaction that is rolled back,
so every request meets the same data. Reading a page (GET) may not write at all.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import BaseForm
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, get_resolver, resolve, reverse
from django.utils import timezone

from coffeechat.accounts.services import profile_get
from coffeechat.agenda.models import AgendaMark, MarkAction
from coffeechat.conversations.models import ChosenQuestion, Conversation, Question, Takeaway
from coffeechat.demo import demo_load
from coffeechat.outreach.models import Message, Template
from coffeechat.portability.importers import IncomingContact, import_contacts
from coffeechat.portability.models import ImportBatch
from coffeechat.tests.test_urls import _patterns

pytestmark = pytest.mark.slow

# One value for each way a value has broken a page before, or could.
HOSTILE = {
    "100 KB": "x" * 100_000,
    "NUL": "a\x00b",
    "CR/LF": "first\r\nsecond",
    "escape": "\x1b[31mred",
    "line separator": "a\u2028b",
    "superscript two": "²",
    "Arabic-Indic three": "٣",
    "own key, superscript two": "own:²",
    "year 9999": "9999-12-31",
    "year 1": "0001-01-01",
    "moment in 9999": "9999-12-31 23:50",
    "Etc/GMT+12": "Etc/GMT+12",
    "Mars/Olympus": "Mars/Olympus",
    "negative": "-1",
    "huge": "9" * 30,
    "not a number": "abc",
    "empty": "",
    "markup": "<script>alert(1)</script>{{ 7*7 }}{% debug %}",
}
# Values for a path segment that names an object or a token.
HOSTILE_IDS = ["0", "9" * 25]
HOSTILE_TOKENS = ["x" * 5_000, "a%00b", "%C2%B2", "..%2F..%2F"]
# A date far out, a time close to midnight and a zone far west, sent together: each alone is
# valid, together they once named a moment past the end of the calendar.
EDGE_OF_TIME = {"date": "9999-12-31", "time": "23:50", "time_zone": "Etc/GMT+12"}
# Plausible values for a required field the page leaves empty, by input type.
PLAUSIBLE = {
    "date": lambda: (timezone.localdate() + timedelta(days=10)).isoformat(),
    "time": lambda: "10:00",
    "number": lambda: "20",
    "email": lambda: "someone@example.com",
    "url": lambda: "https://example.com/",
}


@dataclass
class Sample:
    """What a page sends to one URL: its fields with their values."""

    method: str
    url: str
    fields: dict[str, str] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)
    htmx: bool = False
    kinds: dict[str, str] = field(default_factory=dict)


class _Forms(HTMLParser):
    """The forms, htmx requests and links with a query string on a page."""

    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.samples: list[Sample] = []
        self._form: list[Sample] | None = None
        self._textarea: tuple[Sample, str] | None = None
        self._select: tuple[list[Sample], str] | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._kinds: dict[str, str] = {}  # each field's input type, or its tag
        self._forms_by_id: dict[str, list[Sample]] = {}

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            method = a.get("method", "get").lower()
            self._form = [Sample(method, a.get("action") or self.page_url)]
            for verb in ("get", "post"):
                if f"hx-{verb}" in a:
                    self._form.append(Sample(verb, a[f"hx-{verb}"], htmx=True))
            if a.get("data-autosave"):  # autosave.js posts the form's fields there
                self._form.append(Sample("post", a["data-autosave"]))
            self.samples.extend(self._form)
            if a.get("id"):
                self._forms_by_id[a["id"]] = self._form
            return
        # A button that posts its form, or the form it names, somewhere else.
        owner = self._form or self._forms_by_id.get(a.get("form", ""))
        if tag == "button" and a.get("formaction") and owner:
            sample = Sample("post", a["formaction"], kinds=owner[0].kinds)
            sample.fields = owner[0].fields
            self.samples.append(sample)
        for verb in ("get", "post"):
            if f"hx-{verb}" in a and tag != "form":
                sample = Sample(verb, a[f"hx-{verb}"], htmx=True)
                if self._form:
                    sample.fields = self._form[0].fields  # the form's values, as htmx sends
                elif a.get("name"):
                    sample.fields[a["name"]] = a.get("value", "")
                self.samples.append(sample)
        if tag == "a" and "?" in a.get("href", ""):
            href = a["href"]
            url = href.split("?", 1)[0] or self.page_url
            self.samples.append(Sample("get", url, dict(parse_qsl(urlsplit(href).query, True))))
        if tag == "option" and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                self._set(self._select[1], value)
            if "selected" in a and not self._select_chosen:
                self._select_chosen = True
                self._set(self._select[1], value)
        if not self._form or not a.get("name") or "disabled" in a:
            return
        name, kind = a["name"], a.get("type", "text").lower()
        self._kinds[name] = kind if tag == "input" else tag
        if tag == "input":
            if kind == "file":
                for sample in self._form:
                    sample.files.add(name)
                    sample.fields[name] = "Name,Company\nAda,Engines\n"
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                # Sent as the browser would not send it: empty, which a form reads as unticked.
                self._set(name, a.get("value", "on") if kind == "radio" else "", True)
                return
            value = a.get("value", "") or ("" if "required" not in a else self._plausible(kind))
            if kind in ("date", "time"):
                value = value or self._plausible(kind)
            self._set(name, value, only_if_missing=kind in ("submit", "image"))
        elif tag == "button":
            self._set(name, a.get("value", ""), only_if_missing=True)
        elif tag == "textarea":
            self._textarea = (self._form, name)
            self._set(name, "")
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = (self._form, name), None, False

    def handle_data(self, data):
        if self._textarea:
            for sample in self._textarea[0]:
                sample.fields[self._textarea[1]] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def _set(self, name: str, value: str, only_if_missing: bool = False) -> None:
        for sample in self._form or []:
            sample.kinds[name] = self._kinds.get(name, "text")
            if not (only_if_missing and name in sample.fields):
                sample.fields[name] = value

    @staticmethod
    def _plausible(kind: str) -> str:
        return PLAUSIBLE.get(kind, lambda: "Fuzz")()


def _route(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def _owned_models():
    return [
        model
        for model in apps.get_models()
        if any(f.name == "owner" for f in model._meta.get_fields())
    ]


def _dump(user) -> dict:
    rows = {
        model._meta.label: list(model.objects.filter(owner=user).order_by("pk").values())
        for model in _owned_models()
    }
    rows["user"] = list(type(user).objects.filter(pk=user.pk).values())
    return rows


def _writes() -> int:
    """How many rows this connection has inserted, updated or deleted so far: a cheap sign
    that a request wrote, confirmed by comparing dumps only when it moves."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT total_changes()")
        else:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)"
                " FROM pg_stat_xact_user_tables"
            )
        return int(cursor.fetchone()[0])


def _refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    if any(m.level >= message_levels.ERROR for m in queued):
        return True
    for context in response.context or []:
        for values in getattr(context, "dicts", [context]):
            for value in values.values() if isinstance(values, dict) else []:
                if isinstance(value, BaseForm) and value.is_bound and value.errors:
                    return True
    return False


@pytest.fixture
def network(alice, bob):
    """Alice's demo network, with one of everything the demo leaves out."""
    demo_load(owner=alice)
    conversation = Conversation.objects.filter(owner=alice).order_by("pk").first()
    Template.objects.create(owner=alice, name="Mine", kind="request", subject="Hi", body="Hi")
    Question.objects.create(owner=alice, category="advice", text="What would you do next?")
    ChosenQuestion.objects.create(
        owner=alice, conversation=conversation, category="advice", text="What surprised you?"
    )
    AgendaMark.objects.create(owner=alice, item_key="fuzz:1", action=MarkAction.DISMISS)
    import_contacts(
        owner=alice,
        incoming=[IncomingContact(name="Fuzz Imported", organization="Fuzz Co", line=2)],
        kind="linkedin",
        filename="Connections.csv",
    )
    profile_get(owner=alice)
    # Someone else's objects, whose ids the pages of alice must not reach.
    demo_load(owner=bob)
    return alice


def _object_urls(user) -> list[str]:
    """Every GET-able URL, for a few of the user's objects of each kind: a conversation in
    each state, since the forms a conversation's pages offer depend on it."""
    one_per_state: dict[str, int] = {}
    for conversation in Conversation.objects.filter(owner=user).order_by("pk"):
        one_per_state.setdefault(conversation.state, conversation.pk)
    contacts = _pks(apps.get_model("contacts", "Contact"), user)
    contacts += Conversation.objects.filter(pk__in=one_per_state.values()).values_list(
        "contact_id", flat=True
    )
    unasked = (
        apps.get_model("contacts", "Contact")
        .objects.filter(owner=user, conversations=None)
        .values_list("pk", flat=True)
        .first()
    )
    if unasked is not None:
        contacts.append(unasked)
    messages = Message.objects.filter(owner=user).order_by("pk")
    drafts = list(messages.filter(status="draft").values_list("pk", flat=True)[:2])
    drafts += messages.exclude(status="draft").values_list("pk", flat=True)[:2]
    objects = {
        "contact_pk": sorted(set(contacts)),
        "organization_pk": _pks(apps.get_model("contacts", "Organization"), user),
        "conversation_pk": list(one_per_state.values()),
        "message_pk": drafts,
        "template_pk": _pks(Template, user),
        "question_pk": _pks(Question, user),
        "takeaway_pk": _pks(Takeaway, user),
        "batch_pk": _pks(ImportBatch, user),
    }
    urls, unknown = [], []
    for name, pattern in _patterns(get_resolver()):
        kwargs = set(pattern.pattern.converters)
        if kwargs == {"token"}:
            continue  # a secret link: only ever fuzzed with tokens that name nothing
        if not kwargs:
            urls.append(reverse(name))
        elif kwargs == {"key"}:
            urls.append(reverse(name, kwargs={"key": "request_email"}))
        elif kwargs == {"kind"}:
            urls.append(reverse(name, kwargs={"kind": "json"}))
        elif len(kwargs) == 1 and next(iter(kwargs)) in objects:
            (kwarg,) = kwargs
            # Each kind's own page for all its chosen objects; the other pages for two.
            pks = objects[kwarg] if name.endswith("_detail") else objects[kwarg][:2]
            if kwarg == "conversation_pk":
                pks = objects[kwarg]
            urls += [reverse(name, kwargs={kwarg: pk}) for pk in pks]
        elif kwargs == {"conversation_pk", "chosen_question_pk"}:
            chosen = ChosenQuestion.objects.filter(owner=user).first()
            assert chosen is not None
            ids = {"conversation_pk": chosen.conversation_id, "chosen_question_pk": chosen.pk}
            urls.append(reverse(name, kwargs=ids))
        else:
            unknown.append(name)
    assert not unknown, f"say which objects to open these pages with: {unknown}"
    return urls


def _pks(model, user) -> list[int]:
    return list(model.objects.filter(owner=user).order_by("pk").values_list("pk", flat=True)[:3])


def _data_changes(queries: CaptureQueriesContext) -> list[str]:
    """The statements that changed data, but for the session's own row (Django's to keep)."""
    return [
        query["sql"][:200]
        for query in queries.captured_queries
        if query["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "django_session" not in query["sql"]
    ]


def _crawl(client: Client, urls: list[str]) -> tuple[dict[str, list[Sample]], int]:
    """The samples each route's pages send: for each method, with htmx and without, the one
    with the most fields. Pages that links open with a query string are read too."""
    samples: dict[str, dict[tuple, Sample]] = {}
    pages: list[tuple[str, dict[str, str]]] = [(url, {}) for url in urls]
    seen = set()
    for url, query in pages:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, query)
        assert response.status_code < 500, url
        changes = _data_changes(queries)
        assert not changes, f"GET {url} wrote to the database: {changes[0]}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Forms(url)
        parser.feed(response.content.decode())
        for sample in parser.samples:
            route = _route(sample.url)
            if route is None:
                continue
            if sample.method == "get" and not sample.htmx and route not in seen:
                seen.add(route)
                pages.append((sample.url, sample.fields))
            found = samples.setdefault(route, {})
            key = (sample.method, sample.htmx)
            if key not in found or len(sample.fields) > len(found[key].fields):
                found[key] = sample
    return {route: list(found.values()) for route, found in samples.items()}, len(pages)


@dataclass
class Fuzz:
    client: Client
    user: object
    baseline: dict
    cookies: SimpleCookie
    tried: int = 0
    failures: list = field(default_factory=list)

    def sample(self, sample: Sample, changes: dict, label: str) -> None:
        data = {**sample.fields, **changes}
        self.send(
            sample.method, sample.url, data, files=sample.files, htmx=sample.htmx, label=label
        )

    def send(self, method: str, url: str, data: dict, *, files=(), htmx=False, label=""):
        payload = dict(data)
        for name in files:
            value = payload.get(name, "")
            payload[name] = SimpleUploadedFile("fuzz.csv", str(value).encode(), "text/csv")
        headers = {"HX-Request": "true"} if htmx else {}
        self.tried += 1

        with transaction.atomic():
            writes = _writes()
            if method == "get":
                response = self.client.get(url, payload, headers=headers)
            else:
                response = self.client.post(url, payload, headers=headers)
            if response.status_code >= 500:
                self.failures.append(f"{method.upper()} {url} {label}: {response.status_code}")
            elif (
                (method == "get" or _refused(response))
                and _writes() != writes
                and _dump(self.user) != self.baseline
            ):
                self.failures.append(f"{method.upper()} {url} {label}: refused yet changed data")
            transaction.set_rollback(True)
        self.client.cookies = SimpleCookie(self.cookies)  # still signed in, no flashes


def test_no_endpoint_answers_500_to_hostile_values(network, settings, capsys):
    settings.MULTIUSER = True  # the pages of several users show the most forms
    client = Client(raise_request_exception=False)
    client.force_login(network)
    urls = _object_urls(network)
    routes, pages = _crawl(client, urls)
    fuzz = Fuzz(client, network, _dump(network), type(client.cookies)(client.cookies))

    fields = 0
    for samples in routes.values():
        keys = {(sample.method, sample.htmx) for sample in samples}
        for sample in samples:
            names = [name for name in sample.fields if name != "csrfmiddlewaretoken"]
            fields += len(names)
            # Every value in every field at once: whichever field a view reads first.
            for label, value in HOSTILE.items():
                fuzz.sample(sample, dict.fromkeys(names, value), f"every field={label}")
            # Then each field alone, with the values meant for its kind, the others valid
            # (once for a form that is sent both with htmx and without).
            for name in names if not sample.htmx or (sample.method, False) not in keys else []:
                for label in _values_for(name, sample.kinds.get(name, "text")):
                    fuzz.sample(sample, {name: HOSTILE[label]}, f"{name}={label}")
            if EDGE_OF_TIME.keys() <= sample.fields.keys():
                fuzz.sample(sample, EDGE_OF_TIME, "edge of time")

    # Every route by both methods with nothing, and with ids and tokens that name nothing.
    endpoints = [name for name, _ in _patterns(get_resolver())]
    for name, pattern in _patterns(get_resolver()):
        for url in _bad_urls(name, set(pattern.pattern.converters), urls):
            for method in ("get", "post"):
                fuzz.send(method, url, {}, label="no data")

    summary = (
        f"fuzzed {len(endpoints)} endpoints ({pages} pages crawled; {len(routes)} endpoints "
        f"with {fields} fields or parameters) with {len(HOSTILE)} hostile values: "
        f"{fuzz.tried} requests"
    )
    with capsys.disabled():
        print(f"\n{summary}")
    assert not fuzz.failures, "\n".join(fuzz.failures[:80])
    assert len(routes) >= 40, summary  # the crawl still finds the app's forms


ALWAYS = ["NUL", "100 KB"]
BY_KIND = {
    "date": ["year 9999", "year 1", "moment in 9999"],
    "time": ["moment in 9999"],
    "number": ["superscript two", "Arabic-Indic three", "huge", "empty"],
    "text": ["CR/LF", "empty"],
}
CHOSEN = ["superscript two", "own key, superscript two", "huge", "empty"]
for _kind in ("hidden", "select", "radio", "checkbox", "button", "submit"):
    BY_KIND[_kind] = CHOSEN
for _kind in ("search", "textarea", "email", "url"):
    BY_KIND[_kind] = BY_KIND["text"]


def _values_for(name: str, kind: str) -> list[str]:
    zones = ["Etc/GMT+12", "Mars/Olympus"] if "zone" in name else []
    return ALWAYS + BY_KIND.get(kind, BY_KIND["text"]) + zones


def _bad_urls(name: str, kwargs: set[str], urls: list[str]) -> list[str]:
    """The route with its real ids, and with each id or token replaced by a hostile one."""
    if not kwargs:
        return [reverse(name)]
    real = next((url for url in urls if _route(url) == name), None)
    placeholder = {k: 987654 if k.endswith("_pk") else "placeholder" for k in kwargs}
    template = reverse(name, kwargs=placeholder)
    found = [real] if real else []
    for kwarg in kwargs:
        target = str(placeholder[kwarg])
        for value in HOSTILE_IDS if kwarg.endswith("_pk") else HOSTILE_TOKENS:
            url = template.replace(target, value, 1)
            found.append(url)
    return found
