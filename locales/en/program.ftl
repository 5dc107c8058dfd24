## /program: the card of a personalized mentoring program

cmd-program = Program card
card-status = { $status ->
        [proposed] awaiting the mentor's consent
        [active] active
        [refused] refused by the mentor
        [ended] ended
       *[other] { $status }
    }
card-header =
    📘 <b>Program #{ $program }</b> — { card-status }
    Form: { pair-form-label } · mode: { pair-mode-label }
    Dates: { $start } — { $end }
    School: { $org }
card-ended = Ended { $date }: { change-end-reason }
card-mentor = 👤 Mentor: { $name }
card-mentor-elsewhere = 👤 Mentor: { $name } (from another school: { $org })
card-mentees = 🎓 Mentees:
card-mentee-ack = • { $name } — has read the program, { $at }
card-mentee-no-ack = • { $name } — has not confirmed reading it yet
card-note-title = 📝 <b>Explanatory note</b>
card-field = { $field ->
        [problem] Problem
        [goals] Goals
        [tasks] Tasks
        [results_mid] Expected intermediate results
       *[results_final] Expected final results
    }
card-note-line = <b>{ card-field }:</b> { $text }
card-note-empty = —
card-progress = 📊 Plan: { $done } of { $total } done, { $overdue } overdue, { $ahead } ahead
card-progress-empty = 📊 Plan: no items yet
card-meetings = 🤝 Meetings: { $held } held, { $planned } planned
card-history-title = 🕓 <b>Change log</b> (latest entries; times in { $zone }):
card-history-none = 🕓 The change log is empty so far.
card-history-line = • { $at } — { $who }: { $what }
card-history-reason = (reason: { $reason })
card-history-reason-private = (the reason is with the curator)
card-history-times = (×{ $count })
card-history-bot = the system
card-action = { $action ->
        [created] program created
        [accepted] the mentor accepted the program
        [refused] the mentor refused
        [note-edited] note field edited
        [acknowledged] confirmed having read the program
        [item-added] plan item added
        [item-done] plan item done
        [extended] program extended
        [shortened] program shortened
        [plan-changed] plan changed
        [terminated] program terminated early
        [completed] program completed
        [meeting-proposed] a meeting proposed
        [meeting-confirmed] a meeting confirmed
        [meeting-rescheduled] a meeting moved
        [meeting-cancelled] a meeting cancelled
        [meeting-held] marked whether a meeting took place
        [mentor-changed] mentor changed
        [proposed-extend] proposed an extension
        [agreed-extend] agreed to an extension
        [declined-extend] declined an extension
        [withdrawn-extend] withdrawn as the program ended: an extension
        [failed-extend] did not take effect (no longer fits): an extension
        [proposed-shorten] proposed a shortening
        [agreed-shorten] agreed to a shortening
        [declined-shorten] declined a shortening
        [withdrawn-shorten] withdrawn as the program ended: a shortening
        [failed-shorten] did not take effect (no longer fits): a shortening
        [proposed-plan_change] proposed a plan change
        [agreed-plan_change] agreed to a plan change
        [declined-plan_change] declined a plan change
        [withdrawn-plan_change] withdrawn as the program ended: a plan change
        [failed-plan_change] did not take effect (no longer fits): a plan change
        [proposed-terminate] proposed an early termination
        [agreed-terminate] agreed to an early termination
        [declined-terminate] declined an early termination
        [withdrawn-terminate] withdrawn as the program ended: an early termination
        [failed-terminate] did not take effect (no longer fits): an early termination
        [proposed-change_mentor] proposed a change of mentor
        [agreed-change_mentor] approved a change of mentor
        [declined-change_mentor] declined a change of mentor
        [withdrawn-change_mentor] withdrawn as the program ended or the mentor was already changed: a change of mentor
        [failed-change_mentor] did not take effect (no longer fits): a change of mentor
        [proposed-release] proposed the mentor's release
        [agreed-release] approved releasing the mentor
        [declined-release] declined the mentor's release
        [withdrawn-release] withdrawn as the program ended or the mentor was already changed: the mentor's release
        [failed-release] did not take effect (no longer fits): the mentor's release
       *[other] { $action }
    }
card-action-field = { card-action } “{ card-field }”
card-btn-edit-note = ✏️ Edit the note
card-btn-ack = ✅ I have read it
card-btn-change = { $action ->
        [extend] ⏩ Extend
        [shorten] ⏪ Shorten
        [terminate] ⛔ Terminate early
        [change_mentor] 🔄 Change the mentor
        [release] 🚪 Ask to be released
       *[other] { $action }
    }
card-btn-open = 📘 Program
# A program in every «which program?» list: the mentee (surname and initials), the mentor's surname, the number.
program-btn = { $mentees } · { $mentor } · #{ $program }
pick-prev = ◀️
pick-next = ▶️
card-pick = Your programs ({ $count }) — pick one to open:
card-pick-school = Your school's programs ({ $count }) — pick one to open:
card-pick-more = The latest { $count } are shown. Open any program with /program #number.
card-none = You have no mentoring programs yet.
card-not-found = The program is not found or not available to you.
card-usage = Usage: /program — your programs; /program #number — a program's card.
card-note-pick = Which field of the explanatory note do you want to edit?
card-note-ask = Send the new text of “{ card-field }” — up to { $max } characters. A single “-” clears the field, /cancel leaves without changes.
card-note-too-long = The text is too long: { $length } characters, at most { $max } allowed. Shorten it and send again (or /cancel).
card-note-saved = “{ card-field }” of program #{ $program } is saved.
card-note-cleared = “{ card-field }” of program #{ $program } is cleared.
card-note-not-allowed = Only the mentor and the mentees of a live program may edit its explanatory note.
card-note-bad-field = The explanatory note has no such field.
card-ack-done = Thank you! You have confirmed reading program #{ $program }.
card-ack-already = You already confirmed reading program #{ $program } ({ $at }).
card-ack-not-allowed = Only a mentee of a live program can confirm reading it.
card-acknowledged-mentor = { $mentee } confirmed having read program #{ $program }.
