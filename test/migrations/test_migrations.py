"""Every migration goes down and up again on a populated database without
losing the rows that outlive it, and the new columns get their documented
defaults. Runs the real `todod migrate` against a throwaway database.

Environment: TODOD_TEST_DATABASE_URL (a database the test may wipe),
TODOD_TEST_BIN (the todod binary)."""
import os
import subprocess

import pytest

DB = os.environ.get("TODOD_TEST_DATABASE_URL")
BIN = os.environ.get("TODOD_TEST_BIN")


def todod(*args):
    if not DB or not BIN:
        pytest.fail("TODOD_TEST_DATABASE_URL and TODOD_TEST_BIN must be set (scripts/test.sh sets them)")
    p = subprocess.run([BIN, "migrate", *args], env=dict(os.environ, TODOD_DATABASE_URL=DB),
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def sql(q):
    p = subprocess.run(["psql", DB, "-v", "ON_ERROR_STOP=1", "-Atc", q], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def status():
    return [line.split()[0] for line in todod("status").splitlines()]


def test_down_and_up_keep_the_data():
    todod("down", "100")
    assert set(status()) == {"pending"}
    todod("up")
    n = len(status())
    assert n >= 5 and set(status()) == {"applied"}
    # Back to the base schema, populate it as the first release would have.
    todod("down", str(n - 1))
    assert status() == ["applied"] + ["pending"] * (n - 1)
    sql("INSERT INTO tasks (user_id, title, description, completed) "
        "SELECT 'm' || (g % 7), 'task ' || g, CASE WHEN g % 3 = 0 THEN 'd' END, g % 2 = 0 "
        "FROM generate_series(1, 500) g")
    before = sql("SELECT md5(string_agg(id || user_id || title || coalesce(description, '') || completed, ',' ORDER BY id)) FROM tasks")

    todod("up")
    assert set(status()) == {"applied"}
    assert sql("SELECT count(*) FROM tasks WHERE priority = 'Medium' AND recurrence_pattern = 'none' "
               "AND timezone = 'UTC' AND due_datetime IS NULL AND occurrence_index = 1") == "500"
    sql("INSERT INTO tags (user_id, name) VALUES ('m1', 'home')")
    sql("INSERT INTO task_tags SELECT id, (SELECT id FROM tags LIMIT 1) FROM tasks WHERE user_id = 'm1'")
    sql("INSERT INTO reminders (task_id, user_id, reminder_type, reminder_time) "
        "SELECT id, user_id, 'absolute', now() + interval '1 day' FROM tasks WHERE user_id = 'm2'")

    # Every migration down again, one at a time, then up: the base rows survive.
    for k in range(n - 1):
        todod("down", "1")
        assert sql("SELECT count(*) FROM tasks") == "500"
    assert sql("SELECT md5(string_agg(id || user_id || title || coalesce(description, '') || completed, ',' ORDER BY id)) FROM tasks") == before
    todod("up")
    assert sql("SELECT count(*) FROM tasks") == "500"


def test_up_is_idempotent_and_locked():
    todod("up")
    out = todod("up")
    assert "0 applied now" in out
    # Two runners at once: the advisory lock serialises them; both succeed.
    env = dict(os.environ, TODOD_DATABASE_URL=DB)
    procs = [subprocess.Popen([BIN, "migrate", "up"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
