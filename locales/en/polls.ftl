## /poll: the curator's quick polls (and what /poll and /announce share)

cmd-poll = Quick poll
bc-pick-org = For which organization?
bc-audience = { $audience ->
        [all] Everyone
        [mentor] Mentors
        [mentee] Mentees
       *[curator] Curators
    }
bc-audience-to = { $audience ->
        [all] to everyone
        [mentor] to mentors
        [mentee] to mentees
       *[curator] to curators
    }
bc-btn-confirm = ✅ Send
bc-btn-cancel = ✖️ Cancel
bc-unreachable = Unreachable (blocked the bot): { $count } — { $names }.
poll-pick-audience = Quick poll. Who should get it?
poll-ask-text = Question { $n } of { $max }: type the question (up to { $limit } characters).
poll-ask-kind = How is this question answered?
poll-kind = { $kind ->
        [scale] Scale 1–5
        [single] A choice of options
       *[text] Free text
    }
poll-ask-options = Type the options, one per line ({ $least } to { $most }).
poll-question-added = Question { $n } added. Add another question or send the poll?
poll-btn-more = ➕ Another question
poll-btn-send = ▶️ Send
poll-preview-header = <b>Poll</b> — { $org }, { $audience } (recipients: { $count })
poll-preview-question = { $n }. { $text } — { $kind ->
        [scale] scale 1–5
        [single] a choice of options
       *[text] free text
    }
poll-preview-option = • { $text }
poll-preview-footer = Send the poll?
poll-sent = Poll #{ $id } is going out to { $count } { $count ->
        [one] recipient
       *[other] recipients
    }. The questions arrive outside quiet hours. Results: /poll.
poll-cancelled = Poll cancelled, nothing was sent.
poll-list-header = <b>Recent polls</b>:
poll-list-line = #{ $id } of { $date } — { $org }, { $audience }: { $done } of { $total } answered in full
poll-btn-results = Results #{ $id }
poll-btn-new = ➕ New poll
poll-results-header =
    <b>Poll #{ $id }</b> of { $date } — { $org }, { $audience }
    Answered every question: { $done } of { $total }
poll-results-question =
    <b>{ $n }. { $text }</b>
    Answered: { $answered } of { $total }
poll-results-average = Average: { $average } of 5
poll-results-scale = { $score } — { $count }
poll-results-option = { $text } — { $count }
poll-results-text = { $n }) { $text }
poll-results-text-file = Answers: { $count }, the full list is in the file.
poll-results-file-name = poll-{ $id }.txt
poll-text-erased = (text erased at its author's request)
poll-err-empty = The text is empty. Type the question in words.
poll-err-long = Too long: { $length } characters, the limit is { $limit }. Please shorten it.
poll-err-need-text = A text message is needed. Type it, or /cancel.
poll-err-few-options = At least { $least } options are needed, one per line.
poll-err-many-options = More than { $most } options. Keep at most { $most }.
poll-err-option-long = An option is longer than { $limit } characters. Please shorten it.
poll-err-option-twice = Options repeat. List each option once.
poll-err-kind = No such question type: a 1–5 scale, a choice of options or free text.
poll-err-none = The poll has no questions.
poll-err-too-many = A poll has at most { $most } questions. Send it, or /cancel.
poll-err-audience = Pick the recipients with a button.
poll-err-no-recipients = Nobody to send to in “{ $org }”: { $audience } — no member has a chat with the bot.
