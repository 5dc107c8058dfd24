"""CallbackData factories. Short prefixes and ids keep every payload under 64 bytes.

Payloads can be forged: handlers re-check every id against the current user's rights.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ConsentCb(CallbackData, prefix="cs"):
    agree: bool


class DirectionCb(CallbackData, prefix="dr"):
    code: str  # a Direction value, or "done"


class ProfileEditCb(CallbackData, prefix="pe"):
    field: str


class InviteRevokeCb(CallbackData, prefix="ir"):
    invite_id: int


class OrgPickCb(CallbackData, prefix="op"):
    command: str
    arg: str
    org_id: int


class PeoplePageCb(CallbackData, prefix="pp"):
    org_id: int
    page: int


class PersonCb(CallbackData, prefix="pc"):
    org_id: int
    user_id: int


class RemoveRoleCb(CallbackData, prefix="rr"):
    org_id: int
    user_id: int
    role: str


class SettingsCb(CallbackData, prefix="st"):
    org_id: int
    field: str


class ForgetCb(CallbackData, prefix="fg"):
    confirm: bool


class LangCb(CallbackData, prefix="lg"):
    code: str


class QAnswerCb(CallbackData, prefix="qa"):
    q: int


class QHandOverCb(CallbackData, prefix="qh"):
    q: int


class QCloseCb(CallbackData, prefix="qx"):
    q: int


class QResolveCb(CallbackData, prefix="qr"):
    q: int


class QFollowUpCb(CallbackData, prefix="qf"):
    q: int


class QRateCb(CallbackData, prefix="qs"):
    q: int
    score: int


class QClaimCb(CallbackData, prefix="qm"):
    q: int


class QRemindCb(CallbackData, prefix="qn"):
    q: int


class QReassignCb(CallbackData, prefix="qg"):
    q: int


class QReassignToCb(CallbackData, prefix="qt"):
    q: int
    user_id: int


class QContinueCb(CallbackData, prefix="qc"):
    q: int
    mid: int


class QNewCb(CallbackData, prefix="qw"):
    mid: int


class QPickMentorCb(CallbackData, prefix="qp"):
    program_id: int
    mid: int


class WriteFirstCb(CallbackData, prefix="wf"):
    mentee_id: int


class PairOrgCb(CallbackData, prefix="po"):
    org_id: int


class PairMenteeCb(CallbackData, prefix="pm"):
    org_id: int
    user_id: int


class PairPageCb(CallbackData, prefix="pg"):
    org_id: int
    page: int


class PairMenteesDoneCb(CallbackData, prefix="pk"):
    org_id: int


class PairMentorCb(CallbackData, prefix="pn"):
    org_id: int
    user_id: int


class PairFormCb(CallbackData, prefix="pf"):
    org_id: int
    form: str


class PairModeCb(CallbackData, prefix="pd"):
    org_id: int
    mode: str


class PairConfirmCb(CallbackData, prefix="py"):
    org_id: int
    ok: bool


class PairDecideCb(CallbackData, prefix="pz"):
    program_id: int
    accept: bool


class MeetProgramCb(CallbackData, prefix="mp"):
    program_id: int


class MeetDayCb(CallbackData, prefix="md"):
    day: str  # ISO date, or "type" to type the moment instead


class MeetTimeCb(CallbackData, prefix="mh"):
    hhmm: str  # "1530"


class MeetModeCb(CallbackData, prefix="mo"):
    mode: str


class MeetSkipCb(CallbackData, prefix="mk"):
    step: str  # place | topic


class MeetWeeklyCb(CallbackData, prefix="mw"):
    weekly: bool


class MeetOkCb(CallbackData, prefix="my"):
    ok: bool


class MeetConfirmCb(CallbackData, prefix="mc"):
    m: int


class MeetMoveCb(CallbackData, prefix="mv"):
    m: int


class MeetCancelCb(CallbackData, prefix="mx"):
    m: int


class MeetHeldCb(CallbackData, prefix="ma"):
    m: int
    held: bool
