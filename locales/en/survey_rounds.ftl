# The entry questionnaire in the plan view (handlers/survey_rounds.py).
rounds-entry-head = 📝 <b>Entry questionnaire</b>: { $name }
rounds-entry-needs = High need for help: { $needs }
rounds-entry-need = { $direction } ({ $score } of 5)
rounds-entry-partial = The questionnaire is not finished: { $answered } of { $total } answered.
rounds-entry-folded = 📝 <b>Entry questionnaires</b> (the plan is confirmed; open one with its button):
rounds-entry-line = • { $name }
rounds-entry-line-partial = • { $name } — { $answered } of { $total } answered
rounds-btn-open = 📝 Questionnaire: { $name }
rounds-entry-no-needs = No high need for help marked.
rounds-entry-help = Help wanted: { $help }
rounds-entry-worries = Worries: “{ $text }”
rounds-entry-offer = Directions of high need can be added to the plan as an item “as questions arise”.
rounds-btn-add = Add to the plan: { $direction }
rounds-item-added = ➕ Item “{ $title }” added to the plan of program #{ $program } (as questions arise).
rounds-err-not-offered = This direction is already in the plan or was not marked in the entry questionnaire.
rounds-err-ended = The program has ended.
rounds-err-locked = The mentee has already read the program: add the item through /plan, the change needs agreement.
# Titles of the plan items offered by the entry questionnaire, per direction.
rounds-item-legal = Advice on legal matters (documents, school regulations)
rounds-item-subject = Help with subject content and lesson preparation
rounds-item-psych = Psychological and pedagogical support: discipline, the class, parents
rounds-item-method = Methodical help: teaching methods and techniques
rounds-item-ict = Help with ICT: the e-register, digital resources
rounds-item-digital = Getting to know digital learning platforms and distance learning
rounds-item-upbringing = Help with extracurricular and upbringing work
rounds-item-health = Pupils' health: advice
