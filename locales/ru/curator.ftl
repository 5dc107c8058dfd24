## Admin and curator

neworg-usage = Формат: /neworg Название [часовой пояс], например: /neworg Школа №5 Asia/Yekaterinburg
neworg-bad-zone = Неизвестный часовой пояс «{ $zone }». Пример: Europe/Moscow, Asia/Novosibirsk.
neworg-created =
    Организация «{ $org }» создана (часовой пояс { $zone }).
    Ссылка для куратора (одноразовая, действует до { $expires }):
    { $link }
orgs-empty = Организаций пока нет. Создайте: /neworg Название
orgs-header = <b>Организации</b> ({ $count }):
orgs-line = { $id }. { $org } — { $zone }, участников: { $people }
invite-usage = Формат: /invite curator|mentor|mentee [лимит], лимит — число использований от 1 до { $cap }. Например: /invite mentee 30
invite-created =
    Ссылка для роли «{ $role ->
        [curator] куратор
        [mentor] наставник
       *[mentee] наставляемый
    }» в «{ $org }»:
    { $link }
    Действует до { $expires }{ $cap ->
        [0] , без лимита использований.
       *[other] , использований: { $cap }.
    }
invites-empty = В «{ $org }» нет действующих ссылок. Создайте: /invite mentee
invites-header = <b>Действующие ссылки</b> — { $org }:
invites-line = №{ $id } — { $role ->
        [curator] куратор
        [mentor] наставник
       *[mentee] наставляемый
    }, использований { $uses }{ $cap ->
        [0] {""}
       *[other] /{ $cap }
    }, до { $expires }
invites-revoke = Отозвать №{ $id }
invite-revoke-done = Ссылка №{ $id } отозвана.
invite-already-revoked = Ссылка №{ $id } уже недействительна.
people-empty = В «{ $org }» пока нет участников. Пригласите: /invite mentor или /invite mentee
people-header = <b>Участники</b> — { $org }: { $total } (стр. { $page }/{ $pages })
people-line = <b>#{ $id }</b> { $name } — { $roles }; { $subject }, стаж { $experience ->
        [-1] —
       *[other] { $experience }
    }; согласие { $consent }; пара: { $pair ->
        [active] есть
        [proposed] ожидает согласия
       *[other] нет
    }{ $reachable ->
        [no] ; ⚠️ заблокировал бота
       *[other] {""}
    }
people-prev = ◀ Назад
people-next = Вперёд ▶
person-remove-role = Снять роль: { $role }
remove-self-curator = Нельзя снять роль куратора с самого себя. Попросите другого куратора или координатора.
role-already-removed = Эта роль уже снята.
role-removed = С участника { $name } снята роль «{ $role ->
        [curator] куратор
        [mentor] наставник
       *[mentee] наставляемый
    }».
weekday-mon = пн
weekday-tue = вт
weekday-wed = ср
weekday-thu = чт
weekday-fri = пт
weekday-sat = сб
weekday-sun = вс
settings-card =
    <b>Настройки</b> — { $org }
    Часовой пояс: { $zone }
    Рабочие дни: { $days }
    Рабочие часы: { $work }
    Тихие часы: { $quiet }
    Учебный год { $year }:
    <pre>{ $calendar }</pre>
settings-edit-timezone = Часовой пояс
settings-edit-hours = Рабочие часы
settings-edit-quiet = Тихие часы
settings-edit-calendar = Календарь
settings-edit-transfers = Переносы выходных
settings-ask-timezone = Введите часовой пояс в формате IANA, например Europe/Moscow или Asia/Yekaterinburg:
settings-ask-hours = Введите рабочие дни и часы, например «1-5 08:00-18:00» (1 — понедельник) или только часы «08:00-17:00»:
settings-ask-quiet = Введите тихие часы, например «21:00-08:00»: в это время вопросы приходят без звука, а напоминания ждут.
settings-ask-calendar =
    Отправьте календарь учебного года, по строке на период:
    Q1 01.09.2026-24.10.2026 — четверть (Q1–Q4 обязательны)
    B 25.10.2026-04.11.2026 — каникулы
    H 04.11.2026 — праздничный день (не рабочий)
settings-bad-timezone = Неизвестный часовой пояс. Пример: Europe/Moscow, Asia/Novosibirsk.
settings-bad-hours = Не понял часы. Пример: «1-5 08:00-18:00» — дни с 1 (пн) по 5 (пт), начало раньше конца.
settings-bad-quiet = Не понял тихие часы. Пример: «21:00-08:00».
settings-bad-calendar = Не понял календарь: нужны строки Q1–Q4 с датами ДД.ММ.ГГГГ-ДД.ММ.ГГГГ по порядку, конец не раньше начала; B и H — необязательно.
settings-ask-transfers =
    Отправьте переносы выходных дней из постановления правительства, по одному на строку: «02.01→10.05» — выходной 2 января переносится на 10 мая (10 мая не рабочий, 2 января рабочий, если это не праздник). Год можно указать: «02.01.2027→10.05.2027». Праздники ст. 112 ТК РФ (1–8 января, 23 февраля, 8 марта, 1 и 9 мая, 12 июня, 4 ноября) учтены всегда. «-» удаляет все переносы.
settings-bad-transfers = Не понял переносы. Пример: «02.01→10.05» или «02.01.2027→10.05.2027», по одному на строку; даты должны существовать и различаться.
settings-saved = Настройки сохранены.
mydata-nothing = Мы не храним о вас никаких данных.
mydata-caption = Все данные, которые бот хранит о вас.
forget-ask = Удалить ваши персональные данные? ФИО, профиль и идентификатор Telegram будут стёрты, роли сняты. В статистике останется только обезличенная запись. Это необратимо.
forget-confirm = Да, удалить мои данные
forget-keep = Нет, оставить
forget-kept = Ничего не удалено.
forget-done = Ваши персональные данные удалены, согласие отозвано. Чтобы снова участвовать, понадобится новое приглашение.
