## Answers to a proposal by someone who no longer holds the side they were asked as (models/changes.py vote)

change-err-no-longer-party = { $party ->
    [mentor] You are no longer the mentor of program #{ $program } — only its new mentor can answer this proposal now.
    [mentee] You are no longer a mentee of program #{ $program } — your answer was not recorded.
   *[other] You are no longer a curator of the school of program #{ $program } — your answer was not recorded.
}
