## /pair: mentoring pairs and groups, the personalized mentoring program

pair-form-label = { $form ->
        [situational] situational
        [traditional] traditional (one-to-one)
        [group] group
        [short_term] short-term (goal-setting)
        [reverse] reverse
        [virtual] virtual (remote)
        [speed] speed (one meeting)
        [teacher_teacher] "teacher–teacher"
        [head_teacher] "head–teacher"
       *[other] { $form }
    }
pair-mode-label = { $mode ->
        [online] online
        [offline] offline
        [mixed] mixed
       *[other] { $mode }
    }
pair-btn-form-default = { pair-form-label } — default
pair-btn-mentees-done = Done ({ $count } chosen)
pair-btn-mentor = { $name } #{ $id } — matches: { $score }
pair-btn-confirm = ✅ Confirm
pair-btn-cancel = Cancel
pair-btn-accept = ✅ I accept the mentor's duties
pair-btn-refuse = Decline

pair-usage = Form pairs with /pair — the bot guides you step by step.
    Quick way: <code>/pair #mentor #mentee[,#mentee…]</code>, e.g. <code>/pair #5 #7,#8</code>. The numbers come from /people.
    You may add the form, mode and dates at once: <code>/pair #5 #7 situational mixed 01.12.2026-31.05.2027</code>.

pair-err-form = No such form of mentoring. Forms: situational, traditional, group, short_term, reverse, virtual, speed, teacher_teacher, head_teacher.
pair-err-mode = No such mode. Modes: online, offline, mixed.
pair-err-no-mentees = Choose at least one mentee.
pair-err-self = Person #{ $id } cannot mentor themself.
pair-err-unknown = There is no person #{ $id } in your organization. See /people for the numbers.
pair-err-not-mentor = { $name } (#{ $id }) is not in your organization's bank of mentors.
pair-err-not-mentee = { $name } (#{ $id }) is not in your organization's bank of mentees.
pair-err-busy = { $name } (#{ $id }) is already in program #{ $program } of the form "{ pair-form-label }". Choose another form or wait until that program ends.

pair-dates-order = The end is before the start. Write the start first, then the end.
pair-dates-past = These dates are over. Give a period that has not ended yet.
pair-dates-speed = Speed mentoring is one meeting on one day: write one date, e.g. <code>15.12.2026</code>.
pair-dates-too-short = A personalized mentoring program lasts 3 to 12 months. Starting on { $start }, it ends no earlier than { $earliest } and no later than { $latest }.
pair-dates-too-long = A personalized mentoring program lasts at most 12 months: starting on { $start }, it ends no later than { $latest }. Extension beyond a year is not supported yet: make a one-year program, then a new one.

pair-no-free-mentees = "{ $org }" has no mentees without a program. Invite them with /invite mentee, or use the quick way: /pair #mentor #mentee.
pair-pick-mentees = <b>New pair or group — { $org }</b>
    Step 1. Choose the mentees (without a program: { $count }) and press "Done".
pair-no-mentors = The organization has no mentors. Invite them with /invite mentor.
pair-pick-mentor = Step 2. Choose the mentor. On top are those whose directions and subject best match the mentees' difficulties and subject ({ $total } mentors in all).
pair-mentor-line = #{ $id } { $name } — matches: { $score }
pair-ask-form = Step 3. The form of mentoring (usually situational):
pair-ask-mode = Step 4. The mode:
pair-ask-dates = Step 5. { $form ->
        [speed] The date of the meeting, e.g. <code>15.12.2026</code>.
       *[other] The program's dates (3 to 12 months), e.g. <code>01.12.2026-31.05.2027</code>.
    }
pair-dates-placeholder = { $form ->
        [speed] 15.12.2026
       *[other] 01.12.2026-31.05.2027
    }
pair-summary = <b>Check the mentoring program</b>
    Organization: { $org }
    Mentor: { $mentor }
    { $count ->
        [one] Mentee
       *[other] Mentees
    }: { $mentees }
    Form: { pair-form-label }
    Mode: { pair-mode-label }
    Dates: { $start } — { $end }
    Once you confirm, the mentor gets the offer and accepts the duties or declines.
pair-cancelled = No pair was created.
pair-proposed = Program #{ $program } is created. The offer went to the mentor ({ $mentor }); I will tell you the answer.

pair-offer = <b>An offer to be a mentor</b> — { $org }
    Curator { $curator } offers you { $count ->
        [one] a mentee
       *[other] mentees
    }: { $mentees }.
    Program #{ $program }: form — { pair-form-label }, mode — { pair-mode-label }, dates { $start } — { $end }.
    Accept the mentor's duties or decline.
pair-already-decided = This program has been decided already.
pair-you-accepted = You accepted the mentor's duties.
pair-you-refused = You declined. The curator will be told.
pair-active-mentor = Program #{ $program } has started. { $count ->
        [one] Your mentee
       *[other] Your mentees
    }: { $mentees }. Form — { pair-form-label }, mode — { pair-mode-label }, dates { $start } — { $end }.
pair-active-mentee = Your mentor is { $mentor }. Program #{ $program }: form — { pair-form-label }, mode — { pair-mode-label }, dates { $start } — { $end }. Write your questions here — they reach your mentor.
pair-active-curator = Mentor { $mentor } accepted program #{ $program } (mentees: { $mentees }). The program is active.
pair-refused-curator = Mentor { $mentor } declined program #{ $program } (mentees: { $mentees }). Choose another mentor: /pair.
