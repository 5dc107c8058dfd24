# The one date parser (models/dates.py): what went wrong with a typed date or time.
date-err-day-format = “{ $text }” does not look like a date. Write the day and the month with a dot: <code>25.11</code> or <code>25.11.2026</code>.
date-err-year-needed = “{ $text }” has no year. Write the whole date, e.g. <code>25.11.2026</code>.
date-err-no-such-day = There is no date “{ $text }” in the calendar: the day comes first (1–31, as many as the month has), then the month (1–12). For example, <code>25.11.2026</code>.
date-err-day-past = { $day } is over. Give today ({ $today }) or a later day, e.g. <code>{ $today }</code>.
date-err-too-far = { $day } is more than a year ahead. Give a day no later than { $latest }.
date-err-time-format = “{ $text }” does not look like a time. Write hours and minutes: <code>15:30</code> or <code>9:05</code>.
date-err-no-such-time = There is no time “{ $text }”: hours go from 0 to 23, minutes from 00 to 59. For example, <code>15:30</code>.
date-err-moment-format = “{ $text }” does not look like a date and time. Write it like <code>25.11 15:30</code> or <code>25.11.2026 15:30</code>.
date-err-moment-past = { $moment } is over (it is { $now } now). Give a later time, e.g. <code>{ $example }</code>.
date-err-range-format = “{ $text }” does not look like a period. Write the start and the end with a dash: <code>01.12.2026-31.05.2027</code>, or one day: <code>15.12.2026</code>.
date-err-range-order = The end ({ $end }) is before the start ({ $start }). Write the start first, then the end, e.g. <code>01.12.2026-31.05.2027</code>.
