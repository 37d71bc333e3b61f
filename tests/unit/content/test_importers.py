"""GIFT and Aiken files convert into valid question banks; the rest is listed by line."""

from __future__ import annotations

import textwrap

import yaml

from course.content.importers import EXPLANATION_PLACEHOLDER, dump_yaml, import_aiken, import_gift

from .helpers import module_files, parse, problems, write_module

GIFT = textwrap.dedent(
    """\
    // comment
    ::Init::Where should you create the SDK client? {
      =Outside the handler#Runs once during INIT.
      ~Inside the handler#Runs every invocation.
      ####Module-level code runs once per environment.
    }

    Which two run during INIT? {
      ~%50%Extension init#Yes.
      ~%50%Function init#Yes.
      ~%-100%The handler#No.
    }

    Lambda freezes idle environments.{T#Wrong: it does.#Right.}

    The default timeout is {#3} seconds.

    Match: {=a -> b =c -> d}

    Write an essay. {}

    Name the queue service: {=SQS =Simple Queue Service}

    Lambda\\: the {~best =only} \\{compute\\} service.
    """
)

AIKEN = textwrap.dedent(
    """\
    Where should you create the SDK client?
    A. Inside the handler
    B) Outside the handler
    ANSWER: B

    Which is a Lambda phase?
    A. Boot
    B. Init
    ANSWER: C
    """
)


def test_gift_choice_questions_are_converted():
    report = import_gift(GIFT)
    first, second, third, fourth = report.questions
    assert first == {
        "id": "where-should-you-create-the-sdk",
        "kind": "single",
        "stem": "Where should you create the SDK client?",
        "choices": [
            {
                "text": "Outside the handler",
                "correct": True,
                "explanation": "Runs once during INIT.",
            },
            {
                "text": "Inside the handler",
                "correct": False,
                "explanation": "Runs every invocation.",
            },
        ],
        "explanation": "Module-level code runs once per environment.",
    }
    assert (second["kind"], second["pick"]) == ("multiple", 2)
    assert [c["text"] for c in third["choices"]] == ["True", "False"]
    assert [c["explanation"] for c in third["choices"]] == ["Right.", "Wrong: it does."]
    assert fourth["stem"] == "Lambda: the _____ {compute} service."


def test_gift_questions_we_cannot_hold_are_listed_with_lines():
    report = import_gift(GIFT)
    assert [str(note) for note in report.skipped] == [
        "line 16: numeric questions have no place in the bank",
        "line 18: matching questions have no place in the bank",
        "line 20: essay questions have no place in the bank",
        "line 22: short-answer questions have no place in the bank",
    ]


def test_missing_feedback_gets_a_placeholder_and_a_flag():
    report = import_gift(GIFT)
    assert report.questions[3]["choices"][0]["explanation"] == EXPLANATION_PLACEHOLDER
    assert [note.line for note in report.flagged] == [24]


def test_aiken_questions_are_converted_and_flagged_for_explanations():
    report = import_aiken(AIKEN)
    (question,) = report.questions
    assert question["stem"] == "Where should you create the SDK client?"
    assert [(c["text"], c["correct"]) for c in question["choices"]] == [
        ("Inside the handler", False),
        ("Outside the handler", True),
    ]
    assert [str(note) for note in report.skipped] == ["line 6: ANSWER: C names no choice"]
    assert [note.line for note in report.flagged] == [1]


def test_dumped_yaml_is_a_bank_the_parser_accepts_once_explanations_are_written(tmp_path):
    text = dump_yaml(import_gift(GIFT), lesson="first")
    assert yaml.safe_load(text)["lesson"] == "first"
    write_module(tmp_path, module_files({"questions/imported.yaml": text}))
    assert any("still has a TODO explanation" in problem for problem in problems(tmp_path))
    finished = text.replace(EXPLANATION_PLACEHOLDER, "Because.")
    write_module(tmp_path, module_files({"questions/imported.yaml": finished}))
    assert len(parse(tmp_path).modules[0].questions) == 5


def test_duplicate_stems_get_distinct_ids():
    report = import_aiken("\n".join([AIKEN.replace("ANSWER: C", "ANSWER: B")] * 2))
    assert len({question["id"] for question in report.questions}) == 4
