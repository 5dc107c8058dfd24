# The entry questionnaire in the plan view (handlers/survey_rounds.py).
rounds-entry-head = 📝 <b>Входная анкета</b>: { $name }
rounds-entry-needs = Высокая потребность в помощи: { $needs }
rounds-entry-need = { $direction } ({ $score } из 5)
rounds-entry-no-needs = Высокой потребности в помощи не отмечено.
rounds-entry-partial = Анкета заполнена не до конца: { $answered } из { $total }.
rounds-entry-folded = 📝 <b>Входные анкеты</b> (план согласован; анкета — по кнопке):
rounds-entry-line = • { $name }
rounds-entry-line-partial = • { $name } — заполнено { $answered } из { $total }
rounds-btn-open = 📝 Анкета: { $name }
rounds-entry-help = Нужна помощь: { $help }
rounds-entry-worries = Беспокоит: «{ $text }»
rounds-entry-offer = Направления с высокой потребностью можно добавить в план мероприятием «по мере возникновения вопросов».
rounds-btn-add = Добавить в план: { $direction }
rounds-item-added = ➕ Пункт «{ $title }» добавлен в план программы №{ $program } (по мере возникновения вопросов).
rounds-err-not-offered = Это направление уже есть в плане или не отмечено во входной анкете.
rounds-err-ended = Программа завершена.
rounds-err-locked = Наставляемый уже ознакомлен с программой: добавьте пункт через /plan, изменение нужно согласовать.
# Titles of the plan items offered by the entry questionnaire, per direction.
rounds-item-legal = Консультации по нормативно-правовым вопросам (документация, локальные акты)
rounds-item-subject = Помощь в предметном содержании и подготовке к урокам
rounds-item-psych = Психолого-педагогическая поддержка: дисциплина, общение с классом и родителями
rounds-item-method = Методическая помощь: формы и приёмы обучения
rounds-item-ict = Помощь в освоении ИКТ: электронный журнал, цифровые ресурсы
rounds-item-digital = Освоение цифровых образовательных платформ и дистанционного обучения
rounds-item-upbringing = Помощь во внеурочной и воспитательной работе
rounds-item-health = Здоровьесбережение обучающихся: консультации
