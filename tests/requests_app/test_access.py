"""The access functions, for every role against a normal and a restricted request.

The team sees the team's requests; a restricted one only the Manager and its assigned caseworker;
anonymous, inactive and role-less users see nothing. Not visible means 404, never 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.http import Http404

from core.roles import AnyUser
from requests_app.access import (
    evidence_get_for_user,
    letter_get_for_user,
    people_visible_to,
    request_get_for_user,
    request_is_visible_to,
    requests_visible_to,
)
from requests_app.models import Evidence, EvidenceKind, Letter, RightsRequest
from requests_app.services.evidence import evidence_record
from requests_app.services.letters import letter_log
from requests_app.services.requests import request_set_restricted
from rights import Authority, RepresentativeRole
from tests import factories

TODAY = dt.date(2026, 3, 16)
PDF = factories.scan_bytes("pdf")
PNG = factories.scan_bytes("png")


@dataclass
class World:
    manager: User
    assigned: User
    other_caseworker: User
    reviewer: User
    referred_reviewer: User
    no_role: User
    inactive: User
    superuser: User
    normal: RightsRequest
    restricted: RightsRequest
    normal_letter: Letter
    restricted_letter: Letter
    normal_evidence: Evidence
    restricted_evidence: Evidence


@pytest.fixture
def world(db: None) -> World:
    manager = factories.manager()
    assigned = factories.caseworker("casey")
    other = factories.caseworker("other")
    reviewer = factories.reviewer()
    referred_reviewer = factories.reviewer("referred")
    no_role = factories.UserFactory(username="norole")
    inactive = factories.caseworker("gone")
    inactive.is_active = False
    inactive.save()
    superuser = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    normal = factories.make_request(
        received=dt.date(2026, 3, 2), assigned_to=assigned, today=TODAY, subject_name="Nora Normal"
    )
    restricted = factories.make_request(
        received=dt.date(2026, 3, 3),
        assigned_to=assigned,
        today=TODAY,
        subject_name="Rita Restricted",
        requester_name="Pat Parent",
        role=RepresentativeRole.PARENT,
        authority=Authority.PARENTAL_RESPONSIBILITY,
    )
    restricted = request_set_restricted(
        request=restricted, by=manager, restricted=True, reason="A colleague's own request"
    )
    letters = {
        rr.pk: letter_log(
            request=rr,
            by=manager,
            direction="in",
            date=dt.date(2026, 3, 4),
            method="post",
            addressee="Requester",
            summary="Their letter",
            file=ContentFile(PDF, name="scan.pdf"),
            today=TODAY,
        )
        for rr in (normal, restricted)
    }
    evidence = {
        rr.pk: evidence_record(
            request_id=rr.pk,
            by=manager,
            kind=EvidenceKind.IDENTITY,
            description="Passport ending 123",
            seen_on=dt.date(2026, 3, 5),
            received_on=dt.date(2026, 3, 5),
            scan=ContentFile(PNG, name="passport.png"),
            today=TODAY,
        )
        for rr in (normal, restricted)
    }
    for rr in (normal, restricted):  # a referral opens even a restricted request to the reviewer asked
        factories.refer(rr, referred_reviewer, by=manager)
    return World(
        manager=manager,
        assigned=assigned,
        other_caseworker=other,
        reviewer=reviewer,
        referred_reviewer=referred_reviewer,
        no_role=no_role,
        inactive=inactive,
        superuser=superuser,
        normal=normal,
        restricted=restricted,
        normal_letter=letters[normal.pk],
        restricted_letter=letters[restricted.pk],
        normal_evidence=evidence[normal.pk],
        restricted_evidence=evidence[restricted.pk],
    )


# (who, sees the normal request, sees the restricted request)
MATRIX = [
    ("manager", True, True),
    ("superuser", True, True),
    ("assigned", True, True),
    ("other_caseworker", True, False),
    ("reviewer", False, False),  # a professional reviewer sees only what is referred to them
    ("referred_reviewer", True, True),
    ("no_role", False, False),
    ("inactive", False, False),
    ("anonymous", False, False),
]


def who(world: World, name: str) -> AnyUser:
    if name == "anonymous":
        return AnonymousUser()
    user: User = getattr(world, name)
    return User.objects.get(pk=user.pk)  # fresh: no cached roles from the fixture


@pytest.mark.parametrize(("name", "normal", "restricted"), MATRIX)
def test_requests_visible_to(world: World, name: str, normal: bool, restricted: bool) -> None:
    visible = set(requests_visible_to(who(world, name)).values_list("pk", flat=True))
    assert (world.normal.pk in visible) is normal
    assert (world.restricted.pk in visible) is restricted


@pytest.mark.parametrize(("name", "normal", "restricted"), MATRIX)
def test_request_is_visible_to_agrees_with_the_queryset(
    world: World, name: str, normal: bool, restricted: bool
) -> None:
    user = who(world, name)
    assert request_is_visible_to(RightsRequest.objects.get(pk=world.normal.pk), user) is normal
    assert request_is_visible_to(RightsRequest.objects.get(pk=world.restricted.pk), user) is restricted


@pytest.mark.parametrize(("name", "normal", "restricted"), MATRIX)
def test_request_get_for_user_by_pk_and_reference(world: World, name: str, normal: bool, restricted: bool) -> None:
    user = who(world, name)
    for rr, expected in ((world.normal, normal), (world.restricted, restricted)):
        for lookup in ({"pk": rr.pk}, {"reference": rr.reference}):
            if expected:
                assert request_get_for_user(user=user, **lookup).pk == rr.pk  # type: ignore[arg-type]
            else:
                with pytest.raises(Http404):
                    request_get_for_user(user=user, **lookup)  # type: ignore[arg-type]


@pytest.mark.parametrize(("name", "normal", "restricted"), MATRIX)
def test_letter_get_for_user_follows_its_request(world: World, name: str, normal: bool, restricted: bool) -> None:
    user = who(world, name)
    if name == "referred_reviewer":  # letters are not what an opinion is asked on
        normal = restricted = False
    for letter, expected in ((world.normal_letter, normal), (world.restricted_letter, restricted)):
        if expected:
            assert letter_get_for_user(user=user, pk=letter.pk).pk == letter.pk
        else:
            with pytest.raises(Http404):
                letter_get_for_user(user=user, pk=letter.pk)


@pytest.mark.parametrize(("name", "normal", "restricted"), MATRIX)
def test_evidence_get_for_user_follows_its_request(world: World, name: str, normal: bool, restricted: bool) -> None:
    user = who(world, name)
    if name == "referred_reviewer":  # identity papers are not what an opinion is asked on
        normal = restricted = False
    for evidence, expected in ((world.normal_evidence, normal), (world.restricted_evidence, restricted)):
        if expected:
            assert evidence_get_for_user(user=user, pk=evidence.pk).pk == evidence.pk
        else:
            with pytest.raises(Http404):
                evidence_get_for_user(user=user, pk=evidence.pk)


@pytest.mark.parametrize(("name", "normal", "restricted"), MATRIX)
def test_people_visible_to(world: World, name: str, normal: bool, restricted: bool) -> None:
    names = set(people_visible_to(who(world, name)).values_list("full_name", flat=True))
    assert ("Nora Normal" in names) is normal
    assert ("Rita Restricted" in names) is restricted
    assert ("Pat Parent" in names) is restricted  # the requester of the restricted request too


def test_a_restricted_request_assigned_to_nobody_is_the_managers_alone(world: World) -> None:
    from requests_app.services.requests import request_assign

    request_assign(request=world.restricted, by=world.manager, assignee=None)
    assert not requests_visible_to(who(world, "assigned")).filter(pk=world.restricted.pk).exists()
    assert requests_visible_to(who(world, "manager")).filter(pk=world.restricted.pk).exists()


def test_reassigning_a_restricted_request_moves_access_with_it(world: World) -> None:
    from requests_app.services.requests import request_assign

    request_assign(request=world.restricted, by=world.manager, assignee=world.other_caseworker)
    assert not requests_visible_to(who(world, "assigned")).filter(pk=world.restricted.pk).exists()
    assert requests_visible_to(who(world, "other_caseworker")).filter(pk=world.restricted.pk).exists()


def test_a_missing_request_and_a_hidden_one_raise_the_same_error(world: World) -> None:
    user = who(world, "reviewer")
    with pytest.raises(Http404) as hidden:
        request_get_for_user(user=user, pk=world.restricted.pk)
    with pytest.raises(Http404) as missing:
        request_get_for_user(user=user, pk=999_999)
    assert str(hidden.value) == str(missing.value)


def test_exactly_one_of_pk_or_reference(world: World) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        request_get_for_user(user=world.manager)
    with pytest.raises(ValueError, match="exactly one"):
        request_get_for_user(user=world.manager, pk=world.normal.pk, reference=world.normal.reference)


@pytest.mark.django_db
def test_assign_and_restrict_refuse_a_page_loaded_before_someone_elses_change() -> None:
    """The version is checked under the row lock, not only in the view."""
    from requests_app.services.requests import request_assign, request_set_restricted
    from rights import ApplicationError
    from tests.factories import caseworker, make_request, manager

    boss = manager("boss-versions")
    worker = caseworker("worker-versions")
    rr = make_request()
    loaded_version = rr.version
    request_assign(request=rr, by=boss, assignee=worker, expected_version=loaded_version)
    with pytest.raises(ApplicationError, match="Someone else changed this request"):
        request_set_restricted(
            request=rr, by=boss, restricted=True, reason="Staff case", expected_version=loaded_version
        )
    with pytest.raises(ApplicationError, match="Someone else changed this request"):
        request_assign(request=rr, by=boss, assignee=None, expected_version=loaded_version)
    rr.refresh_from_db()
    assert rr.assigned_to == worker and not rr.is_restricted
