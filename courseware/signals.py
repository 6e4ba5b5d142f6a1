"""Domain events: a package announces what happened, and the packages above it that care listen.

The sender never imports its listeners, so the packages stay layered: lessons, quizzes and
exercises announce progress without knowing about completion, and progress announces a completed
course without knowing about certificates. Listeners connect in their package's init_app and run
inside the sender's transaction, before it commits.
"""

from blinker import Namespace

_events = Namespace()

# A learner finished reading a lesson. Sender: the lesson; user_id, now.
lesson_completed = _events.signal("lesson-completed")
# A quiz attempt was graded: handed in, or an answer graded by hand. Sender: the attempt; now.
attempt_graded = _events.signal("attempt-graded")
# An exercise run finished, or a finished run was scored again. Sender: the run; user_ids (its player, or each member of its team), now.
run_finished = _events.signal("run-finished")
# A learner met a course's completion rule, once. Sender: the CourseCompletion; course.
course_completed = _events.signal("course-completed")
# The demo organisation was created (`flask demo`). Sender: the demo class (Cohort); today.
demo_created = _events.signal("demo-created")
# A learner asks for a quiz locked to the room (classroom_only). Sender: the quiz; user_id, now.
# A receiver returns why the learner may not take it now, or None; with no receiver it is refused.
quiz_room_check = _events.signal("quiz-room-check")
# A course was newly assigned to a class. Sender: the CourseAssignment; cohort, course.
course_assigned = _events.signal("course-assigned")
# A certificate was issued for a completion. Sender: the Certificate; course.
certificate_issued = _events.signal("certificate-issued")
