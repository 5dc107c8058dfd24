## /report: the curator's report (DESIGN §4 «Curator reports»)

cmd-report = Report: participants, questions, meetings, plan, surveys, risks
report-bad-period =
    I could not tell which period you mean: “{ $arg }”.
    For example:
    /report — the current quarter
    /report 2026/27-Q2 — a quarter of the school year (Q1–Q4)
    /report all — all time
    /report #12 — one program
report-not-found = Program not found.
report-bad-args =
    I did not understand “{ $arg }”. These work:
    /report — the current quarter
    /report 2026/27-Q2 — a quarter of the school year (Q1–Q4)
    /report all — all time
    /report #12 — one program (all time)
report-no-school = Reports are for a school's curator. You are not a curator of any school yet.
report-period-all = all time
report-period-quarter = { $label } ({ $start } — { $end })
report-title = 📊 <b>Report: { $scope }</b>
    Period: { $period }
report-scope-program = program #{ $program } ({ $school })
report-scope-schools = { $count } { $count ->
        [one] school
       *[other] schools
    }: { $names }
report-participants = 👥 <b>Participants:</b> { $mentors } mentors, { $mentees } mentees, { $curators } curators
report-forms-title = 🤝 <b>Active programs:</b>
report-form-line = • { pair-form-label }: { $parts }
report-form-pairs = { $count } { $count ->
        [one] pair
       *[other] pairs
    }
report-form-groups = { $count } { $count ->
        [one] group
       *[other] groups
    }
report-forms-none = 🤝 No active programs.
report-questions = ❓ <b>Questions:</b> { $asked } asked, of them { $answered } answered
report-median = ⏱ Median first response: { $hours } working h
report-median-none = ⏱ Median first response: —
report-sla = ⚠️ Answer-time breaches: { $breaches } (escalated to the curator: { $escalations })
report-meetings = 📅 <b>Meetings:</b> { $planned } planned, { $held } held
report-plan = 🗂 <b>Plan:</b> { $due } items due in the period; { $done } done ({ $done_share }%), { $overdue } overdue ({ $overdue_share }%)
report-surveys = 📝 <b>Surveys:</b> { $done } of { $total } answered ({ $share }%)
report-surveys-none = 📝 No surveys in the period.
report-survey-kind = { $kind ->
        [entry] entry survey
        [quarterly_mentor] mentor's quarterly report
        [quarterly_mentee] mentee's quarterly survey
        [final_mentee] mentee's final survey
        [final_mentor] mentor's final survey
        [poll] quick poll
       *[other] { $kind }
    }
report-survey-line = • { report-survey-kind }: { $done } of { $total }
report-characteristic = { $topic ->
        [satisfaction] satisfaction (reaction)
        [knowledge] change in knowledge
        [behaviour] behaviour in problem situations
       *[school] results for the school
    }
report-averages-title = ⭐ <b>Average scores (1–5):</b>
report-average-line = • { report-characteristic }: { $value }
report-averages-none = ⭐ No survey scores yet.
report-risks-title = 🚩 <b>Risks</b>
report-risks-none = 🚩 No risks.
report-risk-silent = Silent pairs (no questions or meetings for { $days } days): { $count }
report-risk-overdue = Programs with overdue items: { $count }
report-risk-unreachable = Unreachable in the bot: { $count }
report-risk-unmatched = Mentees with no mentor: { $count }
report-risk-line = • { $line }
report-risk-pair = #{ $program } { $mentor } — { $mentees }
report-risk-late = { $pair }: { $count } overdue
report-risk-person = { $name } ({ $about })
report-risk-name = { $name }
report-risk-more = …and { $count } more
report-file-caption = The report does not fit one message, so here it is as a file.
report-chart-scores = Average scores per quarter (1–5)
report-chart-questions = Questions per week
report-chart-empty = No data yet
report-rollup-title = 📊 <b>All organizations</b>
    Period: { $period }
report-rollup-line = <b>{ $name }</b>: { $mentors } mentors, { $mentees } mentees, { $programs } programs; { $asked } questions ({ $answered } answered, { $breaches } breaches); { $held } meetings held; { $overdue } items overdue; surveys { $survey_done } of { $survey_all }
report-rollup-total = <b>Total over { $count } organizations</b>: { $mentors } mentors, { $mentees } mentees, { $programs } programs; { $asked } questions ({ $answered } answered, { $breaches } breaches); { $held } meetings held; { $overdue } items overdue; surveys { $survey_done } of { $survey_all }
report-rollup-none = No organizations yet.
