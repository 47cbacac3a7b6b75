"""Locust users for benchmarks/load_test.py: every user GETs one URL, no pauses.

Configured by the environment, so each scenario is one locust run:

* ``LOAD_TEST_PATH``: the path to request, e.g. ``/conditions/back-pain/``;
* ``LOAD_TEST_EXPECT``: text the response body must contain (optional);
* ``LOAD_TEST_SAMPLES``: where to write the run's raw numbers as JSON when
  locust quits: every response time in ms, the failures, and the wall-clock
  start and end of the run.

A response counts as a failure unless it is a 200 (redirects are not
followed) whose body contains ``LOAD_TEST_EXPECT``. Response times are kept
unrounded, so the driver computes exact percentiles (locust's own rounds
anything above 100 ms to 10 ms).
"""

import json
import os
import time

from locust import FastHttpUser, constant, events, task


PATH = os.environ["LOAD_TEST_PATH"]
EXPECT = os.environ.get("LOAD_TEST_EXPECT", "").encode()
SAMPLES_FILE = os.environ.get("LOAD_TEST_SAMPLES")
MAX_FAILURE_MESSAGES = 20

_run = {"start": None, "stop": None, "times_ms": [], "failures": 0, "messages": []}


class PageReader(FastHttpUser):
    """Requests ``LOAD_TEST_PATH`` again as soon as each response arrives."""

    wait_time = constant(0)

    @task
    def get(self):
        with self.client.get(
            PATH, catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif EXPECT and EXPECT not in (response.content or b""):
                response.failure(f"200 without {EXPECT.decode()!r} in the body")


@events.test_start.add_listener
def _on_test_start(**kwargs):
    _run["start"] = time.time()


@events.test_stop.add_listener
def _on_test_stop(**kwargs):
    _run["stop"] = time.time()


@events.request.add_listener
def _on_request(response_time, exception, **kwargs):
    _run["times_ms"].append(response_time)
    if exception is not None:
        _run["failures"] += 1
        if len(_run["messages"]) < MAX_FAILURE_MESSAGES:
            _run["messages"].append(str(exception))


@events.quitting.add_listener
def _on_quitting(**kwargs):
    if SAMPLES_FILE:
        with open(SAMPLES_FILE, "w") as output:
            json.dump(_run, output)
