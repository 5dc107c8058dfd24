## Changes to a program by the regulation: proposals, ending, a new mentor (handlers/changes.py)

cmd-change_mentor = Попросить другого наставника
cmd-release = Попросить освобождения от программы

change-what = { $change ->
        [extend] продлить программу до { $date }
        [shorten] сократить программу до { $date }
        [plan_change] изменить план{ $summary ->
            [none] {""}
           *[other] : { $summary }
        }
        [terminate] прекратить программу досрочно ({ change-end-reason })
        [change_mentor] сменить наставника
        [release] освободить наставника от программы
       *[other] { $change }
    }
change-end-reason = { $end_reason ->
        [completed] план выполнен
        [mentor-initiative] по инициативе наставника
        [mentee-initiative] по инициативе наставляемого
        [agreement] по обоюдному решению
        [non-fulfilment] по решению куратора: программа не выполняется
        [consent-withdrawn] отозвано согласие на обработку данных
       *[other] { $end_reason }
    }

change-ask = 📝 Предложение №{ $proposal } по программе #{ $program }: { change-what }.
    Предлагает: { $proposer }. Причина: { $reason }
    Изменение вступит в силу, когда согласятся все стороны. Вы согласны?
change-mentor-ask = 🔄 Программа #{ $program }: { $proposer } просит { $change ->
        [release] освободить его (её) от программы
       *[other] другого наставника
    }. Причина: { $reason }
    Чтобы одобрить, выберите нового наставника (лучшие совпадения сверху), или отклоните просьбу.
change-accepted = ✅ Предложение №{ $proposal } по программе #{ $program } принято всеми сторонами: { change-what }.
change-declined = ❌ Предложение №{ $proposal } по программе #{ $program } ({ change-what }) отклонено: не согласен(на) { $who }.
change-failed = ⚠️ Предложение №{ $proposal } по программе #{ $program } ({ change-what }) одобрено, но применить его уже нельзя: условия изменились. Предложите изменение заново.
program-ended = 🏁 Программа #{ $program } завершена: { change-end-reason }.{ $reason ->
        [none] {""}
       *[other] {" "}Причина: { $reason }
    }
program-mentor-changed = 🔄 В программе #{ $program } сменился наставник: { $old } → { $new }. Открытых вопросов передано новому наставнику: { $questions }. История программы сохранена.
program-meetings-handed-over = 📅 Вы теперь наставник программы #{ $program }. Её встречи впереди ({ $count }):
    { $meetings }
    { $waiting ->
        [0] Перенести или отменить встречу можно в /meetings.
       *[other] Ждут вашего подтверждения: { $waiting }. Подтвердить, перенести или отменить встречу можно в /meetings.
    }
program-end-ask = 📅 Программа #{ $program } дошла до даты окончания ({ $end }).{ $done ->
        [1] {" "}План выполнен полностью.
       *[other] {""}
    } Завершить программу или продлить её?
pair-refused-curator-reason = Наставник { $mentor } отказался от программы #{ $program } (наставляемые: { $mentees }).
    Причина: { $reason }
    Подберите другого наставника: /pair.

change-btn-agree = ✅ Согласен
change-btn-decline = ❌ Не согласен
change-btn-complete = 🏁 Завершить
change-btn-extend = ⏩ Продлить
change-btn-decline-request = ❌ Отклонить просьбу
change-btn-reason = { change-end-reason }

change-pick-program = Выберите программу:
change-no-program = У вас нет активной программы, к которой это относится.
change-ask-date = Текущая дата окончания программы #{ $program } — { $end }. Введите новую дату окончания (ДД.ММ.ГГГГ или ДД.ММ):
change-ask-reason = Напишите причину одним сообщением (её увидят все стороны программы):
change-ask-reason-private = Напишите причину одним сообщением. Её увидят куратор и вы; другой стороне пары она не показывается:
change-pick-reason = По какой причине прекратить программу #{ $program }?
change-proposed = 📨 Предложение №{ $proposal } по программе #{ $program } отправлено: { change-what }. Я сообщу, когда все стороны ответят.
change-ended-now = 🏁 Программа #{ $program } завершена: { change-end-reason }. Стороны уведомлены.
change-vote-recorded = Ваш ответ записан. Ждём остальных.
change-vote-accepted = ✅ Все стороны согласны — изменение вступило в силу.
change-vote-declined = Вы отклонили предложение. Стороны уведомлены.
change-vote-failed = Применить изменение уже нельзя: условия изменились. Стороны уведомлены.
change-vote-already = На это предложение уже есть ответ — повторное нажатие ничего не меняет.
change-vote-not-party = Это предложение вам не адресовано — ваше нажатие ничего не изменило.
change-mentor-picked = ✅ Наставник программы #{ $program } сменён на { $mentor }.
change-not-allowed = Это действие вам недоступно для программы #{ $program }.
change-text-needed = Пожалуйста, напишите ответ текстом.

change-err-reason-empty = Нужна причина: напишите её текстом.
change-err-reason-long = Причина слишком длинная: не больше { $limit } символов.
change-err-not-party = Вы не участвуете в этой программе — предложить изменение нельзя.
change-err-not-active = Программа #{ $program } не активна — изменить её нельзя.
change-err-payload = Это изменение не распознано.
change-err-not-later = Новая дата должна быть позже текущей даты окончания ({ $end }).
change-err-too-late = Слишком поздняя дата: с продлениями программа длится не больше { $months } месяцев от начала ({ $start }), то есть не позже { $latest }.
change-err-not-earlier = Новая дата должна быть раньше текущей даты окончания ({ $end }).
change-err-past = Новая дата не может быть в прошлом (сегодня { $today }) или раньше начала программы.
change-err-end-reason = Эта причина прекращения вам недоступна.
change-err-pending = По программе #{ $program } такое предложение уже ждёт ответа.
change-err-no-curator = В школе нет куратора, который мог бы одобрить изменение.
change-err-mentor = Этого наставника назначить нельзя: выберите другого наставника школы.
change-err-too-early = Завершить программу можно с даты окончания ({ $end }) или когда план выполнен полностью.

pair-refuse-reason-ask = Почему вы отказываетесь от программы #{ $program }? Напишите причину — её получит куратор:
pair-refused-with-reason = Вы отказались от программы #{ $program }. Куратор получил вашу причину.
change-mentor-removed-ask = 👤 Наставник { $mentor } удалён из школы, а у него (неё) есть активная программа #{ $program }. Выберите нового наставника — программа, её история и открытые вопросы перейдут к нему:

change-superseded = ℹ️ Программа #{ $program }: просьба №{ $proposal } ({ change-what }) закрыта — наставник уже сменён по другой просьбе.
change-vote-superseded = Наставник уже сменён по другой просьбе — эта просьба закрыта, ваше нажатие ничего не изменило.
change-vote-yours = Ваш ответ: { $agree ->
        [yes] согласен
       *[no] не согласен
    }
change-end-confirm = ⚠️ Прекратить программу #{ $program }? Основание: по решению куратора, программа не выполняется.
    Причина: { $reason }
    Это нельзя отменить: стороны сразу получат уведомление.
change-btn-end-yes = Да, прекратить
change-btn-end-no = Нет
change-end-kept = Программа #{ $program } не прекращена.
change-end-confirm-press = Нажмите «Да, прекратить» или «Нет» под вопросом выше (или /cancel).
change-end-confirm-stale = Это подтверждение устарело или вам не адресовано — ничего не изменено.

## Refusal of a command that several roles hold (handlers/roles.py)
not-allowed-roles = Эта команда доступна только этим ролям: { $roles }.
not-allowed-role-mentee = наставляемый
not-allowed-role-mentor = наставник
not-allowed-role-curator = куратор
not-allowed-role-admin = координатор (администратор бота)
