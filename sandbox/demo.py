"""«Fill with a demo school»: the cast plays a school's first weeks through the stand-in's
user side, exactly as people would (commands typed, buttons pressed, replies written), so
everything the page then shows was made by the real bot. Nothing here writes a table.

The admin creates the school; the curator joins and invites; two mentors and three mentees
join with profiles; the curator reads their numbers in /people and forms a pair and a
group with /pair («учитель – учитель», mixed, about nine months from today); the mentors
accept; mentor 1 takes the «Учитель–учитель»
roadmap; mentee 1 asks, is answered, marks the question resolved and rates it; mentee 2's
question stays open; mentor 1 proposes a meeting two working days ahead and mentee 1
confirms it. Entry questionnaires that arrive on acceptance are left for the visitor.

`fill` runs in a worker thread and blocks on the stand-in's waits; a wait that times out
ends it with a DemoError that names the step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.i18n import Locales
from fake_telegram import BotMessage, FakeTelegram, FakeUser
from models.programs import add_months
from sandbox.personas import Persona, by_role
from sandbox.travel import working_day_on_or_after

ORG_NAME = "Школа №1 (демо)"
LINK = re.compile(r"https://t\.me/\w+\?start=([A-Za-z0-9_-]+)")
FORM = "teacher_teacher"  # «учитель – учитель», the form of the roadmap template
MODE = "mixed"
PROGRAM_MONTHS = 9
MEETING_AHEAD_WORKING_DAYS = 2
MEETING_TIME = "15:00"
STEP_TIMEOUT = 30.0  # seconds the bot may take to answer one step


# A translator: a locale key and its arguments → the text (bot.i18n.Translator.plain).
Translate = Callable[..., str]


class DemoError(Exception):
    """The demo stopped: one line for the page, in its language, naming the step that failed."""


@dataclass(frozen=True)
class Profile:
    position: str
    subject: str
    experience: int
    direction: str | None = None  # a mentor's direction or a mentee's difficulty


CURATOR_PROFILE = Profile("заместитель директора по УВР", "русский язык", 18)
MENTOR_PROFILES = (
    Profile("учитель", "математика", 15, "Методическое"),
    Profile("учитель", "русский язык и литература", 22, "Психолого-педагогическое"),
)
MENTEE_PROFILES = (
    Profile("учитель", "математика", 1, "Методическое"),
    Profile("учитель", "литература", 0, "Психолого-педагогическое"),
    Profile("учитель начальных классов", "начальные классы", 2, "ИКТ-компетентность"),
)

QUESTION_ANSWERED = "Как выстроить первый урок в 7 классе, чтобы удержать внимание?"
ANSWER = (
    "Начните с короткой задачи на 3 минуты, которую все смогут решить, "
    "а объяснение дробите на части по 7–10 минут с вопросами классу."
)
QUESTION_OPEN = "Как говорить с родителями ученика, который не сдаёт сочинения?"
MEETING_PLACE = "Кабинет 12"
MEETING_TOPIC = "Разбор первого урока"


def _working_days_ahead(day: date, count: int, zone: str) -> date:
    for _ in range(count):
        day = working_day_on_or_after(day + timedelta(days=1), zone)
    return day


def _ticked(label: str) -> Callable[[BotMessage], bool]:
    return lambda m: any(t.startswith("✅") and label in t for t in m.button_texts())


class _Demo:
    def __init__(
        self, fake: FakeTelegram, cast: Sequence[Persona], now: datetime, zone: str, timeout: float
    ) -> None:
        cast = list(cast)
        admins, curators = by_role(cast, "admin"), by_role(cast, "curator")
        mentors, mentees = by_role(cast, "mentor"), by_role(cast, "mentee")
        if not admins or not curators or len(mentors) < 2 or len(mentees) < 3:
            raise DemoError("sandbox-demo-cast")
        self.fake = fake
        self.timeout = timeout
        self.zone = zone
        self.today = now.astimezone(ZoneInfo(zone)).date()
        self.admin, self.curator = admins[0], curators[0]
        self.mentors, self.mentees = mentors[:2], mentees[:3]
        self.users: dict[int, FakeUser] = {}
        # The cast plays in Russian (the waits read the Russian texts) even when the page
        # switched to English; each persona's language is given back at the end.
        self.languages: dict[int, str | None] = {}
        with fake._lock:
            for persona in (self.admin, self.curator, *self.mentors, *self.mentees):
                user = fake.user(persona.id, persona.first_name, language_code="ru")
                self.languages[persona.id] = user.language_code
                user.language_code = "ru"
                user.skip()  # only what the bot says from now on counts
                self.users[persona.id] = user
        self.curator_code = ""
        self.mentor_code = ""
        self.mentee_code = ""
        self.ids: dict[int, int] = {}  # Telegram id → the bot's number of the person

    def restore_languages(self) -> None:
        with self.fake._lock:
            for persona_id, language in self.languages.items():
                self.users[persona_id].language_code = language

    def u(self, persona: Persona) -> FakeUser:
        return self.users[persona.id]

    def wait(
        self,
        persona: Persona,
        contains: str | None = None,
        predicate: Callable[[BotMessage], bool] | None = None,
    ) -> BotMessage:
        return self.u(persona).wait_for(contains, predicate, timeout=self.timeout)

    def link_code(self, persona: Persona) -> str:
        message = self.wait(persona, predicate=lambda m: LINK.search(m.text) is not None)
        match = LINK.search(message.text)
        assert match is not None
        return match.group(1)

    # The steps ----------------------------------------------------------------------

    def steps(self, t: Translate) -> list[tuple[str, Callable[[], None]]]:
        """(label in the page's language, action) for every step."""
        m1, m2 = (p.first_name for p in self.mentors)
        e1, e2, e3 = (p.first_name for p in self.mentees)
        steps: list[tuple[str, Callable[[], None]]] = [
            (t("sandbox-demo-new-org"), self.new_org),
            (t("sandbox-demo-curator-joins"), self.curator_joins),
            (t("sandbox-demo-invite"), self.invite),
        ]
        for persona, profile in zip(self.mentors, MENTOR_PROFILES, strict=True):
            steps.append(
                (
                    t("sandbox-demo-mentor-joins", name=persona.first_name),
                    self.joins(persona, profile),
                )
            )
        for persona, profile in zip(self.mentees, MENTEE_PROFILES, strict=True):
            steps.append(
                (
                    t("sandbox-demo-mentee-joins", name=persona.first_name),
                    self.joins(persona, profile, mentee=True),
                )
            )
        mentor1, mentor2 = self.mentors
        mentee1, mentee2, mentee3 = self.mentees
        steps += [
            (
                t("sandbox-demo-pair", mentor=m1, mentee=e1),
                lambda: self.pair(mentor1, [mentee1]),
            ),
            (
                t("sandbox-demo-group", mentor=m2, first=e2, second=e3),
                lambda: self.pair(mentor2, [mentee2, mentee3]),
            ),
            (t("sandbox-demo-roadmap", mentor=m1), self.roadmap),
            (t("sandbox-demo-answered", mentee=e1, mentor=m1), self.answered_question),
            (t("sandbox-demo-open-question", mentee=e2), self.open_question),
            (t("sandbox-demo-meeting", mentor=m1, mentee=e1), self.meeting),
        ]
        return steps

    def new_org(self) -> None:
        self.u(self.admin).send(f"/neworg {ORG_NAME}")
        self.curator_code = self.link_code(self.admin)

    def curator_joins(self) -> None:
        self.join(self.curator, self.curator_code, CURATOR_PROFILE)

    def invite(self) -> None:
        curator = self.u(self.curator)
        curator.send(f"/invite mentor {len(self.mentors)}")
        self.mentor_code = self.link_code(self.curator)
        curator.send(f"/invite mentee {len(self.mentees)}")
        self.mentee_code = self.link_code(self.curator)

    def joins(self, persona: Persona, profile: Profile, mentee: bool = False) -> Callable[[], None]:
        def run() -> None:
            code = self.mentee_code if mentee else self.mentor_code
            self.join(persona, code, profile)
            self.wait(self.curator, persona.full_name)  # «Новый участник»

        return run

    def join(self, persona: Persona, code: str, profile: Profile) -> None:
        user = self.u(persona)
        user.send(f"/start {code}")
        consent = self.wait(persona, "Согласие на обработку")
        user.press("Согласен", message=consent)
        self.wait(persona, "фамилия")
        user.send(persona.full_name)
        self.wait(persona, "должность")
        user.send(profile.position)
        self.wait(persona, "Предмет")
        user.send(profile.subject)
        self.wait(persona, "стаж")
        user.send(str(profile.experience))
        if profile.direction is not None:
            ask = self.wait(persona, "направлени")
            user.press(profile.direction, message=ask)
            user.wait_edit(ask, predicate=_ticked(profile.direction), timeout=self.timeout)
            user.press("Готово", message=ask)
        self.wait(persona, "Профиль заполнен")

    def read_ids(self) -> None:
        """The curator reads the people's numbers in /people, as /pair wants them."""
        self.u(self.curator).send("/people")
        people = self.wait(self.curator, "Участники").text
        for persona in (*self.mentors, *self.mentees):
            match = re.search(rf"#(\d+) {re.escape(persona.full_name)}", people)
            if match is None:
                raise AssertionError(f"{persona.full_name} is not in /people")
            self.ids[persona.id] = int(match.group(1))

    def pair(self, mentor: Persona, mentees: list[Persona]) -> None:
        """The quick form of /pair (the guided one asks the same in eight messages, and the
        curator's chat is paced: a deep burst is spent by then)."""
        if not self.ids:
            self.read_ids()
        curator = self.u(self.curator)
        end = add_months(self.today, PROGRAM_MONTHS) - timedelta(days=1)
        group = ",".join(f"#{self.ids[m.id]}" for m in mentees)
        curator.send(
            f"/pair #{self.ids[mentor.id]} {group} {FORM} {MODE} "
            f"{self.today:%d.%m.%Y}-{end:%d.%m.%Y}"
        )
        summary = self.wait(self.curator, "Проверьте программу")
        curator.press("✅ Подтвердить", message=summary)
        self.wait(self.curator, "Предложение отправлено наставнику")
        offer = self.wait(mentor, "Предложение стать наставником")
        self.u(mentor).press("✅ Принимаю", message=offer)
        self.wait(mentor, "начата")
        for mentee in mentees:
            self.wait(mentee, "Вам назначен наставник")
        self.wait(self.curator, "принял программу")

    def roadmap(self) -> None:
        mentor = self.mentors[0]
        self.u(mentor).send("/plan")
        plan = self.wait(mentor, "План пока пуст")
        self.u(mentor).press("📋 Дорожная карта", message=plan)
        self.wait(mentor, "мероприятий дорожной карты")

    def answered_question(self) -> None:
        mentor, mentee = self.mentors[0], self.mentees[0]
        self.u(mentee).send(QUESTION_ANSWERED)
        question = self.wait(mentor, mentee.full_name, predicate=lambda m: "Вопрос №" in m.text)
        self.wait(mentee, "отправлен наставнику")
        self.u(mentor).send(ANSWER, reply_to=question)
        answer = self.wait(mentee, "Ответ на вопрос")
        self.wait(mentor, "Ответ на вопрос", predicate=lambda m: "отправлен" in m.text)
        self.u(mentee).press("✅ Вопрос решён", message=answer)
        rate = self.wait(mentee, "Оцените помощь")
        pressed = self.u(mentee).press("5", message=rate)
        self.u(mentee).wait_answer(pressed, self.timeout)  # «Спасибо за оценку»

    def open_question(self) -> None:
        mentor, mentee = self.mentors[1], self.mentees[1]
        self.u(mentee).send(QUESTION_OPEN)
        self.wait(mentor, mentee.full_name, predicate=lambda m: "Вопрос №" in m.text)
        self.wait(mentee, "отправлен наставнику")

    def meeting(self) -> None:
        mentor, mentee = self.mentors[0], self.mentees[0]
        user = self.u(mentor)
        day = _working_days_ahead(self.today, MEETING_AHEAD_WORKING_DAYS, self.zone)
        user.send("/meet")
        self.wait(mentor, "Когда?")
        user.send(f"{day:%d.%m.%Y} {MEETING_TIME}")
        modes = self.wait(mentor, "Формат встречи")
        user.press("очно", message=modes)
        self.wait(mentor, "Где пройдёт встреча")
        user.send(MEETING_PLACE)
        self.wait(mentor, "Тема встречи")
        user.send(MEETING_TOPIC)
        weekly = self.wait(mentor, "каждую неделю")
        user.press("Один раз", message=weekly)
        summary = self.wait(mentor, "Проверьте встречу")
        user.press("✅ Отправить приглашение", message=summary)
        self.wait(mentor, "предложена")
        invite = self.wait(mentee, "Приглашение на встречу")
        self.u(mentee).press("✅ Подтвердить", message=invite)
        self.wait(mentor, "подтвердил(а) встречу")


def fill(
    fake: FakeTelegram,
    cast: Sequence[Persona],
    now: datetime,
    zone: str,
    progress: Callable[[int, int, str], None],
    timeout: float = STEP_TIMEOUT,
    t: Translate | None = None,
) -> None:
    """Play the demo school through the stand-in's user side; DemoError names a failed step.

    `now` is the sandbox's clock and `zone` the school's time zone (the bot's default):
    the program starts today there and the meeting falls two working days later."""
    t = t or Locales().get("ru").plain
    try:
        demo = _Demo(fake, cast, now, zone, timeout)
    except DemoError as error:
        raise DemoError(t(error.args[0])) from None
    steps = demo.steps(t)
    try:
        for number, (label, run) in enumerate(steps, 1):
            progress(number, len(steps), label)
            try:
                run()
            except AssertionError as error:
                raise DemoError(
                    t("sandbox-demo-failed", step=number, steps=len(steps), label=label)
                ) from error
    finally:
        demo.restore_languages()
