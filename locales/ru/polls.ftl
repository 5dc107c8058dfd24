## /poll: быстрые опросы куратора (и общее для /poll и /announce)

cmd-poll = Быстрый опрос
bc-pick-org = Для какой организации?
bc-audience = { $audience ->
        [all] Все
        [mentor] Наставники
        [mentee] Наставляемые
       *[curator] Кураторы
    }
bc-audience-to = { $audience ->
        [all] всем участникам
        [mentor] наставникам
        [mentee] наставляемым
       *[curator] кураторам
    }
bc-btn-confirm = ✅ Отправить
bc-btn-cancel = ✖️ Отмена
bc-unreachable = Недоступны (заблокировали бота): { $count } — { $names }.
poll-pick-audience = Быстрый опрос. Кому его отправить?
poll-ask-text = Вопрос { $n } из { $max }: напишите текст вопроса (до { $limit } символов).
poll-ask-kind = Как отвечать на этот вопрос?
poll-kind = { $kind ->
        [scale] Шкала 1–5
        [single] Выбор из вариантов
       *[text] Свободный ответ
    }
poll-ask-options = Напишите варианты ответа, каждый с новой строки (от { $least } до { $most }).
poll-question-added = Вопрос { $n } добавлен. Добавить ещё вопрос или отправить опрос?
poll-btn-more = ➕ Ещё вопрос
poll-btn-send = ▶️ Отправить
poll-preview-header = <b>Опрос</b> — { $org }, { $audience } (адресатов: { $count })
poll-preview-question = { $n }. { $text } — { $kind ->
        [scale] шкала 1–5
        [single] выбор из вариантов
       *[text] свободный ответ
    }
poll-preview-option = • { $text }
poll-preview-footer = Отправить опрос?
poll-sent = Опрос №{ $id } отправляется { $count } { $count ->
        [one] адресату
       *[other] адресатам
    }. Вопросы придут вне тихих часов. Результаты — по команде /poll.
poll-cancelled = Опрос отменён, ничего не отправлено.
poll-list-header = <b>Последние опросы</b>:
poll-list-line = №{ $id } от { $date } — { $org }, { $audience }: ответили полностью { $done } из { $total }
poll-btn-results = Результаты №{ $id }
poll-btn-new = ➕ Новый опрос
poll-results-header =
    <b>Опрос №{ $id }</b> от { $date } — { $org }, { $audience }
    Ответили на все вопросы: { $done } из { $total }
poll-results-question =
    <b>{ $n }. { $text }</b>
    Ответили: { $answered } из { $total }
poll-results-average = Среднее: { $average } из 5
poll-results-scale = { $score } — { $count }
poll-results-option = { $text } — { $count }
poll-results-text = { $n }) { $text }
poll-results-text-file = Ответов: { $count }, полный список — в файле.
poll-results-file-name = опрос-{ $id }.txt
poll-text-erased = (текст удалён по запросу автора)
poll-err-empty = Текст пустой. Напишите вопрос словами.
poll-err-long = Слишком длинно: { $length } символов, можно до { $limit }. Сократите, пожалуйста.
poll-err-need-text = Нужен текст сообщением. Напишите его или /cancel.
poll-err-few-options = Нужно хотя бы { $least } варианта, каждый с новой строки.
poll-err-many-options = Вариантов больше { $most }. Оставьте не больше { $most }.
poll-err-option-long = Вариант длиннее { $limit } символов. Сократите его.
poll-err-option-twice = Варианты повторяются. Каждый вариант — один раз.
poll-err-kind = Такого типа вопроса нет: шкала 1–5, выбор из вариантов или свободный ответ.
poll-err-none = В опросе нет ни одного вопроса.
poll-err-too-many = В опросе может быть не больше { $most } вопросов. Отправьте его или /cancel.
poll-err-audience = Выберите адресатов кнопкой.
poll-err-no-recipients = В «{ $org }» некому отправить: { $audience } — нет участников с чатом в боте.
