"""Personal API tokens: made on a page, shown once, stored as SHA-256, checked on every API request."""

from __future__ import annotations

from sqlalchemy import select, update

from webapp.audit.services import add as audit
from webapp.db import Database
from webapp.db.models import User
from webapp.db.taskforce import ApiToken
from webapp.ranking.scope import TASKFORCE_ROLES
from webapp.web import hash_token, now

__all__ = ["PREFIX", "authenticate", "create_token", "list_tokens", "revoke_token"]

# A recognisable prefix, so a token pasted somewhere by mistake is easy to find and revoke.
PREFIX = "hst_"


def create_token(db: Database, *, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the clear token is returned once and never stored."""
    import secrets

    token = PREFIX + secrets.token_urlsafe(32)
    with db.write() as s:
        row = ApiToken(user_id=user.id, name=(name.strip() or "API")[:100], token_hash=hash_token(token))
        s.add(row)
        s.flush()
        audit(
            s,
            action="token",
            user=user,
            target=f"token:{row.id}",
            detail={"event": "created", "name": row.name},
        )
    return row, token


def list_tokens(db: Database, *, user: User) -> list[ApiToken]:
    with db.read() as s:
        return list(
            s.scalars(
                select(ApiToken)
                .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                .order_by(ApiToken.id)
            )
        )


def revoke_token(db: Database, *, user: User, token_id: int) -> bool:
    with db.write() as s:
        result = s.execute(
            update(ApiToken)
            .where(ApiToken.id == token_id, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        if result.rowcount:
            audit(s, action="token", user=user, target=f"token:{token_id}", detail={"event": "revoked"})
        return bool(result.rowcount)


def authenticate(db: Database, raw: str) -> User | None:
    """The task-force user owning the (unrevoked) token, or None."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    with db.read() as s:
        row = s.execute(
            select(ApiToken, User)
            .join(User, User.id == ApiToken.user_id)
            .where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
        ).first()
    if row is None or row[1].role not in TASKFORCE_ROLES:
        return None
    token, user = row
    moment = now()
    # Written at most once a minute, so a notebook paging through the API does not write on every call.
    if token.last_used_at is None or (moment - token.last_used_at).total_seconds() > 60:
        with db.write() as s:
            s.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=moment))
    return user
