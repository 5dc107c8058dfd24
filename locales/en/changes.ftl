## Changes to a program by the regulation: proposals, ending, a new mentor (handlers/changes.py)

cmd-change_mentor = Ask for another mentor
cmd-release = Ask to be released from a program

change-what = { $change ->
        [extend] extend the program to { $date }
        [shorten] shorten the program to { $date }
        [plan_change] change the plan{ $summary ->
            [none] {""}
           *[other] : { $summary }
        }
        [terminate] end the program early ({ change-end-reason })
        [change_mentor] change the mentor
        [release] release the mentor from the program
       *[other] { $change }
    }
change-end-reason = { $end_reason ->
        [completed] the plan is done
        [mentor-initiative] at the mentor's initiative
        [mentee-initiative] at the mentee's initiative
        [agreement] by mutual agreement
        [non-fulfilment] by the curator: the program is not being carried out
        [consent-withdrawn] consent to data processing withdrawn
       *[other] { $end_reason }
    }

change-ask = 📝 Proposal #{ $proposal } for program #{ $program }: { change-what }.
    Proposed by: { $proposer }. Reason: { $reason }
    It takes effect when every party agrees. Do you agree?
change-mentor-ask = 🔄 Program #{ $program }: { $proposer } asks { $change ->
        [release] to be released from the program
       *[other] for another mentor
    }. Reason: { $reason }
    To approve, pick the new mentor (best matches first), or decline the request.
change-accepted = ✅ Proposal #{ $proposal } for program #{ $program } was agreed by every party: { change-what }.
change-declined = ❌ Proposal #{ $proposal } for program #{ $program } ({ change-what }) was declined by { $who }.
change-failed = ⚠️ Proposal #{ $proposal } for program #{ $program } ({ change-what }) was agreed but can no longer be applied: things have changed. Please propose it again.
program-ended = 🏁 Program #{ $program } has ended: { change-end-reason }.{ $reason ->
        [none] {""}
       *[other] {" "}Reason: { $reason }
    }
program-mentor-changed = 🔄 Program #{ $program } has a new mentor: { $old } → { $new }. Open questions handed to the new mentor: { $questions }. The program's history is kept.
program-meetings-handed-over = 📅 You are now the mentor of program #{ $program }. Its meetings ahead ({ $count }):
    { $meetings }
    { $waiting ->
        [0] Move or cancel a meeting with /meetings.
       *[other] Waiting for your confirmation: { $waiting }. Confirm, move or cancel a meeting with /meetings.
    }
program-end-ask = 📅 Program #{ $program } has reached its end date ({ $end }).{ $done ->
        [1] {" "}The plan is fully done.
       *[other] {""}
    } Complete the program or extend it?
pair-refused-curator-reason = Mentor { $mentor } declined program #{ $program } (mentees: { $mentees }).
    Reason: { $reason }
    Choose another mentor: /pair.

change-btn-agree = ✅ Agree
change-btn-decline = ❌ Disagree
change-btn-complete = 🏁 Complete
change-btn-extend = ⏩ Extend
change-btn-decline-request = ❌ Decline the request
change-btn-reason = { change-end-reason }

change-pick-program = Choose the program:
change-no-program = You have no active program this applies to.
change-ask-date = Program #{ $program } now ends on { $end }. Type the new last day (DD.MM.YYYY or DD.MM):
change-ask-reason = Write the reason in one message (every party of the program will see it):
change-ask-reason-private = Write the reason in one message. The curator and you will see it; the other side of the pair will not:
change-pick-reason = Why should program #{ $program } end?
change-proposed = 📨 Proposal #{ $proposal } for program #{ $program } sent: { change-what }. I will tell you when every party has answered.
change-ended-now = 🏁 Program #{ $program } has ended: { change-end-reason }. The parties have been told.
change-vote-recorded = Your answer is recorded. Waiting for the others.
change-vote-accepted = ✅ Every party agreed — the change has taken effect.
change-vote-declined = You declined the proposal. The parties have been told.
change-vote-failed = The change can no longer be applied: things have changed. The parties have been told.
change-vote-already = This proposal has been answered already — pressing again changes nothing.
change-vote-not-party = This proposal is not addressed to you — your press changed nothing.
change-mentor-picked = ✅ Program #{ $program } now has mentor { $mentor }.
change-not-allowed = This action is not available to you for program #{ $program }.
change-text-needed = Please answer with text.

change-err-reason-empty = A reason is needed: please write it as text.
change-err-reason-long = The reason is too long: at most { $limit } characters.
change-err-not-party = You are not part of this program, so you cannot propose a change to it.
change-err-not-active = Program #{ $program } is not active and cannot be changed.
change-err-payload = This change is not recognised.
change-err-not-later = The new date must be after the current last day ({ $end }).
change-err-too-late = The new date is too far: with extensions a program runs at most { $months } months from its start ({ $start }), so no later than { $latest }.
change-err-not-earlier = The new date must be before the current last day ({ $end }).
change-err-past = The new date cannot be in the past (today is { $today }) or before the program's start.
change-err-end-reason = This reason for ending is not available to you.
change-err-pending = Such a proposal for program #{ $program } is already waiting for answers.
change-err-no-curator = The school has no curator to approve the change.
change-err-mentor = This mentor cannot be assigned: choose another mentor of the school.
change-err-too-early = A program can be completed from its end date ({ $end }) or once its plan is fully done.

pair-refuse-reason-ask = Why do you decline program #{ $program }? Write the reason — the curator will get it:
pair-refused-with-reason = You declined program #{ $program }. The curator has your reason.
change-mentor-removed-ask = 👤 Mentor { $mentor } was removed from the school but has active program #{ $program }. Pick the new mentor — the program, its history and its open questions move over:

change-superseded = ℹ️ Program #{ $program }: request No. { $proposal } ({ change-what }) is closed — the mentor has already been changed on another request.
change-vote-superseded = The mentor has already been changed on another request — this request is closed, your press changed nothing.
change-vote-yours = Your answer: { $agree ->
        [yes] agree
       *[no] disagree
    }
change-end-confirm = ⚠️ End program #{ $program }? Grounds: the curator's decision, the program is not being carried out.
    Reason: { $reason }
    This cannot be undone: the parties are told at once.
change-btn-end-yes = Yes, end it
change-btn-end-no = No
change-end-kept = Program #{ $program } has not been ended.
change-end-confirm-press = Press «Yes, end it» or «No» under the question above (or /cancel).
change-end-confirm-stale = This confirmation is out of date or not addressed to you — nothing changed.

## Refusal of a command that several roles hold (handlers/roles.py)
not-allowed-roles = This command is available only to these roles: { $roles }.
not-allowed-role-mentee = mentee
not-allowed-role-mentor = mentor
not-allowed-role-curator = curator
not-allowed-role-admin = coordinator (bot administrator)
