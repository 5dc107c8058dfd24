## /export, /program_doc, /annual_report: файлы для куратора

cmd-export = Выгрузка в Excel: участники, программы, планы, встречи, вопросы, анкеты
cmd-program_doc = Программа наставничества в Word (#номер)
cmd-annual_report = Итоговый аналитический отчёт в Word

export-not-allowed = Выгрузка доступна куратору своей школы и координатору.
export-warning =
    ⚠️ <b>Файл содержит персональные данные</b> участников вашей школы (152-ФЗ «О персональных данных»).
    Храните его в защищённом месте, не пересылайте третьим лицам и удалите, когда он станет не нужен.
    Выгрузить?
export-warning-all =
    ⚠️ <b>Файл содержит персональные данные</b> участников всех организаций (152-ФЗ «О персональных данных»).
    Храните его в защищённом месте, не пересылайте третьим лицам и удалите, когда он станет не нужен.
    Выгрузить?
export-btn-go = Выгрузить
export-btn-cancel = Отмена
export-cancelled = Выгрузка отменена.
export-preparing = ⏳ Готовлю файл — обычно он приходит через несколько минут. Если файла нет через час, наберите /export ещё раз.
export-usage = Выгрузка: /export — все ваши школы; /export #номер — одна школа (номера — в /orgs у координатора).
export-school-not-found = Школа #{ $org } не найдена среди ваших организаций.
export-outdated = Это сообщение устарело. Наберите /export ещё раз.
export-caption = 📊 Выгрузка на { $date }. Файл содержит персональные данные: храните его в защищённом месте и не пересылайте.
export-sheet = { $sheet ->
        [participants] Участники
        [programs] Программы
        [plan] План
        [meetings] Встречи
        [questions] Вопросы
       *[answers] Анкеты
    }
export-column = { $col ->
        [school] Школа
        [name] ФИО
        [roles] Роли
        [position] Должность
        [subject] Предмет
        [experience] Стаж, лет
        [directions] Направления наставничества
        [difficulties] Профессиональные затруднения
        [joined] В боте с
        [reachable] На связи
        [program] Программа №
        [mentor] Наставник
        [mentees] Наставляемые
        [form] Форма наставничества
        [mode] Формат
        [status] Статус
        [starts] Начало
        [ends] Окончание
        [ended] Завершена
        [end_reason] Причина завершения
        [item] Пункт
        [activity] Мероприятие
        [direction] Направление
        [activity_form] Вид, форма деятельности
        [expected] Ожидаемый результат
        [risks] Возможные риски
        [prevention] Способы предотвращения
        [criteria] Критерии оценивания
        [due] Срок
        [done] Выполнено
        [done_by] Отметил(а)
        [mark_note] Комментарий к отметке
        [starts_at] Дата и время
        [duration] Длительность, мин
        [place] Место или ссылка
        [topic] Тема
        [meeting_status] Статус встречи
        [held] Состоялась
        [number] Вопрос №
        [mentee] Наставляемый
        [question_status] Статус вопроса
        [preview] Начало вопроса
        [asked] Задан
        [first_answer] Первый ответ
        [response] Время ответа, рабочих минут
        [closed] Закрыт
        [rating] Оценка
        [reminded] Срок ответа нарушен
        [escalated] Передан куратору
        [survey] Анкета
        [period] Период
        [respondent] Респондент
        [role] Роль
        [about] О ком (отчёт наставника)
        [question] Вопрос анкеты
        [score] Балл (1–5)
        [choices] Выбранные варианты
        [text] Ответ текстом
       *[answered] Дата ответа
    }
export-yes-no = { $value ->
        [yes] да
       *[no] нет
    }
export-held = { $held ->
        [yes] да
        [no] нет
       *[unknown] не отмечено
    }
export-meeting-status = { $status ->
        [proposed] предложена
        [confirmed] подтверждена
        [cancelled] отменена
       *[other] { $status }
    }
export-question-status = { $status ->
        [open] открыт
        [answered] отвечен
        [resolved] решён
        [closed] закрыт
        [merged] объединён с другим
       *[other] { $status }
    }
export-poll = Быстрый опрос №{ $poll }
export-skipped = (пропущено)
export-period = { $quarter } четверть { $year }

file-failed = Не удалось подготовить файл. Повторите /{ $command } позже.
file-too-large = Файл больше 50 МБ — Telegram не принимает от ботов файлы такого размера.
file-too-large-all = Файл больше 50 МБ: выгрузите по школам — /export #номер школы (номера школ — в /orgs).

doc-program-usage = Укажите номер программы: /program_doc #12
doc-program-not-found = Программа #{ $program } не найдена среди программ вашей школы.
doc-program-caption = 📄 Персонализированная программа наставничества #{ $program }
doc-program-title = Персонализированная программа наставничества #{ $program }
doc-program-subtitle = { $school }, { $period }
doc-period = с { $start } по { $end }
doc-empty = не заполнено
doc-status = Статус
doc-ended = Завершена { $date }: { $reason }
doc-note-title = Пояснительная записка
doc-form = Форма наставничества
doc-content-label = Содержание деятельности
doc-content = { $count ->
        [0] план мероприятий пока не составлен
       *[other] план из { $count } мероприятий; направления: { $directions }
    }
doc-dates = Сроки реализации программы
doc-schedule = Расписание встреч
doc-schedule-situational = ситуационное наставничество: встречи по мере необходимости.
doc-schedule-planned = Запланированы встречи: { $meetings }.
doc-meetings-held = Проведено встреч: { $count }.
doc-mark-done = выполнено { $done }
doc-mark-done-note = выполнено { $done }: «{ $note }»
doc-mark-as-needed = по мере необходимости
doc-mark-overdue = просрочено, срок был { $due }
doc-mark-window = с { $start } до { $due }
doc-mark-due = до { $due }
doc-mode = Режим работы
doc-participants = Участники
doc-mentor = Наставник
doc-mentees = Наставляемые:
doc-acknowledged = ознакомлен(а) { $date }
doc-experience = стаж { $years } лет
doc-plan-title = План мероприятий
doc-plan-empty = Пунктов плана пока нет.
doc-plan-column = { $col ->
        [n] №
        [activity] Мероприятия
        [form] Виды, форма деятельности
        [direction] Этапы деятельности, направления деятельности
        [risks] Возможные риски при реализации программы
        [prevention] Способы предотвращения
        [expected] Ожидаемые результаты
        [criteria] Критерии оценивания эффективности мер
       *[mark] Отметка о выполнении
    }

doc-annual-not-allowed = Итоговый отчёт доступен куратору своей школы и координатору.
doc-annual-usage = Укажите учебный год так: /annual_report 2025/26 — или без года, за текущий.
doc-annual-future = { $year } учебный год ещё не начался. Отчёт можно получить за текущий или прошедший год.
doc-annual-caption = 📄 Итоговый аналитический отчёт за { $year } учебный год
doc-annual-title = Итоговый аналитический отчёт о реализации программ наставничества за { $year } учебный год
doc-annual-subtitle = { $schools }; период с { $start } по { $end }
doc-annual-all-schools = все организации ({ $count })
doc-annual-indicator = Показатель
doc-annual-value = Значение
doc-annual-people = 1. Участники (для статистических форм)
doc-annual-mentors = Наставники
doc-annual-mentees = Наставляемые
doc-annual-young = из них молодые специалисты (стаж до 3 лет)
doc-annual-pairs = Пары — { $form }
doc-annual-groups = Группы — { $form }
doc-annual-outcomes = 2. Итоги программ наставничества
doc-annual-completed = Завершены (план выполнен)
doc-annual-extended = Продлены
doc-annual-terminated = Прекращены досрочно
doc-annual-reason = — причина: { $reason }
doc-annual-characteristics = 3. Результаты по четырём характеристикам (средний балл 1–5)
doc-annual-response = Ответили на анкеты: { $done } из { $total } ({ $share }%).
doc-annual-characteristic = Характеристика
doc-annual-average = Средний балл
doc-annual-no-scores = Оценок по анкетам пока нет.
doc-annual-activity = 4. Вопросы и встречи
doc-annual-asked = Задано вопросов
doc-annual-answered = Отвечено
doc-annual-median = Медиана первого ответа, рабочих часов
doc-annual-sla = Нарушений срока ответа
doc-annual-escalated = Передано куратору
doc-annual-meetings-planned = Встреч запланировано
doc-annual-meetings-held = Встреч проведено
doc-annual-plan-done = Мероприятий плана выполнено
doc-annual-plan-overdue = Мероприятий плана просрочено
doc-annual-practices = 5. Лучшие практики наставничества
doc-annual-practice = Программа #{ $program } ({ $school }): наставник { $mentor }, наставляемые: { $mentees }; форма — { $form }; { $start } — { $end }.
doc-annual-no-practices = Лучшие практики пока не отмечены.
