## /plan: the plan of a program, its completion marks and the deadline reminders.

cmd-plan = План программы: пункты, сроки, отметки
plan-usage = Команда: /plan — план ваших программ, или /plan #номер — план одной программы.
plan-not-found = Программа не найдена или её план вам не виден.
plan-none = У вас нет действующих программ, поэтому и плана пока нет.
plan-none-curator = В ваших школах нет действующих программ.
plan-program-ended = Программа завершена.
plan-ended-readonly = Программа завершена: план только для просмотра.
plan-pick = У вас несколько программ ({ $count }). Чей план открыть?
plan-pick-school = Программы вашей школы ({ $count }). Чей план открыть?
plan-header =
    <b>План программы №{ $program }</b> ({ $start } – { $end })
    Выполнено: { $done } · просрочено: { $overdue } · впереди: { $ahead }
plan-empty = План пока пуст. Добавьте пункт или возьмите за основу дорожную карту «Учитель–учитель» (13 мероприятий).
plan-empty-readonly = План пока пуст.
plan-item = <b>{ $n }.</b> { $title } <i>({ $direction })</i>
plan-occ-line = { "  " }{ $seq }) { $text }
plan-occ-done = ✅ выполнено { $done }
plan-occ-done-note = ✅ выполнено { $done }: «{ $note }»
plan-occ-as-needed = 🔁 по мере необходимости
plan-occ-overdue = ❗ просрочено, срок был { $due }
plan-occ-window = ⏳ с { $start } до { $due }
plan-occ-due = ⏳ до { $due }
plan-btn-mark = ✅ { $n }
plan-btn-mark-seq = ✅ { $n }.{ $seq }
plan-btn-add = ➕ Добавить пункт
plan-btn-remove = 🗑 Убрать пункт
plan-btn-edit = ✏️ Изменить пункт
plan-btn-template = 📋 Дорожная карта
plan-btn-no-direction = Без направления
plan-no-direction = без направления
# Short direction names for buttons; texts use the direction-* names.
direction-btn = { $direction ->
        [legal] Нормативно-правовое
        [subject] Предметное
        [psych] Психолого-педагогическое
        [method] Методическое
        [ict] ИКТ-компетентность
        [digital] Цифровизация
        [upbringing] Воспитательная работа
       *[health] Здоровье учеников
    }
plan-btn-done = ✅ Выполнено
plan-btn-open = 📋 Открыть план
plan-kind = { $kind ->
        [date] 📅 К дате
        [relative] ⏱ Через N дней после начала
        [quarter] 🏫 В течение четверти
        [every_quarter] 🔁 Раз в четверть
        [every_half_year] 🔁 Раз в полугодие
        [schedule] 🗓 По графику (список дат)
       *[as_needed] 💬 По мере возникновения вопросов
    }
plan-btn-kind = { $kind ->
        [date] 📅 К дате
        [relative] ⏱ Через N дней
        [quarter] 🏫 В течение четверти
        [every_quarter] 🔁 Раз в четверть
        [every_half_year] 🔁 Раз в полугодие
        [schedule] 🗓 По графику
       *[as_needed] 💬 По мере вопросов
    }

plan-ask-note = Отметка о выполнении: «{ $title }». Напишите коротко, что сделано (или «-», если без заметки).
plan-note-placeholder = Что сделано
plan-marked = ✅ Отмечено: «{ $title }».
plan-already-done = Этот пункт уже отмечен выполненным.
plan-mark-denied = Отметить этот пункт нельзя: он не из вашей действующей программы или уже снят.
plan-all-done = 🎉 Все пункты плана программы №{ $program } выполнены.

plan-ask-title = Новый пункт плана программы №{ $program }. Как он называется? (до { $max } символов)
plan-title-placeholder = Название пункта
plan-ask-direction = Направление пункта:
plan-ask-form = Форма деятельности пункта: например, беседа, открытый урок, консультация. Напишите её (или «-», чтобы пропустить).
plan-form-placeholder = Форма деятельности
plan-ask-kind = Какой у пункта срок?
plan-ask-value = { $kind ->
        [date] Введите дату, например 25.12 или 25.12.2026.
        [relative] Через сколько дней после начала программы? Число, например 30.
        [quarter] Номер четверти: 1, 2, 3 или 4.
       *[schedule] Введите даты через запятую, например 10.12, 20.01.2027, 15.03.
    }
plan-value-placeholder = { $kind ->
        [date] 25.12.2026
        [relative] 30
        [quarter] 2
       *[schedule] 10.12, 20.01, 15.03
    }
plan-use-buttons = Выберите вариант кнопками выше (или /cancel).
plan-added = ➕ Пункт «{ $title }» добавлен в план программы №{ $program }.
plan-template-applied = 📋 В план программы №{ $program } добавлены { $count } мероприятий дорожной карты «Учитель–учитель».
plan-ask-reason = Наставляемый уже ознакомлен с программой, поэтому изменение плана нужно согласовать. Напишите коротко причину изменения.
plan-reason-needed = Без причины изменение не предложить. Напишите причину.
plan-changed = План изменён.
plan-proposed = Изменение плана программы №{ $program } предложено. Оно вступит в силу, когда его согласуют все стороны.

plan-err-title-empty = Название пункта пустое. Напишите, что нужно сделать.
plan-err-title-long = Название слишком длинное: { $length } символов, можно до { $max }. Сократите его.
plan-err-text-long = Текст слишком длинный: { $length } символов, можно до { $max }.
plan-err-direction = Такого направления нет. Выберите его кнопкой.
plan-err-deadline = Этот срок не подходит. Выберите вид срока заново.
plan-err-days = «{ $text }» — не число дней. Напишите число, например 30.
plan-err-quarter = Номер четверти — 1, 2, 3 или 4.
plan-err-outside = Срок { $date } вне дат программы ({ $start } – { $end }). Укажите срок внутри программы.
plan-err-no-quarter = { $quarter }-я четверть не приходится на даты программы ({ $start } – { $end }). Выберите другую четверть или срок.
plan-err-schedule-empty = Нужна хотя бы одна дата.
plan-err-schedule-long = Слишком много дат: можно до { $max }.
plan-err-program-closed = Программа №{ $program } не действует, её план не меняется.
plan-err-no-item = Пункт №{ $item } не найден в этом плане.
plan-err-payload = Изменение плана не распознано.
plan-err-not-empty = В плане уже есть пункты: дорожная карта берётся только в пустой план.
plan-err-past = Срок { $date } уже прошёл (сегодня { $today }). Укажите срок не раньше сегодняшнего дня.
plan-err-past-days = { $days } дн. после начала программы — это { $date }, и этот день уже прошёл (сегодня { $today }). Укажите не меньше { $min } дн.

plan-remind-before = ⏰ Через { $days } дн. ({ $due }) срок пункта плана программы №{ $program }: «{ $title }».
plan-remind-today = ⏰ Сегодня ({ $due }) срок пункта плана программы №{ $program }: «{ $title }».
plan-overdue = ❗ Пункт плана программы №{ $program } просрочен: «{ $title }» (срок был { $due }).
plan-done-notice = { $has_note ->
        [yes] ✅ { $who } отметил(а) выполненным пункт плана программы №{ $program }: «{ $title }». Заметка: «{ $note }»
       *[no] ✅ { $who } отметил(а) выполненным пункт плана программы №{ $program }: «{ $title }».
    }

plan-ask-remove = Какой пункт убрать из плана программы №{ $program }? Напишите его номер.
plan-err-no-position = В плане нет пункта с номером «{ $text }». Напишите номер из списка.
plan-removed = 🗑 Пункт «{ $title }» убран из плана программы №{ $program } (в журнале он остаётся).
plan-ask-remove-confirm = Убрать пункт { $n } «{ $title }» из плана программы №{ $program }?
plan-btn-drop = 🗑 Убрать
plan-btn-keep = Оставить
plan-btn-cancel = ✖️ Отмена
plan-kept = Пункт { $n } «{ $title }» остаётся в плане.

plan-ask-edit = Какой пункт плана программы №{ $program } изменить? Напишите его номер.
plan-ask-field = Пункт { $n }: «{ $title }». Что изменить?
plan-field = { $field ->
        [title] Название
        [direction] Направление
        [deadline] Срок
        [activity_form] Форма деятельности
        [expected_result] Ожидаемый результат
       *[criteria] Критерии
    }
plan-current-none = не задано
plan-ask-edit-text = { $field ->
        [title] Новое название пункта вместо «{ $current }» (до { $max } символов):
       *[other] { plan-field } сейчас: { $current }. Напишите новый текст (или «-», чтобы очистить).
    }
plan-ask-edit-direction = Направление пункта «{ $title }» сейчас: { $direction }. Выберите новое:
plan-ask-edit-kind = Новый срок пункта «{ $title }». Какой это срок? Отмеченные выполненными сроки останутся.
plan-edit-summary = пункт { $n } «{ $title }», { $field ->
        [title] новое название
        [direction] новое направление
        [deadline] новый срок
        [activity_form] новая форма деятельности
        [expected_result] новый ожидаемый результат
       *[criteria] новые критерии
    }: { $value }
plan-edited = ✏️ Пункт { $n } «{ $title }» плана программы №{ $program } изменён.

# The curators' daily summary of overdue plan items (one message for all programs).
plan-overdue-summary = ❗ Просрочены пункты планов ({ $count } { $count ->
        [one] программа
        [few] программы
       *[many] программ
    }):
plan-overdue-summary-line = №{ $program } { $mentees } (наставник { $mentor }): { $items } { $items ->
        [one] пункт
        [few] пункта
       *[many] пунктов
    }, самый давний { $overdue } дн.
plan-overdue-summary-more = …и ещё { $more } { $more ->
        [one] программа
        [few] программы
       *[many] программ
    }.
plan-overdue-summary-hint = Открыть план любой программы: /plan #номер, например /plan #{ $program }.
plan-overdue-summary-btn = 📋 №{ $program } { $mentees }
