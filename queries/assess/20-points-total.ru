# title: Points total of every applicant (assessment step 2)
# question_en: What is each applicant's points total, and is it complete?
# question_zh: 每位申请人的积分总分是多少？要素是否齐全？
# clause: 2017 standard A-VI / B-VI compare the total with 85 and 60 (step 3). A declared total
#   (profile field `points`) is used as given; otherwise the factor scores are summed.
PREFIX tk: <https://w3id.org/talentkg/ontology#>
PREFIX tkd: <https://w3id.org/talentkg/id/>
INSERT { GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app tk:pointsTotal ?total ; tk:pointsComplete ?complete } }
WHERE {
  GRAPH <https://w3id.org/talentkg/id/graph/applicants> {
    ?app a tk:Applicant .
    OPTIONAL { ?app tk:declaredPoints ?declared }
  }
  OPTIONAL {
    SELECT ?app (SUM(?fp) AS ?summed) (MAX(IF(?m, 1, 0)) AS ?anyMissing) WHERE {
      GRAPH <https://w3id.org/talentkg/id/graph/applicants> { ?app tk:factorScore ?s . ?s tk:points ?fp ; tk:inputMissing ?m }
    } GROUP BY ?app
  }
  FILTER(BOUND(?declared) || BOUND(?summed))
  BIND(COALESCE(?declared, ?summed) AS ?total)
  BIND(BOUND(?declared) || COALESCE(?anyMissing, 1) = 0 AS ?complete)
}
