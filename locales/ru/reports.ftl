## /report: отчёт куратора (DESIGN §4 «Отчёты куратора»)

cmd-report = Отчёт: участники, вопросы, встречи, план, анкеты, риски
report-bad-period =
    Не понял, за какой период нужен отчёт: «{ $arg }».
    Например:
    /report — текущая четверть
    /report 2026/27-Q2 — четверть учебного года (Q1–Q4)
    /report all — за всё время
    /report #12 — по одной программе
report-not-found = Программа не найдена.
report-bad-args =
    Не понял «{ $arg }». Можно так:
    /report — текущая четверть
    /report 2026/27-Q2 — четверть учебного года (Q1–Q4)
    /report all — за всё время
    /report #12 — по одной программе (за всё время)
report-no-school = Отчёт доступен куратору школы. Вы пока не куратор ни одной школы.
report-period-all = за всё время
report-period-quarter = { $label } ({ $start } — { $end })
report-title = 📊 <b>Отчёт: { $scope }</b>
    Период: { $period }
report-scope-program = программа #{ $program } ({ $school })
report-scope-schools = { $count } { $count ->
        [one] школа
        [few] школы
       *[many] школ
    }: { $names }
report-participants = 👥 <b>Участники:</b> наставников { $mentors }, наставляемых { $mentees }, кураторов { $curators }
report-forms-title = 🤝 <b>Действующие программы:</b>
report-form-line = • { pair-form-label }: { $parts }
report-form-pairs = пар { $count }
report-form-groups = групп { $count }
report-forms-none = 🤝 Действующих программ нет.
report-questions = ❓ <b>Вопросы:</b> задано { $asked }, из них отвечено { $answered }
report-median = ⏱ Медиана первого ответа: { $hours } раб. ч
report-median-none = ⏱ Медиана первого ответа: —
report-sla = ⚠️ Нарушений срока ответа: { $breaches } (передано куратору: { $escalations })
report-meetings = 📅 <b>Встречи:</b> запланировано { $planned }, проведено { $held }
report-plan = 🗂 <b>План:</b> мероприятий со сроком в периоде { $due }; выполнено { $done } ({ $done_share }%), просрочено { $overdue } ({ $overdue_share }%)
report-surveys = 📝 <b>Анкеты:</b> ответили { $done } из { $total } ({ $share }%)
report-surveys-none = 📝 Анкет в периоде не было.
report-survey-kind = { $kind ->
        [entry] входная анкета
        [quarterly_mentor] отчёт наставника за четверть
        [quarterly_mentee] анкета наставляемого за четверть
        [final_mentee] итоговая анкета наставляемого
        [final_mentor] итоговая анкета наставника
        [poll] быстрый опрос
       *[other] { $kind }
    }
report-survey-line = • { report-survey-kind }: { $done } из { $total }
report-characteristic = { $topic ->
        [satisfaction] удовлетворённость (реакция)
        [knowledge] изменение знаний
        [behaviour] поведение в проблемных ситуациях
       *[school] результаты для школы
    }
report-averages-title = ⭐ <b>Средние оценки (1–5):</b>
report-average-line = • { report-characteristic }: { $value }
report-averages-none = ⭐ Оценок по анкетам пока нет.
report-risks-title = 🚩 <b>Зоны риска</b>
report-risks-none = 🚩 Зон риска нет.
report-risk-silent = Молчащие пары (ни вопросов, ни встреч { $days } дн.): { $count }
report-risk-overdue = Программы с просроченными мероприятиями: { $count }
report-risk-unreachable = Недоступны в боте: { $count }
report-risk-unmatched = Наставляемые без наставника: { $count }
report-risk-line = • { $line }
report-risk-pair = #{ $program } { $mentor } — { $mentees }
report-risk-late = { $pair }: просрочено { $count }
report-risk-person = { $name } ({ $about })
report-risk-name = { $name }
report-risk-more = …и ещё { $count }
report-file-caption = Отчёт не поместился в одно сообщение — он в файле.
report-chart-scores = Средние оценки по четвертям (1–5)
report-chart-questions = Вопросы по неделям
report-chart-empty = Данных пока нет
report-rollup-title = 📊 <b>Сводка по организациям</b>
    Период: { $period }
report-rollup-line = <b>{ $name }</b>: наставников { $mentors }, наставляемых { $mentees }, программ { $programs }; вопросов { $asked } (отвечено { $answered }, нарушений срока { $breaches }); встреч проведено { $held }; просрочено мероприятий { $overdue }; анкеты { $survey_done } из { $survey_all }
report-rollup-total = <b>Итого по { $count } организациям</b>: наставников { $mentors }, наставляемых { $mentees }, программ { $programs }; вопросов { $asked } (отвечено { $answered }, нарушений срока { $breaches }); встреч проведено { $held }; просрочено мероприятий { $overdue }; анкеты { $survey_done } из { $survey_all }
report-rollup-none = Организаций пока нет.
