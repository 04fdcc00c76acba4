"""Test factories (Faker locale en_GB). Requests are made through the real service, so their
due dates and first events are what production would write."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group, User

from requests_app import roles
from requests_app.models import Person, RightsRequest
from requests_app.services.requests import PersonDetails, request_create
from rights import Authority, RepresentativeRole, RightKind

factory.Faker._DEFAULT_LOCALE = "en_GB"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def manager(username: str = "manager") -> User:
    return UserFactory(username=username, role=roles.MANAGER)


def caseworker(username: str = "caseworker") -> User:
    return UserFactory(username=username, role=roles.CASEWORKER)


def reviewer(username: str = "reviewer") -> User:
    return UserFactory(username=username, role=roles.REVIEWER)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Faker("name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=4, maximum_age=17)
    address = factory.Faker("address")


def make_request(
    *,
    kind: RightKind = RightKind.ACCESS,
    received: dt.date | None = None,
    by: User | None = None,
    subject_name: str = "Alex Example",
    subject_dob: dt.date | None = dt.date(2012, 5, 1),
    requester_name: str | None = None,
    role: RepresentativeRole = RepresentativeRole.SELF,
    authority: Authority | None = None,
    assigned_to: User | None = None,
    today: dt.date | None = None,
) -> RightsRequest:
    """A freshly logged request, through request_create (by=None: as the command line would)."""
    received = received or dt.date.today()
    return request_create(
        by=by,
        kind=kind,
        received=received,
        subject=PersonDetails(full_name=subject_name, date_of_birth=subject_dob, address="1 High Street, Stockport SK1 1AA"),
        requester=PersonDetails(full_name=requester_name, address="1 High Street, Stockport SK1 1AA")
        if requester_name
        else None,
        role=role,
        authority=authority,
        assigned_to=assigned_to,
        summary="All records held about me",
        today=today or max(received, dt.date.today()),
    )
