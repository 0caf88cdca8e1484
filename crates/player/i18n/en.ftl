# The player's own words in English. This catalog is the reference: every message the
# player shows is declared here, and every other catalog translates these ids.
# Format: Project Fluent (https://projectfluent.org). Plural forms use the CLDR categories
# of the language (`[one]`, `[other]`, ...), chosen by the browser's Intl.PluralRules.

## The language itself
language-name = English

## Loading and errors
loading = Loading the module…
error-title = The module cannot be opened
error-intro = These problems were found:
error-help = Fix each problem in the file named, then reload this page.
crash = Something went wrong in the player. Your learning record is saved; reload the page to go on.
chunk-loading = Loading this part of the player…
chunk-failed = This part of the player could not be downloaded. Your answers are kept; check the connection, then try again.
chunk-retry = Try again

## Navigation
previous = Previous
next = Next
finish = Finish
pages = Page navigation
page-of = Page { $page } of { $count }
unanswered = { $n ->
    [one] 1 question is not answered yet; it scores 0 points.
   *[other] { $n } questions are not answered yet; they score 0 points.
}

## Questions
check-answer = Check answer
true = True
false = False
correct = Your answer is correct.
incorrect = Your answer is not correct.
choose-one = Choose one answer.
choose-all = Choose all answers that apply.
you-chose = You chose “{ $choice }”:{" "}
correct-choice = correct answer
answered = answered
not-answered = not answered
question-status = { $status } ({ $points }/{ $max } points)
order-hint = Put the items in order with the Move up and Move down buttons.
move-up = Move up: { $item }
move-down = Move down: { $item }
moved-to = “{ $item }” is now at position { $position } of { $count }.
correct-order = The correct order:
match-hint = For each item, choose its match.
choose-match = Choose…
correct-match = Correct match: { $target }
hotspot-hint = Choose the right area of the picture.
fill-in-hint = Type the missing words.
blank-n = Blank { $n } of { $count }
accepted-answers = Accepted: { $answers }
long-answer-hint = Write your answer in your own words.
characters = { $count } of { $max } characters
number-hint = Type a number, such as 3,5 or 3.5.
not-a-number = That is not a number yet: type digits, with a comma or a point for decimals.
right-number = The right answer: { $answer }
right-range = The right answer: from { $min } to { $max }
right-at-least = The right answer: { $min } or more
right-at-most = The right answer: { $max } or less
performance-hint = Fill in every field, then check your answer.
step-right = Right
step-wrong = Wrong
steps-right = { $right } of { $count ->
    [one] { $count } step
   *[other] { $count } steps
} right.
likert-hint = Choose the point of the scale that fits your view; there is no wrong answer.
recorded = Thank you, your answer is recorded.
hint = Hint
explanation = Why:
partly-correct = Partly right: { $points } of { $max } points.
correct-area = the right area

## Content blocks
note-info = Note
note-warning = Warning
note-tip = Tip
transcript = Transcript

## Flashcards
flashcards = Flashcards
flip-to-back = Turn over
flip-to-front = Turn back
card-of = Card { $n } of { $count }

## Results
result-title = Your result
passed = Passed
failed = Not passed
retry = Try again
retry-wrong = Try the others again
attempt-of = Attempt { $n } of { $max }
no-attempts-left = { $max ->
    [one] This module allows one attempt.
   *[other] You have used all { $max } attempts.
}
score-line = You scored { $raw } of { $max } points ({ $percent }%).
mastery-line = { $percent }% is needed to pass.
return-to-course = Return to the course
return-when-saved = Saving your results to the LMS… the way back appears once everything is saved.
close-window = Your results are saved in the LMS. You can close this window.

## In an LMS: what the learner is told when the LMS fails or says otherwise
lms-stop-title = The course could not start
lms-refused = Your LMS did not let this course start. Open the course again from your LMS.
lms-unreachable = Your LMS could not be reached, so this course could not start. Check your internet connection, then open the course again from your LMS.
lms-link-used = This course link works only once, and it was already used on this device. Open the course again from your LMS.
lms-detail = The LMS answered: { $detail }
session-ended-title = This visit to the course has ended
session-ended = Your answers so far are kept. To go on, open the course again from your LMS.
browse-note = You looked through the module in browse mode: nothing is graded or recorded. The answers' feedback is shown below.
review-note = You looked back at the module in review mode: nothing is graded or recorded. The answers' feedback is shown below.
scorm-no-api = The LMS is not recording this attempt: no LMS connection was found (the course was opened outside its LMS). Your answers are kept only on this device. Open the course from your LMS to have it recorded.
scorm-start-failed = The LMS did not start recording this attempt. Open the course again from your LMS; if this message comes back, tell the person who runs your course.
scorm-answers-not-saved = Your latest answers were not saved in the LMS. They are kept on this device and sent again with your next step or when you leave. If this message stays, tell the person who runs your course.
scorm-result-not-saved = Your result was not saved in the LMS. It is kept on this device in this window and sent again every 30 seconds: keep this window open until this message goes away. If it stays, tell the person who runs your course.
scorm-error-detail = LMS error { $code }: { $text }

## Resume
resume-title = Continue where you left off?
resume-continue = Continue
resume-start-over = Start over
answered-so-far = { $n ->
    [one] 1 question answered
   *[other] { $n } questions answered
}
saved-at = Saved { $when }

## Learning record and sync
record-title = Learning record
record-empty = Nothing recorded yet.
queued = waiting to be sent
sending = sending
sent = sent
rejected = refused by the LRS
rejected-because = refused by the LRS ({ $status }: { $reason })
rejected-here = not sent: the statement is invalid ({ $reason })
rejected-count = { $n ->
    [one] 1 record refused by the LRS
   *[other] { $n } records refused by the LRS
}
local = kept in this browser
no-lrs = No LRS is configured: the xAPI statements are kept in this browser and shown here exactly as they would be sent.
to-lrs = Statements are sent to
kept-here = Learning record kept on this device (no LRS)
all-saved = All saved
records-waiting = { $n ->
    [one] 1 record waiting to sync
   *[other] { $n } records waiting to sync
}
pending-count = { $n ->
    [one] 1 waiting to be sent
   *[other] { $n } waiting to be sent
}
sending-paused = Sending paused: the LRS refused the credentials ({ $status }).
paused-help = Your records are safe on this device; ask the course administrator to check the LRS access.
try-again = Try again
storage-problem = Storage problem

## Settings
language = Language

## The report (?view=report): module analytics for content teams
report-title = Module report
report-intro = What learners did in this module, from the statements in the LRS.
report-reading = Reading statements from the LRS
report-progress = { $n ->
    [one] 1 statement read, query { $query } of { $queries }
   *[other] { $n } statements read, query { $query } of { $queries }
}
report-empty = The LRS has no statements about this module yet (in this period). When learners take the module, their results appear here.
report-no-lrs = No LRS is configured: open the report with endpoint= and auth= in the address, or put them in launch.json beside the module.
report-error-auth = The LRS refused the credentials (HTTP { $status }). Check auth= in the address or launch.json.
report-error-status = The LRS answered { $url } with HTTP { $status } { $reason }.
report-error-network = The LRS cannot be reached ({ $url }): { $reason }
report-error-answer = The LRS's answer cannot be read ({ $url }): { $reason }
report-as-of = { $n ->
    [one] Figures from the module's summary as of { $time }, plus { $n } statement stored since.
   *[other] Figures from the module's summary as of { $time }, plus { $n } statements stored since.
}
report-competencies-sample = { $sample ->
    [one] Competencies from a sample of { $sample } learner, the same learners in every module: counts are scaled up from it (within about { $error }% nineteen times in twenty), shares correct are the sample's.
   *[other] Competencies from a sample of { $sample } learners, the same learners in every module: counts are scaled up from it (within about { $error }% nineteen times in twenty), shares correct are the sample's.
}
report-sample = { $attempts ->
    [one] Discrimination and the upper–lower index come from a uniform sample of { $sample } of { $attempts } attempt; learners are estimated (within about 3%).
   *[other] Discrimination and the upper–lower index come from a uniform sample of { $sample } of { $attempts } attempts; learners are estimated (within about 3%).
}
report-retry = Try again
report-period = Period
report-since = From
report-until = To
report-apply = Show
report-overview = Overview
report-attempts = Attempts
report-learners = Learners
report-completions = Completions
report-pass-rate = Pass rate
report-median-time = Median time to complete
report-statements-used = Statements
report-none = not enough data
report-over-time = Over time
report-attempts-per-day = Attempts per day
report-day = Day (UTC)
report-scores = Score distribution
report-score-range = Score
report-score-bin = { $from }–{ $to }%
report-questions = Questions
report-questions-help = Share correct: higher is easier. Discrimination: how well the question separates learners who do well overall from those who do not (the correlation of the question with the rest of the score; below 0.2 deserves a look).
report-question = Question
report-answered = Answered
report-share-correct = Share correct
report-discrimination = Discrimination
report-upper-lower = Upper–lower 27% index
report-median-answer = Median time to answer
report-responses-of = Responses: { $question }
report-response = Response
report-correct-mark = (correct)
report-flag-nobody = nobody picks it
report-flag-strong = most strong learners pick it
report-download-csv = Download the question table (CSV)
report-pages = Pages
report-funnel = Attempts reaching each page
report-page = Page
report-views = Views
report-reached = Attempts reaching it
report-drop-off = Drop-off
report-competencies = Competencies
report-competencies-help = Across every module that tags the competency. Mastered: at least the mastery score's share of the points of its questions, on each learner's latest answers.
report-competency = Competency
report-mastered = Mastered
report-weakest = Weakest questions
report-true = True
report-false = False
report-seconds = { $s } s
report-minutes = { $m } min { $s } s

## The pre-rendered first page, before the player has started
not-ready = The player is still starting on this slow connection. Your answers are kept, and what you clicked will be done as soon as it is ready.

## An LRS without a State API (the saved attempt stays on this device)
record-no-state-api = This LRS does not keep unfinished attempts (it has no State API), so your progress in this module is saved on this device only: you can continue it here, but not on another device. Your statements are still sent.
