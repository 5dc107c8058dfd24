"""The domain model. Importing the package registers every table."""

from models import (  # noqa: F401
    audit,
    changes,
    invites,
    meetings,
    outbox,
    people,
    plans,
    programs,
    questions,
    runtime,
)
