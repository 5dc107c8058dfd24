"""Situational mentoring: a mentee's message becomes a question for their mentor; the
answer comes back in the same chat. Replies and buttons thread everything together."""

from aiogram import Router

from handlers.questions import answering, asking, curator, mentor_tools

router = Router(name="questions")
router.include_routers(answering.router, curator.router, mentor_tools.router, asking.router)
mentee_router = asking.mentee_router

__all__ = ["mentee_router", "router"]
