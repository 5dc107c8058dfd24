## /program: карточка персонализированной программы наставничества

cmd-program = Карточка программы
card-status = { $status ->
        [proposed] ждёт согласия наставника
        [active] действует
        [refused] отклонена наставником
        [ended] завершена
       *[other] { $status }
    }
card-header =
    📘 <b>Программа #{ $program }</b> — { card-status }
    Форма: { pair-form-label } · формат: { pair-mode-label }
    Сроки: { $start } — { $end }
    Школа: { $org }
card-ended = Завершена { $date }: { change-end-reason }
card-mentor = 👤 Наставник: { $name }
card-mentor-elsewhere = 👤 Наставник: { $name } (из другой школы: { $org })
card-mentees = 🎓 Наставляемые:
card-mentee-ack = • { $name } — ознакомлен(а) { $at }
card-mentee-no-ack = • { $name } — ещё не подтвердил(а) «ознакомлен»
card-note-title = 📝 <b>Пояснительная записка</b>
card-field = { $field ->
        [problem] Проблема
        [goals] Цели
        [tasks] Задачи
        [results_mid] Ожидаемые промежуточные результаты
       *[results_final] Ожидаемые итоговые результаты
    }
card-note-line = <b>{ card-field }:</b> { $text }
card-note-empty = —
card-progress = 📊 План: выполнено { $done } из { $total }, просрочено { $overdue }, впереди { $ahead }
card-progress-empty = 📊 План: пунктов пока нет
card-meetings = 🤝 Встречи: проведено { $held }, запланировано { $planned }
card-history-title = 🕓 <b>Журнал изменений</b> (последние записи; время — { $zone }):
card-history-none = 🕓 Журнал изменений пока пуст.
card-history-line = • { $at } — { $who }: { $what }
card-history-reason = (причина: { $reason })
card-history-reason-private = (причина — у куратора)
card-history-times = (×{ $count })
card-history-bot = система
card-action = { $action ->
        [created] программа создана
        [accepted] наставник принял программу
        [refused] наставник отказался
        [note-edited] изменено поле записки
        [acknowledged] подтверждено «ознакомлен»
        [item-added] добавлен пункт плана
        [item-done] пункт плана выполнен
        [extended] программа продлена
        [shortened] программа сокращена
        [plan-changed] план изменён
        [terminated] программа прекращена досрочно
        [completed] программа завершена
        [meeting-proposed] предложена встреча
        [meeting-confirmed] встреча подтверждена
        [meeting-rescheduled] встреча перенесена
        [meeting-cancelled] встреча отменена
        [meeting-held] отмечено, состоялась ли встреча
        [mentor-changed] сменился наставник
        [proposed-extend] предложено продлить программу
        [agreed-extend] согласие продлить программу
        [declined-extend] отклонено предложение продлить программу
        [withdrawn-extend] снято предложение продлить программу (программа завершена)
        [failed-extend] не вступило в силу предложение продлить программу: уже не подходит
        [proposed-shorten] предложено сократить срок
        [agreed-shorten] согласие сократить срок
        [declined-shorten] отклонено предложение сократить срок
        [withdrawn-shorten] снято предложение сократить срок (программа завершена)
        [failed-shorten] не вступило в силу предложение сократить срок: уже не подходит
        [proposed-plan_change] предложено изменить план
        [agreed-plan_change] согласие изменить план
        [declined-plan_change] отклонено предложение изменить план
        [withdrawn-plan_change] снято предложение изменить план (программа завершена)
        [failed-plan_change] не вступило в силу предложение изменить план: уже не подходит
        [proposed-terminate] предложено прекратить программу досрочно
        [agreed-terminate] согласие прекратить программу досрочно
        [declined-terminate] отклонено предложение прекратить программу досрочно
        [withdrawn-terminate] снято предложение прекратить программу досрочно (программа завершена)
        [failed-terminate] не вступило в силу предложение прекратить программу досрочно: уже не подходит
        [proposed-change_mentor] предложено сменить наставника
        [agreed-change_mentor] одобрена смена наставника
        [declined-change_mentor] отклонено предложение сменить наставника
        [withdrawn-change_mentor] снято предложение сменить наставника (программа завершена или наставник уже сменён)
        [failed-change_mentor] не вступило в силу предложение сменить наставника: уже не подходит
        [proposed-release] предложено освободить наставника
        [agreed-release] одобрено освобождение наставника
        [declined-release] отклонено предложение освободить наставника
        [withdrawn-release] снято предложение освободить наставника (программа завершена или наставник уже сменён)
        [failed-release] не вступило в силу предложение освободить наставника: уже не подходит
       *[other] { $action }
    }
card-action-field = { card-action } «{ card-field }»
card-btn-edit-note = ✏️ Изменить записку
card-btn-ack = ✅ Ознакомлен
card-btn-change = { $action ->
        [extend] ⏩ Продлить
        [shorten] ⏪ Сократить срок
        [terminate] ⛔ Прекратить досрочно
        [change_mentor] 🔄 Сменить наставника
        [release] 🚪 Попросить освобождения
       *[other] { $action }
    }
card-btn-open = 📘 Программа
# A program in every «which program?» list: the mentee (surname and initials), the mentor's surname, the number.
program-btn = { $mentees } · { $mentor } · #{ $program }
pick-prev = ◀️
pick-next = ▶️
card-pick = Ваши программы ({ $count }) — выберите, какую открыть:
card-pick-school = Программы вашей школы ({ $count }) — выберите, какую открыть:
card-pick-more = Показаны последние { $count }. Любую программу можно открыть командой /program #номер.
card-none = У вас пока нет программ наставничества.
card-not-found = Программа не найдена или недоступна вам.
card-usage = Команда: /program — ваши программы; /program #номер — карточка программы.
card-note-pick = Какое поле пояснительной записки изменить?
card-note-ask = Пришлите новый текст поля «{ card-field }» — до { $max } знаков. Знак «-» очищает поле, /cancel — выйти без изменений.
card-note-too-long = Слишком длинный текст: { $length } знаков, а можно не больше { $max }. Сократите и пришлите снова (или /cancel).
card-note-saved = Поле «{ card-field }» программы #{ $program } сохранено.
card-note-cleared = Поле «{ card-field }» программы #{ $program } очищено.
card-note-not-allowed = Изменять пояснительную записку могут наставник и наставляемые действующей программы.
card-note-bad-field = Такого поля в пояснительной записке нет.
card-ack-done = Спасибо! Отмечено, что вы ознакомлены с программой #{ $program }.
card-ack-already = Вы уже подтвердили ознакомление с программой #{ $program } ({ $at }).
card-ack-not-allowed = Подтвердить ознакомление может только наставляемый действующей программы.
card-acknowledged-mentor = { $mentee } подтвердил(а) ознакомление с программой #{ $program }.
