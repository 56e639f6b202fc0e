"""The applicant profile's fields, declared once.

Every consumer reads this table: the profile checks (``talentkg.profile``: allowed keys, value kinds,
ranges), the batch columns (``talentkg.batch``), the web form (``talentkg.web.app``), the field
reference (``talentkg assess --fields``, the README's Assessment section, tested equal) and the
ontology check (tests/test_profile_schema.py: each field's property is declared in ontology/ on
``tk:Applicant`` / ``tk:PointsInput`` with the range given here).

A new profile field is one row here, its property in ``ontology/talentkg.ttl``, and the line in
``talentkg.profile`` that writes it (CONTRIBUTING.md, "a new profile field").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

XSD = "xsd:"


@dataclass(frozen=True)
class Field:
    """One profile field. ``name`` is the JSON key (``points_factors.<factor>`` inside points_factors).

    kind: jurisdiction | date | choice | number | integer | boolean | list | text | object.
    prop: the tk: property the field is stored under (None: a shorthand that writes another field's
    property, see ``note``). range: that property's rdfs:range in the ontology (checked by a test).
    form: the web form group (profile | transfer | factor; None: not on the form) and widget there."""

    name: str
    kind: str
    prop: str | None
    range: str | None
    help: str
    maximum: Decimal | None = None
    form: str | None = None
    widget: str | None = None

    @property
    def top(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def factor(self) -> str | None:
        return self.name.split(".", 1)[1] if "." in self.name else None


FIELDS: tuple[Field, ...] = (
    Field("id", "text", "profileKey", "xsd:string", "optional key of the profile (default: its position)"),
    Field(
        "city",
        "jurisdiction",
        "applicationCity",
        "tk:Jurisdiction",
        "where the permit is applied for (required)",
        form="profile",
        widget="jurisdiction",
    ),
    Field(
        "application_date",
        "date",
        "applicationDate",
        "rdfs:Literal",
        "YYYY-MM-DD (required)",
        form="profile",
        widget="date",
    ),
    Field(
        "application_type",
        "choice",
        "applicationType",
        "xsd:string",
        "new | transfer | renewal (default new)",
        form="profile",
        widget="choice:application_type",
    ),
    Field(
        "monthly_salary_rmb",
        "number",
        "monthlySalary",
        "xsd:decimal",
        "monthly salary in RMB before tax",
        form="profile",
        widget="number",
    ),
    Field(
        "education",
        "choice",
        "education",
        "tk:EducationLevel",
        "associate | bachelor | master | doctorate | none",
        form="profile",
        widget="choice:education",
    ),
    Field(
        "related_experience_years",
        "number",
        "experienceYears",
        "xsd:decimal",
        "years of related work experience",
        maximum=Decimal(100),
        form="profile",
        widget="number",
    ),
    Field(
        "age",
        "integer",
        "age",
        "xsd:integer",
        "age in whole years",
        maximum=Decimal(130),
        form="profile",
        widget="integer",
    ),
    Field(
        "points",
        "number",
        "declaredPoints",
        "xsd:decimal",
        "points total, when already scored",
        form="profile",
        widget="number",
    ),
    Field(
        "awards",
        "list",
        "holdsAward",
        "tk:Award",
        "award ids (talentkg query criteria), e.g. turing_award",
        form="profile",
        widget="list:awards",
    ),
    Field(
        "overseas_qualifications",
        "list",
        "holdsQualification",
        "tk:CatalogueEntry",
        "catalogue ids such as GZ2025-R001",
        form="profile",
        widget="text",
    ),
    Field(
        "language_teacher",
        "boolean",
        "languageTeacher",
        "xsd:boolean",
        "a foreign-language teacher",
        form="profile",
        widget="tristate",
    ),
    Field(
        "teaching_certificate",
        "boolean",
        None,
        None,
        "holds a teaching certificate (shorthand for that waiver condition)",
        form="profile",
        widget="tristate",
    ),
    Field(
        "education_degree",
        "boolean",
        None,
        None,
        "a degree in education, language or teacher training, which waives B-III's experience "
        "(shorthand for that waiver condition)",
        form="profile",
        widget="tristate",
    ),
    Field(
        "previous_city",
        "jurisdiction",
        "previousCity",
        "tk:Jurisdiction",
        "city of the previous permit (transfer)",
        form="transfer",
        widget="jurisdiction",
    ),
    Field(
        "previous_category",
        "choice",
        "previousCategory",
        "tk:TalentCategory",
        "A | B | C (transfer)",
        form="transfer",
        widget="choice:category",
    ),
    Field(
        "internal_transfer",
        "boolean",
        "internalTransfer",
        "xsd:boolean",
        "an internal transfer within the employer (with days_since_internal_move, same_position)",
        form="transfer",
        widget="tristate",
    ),
    Field(
        "days_since_internal_move",
        "integer",
        "daysSinceMove",
        "xsd:integer",
        "days since the internal move",
        form="transfer",
        widget="integer",
    ),
    Field(
        "same_position",
        "boolean",
        "samePosition",
        "xsd:boolean",
        "same position after the move",
        form="transfer",
        widget="tristate",
    ),
    Field(
        "waiver_conditions",
        "list",
        "holdsWaiverCondition",
        "tk:WaiverCondition",
        "waiver conditions held, e.g. outstanding_graduate_leading_university; an empty list says none",
    ),
    Field("postdoctoral_research", "boolean", "postdoctoralResearch", "xsd:boolean", "postdoctoral research (A-V)"),
    Field("points_factors", "object", "pointsInput", "tk:PointsInput", "the points factors below, scored by the graph"),
    Field(
        "points_factors.annual_salary_rmb",
        "number",
        "numericValue",
        "xsd:decimal",
        "annual salary in RMB",
        form="factor",
        widget="number",
    ),
    Field(
        "points_factors.education",
        "choice",
        "tokenValue",
        "xsd:string",
        "education level for points",
        form="factor",
        widget="choice:factor_education",
    ),
    Field(
        "points_factors.related_experience_years",
        "number",
        "numericValue",
        "xsd:decimal",
        "years of related experience",
        form="factor",
        widget="number",
    ),
    Field(
        "points_factors.months_in_china_per_year",
        "number",
        "numericValue",
        "xsd:decimal",
        "months a year worked in China",
        maximum=Decimal(12),
        form="factor",
        widget="number",
    ),
    Field(
        "points_factors.hsk_level",
        "integer",
        "numericValue",
        "xsd:decimal",
        "HSK level",
        maximum=Decimal(9),
        form="factor",
        widget="integer",
    ),
    Field(
        "points_factors.age",
        "integer",
        "numericValue",
        "xsd:decimal",
        "age",
        maximum=Decimal(130),
        form="factor",
        widget="integer",
    ),
    Field(
        "points_factors.former_chinese_national",
        "boolean",
        "tokenValue",
        "xsd:string",
        "a former Chinese national",
        form="factor",
        widget="tristate",
    ),
    Field(
        "points_factors.chinese_taught_degree",
        "boolean",
        "tokenValue",
        "xsd:string",
        "a degree taught in Chinese",
        form="factor",
        widget="tristate",
    ),
    Field(
        "points_factors.work_region",
        "choice",
        "tokenValue",
        "xsd:string",
        "region of the workplace",
        form="factor",
        widget="choice:work_region",
    ),
    Field(
        "points_factors.extras",
        "list",
        "tokenValue",
        "xsd:string",
        "extra points items",
        form="factor",
        widget="list:extras",
    ),
    Field(
        "points_factors.local_bonus",
        "number",
        "numericValue",
        "xsd:decimal",
        "local bonus points",
        form="factor",
        widget="number",
    ),
)

BY_NAME = {f.name: f for f in FIELDS}
TOP_FIELDS = frozenset(f.name for f in FIELDS if f.factor is None)
REQUIRED = ("city", "application_date")
FACTORS = {f.factor: f for f in FIELDS if f.factor is not None}
SHARED_FACTS = ("education", "related_experience_years", "age")  # one fact, at top level or in points_factors

# tk:Applicant properties no profile field sets: the rules write them (the assessment's results).
DERIVED_PROPERTIES = frozenset(
    {
        "factorScore",
        "pointsTotal",
        "pointsComplete",
        "routeOutcome",
        "verdict",
        "verdictReason",
        "verdictReasonZh",
        "verdictCode",
        "assessmentContext",
        "transferContext",
        "conditionCheck",
        # the verdict's values (tk:valueKey, queries/assess/40-verdict.ru)
        "outcomeCity",
        "outcomeCount",
        "outcomeOpenCategory",
        "outcomeConditionNotMetCategory",
        "outcomeConditionOpenCategory",
        # what talentkg/profile.py works out from the fields: points_factors summed beside a declared
        # total, their disagreement, and that waiver_conditions was given (possibly empty)
        "summedPoints",
        "pointsConflict",
        "waiverConditionsDeclared",
    }
)


def factors_of(*kinds: str) -> set[str]:
    """The points factors of these kinds (``number``, ``integer``, ``boolean``, ``choice``, ``list``)."""
    return {name for name, f in FACTORS.items() if f.kind in kinds}


def form(group: str) -> list[tuple[str, str]]:
    """The web form's (name, widget) pairs of one group, in declaration order."""
    return [(f.name, f.widget or f.kind) for f in FIELDS if f.form == group]


def batch_columns() -> list[str]:
    """The column names a roster may have (every field; points factors as ``points_factors.<factor>``)."""
    return [f.name for f in FIELDS if f.name != "points_factors"]


def field_reference() -> str:
    """One line per field: name, kind, property, help (``talentkg assess --fields``)."""
    width = max(len(f.name) for f in FIELDS)
    lines = []
    for f in FIELDS:
        prop = f"tk:{f.prop}" if f.prop else "-"
        req = " (required)" if f.name in REQUIRED and "required" not in f.help else ""
        lines.append(f"{f.name:<{width}}  {f.kind:<12} {prop:<24} {f.help}{req}")
    return "\n".join(lines) + "\n"
