## Admin and curator

neworg-usage = Format: /neworg Name [time zone], for example: /neworg School 5 Asia/Yekaterinburg
neworg-bad-zone = Unknown time zone «{ $zone }». Examples: Europe/Moscow, Asia/Novosibirsk.
neworg-created =
    Organization «{ $org }» created (time zone { $zone }).
    Curator link (single use, valid until { $expires }):
    { $link }
orgs-empty = There are no organizations yet. Create one: /neworg Name
orgs-header = <b>Organizations</b> ({ $count }):
orgs-line = { $id }. { $org } — { $zone }, participants: { $people }
invite-usage = Format: /invite curator|mentor|mentee [cap], where cap is a number of uses from 1 to { $cap }. For example: /invite mentee 30
invite-created =
    Link for the role «{ $role ->
        [curator] curator
        [mentor] mentor
       *[mentee] mentee
    }» in «{ $org }»:
    { $link }
    Valid until { $expires }{ $cap ->
        [0] , no cap on uses.
       *[other] , uses: { $cap }.
    }
invites-empty = «{ $org }» has no active links. Create one: /invite mentee
invites-header = <b>Active links</b> — { $org }:
invites-line = №{ $id } — { $role ->
        [curator] curator
        [mentor] mentor
       *[mentee] mentee
    }, used { $uses }{ $cap ->
        [0] {""}
       *[other] /{ $cap }
    }, until { $expires }
invites-revoke = Revoke №{ $id }
invite-revoke-done = Link №{ $id } is revoked.
invite-already-revoked = Link №{ $id } is no longer valid.
people-empty = «{ $org }» has no participants yet. Invite some: /invite mentor or /invite mentee
people-header = <b>Participants</b> — { $org }: { $total } (page { $page }/{ $pages })
people-line = <b>#{ $id }</b> { $name } — { $roles }; { $subject }, experience { $experience ->
        [-1] —
       *[other] { $experience }
    }; consent { $consent }; pair: { $pair ->
        [active] yes
        [proposed] awaiting acceptance
       *[other] none
    }{ $reachable ->
        [no] ; ⚠️ blocked the bot
       *[other] {""}
    }
people-prev = ◀ Back
people-next = Next ▶
person-remove-role = Remove role: { $role }
remove-self-curator = You cannot remove your own curator role. Ask another curator or the coordinator.
role-already-removed = This role is already removed.
role-removed = { $name } no longer has the role «{ $role ->
        [curator] curator
        [mentor] mentor
       *[mentee] mentee
    }».
weekday-mon = Mon
weekday-tue = Tue
weekday-wed = Wed
weekday-thu = Thu
weekday-fri = Fri
weekday-sat = Sat
weekday-sun = Sun
settings-card =
    <b>Settings</b> — { $org }
    Time zone: { $zone }
    Working days: { $days }
    Working hours: { $work }
    Quiet hours: { $quiet }
    School year { $year }:
    <pre>{ $calendar }</pre>
settings-edit-timezone = Time zone
settings-edit-hours = Working hours
settings-edit-quiet = Quiet hours
settings-edit-calendar = Calendar
settings-edit-transfers = Moved days off
settings-ask-timezone = Type an IANA time zone, for example Europe/Moscow or Asia/Yekaterinburg:
settings-ask-hours = Type working days and hours, for example «1-5 08:00-18:00» (1 is Monday), or just hours «08:00-17:00»:
settings-ask-quiet = Type quiet hours, for example «21:00-08:00»: questions then arrive silently and reminders wait.
settings-ask-calendar =
    Send the school year calendar, one period per line:
    Q1 01.09.2026-24.10.2026 — a quarter (Q1–Q4 are required)
    B 25.10.2026-04.11.2026 — school holidays
    H 04.11.2026 — a public holiday (not a working day)
settings-bad-timezone = Unknown time zone. Examples: Europe/Moscow, Asia/Novosibirsk.
settings-bad-hours = I did not understand the hours. Example: «1-5 08:00-18:00» — days 1 (Mon) to 5 (Fri), start before end.
settings-bad-quiet = I did not understand the quiet hours. Example: «21:00-08:00».
settings-bad-calendar = I did not understand the calendar: lines Q1–Q4 with dates DD.MM.YYYY-DD.MM.YYYY in order are required, end not before start; B and H are optional.
settings-ask-transfers =
    Send the government's transfers of days off, one per line: «02.01→10.05» moves the day off of 2 January to 10 May (10 May is then a day off, 2 January a working day unless it is a holiday). A year may be given: «02.01.2027→10.05.2027». The holidays of art. 112 of the Labour Code (1–8 January, 23 February, 8 March, 1 and 9 May, 12 June, 4 November) always count. «-» removes all transfers.
settings-bad-transfers = I did not understand the transfers. Example: «02.01→10.05» or «02.01.2027→10.05.2027», one per line; the dates must exist and differ.
settings-saved = Settings saved.
mydata-nothing = We hold no data about you.
mydata-caption = Everything the bot holds about you.
forget-ask = Erase your personal data? Your name, profile and Telegram id will be erased and your roles removed. Only an anonymous record stays in the statistics. This cannot be undone.
forget-confirm = Yes, erase my data
forget-keep = No, keep it
forget-kept = Nothing was erased.
forget-done = Your personal data is erased and your consent withdrawn. To take part again you will need a new invite.
