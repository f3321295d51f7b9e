"""Which organisation a name typed on the contact form means: the names to suggest, and the
organisation a near spelling most likely means. Reads only, always given the owner."""

from coffeechat.contacts.models import Organization
from coffeechat.lib.owned import Owner
from coffeechat.lib.text import organization_key

# Names offered as the organisation is typed on the contact form, and organisations looked at
# when a typed name might mean one the owner has already.
ORGANIZATION_SUGGESTIONS = 300
SIMILAR_CANDIDATES = 200


def organization_names(*, owner: Owner, limit: int = ORGANIZATION_SUGGESTIONS) -> list[str]:
    return list(
        Organization.objects.owned_by(owner).order_by("name").values_list("name", flat=True)[:limit]
    )


def organization_similar(*, owner: Owner, name: str) -> Organization | None:
    """The owner's organisation that `name` most likely means when it is not its exact name:
    the same words but for case, punctuation or a legal form ("Brightwell Health Ltd" for
    "Brightwell Health"). None when `name` is an organisation's name or means none."""
    key = organization_key(name)
    if not key or Organization.objects.owned_by(owner).filter(name__iexact=name).exists():
        return None
    candidates = Organization.objects.owned_by(owner).filter(name__icontains=key.split()[0])
    for organization in candidates.order_by("name")[:SIMILAR_CANDIDATES]:
        if organization_key(organization.name) == key:
            return organization
    return None
