"""FSM states of the multi-step flows."""

from aiogram.fsm.state import State, StatesGroup


class Onboarding(StatesGroup):
    consent = State()


class ProfileForm(StatesGroup):
    name = State()
    position = State()
    subject = State()
    experience = State()
    directions = State()
    difficulties = State()


class SettingsForm(StatesGroup):
    value = State()


class AnswerForm(StatesGroup):
    answer = State()


class FollowUpForm(StatesGroup):
    text = State()


class WriteFirstForm(StatesGroup):
    text = State()


class NoteForm(StatesGroup):
    """Editing one field of a program's explanatory note (handlers/program.py)."""

    text = State()


class PairForm(StatesGroup):
    mentees = State()
    mentor = State()
    form = State()
    mode = State()
    dates = State()
    confirm = State()


class MeetForm(StatesGroup):
    when = State()  # a typed moment or a day button
    time = State()  # a time button or a typed time, for the day picked
    mode = State()
    place = State()
    topic = State()
    weekly = State()
    confirm = State()
    move = State()  # a new time for a meeting being moved


class PlanForm(StatesGroup):
    """/plan (handlers/plan.py): a completion note, an item being added (title,
    direction, form of activity, deadline), removed or edited (its number, the field, the
    new text or direction; a new deadline goes through `kind` and `value`)."""

    note = State()
    title = State()
    direction = State()
    activity_form = State()
    kind = State()
    value = State()
    reason = State()
    remove = State()
    edit = State()
    edit_field = State()
    edit_text = State()
    edit_direction = State()


class ChangeForm(StatesGroup):
    """A change of a program (handlers/changes.py): a new last day, then the reason (and,
    for the curator's termination for non-fulfilment, Yes / No to end it)."""

    day = State()
    reason = State()
    confirm = State()


class PairRefuseForm(StatesGroup):
    """The mentor's reason for declining an offered program (handlers/pairs.py)."""

    reason = State()


class SurveyForm(StatesGroup):
    """A survey's free-text question, reached by answering the question before it: the
    next message is the answer (handlers/surveys.py). Set only while the person is in
    the survey; a button question leaves it."""

    text = State()


class PollForm(StatesGroup):
    """/poll (handlers/polls.py): the audience, then per question its text, its type, the
    options of a choice, «one more» / «send»; the preview to confirm."""

    audience = State()
    text = State()
    kind = State()
    options = State()
    more = State()
    confirm = State()


class AnnounceForm(StatesGroup):
    """/announce (handlers/announce.py): the audience, the text, the preview to confirm."""

    audience = State()
    text = State()
    confirm = State()


class PracticeForm(StatesGroup):
    """The summary of a best practice being marked or edited (handlers/practices.py)."""

    summary = State()
