"""The router tree. Chat-type filters sit on the parent router; the catch-all (a
mentee's free message becomes a question) comes last."""

from __future__ import annotations

from aiogram import F, Router

from bot.filters import inline_sync_filters
from handlers import (
    admin,
    announce,
    broadcast,
    changes,
    common,
    data_rights,
    documents,
    flow_guard,
    groups,
    meetings,
    pairs,
    people,
    plan,
    polls,
    practices,
    profile,
    program,
    questions,
    reports,
    roles,
    settings,
    start,
    survey_rounds,
    surveys,
)


def _detached(router: Router) -> Router:
    """Handler modules hold one Router each; a second Dispatcher in the same process
    (as tests build) must take them over from the first."""
    parent = router.parent_router
    if parent is not None:
        parent.sub_routers.remove(router)
        router._parent_router = None
    return router


def get_routers() -> list[Router]:
    private = Router(name="private")
    private.message.filter(F.chat.type == "private")
    private.edited_message.filter(F.chat.type == "private")
    private.callback_query.filter(F.message.chat.type == "private")
    private.include_routers(
        *(
            _detached(r)
            for r in (
                roles.router,
                start.router,
                common.router,
                admin.router,
                people.router,
                pairs.router,
                broadcast.router,
                polls.router,
                announce.router,
                practices.router,
                documents.router,
                survey_rounds.router,
                reports.router,
                surveys.router,
                changes.router,
                meetings.router,
                plan.router,
                program.router,
                settings.router,
                data_rights.router,
                profile.router,
                questions.router,
                common.fallback_router,
                flow_guard.router,
                questions.mentee_router,
            )
        )
    )
    routers = [_detached(groups.router), private]
    # Bare `State` and `F` filters are sync; aiogram would run each one in a thread.
    inline_sync_filters(*routers)
    return routers
