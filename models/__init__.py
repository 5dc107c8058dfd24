"""The domain model. Importing the package registers every table."""

from models import (  # noqa: F401
    announcements,
    audit,
    changes,
    invites,
    meetings,
    outbox,
    people,
    plans,
    practices,
    programs,
    questions,
    runtime,
    surveys,
)
