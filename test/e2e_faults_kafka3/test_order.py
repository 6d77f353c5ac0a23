"""Order per task on the three-broker profile: Kafka keeps order within a
partition only (task-events is keyed by task id), and daprd delivers a
partition's messages in order, one at a time or in one batch (bulk subscribe).
One task changed 200 times as fast as the API answers must show its 201
activity entries in version order, in the order they were recorded."""
from conftest import OK, activity, wait_activity_count, write

N = 200


def test_one_task_changed_200_times_keeps_its_order(api, user):
    first = write(api, user, "create")
    assert first.kind == OK, first
    tid = first.task_id
    for i in range(N):
        o = write(api, user, "update" if i % 2 else "toggle", tid)
        assert o.kind == OK, o
        assert o.version == i + 2, o
    entries = wait_activity_count(api, user, N + 1, deadline_s=120)
    assert len(entries) == N + 1
    # The list is newest first, in the order the consumer recorded the entries.
    assert [e["task_version"] for e in reversed(entries)] == list(range(1, N + 2))
    assert all(e["task_id"] == tid for e in entries)
    assert len({e["event_id"] for e in entries}) == N + 1
    print(f"\n[faults-kafka3] one task changed {N} times: {len(entries)} activity entries in version order",
          flush=True)
