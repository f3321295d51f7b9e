"""Every form of the app builds its fields from coffeechat.lib.forms, so each value a page
takes passes the shared checks."""

from django import forms
from django.urls import get_resolver

from coffeechat.lib.forms import REPLACED


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _app_forms():
    get_resolver().url_patterns  # noqa: B018 - imports every view, and so every form
    return {
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.startswith("coffeechat.") and ".tests." not in form.__module__
    }


def test_it_finds_the_forms_of_the_app():
    names = {form.__name__ for form in _app_forms()}
    assert {"ContactForm", "ProfileForm", "ScheduleForm", "SnoozeForm", "TemplateForm"} <= names


def test_no_form_uses_a_django_field_that_skips_the_shared_checks():
    found = [
        f"{form.__module__}.{form.__name__}.{name}: use {REPLACED[type(field)]}"
        for form in _app_forms()
        for name, field in form.base_fields.items()
        if type(field) in REPLACED
    ]
    assert not found, "\n".join(found)
