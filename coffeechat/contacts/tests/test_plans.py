"""Search on PostgreSQL goes through trigram indexes on the very expressions it filters by.

Whether the planner uses them depends on the size of the network: below some tens of
thousands of people reading the owner's rows costs less. benchmarks/people.py shows the plans
and the times at 30,000 people; here it is checked that each expression a search filters by
has an index that can answer it, so no change of Django's SQL leaves an index unused.
"""

import re

import pytest
from django.db import connection

from coffeechat.contacts import selectors

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's"
)


def trigram_indexes() -> dict[str, str]:
    """The expression each trigram index covers, e.g. 'contacts_contact.upper((name)::text)'."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexdef FROM pg_indexes WHERE indexdef LIKE '%gin_trgm_ops%'"
        )
        rows = cursor.fetchall()
    found = {}
    for table, definition in rows:
        expression = re.search(r"gin \((.*) gin_trgm_ops\)", definition)
        assert expression, definition
        found[f"{table}.{expression.group(1).lower()}"] = definition
    return found


def searched_expressions(queryset) -> set[str]:
    """What the query's LIKE conditions apply to, in PostgreSQL's own spelling."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE) " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    found = set()
    for table, column in re.findall(r"upper\(\(([a-z_0-9]+)\.(\w+)\)::text\) ~~", plan):
        found.add(f"{table}.upper(({column})::text)")
    return found


def test_every_field_a_search_reads_has_a_trigram_index(alice, contact):
    indexed = set(trigram_indexes())
    assert (
        searched_expressions(selectors.contact_list(owner=alice, query="velac"))
        == {
            "contacts_contact.upper((name)::text)",
            "contacts_contact.upper((title)::text)",
            "contacts_contact.upper((email)::text)",
        }
        <= indexed
    )
    assert (
        searched_expressions(selectors.organization_list(owner=alice, query="works"))
        == {
            "contacts_organization.upper((name)::text)",
            "contacts_organization.upper((industry)::text)",
        }
        <= indexed
    )
