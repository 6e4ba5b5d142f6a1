"""Default settings; instance/config.py, COURSEWARE_* variables and tests override them."""

from datetime import timedelta

# Babel: Simplified Chinese first, English when asked for.
LANGUAGES = ["zh_CN", "en"]
BABEL_DEFAULT_LOCALE = "zh_CN"
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"

SQLALCHEMY_ENGINE_OPTIONS: dict = {}

# A CSRF token must outlive the longest quiz and a full day in class.
WTF_CSRF_TIME_LIMIT = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# When None the cookie is marked Secure exactly when the request came over HTTPS.
SESSION_COOKIE_SECURE = None
PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
# Re-sign the session cookie only when the session changes, not on every response.
SESSION_REFRESH_EACH_REQUEST = False

# Roster files and other uploads.
MAX_CONTENT_LENGTH = 5 * 1024 * 1024
ROSTER_MAX_BYTES = 5 * 1024 * 1024
# An XLSX is a zip: refuse one that would inflate past this, or by more than this ratio.
ROSTER_MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
ROSTER_MAX_ZIP_RATIO = 100

# Sign-in throttling: failures counted over a window, then refused for LOGIN_LOCKOUT.
LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_LOCKOUT = timedelta(minutes=15)
LOGIN_MAX_FAILURES = 10  # per account and client address
# Per address over all accounts (password spraying); high enough for a classroom behind one NAT.
LOGIN_MAX_FAILURES_PER_ADDRESS = 100
PASSWORD_MIN_LENGTH = 8
# Hash methods (werkzeug's "scrypt:N:r:p"): chosen passwords at full cost; generated ones, which
# carry about 70 random bits, lower, so a 1,000-row roster import stays quick. Each sign-in checks
# one hash of each.
PASSWORD_HASH_CHOSEN = "scrypt:32768:8:1"
PASSWORD_HASH_GENERATED = "scrypt:4096:8:1"

# Set to the number of proxies in front of the app so client addresses are read correctly.
PROXY_COUNT = 0

USERS_PER_PAGE = 50
AUDIT_PER_PAGE = 100

# Content folders; by default lessons/, quizzes/ and exercises/ beside the package.
LESSONS_DIR = None
QUIZZES_DIR = None
EXERCISES_DIR = None
# A lesson is complete when its end is reached and this share of its minutes was spent on it.
LESSON_COMPLETION_SHARE = 0.5
LESSON_BEAT_SECONDS = 15  # how often an open, visible lesson page reports reading time
LESSON_BEAT_MAX_SECONDS = 60  # the most one heartbeat may credit
# A heartbeat credits time only while the page saw the reader act (scroll, key, pointer, touch)
# this many seconds before; and one visit of a lesson credits at most LESSON_VISIT_MAX_MINUTES.
LESSON_ACTIVITY_SECONDS = 120
LESSON_VISIT_MAX_MINUTES = 120

# Background jobs (courseware/jobs.py): "sqlite" keeps the queue in instance/jobs.sqlite3 (or give
# "sqlite:////path/jobs.sqlite3"), a redis:// URL shares it between app servers, "inline" runs each
# job in the request that starts it (tests; JOBS_INLINE = True means the same).
JOBS_BROKER = "sqlite"
JOBS_QUEUE_NAME = "courseware"
# A running job whose heartbeat is older than this is taken to have lost its worker: it is sent
# again while it has attempts left, then marked failed.
JOBS_STALE_SECONDS = 60
JOBS_MAX_ATTEMPTS = 3
# A running job whose work has made no progress for this long is taken to have hung, though its
# worker lives on: its heartbeat stops, and the reaper treats it as above.
JOBS_STALL_SECONDS = 600
# Job outputs (export files) are kept in the database for this many days.
JOB_FILES_DAYS = 7

# The classroom (课堂). A check-in later than the start plus this grace is late.
CLASSROOM_LATE_GRACE_MINUTES = 10
# How long before the start a learner may check in.
CLASSROOM_CHECKIN_EARLY_MINUTES = 30
# The check-in code on the projector changes this often (the current and the previous one pass).
CLASSROOM_CODE_SECONDS = 15
# The "too fast / too slow" signals counted on the instructor's page: those of the last minutes.
CLASSROOM_PACE_MINUTES = 5
# The address phones reach the server at, for the projector's QR code (such as
# "http://192.168.1.20:5000"); None: the address the projector page was opened at, with this
# machine's LAN address in place of localhost.
CLASSROOM_BASE_URL = None
# How attendance converts to in-person 学时 (courseware/classroom/credit.py): a day of training is
# worth day_hours from day_threshold clock hours, a half day half_day_hours from half_day_threshold;
# shorter sessions per_hour a clock hour, rounded (down | nearest | up) to a multiple of rounding;
# at most day_cap a learner a day; a late arrival earns late_share of it.
# The sensitive-word list (敏感词) that holds a question or comment from the room for review: a
# UTF-8 file, one word a line, "#" starts a comment. None: instance/sensitive_words.txt when it
# exists, else the list shipped in courseware/classroom/sensitive_words.txt.
CLASSROOM_SENSITIVE_WORDS_FILE = None
# Seconds a live quiz question stays open unless the instructor says otherwise, and the seconds
# after it closes in which an answer already on its way is still taken.
CLASSROOM_LIVE_SECONDS = 30
CLASSROOM_LIVE_GRACE_SECONDS = 2
CLASSROOM_CREDIT = {
    "day_hours": 6,
    "day_threshold": 6,
    "half_day_hours": 3,
    "half_day_threshold": 3,
    "per_hour": 1,
    "rounding": 0.5,
    "rounding_mode": "down",
    "day_cap": 8,
    "late_share": 1,
}
# How a course that takes its 学时 from its minutes (Course.credit_from_minutes) is credited
# (courseware/progress/credit_rules.py): each lesson earns the hours of the first step its minutes
# reach, [minimum minutes, 学时] from the longest down; passed_test more when the course's
# completion asks for a passed quiz. Courses that set credit_hours by hand are not affected.
COURSE_CREDIT = {"steps": [[30, 1], [15, 0.5], [0, 0.25]], "passed_test": 0.5}
# True: 学时 above the quota in one period count toward the next (结转); off, as most rules say.
CREDIT_CARRY_OVER = False
# Which column an imported sheet of outside training names its cadres by: "employee_no" (工号),
# "username" or "id_number" (身份证号).
IMPORT_TRAINING_KEY = "employee_no"

# Reminders by email (courseware/notifications): sent by the job worker when MAIL_SERVER is set
# (COURSEWARE_MAIL_SERVER and so on); with no server, notices are shown in the app only.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_FROM = "courseware@localhost"
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_TLS = False  # STARTTLS after connecting
# Due-soon notices go out this many days before the due date.
REMINDER_DUE_SOON_DAYS = 3
