## /plan: the plan of a program, its completion marks and the deadline reminders.

cmd-plan = Program plan: items, deadlines, marks
plan-usage = Usage: /plan for the plan of your programs, or /plan #number for one program's plan.
plan-not-found = Program not found, or its plan is not visible to you.
plan-none = You have no active programs, so there is no plan yet.
plan-none-curator = Your schools have no active programs.
plan-program-ended = The program has ended.
plan-ended-readonly = The program has ended: the plan is read-only.
plan-pick = You have several programs ({ $count }). Whose plan should I open?
plan-pick-school = Your school's programs ({ $count }). Whose plan should I open?
plan-header =
    <b>Plan of program #{ $program }</b> ({ $start } – { $end })
    Done: { $done } · overdue: { $overdue } · ahead: { $ahead }
plan-empty = The plan is empty. Add an item, or start from the «Teacher–teacher» roadmap (13 activities).
plan-empty-readonly = The plan is empty.
plan-item = <b>{ $n }.</b> { $title } <i>({ $direction })</i>
plan-occ-line = { "  " }{ $seq }) { $text }
plan-occ-done = ✅ done { $done }
plan-occ-done-note = ✅ done { $done }: “{ $note }”
plan-occ-as-needed = 🔁 as questions arise
plan-occ-overdue = ❗ overdue, was due { $due }
plan-occ-window = ⏳ from { $start } to { $due }
plan-occ-due = ⏳ by { $due }
plan-btn-mark = ✅ { $n }
plan-btn-mark-seq = ✅ { $n }.{ $seq }
plan-btn-add = ➕ Add an item
plan-btn-remove = 🗑 Remove an item
plan-btn-edit = ✏️ Edit an item
plan-btn-template = 📋 Roadmap
plan-btn-no-direction = No direction
plan-no-direction = no direction
# Short direction names for buttons; texts use the direction-* names.
direction-btn = { $direction ->
        [legal] Normative and legal
        [subject] Subject
        [psych] Psychology and pedagogy
        [method] Methodical
        [ict] ICT competence
        [digital] Digitalization
        [upbringing] Upbringing work
       *[health] Students' health
    }
plan-btn-done = ✅ Done
plan-btn-open = 📋 Open the plan
plan-kind = { $kind ->
        [date] 📅 By a date
        [relative] ⏱ N days after the start
        [quarter] 🏫 Within a school quarter
        [every_quarter] 🔁 Once a quarter
        [every_half_year] 🔁 Once a half-year
        [schedule] 🗓 By a schedule (list of dates)
       *[as_needed] 💬 As questions arise
    }
plan-btn-kind = { $kind ->
        [date] 📅 By a date
        [relative] ⏱ N days after the start
        [quarter] 🏫 Within a school quarter
        [every_quarter] 🔁 Once a quarter
        [every_half_year] 🔁 Once a half-year
        [schedule] 🗓 By a schedule
       *[as_needed] 💬 As questions arise
    }

plan-ask-note = Completion mark: “{ $title }”. Write briefly what was done (or “-” for no note).
plan-note-placeholder = What was done
plan-marked = ✅ Marked: “{ $title }”.
plan-already-done = This item is already marked done.
plan-mark-denied = You cannot mark this item: it is not in your active program, or it was removed.
plan-all-done = 🎉 Every item of program #{ $program }'s plan is done.

plan-ask-title = A new item for the plan of program #{ $program }. What is it called? (up to { $max } characters)
plan-title-placeholder = Item title
plan-ask-direction = The item's direction:
plan-ask-form = The item's form of activity: e.g. a talk, an open lesson, a consultation. Type it (or “-” to skip).
plan-form-placeholder = Form of activity
plan-ask-kind = What deadline does the item have?
plan-ask-value = { $kind ->
        [date] Type a date, e.g. 25.12 or 25.12.2026.
        [relative] How many days after the program's start? A number, e.g. 30.
        [quarter] The quarter's number: 1, 2, 3 or 4.
       *[schedule] Type dates separated by commas, e.g. 10.12, 20.01.2027, 15.03.
    }
plan-value-placeholder = { $kind ->
        [date] 25.12.2026
        [relative] 30
        [quarter] 2
       *[schedule] 10.12, 20.01, 15.03
    }
plan-use-buttons = Pick an option with the buttons above (or /cancel).
plan-added = ➕ Item “{ $title }” added to the plan of program #{ $program }.
plan-template-applied = 📋 { $count } activities of the «Teacher–teacher» roadmap were added to the plan of program #{ $program }.
plan-ask-reason = The mentee has already confirmed reading the program, so a plan change needs agreement. Write the reason for the change briefly.
plan-reason-needed = A change cannot be proposed without a reason. Write the reason.
plan-changed = The plan was changed.
plan-proposed = The change to the plan of program #{ $program } is proposed. It takes effect when every party agrees.

plan-err-title-empty = The item's title is empty. Write what needs doing.
plan-err-title-long = The title is too long: { $length } characters, at most { $max }. Please shorten it.
plan-err-text-long = The text is too long: { $length } characters, at most { $max }.
plan-err-direction = There is no such direction. Pick one with the buttons.
plan-err-deadline = This deadline does not fit. Pick the kind of deadline again.
plan-err-days = “{ $text }” is not a number of days. Type a number, e.g. 30.
plan-err-quarter = The quarter's number is 1, 2, 3 or 4.
plan-err-outside = The deadline { $date } is outside the program's dates ({ $start } – { $end }). Give a deadline within the program.
plan-err-no-quarter = Quarter { $quarter } does not fall within the program's dates ({ $start } – { $end }). Pick another quarter or deadline.
plan-err-schedule-empty = At least one date is needed.
plan-err-schedule-long = Too many dates: at most { $max }.
plan-err-program-closed = Program #{ $program } is not active; its plan does not change.
plan-err-no-item = Item #{ $item } is not in this plan.
plan-err-payload = The plan change was not understood.
plan-err-not-empty = The plan has items already: the roadmap goes only into an empty plan.
plan-err-past = The deadline { $date } has already passed (today is { $today }). Give a deadline no earlier than today.
plan-err-past-days = { $days } days after the program's start is { $date }, which has already passed (today is { $today }). Give at least { $min } days.

plan-remind-before = ⏰ In { $days } days ({ $due }) an item of program #{ $program }'s plan is due: “{ $title }”.
plan-remind-today = ⏰ Today ({ $due }) an item of program #{ $program }'s plan is due: “{ $title }”.
plan-overdue = ❗ An item of program #{ $program }'s plan is overdue: “{ $title }” (was due { $due }).
plan-done-notice = { $has_note ->
        [yes] ✅ { $who } marked an item of program #{ $program }'s plan done: “{ $title }”. Note: “{ $note }”
       *[no] ✅ { $who } marked an item of program #{ $program }'s plan done: “{ $title }”.
    }

plan-ask-remove = Which item should go from the plan of program #{ $program }? Type its number.
plan-err-no-position = The plan has no item number “{ $text }”. Type a number from the list.
plan-removed = 🗑 Item “{ $title }” was removed from the plan of program #{ $program } (the log keeps it).
plan-ask-remove-confirm = Remove item { $n } “{ $title }” from the plan of program #{ $program }?
plan-btn-drop = 🗑 Remove
plan-btn-keep = Keep
plan-btn-cancel = ✖️ Cancel
plan-kept = Item { $n } “{ $title }” stays in the plan.

plan-ask-edit = Which item of the plan of program #{ $program } should change? Type its number.
plan-ask-field = Item { $n }: “{ $title }”. What should change?
plan-field = { $field ->
        [title] Title
        [direction] Direction
        [deadline] Deadline
        [activity_form] Form of activity
        [expected_result] Expected result
       *[criteria] Criteria
    }
plan-current-none = not set
plan-ask-edit-text = { $field ->
        [title] The item's new title instead of “{ $current }” (up to { $max } characters):
       *[other] { plan-field } now: { $current }. Type the new text (or “-” to clear it).
    }
plan-ask-edit-direction = The direction of “{ $title }” is now: { $direction }. Pick the new one:
plan-ask-edit-kind = A new deadline for “{ $title }”. What kind of deadline is it? Marks already done stay.
plan-edit-summary = item { $n } “{ $title }”, { $field ->
        [title] new title
        [direction] new direction
        [deadline] new deadline
        [activity_form] new form of activity
        [expected_result] new expected result
       *[criteria] new criteria
    }: { $value }
plan-edited = ✏️ Item { $n } “{ $title }” of the plan of program #{ $program } was changed.

# The curators' daily summary of overdue plan items (one message for all programs).
plan-overdue-summary = ❗ Overdue plan items ({ $count } { $count ->
        [one] program
       *[other] programs
    }):
plan-overdue-summary-line = #{ $program } { $mentees } (mentor { $mentor }): { $items } { $items ->
        [one] item
       *[other] items
    }, the oldest { $overdue } days overdue.
plan-overdue-summary-more = …and { $more } more { $more ->
        [one] program
       *[other] programs
    }.
plan-overdue-summary-hint = To open any program's plan: /plan #number, e.g. /plan #{ $program }.
plan-overdue-summary-btn = 📋 #{ $program } { $mentees }
