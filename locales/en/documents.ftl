## /export, /program_doc, /annual_report: files for the curator

cmd-export = Excel export: participants, programs, plans, meetings, questions, surveys
cmd-program_doc = Mentoring program as a Word document (#number)
cmd-annual_report = Final analytic report as a Word document

export-not-allowed = The export is for a school's curator and the coordinator.
export-warning =
    ⚠️ <b>The file holds personal data</b> of your school's participants (Federal Law 152-FZ on personal data).
    Keep it in a safe place, do not forward it to anyone, and delete it when you no longer need it.
    Export?
export-warning-all =
    ⚠️ <b>The file holds personal data</b> of the participants of every organization (Federal Law 152-FZ on personal data).
    Keep it in a safe place, do not forward it to anyone, and delete it when you no longer need it.
    Export?
export-btn-go = Export
export-btn-cancel = Cancel
export-cancelled = Export cancelled.
export-preparing = ⏳ Preparing the file: it usually comes within a few minutes. If there is no file within an hour, type /export again.
export-usage = Export: /export — all your schools; /export #number — one school (the numbers are in the admin's /orgs).
export-school-not-found = School #{ $org } is not among your organizations.
export-outdated = This message is out of date. Type /export again.
export-caption = 📊 Export as of { $date }. The file holds personal data: keep it safe and do not forward it.
export-sheet = { $sheet ->
        [participants] Participants
        [programs] Programs
        [plan] Plan
        [meetings] Meetings
        [questions] Questions
       *[answers] Surveys
    }
export-column = { $col ->
        [school] School
        [name] Name
        [roles] Roles
        [position] Position
        [subject] Subject
        [experience] Experience, years
        [directions] Mentoring directions
        [difficulties] Professional difficulties
        [joined] Joined
        [reachable] Reachable
        [program] Program #
        [mentor] Mentor
        [mentees] Mentees
        [form] Form of mentoring
        [mode] Mode
        [status] Status
        [starts] Start
        [ends] End
        [ended] Ended
        [end_reason] Reason for ending
        [item] Item
        [activity] Activity
        [direction] Direction
        [activity_form] Kind, form of activity
        [expected] Expected result
        [risks] Possible risks
        [prevention] Prevention
        [criteria] Criteria
        [due] Deadline
        [done] Done
        [done_by] Marked by
        [mark_note] Note on the mark
        [starts_at] Date and time
        [duration] Duration, min
        [place] Place or link
        [topic] Topic
        [meeting_status] Meeting status
        [held] Held
        [number] Question #
        [mentee] Mentee
        [question_status] Question status
        [preview] Beginning of the question
        [asked] Asked
        [first_answer] First answer
        [response] Response time, working minutes
        [closed] Closed
        [rating] Rating
        [reminded] Answer deadline missed
        [escalated] Passed to the curator
        [survey] Survey
        [period] Period
        [respondent] Respondent
        [role] Role
        [about] About (mentor's report)
        [question] Survey question
        [score] Score (1–5)
        [choices] Chosen options
        [text] Text answer
       *[answered] Answered
    }
export-yes-no = { $value ->
        [yes] yes
       *[no] no
    }
export-held = { $held ->
        [yes] yes
        [no] no
       *[unknown] not marked
    }
export-meeting-status = { $status ->
        [proposed] proposed
        [confirmed] confirmed
        [cancelled] cancelled
       *[other] { $status }
    }
export-question-status = { $status ->
        [open] open
        [answered] answered
        [resolved] resolved
        [closed] closed
        [merged] merged into another
       *[other] { $status }
    }
export-poll = Quick poll #{ $poll }
export-skipped = (skipped)
export-period = term { $quarter } of { $year }

file-failed = The file could not be prepared. Try /{ $command } again later.
file-too-large = The file is over 50 MB: Telegram does not accept files this large from bots.
file-too-large-all = The file is over 50 MB: export one school at a time — /export #school number (the numbers are in /orgs).

doc-program-usage = Give the program's number: /program_doc #12
doc-program-not-found = Program #{ $program } is not among your school's programs.
doc-program-caption = 📄 Personalized mentoring program #{ $program }
doc-program-title = Personalized mentoring program #{ $program }
doc-program-subtitle = { $school }, { $period }
doc-period = from { $start } to { $end }
doc-empty = not filled in
doc-status = Status
doc-ended = Ended { $date }: { $reason }
doc-note-title = Explanatory note
doc-form = Form of mentoring
doc-content-label = Content of the work
doc-content = { $count ->
        [0] no plan of activities yet
       *[other] a plan of { $count } activities; directions: { $directions }
    }
doc-dates = Term of the program
doc-schedule = Meeting schedule
doc-schedule-situational = situational mentoring: meetings as needed.
doc-schedule-planned = Meetings planned: { $meetings }.
doc-meetings-held = Meetings held: { $count }.
doc-mark-done = done { $done }
doc-mark-done-note = done { $done }: “{ $note }”
doc-mark-as-needed = as questions arise
doc-mark-overdue = overdue, was due { $due }
doc-mark-window = from { $start } to { $due }
doc-mark-due = by { $due }
doc-mode = Mode of work
doc-participants = Participants
doc-mentor = Mentor
doc-mentees = Mentees:
doc-acknowledged = has read it { $date }
doc-experience = { $years } years of experience
doc-plan-title = Plan of activities
doc-plan-empty = No plan items yet.
doc-plan-column = { $col ->
        [n] #
        [activity] Activities
        [form] Kinds, form of activity
        [direction] Stages, directions of activity
        [risks] Possible risks
        [prevention] Ways to prevent them
        [expected] Expected results
        [criteria] Criteria of effectiveness
       *[mark] Completion mark
    }

doc-annual-not-allowed = The final report is for a school's curator and the coordinator.
doc-annual-usage = Give the school year like this: /annual_report 2025/26, or nothing for the current one.
doc-annual-future = The school year { $year } has not started yet. The report is for the current or a past year.
doc-annual-caption = 📄 Final analytic report for the { $year } school year
doc-annual-title = Final analytic report on the mentoring programs for the { $year } school year
doc-annual-subtitle = { $schools }; from { $start } to { $end }
doc-annual-all-schools = every organization ({ $count })
doc-annual-indicator = Indicator
doc-annual-value = Value
doc-annual-people = 1. Participants (for the statistical forms)
doc-annual-mentors = Mentors
doc-annual-mentees = Mentees
doc-annual-young = of them young specialists (up to 3 years of experience)
doc-annual-pairs = Pairs: { $form }
doc-annual-groups = Groups: { $form }
doc-annual-outcomes = 2. Program outcomes
doc-annual-completed = Completed (plan done)
doc-annual-extended = Extended
doc-annual-terminated = Terminated early
doc-annual-reason = reason: { $reason }
doc-annual-characteristics = 3. Results on the four characteristics (average score 1–5)
doc-annual-response = Surveys answered: { $done } of { $total } ({ $share }%).
doc-annual-characteristic = Characteristic
doc-annual-average = Average score
doc-annual-no-scores = No survey scores yet.
doc-annual-activity = 4. Questions and meetings
doc-annual-asked = Questions asked
doc-annual-answered = Answered
doc-annual-median = Median first answer, working hours
doc-annual-sla = Answer deadlines missed
doc-annual-escalated = Passed to the curator
doc-annual-meetings-planned = Meetings planned
doc-annual-meetings-held = Meetings held
doc-annual-plan-done = Plan items done
doc-annual-plan-overdue = Plan items overdue
doc-annual-practices = 5. Best mentoring practices
doc-annual-practice = Program #{ $program } ({ $school }): mentor { $mentor }, mentees: { $mentees }; form: { $form }; { $start } to { $end }.
doc-annual-no-practices = No best practices marked yet.
