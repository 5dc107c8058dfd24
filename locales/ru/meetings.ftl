## Встречи: /meet, /meetings, приглашения, напоминания, отметка о проведении

cmd-meet = Назначить встречу
cmd-meetings = Мои встречи

meet-weekday = { $weekday ->
        [1] пн
        [2] вт
        [3] ср
        [4] чт
        [5] пт
        [6] сб
       *[7] вс
    }
meet-day-label = { meet-weekday } { $day }
meet-btn-skip = Пропустить
meet-btn-once = Один раз
meet-btn-weekly = Каждую неделю
meet-btn-send = ✅ Отправить приглашение
meet-btn-drop = Отмена
meet-btn-confirm = ✅ Подтвердить
meet-btn-move = 🕒 Предложить другое время
meet-btn-held = ✅ Состоялась
meet-btn-not-held = ✖️ Не состоялась
meet-btn-confirm-n = ✅ #{ $id }
meet-btn-move-n = 🕒 Перенести #{ $id }
meet-btn-cancel-n = ✖️ Отменить #{ $id }
meet-btn-held-n = ✅ #{ $id } состоялась
meet-btn-not-held-n = ✖️ #{ $id } не состоялась

meet-no-programs = У вас нет действующей программы наставничества — встречу назначить не с кем.
meet-pick-program = С кем встреча? Выберите программу:
meet-ask-when =
    <b>Встреча: { $partner }</b>
    Когда? Напишите дату и время, например <code>25.11 15:30</code> или <code>25.11.2026 15:30</code> (время { $zone }), или выберите день:
meet-ask-time = { $day }: выберите время или напишите другое, например <code>15:30</code>.
meet-ask-mode = Формат встречи:
meet-ask-place = Где пройдёт встреча? Напишите место (кабинет) или ссылку на видеовстречу.
meet-ask-topic = Тема встречи?
meet-ask-weekly = Повторять встречу каждую неделю до конца программы?
meet-press-button = Выберите вариант кнопкой выше или выйдите командой /cancel.
meet-too-long = Слишком длинно: не больше { $max } символов. Напишите короче.
meet-summary =
    <b>Проверьте встречу</b>
    С кем: { $partner }
    Когда: { $when }{ $weekly ->
        [true] , каждую неделю до { $until } (встреч: { $count })
       *[other] {""}
    }
    Формат: { pair-mode-label }{ $has_place ->
        [true] , место: { $place }
       *[other] {""}
    }{ $has_topic ->
        [true] , тема: { $topic }
       *[other] {""}
    }
meet-dropped = Встреча не назначена.
meet-proposed = { $count ->
        [1] Встреча #{ $meeting } предложена на { $when }. Приглашение отправлено; я сообщу, когда его подтвердят.
       *[other] Предложена серия из { $count } встреч, первая — #{ $meeting } { $when }. Приглашение отправлено; я сообщу, когда его подтвердят.
    }

meeting-err-past = Это время уже прошло (сейчас { $now }). Укажите время в будущем.
meeting-err-outside = Встреча должна пройти в сроки программы: с { $start } по { $end }.
meeting-err-no-program = Эта программа не действует или вы в ней не участвуете.
meeting-err-mode = Такого формата нет: онлайн, очно или смешанный.
meeting-err-cancelled = Эта встреча отменена.
meeting-held-already = Отметка уже поставлена: встреча { $held ->
        [true] состоялась
       *[other] не состоялась
    }.
meeting-held-too-early = Отметить встречу можно после её начала.

meeting-invite =
    <b>📅 Приглашение на встречу</b>
    { $who } предлагает встречу { $when }{ $count ->
        [1] {""}
       *[other] , каждую неделю до { $until } (встреч: { $count })
    }.
    Формат: { pair-mode-label }{ $has_place ->
        [true] , место: { $place }
       *[other] {""}
    }{ $has_topic ->
        [true] , тема: { $topic }
       *[other] {""}
    }
    Подтвердите или предложите другое время. Файл .ics добавит встречу в календарь.
meeting-moved =
    <b>🕒 Встреча перенесена</b>
    { $who } предлагает перенести встречу с { $old } на { $when }.
    Формат: { pair-mode-label }{ $has_place ->
        [true] , место: { $place }
       *[other] {""}
    }{ $has_topic ->
        [true] , тема: { $topic }
       *[other] {""}
    }
    Подтвердите новое время или предложите другое. Файл .ics обновит встречу в календаре.
meeting-cancelled =
    <b>✖️ Встреча отменена</b>
    { $why ->
        [shortened] Программа сокращена: встреча { $when } приходится после её нового последнего дня
        [ended] Программа завершена: встреча { $when } не состоится
       *[other] { $by } отменил(а) встречу { $when }
    }{ $has_topic ->
        [true] , тема: { $topic }
       *[other] {""}
    }.
    Файл .ics удалит её из вашего календаря.
meeting-confirmed = ✅ { $by } подтвердил(а) встречу { $when }{ $count ->
        [1] {""}
       *[other] {""} и следующие (встреч: { $count })
    }.
meeting-reminder =
    ⏰ <b>Напоминание: встреча { $when }</b>{ $confirmed ->
        [true] {""}
       *[other] {" "}(не подтверждена)
    }
    С кем: { $with_whom }
    Формат: { pair-mode-label }{ $has_place ->
        [true] , место: { $place }
       *[other] {""}
    }
    { $has_topic ->
        [true] Тема: { $topic }
       *[other] {""}
    }
    { $to_confirm ->
        [true] ❗ Вы ещё не подтвердили эту встречу: подтвердите её или предложите другое время.
       *[other] { $confirmed ->
            [true] {""}
           *[other] Встреча ещё не подтверждена другой стороной.
        }
    }
meeting-held-ask =
    Встреча { $when } состоялась?
    С кем: { $with_whom }
    { $has_topic ->
        [true] Тема: { $topic }
       *[other] {""}
    }
meeting-series-cancelled =
    <b>✖️ Встречи отменены</b>
    { $why ->
        [shortened] Программа сокращена: встречи после её нового последнего дня не состоятся ({ $count }, с { $when } по { $until }).
        [ended] Программа завершена: её встречи впереди не состоятся ({ $count }, с { $when } по { $until }).
       *[other] { $by } отменил(а) { $count } { $count ->
            [one] встречу
            [few] встречи
           *[many] встреч
        } серии: с { $when } по { $until }.
    }
    Файл .ics удалит их из вашего календаря.
meeting-ics-summary = { $has_topic ->
        [true] Встреча: { $topic }
       *[other] Встреча наставника и наставляемого
    }
meeting-ics-description = Формат: { pair-mode-label }. Предложил(а): { $who }.

meet-list-empty = У вас нет встреч. Назначить встречу: /meet
meet-list-upcoming = <b>Предстоящие встречи</b>
meet-list-past = <b>Прошедшие встречи</b>
meet-line = #{ $meeting } · { $when } · { $partner } · { pair-mode-label }{ $has_topic ->
        [true] , тема: { $topic }
       *[other] {""}
    } — { $state ->
        [proposed] ждёт подтверждения
        [confirmed] подтверждена
        [held] состоялась
        [not-held] не состоялась
        [unconfirmed] не состоялась (не подтверждена)
       *[other] без отметки
    }
meet-confirmed-you = Вы подтвердили встречу.
meet-not-waiting = Эта встреча уже не ждёт вашего подтверждения.
meet-move-ask = Новое время для встречи #{ $meeting } (сейчас { $when }): напишите дату и время, например <code>25.11 15:30</code>.
meet-moved-you = Встреча #{ $meeting } перенесена на { $when }. Я сообщу, когда новое время подтвердят.
meet-cannot-move = Эту встречу уже нельзя перенести.
meet-cancelled-you = Встреча #{ $meeting } отменена.
meet-cannot-cancel = Эту встречу уже нельзя отменить.
meet-held-you = { $held ->
        [true] Отмечено: встреча состоялась.
       *[other] Отмечено: встреча не состоялась.
    }
meeting-held-unconfirmed = Встреча не была подтверждена — отметить её нельзя: она считается несостоявшейся.
meet-list-more = …и ещё { $count } { $count ->
        [one] предстоящая
       *[other] предстоящих
    }.
meet-cancel-scope = Встреча #{ $meeting } ({ $when }) — часть еженедельной серии: впереди ещё { $count }. Что отменить?
meet-btn-cancel-one = Только эту
meet-btn-cancel-series = Всю серию (будущие, { $count })
meet-cancelled-series-you = Отменено встреч серии: { $count }, с { $when } по { $until }.
