"""The people a sandbox visitor plays: the ready cast and the ones added later."""

from __future__ import annotations

from dataclasses import dataclass

# The roles a persona is meant to play; what it really is comes from the bot's own records
# (the admin by ADMIN_IDS, the others by the invite links they follow).
ROLES = ("admin", "curator", "mentor", "mentee", "guest")


@dataclass(frozen=True)
class Persona:
    id: int  # the Telegram user id, also the private chat's id
    role: str
    first_name: str  # the Telegram first name the bot sees
    full_name: str  # what the demo school types into the profile form


# Telegram user ids a real bot would never see in one school, readable in logs.
CAST: tuple[Persona, ...] = (
    Persona(700001, "admin", "Ирина", "Соколова Ирина Павловна"),
    Persona(700002, "curator", "Ольга", "Петрова Ольга Ивановна"),
    Persona(700003, "mentor", "Андрей", "Сидоров Андрей Петрович"),
    Persona(700004, "mentor", "Белла", "Кузнецова Белла Сергеевна"),
    Persona(700005, "mentee", "Анна", "Смирнова Анна Олеговна"),
    Persona(700006, "mentee", "Борис", "Волков Борис Игоревич"),
    Persona(700007, "mentee", "Вера", "Морозова Вера Андреевна"),
)
ADMIN = CAST[0]
FIRST_ADDED_ID = 700101


def by_role(cast: tuple[Persona, ...] | list[Persona], role: str) -> list[Persona]:
    return [persona for persona in cast if persona.role == role]
