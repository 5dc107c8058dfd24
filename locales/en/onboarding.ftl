## Invites, consent, profile

invite-unknown = This invite link was not found. Check that you copied it whole, or ask your curator for a new one.
invite-expired = This invite link has expired. Ask your curator for a new one.
invite-revoked = The curator has revoked this invite link. Ask for a new one.
invite-used-up = This invite link has reached its limit of uses. Ask your curator for a new one.
invite-already = You are already a { $role ->
        [curator] curator
        [mentor] mentor
       *[mentee] mentee
    } in «{ $org }». There is no need to join again.
consent-text =
    <b>Consent to personal data processing</b> (version { $version })

    The operator of your personal data is <b>{ $org }</b>.
    Purposes: running teacher mentoring under the target model — forming pairs, personalized programs, questions and answers, meetings, questionnaires and the curator's reports.
    Data: full name, position, subject, experience, directions, your Telegram id and your correspondence with your mentor through the bot.
    Retention: while you take part in mentoring and 1 year after it ends. You can withdraw consent at any time with /forget.

    You are joining as: { $role ->
        [curator] curator
        [mentor] mentor
       *[mentee] mentee
    }.
consent-agree = I agree to personal data processing
consent-decline = I do not agree
consent-declined = All right. We have stored nothing about you. If you change your mind, open the invite link again.
consent-press-button = Please press one of the buttons under the consent text (or /cancel).
joined = You have joined «{ $org }» as a { $role ->
        [curator] curator
        [mentor] mentor
       *[mentee] mentee
    }. Let us fill in a short profile.
profile-ask-name = Your full name:
profile-ask-position = Your position (for example, «teacher»):
profile-ask-subject = Your subject or field (for example, «mathematics»):
profile-ask-experience = Teaching experience in whole years (a number from 0 to 60):
profile-ask-directions = Which directions can you help with? Tick one or more and press «Done».
profile-ask-difficulties = Which directions do you find hard? Tick one or more and press «Done».
profile-hint-name = Anna Ivanova
profile-hint-position = teacher
profile-hint-subject = mathematics
profile-hint-experience = 3
profile-bad-name = The name must not be empty and at most { $limit } characters long. Please type it again:
profile-bad-text = The answer must not be empty and at most { $limit } characters long. Please type it again:
profile-bad-experience = Experience is a whole number of years from 0 to 60, for example 3. Please type it again:
profile-done = Your profile is complete. Thank you!
profile-saved = Saved.
profile-none = You have no profile yet: join with an invite link from your curator.
profile-empty = not given
profile-card =
    <b>Profile</b>
    Name: { $name }
    Position: { $position }
    Subject: { $subject }
    Experience: { $experience ->
        [-1] not given
       *[other] { $experience } years
    }
    Roles: { $roles }
    Can help with: { $directions }
    Difficulties: { $difficulties }
profile-edit-name = Name
profile-edit-position = Position
profile-edit-subject = Subject
profile-edit-experience = Experience
profile-edit-directions = Directions I help with
profile-edit-difficulties = Difficulties
directions-done = Done
directions-pick-one = Tick at least one direction.
directions-use-buttons = Tick the directions with the buttons and press «Done» (or /cancel).
direction-legal = Normative and legal
direction-subject = Subject and professional
direction-psych = Psychological and pedagogical
direction-method = Methodical
direction-ict = ICT competence
direction-digital = Digitalization
direction-upbringing = Extracurricular and upbringing work
direction-health = Students' health
notice-joined = New participant: <b>{ $name }</b> (#{ $id }) — { $role ->
        [curator] curator
        [mentor] mentor
       *[mentee] mentee
    }.
notice-remove-role = Remove the role
notice-role-removed = The curator removed your role «{ $role ->
        [curator] curator
        [mentor] mentor
       *[mentee] mentee
    }» in «{ $org }».
notice-unreachable = <b>{ $name }</b> (#{ $id }) has blocked the bot: messages to them are not delivered.
notice-consent-withdrawn = A participant of program №{ $program } withdrew consent to personal data processing: their part in the program has ended.
