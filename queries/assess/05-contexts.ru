# title: Assessment contexts (assessment step 0)
# question_en: Which distinct (city, date) pairs do the applicants have, and which machine-evaluable criteria apply in each?
# question_zh: 申请人涉及哪些（城市、日期）组合？各组合适用哪些可自动判定的条件？
# clause: a criterion applies where the city lies within its jurisdiction (tk:jurisdiction, e.g. CN for the
#   2017 standard, 440100;440600 for the Guangzhou–Foshan measures) and on dates within its validity.
# Working per context, not per applicant, keeps a batch fast: a year's applicants share few (city, date) pairs.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
INSERT { GRAPH <https://w3id.org/talentkg/id/graph/applicants> {
  ?app tk:assessmentContext ?ctx .
  ?ctx a tk:AssessmentContext ; tk:applicationCity ?city ; tk:applicationDate ?date .
} }
WHERE {
  GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app a tk:Applicant ; tk:applicationCity ?city ; tk:applicationDate ?date . }
  BIND(IRI(CONCAT("https://w3id.org/talentkg/id/context/", STRAFTER(STR(?city), "jurisdiction/"), "/", STR(?date))) AS ?ctx)
};
INSERT { GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?ctx tk:applicableRule ?rule } }
WHERE {
  GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?ctx a tk:AssessmentContext ; tk:applicationCity ?city ; tk:applicationDate ?date . }
  ?rule a tk:EligibilityCriterion ; tk:machineEvaluable true ; tk:validFrom ?cvf ; tk:jurisdiction ?cj .
  FILTER(?cvf <= ?date)
  FILTER NOT EXISTS { ?rule tk:validUntil ?cvu FILTER(?date > ?cvu) }
  FILTER EXISTS { ?city tk:parentJurisdiction* ?cj }
}
