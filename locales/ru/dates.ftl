# The one date parser (models/dates.py): what went wrong with a typed date or time.
date-err-day-format = «{ $text }» — не похоже на дату. Напишите день и месяц через точку: <code>25.11</code> или <code>25.11.2026</code>.
date-err-year-needed = В «{ $text }» нет года. Напишите дату полностью, например <code>25.11.2026</code>.
date-err-no-such-day = Даты «{ $text }» нет в календаре: сначала день (1–31, сколько есть в месяце), потом месяц (1–12). Например, <code>25.11.2026</code>.
date-err-day-past = { $day } уже прошло. Укажите сегодняшний ({ $today }) или более поздний день, например <code>{ $today }</code>.
date-err-too-far = { $day } — дальше чем через год. Укажите день не позже { $latest }.
date-err-time-format = «{ $text }» — не похоже на время. Напишите часы и минуты: <code>15:30</code> или <code>9:05</code>.
date-err-no-such-time = Времени «{ $text }» не бывает: часы от 0 до 23, минуты от 00 до 59. Например, <code>15:30</code>.
date-err-moment-format = «{ $text }» — не похоже на дату и время. Напишите так: <code>25.11 15:30</code> или <code>25.11.2026 15:30</code>.
date-err-moment-past = { $moment } уже прошло (сейчас { $now }). Укажите время позже, например <code>{ $example }</code>.
date-err-range-format = «{ $text }» — не похоже на срок. Напишите начало и конец через дефис: <code>01.12.2026-31.05.2027</code>, или один день: <code>15.12.2026</code>.
date-err-range-order = Конец ({ $end }) раньше начала ({ $start }). Напишите сначала начало, потом конец, например <code>01.12.2026-31.05.2027</code>.
