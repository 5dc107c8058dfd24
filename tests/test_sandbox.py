"""`mentorbot sandbox` from outside: what it refuses, where its clock travels, and its web API
driven over HTTP against the real bot process and the stand-in."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from sandbox.guard import looks_real, refusal
from sandbox.travel import first_instant, travel
from tests.support.sandbox_process import SandboxProcess, sandbox_env

MSK = ZoneInfo("Europe/Moscow")
ADMIN, CURATOR = 700001, 700002
START = "2026-11-23T12:00:00+03:00"  # a Monday, in school hours
RUSSIAN_VERBS = r"создаёт|заполняет|приглашает|формирует|берёт|задаёт|отвечает|назначает"
BUSY_EN = "Please wait: the sandbox is busy (demo school or reset)."
REAL_TOKEN = "7234567890:AAHk3mZ-xQ1vR8sT2uW4yZ6bC8dE0fG2hIj"


def _refused(tmp_path: Path, **extra: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--port", "0"],
        cwd=tmp_path,
        env=sandbox_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert not (tmp_path / "data").exists()  # nothing was started or created
    return lines[0]


# ---------------------------------------------------------------------- refusals


def test_a_foreign_database_url_is_refused_in_one_line(tmp_path: Path) -> None:
    line = _refused(tmp_path, DATABASE_URL="postgresql+asyncpg://school:s3cret@db.region/prod")
    assert "DATABASE_URL" in line and "sandbox.db" in line
    assert "s3cret" not in line  # the password is not printed


def test_a_real_looking_token_is_refused_in_one_line(tmp_path: Path) -> None:
    line = _refused(tmp_path, BOT_TOKEN=REAL_TOKEN)
    assert "BOT_TOKEN" in line and REAL_TOKEN not in line


def test_its_own_file_and_a_placeholder_token_are_accepted(tmp_path: Path) -> None:
    own = tmp_path / "data" / "sandbox.db"
    assert refusal({}, own) is None
    assert refusal({"DATABASE_URL": f"sqlite+aiosqlite:///{own}"}, own) is None
    assert refusal({"BOT_TOKEN": "123:abc"}, own) is None
    assert refusal({"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/other.db"}, own)
    assert looks_real(REAL_TOKEN) and not looks_real("7000000:sandbox")


# ---------------------------------------------------------------------- time travel


def msk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=MSK)


@pytest.mark.parametrize(
    ("step", "now", "lands"),
    [
        ("hour", "2026-11-23 12:00", "2026-11-23 13:00"),
        ("day", "2026-11-23 12:00", "2026-11-24 12:00"),
        ("monday", "2026-11-23 08:00", "2026-11-23 09:00"),  # Monday before nine: today
        ("monday", "2026-11-23 12:00", "2026-11-30 09:00"),
        ("monday", "2026-11-28 22:00", "2026-11-30 09:00"),
        # the morning after the quarter's last day (Q2 ends 27.12 in the default calendar)
        ("quarter", "2026-11-23 12:00", "2026-12-28 09:00"),
        ("quarter", "2026-12-28 10:00", "2027-03-21 09:00"),  # in the winter break: Q3's end
        ("quarter", "2027-06-10 12:00", "2027-10-25 09:00"),  # summer: next year's Q1
    ],
)
def test_each_step_of_the_clock_lands_where_it_says(step: str, now: str, lands: str) -> None:
    assert travel(step, msk(now), "Europe/Moscow", None) == msk(lands)


def test_the_quarter_step_follows_the_school_calendar() -> None:
    calendar = {
        "year": "2026/27",
        "quarters": [
            {"start": "2026-09-01", "end": "2026-10-30"},
            {"start": "2026-11-09", "end": "2026-12-25"},
            {"start": "2027-01-12", "end": "2027-03-19"},
            {"start": "2027-03-30", "end": "2027-05-26"},
        ],
    }
    assert travel("quarter", msk("2026-11-23 12:00"), "Europe/Moscow", calendar) == msk(
        "2026-12-26 09:00"
    )
    yekt = ZoneInfo("Asia/Yekaterinburg")
    monday = travel("monday", msk("2026-11-23 12:00"), "Asia/Yekaterinburg", None)
    assert monday == datetime(2026, 11, 30, 9, 0, tzinfo=yekt)


@pytest.mark.parametrize(
    ("now", "starts"),
    [
        ("2026-11-23 12:00", "2026-11-23 12:00"),  # school hours: now
        ("2026-11-23 07:30", "2026-11-23 10:00"),
        ("2026-11-23 21:00", "2026-11-24 10:00"),
        ("2026-11-27 18:00", "2026-11-30 10:00"),  # Friday evening: Monday
        ("2026-11-28 12:00", "2026-11-30 10:00"),
    ],
)
def test_a_fresh_sandbox_starts_in_school_hours(now: str, starts: str) -> None:
    assert first_instant(msk(now), "Europe/Moscow") == msk(starts)


# ---------------------------------------------------------------------- the web API


class Sandbox(SandboxProcess):
    """`python -m bot sandbox` in a folder of its own, driven over HTTP."""

    def start(self, *args: str) -> None:
        super().start(*args)
        self.wait(lambda state: state["bot"]["state"] == "running", "the bot polls")

    def request(self, path: str, body: Any = None, headers: dict[str, str] | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path,
            data=data,
            headers={"Content-Type": "application/json", **(headers or {})},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read(), dict(error.headers)

    def post(self, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        status, raw, _ = self.request(path, body)
        return status, json.loads(raw)

    def state(self, persona: int = ADMIN) -> dict[str, Any]:
        status, raw, _ = self.request(f"/api/state?persona={persona}")
        assert status == 200
        return json.loads(raw)

    def upload(self, persona: int, kind: str, name: str, content: bytes, caption: str = ""):
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in (("persona", str(persona)), ("kind", kind), ("caption", caption)):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            )
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        body = (
            "".join(parts).encode() + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
        )
        request = urllib.request.Request(
            self.base + "/api/upload",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def wait(self, check: Any, what: str, persona: int = ADMIN, within: float = 60) -> dict:
        deadline = time.monotonic() + within
        while True:
            state = self.state(persona)
            if check(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{what}: not within {within} s\n{state}\n{self.diagnostics()}"
                )
            time.sleep(0.1)


def bot_texts(state: dict[str, Any]) -> list[str]:
    return [m["html"] for m in (state["chat"] or {}).get("messages", []) if m["from"] == "bot"]


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    with Sandbox(tmp_path).running("--start-at", START) as process:
        yield process


def test_the_web_api_plays_a_person_moves_time_and_answers_bad_input(sandbox: Sandbox) -> None:
    state = sandbox.state()
    assert state["clock"]["label"].startswith("пн, 23.11.2026 12:")  # however long the start took
    assert [p["role"] for p in state["personas"]][:3] == ["admin", "curator", "mentor"]
    # A fresh sandbox opens with the admin's /start: the welcome, and the admin's own menu.
    state = sandbox.wait(lambda s: bool(bot_texts(s)), "the admin's welcome")
    assert state["chat"]["messages"][0]["from"] == "me"
    assert "/start" in state["chat"]["messages"][0]["html"]
    assert "neworg" in {c["command"] for c in state["chat"]["commands"]}

    assert sandbox.post("/api/send", {"persona": ADMIN, "text": "/neworg Школа №1"})[0] == 200
    state = sandbox.wait(lambda s: any("start-link" in t for t in bot_texts(s)), "the curator link")
    assert "Школа №1" in bot_texts(state)[-1]
    code = re.search(r'data-start="(\w+)"', bot_texts(state)[-1])[1]  # type: ignore[index]

    # The curator follows the link: the consent comes with a working button.
    sandbox.post("/api/send", {"persona": CURATOR, "text": f"/start {code}"})
    state = sandbox.wait(
        lambda s: any(m["buttons"] for m in s["chat"]["messages"]), "consent", CURATOR
    )
    consent = next(m for m in state["chat"]["messages"] if m["buttons"])
    button = consent["buttons"][0][0]
    assert button["kind"] == "callback"
    pressed = {"persona": CURATOR, "message_id": consent["id"], "row": 0, "col": 0}
    assert sandbox.post("/api/press", pressed)[0] == 200
    sandbox.wait(lambda s: "фамилия" in " ".join(bot_texts(s)), "the profile form", CURATOR)

    # A person's own document comes back as a download with its name.
    status, body = sandbox.upload(CURATOR, "document", "план.pdf", b"%PDF-1.4 plan")
    assert (status, body) == (200, {"ok": True})
    state = sandbox.wait(
        lambda s: any((m["media"] or {}).get("name") == "план.pdf" for m in s["chat"]["messages"]),
        "the document in the chat",
        CURATOR,
    )
    media = next(m["media"] for m in state["chat"]["messages"] if m["media"])
    status, content, headers = sandbox.request(media["url"])
    assert status == 200 and content == b"%PDF-1.4 plan"
    assert "attachment" in headers["Content-Disposition"]
    sandbox.wait(lambda s: "текстом" in bot_texts(s)[-1], "the form asks for text", CURATOR)

    # Bad input gets one clear line in the page's language, and nothing is sent.
    before = len(sandbox.state(CURATOR)["chat"]["messages"])
    assert sandbox.post("/api/send", {"persona": CURATOR, "text": "  "}) == (
        200,
        {"ok": False, "error": "Пустое сообщение не отправить."},
    )
    status, body = sandbox.upload(CURATOR, "photo", "notes.txt", b"not an image")
    assert body["ok"] is False and "изображение" in body["error"]
    assert sandbox.post("/api/press", {**pressed, "row": 5})[1]["ok"] is False
    assert sandbox.post("/api/send", {"persona": 1, "text": "hi"})[1]["ok"] is False
    status, _raw, _ = sandbox.request(
        "/api/send", {"persona": CURATOR, "text": "x"}, {"Origin": "http://evil.example"}
    )
    assert status == 403  # another site open in the browser cannot drive the sandbox
    port = sandbox.base.rsplit(":", 1)[1]
    status, _raw, _ = sandbox.request(
        f"/api/state?persona={CURATOR}", headers={"Host": f"rebound.example:{port}"}
    )
    assert status == 403  # nor read it through a DNS rebinding to 127.0.0.1
    assert len(sandbox.state(CURATOR)["chat"]["messages"]) == before

    assert sandbox.post("/api/lang", {"lang": "en"})[0] == 200
    png = b"\x89PNG\r\n\x1a\n" + bytes(64)
    assert sandbox.upload(CURATOR, "photo", "p.png", png) == (200, {"ok": True})
    state = sandbox.wait(
        lambda s: any((m["media"] or {}).get("kind") == "photo" for m in s["chat"]["messages"]),
        "the photo",
        CURATOR,
    )
    [photo] = [
        m["id"] for m in state["chat"]["messages"] if (m["media"] or {}).get("kind") == "photo"
    ]
    sandbox.post("/api/send", {"persona": CURATOR, "text": "Петрова Ольга", "reply_to": photo})
    state = sandbox.wait(
        lambda s: any((m["reply"] or {}).get("id") == photo for m in s["chat"]["messages"]),
        "the reply",
        CURATOR,
    )
    [quote] = [
        m["reply"] for m in state["chat"]["messages"] if (m["reply"] or {}).get("id") == photo
    ]
    assert quote["snippet"] == "📷 Photo"  # the page's language, not always Russian
    assert sandbox.post("/api/personas", {"name": " ", "role": "mentee"}) == (
        200,
        {"ok": False, "error": "Name: 1 to 40 characters."},
    )
    status, body = sandbox.post("/api/personas", {"name": "Галина", "role": "mentee"})
    assert status == 200
    state = sandbox.state(body["id"])
    assert {"id": body["id"], "role": "mentee", "name": "Галина", "unread": 0} in state["personas"]
    assert state["clock"]["label"].startswith("Mon, 23.11.2026")

    status, body = sandbox.post("/api/clock", {"step": "day"})
    assert status == 200 and body["clock"]["label"].startswith("Tue, 24.11.2026 12:")
    status, body = sandbox.post("/api/clock", {"step": "quarter"})
    assert body["clock"]["label"] == "Mon, 28.12.2026 09:00"
    assert sandbox.post("/api/clock", {"step": "year"})[1]["ok"] is False


def test_chats_outlive_a_restart_and_reset_starts_over(tmp_path: Path) -> None:
    process = Sandbox(tmp_path)
    with process.running("--start-at", START):  # leaving it: Ctrl-C stops bot and page cleanly
        process.post("/api/send", {"persona": ADMIN, "text": "/neworg Гимназия"})
        process.wait(lambda s: any("Гимназия" in t for t in bot_texts(s)), "the school")
        stopped_at = datetime.fromisoformat(process.state()["clock"]["iso"])
    assert not _bots_of(tmp_path)
    # A night with the sandbox off: the clock stands still, it does not leap on at the start.
    clock = tmp_path / "data" / "sandbox.clock"
    night_ago = time.time() - 10 * 3600
    os.utime(clock, (night_ago, night_ago))

    with process.running():
        state = process.state()
        assert any("Гимназия" in t for t in bot_texts(state))  # the chat is still there
        resumed = datetime.fromisoformat(state["clock"]["iso"])
        assert abs((resumed - stopped_at).total_seconds()) < 1800  # not the night's 10 hours
        before = len(bot_texts(state))
        process.post("/api/send", {"persona": ADMIN, "text": "/orgs"})
        state = process.wait(lambda s: len(bot_texts(s)) > before, "/orgs of the same database")
        listed = bot_texts(state)[before]
        assert "Организации" in listed and "Гимназия" in listed, listed

        assert process.post("/api/reset", {}) == (200, {"ok": True})
        process.wait(
            lambda s: s["busy"] is None and s["total"] == 2 and len(bot_texts(s)) == 1,
            "a fresh sandbox: only the admin's /start and its welcome",
        )
        process.post("/api/send", {"persona": ADMIN, "text": "/orgs"})
        state = process.wait(lambda s: len(bot_texts(s)) == 2, "/orgs after the reset")
        assert "Организаций пока нет" in bot_texts(state)[-1]  # a new, empty database


def test_a_killed_sandbox_takes_its_bot_along_and_a_folder_runs_one_sandbox(
    tmp_path: Path,
) -> None:
    first = Sandbox(tmp_path)
    try:
        first.start("--start-at", START)
        second = subprocess.run(
            [sys.executable, "-m", "bot", "sandbox", "--port", "0"],
            cwd=tmp_path,
            env=sandbox_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert second.returncode == 1
        assert "another sandbox runs" in second.stderr and len(second.stderr.splitlines()) == 1
        assert _bots_of(tmp_path)
    finally:
        first.kill()  # no chance to stop its bot itself
    _wait_for_no_bot(tmp_path)  # the kernel tells the orphan, which stops


def test_the_demo_school_fills_through_the_page_in_its_language(sandbox: Sandbox) -> None:
    sandbox.wait(lambda s: bool(bot_texts(s)), "the admin's welcome")
    assert sandbox.post("/api/lang", {"lang": "en"}) == (200, {"ok": True})
    assert sandbox.post("/api/demo", {}) == (200, {"ok": True})
    # A second press while it runs is told to wait, and so is a language switch.
    assert sandbox.post("/api/demo", {}) == (200, {"ok": False, "error": BUSY_EN})
    assert sandbox.post("/api/lang", {"lang": "ru"}) == (200, {"ok": False, "error": BUSY_EN})
    labels: set[str] = set()

    def done(state: dict[str, Any]) -> bool:
        if state["busy"]:
            labels.add(state["busy"]["label"])
        return state["busy"] is None

    state = sandbox.wait(done, "the demo school", within=180)
    assert state["alert"] is None, state["alert"]
    # The progress is in the page's language (whichever steps the polling caught).
    seen = labels - {""}
    assert seen and all(re.search(RUSSIAN_VERBS, label) is None for label in seen), seen
    mentor2, mentee2 = 700004, 700006
    state = sandbox.state(mentor2)
    assert any("Вопрос №" in t and "Волков Борис" in t for t in bot_texts(state))
    assert any("Школа №1 (демо)" in t for t in bot_texts(sandbox.state(ADMIN)))
    assert {p["id"]: p["unread"] for p in state["personas"]}[mentee2] > 0


def test_ctrl_c_during_the_demo_keeps_no_half_built_school(tmp_path: Path) -> None:
    process = Sandbox(tmp_path)
    with process.running("--start-at", START):
        process.wait(lambda s: bool(bot_texts(s)), "the admin's welcome")
        assert process.post("/api/demo", {}) == (200, {"ok": True})
        process.wait(lambda s: (s["busy"] or {}).get("step", 0) >= 3, "the demo under way")
    with process.running():
        state = process.wait(lambda s: bool(bot_texts(s)), "a fresh sandbox")
        assert state["total"] == 2  # only the admin's /start and the welcome
        process.post("/api/send", {"persona": ADMIN, "text": "/orgs"})
        state = process.wait(lambda s: len(bot_texts(s)) == 2, "/orgs")
        assert "Организаций пока нет" in bot_texts(state)[-1]


def test_after_an_unclean_stop_the_sandbox_starts_anew_and_its_bot_answers(
    tmp_path: Path,
) -> None:
    process = Sandbox(tmp_path)
    with process.running("--start-at", START):
        process.post("/api/send", {"persona": ADMIN, "text": "/neworg Альфа"})
        process.wait(lambda s: any("Альфа" in t for t in bot_texts(s)), "the first school")
    try:
        process.start()  # after a clean stop: the same chats, the same database
        process.wait(lambda s: any("Альфа" in t for t in bot_texts(s)), "the chat kept")
        process.post("/api/send", {"persona": ADMIN, "text": "/neworg Бета"})
        process.wait(lambda s: any("Бета" in t for t in bot_texts(s)), "the second school")
    finally:
        process.kill()  # the power goes: nothing is saved or tidied
    _wait_for_no_bot(tmp_path)

    with process.running():
        state = process.wait(lambda s: bool(bot_texts(s)), "a fresh sandbox")
        assert state["total"] == 2, bot_texts(state)  # only the admin's /start and the welcome
        before = len(bot_texts(state))
        process.post("/api/send", {"persona": ADMIN, "text": "/orgs"})
        state = process.wait(lambda s: len(bot_texts(s)) > before, "the bot answers /orgs")
        assert "Организаций пока нет" in bot_texts(state)[before]  # a new, empty database


def _wait_for_no_bot(workdir: Path) -> None:
    deadline = time.monotonic() + 30
    while _bots_of(workdir):
        assert time.monotonic() < deadline, _bots_of(workdir)
        time.sleep(0.1)


def _bots_of(workdir: Path) -> list[str]:
    """Bot processes still running from this sandbox's folder."""
    found = subprocess.run(["pgrep", "-af", "python"], capture_output=True, text=True).stdout
    mine = []
    for line in found.splitlines():
        pid = line.split()[0]
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        if cwd == str(workdir / "data") and " -m bot" in line:
            mine.append(line)
    return mine
