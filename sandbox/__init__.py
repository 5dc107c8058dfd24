"""`mentorbot sandbox`: the real bot against the built-in Telegram stand-in (fake_telegram),
with a web chat on loopback where one person plays every role, and a clock that travels."""
