## Meetings: /meet, /meetings, invitations, reminders, marking whether one took place

cmd-meet = Schedule a meeting
cmd-meetings = My meetings

meet-weekday = { $weekday ->
        [1] Mon
        [2] Tue
        [3] Wed
        [4] Thu
        [5] Fri
        [6] Sat
       *[7] Sun
    }
meet-day-label = { meet-weekday } { $day }
meet-btn-skip = Skip
meet-btn-once = Once
meet-btn-weekly = Every week
meet-btn-send = ✅ Send the invitation
meet-btn-drop = Cancel
meet-btn-confirm = ✅ Confirm
meet-btn-move = 🕒 Propose another time
meet-btn-held = ✅ Took place
meet-btn-not-held = ✖️ Did not take place
meet-btn-confirm-n = ✅ #{ $id }
meet-btn-move-n = 🕒 Move #{ $id }
meet-btn-cancel-n = ✖️ Cancel #{ $id }
meet-btn-held-n = ✅ #{ $id } took place
meet-btn-not-held-n = ✖️ #{ $id } did not

meet-no-programs = You have no active mentoring program, so there is nobody to meet.
meet-pick-program = Who is the meeting with? Pick the program:
meet-ask-when =
    <b>Meeting: { $partner }</b>
    When? Type the date and time, e.g. <code>25.11 15:30</code> or <code>25.11.2026 15:30</code> ({ $zone } time), or pick a day:
meet-ask-time = { $day }: pick a time or type another, e.g. <code>15:30</code>.
meet-ask-mode = The meeting's mode:
meet-ask-place = Where is the meeting? Type the place (a room) or a video call link.
meet-ask-topic = The meeting's topic?
meet-ask-weekly = Repeat the meeting every week until the program ends?
meet-press-button = Pick an option with the buttons above, or leave with /cancel.
meet-too-long = Too long: at most { $max } characters. Please make it shorter.
meet-summary =
    <b>Check the meeting</b>
    With: { $partner }
    When: { $when }{ $weekly ->
        [true] , every week until { $until } ({ $count } meetings)
       *[other] {""}
    }
    Mode: { pair-mode-label }{ $has_place ->
        [true] , place: { $place }
       *[other] {""}
    }{ $has_topic ->
        [true] , topic: { $topic }
       *[other] {""}
    }
meet-dropped = The meeting was not scheduled.
meet-proposed = { $count ->
        [1] Meeting #{ $meeting } proposed for { $when }. The invitation is sent; I will tell you when it is confirmed.
       *[other] A series of { $count } meetings proposed, the first #{ $meeting } on { $when }. The invitation is sent; I will tell you when it is confirmed.
    }

meeting-err-past = That time has passed (it is { $now } now). Pick a time ahead.
meeting-err-outside = The meeting must fall within the program: from { $start } to { $end }.
meeting-err-no-program = This program is not active or you are not in it.
meeting-err-mode = No such mode: online, offline or mixed.
meeting-err-cancelled = This meeting is cancelled.
meeting-held-already = Already marked: the meeting { $held ->
        [true] took place
       *[other] did not take place
    }.
meeting-held-too-early = A meeting can be marked once it has started.

meeting-invite =
    <b>📅 Meeting invitation</b>
    { $who } proposes a meeting on { $when }{ $count ->
        [1] {""}
       *[other] , every week until { $until } ({ $count } meetings)
    }.
    Mode: { pair-mode-label }{ $has_place ->
        [true] , place: { $place }
       *[other] {""}
    }{ $has_topic ->
        [true] , topic: { $topic }
       *[other] {""}
    }
    Confirm or propose another time. The .ics file adds the meeting to your calendar.
meeting-moved =
    <b>🕒 Meeting moved</b>
    { $who } proposes to move the meeting from { $old } to { $when }.
    Mode: { pair-mode-label }{ $has_place ->
        [true] , place: { $place }
       *[other] {""}
    }{ $has_topic ->
        [true] , topic: { $topic }
       *[other] {""}
    }
    Confirm the new time or propose another. The .ics file updates your calendar.
meeting-cancelled =
    <b>✖️ Meeting cancelled</b>
    { $why ->
        [shortened] The program was shortened: the meeting on { $when } falls after its new last day
        [ended] The program has ended: the meeting on { $when } will not take place
       *[other] { $by } cancelled the meeting on { $when }
    }{ $has_topic ->
        [true] , topic: { $topic }
       *[other] {""}
    }.
    The .ics file removes it from your calendar.
meeting-confirmed = ✅ { $by } confirmed the meeting on { $when }{ $count ->
        [1] {""}
       *[other] {""} and the following ones ({ $count } meetings)
    }.
meeting-reminder =
    ⏰ <b>Reminder: meeting on { $when }</b>{ $confirmed ->
        [true] {""}
       *[other] {" "}(not confirmed)
    }
    With: { $with_whom }
    Mode: { pair-mode-label }{ $has_place ->
        [true] , place: { $place }
       *[other] {""}
    }
    { $has_topic ->
        [true] Topic: { $topic }
       *[other] {""}
    }
    { $to_confirm ->
        [true] ❗ You have not confirmed this meeting yet: confirm it or propose another time.
       *[other] { $confirmed ->
            [true] {""}
           *[other] The other side has not confirmed the meeting yet.
        }
    }
meeting-held-ask =
    Did the meeting on { $when } take place?
    With: { $with_whom }
    { $has_topic ->
        [true] Topic: { $topic }
       *[other] {""}
    }
meeting-series-cancelled =
    <b>✖️ Meetings cancelled</b>
    { $why ->
        [shortened] The program was shortened: its meetings after the new last day will not take place ({ $count }, from { $when } to { $until }).
        [ended] The program has ended: its meetings ahead will not take place ({ $count }, from { $when } to { $until }).
       *[other] { $by } cancelled { $count } { $count ->
            [one] meeting
           *[other] meetings
        } of the series: from { $when } to { $until }.
    }
    The .ics file removes them from your calendar.
meeting-ics-summary = { $has_topic ->
        [true] Meeting: { $topic }
       *[other] Mentor and mentee meeting
    }
meeting-ics-description = Mode: { pair-mode-label }. Proposed by { $who }.

meet-list-empty = You have no meetings. Schedule one: /meet
meet-list-upcoming = <b>Upcoming meetings</b>
meet-list-past = <b>Past meetings</b>
meet-line = #{ $meeting } · { $when } · { $partner } · { pair-mode-label }{ $has_topic ->
        [true] , topic: { $topic }
       *[other] {""}
    } — { $state ->
        [proposed] waiting for confirmation
        [confirmed] confirmed
        [held] took place
        [not-held] did not take place
        [unconfirmed] did not take place (not confirmed)
       *[other] not marked
    }
meet-confirmed-you = You confirmed the meeting.
meet-not-waiting = This meeting is no longer waiting for your confirmation.
meet-move-ask = A new time for meeting #{ $meeting } (now { $when }): type the date and time, e.g. <code>25.11 15:30</code>.
meet-moved-you = Meeting #{ $meeting } moved to { $when }. I will tell you when the new time is confirmed.
meet-cannot-move = This meeting can no longer be moved.
meet-cancelled-you = Meeting #{ $meeting } cancelled.
meet-cannot-cancel = This meeting can no longer be cancelled.
meet-held-you = { $held ->
        [true] Marked: the meeting took place.
       *[other] Marked: the meeting did not take place.
    }
meeting-held-unconfirmed = The meeting was never confirmed, so it cannot be marked: it counts as not held.
meet-list-more = …and { $count } more upcoming.
meet-cancel-scope = Meeting #{ $meeting } ({ $when }) is part of a weekly series: { $count } more ahead. What to cancel?
meet-btn-cancel-one = This one only
meet-btn-cancel-series = The whole series (upcoming, { $count })
meet-cancelled-series-you = Meetings of the series cancelled: { $count }, from { $when } to { $until }.
