## Surveys (handlers/surveys.py, bot/surveys.py)

cmd-surveys = Анкеты, которые ждут ответа

survey-question = { $marker } <b>{ $title }</b> · Вопрос { $number }/{ $total }

    { $text }
survey-reminder = 🔔 Напоминание: анкета ждёт ответа.
survey-text-hint = Ответьте на это сообщение — не больше { $limit } символов.
survey-optional = Этот вопрос необязательный.
survey-placeholder = Ваш ответ
survey-poll-title = Опрос
survey-title-about = { $title }: { $name }
survey-title-mentor = { $title }: наставник { $name }

survey-btn-done = Готово
survey-btn-skip = Пропустить
survey-btn-continue = Продолжить: { $title }

survey-done = Спасибо! Анкета заполнена.
survey-outdated = Этот вопрос уже неактуален.
survey-reply-latest = Этот вопрос ждёт ответа в нескольких анкетах: ответьте на последнее сообщение с ним.
survey-use-buttons = На этот вопрос отвечают кнопками под ним.
survey-text-only = Ответьте на этот вопрос текстом.

survey-err-required = Этот вопрос обязательный: его нельзя пропустить.
survey-err-scale = Выберите оценку от 1 до 5.
survey-err-choice = Выберите хотя бы один вариант.
survey-err-text-empty = Ответ пустой: напишите его текстом.
survey-err-text-long = Ответ слишком длинный: { $length } символов, а можно не больше { $limit }. Сократите его и отправьте ответом на вопрос ещё раз.

surveys-none = Анкет, ждущих ответа, нет.
surveys-list = Анкеты, которые ждут ответа ({ $count }):
surveys-item = • { $title } — отвечено { $answered } из { $total }
surveys-more = …и ещё { $count }.

## Messages that no step of a flow takes (handlers/flow_guard.py)

flow-unhandled = Сначала завершите шаг «{ $flow }»: ответьте на вопрос выше или отправьте /cancel.
flow-timed-out = Диалог «{ $flow }» прерван: прошло больше { $minutes } минут.
flow-name-generic = диалог
flow-name-consent = согласие на обработку данных
flow-name-profile = заполнение профиля
flow-name-settings = настройка школы
flow-name-answer = ответ на вопрос
flow-name-program = редактирование программы
flow-name-pair = формирование пары
flow-name-meet = назначение встречи
flow-name-plan = работа с планом
flow-name-change = изменение программы
flow-name-survey = анкета
flow-name-poll = опрос
flow-name-announce = объявление
flow-name-practice = описание лучшей практики
