"""Accounts: registration, login with rate limiting, invitations. No HTTP here."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import msgspec
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from webapp.accounts.passwords import dummy_hash, hash_password, needs_rehash, verify_password
from webapp.db import Database
from webapp.db.models import Company, Invitation, LoginAttempt, User
from webapp.regions import regions
from webapp.settings import Settings
from webapp.web import hash_token, new_token, now

__all__ = [
    "SECTORS",
    "SIZES",
    "CompanyForm",
    "InvitationForm",
    "LoginResult",
    "RegistrationForm",
    "accept_invitation",
    "authenticate",
    "create_invitation",
    "create_user",
    "parse_registration",
    "register",
]

SIZES = ("mikro", "kecil", "menengah", "besar")
SECTORS = tuple("ABCDEFGHIJKLMNOPQRSTU")
MIN_PASSWORD = 10
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


class CompanyForm(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    nib: str
    ahu: str
    address: str
    province: str
    regency: str
    sector: str
    size: str
    employees: int


class RegistrationForm(msgspec.Struct, frozen=True, kw_only=True):
    """What a PIC may send when registering. Anything else in the request (role, company id, ...) is
    ignored, because only these fields are ever read from it."""

    email: str
    name: str
    password: str
    company: CompanyForm


class InvitationForm(msgspec.Struct, frozen=True, kw_only=True):
    email: str


class LoginResult(msgspec.Struct, frozen=True, kw_only=True):
    user: User | None = None
    # "ok", "invalid" or "limited".
    outcome: str = "invalid"


def _field(data: dict[str, Any], name: str, limit: int) -> str:
    value = data.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()[:limit]


def parse_registration(data: dict[str, Any]) -> tuple[RegistrationForm | None, dict[str, str]]:
    """Check a registration form; returns the form, or the errors as field → message key."""
    errors: dict[str, str] = {}
    email = _field(data, "email", 254).lower()
    if not _EMAIL.match(email):
        errors["email"] = "form.invalid_email"
    name = _field(data, "name", 200)
    if not name:
        errors["name"] = "form.required"
    password = str(data.get("password", ""))
    if len(password) < MIN_PASSWORD:
        errors["password"] = "form.password_short"
    company = parse_company(data, errors)
    if errors or company is None:
        return None, errors
    return RegistrationForm(email=email, name=name, password=password, company=company), {}


def parse_company(data: dict[str, Any], errors: dict[str, str]) -> CompanyForm | None:
    values = {
        "name": _field(data, "company_name", 200),
        "nib": _field(data, "nib", 13),
        "ahu": _field(data, "ahu", 64),
        "address": _field(data, "address", 500),
        "province": _field(data, "province", 2),
        "regency": _field(data, "regency", 5),
        "sector": _field(data, "sector", 1).upper(),
        "size": _field(data, "size", 10),
    }
    for key in ("name", "ahu", "address"):
        if not values[key]:
            errors["company_name" if key == "name" else key] = "form.required"
    if not re.fullmatch(r"\d{13}", values["nib"]):
        errors["nib"] = "form.invalid_nib"
    table = regions()
    if table.province(values["province"]) is None:
        errors["province"] = "form.choose"
    options = table.regencies_of(values["province"])
    if options and values["regency"] not in {r.code for r in options}:
        errors["regency"] = "form.choose"
    if not options:
        values["regency"] = ""
    if values["sector"] not in SECTORS:
        errors["sector"] = "form.choose"
    if values["size"] not in SIZES:
        errors["size"] = "form.choose"
    try:
        employees = int(_field(data, "employees", 9))
        if employees < 0:
            raise ValueError
    except ValueError:
        errors["employees"] = "form.invalid_number"
        employees = 0
    if any(
        k in errors
        for k in (
            "company_name",
            "nib",
            "ahu",
            "address",
            "province",
            "regency",
            "sector",
            "size",
            "employees",
        )
    ):
        return None
    return CompanyForm(employees=employees, **values)


def register(db: Database, form: RegistrationForm, *, lang: str = "id") -> User | str:
    """Create the company and its PIC, who keeps the language they registered in.
    Returns the user, or an error key when email or NIB is taken."""
    with db.write() as s:
        if s.scalar(select(User.id).where(User.email == form.email)) is not None:
            return "form.email_taken"
        if s.scalar(select(Company.id).where(Company.nib == form.company.nib)) is not None:
            return "form.nib_taken"
        company = Company(**msgspec.structs.asdict(form.company))
        s.add(company)
        s.flush()
        user = User(
            email=form.email,
            name=form.name,
            password_hash=hash_password(form.password),
            role="company",
            company_id=company.id,
            lang=lang,
        )
        s.add(user)
        try:
            s.flush()
        except IntegrityError:  # a concurrent registration won the race
            s.rollback()
            return "form.email_taken"
    return user


def create_user(
    db: Database,
    *,
    email: str,
    name: str,
    password: str,
    role: str,
    region: str = "",
    company_id: int | None = None,
) -> User:
    """Used by the CLI (``admin create``) and the demo data."""
    if role not in ("company", "reviewer", "admin"):
        raise ValueError(f"role {role!r}: use company, reviewer or admin")
    with db.write() as s:
        user = User(
            email=email.strip().lower(),
            name=name,
            password_hash=hash_password(password),
            role=role,
            region=region,
            company_id=company_id,
        )
        s.add(user)
    return user


def authenticate(db: Database, settings: Settings, *, email: str, password: str, address: str) -> LoginResult:
    """Check a login; failed attempts are counted per account and per client address in the database."""
    email = email.strip().lower()[:254]
    since = now() - dt.timedelta(minutes=settings.login_window_minutes)
    with db.read() as s:
        by_account = s.scalar(
            select(func.count()).where(
                LoginAttempt.kind == "account", LoginAttempt.key == email, LoginAttempt.at > since
            )
        )
        by_address = s.scalar(
            select(func.count()).where(
                LoginAttempt.kind == "address", LoginAttempt.key == address, LoginAttempt.at > since
            )
        )
        user = s.scalar(select(User).where(User.email == email))
    if (by_account or 0) >= settings.login_attempts or (
        by_address or 0
    ) >= settings.login_attempts_per_address:
        return LoginResult(outcome="limited")
    ok = verify_password(user.password_hash if user else dummy_hash(), password)
    if not ok or user is None:
        with db.write() as s:
            s.add(LoginAttempt(kind="account", key=email))
            s.add(LoginAttempt(kind="address", key=address))
            # Old rows are useless for counting; drop them as we go.
            s.execute(delete(LoginAttempt).where(LoginAttempt.at < since))
        return LoginResult(outcome="invalid")
    with db.write() as s:
        s.execute(delete(LoginAttempt).where(LoginAttempt.kind == "account", LoginAttempt.key == email))
        if needs_rehash(user.password_hash):
            s.execute(
                User.__table__.update()
                .where(User.id == user.id)
                .values(password_hash=hash_password(password))
            )
    return LoginResult(user=user, outcome="ok")


def create_invitation(db: Database, *, company_id: int, invited_by: int, email: str) -> str | None:
    """Returns the invitation token (shown once, as a link), or None when the email is not valid."""
    email = email.strip().lower()
    if not _EMAIL.match(email):
        return None
    token = new_token()
    with db.write() as s:
        s.add(
            Invitation(
                company_id=company_id,
                email=email,
                token_hash=hash_token(token),
                invited_by=invited_by,
                expires_at=now() + dt.timedelta(days=7),
            )
        )
    return token


def find_invitation(db: Database, token: str) -> Invitation | None:
    with db.read() as s:
        inv = s.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if inv is None or inv.accepted_at is not None or inv.expires_at <= now():
        return None
    return inv


def accept_invitation(db: Database, token: str, *, name: str, password: str) -> User | str:
    with db.write() as s:
        inv = s.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
        if inv is None or inv.accepted_at is not None or inv.expires_at <= now():
            return "invite.invalid"
        if s.scalar(select(User.id).where(User.email == inv.email)) is not None:
            return "form.email_taken"
        user = User(
            email=inv.email,
            name=name,
            password_hash=hash_password(password),
            role="company",
            company_id=inv.company_id,
        )
        s.add(user)
        inv.accepted_at = now()
    return user


def colleagues(db: Database, company_id: int) -> tuple[list[User], list[Invitation]]:
    with db.read() as s:
        users = list(s.scalars(select(User).where(User.company_id == company_id).order_by(User.id)))
        invites = list(
            s.scalars(
                select(Invitation)
                .where(Invitation.company_id == company_id, Invitation.accepted_at.is_(None))
                .order_by(Invitation.id)
            )
        )
    return users, invites


def set_language(db: Database, user_id: int, lang: str) -> None:
    with db.write() as s:
        s.execute(User.__table__.update().where(User.id == user_id).values(lang=lang))
