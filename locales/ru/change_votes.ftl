## Answers to a proposal by someone who no longer holds the side they were asked as (models/changes.py vote)

change-err-no-longer-party = { $party ->
    [mentor] Вы больше не наставник программы #{ $program } — ответить на это предложение теперь может только её новый наставник.
    [mentee] Вы больше не наставляемый программы #{ $program } — ваш ответ не записан.
   *[other] Вы больше не куратор школы программы #{ $program } — ваш ответ не записан.
}
