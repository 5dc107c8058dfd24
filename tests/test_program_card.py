"""/program at the dispatcher level: the card for each role and the refusal for others,
editing the explanatory note, «ознакомлен» once, forged buttons, and an inter-school
pair that both schools' curators see."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models.audit import AuditEntry
from models.changes import Proposal
from models.meetings import Meeting
from models.outbox import OutboxMessage
from models.people import Role, Roles
from models.plans import PlanItem, PlanOccurrence
from models.program_card import NOTE_MAX, programs_visible_to
from models.programs import Program, ProgramMentee
from tests.conftest import ADMIN
from tests.support.botclient import BotClient, Call, Person
from tests.support.program_card import CardSchool, add_meeting, add_plan, build_card_school
from tests.support.seed import seed

pytestmark = pytest.mark.usefixtures("no_errors")


@pytest.fixture
async def cs(client: BotClient) -> CardSchool:
    return await build_card_school(client.sessionmaker, client.clock.now())


def _texts(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls if c.text)


def _labels(calls: list[Call]) -> list[str]:
    return [text for c in calls for text, _ in c.buttons]


def _alert(client: BotClient, calls: list[Call]) -> str:
    answers = client.callback_answers(calls)
    assert answers, [c.name for c in calls]
    return answers[-1].text or ""


async def _audit(client: BotClient, program_id: int) -> list[AuditEntry]:
    async with client.sessionmaker() as s:
        rows = await s.scalars(
            select(AuditEntry).where(AuditEntry.program_id == program_id).order_by(AuditEntry.id)
        )
        return list(rows.all())


async def _program(client: BotClient, program_id: int) -> Program:
    async with client.sessionmaker() as s:
        program = await s.get(Program, program_id)
        assert program is not None
        return program


async def test_card_for_the_mentee_mentor_curator_and_admin(
    client: BotClient, cs: CardSchool
) -> None:
    now = client.clock.now()
    today = now.date()
    await add_plan(
        client.sessionmaker,
        cs.program,
        now,
        [(today - timedelta(days=3), True), (today - timedelta(days=1), False), (None, False)],
    )
    await add_meeting(
        client.sessionmaker, cs.program, cs.org, cs.mentor.user_id, now - timedelta(days=2), True
    )
    await add_meeting(
        client.sessionmaker, cs.program, cs.org, cs.mentor.user_id, now + timedelta(days=2), None
    )

    calls = await client.send(cs.mentee.person, "/program")
    text = _texts(calls)
    assert f"Программа #{cs.program}" in text and "действует" in text
    assert "Наставник: Наставник Иван" in text and "Анна Новая" in text
    assert "01.11.2026 — 31.05.2027" in text and "ситуационное" in text
    assert "Цели:" in text and "Ожидаемые итоговые результаты:" in text
    assert "выполнено 1 из 3, просрочено 1, впереди 1" in text
    assert "проведено 1, запланировано 1" in text
    assert "ещё не подтвердил(а) «ознакомлен»" in text
    labels = _labels(calls)
    assert labels[:2] == ["✅ Ознакомлен", "✏️ Изменить записку"]
    assert {"⛔ Прекратить досрочно", "🔄 Сменить наставника"} <= set(labels)
    assert "🚪 Попросить освобождения" not in labels

    calls = await client.send(cs.mentor.person, "/program")
    assert f"Программа #{cs.program}" in _texts(calls)
    # No «ознакомлен» for the mentor; their own change actions.
    labels = _labels(calls)
    assert labels[0] == "✏️ Изменить записку"
    assert {"🚪 Попросить освобождения", "⛔ Прекратить досрочно"} <= set(labels)
    assert "✅ Ознакомлен" not in labels and "🔄 Сменить наставника" not in labels

    calls = await client.send(cs.curator.person, f"/program #{cs.program}")
    assert "Наставник Иван" in _texts(calls)
    assert _labels(calls) == ["⏩ Продлить", "⏪ Сократить срок", "⛔ Прекратить досрочно"]
    assert next(d for c in calls for _, d in c.buttons) == f"chg:extend:{cs.program}"

    calls = await client.send(ADMIN, f"/program {cs.program}")
    assert f"Программа #{cs.program}" in _texts(calls)


async def test_outsiders_are_refused_without_detail(client: BotClient, cs: CardSchool) -> None:
    unknown = await client.send(cs.third_curator.person, "/program #999")
    foreign = await client.send(cs.third_curator.person, f"/program #{cs.program}")
    assert _texts(unknown) == _texts(foreign) == "Программа не найдена или недоступна вам."
    # A mentor of another program and a curator of another school see nothing either.
    calls = await client.send(cs.other_mentor.person, f"/program #{cs.program}")
    assert "недоступна" in _texts(calls)
    calls = await client.send(cs.other_curator.person, f"/program #{cs.program}")
    assert "недоступна" in _texts(calls)
    calls = await client.send(cs.mentee.person, "/program #abc")
    assert "/program #номер" in _texts(calls)
    # A curator of another school, listing: nothing of this school.
    calls = await client.send(cs.third_curator.person, "/program")
    assert _texts(calls) == "У вас пока нет программ наставничества."


async def test_edit_the_note(client: BotClient, cs: CardSchool) -> None:
    who = cs.mentor.person
    calls = await client.send(who, "/program")
    calls = await client.press(who, client.button_data(calls, "✏️ Изменить записку"))
    assert "Какое поле" in _texts(calls)
    assert _labels(calls)[1] == "Цели"
    calls = await client.press(who, client.button_data(calls, "Цели"))
    assert "«Цели»" in _texts(calls) and calls[-1].method.reply_markup.force_reply

    calls = await client.send(who, "я" * (NOTE_MAX + 1))
    assert f"{NOTE_MAX + 1} знаков, а можно не больше {NOTE_MAX}" in _texts(calls)
    assert (await _program(client, cs.program)).goals is None
    calls = await client.send_sticker(who)
    assert _texts(calls)  # asks for text, stays in the flow
    calls = await client.send(who, "  Освоить <b>формирующее</b> оценивание  ")
    assert "«Цели» программы" in _texts(calls) and "сохранено" in _texts(calls)
    assert (await _program(client, cs.program)).goals == "Освоить <b>формирующее</b> оценивание"

    calls = await client.send(cs.mentee.person, "/program")
    assert "Цели:</b> Освоить &lt;b&gt;формирующее&lt;/b&gt; оценивание" in _texts(calls)
    assert "изменено поле записки «Цели»" in _texts(calls)
    assert "Наставник Иван" in _texts(calls)

    # An empty text (a lone «-») clears the field; it is logged too.
    calls = await client.press(cs.mentee.person, f"pcn:{cs.program}:goals")
    calls = await client.send(cs.mentee.person, "-")
    assert "очищено" in _texts(calls)
    assert (await _program(client, cs.program)).goals is None
    entries = await _audit(client, cs.program)
    assert [(e.action, e.actor_id, e.details["field"]) for e in entries] == [
        ("note-edited", cs.mentor.user_id, "goals"),
        ("note-edited", cs.mentee.user_id, "goals"),
    ]

    # /cancel leaves the flow; the next text is a question, not a note.
    await client.press(who, f"pcn:{cs.program}:tasks")
    calls = await client.send(who, "/cancel")
    assert "отмен" in _texts(calls).lower()
    assert (await _program(client, cs.program)).tasks is None


async def test_only_the_pair_edits_and_only_while_live(client: BotClient, cs: CardSchool) -> None:
    calls = await client.press(cs.curator.person, f"pcn:{cs.program}:goals")
    assert "наставник и наставляемые" in _alert(client, calls)
    calls = await client.press(cs.third_curator.person, f"pcn:{cs.program}:goals")
    assert _alert(client, calls) == "Это действие вам недоступно."
    calls = await client.press(cs.mentor.person, f"pcn:{cs.program}:nonsense")
    assert "нет" in _alert(client, calls)
    # The program ends while the prompt is open: the answer changes nothing.
    await client.press(cs.mentor.person, f"pcn:{cs.program}:goals")
    async with client.sessionmaker() as s, s.begin():
        program = await s.get(Program, cs.program)
        assert program is not None
        program.status = "ended"
    calls = await client.send(cs.mentor.person, "Новые цели")
    assert "действующей программы" in _texts(calls)
    assert (await _program(client, cs.program)).goals is None


async def test_acknowledge_once(client: BotClient, cs: CardSchool) -> None:
    who = cs.mentee.person
    calls = await client.send(who, "/program")
    calls = await client.press(who, client.button_data(calls, "✅ Ознакомлен"))
    assert "ознакомлены с программой" in _texts(calls)
    async with client.sessionmaker() as s:
        link = await s.get(ProgramMentee, (cs.program, cs.mentee.user_id))
        assert link is not None and link.acknowledged_at == client.clock.now()
    [notice] = [n for n in await client.notices() if n.kind == "card-acknowledged-mentor"]
    assert notice.chat_id == cs.mentor.person.id
    assert "Анна Новая подтвердил(а) ознакомление" in client.last_text(cs.mentor.person.id)

    calls = await client.press(who, f"pca:{cs.program}:0")
    assert "уже подтвердили" in _alert(client, calls) and "23.11.2026 12:00" in _alert(
        client, calls
    )
    assert [e.action for e in await _audit(client, cs.program)] == ["acknowledged"]

    calls = await client.send(cs.curator.person, f"/program #{cs.program}")
    assert "Анна Новая — ознакомлен(а) 23.11.2026 12:00" in _texts(calls)
    assert "подтверждено «ознакомлен»" in _texts(calls)
    calls = await client.send(who, "/program")
    assert "✅ Ознакомлен" not in _labels(calls)


async def test_forged_buttons_for_another_program(client: BotClient, cs: CardSchool) -> None:
    # The mentor and the curator cannot confirm for the mentee; an outsider cannot open.
    calls = await client.press(cs.mentor.person, f"pca:{cs.program}:0")
    assert "только наставляемый" in _alert(client, calls)
    calls = await client.press(cs.third_curator.person, f"pcv:{cs.program}")
    assert _alert(client, calls) == "Это действие вам недоступно."
    calls = await client.press(cs.free_mentee.person, f"pca:{cs.program}:1")
    assert _alert(client, calls) == "Это действие вам недоступно."
    calls = await client.press(cs.free_mentee.person, "pcv:999")
    assert _alert(client, calls) == "Это действие вам недоступно."
    async with client.sessionmaker() as s:
        link = await s.get(ProgramMentee, (cs.program, cs.mentee.user_id))
        assert link is not None and link.acknowledged_at is None
    assert await _audit(client, cs.program) == []


async def test_the_active_notice_carries_ack_and_program_buttons(
    client: BotClient, cs: CardSchool
) -> None:
    curator = cs.curator.person
    await client.send(
        curator,
        f"/pair #{cs.mentor.user_id} #{cs.free_mentee.user_id} traditional mixed "
        "01.12.2026-31.05.2027",
    )
    await client.press(curator, client.button_data(client.sent_to(curator.id), "✅ Подтвердить"))
    [program] = [p for p in await _all_programs(client) if p.id != cs.program]
    # Not before the mentor accepts.
    calls = await client.press(cs.free_mentee.person, f"pca:{program.id}:0")
    assert "действующей программы" in _alert(client, calls)
    calls = await client.press(cs.mentor.person, f"pz:{program.id}:1")
    [notice] = [c for c in calls if c.chat_id == cs.free_mentee.person.id and c.buttons]
    assert [d for _, d in notice.buttons] == [f"pca:{program.id}:1", f"pcv:{program.id}"]
    calls = await client.press(cs.free_mentee.person, f"pca:{program.id}:1")
    edits = [c for c in calls if c.name == "editMessageReplyMarkup"]
    assert [d for _, d in edits[-1].buttons] == [f"pcv:{program.id}"]
    calls = await client.press(cs.free_mentee.person, f"pcv:{program.id}")
    assert "ознакомлен(а) 23.11.2026 12:00" in _texts(calls)
    # The mentor has two programs now: a button each, newest first.
    calls = await client.send(cs.mentor.person, "/program")
    assert "Ваши программы (2)" in _texts(calls)
    assert _labels(calls) == [
        f"Борис С. · Наставник · #{program.id}",
        f"Анна Н. · Наставник · #{cs.program}",
    ]
    calls = await client.press(cs.mentor.person, f"pcv:{cs.program}")
    assert f"Программа #{cs.program}" in _texts(calls)


async def _all_programs(client: BotClient) -> list[Program]:
    async with client.sessionmaker() as s:
        return list((await s.scalars(select(Program).order_by(Program.id))).all())


async def test_inter_school_pair(client: BotClient, cs: CardSchool) -> None:
    pair = (
        f"/pair #{cs.other_mentor.user_id} #{cs.free_mentee.user_id} situational online "
        "01.12.2026-31.05.2027"
    )
    # A curator may not borrow a mentor of another school.
    calls = await client.send(cs.curator.person, pair)
    assert f"#{cs.other_mentor.user_id}" in _texts(calls) and "Проверьте" not in _texts(calls)
    # The admin may.
    calls = await client.send(ADMIN, pair)
    assert "Проверьте программу" in _texts(calls)
    await client.press(ADMIN, client.button_data(calls, "✅ Подтвердить"))
    [program] = [p for p in await _all_programs(client) if p.id != cs.program]
    assert program.org_id == cs.org  # the mentee's school
    calls = await client.press(cs.other_mentor.person, f"pz:{program.id}:1")
    assert any(c.chat_id == cs.free_mentee.person.id for c in calls)
    calls = await client.send(cs.other_curator.person, "/people")
    assert "Наставник Районный — наставник" in _texts(calls) and "пара: есть" in _texts(calls)
    # Both schools' curators hear of it.
    told = [n.chat_id for n in await client.notices() if n.kind == "pair-active-curator"]
    assert sorted(told) == [cs.curator.person.id, cs.other_curator.person.id]

    for curator, buttons in ((cs.curator, 3), (cs.other_curator, 0)):
        calls = await client.send(curator.person, f"/program #{program.id}")
        # Only the mentee's school manages the program; the lending school sees it.
        assert len(_labels(calls)) == buttons
        text = _texts(calls)
        assert "Наставник Районный (из другой школы: Районная школа)" in text, text
        assert "Школа: Школа 1" in text
        assert "Наставник Районный: наставник принял программу" in text
        assert "система: программа создана" in text  # the admin has no account here
    calls = await client.send(cs.third_curator.person, f"/program #{program.id}")
    assert "недоступна" in _texts(calls)
    # The borrowing school's curator lists it among the live programs.
    calls = await client.send(cs.other_curator.person, "/program")
    assert f"#{program.id}" in _texts(calls)

    async with client.sessionmaker() as s:
        other = Roles(by_org={cs.other_org: {Role.CURATOR}})
        seen = await programs_visible_to(s, cs.other_curator.user_id, other)
        assert [p.id for p in seen] == [program.id]

    # The mentee's question reaches the borrowed mentor; times follow the mentee's school.
    calls = await client.send(cs.free_mentee.person, "Как вести журнал?")
    assert any(c.chat_id == cs.other_mentor.person.id for c in calls)
    calls = await client.press(cs.free_mentee.person, f"pca:{program.id}:1")
    async with client.sessionmaker() as s:
        row = await s.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == "card-acknowledged-mentor")
        )
        assert row is not None and row.org_id == cs.org
    calls = await client.send(cs.other_curator.person, f"/program #{program.id}")
    assert "ознакомлен(а) 23.11.2026 12:00" in _texts(calls)  # Moscow, not Vladivostok


async def test_program_needs_a_role(client: BotClient, cs: CardSchool) -> None:
    calls = await client.send(Person(777, "Nobody"), "/program")
    assert "только" in _texts(calls)
    assert date(2026, 11, 23) == client.clock.now().date()


# Personal data: /mydata and /forget -------------------------------------------------


async def _write_the_pairs_texts(client: BotClient, cs: CardSchool) -> dict[str, int]:
    """The note, a plan item done by the mentee with a note, a meeting the mentee
    proposed, a change with a reason by the mentee, and a proposal of theirs."""
    now = client.clock.now()
    [occurrence] = await add_plan(client.sessionmaker, cs.program, now, [(None, True)])
    meeting = await add_meeting(
        client.sessionmaker,
        cs.program,
        cs.org,
        cs.mentee.user_id,
        now + timedelta(days=1),
        None,
        place="Кабинет 12",
        topic="Мой открытый урок",
    )
    async with client.sessionmaker() as s, s.begin():
        program = await s.get(Program, cs.program)
        assert program is not None
        program.goals = "Научиться вести урок"
        found = await s.get(PlanOccurrence, occurrence)
        assert found is not None
        found.done_by, found.note = cs.mentee.user_id, "Провела урок, трудно с дисциплиной"
        s.add(
            AuditEntry(
                program_id=cs.program,
                at=now,
                actor_id=cs.mentee.user_id,
                action="plan-changed",
                reason="Мне тяжело из-за болезни",
                details={"summary": "личное"},
            )
        )
        s.add(
            Proposal(
                program_id=cs.program,
                kind="extend",
                proposed_by=cs.mentee.user_id,
                reason="Болею, прошу продлить",
                payload={"ends_on": "2027-08-31"},
                created_at=now,
            )
        )
    return {"occurrence": occurrence, "meeting": meeting}


async def test_mydata_exports_the_programs(client: BotClient, cs: CardSchool) -> None:
    await _write_the_pairs_texts(client, cs)
    calls = await client.send(cs.mentee.person, "/mydata")
    body = json.loads(calls[-1].method.document.data)
    [program] = body["programs"]
    assert program["your_role"] == "mentee" and program["goals"] == "Научиться вести урок"
    [item] = program["plan"]
    assert item["title"] == "Пункт 1"
    assert item["occurrences"][0]["note"] == "Провела урок, трудно с дисциплиной"
    assert program["meetings"][0]["topic"] == "Мой открытый урок"
    assert body["program_changes_by_you"][0]["reason"] == "Мне тяжело из-за болезни"
    assert body["proposals_by_you"][0]["reason"] == "Болею, прошу продлить"
    # The mentor's export has the program too, without the mentee's own change log.
    calls = await client.send(cs.mentor.person, "/mydata")
    body = json.loads(calls[-1].method.document.data)
    assert [p["your_role"] for p in body["programs"]] == ["mentor"]
    assert body["program_changes_by_you"] == [] and body["proposals_by_you"] == []


async def test_forget_erases_what_the_person_wrote(client: BotClient, cs: CardSchool) -> None:
    ids = await _write_the_pairs_texts(client, cs)
    # The mentor's own meeting in the same program keeps its texts.
    mentor_meeting = await add_meeting(
        client.sessionmaker,
        cs.program,
        cs.org,
        cs.mentor.user_id,
        client.clock.now() + timedelta(days=3),
        None,
        topic="Разбор урока",
    )
    await client.send(cs.mentee.person, "/forget")
    await client.press(cs.mentee.person, "fg:1")
    async with client.sessionmaker() as s:
        program = await s.get(Program, cs.program)
        assert program is not None
        assert (program.status, program.end_reason) == ("ended", "consent-withdrawn")
        assert all(getattr(program, f) is None for f in ("problem", "goals", "tasks"))
        [item] = (await s.scalars(select(PlanItem))).all()
        assert item.title == "" and item.expected_result is None
        occurrence = await s.get(PlanOccurrence, ids["occurrence"])
        assert occurrence is not None and occurrence.note is None
        meeting = await s.get(Meeting, ids["meeting"])
        assert meeting is not None and (meeting.place, meeting.topic) == (None, None)
        kept = await s.get(Meeting, mentor_meeting)
        assert kept is not None and kept.topic == "Разбор урока"
        [proposal] = (await s.scalars(select(Proposal))).all()
        assert (proposal.reason, proposal.payload, proposal.status) == (None, {}, "withdrawn")
        entries = list(await s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    mine = [e for e in entries if e.actor_id == cs.mentee.user_id]
    assert [(e.reason, e.details) for e in mine] == [(None, {})]
    assert entries[-1].action == "terminated" and entries[-1].actor_id is None
    # The curator's card says why it ended.
    calls = await client.send(cs.curator.person, f"/program #{cs.program}")
    assert "отозвано согласие" in _texts(calls)


async def test_forget_in_a_group_keeps_the_program(client: BotClient, cs: CardSchool) -> None:
    async with client.sessionmaker() as s, s.begin():
        s.add(ProgramMentee(program_id=cs.program, mentee_id=cs.free_mentee.user_id))
        program = await s.get(Program, cs.program)
        assert program is not None
        program.goals = "Общие цели группы"
    await client.send(cs.free_mentee.person, "/forget")
    await client.press(cs.free_mentee.person, "fg:1")
    program = await _program(client, cs.program)
    assert program.status == "active" and program.goals == "Общие цели группы"


async def test_guided_pair_offers_other_schools_mentors_to_the_admin_only(
    client: BotClient, cs: CardSchool
) -> None:
    calls = await client.send(ADMIN, "/pair")
    await client.press(ADMIN, f"po:{cs.org}")
    await client.press(ADMIN, f"pm:{cs.org}:{cs.free_mentee.user_id}")
    calls = await client.press(ADMIN, f"pk:{cs.org}")
    labels = _labels(calls)
    assert labels[0].startswith("Наставник Иван #")  # this school's first among equals
    assert any(label.startswith("Наставник Районный · Районная школа") for label in labels)
    calls = await client.press(ADMIN, f"pn:{cs.org}:{cs.other_mentor.user_id}")
    assert "Шаг 3" in _texts(calls)

    curator = cs.curator.person
    await client.send(curator, "/pair")
    await client.press(curator, f"pm:{cs.org}:{cs.free_mentee.user_id}")
    calls = await client.press(curator, f"pk:{cs.org}")
    assert not any("Районный" in label for label in _labels(calls))
    calls = await client.press(curator, f"pn:{cs.org}:{cs.other_mentor.user_id}")  # forged
    assert f"#{cs.other_mentor.user_id}" in _alert(client, calls)
    assert "Шаг 3" not in _texts(calls)


async def test_the_log_folds_a_run_of_one_step(client: BotClient, cs: CardSchool) -> None:
    now = client.clock.now()
    async with client.sessionmaker() as s, s.begin():
        for _ in range(13):
            s.add(
                AuditEntry(
                    program_id=cs.program, at=now, actor_id=cs.mentor.user_id, action="item-added"
                )
            )
        s.add(
            AuditEntry(
                program_id=cs.program,
                at=now + timedelta(minutes=5),
                actor_id=cs.curator.user_id,
                action="extended",
                reason="Нужно время на <открытый> урок",
            )
        )
    calls = await client.send(cs.mentee.person, "/program")
    text = _texts(calls)
    assert "23.11.2026 12:00 — Наставник Иван: добавлен пункт плана (×13)" in text
    assert "Куратор Ольга: программа продлена (причина: Нужно время на &lt;открытый&gt; урок)" in (
        text
    )
    assert text.index("продлена") < text.index("(×13)")  # newest first


async def test_a_teacher_of_two_schools_keeps_each_schools_programs_to_it(
    client: BotClient, cs: CardSchool
) -> None:
    """The lending school's view covers borrowed mentors only: a mentor who also works (and
    mentors) in the second school does not open the first school's programs to it."""
    async with seed(client.sessionmaker, client.clock.now()) as s:
        await s.member(cs.other_org, cs.mentor.person, Role.MENTOR, name="Наставник Иван")
    calls = await client.send(cs.other_curator.person, f"/program #{cs.program}")
    assert "недоступна" in _texts(calls)
    async with client.sessionmaker() as s:
        other = Roles(by_org={cs.other_org: {Role.CURATOR}})
        assert await programs_visible_to(s, cs.other_curator.user_id, other) == []
    calls = await client.send(cs.curator.person, f"/program #{cs.program}")
    assert "Наставник Иван" in _texts(calls)


# Review finding 6: the curator's pickers with a school of 40 teachers ---------------------


async def test_curators_pickers_page_a_big_school_with_the_mentee_first(
    client: BotClient,
) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        org = await s.org("Большая школа")
        curator = await s.member(org, Person(500, "Cur"), Role.CURATOR, name="Куратор Вера")
        for i in range(23):
            mentor = await s.member(
                org,
                Person(600 + i, f"M{i}"),
                Role.MENTOR,
                name=f"Наставница{i:02} Александра Викторовна",
            )
            mentee = await s.member(
                org,
                Person(700 + i, f"T{i}"),
                Role.MENTEE,
                name=f"Молодая{i:02} Екатерина Сергеевна",
            )
            await s.program(org, mentor, [mentee])
    who = curator.person
    for command in ("/program", "/plan"):
        calls = await client.send(who, command)
        assert "Программы вашей школы (23)" in _texts(calls)
        assert "Ваши программы" not in _texts(calls)
        labels = _labels(calls)
        # Ten a page, sorted by the mentee, then ▶️; one short format in both pickers.
        assert len(labels) == 11 and labels[-1] == "▶️", labels
        assert labels[0].startswith("Молодая00 Е. С. · Наставница00 · #"), labels
        assert all(len(label) <= 40 for label in labels)
        calls = await client.press(who, client.button_data(calls, "▶️"))
        page = _labels(calls)
        assert page[0].startswith("Молодая10 Е. С.") and page[-2:] == ["◀️", "▶️"], page
        calls = await client.press(who, client.button_data(calls, "▶️"))
        page = _labels(calls)
        assert [p.split(" ·")[0] for p in page[:-1]] == [
            "Молодая20 Е. С.",
            "Молодая21 Е. С.",
            "Молодая22 Е. С.",
        ] and page[-1] == "◀️", page
        # A program on the last page opens.
        calls = await client.press(who, client.button_data(calls, "Молодая22"))
        assert "Молодая22 Екатерина Сергеевна" in _texts(calls) or "План программы" in _texts(calls)
    # A page button with no list behind it (another flow began since): said so.
    from aiogram.fsm.storage.base import StorageKey

    key = StorageKey(bot_id=client.bot.id, chat_id=who.id, user_id=who.id)
    await client.dp.storage.set_data(key, {})
    calls = await client.press(who, "pick:1")
    assert "больше не действует" in _alert(client, calls)


async def test_meet_and_release_pickers_page_too(client: BotClient) -> None:
    async with seed(client.sessionmaker, client.clock.now()) as s:
        org = await s.org("Школа с большим наставником")
        mentor = await s.member(org, Person(800, "M"), Role.MENTOR, name="Опытная Анна Ивановна")
        for i in range(12):
            mentee = await s.member(
                org, Person(900 + i, f"T{i}"), Role.MENTEE, name=f"Новая{i:02} Ольга Петровна"
            )
            await s.program(org, mentor, [mentee])
    who = mentor.person
    for command in ("/meet", "/release"):
        calls = await client.send(who, command)
        labels = _labels(calls)
        assert len(labels) == 11 and labels[-1] == "▶️", labels
        # Each names the mentee (not the mentor's own name on every button).
        assert labels[0].startswith("Новая00"), labels
        calls = await client.press(who, client.button_data(calls, "▶️"))
        page = _labels(calls)
        assert len(page) == 3 and page[-1] == "◀️", page
        calls = await client.press(who, client.button_data(calls, "◀️"))
        assert len(_labels(calls)) == 11
