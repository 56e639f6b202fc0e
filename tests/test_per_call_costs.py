"""Per-call costs removed for speed (issue 11.4) keep the answers and share no state between calls."""

from __future__ import annotations

import pytest

from talentkg.errors import ParameterError
from talentkg.values import parse_number


def test_assessment_updates_parsed_once_per_file_version_and_never_shared(tmp_path):
    """The .ru steps are parsed once per version of the files (issue 11.4: no re-parsing per call),
    a changed file is read again, and every caller gets its own QueryFile objects."""
    import os

    from talentkg.querylib import assessment_updates

    (tmp_path / "assess").mkdir()
    step = tmp_path / "assess" / "10-step.ru"
    step.write_text("# title: a step\nINSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> 1 } }\n", encoding="utf-8")
    first, second = assessment_updates(tmp_path), assessment_updates(tmp_path)
    assert [q.name for q in first] == ["10-step"] and first[0].title == "a step"
    assert first[0] is not second[0] and first[0].text == second[0].text
    first[0].text = "changed by one caller"
    assert assessment_updates(tmp_path)[0].text.startswith("# title: a step")
    step.write_text("# title: edited\nINSERT DATA { GRAPH <urn:g> { <urn:a> <urn:p> 2 } }\n", encoding="utf-8")
    os.utime(step, ns=(1, 2_000_000_000_000_000_000))  # a new modification time, whatever the clock's resolution
    assert assessment_updates(tmp_path)[0].title == "edited"


def test_number_cells_parsed_once_keep_every_answer_and_every_error():
    # the same text twice: the same literal; a bad text raises each time with its field and range
    assert parse_number("monthly_salary_rmb", "62694").value == "62694"
    assert parse_number("monthly_salary_rmb", "62694").value == "62694"
    assert parse_number("age", "30", integer=True).datatype.value.endswith("#integer")
    assert parse_number("points", "30").datatype.value.endswith("#decimal")
    for _ in range(2):
        with pytest.raises(ParameterError, match=r"age.*30.5 is not a whole number; allowed: a whole number from 0"):
            parse_number("age", "30.5", integer=True)
        with pytest.raises(ParameterError, match=r"monthly_salary_rmb.*-1 is negative"):
            parse_number("monthly_salary_rmb", "-1")
    # the field is part of the key: one field's text never answers for another
    with pytest.raises(ParameterError, match=r"^.*age"):
        parse_number("age", "1000", integer=True, maximum=__import__("decimal").Decimal(150))
    assert parse_number("points", "1000").value == "1000"
