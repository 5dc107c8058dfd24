"""Sync filters run inline, not in a thread.

aiogram awaits a filter that is a coroutine function or a `Filter`; any other callable (a bare
`State`, an `F` magic filter, a plain function) it runs through `asyncio.to_thread`. Our sync
filters only compare attributes of the event, so the hop (a thread handoff and two loop
wakeups, about 40 µs of CPU each) costs far more than the check: a question update paid 20 of
them. `inline_sync_filters` walks a router tree once, after it is built, and makes every sync
filter an inline call.

A sync filter must therefore never block: no I/O, no sleeping, nothing slow. Anything that
does belongs in an async filter or in the handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import CallableObject


def _inline(callback: Callable[..., Any]) -> Callable[..., Any]:
    async def run(*args: Any, **kwargs: Any) -> Any:
        return callback(*args, **kwargs)

    run.__wrapped_filter__ = callback  # type: ignore[attr-defined]
    return run


def _make_inline(obj: CallableObject) -> None:
    if obj.awaitable:
        return
    # `params` and `varkw` were read from the original callback's signature and still
    # select the keyword arguments it gets; only the way it is called changes.
    obj.callback = _inline(obj.callback)
    obj.awaitable = True


def inline_sync_filters(*routers: Router) -> None:
    """Makes every sync filter in these routers and all their sub-routers run inline.
    Safe to call again on the same tree: filters already async are left alone."""
    for root in routers:
        for router in root.chain_tail:
            for observer in router.observers.values():
                for flt in observer._handler.filters or ():
                    _make_inline(flt)
                for handler in observer.handlers:
                    for flt in handler.filters or ():
                        _make_inline(flt)
