"""/pair at the dispatcher level: the guided flow, the power form, the mentor's decision,
every refusal of a bad input, and who may do what."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from bot.i18n import Locales
from bot.keyboards.pairs import pair_mentees_keyboard
from models.dates import DateInputError, parse_range
from models.outbox import OutboxMessage
from models.pairing import validate_dates
from models.programs import (
    Form,
    Program,
    ProgramMentee,
    ProgramStatus,
    active_programs_of_mentee,
    mentees_of_mentor,
    mentors_of_mentee,
)
from tests.support.botclient import BotClient, Call
from tests.support.seed import Member, PairSchool

GOOD_DATES = "01.12.2026-31.05.2027"


def _ids(*members: Member) -> str:
    return ",".join(f"#{m.user_id}" for m in members)


async def _programs(client: BotClient) -> list[Program]:
    async with client.sessionmaker() as s:
        return list((await s.scalars(select(Program).order_by(Program.id))).all())


async def _outbox(client: BotClient, key_prefix: str = "pair-") -> list[OutboxMessage]:
    async with client.sessionmaker() as s:
        rows = await s.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind.startswith(key_prefix))
            .order_by(OutboxMessage.id)
        )
        return list(rows.all())


def _render(client: BotClient, row: OutboxMessage) -> str:
    return client.locales.get("ru")(row.kind, **row.args)


def _alert(client: BotClient, calls: list[Call]) -> str:
    answers = client.callback_answers(calls)
    assert answers, [c.name for c in calls]
    return answers[-1].text or ""


async def _propose(client: BotClient, w: PairSchool, mentor: Member, mentees: list[Member]) -> int:
    """The power form with everything on the line, then Confirm; returns the program id."""
    who = w.curator.person
    calls = await client.send(
        who, f"/pair #{mentor.user_id} {_ids(*mentees)} situational mixed {GOOD_DATES}"
    )
    assert "Проверьте программу" in calls[-1].text, calls[-1].text
    calls = await client.press(who, client.button_data(calls, "✅ Подтвердить"))
    assert "создана" in client.last_text(who.id)
    return (await _programs(client))[-1].id


async def test_guided_flow_end_to_end(client: BotClient, pair_school: PairSchool) -> None:
    w, who = pair_school, pair_school.curator.person
    calls = await client.send(who, "/pair")
    assert "Шаг 1" in calls[-1].text
    labels = [text for text, _ in calls[-1].buttons]
    assert any("Молодой Первый" in label for label in labels)
    assert not any("Чужой" in label for label in labels)
    calls = await client.press(who, client.button_data(calls, "Молодой Первый"))
    marked = [text for c in calls for text, _ in c.buttons if text.startswith("✅ Молодой")]
    assert marked, "the chosen mentee is marked"
    await client.press(who, client.button_data(calls, "Молодой Второй"))
    calls = await client.press(who, f"pk:{w.org}")
    assert "Шаг 2" in calls[-1].text
    mentor_buttons = [text for text, _ in calls[-1].buttons]
    assert mentor_buttons[0].startswith("Наставник Два"), mentor_buttons  # ranked first
    assert "совпадений: 3" in mentor_buttons[0]
    calls = await client.press(who, client.button_data(calls, "Наставник Два"))
    assert "Шаг 3" in calls[-1].text
    assert calls[-1].buttons[0][0].startswith("ситуационное — по умолчанию")
    assert len(calls[-1].buttons) == len(Form)
    calls = await client.press(who, client.button_data(calls, "ситуационное"))
    assert "Шаг 4" in calls[-1].text
    calls = await client.press(who, client.button_data(calls, "смешанный"))
    assert "Шаг 5" in calls[-1].text
    assert calls[-1].method.reply_markup.force_reply
    calls = await client.send(who, GOOD_DATES)
    summary = calls[-1].text
    assert "Наставник Два" in summary and "Молодой Первый, Молодой Второй" in summary
    assert "01.12.2026 — 31.05.2027" in summary and "смешанный" in summary
    assert await _programs(client) == []  # nothing written before Confirm
    await client.press(who, client.button_data(calls, "✅ Подтвердить"))
    assert "Программа #1 создана" in client.last_text(who.id)

    [program] = await _programs(client)
    assert (program.status, program.form, program.mode) == ("proposed", "situational", "mixed")
    assert (program.starts_on, program.ends_on) == (date(2026, 12, 1), date(2027, 5, 31))
    assert program.mentor_id == w.m2.user_id and program.created_by == w.curator.user_id
    async with client.sessionmaker() as s:
        mentees = set((await s.scalars(select(ProgramMentee.mentee_id))).all())
    assert mentees == {w.t1.user_id, w.t2.user_id}
    [offer] = await _outbox(client)
    assert offer.kind == "pair-offer" and offer.chat_id == w.m2.person.id
    [sent] = [c for c in client.sent_to(w.m2.person.id) if c.buttons]  # after the commit
    assert [d for _, d in sent.buttons] == [f"pz:{program.id}:1", f"pz:{program.id}:0"]
    assert "Молодой Первый, Молодой Второй" in _render(client, offer)

    calls = await client.send(who, "/people")
    assert "ожидает согласия" in calls[-1].text

    calls = await client.press(w.m2.person, f"pz:{program.id}:1")
    assert "приняли" in _alert(client, calls)
    [program] = await _programs(client)
    assert program.status == "active" and program.decided_at is not None
    told = {r.chat_id: r for r in await _outbox(client) if r.kind.startswith("pair-active")}
    assert set(told) == {w.m2.person.id, w.t1.person.id, w.t2.person.id, who.id}
    assert "Молодой Первый" in _render(client, told[w.m2.person.id])
    assert "Наставник Два" in _render(client, told[w.t1.person.id])
    assert "Наставник Два" in _render(client, told[w.t2.person.id])
    assert "Наставник Два принял" in _render(client, told[who.id])

    calls = await client.send(who, "/people")
    assert calls[-1].text.count("пара: есть") == 3  # the mentor and both mentees

    async with client.sessionmaker() as s:
        assert [p.id for p in await active_programs_of_mentee(s, w.t1.user_id)] == [program.id]
        assert [u.id for _, u in await mentors_of_mentee(s, w.t1.user_id)] == [w.m2.user_id]
        pairs = await mentees_of_mentor(s, w.m2.user_id)
        assert sorted(u.id for _, u in pairs) == [w.t1.user_id, w.t2.user_id]


async def test_ranking_and_the_power_form(client: BotClient, pair_school: PairSchool) -> None:
    w, who = pair_school, pair_school.curator.person
    await client.send(who, "/pair")
    calls = await client.press(who, f"pm:{w.org}:{w.t2.user_id}")  # difficulty: method
    calls = await client.press(who, f"pk:{w.org}")
    labels = [text for text, _ in calls[-1].buttons]
    # Два covers the difficulty (1); Один shares the subject (2): the subject weighs more.
    assert labels[0].startswith("Наставник Один") and "совпадений: 2" in labels[0]
    assert labels[1].startswith("Наставник Два") and "совпадений: 1" in labels[1]

    # everything on one line goes straight to the summary; Cancel writes nothing
    calls = await client.send(
        who, f"/pair #{w.m1.user_id} #{w.t1.user_id} speed offline 15.12.2026"
    )
    assert "15.12.2026 — 15.12.2026" in calls[-1].text
    await client.press(who, client.button_data(calls, "Отмена"))
    assert "не создана" in client.last_text(who.id)
    calls = await client.press(who, f"py:{w.org}:1")  # the cancelled draft's Confirm
    assert "больше не действует" in _alert(client, calls)
    assert await _programs(client) == []

    # only people: the flow asks for the form, the mode and the dates
    calls = await client.send(who, f"/pair #{w.m1.user_id} #{w.t1.user_id}, #{w.t2.user_id}")
    assert "Шаг 3" in calls[-1].text
    calls = await client.press(who, client.button_data(calls, "наставничество в группе"))
    calls = await client.press(who, client.button_data(calls, "онлайн"))
    calls = await client.send(who, "01.12.2026 – 30.11.2027")  # a full year, spaces and a dash
    assert "Проверьте программу" in calls[-1].text
    await client.press(who, client.button_data(calls, "✅ Подтвердить"))
    [program] = await _programs(client)
    assert (program.form, program.mode, program.mentor_id) == ("group", "online", w.m1.user_id)
    assert program.ends_on == date(2027, 11, 30) and program.status == "proposed"
    calls = await client.send(who, "/pair")
    assert "нет наставляемых без программы" in calls[-1].text


async def test_mentor_decisions(client: BotClient, pair_school: PairSchool) -> None:
    w = pair_school
    # a refusal asks for a reason, which goes back to the curator
    refused_id = await _propose(client, w, w.m1, [w.t1])
    await client.press(w.m1.person, f"pz:{refused_id}:0")
    assert "Почему вы отказываетесь" in client.last_text(w.m1.person.id)
    assert (await _programs(client))[0].status == ProgramStatus.PROPOSED
    await client.send(w.m1.person, "   ")
    assert "Нужна причина" in client.last_text(w.m1.person.id)
    await client.send(w.m1.person, "Веду выпускные классы, нет времени")
    assert "Куратор получил" in client.last_text(w.m1.person.id)
    assert (await _programs(client))[0].status == ProgramStatus.REFUSED
    [row] = [r for r in await _outbox(client) if r.kind == "pair-refused-curator-reason"]
    assert row.chat_id == w.curator.person.id
    assert "Наставник Один отказался" in _render(client, row)
    assert "нет времени" in _render(client, row)
    assert not [r for r in await _outbox(client) if r.kind.startswith("pair-active")]
    calls = await client.press(w.m1.person, f"pz:{refused_id}:1")  # too late to accept
    assert "уже принято" in _alert(client, calls)
    assert (await _programs(client))[0].status == ProgramStatus.REFUSED

    # the mentee is free again; only that program's mentor may answer, and only once
    program_id = await _propose(client, w, w.m2, [w.t1])
    calls = await client.press(w.m1.person, f"pz:{program_id}:1")  # not their program
    assert "недоступно" in _alert(client, calls)
    calls = await client.press(w.curator.person, f"pz:{program_id}:1")
    assert "недоступно" in _alert(client, calls)
    assert (await _programs(client))[1].status == ProgramStatus.PROPOSED
    await client.press(w.m2.person, f"pz:{program_id}:1")
    calls = await client.press(w.m2.person, f"pz:{program_id}:1")
    assert "уже принято" in _alert(client, calls)
    calls = await client.press(w.m2.person, f"pz:{program_id}:0")
    assert "уже принято" in _alert(client, calls)
    assert [p.status for p in await _programs(client)] == ["refused", "active"]
    active = [r for r in await _outbox(client) if r.kind.startswith("pair-active")]
    assert len(active) == 3  # mentor, mentee, curator: once each
    calls = await client.press(w.m2.person, "pz:999:1")
    assert "недоступно" in _alert(client, calls)


async def test_bad_people_are_refused(client: BotClient, pair_school: PairSchool) -> None:
    w, who = pair_school, pair_school.curator.person
    cases = [
        (f"/pair #999 #{w.t1.user_id}", "нет участника #999"),
        (f"/pair #{w.m1.user_id} #{w.other_mentee.user_id}", "нет участника"),
        (f"/pair #{w.other_curator.user_id} #{w.t1.user_id}", "нет участника"),
        (f"/pair #{w.t2.user_id} #{w.t1.user_id}", "не состоит в банке наставников"),
        (f"/pair #{w.m1.user_id} #{w.m2.user_id}", "не состоит в банке наставляемых"),
        (f"/pair #{w.m1.user_id} #{w.m1.user_id}", "самому себе"),
        (f"/pair #{w.m1.user_id} #{w.t1.user_id} nosuchform", "Такой формы"),
        (f"/pair #{w.m1.user_id} #{w.t1.user_id} group nowhere", "Такого формата"),
        ("/pair five seven", "Быстрый способ"),
    ]
    for text, expected in cases:
        calls = await client.send(who, text)
        assert expected in calls[-1].text, (text, calls[-1].text)
    # a mentee already in a live program of the same form
    await _propose(client, w, w.m2, [w.t1])
    calls = await client.send(who, f"/pair #{w.m1.user_id} #{w.t2.user_id},#{w.t1.user_id}")
    calls = await client.press(who, client.button_data(calls, "ситуационное"))
    assert "уже участвует в программе #1" in calls[-1].text
    calls = await client.send(
        who, f"/pair #{w.m1.user_id} #{w.t1.user_id} situational online {GOOD_DATES}"
    )
    assert "уже участвует" in calls[-1].text
    # another form for the same mentee is fine
    calls = await client.press(who, f"pf:{w.org}:short_term")
    assert "больше не действует" in _alert(client, calls)  # that draft is gone
    await client.send(who, f"/pair #{w.m1.user_id} #{w.t1.user_id}")
    calls = await client.press(who, f"pf:{w.org}:short_term")
    assert "Шаг 4" in calls[-1].text
    assert len(await _programs(client)) == 1


async def test_bad_dates_are_refused(client: BotClient, pair_school: PairSchool) -> None:
    w, who = pair_school, pair_school.curator.person
    await client.send(who, f"/pair #{w.m1.user_id} #{w.t1.user_id} situational mixed")
    cases = [
        ("31.02.2027-31.05.2027", "Даты «31.02.2027» нет в календаре"),
        ("01.12.2026-31.02.2027", "Даты «31.02.2027» нет в календаре"),
        ("2026-13-01", "«2026-13-01» — не похоже на срок"),
        ("с понедельника", "не похоже на срок"),
        ("31.05.2027-01.12.2026", "Конец (01.12.2026) раньше начала (31.05.2027)"),
        ("01.12.2026-27.02.2027", "не раньше 28.02.2027"),  # a day short of 3 months
        ("01.12.2026-01.12.2027", "не позже 30.11.2027"),  # past 12 months
        ("01.12.2026-31.12.2028", "Продление сверх года"),
        ("01.09.2026-01.11.2026", "уже прошли"),
    ]
    for text, expected in cases:
        calls = await client.send(who, text)
        assert expected in calls[-1].text, (text, calls[-1].text)
        assert calls[-1].method.reply_markup.force_reply  # asked again
    assert await _programs(client) == []
    calls = await client.send(who, "01.12.2026-28.02.2027")  # exactly 3 months
    assert "Проверьте программу" in calls[-1].text
    # speed mentoring is one day
    await client.send(who, f"/pair #{w.m1.user_id} #{w.t2.user_id} speed online")
    calls = await client.send(who, "15.12.2026-16.12.2026")
    assert "одна встреча в один день" in calls[-1].text
    calls = await client.send(who, "15.12.2026")
    assert "Проверьте программу" in calls[-1].text
    # the one-line form refuses bad dates too
    calls = await client.send(who, f"/pair #{w.m1.user_id} #{w.t2.user_id} group mixed 31.02.2027")
    assert "Даты «31.02.2027» нет в календаре" in calls[-1].text
    calls = await client.send(who, f"/pair #{w.m1.user_id} #{w.t2.user_id} group 31.02.2027")
    assert "Даты «31.02.2027» нет в календаре" in calls[-1].text
    # the mode may be left out: it is asked for, and the dates are kept
    calls = await client.send(who, f"/pair #{w.m1.user_id} #{w.t2.user_id} group {GOOD_DATES}")
    assert "Шаг 4" in calls[-1].text
    calls = await client.press(who, f"pd:{w.org}:offline")
    assert "Проверьте программу" in calls[-1].text and "очно" in calls[-1].text
    assert await _programs(client) == []


async def test_other_organization_sees_nothing(client: BotClient, pair_school: PairSchool) -> None:
    w = pair_school
    stranger = w.other_curator.person
    calls = await client.send(stranger, "/pair")
    labels = [text for text, _ in calls[-1].buttons]
    assert any("Чужой Наставляемый" in label for label in labels)
    assert not any("Молодой" in label for label in labels)
    calls = await client.send(stranger, f"/pair #{w.m1.user_id} #{w.t1.user_id}")
    assert "нет участника" in calls[-1].text and "Наставник" not in calls[-1].text
    for data in (
        f"po:{w.org}",
        f"pm:{w.org}:{w.t1.user_id}",
        f"pk:{w.org}",
        f"pn:{w.org}:{w.m1.user_id}",
        f"pf:{w.org}:situational",
        f"py:{w.org}:1",
    ):
        calls = await client.press(stranger, data)
        assert "недоступно" in _alert(client, calls), data
    # a curator's own draft does not accept another organization's people either
    await client.send(w.curator.person, "/pair")
    calls = await client.press(w.curator.person, f"pm:{w.org}:{w.other_mentee.user_id}")
    assert "недоступно" in _alert(client, calls)
    # people without the curator role
    for person in (w.m1.person, w.t1.person):
        calls = await client.send(person, f"/pair #{w.m1.user_id} #{w.t1.user_id}")
        assert "только куратору" in calls[-1].text
    assert await _programs(client) == []


def test_date_rules() -> None:
    assert parse_range("01.12.2026-31.05.2027") == (date(2026, 12, 1), date(2027, 5, 31))
    assert parse_range("1.12.2026 — 31.5.2027") == (date(2026, 12, 1), date(2027, 5, 31))
    assert parse_range("15.12.2026") == (date(2026, 12, 15), date(2026, 12, 15))
    for text, key in [
        ("31.02.2027", "date-err-no-such-day"),
        ("2026-13-01", "date-err-range-format"),
        ("", "date-err-range-format"),
        ("01.12.2026-02.12.2026-03.12.2026", "date-err-range-format"),
        ("31.05.2027-01.12.2026", "date-err-range-order"),
    ]:
        with pytest.raises(DateInputError) as caught:
            parse_range(text)
        assert caught.value.key == key, text
    start = date(2026, 12, 1)
    assert validate_dates("situational", start, date(2027, 2, 27)) == "pair-dates-too-short"
    assert validate_dates("situational", start, date(2027, 2, 28)) is None  # 3 months
    assert validate_dates("situational", start, date(2027, 11, 30)) is None  # 12 months
    assert validate_dates("situational", start, date(2027, 12, 1)) == "pair-dates-too-long"
    assert validate_dates("speed", start, start) is None
    assert validate_dates("speed", start, date(2026, 12, 2)) == "pair-dates-speed"
    assert validate_dates("group", date(2027, 1, 1), start) == "pair-dates-order"
    assert validate_dates("group", start, date(2027, 5, 31), today=date(2027, 6, 1)) == (
        "pair-dates-past"
    )
    # 31 August + 3 months: the end of November is the earliest last day
    assert validate_dates("traditional", date(2026, 8, 31), date(2026, 11, 29)) is None


def test_mentee_keyboard_pages() -> None:
    t = Locales().get("ru")
    mentees = [(i, f"Name {i}") for i in range(1, 26)]
    first = pair_mentees_keyboard(t, 1, mentees, [2], 0).inline_keyboard
    labels = [b.text for row in first for b in row]
    assert len([x for x in labels if x.startswith(("Name", "✅"))]) == 20
    assert "✅ Name 2 #2" in labels and any(x.startswith("Вперёд") for x in labels)
    assert labels[-1].startswith("Готово (выбрано: 1)")
    second = pair_mentees_keyboard(t, 1, mentees, [], 1).inline_keyboard
    labels = [b.text for row in second for b in row]
    assert len([x for x in labels if x.startswith("Name")]) == 5
    assert any(x.startswith("◀") for x in labels)
    data = [b.callback_data for row in first + second for b in row]
    assert all(len((d or "").encode()) <= 64 for d in data)


@pytest.mark.parametrize(("at", "silent"), [((19, 30), True), ((9, 0), False)])
async def test_an_offer_made_in_quiet_hours_arrives_silently(
    client: BotClient, pair_school: PairSchool, at: tuple[int, int], silent: bool
) -> None:
    w = pair_school
    client.clock.set(datetime(2026, 11, 23, *at, tzinfo=UTC))  # 22:30 or 12:00 in Moscow
    await _propose(client, w, w.m2, [w.t1])
    [offer] = [c for c in client.sent_to(w.m2.person.id) if c.buttons]
    assert bool(offer.method.disable_notification) is silent
