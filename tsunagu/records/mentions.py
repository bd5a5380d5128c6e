"""@mentions in a note or a board message: `@username` of a user working for the case's team."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import QuerySet

from tsunagu.accounts.models import User
from tsunagu.cases.access import active_team_members
from tsunagu.cases.models import Case
from tsunagu.organizations.models import Membership

# Django usernames are letters, digits and @.+-_; a mention ends at anything else (a space,
# さん, a full stop that ends the sentence).
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_.+-]+)")


def mentioned_usernames(text: str) -> set[str]:
    return {match.rstrip(".") for match in MENTION.findall(text) if match.rstrip(".")}


def team_organization_ids(case: Case) -> set[int]:
    ids = set(active_team_members().filter(case=case).values_list("organization_id", flat=True))
    ids.add(case.lead_organization_id)
    return ids


def team_users(organization_ids: Iterable[int]) -> QuerySet[User]:
    """The active users currently working for these organizations (the picker's choices)."""
    memberships = Membership.objects.current().filter(organization_id__in=list(organization_ids))
    return (
        User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("username")
        .distinct()
    )


def mentioned_team_users(
    case: Case,
    text: str,
    *,
    extra_ids: Iterable[int] = (),
    organization_ids: set[int] | None = None,
) -> list[User]:
    """The team's users named in `text` (by @username) or picked (`extra_ids`).  A name that
    is nobody on the team is ignored: a mention tells nobody outside the team anything."""
    names = mentioned_usernames(text)
    picked = {int(pk) for pk in extra_ids}
    if not names and not picked:
        return []
    orgs = organization_ids if organization_ids is not None else team_organization_ids(case)
    users = team_users(orgs)
    return [u for u in users if u.username in names or u.pk in picked]
