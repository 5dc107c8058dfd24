"""The web chat's server: the page, its JSON API and the files people sent or received."""

from __future__ import annotations

import asyncio
import logging
import mimetypes
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

from aiohttp import web

from fake_telegram import FakeTelegram
from sandbox import render
from sandbox.demo import DemoError
from sandbox.runtime import Sandbox, SandboxError

log = logging.getLogger(__name__)

STATIC = Path(__file__).with_name("static")
SANDBOX = web.AppKey("sandbox", Sandbox)
# The Host names the page answers to, filled once the port is bound: a page of another site
# that a DNS rebinding points at 127.0.0.1 names its own host, and is refused.
HOSTS = web.AppKey("hosts", set[str])
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
LONG_POLL_SECONDS = 25.0
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_PHOTO = 10 * 1024 * 1024
MAX_UPLOAD = 20 * 1024 * 1024
_IMAGE_MAGIC = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png", b"GIF8": "image/gif"}

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class BadRequest(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _error(sandbox: Sandbox, key: str) -> web.Response:
    """A visitor's mistake is an answer, not a failed request (status 200, "ok": false): the
    page shows it, and the browser's console stays clean."""
    return web.json_response({"ok": False, "error": sandbox.text(f"sandbox-{key}")})


@web.middleware
async def _guard(request: web.Request, handler: Any) -> web.StreamResponse:
    sandbox = request.app[SANDBOX]
    hosts = request.app[HOSTS]
    if hosts and request.host not in hosts:
        return web.Response(status=403, text="This sandbox answers only at its own address.")
    if request.method == "POST":
        # Another site open in the same browser must not drive the sandbox.
        origin = request.headers.get("Origin")
        if origin and urlsplit(origin).netloc != request.host:
            return web.json_response({"ok": False, "error": "foreign origin"}, status=403)
    try:
        return await handler(request)
    except (BadRequest, SandboxError) as exc:
        return _error(sandbox, exc.args[0])


def _int(value: Any, key: str = "error-bad-request") -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BadRequest(key) from None


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("error-bad-request") from None
    if not isinstance(body, dict):
        raise BadRequest("error-bad-request")
    return body


def _fake(sandbox: Sandbox) -> FakeTelegram:
    if sandbox.fake is None:
        raise SandboxError("error-busy")
    return sandbox.fake


def clock_json(sandbox: Sandbox, instant: datetime, zone: str) -> dict[str, str]:
    local = instant.astimezone(ZoneInfo(zone))
    weekday = sandbox.text(f"weekday-{WEEKDAYS[local.weekday()]}")
    return {
        "iso": local.isoformat(timespec="seconds"),
        "label": f"{weekday}, {local:%d.%m.%Y %H:%M}",
        "zone": zone,
    }


# ---------------------------------------------------------------------- reading


async def index(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})


async def state(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    since = request.query.get("since")
    if since:
        await sandbox.wait_change(since, LONG_POLL_SECONDS)
    persona_id = _int(request.query.get("persona") or sandbox.cast[0].id)
    revision = sandbox.revision()  # before reading: a change meanwhile answers the next poll
    zone, _calendar = await sandbox.school()
    body: dict[str, Any] = {
        "ok": True,
        "rev": revision,
        "lang": sandbox.language,
        "clock": clock_json(sandbox, sandbox.now(), zone),
        "bot": {"state": sandbox.bot_state, "detail": sandbox.bot_detail},
        "busy": asdict(sandbox.busy) if sandbox.busy is not None else None,
        "alert": sandbox.alert,
        "personas": [],
        "chat": None,
    }
    fake = sandbox.fake
    if fake is None:
        return web.json_response(body)
    with fake._lock:
        known = any(p.id == persona_id for p in sandbox.cast)
        body["total"] = sum(len(chat.messages) for chat in fake.chats.values())
        for persona in sandbox.cast:
            chat = fake.chats.get(persona.id)
            count = sum(1 for m in chat.bot_messages if not m.deleted) if chat else 0
            if persona.id == persona_id:
                sandbox.seen[persona.id] = count
            body["personas"].append(
                {
                    "id": persona.id,
                    "role": persona.role,
                    "name": persona.first_name,
                    "unread": max(0, count - sandbox.seen.get(persona.id, 0)),
                }
            )
        if known and persona_id in fake.chats:
            user = fake.users[persona_id]
            answers = [a.get("text") for a in user.callback_answers]
            # A page that opens a chat is not shown the answers of presses made before.
            read = sandbox.toasts_read.get(persona_id, len(answers))
            sandbox.toasts_read[persona_id] = len(answers)
            body["chat"] = {
                "persona": persona_id,
                "messages": render.timeline(fake, persona_id, zone, lang=sandbox.language),
                **render.chat_extras(fake, persona_id, sandbox.language),
                "toasts": [text for text in answers[read:] if text],
            }
    return web.json_response(body)


async def file(request: web.Request) -> web.StreamResponse:
    sandbox = request.app[SANDBOX]
    fake = _fake(sandbox)
    with fake._lock:
        record = fake.files.by_id.get(request.match_info["file_id"])
        media = fake.files.media_for(request.match_info["file_id"])
    if record is None:
        raise web.HTTPNotFound()
    name = record.file_name
    headers = {}
    if name is None or isinstance(media, list):  # a photo: shown in the page
        content_type = _image_type(record.content) or "application/octet-stream"
    else:
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return web.Response(body=record.content, content_type=content_type, headers=headers)


# ---------------------------------------------------------------------- acting


def _reply_to(value: Any) -> int | None:
    if value in (None, "", "null"):
        return None
    return _int(value)


async def send(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body = await _json(request)
    user = sandbox.user(_int(body.get("persona")))
    text = str(body.get("text") or "").strip()
    if not text:
        raise BadRequest("error-empty")
    if len(text) > MAX_TEXT:
        raise BadRequest("error-too-long")
    try:
        user.send(text, reply_to=_reply_to(body.get("reply_to")))
    except AssertionError:  # the replied-to message is not in the chat
        raise BadRequest("error-no-message") from None
    return web.json_response({"ok": True})


def _image_type(content: bytes) -> str | None:
    for magic, kind in _IMAGE_MAGIC.items():
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


async def upload(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    try:
        form = await request.post()
    except ValueError:
        raise BadRequest("error-bad-request") from None
    except web.HTTPRequestEntityTooLarge:
        raise BadRequest("error-too-big") from None
    user = sandbox.user(_int(form.get("persona")))
    kind = form.get("kind")
    field = form.get("file")
    if kind not in ("photo", "document"):
        raise BadRequest("error-bad-request")
    if not isinstance(field, web.FileField):
        raise BadRequest("error-no-file")
    content = field.file.read()
    if not content:
        raise BadRequest("error-no-file")
    caption = str(form.get("caption") or "").strip() or None
    if caption is not None and len(caption) > MAX_CAPTION:
        raise BadRequest("error-caption-too-long")
    reply_to = _reply_to(form.get("reply_to"))
    try:
        if kind == "photo":
            if _image_type(content) is None:
                raise BadRequest("error-not-image")
            if len(content) > MAX_PHOTO:
                raise BadRequest("error-too-big")
            user.send_photo(caption, reply_to=reply_to, content=content)
        else:
            name = Path(field.filename or "document").name[:120] or "document"
            user.send_document(caption, file_name=name, reply_to=reply_to, content=content)
    except AssertionError:
        raise BadRequest("error-no-message") from None
    return web.json_response({"ok": True})


async def press(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body = await _json(request)
    user = sandbox.user(_int(body.get("persona")))
    message_id, row, col = (_int(body.get(k)) for k in ("message_id", "row", "col"))
    fake = _fake(sandbox)
    with fake._lock:
        chat = fake.chats[user.id]
        message = chat.bot_by_id.get(message_id)
        if message is None or message.deleted:
            raise BadRequest("error-no-message")
        try:
            button = message.buttons[row][col]
        except IndexError:
            raise BadRequest("error-no-button") from None
        data = button.get("callback_data")
    shown = body.get("text")
    if data is None or (shown is not None and shown != button.get("text")):
        raise BadRequest("error-no-button")  # the keyboard changed since the page drew it
    user.press(data=data, message=message)
    return web.json_response({"ok": True})


async def clock(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body = await _json(request)
    step = body.get("step")
    try:
        target = await sandbox.travel(str(step))
    except ValueError:
        raise BadRequest("error-step") from None
    zone, _calendar = await sandbox.school()
    return web.json_response({"ok": True, "clock": clock_json(sandbox, target, zone)})


def _in_background(sandbox: Sandbox, job: Any) -> None:
    async def run() -> None:
        try:
            await job()
        except DemoError as exc:  # already in the page's language
            sandbox.raise_alert(str(exc))
        except SandboxError as exc:
            sandbox.raise_alert(sandbox.text(f"sandbox-{exc.args[0]}"))
        except Exception:
            log.exception("the sandbox failed")
            sandbox.raise_alert(sandbox.text("sandbox-error-bot-failed"))

    sandbox.background(asyncio.create_task(run()))


def _job(what: str, start: Any) -> Any:
    """A handler that starts a long job of the sandbox (reset, the demo school) and returns:
    the page follows it in the state's `busy`, and a failure arrives as its `alert`."""

    async def handler(request: web.Request) -> web.Response:
        sandbox = request.app[SANDBOX]
        sandbox.claim(what)  # before the answer: a second press is told to wait
        _in_background(sandbox, lambda: start(sandbox))
        return web.json_response({"ok": True})

    return handler


async def add_persona(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body = await _json(request)
    persona = sandbox.add_persona(str(body.get("name") or ""), str(body.get("role") or ""))
    return web.json_response({"ok": True, "id": persona.id})


async def language(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body = await _json(request)
    sandbox.set_language(str(body.get("lang") or ""))
    return web.json_response({"ok": True})


async def _headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


def allow_port(app: web.Application, port: int) -> None:
    """The page answers at 127.0.0.1:<port> and localhost:<port> only."""
    app[HOSTS].update({f"127.0.0.1:{port}", f"localhost:{port}"})


def make_app(sandbox: Sandbox) -> web.Application:
    app = web.Application(middlewares=[_guard], client_max_size=MAX_UPLOAD + 1024 * 1024)
    app[SANDBOX] = sandbox
    app[HOSTS] = set()
    app.on_response_prepare.append(_headers)
    app.router.add_get("/", index)
    app.router.add_static("/static", STATIC)
    app.router.add_get("/api/state", state)
    app.router.add_get("/files/{file_id}", file)
    app.router.add_post("/api/send", send)
    app.router.add_post("/api/upload", upload)
    app.router.add_post("/api/press", press)
    app.router.add_post("/api/clock", clock)
    app.router.add_post("/api/demo", _job("demo", Sandbox.fill_demo))
    app.router.add_post("/api/reset", _job("reset", Sandbox.reset))
    app.router.add_post("/api/personas", add_persona)
    app.router.add_post("/api/lang", language)
    return app
