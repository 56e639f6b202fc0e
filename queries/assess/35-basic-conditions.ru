# title: Basic conditions of every applicant (assessment step 3e)
# question_en: Does each applicant meet the basic conditions of a work permit (Category C route)?
# question_zh: 每位申请人是否符合申请工作许可的基本条件（C类）？
# clause: 2017 standard C; basic conditions "应年满18周岁,身体健康,无犯罪记录,境内有确定的用人单位" (年满 includes 18).
# Health, criminal record and employer are for the applicant to show; the age is checked.
# Bounds follow the Chinese wording (Civil Code art. 1259): 以上/不低于/至少/年满 include the bound.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkd: <https://w3id.org/talentkg/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
INSERT { GRAPH <https://w3id.org/talentkg/id/graph/applicants> {
  ?app tk:routeOutcome ?node .
  ?node a tk:RouteOutcome ; tk:outcomeRule ?rule ; tk:grantsCategory ?cat ; tk:outcome ?outcome ; tk:detail ?detail ; tk:basedOn ?based .
} }
WHERE {
  # the criteria in force in the applicant's city on the date (step 0, queries/assess/05-contexts.ru)
  GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app tk:assessmentContext ?ctx . ?ctx tk:applicableRule ?rule . }
  ?rule tk:grantsCategory ?cat .
  OPTIONAL { ?rule tk:boundInclusive ?inclusive }
  ?rule tk:minimumAge ?minAge .
  OPTIONAL { GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app tk:age ?age } }
  OPTIONAL { ?rule tk:quotaManaged ?quota }
  BIND(IF(!BOUND(?age), "undetermined", IF(?age >= ?minAge, "met", "not_met")) AS ?outcome)
  BIND(IF(!BOUND(?age), "age not given",
       CONCAT("age ", STR(?age), IF(?age >= ?minAge, " ≥ ", " < "), STR(?minAge),
              "; healthy, no criminal record and a confirmed employer are for the applicant to show",
              IF(COALESCE(?quota, false), "; Category C is quota-managed", ""))) AS ?detail)
  BIND(IRI(CONCAT(STR(?app), "/outcome/", REPLACE(STRAFTER(STR(?rule), "https://w3id.org/talentkg/id/"), "/", "-"))) AS ?node)
}
