"""The load test's users (bench/load.py): the same arrivals and pauses each run and in the
floor run, within the ranges its docstring gives, and the floor's requests in the same
slots as the mixed run's."""

from bench import load


def test_users_are_the_same_each_time_and_within_their_ranges():
    users = load.users()
    assert users == load.users()
    roles = [user.role for user in users]
    assert roles.count("register") == load.REGISTRANTS
    assert roles.count("read") == load.READERS
    assert roles.count("mark") == load.ORGANISERS
    for user in users:
        arrival, *thinking = user.pauses
        ramp, think, requests = {
            "register": (load.REGISTRATION_RAMP, load.FORM_THINK, 2),
            "read": (load.REGISTRATION_RAMP, load.READ_THINK, load.READS_EACH),
            "mark": (load.ORGANISER_RAMP, load.MARK_THINK, load.MARKS_EACH),
        }[user.role]
        assert 0 <= arrival <= ramp
        assert all(think[0] <= pause <= think[1] for pause in thinking)
        assert len(user.pauses) == requests


def test_the_floor_makes_as_many_requests_in_the_same_slots():
    data = {
        "feeds": ["token"] * load.READERS,
        "registrations": list(range(100)),
        "sessions": list(range(12)),
        "tokens": ["wst_x"] * load.ORGANISERS,
    }
    recorded = []
    for user in load.users():
        mixed = load.mixed_steps(1, data, None, user)
        floor = load.floor_steps(1, data, None, user)
        assert len(mixed) == len(floor) == len(user.pauses)
        recorded.append(len(floor))
    assert sum(recorded) == 2 * load.REGISTRANTS + load.READERS * load.READS_EACH + (
        load.ORGANISERS * load.MARKS_EACH
    )


def test_rate_counts_from_the_first_start_to_the_last_end():
    record = load.Recorder()
    record("register", 1.0, 302, 2.0)  # started at 1.0
    record("register", 0.5, 302, 5.0)
    assert load.rate(record, "register") == 2 / 4.0
    assert record.server_errors() == 0
    record("register", 0.1, 599, 5.1)
    assert record.server_errors() == 1
