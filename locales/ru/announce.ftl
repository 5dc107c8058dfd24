## /announce: объявления куратора

cmd-announce = Объявление
announce-pick-audience = Объявление. Кому его отправить?
announce-ask-text = Напишите текст объявления (до { $limit } символов).
announce-preview =
    <b>Объявление</b> — { $org }, { $audience } (адресатов: { $count })

    { $text }
announce-preview-footer = Отправить?
announce-sent = Объявление №{ $id } отправляется { $count } { $count ->
        [one] адресату
       *[other] адресатам
    }. Статус — по команде /announce.
announce-sent-later = Сейчас тихие часы: отправка начнётся в { $time }.
announce-cancelled = Объявление отменено, ничего не отправлено.
announce-list-header = <b>Последние объявления</b>:
announce-list-line = №{ $id } от { $date } — { $org }, { $audience }: { $preview }
announce-btn-status = Статус №{ $id }
announce-btn-new = ➕ Новое объявление
announce-status =
    <b>Объявление №{ $id }</b> от { $date } — { $org }, { $audience }
    Доставлено: { $delivered }
    Ожидают отправки: { $waiting }
    Недоступны: { $unreachable }
announce-status-withdrawn = Отозвано: { $count }
announce-status-names = Не получили: { $names }
announce-text-erased = (текст удалён по запросу автора)
announcement =
    📢 <b>Объявление</b> — { $org }

    { $text }

    — { $author }
announce-err-empty = Текст пустой. Напишите объявление словами.
announce-err-long = Слишком длинно: { $length } символов, можно до { $limit }. Сократите, пожалуйста.
announce-err-need-text = Нужен текст сообщением. Напишите его или /cancel.
announce-err-audience = Выберите адресатов кнопкой.
announce-err-no-recipients = В «{ $org }» некому отправить: { $audience } — нет участников с чатом в боте.
