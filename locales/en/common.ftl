## Everyone

start-no-role =
    Hello! This is a bot for teacher mentoring: a mentee asks their mentor questions, the bot reminds about meetings and plan deadlines, and the curator sees all the work.

    To begin you need an invite link. Ask your school's mentoring curator for one (usually the deputy head for methodology).
start-welcome-back = Welcome back!
help-stranger = { start-no-role }
help-everyone =
    <b>Everyone</b>
    /profile — your profile
    /lang — language
    /mydata — your data as a file
    /forget — erase your data
    /cancel — leave any dialog
help-mentee =
    <b>Mentee</b>
    Any message to the bot is a question to your mentor: text, photo, document, voice, video.
    /myquestions — your questions
    /program — your program: the note, progress, «I have read it»
    /plan — the plan: deadlines, completion marks, new items
    /meet — schedule a meeting with your mentor, /meetings — your meetings
    /surveys — surveys waiting for your answer
    /change_mentor — ask for another mentor (with a reason)
help-mentor =
    <b>Mentor</b>
    Reply to a question, or press «Answer».
    /questions — open questions
    /mentees — write to a mentee first
    /program — your programs: the note, progress, the change log
    /plan — the plan: deadlines, completion marks, the «Teacher–teacher» roadmap
    /meet — schedule a meeting, /meetings — meetings and marking them held
    /surveys — surveys waiting for your answer
    /away 01.12.2026 — away until a date, /back — back again
    /release — ask to be released from a program (with a reason)
help-curator =
    <b>Curator</b>
    /invite curator|mentor|mentee [number] — an invite link (optional: a cap on uses)
    /invites — active links
    /people — the bank of mentors and mentees
    /pair — form a pair or a group
    /program #number — a program's card: extend, shorten, terminate, complete
    /plan — the plans of the school's programs
    /settings — time zone, working hours, quiet hours, calendar
    /report [2026/27-Q2 | all | #number] — the school's report for a quarter, with a chart
    /poll — a quick poll and its results
    /announce — an announcement to everyone or one role, its delivery status
    /practices — the best-practice bank, /practices add #number — mark a completed program
    /export — an Excel export (personal data: a warning first)
    /program_doc #number — the mentoring program as a Word document: explanatory note and plan
    /annual_report [2025/26] — the final analytic report as a Word document
help-admin =
    <b>Coordinator</b>
    /neworg Name [time zone] — a new organization
    /orgs — all organizations
    /report [2026/27-Q2 | all] — every organization, one line each
cancelled = Cancelled.
nothing-to-cancel = Nothing to cancel.
lang-choose = Choose a language:
lang-set = Language: English.
lang-not-stored = The language will follow your Telegram settings until you join by an invite.
lang-name-ru = Русский
lang-name-en = English
unknown-command = There is no such command. See /help for the list.
fallback-hint = I did not understand that message. See /help for the commands.
expect-text = Please send the answer as text.
button-outdated = This button no longer works.
not-allowed = You cannot do this.
not-allowed-admin = Only the coordinator (bot administrator) can use this command.
not-allowed-curator = Only a mentoring curator can use this command.
flood-warning = Too many commands at once. Wait a couple of seconds: new commands are not accepted for a moment.
flood-not-taken = Too many messages arrived at once: some of them were not taken. Please send the missing ones again, more slowly.
error-generic = Something went wrong. Please try again a little later; if it happens again, tell your curator.
person-nameless = no name #{ $id }
group-note = I work in private chats only. Please message me directly: that keeps personal data safe.
role-curator = curator
role-mentor = mentor
role-mentee = mentee
pick-org = Choose the organization:

cmd-start = Start
cmd-help = Help
cmd-profile = My profile
cmd-lang = Language
cmd-mydata = My data
cmd-forget = Erase my data
cmd-cancel = Cancel the current action
cmd-myquestions = My questions
cmd-questions = Open questions
cmd-mentees = My mentees
cmd-away = Away
cmd-back = I am back
cmd-invite = Invite
cmd-invites = Invite links
cmd-people = People
cmd-pair = Form a pair
cmd-settings = Organization settings
cmd-neworg = New organization
cmd-orgs = Organizations
