"""The fake Telegram Bot API server: an aiohttp app on loopback in a background thread."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import copy
import json
import logging
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from . import errors as err
from .api import BotApi, Upload, scope_key
from .errors import TelegramError, injected_error, too_many_requests
from .files import FileStore
from .models import CallbackQuery, Chat, PendingUpdate
from .users import FakeGroup, FakeUser

logger = logging.getLogger(__name__)

# Form fields that are plain strings even when they look like JSON ("123", "true").
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "url",
        "secret_token",
        "callback_query_id",
        "inline_message_id",
        "description",
        "short_description",
        "name",
        "language_code",
        "action",
        "emoji",
        "title",
        "file_id",
        "phone_number",
        "first_name",
        "last_name",
        "ip_address",
        "business_connection_id",
        "message_effect_id",
        "photo",
        "document",
        "voice",
        "video",
        "video_note",
        "audio",
        "sticker",
        "animation",
        "thumbnail",
    }
)
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_IDLE_QUIET = 0.2
_WEBHOOK_RETRY = 0.1


def _convert(key: str, value: str) -> Any:
    if key in _STRING_FIELDS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _chat_id_of(params: dict[str, Any]) -> int | None:
    try:
        return int(params.get("chat_id"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _is_send(method: str) -> bool:
    name = method.lower()
    if name == "sendchataction":
        return False
    return name.startswith(("send", "copy", "forward"))


@dataclass
class _FailRule:
    method: str
    code: int
    description: str | None
    retry_after: int | None
    chat_id: int | None
    times: int


class FakeTelegram:
    """A fake Telegram Bot API for end-to-end tests.

    Start it, point the bot at ``base_url`` and drive users through ``user()``/``group()``.
    Every public method is synchronous and thread-safe.
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "mentor_test_bot",
        bot_id: int | None = None,
        bot_first_name: str = "Mentor Test Bot",
        now: Callable[[], float] = time.time,
        keep_calls: int | None = None,
    ) -> None:
        if bot_id is None:
            prefix = token.split(":", 1)[0]
            bot_id = int(prefix) if prefix.isdigit() else 123456
        self.token = token
        self.bot_username = bot_username
        self.bot_id = bot_id
        self.bot_first_name = bot_first_name
        # The clock of message dates (a sandbox whose time travels passes its own).
        self.now = now
        # Bumped on every change a viewer could see: a message, an edit, a menu, an update.
        self.revision = 0

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self.chats: dict[int, Chat] = {}
        self.users: dict[int, FakeUser] = {}
        self.groups: dict[int, FakeGroup] = {}
        self.files = FileStore()
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.command_sets: dict[tuple[str, str], list[dict[str, str]]] = {}
        self._api = BotApi(self)

        self._updates: list[PendingUpdate] = []
        self._next_update_id = 100_000
        self._allowed_updates: list[str] | None = None
        self._webhook: dict[str, Any] | None = None
        self._fail_rules: list[_FailRule] = []
        self._delays: dict[str | None, float] = {}
        self._refuse = False
        self._rate_limit: int | None = None
        self._send_times: collections.deque[float] = collections.deque()
        # Every call, for tests to read; a long-running user (the sandbox) keeps the last few.
        self._calls: collections.deque[tuple[str, dict[str, Any], float]] = collections.deque(
            maxlen=keep_calls
        )
        self.polls = 0  # getUpdates calls so far
        self._inflight = 0
        self._last_activity = time.monotonic()
        self._query_counter = 0
        self.internal_errors: list[str] = []

        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._wakeup: asyncio.Event | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._closing = False
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self.port: int | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeTelegram:
        """Start the server on 127.0.0.1 with a random free port."""
        if self._thread is not None:
            raise RuntimeError("FakeTelegram is already started")
        self._closing = False
        self._start_error = None
        self._webhook_task = None
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="fake-telegram", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("FakeTelegram did not start in 10 s")
        if self._start_error is not None:
            self._thread.join(5)
            self._thread = None
            raise RuntimeError("FakeTelegram failed to start") from self._start_error
        return self

    def stop(self) -> None:
        """Stop the server and join its thread (idempotent)."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        if not loop.is_closed() and loop.is_running():
            future = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            with contextlib.suppress(Exception):
                future.result(15)
            loop.call_soon_threadsafe(loop.stop)
        thread.join(15)
        self._thread = None
        self._loop = None

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self.port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self.port}"

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._startup())
        except BaseException as exc:
            self._start_error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _startup(self) -> None:
        self._wakeup = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        self._runner = runner
        self.port = int(runner.addresses[0][1])

    async def _shutdown(self) -> None:
        self._closing = True
        self._wake()
        task = self._webhook_task
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ----------------------------------------------------------------- people

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def user(
        self,
        id: int,
        first_name: str = "User",
        language_code: str = "ru",
        last_name: str | None = None,
        username: str | None = None,
    ) -> FakeUser:
        """The Telegram user ``id`` (created on first use; private chat id == user id)."""
        with self._lock:
            existing = self.users.get(id)
            if existing is not None:
                return existing
            user = FakeUser(self, id, first_name, language_code, last_name, username)
            self.users[id] = user
            self.chats[id] = Chat(
                id=id,
                type="private",
                first_name=first_name,
                last_name=last_name,
                username=username,
            )
            return user

    def group(self, chat_id: int, title: str = "Group") -> FakeGroup:
        """A group chat (negative id; ``-100...`` makes a supergroup)."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        with self._lock:
            existing = self.groups.get(chat_id)
            if existing is not None:
                return existing
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            self.chats[chat_id] = Chat(id=chat_id, type=kind, title=title)
            group = FakeGroup(self, chat_id, title)
            self.groups[chat_id] = group
            return group

    # ----------------------------------------------------------------- saved state

    def export_state(self) -> dict[str, Any]:
        """What people saw and sent (chats, files, menus, users, and the updates the bot
        has not taken yet), to carry over a restart. Stop the bot first, so that it confirms
        the updates it has handled."""
        with self._lock:
            return copy.deepcopy(
                {
                    "chats": self.chats,
                    "files": self.files,
                    "command_sets": self.command_sets,
                    "users": [
                        (u.id, u.first_name, u.language_code, u.last_name, u.username)
                        for u in self.users.values()
                    ],
                    "next_update_id": self._next_update_id,
                    "query_counter": self._query_counter,
                    "updates": self._updates,
                }
            )

    def import_state(self, state: dict[str, Any]) -> None:
        """Take over a state from ``export_state`` (before the bot starts polling)."""
        with self._cond:
            self.chats = copy.deepcopy(state["chats"])
            self.files = copy.deepcopy(state["files"])
            self.command_sets = copy.deepcopy(state["command_sets"])
            self.users = {}
            for user_id, first_name, language_code, last_name, username in state["users"]:
                self.users[user_id] = FakeUser(
                    self, user_id, first_name, language_code, last_name, username
                )
                self.users[user_id].skip()
            self._next_update_id = max(self._next_update_id, state["next_update_id"])
            self._query_counter = max(self._query_counter, state["query_counter"])
            self._updates.extend(copy.deepcopy(state.get("updates", [])))
            self.revision += 1
            self._cond.notify_all()

    def touch(self) -> None:
        """Wake whoever waits in ``wait_change`` (something outside the fake changed)."""
        with self._cond:
            self.revision += 1
            self._cond.notify_all()

    # ----------------------------------------------------------------- updates

    def push_update(self, kind: str, payload: dict[str, Any]) -> int:
        """Queue an update for the bot and wake pollers; return its update_id."""
        with self._cond:
            self._next_update_id += 1
            update = PendingUpdate(self._next_update_id, kind, copy.deepcopy(payload))
            self._updates.append(update)
            self._last_activity = time.monotonic()
            self.revision += 1
            self._cond.notify_all()
        self._wake_threadsafe()
        return update.update_id

    @property
    def running(self) -> bool:
        """Started and not stopping."""
        return self._thread is not None and not self._closing

    def unix_now(self) -> int:
        """The date of a message, by this fake's clock."""
        return int(self.now())

    def wait_change(self, since: int, timeout: float) -> int:
        """Wait until ``revision`` is no longer ``since`` (or ``timeout`` passes); return it."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.revision == since:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closing:
                    break
                self._cond.wait(remaining)
            return self.revision

    def new_callback_query_id(self, user_id: int) -> str:
        with self._lock:
            self._query_counter += 1
            return f"{user_id}{self._query_counter:08d}"

    def drop_updates(self) -> None:
        with self._cond:
            self._updates.clear()
            self._cond.notify_all()

    def _wake(self) -> None:
        """Wake every coroutine waiting for updates (loop thread only)."""
        if self._wakeup is not None:
            self._wakeup.set()
            self._wakeup = asyncio.Event()

    def _wake_threadsafe(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._wake)

    def _deliverable(self) -> list[PendingUpdate]:
        """Pending updates after dropping the ones the bot did not subscribe to."""
        allowed = self._allowed_updates
        if allowed:
            self._updates = [update for update in self._updates if update.kind in allowed]
        else:
            self._updates = [
                update for update in self._updates if update.kind not in _DEFAULT_EXCLUDED_UPDATES
            ]
        return self._updates

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        with self._cond:
            if self._webhook is not None:
                raise TelegramError(409, err.WEBHOOK_CONFLICT)
            offset = int(params.get("offset") or 0)
            limit = min(max(int(params.get("limit") or 100), 1), 100)
            timeout = min(max(float(params.get("timeout") or 0), 0.0), 50.0)
            if "allowed_updates" in params:
                allowed = params["allowed_updates"]
                self._allowed_updates = list(allowed) if isinstance(allowed, list) else None
            if offset > 0:
                self._updates = [u for u in self._updates if u.update_id >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            self._cond.notify_all()
        deadline = time.monotonic() + timeout
        while True:
            with self._cond:
                batch = self._deliverable()[:limit]
                if batch:
                    self._last_activity = time.monotonic()
                    return [update.to_json() for update in batch]
                event = self._wakeup
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing or event is None:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # ----------------------------------------------------------------- webhook

    def install_webhook(
        self, url: str, secret_token: str | None, allowed_updates: list[str] | None
    ) -> None:
        self._webhook = {
            "url": url,
            "secret_token": secret_token,
            "last_error_date": None,
            "last_error_message": None,
            "delivered": 0,
        }
        if allowed_updates is not None:
            self._allowed_updates = allowed_updates or None
        loop = self._loop
        if loop is not None and (self._webhook_task is None or self._webhook_task.done()):
            self._webhook_task = loop.create_task(self._deliver_webhook())
        self._wake()

    def remove_webhook(self, drop_pending: bool) -> None:
        self._webhook = None
        if drop_pending:
            self._updates.clear()
        self._wake()

    def webhook_info(self) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": self._webhook["url"] if self._webhook else "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook:
                info["max_connections"] = 40
                if self._webhook["last_error_date"]:
                    info["last_error_date"] = self._webhook["last_error_date"]
                    info["last_error_message"] = self._webhook["last_error_message"]
                if self._allowed_updates:
                    info["allowed_updates"] = list(self._allowed_updates)
            return info

    async def _deliver_webhook(self) -> None:
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            while not self._closing:
                with self._cond:
                    hook = self._webhook
                    if hook is None:
                        return
                    pending = self._deliverable()
                    update = pending[0] if pending else None
                    event = self._wakeup
                if update is None:
                    if event is not None:
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(event.wait(), 1.0)
                    continue
                headers = {}
                if hook["secret_token"]:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
                error = None
                try:
                    async with session.post(
                        hook["url"], json=update.to_json(), headers=headers
                    ) as response:
                        await response.read()
                        if not 200 <= response.status < 300:
                            error = f"Wrong response from the webhook: {response.status}"
                except (ClientError, TimeoutError) as exc:
                    error = f"Connection failed: {type(exc).__name__}"
                with self._cond:
                    if error is None:
                        if update in self._updates:
                            self._updates.remove(update)
                        hook["delivered"] += 1
                        self._last_activity = time.monotonic()
                    else:
                        hook["last_error_date"] = int(time.time())
                        hook["last_error_message"] = error
                    self._cond.notify_all()
                if error is not None:
                    await asyncio.sleep(_WEBHOOK_RETRY)

    # ----------------------------------------------------------------- HTTP

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        params: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        for key, value in request.query.items():
            params[key] = _convert(key, value)
        if not request.can_read_body:
            return params, files
        if request.content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                params.update(body)
            return params, files
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = (value.file.read(), value.filename)
            else:
                params[key] = _convert(key, str(value))
        for key in files:
            params.setdefault(key, f"attach://{key}")
        return params, files

    @staticmethod
    def _abort(request: web.Request) -> web.Response:
        transport = request.transport
        if transport is not None:
            transport.abort()
        raise asyncio.CancelledError

    @staticmethod
    def _error_response(error: TelegramError) -> web.Response:
        return web.json_response(error.to_json(), status=error.code)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if self._refuse:
            return self._abort(request)
        method = request.match_info["method"]
        name = method.lower()
        try:
            params, files = await self._read_params(request)
        except ValueError:
            return self._error_response(err.bad_request("can't parse request body"))
        with self._lock:
            self._calls.append((method, copy.deepcopy(params), time.time()))
            if name == "getupdates":
                self.polls += 1
        if request.match_info["token"] != self.token:
            return self._error_response(TelegramError(401, err.UNAUTHORIZED))
        if name != "getupdates" and name not in self._api.methods:
            return self._error_response(TelegramError(404, err.METHOD_NOT_FOUND))
        tracked = name != "getupdates"
        if tracked:
            with self._lock:
                self._inflight += 1
                self._last_activity = time.monotonic()
        try:
            delay = self._delays.get(name, self._delays.get(None, 0.0) if tracked else 0.0)
            if delay > 0:
                await asyncio.sleep(delay)
            if self._refuse:
                return self._abort(request)
            try:
                self._check_injected(name, params)
                if name == "getupdates":
                    result = await self._get_updates(params)
                else:
                    with self._cond:
                        result = self._api.methods[name](params, files)
                        if not name.startswith("get"):
                            self.revision += 1
                        self._cond.notify_all()
            except TelegramError as error:
                return self._error_response(error)
            except Exception as exc:
                # A bug in the fake or a request it cannot understand: keep it visible.
                trace = traceback.format_exc()
                logger.error("fake Telegram failed on %s:\n%s", method, trace)
                with self._lock:
                    self.internal_errors.append(f"{method}: {trace}")
                description = f"Internal Server Error: fake Telegram: {exc!r}"
                return self._error_response(TelegramError(500, description))
            return web.json_response({"ok": True, "result": result})
        finally:
            if tracked:
                with self._lock:
                    self._inflight -= 1
                    self._last_activity = time.monotonic()

    def _check_injected(self, name: str, params: dict[str, Any]) -> None:
        with self._lock:
            chat_id = _chat_id_of(params)
            for rule in self._fail_rules:
                if rule.method == name and (rule.chat_id is None or rule.chat_id == chat_id):
                    rule.times -= 1
                    if rule.times <= 0:
                        self._fail_rules.remove(rule)
                    raise injected_error(rule.code, rule.description, rule.retry_after)
            if self._rate_limit is not None and _is_send(name):
                now = time.monotonic()
                while self._send_times and now - self._send_times[0] >= 1.0:
                    self._send_times.popleft()
                if len(self._send_times) >= self._rate_limit:
                    raise too_many_requests(1)
                self._send_times.append(now)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if self._refuse:
            return self._abort(request)
        if request.match_info["token"] != self.token:
            return self._error_response(TelegramError(401, err.UNAUTHORIZED))
        with self._lock:
            record = self.files.by_path.get(request.match_info["path"])
        if record is None:
            return self._error_response(TelegramError(404, "Not Found"))
        return web.Response(body=record.content, content_type="application/octet-stream")

    # ----------------------------------------------------------------- controls

    def fail_next(
        self,
        method: str,
        code: int = 500,
        description: str | None = None,
        retry_after: int | None = None,
        chat_id: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally to ``chat_id``) fail."""
        with self._lock:
            self._fail_rules.append(
                _FailRule(method.lower(), code, description, retry_after, chat_id, times)
            )

    def clear_failures(self) -> None:
        """Forget every failure still to come (Telegram is healthy again)."""
        with self._lock:
            self._fail_rules.clear()

    def set_delay(self, method: str | None, seconds: float) -> None:
        """Delay answers of ``method`` (``None``: every method except getUpdates)."""
        with self._lock:
            key = method.lower() if method else None
            if seconds > 0:
                self._delays[key] = seconds
            else:
                self._delays.pop(key, None)

    def refuse_connections(self, on: bool = True) -> None:
        """While on, every request's connection is dropped without an answer."""
        self._refuse = on

    def set_global_rate_limit(self, per_second: int | None) -> None:
        """Answer 429 (retry_after=1) beyond ``per_second`` sends in a sliding 1 s window."""
        with self._lock:
            self._rate_limit = per_second
            self._send_times.clear()

    @property
    def calls(self) -> list[tuple[str, dict[str, Any], float]]:
        with self._lock:
            return list(self._calls)

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of ``method`` (case-insensitive), oldest first."""
        name = method.lower()
        with self._lock:
            return [params for called, params, _ in self._calls if called.lower() == name]

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list:
        """The commands set by setMyCommands for (scope, language_code)."""
        with self._lock:
            return copy.deepcopy(self.command_sets.get((scope_key(scope), language_code), []))

    @property
    def pending_updates(self) -> int:
        with self._lock:
            return len(self._updates)

    @property
    def webhook(self) -> dict[str, Any] | None:
        with self._lock:
            return dict(self._webhook) if self._webhook else None

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until no update is pending and no request is in flight for ~0.2 s."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                busy = bool(self._updates) or self._inflight > 0
                quiet = time.monotonic() - self._last_activity >= _IDLE_QUIET
                if not busy and quiet:
                    return
                state = f"pending={len(self._updates)} in_flight={self._inflight}"
            if time.monotonic() >= deadline:
                raise AssertionError(f"fake Telegram is not idle after {timeout} s: {state}")
            time.sleep(0.02)
