"""Assignment links and submission files, as the browser checks them (assignment-link.js,
submission.js): run in Chromium against the built fixture course's course.json, no Python needed.

A link carries ids, text and rules only; one with unknown ids, markup in its text, other keys
(code, checks), a damaged encoding or an absurd size is refused with a message. A submission is
read as strictly; the class table's CSV is plain data a spreadsheet will not run."""

from __future__ import annotations

import base64
import json

import pytest

from ..helpers import static_url

TITLE = "Week 1"
GOOD = {
    "title": TITLE,
    "text": "Do it.\nThen rest.",
    "due": "2031-01-31",
    "items": [{"lesson": "fixture-cells"}],
    "rules": {},
}


@pytest.fixture
def js(site, page):
    """Evaluate `body` in the page with the modules imported, the site's catalogue as `catalog`."""
    page.goto(site.url("teachers.html"))

    def run(body: str, arg=None):
        return page.evaluate(
            """async ([body, arg, js]) => {
                const link = await import(js + "assignment-link.js");
                const submission = await import(js + "submission.js");
                const catalog = await (await import(js + "catalog.js")).loadCatalog();
                return new Function("link", "submission", "catalog", "arg", `return (async () => { ${body} })()`)(
                    link, submission, catalog, arg);
            }""",
            [body, arg, static_url(page, "js/")],
        )

    return run


def fragment(data: dict) -> str:
    return "a=" + base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def decode(js, text: str):
    """The decoded assignment, or the message of the LinkError it raised."""
    return js(
        "try { return link.decodeAssignment(arg, catalog); } catch (e) { if (e instanceof link.LinkError) return e.message; throw e; }",
        text,
    )


def test_assignment_link_round_trip_keeps_ids_text_and_rules(js):
    made = js(
        "return link.encodeAssignment(arg, catalog);",
        {**GOOD, "rules": {"hints": False, "solution": "after", "after": 2}},
    )
    assert len(made) < 400
    assignment = decode(js, "#" + made)
    assert assignment == {
        "title": TITLE,
        "text": "Do it.\nThen rest.",
        "due": "2031-01-31",
        "items": [{"lesson": "fixture-cells"}],
        "rules": {"hints": False, "solution": "after", "after": 2, "attempts": 0},
    }
    assert js("return link.assignedExercises(arg, catalog);", assignment) == ["fixture-double"]


def test_assignment_link_old_ids_become_current_and_repeats_go(js):
    data = {**GOOD, "items": [{"exercise": "fixture-twice"}, {"exercise": "fixture-double"}]}
    assert decode(js, fragment({"v": 1, **data}))["items"] == [{"exercise": "fixture-double"}]


def test_assignment_link_without_one_is_none(js):
    assert decode(js, "") is None
    assert decode(js, "#section-2") is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"items": [{"lesson": "no-such-lesson"}, {"exercise": "gone"}]},
            "this site does not have (no-such-lesson, gone)",
        ),
        ({"items": [{"lesson": "../../etc"}]}, "an item is not a lesson or exercise id"),
        ({"items": [{"lesson": "fixture-cells", "code": "print(1)"}]}, "an item is not a lesson or exercise id"),
        ({"items": []}, "it names no lessons or exercises"),
        ({"items": [{"lesson": "fixture-cells"}] * 61}, "at most 60"),
        ({"title": "Week <b>1</b>"}, "title contains markup or a script"),
        ({"text": "see <img src=x onerror=alert(1)>"}, "instructions contains markup"),
        ({"text": "javascript:alert(1)"}, "instructions contains markup"),
        ({"title": "Week\n1"}, "control characters"),
        ({"title": "Week \u202e1"}, "control characters"),
        ({"title": "  "}, "it has no title"),
        ({"title": "x" * 121}, "title is too long"),
        ({"due": "2031-02-30"}, "its due date is not a date"),
        ({"rules": {"solution": "sometimes"}}, "its rules are not rules"),
        ({"rules": {"attempts": -1}}, "its rules are not rules"),
        ({"rules": {"attempts": 1.5}}, "its rules are not rules"),
        ({"rules": {"hints": "no"}}, "its rules are not rules"),
        ({"rules": {"check": "assert True"}}, "its rules are not rules"),
        ({"check": "assert True", "solution": "x"}, "carries more than an assignment (check, solution)"),
    ],
)
def test_assignment_link_refuses_what_is_not_allowed(js, change, message):
    result = decode(js, fragment({"v": 1, **GOOD, **change}))
    assert isinstance(result, str), result
    assert message in result


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a=" + "A" * 6000, "too long to be an assignment"),
        ("a=not base64!", "damaged (it is not valid base64)"),
        ("a=" + base64.urlsafe_b64encode(b"\xff\xfe").decode().rstrip("="), "damaged (its text is not valid UTF-8)"),
        (
            "a=" + base64.urlsafe_b64encode(b"{not json").decode().rstrip("="),
            "damaged (what it carries is not valid JSON)",
        ),
        (fragment({"v": 2, **GOOD}), "another version"),
        (fragment([1, 2]), "not made by this site's assignment builder"),
    ],
)
def test_assignment_link_damaged_or_absurd_is_refused(js, text, message):
    result = decode(js, "#" + text)
    assert isinstance(result, str), result
    assert message in result


def test_assignment_link_the_most_that_fits_and_more(js):
    many = {**GOOD, "text": "x" * 2000, "items": [{"exercise": "fixture-double"}] + [{"lesson": "fixture-cells"}] * 59}
    made = js("return link.encodeAssignment(arg, catalog);", many)
    assert len(made) <= 6000  # the longest text and the most items still fit
    wide = {**GOOD, "text": "€" * 2000}  # three bytes each in UTF-8
    message = js("try { link.encodeAssignment(arg, catalog); } catch (e) { return e.message; }", wide)
    assert "too long for a link" in message


def test_assignment_link_rules_in_words(js):
    assert js("return link.rulesInWords({hints: false, solution: 'after', after: 1, attempts: 1});") == [
        "Hints are switched off.",
        "A solution can be shown after 1 failed attempt at its exercise, or once you pass it.",
        "Check gives feedback at most 1 time per exercise.",
    ]


SUBMISSION = {
    "format": "pyground-submission",
    "version": 1,
    "site": {"build": "abc123", "title": "Fixture course"},
    "student": "Ada Lovelace",
    "assignment": {**GOOD, "rules": {"hints": True, "solution": "always", "after": 3, "attempts": 0}},
    "submittedAt": "2030-01-01T12:00:00.000Z",
    "exercises": [
        {
            "id": "fixture-twice",
            "code": "def double(n):\n    return n * 2",
            "verdict": {"passed": True, "message": "All checks passed."},
            "attempts": 2,
            "hints": 1,
            "solution": False,
            "codeAt": "2030-01-01T11:00:00.000Z",
            "passedAt": "2030-01-01T11:00:00.000Z",
        }
    ],
}


def read(js, data):
    """The submission as read (exercises as a list), or the SubmissionError's message."""
    text = data if isinstance(data, str) else json.dumps(data)
    return js(
        """try { const read = submission.readSubmission(arg, catalog); return {...read, exercises: [...read.exercises]}; }
           catch (e) { if (e instanceof submission.SubmissionError) return e.message; throw e; }""",
        text,
    )


def test_submission_is_read_with_current_ids(js):
    read_back = read(js, SUBMISSION)
    assert read_back["student"] == "Ada Lovelace" and read_back["build"] == "abc123"
    [[exercise_id, entry]] = read_back["exercises"]
    assert exercise_id == "fixture-double"  # its earlier id in the file counts as the current one
    assert entry["claim"] == {"passed": True, "message": "All checks passed."}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"student": "<script>alert(1)</script>"}, "holds markup"),
        ({"student": ""}, "name is missing"),
        ({"student": "x" * 101}, "too long"),
        ({"format": "pyground-progress"}, "not a Pyground submission file"),
        ({"version": 9}, "a newer version of the site"),
        ({"grade": "A+"}, "it has other parts than a submission"),
        ({"exercises": {"fixture-double": "code"}}, "its exercises are not a list"),
        ({"exercises": [{"id": "fixture-double", "code": 42}]}, "is not text"),
        ({"exercises": [{"id": "fixture-double", "verdict": {"passed": "yes", "message": ""}}]}, "is not a result"),
        ({"exercises": [{"id": "fixture-double", "attempts": -1}]}, "are not a count"),
        ({"exercises": [{"id": "fixture-double"}, {"id": "fixture-twice"}]}, "twice"),
        ({"exercises": [{"id": "fixture-double", "score": 10}]}, "is not one"),
        ({"assignment": {**GOOD, "items": [{"lesson": "elsewhere"}]}}, "this site does not have (elsewhere)"),
        ({"submittedAt": "yesterday"}, "is not a time"),
    ],
)
def test_submission_that_is_not_one_is_refused_with_a_reason(js, change, message):
    result = read(js, {**SUBMISSION, **change})
    assert isinstance(result, str), result
    assert message in result


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"format": "pyground-submission"', "not valid JSON"),
        ("hello", "not valid JSON"),
        (" " * 1_000_001, "too large"),
    ],
)
def test_submission_cut_short_or_huge_is_refused(js, text, message):
    assert message in read(js, text)


def test_grades_csv_marks_disagreements_and_defuses_formulas(js):
    forged = {
        **SUBMISSION,
        "student": '=HYPERLINK("http://evil")',
        "exercises": [{**SUBMISSION["exercises"][0], "code": "def double(n):\n    return n"}],
    }
    text = js(
        """const graded = arg.map(([file, data, passed]) => {
             const read = submission.readSubmission(JSON.stringify(data), catalog);
             return {file, submission: read, verdicts: new Map([["fixture-double", {passed, message: ""}]]), notes: []};
           });
           return submission.toCsv(graded, catalog);""",
        [["ada.json", SUBMISSION, True], ['b, "c".json', forged, False]],
    )
    assert text.split("\r\n") == [
        "student,file,assignment,passed,exercises,fixture-double,disagreements,solutions seen,hints seen,notes",
        '"\'=HYPERLINK(""http://evil"")","b, ""c"".json",Week 1,0,1,failed,fixture-double (claims passed),,1,',
        "Ada Lovelace,ada.json,Week 1,1,1,passed,,,1,",
        "",
    ]
