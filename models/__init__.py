"""The domain model. Importing the package registers every table."""

from models import invites, outbox, people, programs, runtime  # noqa: F401
