## /practices: банк лучших практик наставничества

cmd-practices = Лучшие практики
practices-usage = Формат: /practices — банк лучших практик; /practices add #номер — отметить завершённую программу как лучшую практику.
practices-empty = В банке лучших практик пока пусто. Отметьте завершённую программу: /practices add #номер или кнопкой «В лучшие практики» в её карточке.
practices-header = <b>Лучшие практики</b> ({ $count }):
practices-line =
    <b>Программа №{ $id }</b>{ $org ->
        [none] {""}
       *[other] {" "}— { $org }
    }
    Форма: { $form }; { $start } – { $end }
    Наставник: { $mentor }
    Наставляемые: { $mentees }
    { $summary }
practice-ask-summary = Программа №{ $id } — в лучшие практики. Кратко опишите, что сработало (до { $limit } символов).
practice-ask-edit =
    Новое описание практики программы №{ $id } (до { $limit } символов). Сейчас:
    { $summary }
practice-saved = Программа №{ $id } добавлена в лучшие практики. Банк — /practices.
practice-edited = Описание практики программы №{ $id } обновлено.
practice-btn-mark = ⭐ В лучшие практики
practice-btn-edit = ✏️ Описание лучшей практики
practice-summary-erased = (описание удалено по запросу автора)
practice-err-not-found = Программа №{ $id } не найдена среди программ вашей организации.
practice-err-not-completed = Программа №{ $id } не завершена. В лучшие практики отмечают только завершённые программы.
practice-err-marked = Программа №{ $id } уже в лучших практиках. Можно изменить её описание.
practice-err-empty = Описание пустое. Напишите, что сработало.
practice-err-long = Слишком длинно: { $length } символов, можно до { $limit }. Сократите, пожалуйста.
practice-err-need-text = Нужен текст сообщением. Напишите описание или /cancel.
