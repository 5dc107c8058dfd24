## Questions

question-header = Вопрос №{ $number } · { $mentee } · { $subject }
followup-header = Уточнение к вопросу №{ $number } · { $mentee }
answer-header = Ответ на вопрос №{ $number } · { $author }
mentor-writes-header = Сообщение от наставника · { $mentor } (№{ $number })
question-sent = Вопрос №{ $number } отправлен наставнику: { $mentor }.
question-sent-away = Ваш наставник отсутствует до { $until }. Вопрос №{ $number } передан куратору.
question-sent-curators = Вопрос №{ $number } передан куратору наставничества.
followup-sent = Уточнение к вопросу №{ $number } отправлено.
followup-prompt = Напишите уточнение к вопросу №{ $number } (можно фото, документ, голос):
question-pick-mentor = Кому задать вопрос?
question-unsupported = Такой тип сообщения не передаётся. Отправьте текст, фото, документ, голосовое, видео или аудио.
question-empty = Пустое сообщение — напишите, пожалуйста, вопрос текстом.
question-not-live = Вопрос №{ $number } уже закрыт.
question-closed = Вопрос №{ $number } закрыт.
question-closed-notice = Наставник закрыл вопрос №{ $number }. Если нужна помощь — просто напишите новый вопрос.
question-resolved = Отлично! Вопрос №{ $number } решён. Оцените помощь от 1 до 5:
question-rated = Спасибо за оценку: { $score }.
question-handed-over = Вопрос №{ $number } передан куратору.
question-already-claimed = Этот вопрос уже взял другой куратор.
question-remind = Напоминание: вопрос №{ $number } от { $mentee } ждёт ответа.
question-reminded = Наставнику напомнили о вопросе №{ $number }.
question-escalated =
    ⚠️ Вопрос №{ $number } от { $mentee } без ответа (наставник: { $mentor }).
    { $preview }
question-reassigned = Ваш вопрос №{ $number } передан наставнику { $mentor }.
reassigned = Вопрос №{ $number } передан: { $mentor }.
reassign-pick = Кому передать вопрос №{ $number }?
reassign-nobody = Нет других наставников, которым можно передать вопрос.
answer-prompt = Напишите ответ на вопрос №{ $number } (можно фото, документ, голос):
answer-sent = Ответ на вопрос №{ $number } отправлен: { $mentee }.
answer-undelivered = Не удалось доставить сообщение по вопросу №{ $number }: получатель заблокировал бота.
edit-notice = Сообщение по вопросу №{ $number } изменено:
age = { $days ->
        [0] { $hours } ч { $minutes } мин
       *[other] { $days } дн
    }
questions-none = Открытых вопросов нет.
questions-header = <b>Открытые вопросы</b> ({ $count }):
questions-line = №{ $number } · { $mentee } · { $status ->
        [open] ждёт ответа
       *[other] отвечен
    } · { $age } — { $preview }
myquestions-none = Вы ещё не задавали вопросов. Просто напишите сообщение — оно уйдёт наставнику.
myquestions-header = <b>Ваши вопросы</b>:
myquestions-line = №{ $number } · { $status ->
        [open] ждёт ответа
        [answered] есть ответ
        [resolved] решён
       *[other] закрыт
    } · { $age } — { $preview }
not-allowed-mentor = Эта команда доступна только наставнику.
not-allowed-mentee = Эта команда доступна только наставляемому.
away-usage = Формат: /away ДД.ММ или /away ДД.ММ.ГГГГ — дата возвращения (не в прошлом и не дальше года).
away-set = Отмечено отсутствие до { $until }. Вопросы наставляемых пока получает куратор. Вернётесь раньше — /back.
away-cleared = С возвращением! Вопросы снова приходят вам.
mentees-none = У вас пока нет наставляемых в активных программах.
mentees-pick = Кому написать?
write-first-prompt = Напишите сообщение для { $mentee }:
write-first-sent = Сообщение отправлено: { $mentee }.
q-btn-answer = Ответить
q-btn-hand-over = Передать куратору
q-btn-close = Закрыть
q-btn-reassign = Передать другому
q-btn-resolved = ✅ Вопрос решён
q-btn-follow-up = Уточнить
q-btn-claim = Отвечу сам(а)
q-btn-remind = Напомнить наставнику
write-first-undelivered = Не удалось отправить сообщение: { $mentee } заблокировал(а) бота или ещё не начал(а) с ним диалог.
delivery-queued = Сообщение по вопросу №{ $number } принято и стоит в очереди: Telegram попросил подождать. Оно будет доставлено, как только это станет возможно — отправлять ещё раз не нужно.
question-taken = На вопрос №{ $number } уже отвечает { $name }.
flow-expired = Прошло больше 30 минут, и режим ответа завершён. Ответьте на сообщение с вопросом или нажмите кнопку ещё раз.
q-btn-as-new = Это новый вопрос
q-btn-as-continuation = Это продолжение вопроса №{ $number }
question-split = Теперь это отдельный вопрос №{ $number }.
question-merged = Сообщение добавлено к вопросу №{ $number }.
