## One questionnaire at a time (handlers/surveys.py): the next one follows the finished one

survey-done-next = Спасибо! Анкета заполнена. Следующая анкета: { $title }{ $more ->
    [0] .
   *[other] {" "}(после неё ещё { $more }).
}
surveys-item-waiting = • { $title } — ждёт своей очереди, вопросов: { $total }
