## One questionnaire at a time (handlers/surveys.py): the next one follows the finished one

survey-done-next = Thank you! The survey is complete. Next survey: { $title }{ $more ->
    [0] .
   *[other] {" "}({ $more } more after it).
}
surveys-item-waiting = • { $title } — waiting its turn, { $total } questions
