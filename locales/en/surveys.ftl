## Surveys (handlers/surveys.py, bot/surveys.py)

cmd-surveys = Surveys waiting for your answer

survey-question = { $marker } <b>{ $title }</b> · Question { $number }/{ $total }

    { $text }
survey-reminder = 🔔 Reminder: a survey is waiting for your answer.
survey-text-hint = Write the answer as a reply to this message, in at most { $limit } characters.
survey-optional = This question is optional.
survey-placeholder = Your answer
survey-poll-title = Poll
survey-title-about = { $title }: { $name }
survey-title-mentor = { $title }: mentor { $name }

survey-btn-done = Done
survey-btn-skip = Skip
survey-btn-continue = Continue: { $title }

survey-done = Thank you! The survey is complete.
survey-outdated = This question is no longer current.
survey-reply-latest = This question is waiting in several surveys: please reply to the latest message with it.
survey-use-buttons = This question is answered with the buttons under it.
survey-text-only = Please answer this question with text.

survey-err-required = This question is required: it cannot be skipped.
survey-err-scale = Choose a score from 1 to 5.
survey-err-choice = Choose at least one option.
survey-err-text-empty = The answer is empty: please write it as text.
survey-err-text-long = The answer is too long: { $length } characters, and at most { $limit } are allowed. Please shorten it and send it as a reply to the question again.

surveys-none = No surveys are waiting for your answer.
surveys-list = Surveys waiting for your answer ({ $count }):
surveys-item = • { $title } — { $answered } of { $total } answered
surveys-more = …and { $count } more.

## Messages that no step of a flow takes (handlers/flow_guard.py)

flow-unhandled = First finish the step “{ $flow }”: answer the question above or send /cancel.
flow-timed-out = The dialogue “{ $flow }” was interrupted: more than { $minutes } minutes have passed.
flow-name-generic = a dialogue
flow-name-consent = the consent step
flow-name-profile = filling in your profile
flow-name-settings = the school settings
flow-name-answer = an answer to a question
flow-name-program = editing a program
flow-name-pair = forming a pair
flow-name-meet = arranging a meeting
flow-name-plan = working on a plan
flow-name-change = a change of a program
flow-name-survey = a survey
flow-name-poll = a quick poll
flow-name-announce = an announcement
flow-name-practice = a best-practice summary
