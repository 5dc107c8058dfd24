"""The domain model. Importing the package registers every table."""

from models import invites, outbox, people, programs, questions, runtime  # noqa: F401
