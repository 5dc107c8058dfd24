## /practices: the best-practice bank

cmd-practices = Best practices
practices-usage = Usage: /practices — the best-practice bank; /practices add #number — mark a completed program as a best practice.
practices-empty = The best-practice bank is empty. Mark a completed program: /practices add #number, or the «Best practice» button on its card.
practices-header = <b>Best practices</b> ({ $count }):
practices-line =
    <b>Program #{ $id }</b>{ $org ->
        [none] {""}
       *[other] {" "}— { $org }
    }
    Form: { $form }; { $start } – { $end }
    Mentor: { $mentor }
    Mentees: { $mentees }
    { $summary }
practice-ask-summary = Program #{ $id } as a best practice. Briefly describe what worked (up to { $limit } characters).
practice-ask-edit =
    A new summary of program #{ $id } (up to { $limit } characters). Now:
    { $summary }
practice-saved = Program #{ $id } is now a best practice. The bank: /practices.
practice-edited = The summary of program #{ $id } is updated.
practice-btn-mark = ⭐ Best practice
practice-btn-edit = ✏️ Best-practice summary
practice-summary-erased = (summary erased at its author's request)
practice-err-not-found = Program #{ $id } is not among your organization's programs.
practice-err-not-completed = Program #{ $id } is not completed. Only completed programs are marked as best practices.
practice-err-marked = Program #{ $id } is a best practice already. You can edit its summary.
practice-err-empty = The summary is empty. Describe what worked.
practice-err-long = Too long: { $length } characters, the limit is { $limit }. Please shorten it.
practice-err-need-text = A text message is needed. Type the summary, or /cancel.
