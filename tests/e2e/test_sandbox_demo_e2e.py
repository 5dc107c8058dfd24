"""«Fill with a demo school» end to end: the real bot process, the stand-in and the sandbox's
cast. The demo plays the school through commands and buttons only; afterwards the curator
sees the six people and two programs, mentor 2 has mentee 2's open question, and the
meeting is listed."""

from __future__ import annotations

import time

import pytest

from fake_telegram import FakeTelegram
from sandbox.demo import QUESTION_OPEN, DemoError, fill
from sandbox.personas import CAST, by_role
from tests.e2e.conftest import BotProcess
from tests.e2e.school import MONDAY_NOON

ZONE = "Europe/Moscow"


@pytest.fixture
def backend() -> str:
    """The sandbox runs on its own SQLite file only: no PostgreSQL round of this test."""
    return "sqlite"


def test_demo_school_is_what_a_curator_sees(fake: FakeTelegram, bot_process: BotProcess) -> None:
    bot_process.extra_env = {
        "ADMIN_IDS": str(by_role(CAST, "admin")[0].id),
        "CHAT_BURST": "20",
        "FLOOD_MESSAGES_PER_SECOND": "50",
        "TICK_SECONDS": "1",
    }
    bot_process.set_time(MONDAY_NOON)
    bot_process.start()
    # The page had switched one persona to English: the demo still plays in Russian.
    vera = by_role(CAST, "mentee")[2]
    fake.user(vera.id, vera.first_name, language_code="en")

    seen: list[tuple[int, int, str]] = []
    started = time.monotonic()
    fill(
        fake, CAST, MONDAY_NOON, ZONE, lambda step, steps, label: seen.append((step, steps, label))
    )
    print(f"fill took {time.monotonic() - started:.1f} s")  # seen with pytest -s

    assert fake.user(vera.id).language_code == "en"  # given back

    steps = seen[0][1]
    assert [s for s, _, _ in seen] == list(range(1, steps + 1))
    assert all(total == steps and label for _, total, label in seen)

    # Nobody is left inside a dialog (the profile form, /pair, /meet…).
    for persona in CAST:
        user = fake.user(persona.id)
        user.send("/cancel")
        user.wait_for("Нечего отменять")

    [curator] = by_role(CAST, "curator")
    mentor_1, mentor_2 = by_role(CAST, "mentor")
    mentee_1, mentee_2, _ = by_role(CAST, "mentee")
    c = fake.user(curator.id)

    c.send("/people")
    people = c.wait_for("Участники").text
    assert "Школа №1 (демо): 6" in people
    for persona in CAST[1:]:
        assert persona.full_name in people

    c.send("/report")
    report = c.wait_for("Отчёт: Школа №1 (демо)").text
    assert "наставников 2, наставляемых 3, кураторов 1" in report
    assert "«учитель – учитель»: пар 1, групп 1" in report  # two programs
    assert "Вопросы: задано 2, из них отвечено 1" in report
    assert "Встречи: запланировано 1" in report

    m2 = fake.user(mentor_2.id)
    assert any(QUESTION_OPEN in m.text for m in m2.messages)
    m2.send("/questions")
    waiting = m2.wait_for("Открытые вопросы").text
    assert mentee_2.full_name in waiting

    m1 = fake.user(mentor_1.id)
    m1.send("/meetings")
    meetings = m1.wait_for("Предстоящие встречи").text
    # Monday + two working days, confirmed by mentee 1.
    assert f"25.11.2026 15:00 · {mentee_1.full_name}" in meetings
    assert "подтверждена" in meetings


def test_a_silent_bot_stops_the_demo_at_the_first_step(fake: FakeTelegram) -> None:
    seen: list[str] = []
    with pytest.raises(DemoError, match=r"шаг 1 из \d+ «Администратор создаёт школу»"):
        fill(fake, CAST, MONDAY_NOON, ZONE, lambda s, n, label: seen.append(label), timeout=0.5)
    assert seen == ["Администратор создаёт школу"]
