## Questions

question-header = Question №{ $number } · { $mentee } · { $subject }
followup-header = Follow-up to question №{ $number } · { $mentee }
answer-header = Answer to question №{ $number } · { $author }
mentor-writes-header = Message from your mentor · { $mentor } (№{ $number })
question-sent = Question №{ $number } went to your mentor: { $mentor }.
question-sent-away = Your mentor is away until { $until }. Question №{ $number } went to the curator.
question-sent-curators = Question №{ $number } went to the mentoring curator.
followup-sent = Follow-up to question №{ $number } sent.
followup-prompt = Write your follow-up to question №{ $number } (a photo, document or voice works too):
question-pick-mentor = Whom do you want to ask?
question-unsupported = This kind of message cannot be passed on. Send text, a photo, a document, a voice message, a video or audio.
question-empty = The message is empty — please write your question as text.
question-not-live = Question №{ $number } is already closed.
question-closed = Question №{ $number } is closed.
question-closed-notice = Your mentor closed question №{ $number }. If you need help, just write a new question.
question-resolved = Great! Question №{ $number } is resolved. Rate the help from 1 to 5:
question-rated = Thank you for the rating: { $score }.
question-handed-over = Question №{ $number } went to the curator.
question-already-claimed = Another curator has already taken this question.
question-remind = Reminder: question №{ $number } from { $mentee } is waiting for an answer.
question-reminded = The mentor was reminded about question №{ $number }.
question-escalated =
    ⚠️ Question №{ $number } from { $mentee } has no answer (mentor: { $mentor }).
    { $preview }
question-reassigned = Your question №{ $number } went to mentor { $mentor }.
reassigned = Question №{ $number } passed to { $mentor }.
reassign-pick = Who should take question №{ $number }?
reassign-nobody = There are no other mentors to pass the question to.
answer-prompt = Write your answer to question №{ $number } (a photo, document or voice works too):
answer-sent = Answer to question №{ $number } sent to { $mentee }.
answer-undelivered = The message about question №{ $number } could not be delivered: the recipient has blocked the bot.
edit-notice = A message about question №{ $number } was edited:
age = { $days ->
        [0] { $hours } h { $minutes } min
       *[other] { $days } d
    }
questions-none = No open questions.
questions-header = <b>Open questions</b> ({ $count }):
questions-line = №{ $number } · { $mentee } · { $status ->
        [open] waiting
       *[other] answered
    } · { $age } — { $preview }
myquestions-none = You have not asked anything yet. Just write a message: it goes to your mentor.
myquestions-header = <b>Your questions</b>:
myquestions-line = №{ $number } · { $status ->
        [open] waiting for an answer
        [answered] answered
        [resolved] resolved
       *[other] closed
    } · { $age } — { $preview }
not-allowed-mentor = Only a mentor can use this command.
not-allowed-mentee = Only a mentee can use this command.
away-usage = Format: /away DD.MM or /away DD.MM.YYYY — the day you are back (not in the past, within a year).
away-set = You are away until { $until }. Your mentees' questions go to the curator meanwhile. Back earlier? /back.
away-cleared = Welcome back! Questions come to you again.
mentees-none = You have no mentees in active programs yet.
mentees-pick = Whom do you want to write to?
write-first-prompt = Write your message to { $mentee }:
write-first-sent = Message sent to { $mentee }.
q-btn-answer = Answer
q-btn-hand-over = Hand over to the curator
q-btn-close = Close
q-btn-reassign = Reassign
q-btn-resolved = ✅ Resolved
q-btn-follow-up = Follow-up
q-btn-claim = I will answer
q-btn-remind = Remind the mentor
write-first-undelivered = The message could not be sent: { $mentee } has blocked the bot or has not started a chat with it.
delivery-queued = Your message about question №{ $number } is accepted and queued: Telegram asked us to wait. It will be delivered as soon as possible — no need to send it again.
question-taken = { $name } is already answering question №{ $number }.
flow-expired = More than 30 minutes have passed, so the reply mode has ended. Reply to the question's message or press the button again.
q-btn-as-new = This is a new question
q-btn-as-continuation = This continues question №{ $number }
question-split = This is now a separate question №{ $number }.
question-merged = The message is added to question №{ $number }.
