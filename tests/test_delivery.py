"""The digest step on a real store with an injected clock: cadences, once, nothing lost or stuck."""

from __future__ import annotations

import email
import email.policy
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawler.article import Article
from crawler.store import ArticleStore
from monitor.alerts import match_new
from monitor.config import Config, parse_config
from monitor.delivery import DeliveryResult, forget, pending_overview, send_digests
from monitor.mailer import FileMailer, Mailer, SmtpMailer
from monitor.runner import delivery_plan
from tests.smtpd import PASSWORD, USER, Inbox, free_port, make_tls, running

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = datetime(2024, 3, 12, 10, 0, tzinfo=BERLIN)  # a Tuesday, 10:00 in Berlin

CONFIG = """
[[watch]]
name = "Japan"
query = "Japan"
notify = ["alice@example.com", "bob@example.com"]
cadence = "{japan}"

[[watch]]
name = "Chips"
query = "chip"
notify = ["alice@example.com"]
cadence = "{chips}"

[schedule]
timezone = "Europe/Berlin"
digest_at = "08:00"
digest_day = "monday"
{extra}
"""


def make_config(
    tmp_path: Path, japan: str = "immediate", chips: str = "daily", extra: str = ""
) -> Config:
    text = CONFIG.format(japan=japan, chips=chips, extra=extra)
    return parse_config(text, path=tmp_path / "newsmon.toml", environ={"PW": PASSWORD})


class Articles:
    """Adds articles to the store and raises their alerts at a given moment."""

    def __init__(self, store: ArticleStore) -> None:
        self.store = store
        self.numbers = itertools.count(1)

    def add(self, config: Config, now: datetime, *words: str) -> None:
        for word in words:
            n = next(self.numbers)
            article = Article(
                url=f"https://n.example/{n}/",
                title=f"Story {n} on {word}",
                body=f"All about {word}.",
            )
            self.store.save(article, site="n", aliases=[], now=now)
        match_new(self.store, config.watches, now=now)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ArticleStore]:
    store = ArticleStore.open(tmp_path / "newsmon.db")
    yield store
    store.close()


def run(
    store: ArticleStore, config: Config, mailer: Mailer | None, now: datetime, **options: bool
) -> DeliveryResult:
    return send_digests(store, mailer, delivery_plan(config), now=now.astimezone(UTC), **options)


def read(path: str) -> EmailMessage:
    msg = email.message_from_bytes(Path(path).read_bytes(), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_due_alerts_go_now_and_the_rest_waits_for_its_slot(
    tmp_path: Path, store: ArticleStore
) -> None:
    config = make_config(tmp_path)
    outbox = FileMailer(tmp_path / "out")
    Articles(store).add(config, TUESDAY, "Japan", "chip")
    first = run(store, config, outbox, TUESDAY)
    assert sorted((s.recipient, s.alerts) for s in first.sent) == [
        ("alice@example.com", 1),
        ("bob@example.com", 1),
    ]
    alice = read(next(s.location for s in first.sent if s.recipient == "alice@example.com"))
    assert "Story 1 on Japan" in body(alice) and "chip" not in body(alice)
    [waiting] = first.waiting
    assert (waiting.recipient, waiting.cadence, waiting.alerts) == ("alice@example.com", "daily", 1)
    assert waiting.slot == datetime(2024, 3, 13, 8, 0, tzinfo=BERLIN)

    assert run(store, config, outbox, datetime(2024, 3, 13, 7, 59, tzinfo=BERLIN)).sent == []
    at_eight = run(store, config, outbox, datetime(2024, 3, 13, 8, 0, tzinfo=BERLIN))
    assert [(s.recipient, s.alerts) for s in at_eight.sent] == [("alice@example.com", 1)]
    assert "Story 2 on chip" in body(read(at_eight.sent[0].location))
    assert at_eight.waiting == []


def test_one_message_per_recipient_merges_all_their_due_watches(
    tmp_path: Path, store: ArticleStore
) -> None:
    config = make_config(tmp_path, chips="immediate")
    Articles(store).add(config, TUESDAY, "Japan", "chip")
    result = run(store, config, FileMailer(tmp_path / "out"), TUESDAY)
    alice = [s for s in result.sent if s.recipient == "alice@example.com"]
    assert len(alice) == 1 and alice[0].alerts == 2
    text = body(read(alice[0].location))
    assert "Japan (1 story)" in text and "Chips (1 story)" in text


def test_a_15_minute_cron_gives_a_daily_watch_one_email_a_day(
    tmp_path: Path, store: ArticleStore
) -> None:
    config = make_config(tmp_path, japan="daily", chips="daily")
    articles = Articles(store)
    outbox = tmp_path / "out"
    now = TUESDAY
    while now < TUESDAY + timedelta(days=3):
        if now.minute == 0:  # a new story every hour
            articles.add(config, now, "Japan")
        run(store, config, FileMailer(outbox), now)
        now += timedelta(minutes=15)
    mails = [read(str(p)) for p in outbox.glob("*.eml")]
    per_day = sorted(
        (m["To"], m["Date"].datetime.astimezone(BERLIN).strftime("%a %H:%M")) for m in mails
    )
    assert per_day == [
        ("alice@example.com", "Fri 08:00"),
        ("alice@example.com", "Thu 08:00"),
        ("alice@example.com", "Wed 08:00"),
        ("bob@example.com", "Fri 08:00"),
        ("bob@example.com", "Thu 08:00"),
        ("bob@example.com", "Wed 08:00"),
    ]


def test_a_run_after_missed_slots_catches_up_once(tmp_path: Path, store: ArticleStore) -> None:
    config = make_config(tmp_path, japan="daily")
    Articles(store).add(config, TUESDAY, "Japan")
    friday = datetime(2024, 3, 15, 12, 0, tzinfo=BERLIN)  # the machine was off since Tuesday
    late = run(store, config, FileMailer(tmp_path / "out"), friday)
    assert sorted(s.recipient for s in late.sent) == ["alice@example.com", "bob@example.com"]
    assert (
        run(store, config, FileMailer(tmp_path / "out"), friday + timedelta(minutes=15)).sent == []
    )


def test_weekly_waits_for_monday_and_all_sends_now(tmp_path: Path, store: ArticleStore) -> None:
    config = make_config(tmp_path, japan="weekly")
    Articles(store).add(config, TUESDAY, "Japan")
    waiting = run(store, config, None, TUESDAY).waiting
    assert {w.slot for w in waiting} == {datetime(2024, 3, 18, 8, 0, tzinfo=BERLIN)}
    forced = run(store, config, FileMailer(tmp_path / "out"), TUESDAY, everything=True)
    assert sorted(s.recipient for s in forced.sent) == ["alice@example.com", "bob@example.com"]
    row = store.db.execute("SELECT cadence FROM digests LIMIT 1").fetchone()
    assert row[0] == "all"


def test_dry_run_shows_what_would_go_and_changes_nothing(
    tmp_path: Path, store: ArticleStore
) -> None:
    config = make_config(tmp_path)
    Articles(store).add(config, TUESDAY, "Japan")
    preview = run(store, config, None, TUESDAY)
    assert sorted(m["To"] for m in preview.previews) == ["alice@example.com", "bob@example.com"]
    assert store.db.table("digests").count == 0
    assert len(run(store, config, None, TUESDAY).previews) == 2


def test_a_retry_resends_the_stored_message_with_the_same_message_id(
    tmp_path: Path, store: ArticleStore
) -> None:
    config = make_config(tmp_path)
    articles = Articles(store)
    articles.add(config, TUESDAY, "Japan")
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the outbox folder should be")
    down = run(store, config, FileMailer(blocked), TUESDAY)
    assert {f.recipient for f in down.blocking} == {"alice@example.com", "bob@example.com"}
    stored = {
        r["recipient"]: r
        for r in store.db.execute_returning_dicts(
            "SELECT recipient, message_id, message FROM digests"
        )
    }
    # more news arrives before the retry: it goes in a message of its own, after the stored one
    articles.add(config, TUESDAY + timedelta(minutes=5), "Japan")
    still_down = run(store, config, FileMailer(blocked), TUESDAY + timedelta(minutes=15))
    assert len(still_down.failed) == 2  # the stored ones only: nothing new to a stuck recipient
    assert store.db.table("digests").count == 2
    up = run(store, config, FileMailer(tmp_path / "out"), TUESDAY + timedelta(hours=1))
    retried = [s for s in up.sent if s.retry]
    assert sorted(s.recipient for s in retried) == ["alice@example.com", "bob@example.com"]
    for sent in retried:
        again = read(sent.location)
        assert again["Message-ID"] == stored[sent.recipient]["message_id"]
        assert Path(sent.location).read_bytes() == stored[sent.recipient]["message"]
        assert "Story 2" not in body(again)
    fresh = sorted((s.recipient, s.alerts) for s in up.sent if not s.retry)
    assert fresh == [("alice@example.com", 1), ("bob@example.com", 1)]
    assert run(store, config, FileMailer(tmp_path / "out"), TUESDAY + timedelta(hours=3)).sent == []


class CrashAfterSending:
    """Delivers, then dies before newsmon can mark the digest sent (a crash, a kill -9)."""

    def __init__(self, inner: Mailer) -> None:
        self.inner = inner

    def send(self, msg: EmailMessage, *, name: str) -> str:
        self.inner.send(msg, name=name)
        raise KeyboardInterrupt


def test_a_crash_between_acceptance_and_marking_repeats_the_same_message(
    tmp_path: Path, store: ArticleStore
) -> None:
    config = make_config(tmp_path)
    Articles(store).add(config, TUESDAY, "Japan")
    outbox = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run(store, config, CrashAfterSending(FileMailer(outbox)), TUESDAY)
    run(store, config, FileMailer(outbox), TUESDAY + timedelta(minutes=15))
    copies = [read(str(p)) for p in sorted(outbox.glob("*.eml")) if "alice" in p.name]
    assert len(copies) == 2
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"]  # a client shows it once


def test_removed_recipient_and_removed_watch_are_dropped_not_retried(
    tmp_path: Path, store: ArticleStore, caplog: pytest.LogCaptureFixture
) -> None:
    config = make_config(tmp_path, chips="daily")
    Articles(store).add(config, TUESDAY, "Japan", "chip")
    smaller = parse_config(
        '[[watch]]\nname = "Japan"\nquery = "Japan"\nnotify = ["alice@example.com"]\n'
        'cadence = "immediate"\n',
        path=tmp_path / "newsmon.toml",
        environ={},
    )
    result = run(store, smaller, FileMailer(tmp_path / "out"), TUESDAY)
    assert [(s.recipient, s.alerts) for s in result.sent] == [("alice@example.com", 1)]
    assert any(
        "bob@example.com" in line and "no longer in notify of 'Japan'" in line
        for line in result.dropped
    )
    assert any("watch 'Chips' is no longer in the config" in line for line in result.dropped)
    assert "dropping alert" in caplog.text
    states = store.db.execute("SELECT state, COUNT(*) FROM deliveries GROUP BY state").fetchall()
    assert dict(states) == {"sent": 1, "dropped": 2}
    again = run(store, smaller, FileMailer(tmp_path / "out"), TUESDAY + timedelta(days=1))
    assert (again.sent, again.dropped, again.failed) == ([], [], [])


def smtp_config(tmp_path: Path, port: int, security: str = "none", extra: str = "") -> Config:
    login = f'username = "{USER}"\npassword_env = "PW"\n' if security != "none" else ""
    email_table = (
        f'[email]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "{security}"\n{login}'
        'sender = "newsmon <alerts@example.com>"\n'
    )
    return make_config(tmp_path, extra=email_table + extra)


def test_starttls_with_login_delivers_each_recipient_once(
    tmp_path: Path, store: ArticleStore
) -> None:
    tls = make_tls(tmp_path)
    inbox = Inbox()
    with running(inbox, tls=tls) as port:
        config = smtp_config(tmp_path, port, security="starttls")
        assert config.email is not None
        mailer = SmtpMailer(config.email, timeout=10, context=tls.client)
        Articles(store).add(config, TUESDAY, "Japan")
        assert len(run(store, config, mailer, TUESDAY).sent) == 2
        assert run(store, config, mailer, TUESDAY + timedelta(minutes=15)).sent == []
    assert sorted(r for rcpts, _ in inbox.messages for r in rcpts) == [
        "alice@example.com",
        "bob@example.com",
    ]
    got = email.message_from_bytes(inbox.messages[0][1], policy=email.policy.default)
    assert got["List-Unsubscribe"].strip().startswith("<mailto:alerts@example.com?")


@pytest.mark.parametrize(
    "trouble",
    [
        "not listening",
        "421 on RCPT",
        "451 on DATA",
        "dropped mid-DATA",
    ],
)
def test_temporary_trouble_then_a_healthy_run_delivers_what_is_left_once(
    tmp_path: Path, store: ArticleStore, trouble: str
) -> None:
    port = free_port()
    config = smtp_config(tmp_path, port)
    assert config.email is not None
    mailer = SmtpMailer(config.email, timeout=10)
    Articles(store).add(config, TUESDAY, "Japan")
    inbox = Inbox()
    if trouble == "421 on RCPT":
        inbox.rcpt_once = {
            "alice@example.com": "421 4.7.0 busy",
            "bob@example.com": "421 4.7.0 busy",
        }
    elif trouble == "451 on DATA":
        inbox.data = ["451 4.3.0 try later", "451 4.3.0 try later"]
    elif trouble == "dropped mid-DATA":
        inbox.data = ["drop", "drop"]
    if trouble == "not listening":
        bad = run(store, config, mailer, TUESDAY)
    else:
        with running(inbox, port):
            bad = run(store, config, mailer, TUESDAY)
    assert sorted(f.recipient for f in bad.blocking) == ["alice@example.com", "bob@example.com"]
    assert all(not f.permanent for f in bad.failed)
    assert inbox.messages == []
    with running(inbox, port):
        good = run(store, config, mailer, TUESDAY + timedelta(minutes=15))
        after = run(store, config, mailer, TUESDAY + timedelta(minutes=30))
    assert sorted(s.recipient for s in good.sent) == ["alice@example.com", "bob@example.com"]
    assert (good.failed, after.sent, after.failed) == ([], [], [])
    assert sorted(r for rcpts, _ in inbox.messages for r in rcpts) == [
        "alice@example.com",
        "bob@example.com",
    ]


def test_550_for_one_of_two_recipients_is_given_up_after_three_refusals(
    tmp_path: Path, store: ArticleStore
) -> None:
    port = free_port()
    config = smtp_config(tmp_path, port)
    assert config.email is not None
    mailer = SmtpMailer(config.email, timeout=10)
    inbox = Inbox(rcpt={"bob@example.com": "550 5.1.1 no such user"})
    articles = Articles(store)
    articles.add(config, TUESDAY, "Japan")
    with running(inbox, port):
        runs = [run(store, config, mailer, TUESDAY + timedelta(minutes=15 * n)) for n in range(4)]
        # the other recipient got theirs at once, and only once
        assert [(s.recipient, s.retry) for s in runs[0].sent] == [("alice@example.com", False)]
        assert all(r.sent == [] for r in runs[1:])
        refusals = [[(f.recipient, f.attempts, f.given_up) for f in r.failed] for r in runs]
        assert refusals == [
            [("bob@example.com", 1, False)],
            [("bob@example.com", 2, False)],
            [("bob@example.com", 3, True)],
            [],
        ]
        assert [bool(r.blocking) for r in runs] == [True, True, False, False]
        _, unsent, failed = pending_overview(store, delivery_plan(config), now=TUESDAY)
        assert unsent == []
        assert [(f["recipient"], f["watch"], f["alerts"]) for f in failed] == [
            ("bob@example.com", "Japan", 1)
        ]
        assert "550 5.1.1 no such user" in failed[0]["error"]
        # bob's new alerts are tried again (the address may work again); alice's go as usual
        articles.add(config, TUESDAY + timedelta(hours=2), "Japan")
        fresh = run(store, config, mailer, TUESDAY + timedelta(hours=2))
        assert [s.recipient for s in fresh.sent] == ["alice@example.com"]
        assert [(f.recipient, f.attempts) for f in fresh.failed] == [("bob@example.com", 1)]
    assert forget(store, "bob@example.com") == (1, 1)
    waiting, unsent, failed = pending_overview(store, delivery_plan(config), now=TUESDAY)
    assert (waiting, unsent, failed) == ([], [], [])
    assert [r for rcpts, _ in inbox.messages for r in rcpts] == ["alice@example.com"] * 2


def test_attempts_is_configurable(tmp_path: Path, store: ArticleStore) -> None:
    port = free_port()
    config = smtp_config(tmp_path, port, extra="[digest]\nattempts = 1\n")
    assert config.email is not None and config.digest.attempts == 1
    Articles(store).add(config, TUESDAY, "Japan")
    with running(Inbox(rcpt={"bob@example.com": "550 5.1.1 no such user"}), port):
        result = run(store, config, SmtpMailer(config.email, timeout=10), TUESDAY)
    assert [(f.recipient, f.given_up) for f in result.failed] == [("bob@example.com", True)]
    assert result.blocking == []


def test_temporary_failure_never_gives_up(tmp_path: Path, store: ArticleStore) -> None:
    config = make_config(tmp_path)
    Articles(store).add(config, TUESDAY, "Japan")

    down = SmtpMailer(smtp_config(tmp_path, free_port()).email, timeout=5)  # type: ignore[arg-type]
    for n in range(6):
        result = run(store, config, down, TUESDAY + timedelta(hours=n))
        assert len(result.blocking) == 2 and not any(f.given_up for f in result.failed)
    assert run(store, config, FileMailer(tmp_path / "out"), TUESDAY + timedelta(days=1)).sent


def test_the_footer_names_configured_sites_with_a_health_flag(
    tmp_path: Path, store: ArticleStore
) -> None:
    config = make_config(tmp_path, extra='\n[[site]]\nname = "n"\nhome = "https://n.example/"\n')
    Articles(store).add(config, TUESDAY, "Japan")
    for site in ("n", "gone"):
        for n in range(3):  # the last three crawls failed
            finished = (TUESDAY - timedelta(minutes=15 * n)).isoformat()
            store.runs.record(
                {"run": f"r{n}", "site": site, "started": finished, "finished": finished,
                 "requests": 3, "new": 0, "updated": 0, "known": 0, "errors": 3,
                 "duration": 1.0, "ok": 0, "error": "cannot connect"}
            )  # fmt: skip
    result = run(store, config, FileMailer(tmp_path / "out"), TUESDAY)
    text = body(read(result.sent[0].location))
    assert "Sites with problems (newsmon status says which and why): n." in text  # not 'gone'
    assert f"edit {tmp_path / 'newsmon.toml'}" in text.replace("\n", " ")


def test_a_sent_digests_message_is_kept_a_week(tmp_path: Path, store: ArticleStore) -> None:
    config = make_config(tmp_path)
    Articles(store).add(config, TUESDAY, "Japan")
    run(store, config, FileMailer(tmp_path / "out"), TUESDAY)
    stored = "SELECT COUNT(*) FROM digests WHERE message IS NOT NULL"
    run(store, config, FileMailer(tmp_path / "out"), TUESDAY + timedelta(days=6))
    assert store.db.execute(stored).fetchone()[0] == 2
    run(store, config, FileMailer(tmp_path / "out"), TUESDAY + timedelta(days=8))
    assert store.db.execute(stored).fetchone()[0] == 0
    assert store.db.table("digests").count == 2
