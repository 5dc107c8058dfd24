## /announce: the curator's announcements

cmd-announce = Announcement
announce-pick-audience = Announcement. Who should get it?
announce-ask-text = Type the announcement (up to { $limit } characters).
announce-preview =
    <b>Announcement</b> — { $org }, { $audience } (recipients: { $count })

    { $text }
announce-preview-footer = Send it?
announce-sent = Announcement #{ $id } is going out to { $count } { $count ->
        [one] recipient
       *[other] recipients
    }. Status: /announce.
announce-sent-later = Quiet hours now: sending starts at { $time }.
announce-cancelled = Announcement cancelled, nothing was sent.
announce-list-header = <b>Recent announcements</b>:
announce-list-line = #{ $id } of { $date } — { $org }, { $audience }: { $preview }
announce-btn-status = Status #{ $id }
announce-btn-new = ➕ New announcement
announce-status =
    <b>Announcement #{ $id }</b> of { $date } — { $org }, { $audience }
    Delivered: { $delivered }
    Waiting to be sent: { $waiting }
    Unreachable: { $unreachable }
announce-status-withdrawn = Withdrawn: { $count }
announce-status-names = Not received by: { $names }
announce-text-erased = (text erased at its author's request)
announcement =
    📢 <b>Announcement</b> — { $org }

    { $text }

    — { $author }
announce-err-empty = The text is empty. Type the announcement in words.
announce-err-long = Too long: { $length } characters, the limit is { $limit }. Please shorten it.
announce-err-need-text = A text message is needed. Type it, or /cancel.
announce-err-audience = Pick the recipients with a button.
announce-err-no-recipients = Nobody to send to in “{ $org }”: { $audience } — no member has a chat with the bot.
